"""What every loader returns: a `Dataset`, and what it raises: a `DataError`.

The loaders (synthetic, images, user files) differ in where their numbers come from,
but they all end here, so the rest of trainlab sees one shape of data:

    x_train  float64, (n_train, n_features)     y_train  (n_train,)
    x_test   float64, (n_test, n_features)      y_test   (n_test,)

A classification set's labels are class indices 0..n_classes-1 (int64), and
`class_names[k]` says what class k means; a regression set's targets are numbers
(float64), one per sample, and it has no classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn.errors import Explained, read_failure


class DataError(Explained, ValueError):
    """Data that cannot be used, with a message naming the place (file, line, column); its
    code and params (nn/errors.py) name the same place, for the app's catalogue."""


def unreadable(path: str | Path, error: OSError) -> DataError:
    """A data file the system would not read (no permission, a folder, …), said as such."""
    return DataError(
        f"{path}: cannot read the file ({error.strerror})",
        "file_" + read_failure(error),
        where=str(path),
        strerror=error.strerror,
    )


CLASSIFICATION, REGRESSION = "classification", "regression"


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data set, already split into a training part and a test part.

    The arrays are held as read-only views: a data set is shared by every run of a
    comparison, so one run must not be able to change the data the others see.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    class_names: tuple[str, ...]
    image_shape: tuple[int, int] | None = None
    task: str = CLASSIFICATION

    def __post_init__(self) -> None:
        for part in ("train", "test"):
            x, y = getattr(self, f"x_{part}"), getattr(self, f"y_{part}")
            if x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
                raise DataError(
                    f"{self.name}: x_{part} must be (n, features) and y_{part} (n,); "
                    f"got {x.shape} and {y.shape}",
                    "part_shapes",
                    where=self.name,
                    part=part,
                    x_shape=x.shape,
                    y_shape=y.shape,
                )
            if self.task == REGRESSION:
                if not np.all(np.isfinite(y)):
                    raise DataError(
                        f"{self.name}: targets in y_{part} must be finite numbers",
                        "targets_not_finite",
                        where=self.name,
                        part=part,
                    )
            elif y.size and (y.min() < 0 or y.max() >= self.n_classes):
                raise DataError(
                    f"{self.name}: labels in y_{part} must lie in 0..{self.n_classes - 1}",
                    "label_range",
                    where=self.name,
                    part=part,
                    last=self.n_classes - 1,
                )
            for key, values in ((f"x_{part}", x), (f"y_{part}", y)):
                view = values.view()
                view.setflags(write=False)
                object.__setattr__(self, key, view)  # the one write a frozen dataclass allows
        if self.x_train.shape[1] != self.x_test.shape[1]:
            raise DataError(
                f"{self.name}: train has {self.x_train.shape[1]} features "
                f"but test has {self.x_test.shape[1]}",
                "feature_counts",
                where=self.name,
                train=self.x_train.shape[1],
                test=self.x_test.shape[1],
            )
        if len(self.class_names) != self.n_classes:
            raise DataError(
                f"{self.name}: {self.n_classes} classes but {len(self.class_names)} class names",
                "class_names",
                where=self.name,
                classes=self.n_classes,
                names=len(self.class_names),
            )

    @property
    def n_features(self) -> int:
        """How many numbers describe one sample (2 for the 2-D sets, 784 for 28×28 images)."""
        return self.x_train.shape[1]

    @property
    def regression(self) -> bool:
        return self.task == REGRESSION

    @property
    def n_outputs(self) -> int:
        """The network's outputs: one score per class, or the one predicted number."""
        return 1 if self.regression else self.n_classes

    def __repr__(self) -> str:
        what = "regression" if self.regression else f"{self.n_classes} classes"
        return (
            f"Dataset({self.name!r}: train {self.x_train.shape[0]}×{self.n_features}, "
            f"test {self.x_test.shape[0]}×{self.n_features}, {what})"
        )


def shuffle_and_split(
    x: np.ndarray, y: np.ndarray, train_ratio: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the samples, then cut them into a training part and a test part.

    The shuffle matters: generators and files often list one class after another,
    and a cut without it would put whole classes only in the test set. Both parts
    keep at least one sample.
    """
    order = rng.permutation(len(x))
    n_train = min(max(round(len(x) * train_ratio), 1), len(x) - 1)
    train, test = order[:n_train], order[n_train:]
    return x[train], y[train], x[test], y[test]


def keep_first(dataset: Dataset, train_limit: int | None, test_limit: int | None) -> Dataset:
    """Keep only the first samples of each part (the lecture's "first 300 images")."""
    if train_limit is None and test_limit is None:
        return dataset
    return Dataset(
        name=dataset.name,
        x_train=dataset.x_train[:train_limit],
        y_train=dataset.y_train[:train_limit],
        x_test=dataset.x_test[:test_limit],
        y_test=dataset.y_test[:test_limit],
        n_classes=dataset.n_classes,
        class_names=dataset.class_names,
        image_shape=dataset.image_shape,
        task=dataset.task,
    )


def labels_to_indices(labels: np.ndarray, where: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Turn labels of any kind (integers or names) into indices 0..K-1 and K class names.

    Integer labels are sorted as numbers (so class 10 comes after class 9), names as
    text. A classifier needs two classes at least; one class alone is an error.
    """
    labels = np.asarray(labels)
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
            raise DataError(
                f"{where}: labels must be whole numbers or names", "labels_whole", where=where
            )
        labels = labels.astype(np.int64)
    if labels.dtype.kind == "S":
        labels = labels.astype(str)
    if labels.dtype.kind not in "iubU":
        raise DataError(
            f"{where}: labels must be integers or text, not {labels.dtype}",
            "labels_kind",
            where=where,
            dtype=str(labels.dtype),
        )
    if labels.dtype.kind == "U" and _all_integers(labels):
        labels = labels.astype(np.int64)
    values, indices = np.unique(labels, return_inverse=True)
    if len(values) < 2:
        only = values[0] if len(values) else None
        raise DataError(
            f"{where}: every row has label {str(only)!r}; a classifier needs at least two classes",
            "one_class",
            where=where,
            label=str(only),
        )
    return indices.astype(np.int64).reshape(-1), tuple(str(v) for v in values)


def regression_targets(values: np.ndarray, where: str) -> np.ndarray:
    """A regression set's targets as float64 numbers; DataError names the first that is
    not one."""
    values = np.asarray(values)
    try:
        targets = values.astype(np.float64)
    except ValueError:
        for row, value in enumerate(values.reshape(-1)):
            try:
                float(value)
            except ValueError:
                raise DataError(
                    f"{where}: target {str(value).strip()!r} of sample {row} (counting from 0) "
                    "is not a number; a regression set's labels are numbers",
                    "target_not_number",
                    where=where,
                    value=str(value).strip(),
                    row=row,
                ) from None
        raise
    if not np.all(np.isfinite(targets)):
        row = int(np.argwhere(~np.isfinite(targets.reshape(-1)))[0, 0])
        raise DataError(
            f"{where}: target of sample {row} (counting from 0) is not finite",
            "target_not_finite",
            where=where,
            row=row,
        )
    return targets.reshape(-1)


def _all_integers(texts: np.ndarray) -> bool:
    """True when every text is an integer such as '3' or '-1'."""
    try:
        texts.astype(np.int64)
    except ValueError:
        return False
    return True
