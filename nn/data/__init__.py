"""Data sets for trainlab: one call, `load_dataset(name, ...)`, gives a split `Dataset`.

    spiral, circles, xor, gaussians, moons   2-D points in classes, drawn from a seed
    plane, mixture, sine                     regression: a number to predict for each point
    probe                                    1000 × 100 normal inputs for activation plots
    fashion-mnist, mnist                     28×28 images (a Fashion-MNIST subset ships)
    csv, npz                                 the student's own file, given by `path`

NumPy and the standard library only: the data knows nothing about the screen.
"""

from __future__ import annotations

from nn.data.dataset import CLASSIFICATION, REGRESSION, DataError, Dataset, keep_first
from nn.data.images import load_images
from nn.data.synthetic import REGRESSION_NAMES, SHAPE_NAMES, make_2d, make_regression, probe
from nn.data.user import load_csv, load_npz

__all__ = ["DATASET_NAMES", "DataError", "Dataset", "load_dataset"]

DATASET_NAMES = (*SHAPE_NAMES, *REGRESSION_NAMES, "probe", "fashion-mnist", "mnist", "csv", "npz")
TASKS = (CLASSIFICATION, REGRESSION)


def load_dataset(
    name: str,
    *,
    samples: int = 600,
    noise: float = 0.1,
    train_ratio: float = 0.7,
    seed: int = 0,
    classes: int = 3,
    path: str | None = None,
    label_column: str = "label",
    train_limit: int | None = None,
    test_limit: int | None = None,
    full: bool = False,
    task: str = CLASSIFICATION,
) -> Dataset:
    """Load (or draw) the named data set, split into train and test.

    samples, noise, classes   shape the 2-D sets (classes: spiral and gaussians only)
    train_ratio, seed         how the 2-D sets and user files are split; same seed, same split
    path                      the file (csv, npz) or idx folder (fashion-mnist, mnist)
    label_column              which CSV column holds the labels
    train_limit, test_limit   keep only the first N samples of each part
    full                      fashion-mnist: the complete installed set, not the shipped subset
    task                      csv, npz: "regression" when the labels are numbers to predict

    Raises DataError with a message that says what is wrong and where.
    """
    if name not in DATASET_NAMES:
        raise DataError(
            f"unknown data set {name!r}; known: {', '.join(DATASET_NAMES)}",
            "unknown_dataset",
            name=name,
            known=", ".join(DATASET_NAMES),
        )
    if not 0 < train_ratio < 1:
        raise DataError(
            f"train_ratio={train_ratio} must lie strictly between 0 and 1 "
            "(the share of samples used for training; the rest is the test set)",
            "train_ratio",
            value=train_ratio,
        )
    for label, limit in (("train_limit", train_limit), ("test_limit", test_limit)):
        if limit is not None and limit < 1:
            raise DataError(
                f"{label}={limit}: keep at least 1 sample (or None for all)",
                "keep_one",
                name=label,
                value=limit,
            )
    if name in ("csv", "npz") and path is None:
        raise DataError(
            f"the {name} data set reads your own file: give its path", "needs_file", name=name
        )

    if name in ("fashion-mnist", "mnist"):
        return load_images(
            name, path=path, full=full, train_limit=train_limit, test_limit=test_limit
        )
    if task not in TASKS:
        raise DataError(
            f"task={task!r} must be one of {', '.join(TASKS)}",
            "unknown_task",
            task=task,
            known=", ".join(TASKS),
        )
    if name in REGRESSION_NAMES:
        dataset = make_regression(
            name, samples=samples, noise=noise, train_ratio=train_ratio, seed=seed
        )
    elif name in SHAPE_NAMES:
        dataset = make_2d(
            name, samples=samples, noise=noise, train_ratio=train_ratio, seed=seed, classes=classes
        )
    elif name == "probe":
        dataset = probe(seed)
    elif name == "csv":
        dataset = load_csv(
            path, label_column=label_column, train_ratio=train_ratio, seed=seed, task=task
        )
    else:
        dataset = load_npz(path, train_ratio=train_ratio, seed=seed, task=task)
    return keep_first(dataset, train_limit, test_limit)
