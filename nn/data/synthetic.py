"""Small 2-D data sets, made up on the spot, and the probe batch of the init experiments.

Two input numbers per sample mean that a network's decision regions can be drawn on
the screen: the student sees *where* a net is wrong, not just how often. Each set is
a clean shape plus Gaussian noise of standard deviation `noise`, with coordinates
roughly in [-1, 1] and the same number of points in every class.

Regression sets (as in TensorFlow Playground, plus a curve to fit): `plane` and
`mixture` give a number for each 2-D point, `sine` a number for each point of a line;
with few points, `sine` shows overfitting as wiggles between them.

Every set is drawn from `np.random.default_rng(seed)` alone, so one seed always
gives the same points, and no global random state is touched.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nn.data.dataset import REGRESSION, DataError, Dataset, shuffle_and_split

Points = tuple[np.ndarray, np.ndarray]  # (x of shape (n, 2), y of shape (n,))


def spiral(per_class: int, classes: int, rng: np.random.Generator) -> Points:
    """`classes` arms winding out from the centre to radius 1 (as in CS231n).

    The arms themselves are exact (`rng` is not needed); the noise comes later.
    """
    arm = np.repeat(np.arange(classes), per_class)
    radius = np.tile(np.linspace(0.0, 1.0, per_class), classes)
    angle = 2 * np.pi * arm / classes + 1.5 * np.pi * radius  # three quarters of a turn
    return _polar(radius, angle), arm


def circles(per_class: int, rng: np.random.Generator) -> Points:
    """A ring of radius 1 (class 0) around a ring of radius 0.5 (class 1)."""
    ring = np.repeat(np.arange(2), per_class)
    radius = np.where(ring == 0, 1.0, 0.5)
    angle = rng.uniform(0.0, 2 * np.pi, size=ring.size)
    return _polar(radius, angle), ring


def xor(per_class: int, rng: np.random.Generator) -> Points:
    """Class 0 where x and y have the same sign, class 1 where they differ.

    No straight line separates the classes: the classic task a net without a hidden
    layer cannot learn. Points keep a small distance from the axes.
    """
    label = np.repeat(np.arange(2), per_class)
    sign_x = rng.choice([-1.0, 1.0], size=label.size)
    sign_y = np.where(label == 0, sign_x, -sign_x)
    size = rng.uniform(0.05, 1.0, size=(label.size, 2))
    return size * np.column_stack([sign_x, sign_y]), label


def gaussians(per_class: int, classes: int, rng: np.random.Generator) -> Points:
    """`classes` round blobs (std 0.15) with centres evenly spaced on a circle of radius 0.6."""
    blob = np.repeat(np.arange(classes), per_class)
    centre = _polar(0.6, 2 * np.pi * blob / classes + np.pi / 4)
    return centre + 0.15 * rng.standard_normal((blob.size, 2)), blob


def moons(per_class: int, rng: np.random.Generator) -> Points:
    """Two interleaving half circles (as in scikit-learn), scaled to about [-1, 1]."""
    moon = np.repeat(np.arange(2), per_class)
    angle = rng.uniform(0.0, np.pi, size=moon.size)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    points = np.where((moon == 0)[:, None], upper, lower)
    return (points - [0.5, 0.25]) / 1.5, moon


def _check_noise(name: str, noise: float) -> None:
    if noise < 0:
        raise DataError(
            f"{name}: noise={noise} must be 0 or more (it is a standard deviation)",
            "negative_noise",
            where=name,
            noise=noise,
        )


def _polar(radius: np.ndarray | float, angle: np.ndarray) -> np.ndarray:
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


# name -> (how to draw the points, fixed number of classes or None if the user chooses,
#          what the classes are called)
_SHAPES: dict[str, tuple[Callable[..., Points], int | None, Callable[[int], tuple[str, ...]]]] = {
    "spiral": (spiral, None, lambda k: tuple(f"arm {i}" for i in range(k))),
    "circles": (circles, 2, lambda k: ("outer ring", "inner ring")),
    "xor": (xor, 2, lambda k: ("same sign", "opposite sign")),
    "gaussians": (gaussians, None, lambda k: tuple(f"blob {i}" for i in range(k))),
    "moons": (moons, 2, lambda k: ("upper moon", "lower moon")),
}

SHAPE_NAMES = tuple(_SHAPES)


def make_2d(
    name: str, *, samples: int, noise: float, train_ratio: float, seed: int, classes: int
) -> Dataset:
    """Draw `samples` points of the named shape and split them into train and test.

    Every class gets samples // classes points (a remainder is dropped), so the
    classes are exactly balanced. circles, xor and moons always have 2 classes.
    """
    draw, fixed_classes, names = _SHAPES[name]
    n_classes = fixed_classes or classes
    if n_classes < 2:
        raise DataError(
            f"{name}: classes={classes}, but a classifier needs at least 2",
            "few_classes",
            where=name,
            classes=classes,
        )
    if samples < 2 * n_classes:
        raise DataError(
            f"{name}: samples={samples} is too few for {n_classes} classes; "
            f"need at least {2 * n_classes} (two per class, one to train and one to test)",
            "few_samples",
            where=name,
            samples=samples,
            classes=n_classes,
            needed=2 * n_classes,
        )
    _check_noise(name, noise)
    rng = np.random.default_rng(seed)
    per_class = samples // n_classes
    if fixed_classes is None:
        x, y = draw(per_class, n_classes, rng)
    else:
        x, y = draw(per_class, rng)
    x = x + noise * rng.standard_normal(x.shape)
    x_train, y_train, x_test, y_test = shuffle_and_split(
        x.astype(np.float64), y.astype(np.int64), train_ratio, rng
    )
    return Dataset(name, x_train, y_train, x_test, y_test, n_classes, names(n_classes))


def plane(samples: int, rng: np.random.Generator) -> Points:
    """A tilted plane: t = (x₁ + x₂) / 2 over the square [-1, 1]²."""
    x = rng.uniform(-1.0, 1.0, size=(samples, 2))
    return x, x.sum(axis=1) / 2


# The mixture's bumps: (centre x, centre y, height); width 0.35.
BUMPS = ((-0.5, -0.5, 1.0), (0.5, 0.5, 1.0), (-0.5, 0.5, -1.0), (0.5, -0.5, -1.0))


def mixture(samples: int, rng: np.random.Generator) -> Points:
    """Two Gaussian hills and two Gaussian pits on the square [-1, 1]²."""
    x = rng.uniform(-1.0, 1.0, size=(samples, 2))
    t = sum(
        height * np.exp(-((x[:, 0] - cx) ** 2 + (x[:, 1] - cy) ** 2) / (2 * 0.35**2))
        for cx, cy, height in BUMPS
    )
    return x, t


def sine(samples: int, rng: np.random.Generator) -> Points:
    """One input: t = sin(π·x) for x in [-1, 1], a curve a net can fit or over-fit."""
    x = rng.uniform(-1.0, 1.0, size=(samples, 1))
    return x, np.sin(np.pi * x[:, 0])


_REGRESSION: dict[str, Callable[[int, np.random.Generator], Points]] = {
    "plane": plane,
    "mixture": mixture,
    "sine": sine,
}
REGRESSION_NAMES = tuple(_REGRESSION)


def make_regression(
    name: str, *, samples: int, noise: float, train_ratio: float, seed: int
) -> Dataset:
    """Draw `samples` points of the named regression set, noise added to the targets."""
    if samples < 2:
        raise DataError(
            f"{name}: samples={samples} is too few; need one to train and one to test",
            "regression_samples",
            where=name,
            samples=samples,
        )
    _check_noise(name, noise)
    rng = np.random.default_rng(seed)
    x, t = _REGRESSION[name](samples, rng)
    t = t + noise * rng.standard_normal(t.shape)
    parts = shuffle_and_split(x.astype(np.float64), t.astype(np.float64), train_ratio, rng)
    return Dataset(name, *parts, n_classes=0, class_names=(), task=REGRESSION)


PROBE_FEATURES = 100
PROBE_TRAIN, PROBE_TEST = 1000, 200


def probe(seed: int) -> Dataset:
    """1000 × 100 standard-normal inputs: the batch fed through deep nets to draw activations.

    The weight-initialization experiments look at how the spread of these inputs
    grows or shrinks layer by layer; labels do not matter there, so they are random
    (10 classes, so that any classifier can still be run on it). 200 more rows form
    the test part.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((PROBE_TRAIN + PROBE_TEST, PROBE_FEATURES))
    y = rng.integers(0, 10, size=PROBE_TRAIN + PROBE_TEST)
    return Dataset(
        name="probe",
        x_train=x[:PROBE_TRAIN],
        y_train=y[:PROBE_TRAIN],
        x_test=x[PROBE_TRAIN:],
        y_test=y[PROBE_TRAIN:],
        n_classes=10,
        class_names=tuple(str(k) for k in range(10)),
    )
