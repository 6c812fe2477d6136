"""Two-dimensional loss surfaces, and the paths optimizers walk on them.

A network has thousands of parameters, too many to draw. A function of two variables
can be drawn as contour lines, and the way an optimizer moves a point (x, y) across it
shows in one picture what it does to every parameter of a network: SGD zig-zags across
a narrow valley (claim 1.2), Momentum rolls through it like a ball (1.4), AdaGrad's
steps shrink (1.5), RMSProp's do not (1.6), Adam mixes the two ideas (1.7).

The paths are made by the optimizer classes of `nn.optimizers`, the same code that
trains the networks, applied to a 2-element float64 array.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nn.optimizers import OPTIMIZERS, make_optimizer

Point = tuple[float, float]
Range = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Surface:
    """A function f(x, y) to minimise, with what is needed to draw it and walk on it.

    `value` and `gradient` accept numbers or arrays of the same shape (NumPy
    broadcasting), so one formula serves both a single point and a contour grid.
    `minimum` is the point the optimizers are after; for the saddle, which has no
    minimum, it is the stationary point (0, 0) that a good optimizer should escape.
    Its title, in words, is the app's (tui/locale: `surface.NAME`): the core has none.
    """

    name: str
    formula: str
    value: Callable[[Any, Any], Any]
    gradient: Callable[[Any, Any], tuple[Any, Any]]
    default_start: Point
    default_range: Range
    minimum: Point


# --- the functions ---------------------------------------------------------------------


def _elongated(x, y):
    return x**2 / 20.0 + y**2  # f = x²/20 + y²: a valley 20 times flatter along x than y


def _elongated_gradient(x, y):
    return x / 10.0, 2.0 * y  # (∂f/∂x, ∂f/∂y) = (x/10, 2y)


def _bowl(x, y):
    return x**2 + y**2  # f = x² + y²: equally steep in every direction


def _bowl_gradient(x, y):
    return 2.0 * x, 2.0 * y


def _saddle(x, y):
    return x**2 - y**2  # f = x² − y²: a minimum along x, a maximum along y


def _saddle_gradient(x, y):
    return 2.0 * x, -2.0 * y


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2  # a curved, flat-bottomed banana valley


def _rosenbrock_gradient(x, y):
    # ∂f/∂x = −2(1 − x) − 400x(y − x²);  ∂f/∂y = 200(y − x²)
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x**2), 200.0 * (y - x**2)


SURFACES: dict[str, Surface] = {
    surface.name: surface
    for surface in (
        Surface(
            name="elongated",
            formula="f(x, y) = x²/20 + y²",
            value=_elongated,
            gradient=_elongated_gradient,
            default_start=(-7.0, 2.0),
            default_range=((-10.0, 10.0), (-5.0, 5.0)),
            minimum=(0.0, 0.0),
        ),
        Surface(
            name="bowl",
            formula="f(x, y) = x² + y²",
            value=_bowl,
            gradient=_bowl_gradient,
            default_start=(-4.0, 3.0),
            default_range=((-5.0, 5.0), (-5.0, 5.0)),
            minimum=(0.0, 0.0),
        ),
        Surface(
            name="saddle",
            formula="f(x, y) = x² − y²",
            value=_saddle,
            gradient=_saddle_gradient,
            # Almost on the ridge y = 0: the gradient barely says which way is down.
            default_start=(-4.0, 0.01),
            default_range=((-5.0, 5.0), (-5.0, 5.0)),
            minimum=(0.0, 0.0),
        ),
        Surface(
            name="rosenbrock",
            formula="f(x, y) = (1 − x)² + 100(y − x²)²",
            value=_rosenbrock,
            gradient=_rosenbrock_gradient,
            default_start=(-1.5, 2.0),
            default_range=((-2.0, 2.0), (-1.0, 3.0)),
            minimum=(1.0, 1.0),
        ),
    )
}


def get_surface(name: str) -> Surface:
    """The surface called `name`; a ValueError naming the known ones if there is none."""
    try:
        return SURFACES[name]
    except KeyError:
        known = ", ".join(SURFACES)
        raise ValueError(f"unknown surface {name!r}; choose one of {known}") from None


# --- paths -----------------------------------------------------------------------------


def optimizer_path(
    surface: Surface,
    optimizer_name: str,
    lr: float,
    start: Point | None = None,
    steps: int = 30,
    **hyper: float,
) -> np.ndarray:
    """The points an optimizer visits from `start`: an array of shape (steps + 1, 2).

    Row 0 is the start, row k the point after k updates. Extra keyword arguments are
    the optimizer's hyper-parameters (e.g. `momentum=0.9`); ones it does not take are
    ignored, as in `make_optimizer`.

    A learning rate that is too large sends the point off to infinity (claim 1.3). That
    is something to show, not an error: the path stops at the last finite point, so it
    has fewer than steps + 1 rows, and no exception or warning is raised. A caller
    can tell a diverged path by `len(path) < steps + 1`.
    """
    if steps < 0:
        raise ValueError(f"steps must be 0 or more, not {steps}")
    point = np.array(surface.default_start if start is None else start, dtype=np.float64)
    if point.shape != (2,) or not np.all(np.isfinite(point)):
        raise ValueError(f"start must be two finite numbers (x, y), not {start!r}")
    optimizer = make_optimizer(optimizer_name, lr, **hyper)

    path = np.empty((steps + 1, 2), dtype=np.float64)
    path[0] = point
    grad = np.empty(2, dtype=np.float64)
    # Overflow on the way to infinity is expected here; we look at the result instead.
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            grad[0], grad[1] = surface.gradient(point[0], point[1])
            optimizer.step(point, grad)  # moves `point` in place
            if not np.all(np.isfinite(point)):
                return path[:k].copy()  # diverged: keep only the finite points
            path[k] = point
    return path


def contour_grid(surface: Surface, n: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f sampled on an n × n grid over the surface's default range, for contour lines.

    Returns (xs, ys, values) with `values[i, j] = f(xs[j], ys[i])`: rows follow y and
    columns follow x, the layout contour-drawing code expects.
    """
    if n < 2:
        raise ValueError(f"a contour grid needs n of at least 2, not {n}")
    (x_min, x_max), (y_min, y_max) = surface.default_range
    xs = np.linspace(x_min, x_max, n)
    ys = np.linspace(y_min, y_max, n)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, np.asarray(surface.value(grid_x, grid_y), dtype=np.float64)


def textbook_rates() -> dict[str, float]:
    """Each optimizer's learning rate in the textbook's figure ("Deep Learning from
    Scratch", fig. 6-8; the optimizer classes' `path_lr`), other settings at their
    defaults (Momentum 0.9)."""
    return {name: cls.path_lr for name, cls in OPTIMIZERS.items()}


def textbook_paths(surface_name: str = "elongated", steps: int = 30) -> dict[str, np.ndarray]:
    """One path per optimizer, from the surface's default start, with the textbook's rates.

    On "elongated" this is the textbook's figure. The rates were chosen for that
    surface; on others some paths may diverge (and are then truncated, see
    `optimizer_path`).
    """
    surface = get_surface(surface_name)
    return {
        name: optimizer_path(surface, name, lr, steps=steps)
        for name, lr in textbook_rates().items()
    }


# --- measuring a path ------------------------------------------------------------------


def path_length(path: np.ndarray) -> float:
    """Total distance travelled: the sum of the lengths of the steps."""
    steps = np.diff(np.asarray(path, dtype=np.float64), axis=0)
    return float(np.sum(np.hypot(steps[:, 0], steps[:, 1])))


def sign_changes(path: np.ndarray, axis: int) -> int:
    """How many times the step along `axis` (0 for x, 1 for y) reverses: the zig-zag count.

    A path that heads steadily to the minimum along an axis scores 0; one that bounces
    from wall to wall of a valley scores about one per step. Steps of exactly zero have
    no direction and are skipped.
    """
    steps = np.diff(np.asarray(path, dtype=np.float64)[:, axis])
    signs = np.sign(steps)
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def distance_to_minimum(path: np.ndarray, surface: Surface) -> float:
    """How far from the surface's minimum the path ended (its last point)."""
    last = np.asarray(path, dtype=np.float64)[-1]
    return float(np.hypot(last[0] - surface.minimum[0], last[1] - surface.minimum[1]))
