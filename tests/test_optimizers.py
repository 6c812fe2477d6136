"""The optimizers against arithmetic done by hand, and against the lecture's claims.

Each update rule is checked on a 2-element float64 array for three steps, with the
expected numbers written out as the rule says to compute them. A student can follow
the same arithmetic on paper.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import pytest

from nn.config import OptimizerConfig
from nn.optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    adaptive_names,
    hyper_parameters,
    make_optimizer,
)

EPS = 1e-7
START = (1.0, -2.0)


def walk(optimizer: Optimizer, gradients: list[tuple[float, float]]) -> list[np.ndarray]:
    """Apply `gradients` one after another from START; return the point after each step."""
    params = np.array(START, dtype=np.float64)
    points = []
    for g in gradients:
        optimizer.step(params, np.array(g, dtype=np.float64))
        points.append(params.copy())
    return points


def assert_points(actual: list[np.ndarray], expected: list[list[float]]) -> None:
    assert len(actual) == len(expected)
    for k, (a, e) in enumerate(zip(actual, expected, strict=True), start=1):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-12, err_msg=f"after step {k}")


# --- each update rule, by hand ---------------------------------------------------------


def test_sgd_by_hand() -> None:
    # p ← p − lr·g with lr = 0.1
    points = walk(SGD(lr=0.1), [(0.5, -1.0), (0.2, 0.4), (-1.0, 0.0)])
    assert_points(
        points,
        [
            [1.0 - 0.05, -2.0 + 0.1],  # [0.95, -1.9]
            [0.95 - 0.02, -1.9 - 0.04],  # [0.93, -1.94]
            [0.93 + 0.1, -1.94 - 0.0],  # [1.03, -1.94]
        ],
    )


def test_momentum_by_hand() -> None:
    # v ← 0.9·v − 0.1·g;  p ← p + v
    points = walk(Momentum(lr=0.1, momentum=0.9), [(0.5, -1.0), (0.2, 0.4), (-1.0, 0.0)])
    # v1 = −0.1·(0.5, −1)                     = (−0.05, 0.1)
    # v2 = 0.9·(−0.05, 0.1) − 0.1·(0.2, 0.4)  = (−0.065, 0.05)
    # v3 = 0.9·(−0.065, 0.05) − 0.1·(−1, 0)   = (0.0415, 0.045)
    assert_points(
        points,
        [
            [1.0 - 0.05, -2.0 + 0.1],  # [0.95, -1.9]
            [0.95 - 0.065, -1.9 + 0.05],  # [0.885, -1.85]
            [0.885 + 0.0415, -1.85 + 0.045],  # [0.9265, -1.805]
        ],
    )


def test_momentum_keeps_moving_without_gradient() -> None:
    """Claim 1.4: with the gradient gone, the velocity still carries the point on."""
    points = walk(Momentum(lr=0.1, momentum=0.9), [(1.0, 0.0), (0.0, 0.0), (0.0, 0.0)])
    # v = (−0.1, 0), then 0.9·v = (−0.09, 0), then (−0.081, 0)
    assert_points(points, [[0.9, -2.0], [0.81, -2.0], [0.729, -2.0]])


def test_nesterov_by_hand() -> None:
    # v ← 0.9·v − 0.1·g;  p ← p + 0.9·v − 0.1·g
    points = walk(Nesterov(lr=0.1, momentum=0.9), [(0.5, -1.0), (0.2, 0.4), (-1.0, 0.0)])
    # v1 = (−0.05, 0.1), v2 = (−0.065, 0.05), v3 = (0.0415, 0.045), as for Momentum
    assert_points(
        points,
        [
            [1.0 + 0.9 * -0.05 - 0.1 * 0.5, -2.0 + 0.9 * 0.1 - 0.1 * -1.0],  # [0.905, -1.81]
            [0.905 + 0.9 * -0.065 - 0.1 * 0.2, -1.81 + 0.9 * 0.05 - 0.1 * 0.4],
            [0.8265 + 0.9 * 0.0415 - 0.1 * -1.0, -1.805 + 0.9 * 0.045 - 0.0],
        ],
    )


def test_adagrad_by_hand() -> None:
    # h ← h + g²;  p ← p − 0.1·g / (√h + ε)
    optimizer = AdaGrad(lr=0.1)
    points = walk(optimizer, [(0.3, -0.4), (0.4, 0.3), (0.0, 1.2)])
    # h1 = (0.09, 0.16)  √h1 = (0.3, 0.4)
    # h2 = (0.25, 0.25)  √h2 = (0.5, 0.5)
    # h3 = (0.25, 1.69)  √h3 = (0.5, 1.3)
    x1, y1 = 1.0 - 0.1 * 0.3 / (0.3 + EPS), -2.0 - 0.1 * -0.4 / (0.4 + EPS)
    x2, y2 = x1 - 0.1 * 0.4 / (0.5 + EPS), y1 - 0.1 * 0.3 / (0.5 + EPS)
    x3, y3 = x2 - 0.0, y2 - 0.1 * 1.2 / (1.3 + EPS)
    assert_points(points, [[x1, y1], [x2, y2], [x3, y3]])
    # The step size each coordinate would get now: lr / (√h + ε)
    np.testing.assert_allclose(
        optimizer.effective_step(), [0.1 / (0.5 + EPS), 0.1 / (1.3 + EPS)], rtol=0, atol=1e-12
    )


def test_rmsprop_by_hand() -> None:
    # h ← 0.75·h + 0.25·g²;  p ← p − 0.1·g / (√h + ε)
    optimizer = RMSProp(lr=0.1, decay=0.75)
    points = walk(optimizer, [(2.0, -4.0), (0.0, 2.0), (1.0, 0.0)])
    # h1 = 0.25·(4, 16)                     = (1, 4)
    # h2 = 0.75·(1, 4) + 0.25·(0, 4)        = (0.75, 4)
    # h3 = 0.75·(0.75, 4) + 0.25·(1, 0)     = (0.8125, 3)
    x1, y1 = 1.0 - 0.1 * 2.0 / (1.0 + EPS), -2.0 - 0.1 * -4.0 / (2.0 + EPS)
    x2, y2 = x1 - 0.0, y1 - 0.1 * 2.0 / (2.0 + EPS)
    x3, y3 = x2 - 0.1 * 1.0 / (sqrt(0.8125) + EPS), y2 - 0.0
    assert_points(points, [[x1, y1], [x2, y2], [x3, y3]])
    np.testing.assert_allclose(
        optimizer.effective_step(),
        [0.1 / (sqrt(0.8125) + EPS), 0.1 / (sqrt(3.0) + EPS)],
        rtol=0,
        atol=1e-12,
    )


def test_adam_by_hand() -> None:
    # m ← 0.5·m + 0.5·g;  v ← 0.75·v + 0.25·g²;  lr_t = 0.1·√(1 − 0.75ᵗ) / (1 − 0.5ᵗ)
    # p ← p − lr_t·m / (√v + ε)
    optimizer = Adam(lr=0.1, beta1=0.5, beta2=0.75)
    points = walk(optimizer, [(2.0, -4.0), (0.0, 2.0), (1.0, 0.0)])
    # t=1: m = (1, −2)      v = (1, 4)          lr_t = 0.1·√0.25 / 0.5 = 0.1
    # t=2: m = (0.5, 0)     v = (0.75, 4)       lr_t = 0.1·√0.4375 / 0.75
    # t=3: m = (0.75, 0)    v = (0.8125, 3)     lr_t = 0.1·√0.578125 / 0.875
    lr1, lr2, lr3 = 0.1, 0.1 * sqrt(0.4375) / 0.75, 0.1 * sqrt(0.578125) / 0.875
    x1, y1 = 1.0 - lr1 * 1.0 / (1.0 + EPS), -2.0 - lr1 * -2.0 / (2.0 + EPS)
    x2, y2 = x1 - lr2 * 0.5 / (sqrt(0.75) + EPS), y1 - 0.0
    x3, y3 = x2 - lr3 * 0.75 / (sqrt(0.8125) + EPS), y2 - 0.0
    assert_points(points, [[x1, y1], [x2, y2], [x3, y3]])
    assert optimizer.iteration == 3
    np.testing.assert_allclose(
        optimizer.effective_step(),
        [lr3 / (sqrt(0.8125) + EPS), lr3 / (sqrt(3.0) + EPS)],
        rtol=0,
        atol=1e-12,
    )


def test_adam_first_step_is_lr_in_every_coordinate() -> None:
    """With the bias correction, Adam's first step is ±lr whatever the gradient's size.

    m = 0.1·g, v = 0.001·g², lr_t = lr·√0.001 / 0.1, so lr_t·m / √v = lr·g / |g| (up to ε).
    """
    points = walk(Adam(lr=0.001), [(1e3, -0.5)])
    np.testing.assert_allclose(points[0], [1.0 - 0.001, -2.0 + 0.001], rtol=0, atol=1e-8)


# --- defaults and construction ---------------------------------------------------------


def test_defaults_are_the_textbooks() -> None:
    assert SGD().lr == 0.01
    assert (Momentum().lr, Momentum().momentum) == (0.01, 0.9)
    assert (Nesterov().lr, Nesterov().momentum) == (0.01, 0.9)
    assert (AdaGrad().lr, AdaGrad().eps) == (0.01, 1e-7)
    rmsprop = RMSProp()
    assert (rmsprop.lr, rmsprop.decay, rmsprop.eps) == (0.01, 0.99, 1e-7)
    adam = Adam()
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.001, 0.9, 0.999, 1e-7)


OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


def test_the_registry_holds_every_optimizer_with_what_its_class_says() -> None:
    assert tuple(OPTIMIZERS) == OPTIMIZER_NAMES  # the lecture's, in its order
    assert adaptive_names() == ("adagrad", "rmsprop", "adam")
    assert hyper_parameters("adam") == ("beta1", "beta2", "eps")
    assert hyper_parameters("momentum") == ("momentum",) and hyper_parameters("sgd") == ()
    for name, cls in OPTIMIZERS.items():
        assert cls.name == name
        assert isinstance(make_optimizer(name, 0.5), cls)
        # every hyper-parameter can be set in a run's config (OptimizerConfig has a field)
        config = OptimizerConfig(name)
        assert set(config.hyper) == set(hyper_parameters(name))


def test_only_adaptive_optimizers_report_an_effective_step() -> None:
    grads = np.array([1.0, 2.0])
    for name in OPTIMIZER_NAMES:
        optimizer = make_optimizer(name, 0.1)
        assert optimizer.effective_step() is None  # nothing accumulated yet
        optimizer.step(np.zeros(2), grads)
        step = optimizer.effective_step()
        assert (step is not None) == optimizer.adaptive == (name in ("adagrad", "rmsprop", "adam"))


def test_make_optimizer_passes_what_it_takes_and_ignores_the_rest() -> None:
    sgd = make_optimizer("sgd", 0.5, momentum=0.5, beta1=0.1, decay=0.2, eps=1.0)
    assert type(sgd) is SGD
    assert sgd.lr == 0.5
    assert not hasattr(sgd, "momentum")

    momentum = make_optimizer("momentum", 0.2, momentum=0.5, beta2=0.1)
    assert (momentum.lr, momentum.momentum) == (0.2, 0.5)

    adam = make_optimizer("adam", 0.3, beta1=0.8, momentum=0.1, decay=0.5)
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps) == (0.3, 0.8, 0.999, 1e-7)

    rmsprop = make_optimizer("rmsprop", 0.1, decay=0.9, eps=1e-8, beta1=0.2)
    assert (rmsprop.decay, rmsprop.eps) == (0.9, 1e-8)


def test_make_optimizer_rejects_an_unknown_name_listing_the_known_ones() -> None:
    with pytest.raises(ValueError) as error:
        make_optimizer("adamw", 0.1)
    message = str(error.value)
    assert "'adamw'" in message
    for name in OPTIMIZER_NAMES:
        assert name in message


# --- in place --------------------------------------------------------------------------


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_update_is_in_place_and_leaves_the_gradient_alone(name: str) -> None:
    """The network keeps all its parameters in one flat buffer and hands out views of it:
    an update must change the caller's array itself, never a copy, and never the gradient.
    """
    buffer = np.array([5.0, 1.0, -2.0, 5.0])
    params = buffer[1:3]  # a view, like one layer's slice of the flat buffer
    grads = np.array([0.5, -1.0])
    optimizer = make_optimizer(name, 0.1)

    result = optimizer.step(params, grads)

    assert result is None
    assert params.base is buffer
    assert not np.array_equal(buffer[1:3], [1.0, -2.0])  # the buffer itself moved ...
    assert buffer[0] == 5.0 and buffer[3] == 5.0  # ... only where the view looks
    np.testing.assert_array_equal(grads, [0.5, -1.0])


# --- claims 1.5 and 1.6: how the step size evolves -------------------------------------


def effective_steps(optimizer: Optimizer, grads: np.ndarray, updates: int = 1000) -> np.ndarray:
    """The optimizer's per-parameter step size after each of `updates` constant gradients."""
    params = np.zeros_like(grads)
    steps = []
    for _ in range(updates):
        optimizer.step(params, grads)
        steps.append(optimizer.effective_step().copy())
    return np.array(steps)


def test_adagrad_steps_die_out_with_a_constant_gradient() -> None:
    """Claim 1.5: h only grows, so lr / √h shrinks like lr / √t."""
    steps = effective_steps(AdaGrad(lr=0.01), np.array([1.0, 0.1]))
    assert np.all(np.diff(steps, axis=0) < 0)  # every step smaller than the one before
    # after t steps h = t·g², so the step is lr / (√t·|g|): 1000 steps → about 1/31.6
    np.testing.assert_allclose(steps[-1], 0.01 / (sqrt(1000) * np.array([1.0, 0.1])), rtol=1e-5)
    assert np.all(steps[-1] < steps[0] / 30)


def test_rmsprop_steps_stay_alive_with_a_constant_gradient() -> None:
    """Claim 1.6: the moving average settles at g², so the step settles at lr / |g|."""
    steps = effective_steps(RMSProp(lr=0.01), np.array([1.0, 0.1]))
    floor = 0.01 / np.array([1.0, 0.1]) * (1 - 1e-6)  # lr / |g|, less a hair for ε
    assert np.all(steps >= floor)  # never below lr / |g|, at any step
    np.testing.assert_allclose(steps[-1], 0.01 / np.array([1.0, 0.1]), rtol=1e-4)


def test_rmsprop_forgets_a_burst_of_large_gradients_and_adagrad_does_not() -> None:
    """Claims 1.5/1.6 side by side: 100 large gradients (10), then 1000 small ones (0.1)."""
    adagrad, rmsprop = AdaGrad(lr=0.01), RMSProp(lr=0.01)
    params_a, params_r = np.zeros(1), np.zeros(1)
    for g in [10.0] * 100:
        adagrad.step(params_a, np.array([g]))
        rmsprop.step(params_r, np.array([g]))
    adagrad_after_burst = adagrad.effective_step()[0]  # lr / √(100·10²) = 1e-4
    rmsprop_after_burst = rmsprop.effective_step()[0]  # lr / √((1 − 0.99¹⁰⁰)·10²) ≈ 0.0013
    for g in [0.1] * 1000:
        adagrad.step(params_a, np.array([g]))
        rmsprop.step(params_r, np.array([g]))

    # AdaGrad remembers the burst for ever: h = 100·10² + 1000·0.1² = 10010.
    np.testing.assert_allclose(adagrad.effective_step(), 0.01 / sqrt(10010.0), rtol=1e-6)
    assert adagrad.effective_step()[0] < adagrad_after_burst  # smaller still, never back
    # RMSProp has forgotten it (0.99¹⁰⁰⁰ ≈ 4e-5 of it is left): √h ≈ 0.11, step ≈ lr / 0.11.
    assert rmsprop.effective_step()[0] > 50 * rmsprop_after_burst
    assert rmsprop.effective_step()[0] > 0.5 * 0.01 / 0.1  # at least half of lr / |g|
