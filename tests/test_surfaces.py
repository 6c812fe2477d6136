"""The 2-D surfaces, the paths optimizers walk on them, and the lecture's claims 1.2-1.4.

The numbers in the claim tests were measured on these settings (30 updates from the
textbook's start (-7, 2) on f = x²/20 + y²) and are written beside the assertions.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nn.optimizers import OPTIMIZERS, make_optimizer
from nn.surfaces import (
    SURFACES,
    Surface,
    contour_grid,
    distance_to_minimum,
    get_surface,
    optimizer_path,
    path_length,
    sign_changes,
    textbook_paths,
    textbook_rates,
)

SURFACE_NAMES = ("elongated", "bowl", "saddle", "rosenbrock")


def start_distance(surface: Surface) -> float:
    return distance_to_minimum(np.array([surface.default_start]), surface)


# --- the surfaces ----------------------------------------------------------------------


def test_the_four_surfaces_are_there() -> None:
    assert tuple(SURFACES) == SURFACE_NAMES
    for name, surface in SURFACES.items():
        assert surface.name == name
        assert get_surface(name) is surface


def test_the_textbooks_figure() -> None:
    surface = get_surface("elongated")
    assert surface.default_start == (-7.0, 2.0)
    assert surface.default_range == ((-10.0, 10.0), (-5.0, 5.0))
    assert surface.value(-7.0, 2.0) == pytest.approx(49 / 20 + 4)


def test_unknown_surface_names_the_known_ones() -> None:
    with pytest.raises(ValueError) as error:
        get_surface("himmelblau")
    for name in SURFACE_NAMES:
        assert name in str(error.value)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_gradient_matches_central_differences(name: str) -> None:
    """∂f/∂x ≈ (f(x + h, y) − f(x − h, y)) / 2h, at points spread over the drawn range."""
    surface = get_surface(name)
    (x_min, x_max), (y_min, y_max) = surface.default_range
    rng = np.random.default_rng(0)
    xs = rng.uniform(x_min, x_max, 20)
    ys = rng.uniform(y_min, y_max, 20)
    h = 1e-6
    for x, y in zip(xs, ys, strict=True):
        gx, gy = surface.gradient(x, y)
        dx = (surface.value(x + h, y) - surface.value(x - h, y)) / (2 * h)
        dy = (surface.value(x, y + h) - surface.value(x, y - h)) / (2 * h)
        assert gx == pytest.approx(dx, rel=1e-6, abs=1e-4)
        assert gy == pytest.approx(dy, rel=1e-6, abs=1e-4)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_the_gradient_vanishes_at_the_minimum(name: str) -> None:
    surface = get_surface(name)
    assert surface.gradient(*surface.minimum) == (0.0, 0.0)
    x_min, y_min = surface.minimum
    if name != "saddle":  # the saddle's stationary point is lower only along x
        _, _, values = contour_grid(surface)
        assert values.min() >= surface.value(x_min, y_min)


def test_contour_grid_rows_follow_y_and_columns_follow_x() -> None:
    surface = get_surface("elongated")
    xs, ys, values = contour_grid(surface, n=7)
    assert xs.shape == ys.shape == (7,)
    assert values.shape == (7, 7)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (-10.0, 10.0, -5.0, 5.0)
    for i, j in [(0, 0), (2, 5), (6, 1)]:
        assert values[i, j] == surface.value(xs[j], ys[i])


# --- paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", tuple(OPTIMIZERS))
def test_path_shape_and_start(name: str) -> None:
    surface = get_surface("bowl")
    path = optimizer_path(surface, name, 0.1)
    assert path.shape == (31, 2)
    assert path.dtype == np.float64
    assert tuple(path[0]) == surface.default_start
    other = optimizer_path(surface, name, 0.1, start=(1.0, -1.0), steps=5)
    assert other.shape == (6, 2)
    assert tuple(other[0]) == (1.0, -1.0)


def test_path_is_made_by_the_optimizer_classes() -> None:
    """The same rule that trains the networks: stepping an optimizer by hand gives the path."""
    surface = get_surface("rosenbrock")
    path = optimizer_path(surface, "adam", 0.05, steps=10, beta1=0.8)
    optimizer = make_optimizer("adam", 0.05, beta1=0.8)
    point = np.array(surface.default_start)
    for k in range(1, 11):
        optimizer.step(point, np.array(surface.gradient(*point)))
        np.testing.assert_array_equal(path[k], point)


def test_sgd_on_the_bowl_shrinks_by_a_constant_factor() -> None:
    # ∇(x² + y²) = 2(x, y), so p ← p − lr·2p = (1 − 2·lr)·p: with lr 0.1, 0.8 per step.
    path = optimizer_path(get_surface("bowl"), "sgd", 0.1, steps=5)
    expected = np.array([(-4.0, 3.0)]) * (0.8 ** np.arange(6))[:, None]
    np.testing.assert_allclose(path, expected, rtol=1e-13)


def test_hyper_parameters_reach_the_optimizer() -> None:
    surface = get_surface("elongated")
    no_memory = optimizer_path(surface, "momentum", 0.1, momentum=0.0)
    np.testing.assert_allclose(no_memory, optimizer_path(surface, "sgd", 0.1), rtol=1e-13)


def test_no_steps_is_just_the_start() -> None:
    path = optimizer_path(get_surface("saddle"), "sgd", 0.1, steps=0)
    np.testing.assert_array_equal(path, [[-4.0, 0.01]])


def test_bad_start_is_refused() -> None:
    with pytest.raises(ValueError, match="start"):
        optimizer_path(get_surface("bowl"), "sgd", 0.1, start=(1.0, float("nan")))


# --- divergence (claim 1.3) ------------------------------------------------------------


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov"])
def test_divergent_path_is_truncated_quietly(name: str) -> None:
    """lr 1000 on Rosenbrock: the point reaches infinity within a few steps. The path
    stops at the last finite point, and nothing raises or warns."""
    surface = get_surface("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow RuntimeWarning would fail here
        path = optimizer_path(surface, name, 1e3, steps=30)
    assert 1 <= len(path) < 31
    assert np.all(np.isfinite(path))
    assert tuple(path[0]) == surface.default_start


def test_textbook_rates_diverge_on_rosenbrock() -> None:
    """The textbook's rates suit the gentle elongated bowl; on Rosenbrock's steep walls
    SGD, Momentum and Nesterov leave for infinity (measured: after 5 updates)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = textbook_paths("rosenbrock")
    for name in ("sgd", "momentum", "nesterov"):
        assert len(paths[name]) < 31, name
    for name in ("adagrad", "rmsprop", "adam"):  # steps of about lr: they stay put
        assert len(paths[name]) == 31, name


# --- the textbook's figure and claims 1.2 and 1.4 --------------------------------------


def test_textbook_settings() -> None:
    rates = textbook_rates()
    assert tuple(rates) == tuple(OPTIMIZERS)  # one path per optimizer
    assert (rates["sgd"], rates["momentum"], rates["adagrad"], rates["adam"]) == (
        0.95,
        0.1,
        1.5,
        0.3,
    )
    paths = textbook_paths()
    assert tuple(paths) == tuple(OPTIMIZERS)
    for path in paths.values():
        assert path.shape == (31, 2)


def test_sgd_zig_zags_across_the_valley() -> None:
    """Claim 1.2: along y the valley is steep, and lr 0.95 overshoots it every time.

    y ← y − 0.95·2y = −0.9·y: the y-step changes sign at every update (29 changes in
    30 steps), while along the flat x direction SGD only crawls (no sign change).
    """
    sgd = textbook_paths()["sgd"]
    assert sign_changes(sgd, axis=1) == 29
    assert sign_changes(sgd, axis=0) == 0


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_momentum_zig_zags_less_than_sgd(name: str) -> None:
    """Claim 1.4: the velocity averages out the back-and-forth in y and keeps the push
    along x. Measured: 4 y sign changes (SGD: 29), and a path a third as long or less
    (Momentum 12.8, Nesterov 9.4, SGD 37.0)."""
    paths = textbook_paths()
    assert sign_changes(paths[name], axis=1) < sign_changes(paths["sgd"], axis=1)
    assert sign_changes(paths[name], axis=1) <= 5
    assert path_length(paths[name]) < path_length(paths["sgd"]) / 2


@pytest.mark.parametrize("name", tuple(OPTIMIZERS))
def test_every_textbook_optimizer_ends_closer_to_the_minimum(name: str) -> None:
    for surface_name in ("elongated", "bowl"):
        surface = get_surface(surface_name)
        path = textbook_paths(surface_name)[name]
        assert distance_to_minimum(path, surface) < start_distance(surface) / 5


def test_adaptive_optimizers_go_straight_down_the_valley() -> None:
    """AdaGrad and RMSProp scale each coordinate's step on its own, so the steep y
    direction gets a small step and the flat x direction a large one: no zig-zag."""
    paths = textbook_paths()
    for name in ("adagrad", "rmsprop"):
        assert sign_changes(paths[name], axis=0) == 0
        assert sign_changes(paths[name], axis=1) == 0


@pytest.mark.parametrize("name", tuple(OPTIMIZERS))
def test_every_textbook_optimizer_escapes_the_saddle(name: str) -> None:
    """From almost on the ridge, x falls toward 0 and the tiny y grows until it runs off."""
    path = textbook_paths("saddle")[name]
    assert abs(path[-1, 0]) < 1.0
    assert abs(path[-1, 1]) > 100 * abs(path[0, 1])


# --- the path metrics ------------------------------------------------------------------


def test_path_length_adds_the_steps() -> None:
    path = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 0.0]])
    assert path_length(path) == 5.0 + 4.0
    assert path_length(path[:1]) == 0.0


def test_sign_changes_counts_reversals_and_skips_standstills() -> None:
    # y steps: +1, −2, 0, −1, +3  → signs + − (skip) − +  → 2 changes
    path = np.array([[0, 0], [0, 1], [0, -1], [0, -1], [0, -2], [0, 1]], dtype=float)
    assert sign_changes(path, axis=1) == 2
    assert sign_changes(path, axis=0) == 0
    assert sign_changes(path[:2], axis=1) == 0


def test_distance_to_minimum_uses_the_last_point() -> None:
    surface = get_surface("rosenbrock")  # minimum at (1, 1)
    path = np.array([[-1.5, 2.0], [4.0, 5.0]])
    assert distance_to_minimum(path, surface) == 5.0
