"""Backpropagation against central differences, in float64.

The objective checked is what the optimizer descends: the data loss plus the penalty
λ₁·Σ|W| + ½λ₂·ΣW². Its numerical gradient, (f(p + h) − f(p − h)) / 2h for every parameter
p, must match `network.grads` entry by entry (relative error < 1e-6, or absolute < 1e-8).

Runs of a stack are independent, so perturbing parameter p of every run at once gives
each run's own derivative in one pass: run k's loss depends on run k's parameters only.
ReLU, leaky ReLU and |W| have kinks at 0; the checks assert that no pre-activation (or
penalized weight) lies close enough to 0 for a perturbation to cross it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from nn.features import FEATURES, transform
from nn.layers import (
    ACTIVATION_CLASSES,
    BatchNorm,
    Dense,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from nn.network import StackedNetwork

H = 1e-6  # central-difference step
RTOL, ATOL = 1e-6, 1e-8
KINK_MARGIN = 1e-4  # ≫ the change a perturbation of H makes to any pre-activation
KINKED = ("relu", "leaky_relu")
ACTIVATIONS = tuple(ACTIVATION_CLASSES)


# -- helpers ------------------------------------------------------------------------------


def assert_gradients_match(analytic: np.ndarray, numeric: np.ndarray, what: str = "") -> None:
    error = np.abs(analytic - numeric)
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    bad = (error > ATOL) & (error > RTOL * scale)
    if bad.any():
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(bad * error), error.shape))
        raise AssertionError(
            f"{what}: {bad.sum()} of {bad.size} gradient entries differ; worst at {worst}: "
            f"backprop {analytic[worst]!r}, numerical {numeric[worst]!r}"
        )


def numerical_gradient(f: Callable[[], float | np.ndarray], array: np.ndarray) -> np.ndarray:
    """∂f/∂array by central differences; `f` reads `array`, which is perturbed in place.

    `f` may return a vector (one value per run) when `array` is (K, P) and runs are
    independent: then column p is perturbed for every run at once."""
    grad = np.zeros_like(array)
    columns = array.shape[1:] if array.ndim == 2 and np.ndim(f()) == 1 else None
    for index in np.ndindex(columns or array.shape):
        where = (slice(None), *index) if columns else index
        saved = array[where].copy()
        array[where] = saved + H
        plus = f()
        array[where] = saved - H
        minus = f()
        array[where] = saved
        grad[where] = (np.asarray(plus) - np.asarray(minus)) / (2 * H)
    return grad


def per_run(value: float | Sequence, runs: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (runs,)).copy()


def build_network(
    sizes: tuple[int, ...],
    activations: Sequence[str],
    *,
    output: str = "softmax",
    init: str | float = "xavier",
    l1: float | Sequence[float] = 0.0,
    l2: float | Sequence[float] = 0.0,
    dropout: float | Sequence[float] = 0.0,
    batch_norm: bool | Sequence[bool] = False,
    batch: int = 6,
    seed: int = 0,
) -> tuple[StackedNetwork, np.ndarray, np.ndarray]:
    """A float64 stack of len(activations) runs with the given per-run settings, a batch
    (x, labels), and for dropout a fixed random mask per hidden layer."""
    runs = len(activations)
    rng = np.random.default_rng(seed)
    loss = "cross_entropy" if output == "softmax" else "mse"
    dropout_rngs = [np.random.default_rng([seed, run]) for run in range(runs)]
    network = StackedNetwork(sizes, list(activations), output, loss, "float64", dropout_rngs)
    for run in range(runs):
        network.initialize(run, init, rng)
    # Biases, γ and β away from their 0/1 start, so their gradients are generic too.
    network.params[:, network.n_weights :] += 0.3 * rng.standard_normal(
        (runs, network.n_params - network.n_weights)
    )
    network.l1[...] = per_run(l1, runs)
    network.l2[...] = per_run(l2, runs)
    network.dropout_rates[...] = per_run(dropout, runs)
    network.batch_norm[...] = per_run(batch_norm, runs).astype(bool)
    network.refresh()
    for norm in network.norms:
        norm.momentum = 0.0  # running statistics do not enter the train-mode loss anyway
    rates = network.dropout_rates[:, None, None]
    for dropout_layer, units in zip(network.dropouts, sizes[1:-1], strict=True):
        mask = (rng.random((runs, batch, units)) >= rates) / (1.0 - rates)
        dropout_layer.fixed_mask = mask[0] if network.squeezed else mask  # as the layer sees it
    x = rng.standard_normal((batch, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=batch)
    return network, x, labels


def pre_activations(network: StackedNetwork, x: np.ndarray) -> list[np.ndarray]:
    """What each hidden activation receives in a training pass, each (K, batch, units)."""
    found = []
    h = x
    layers = zip(network.dense, network.norms, network.activations, network.dropouts, strict=False)
    for dense, norm, activation, dropout in layers:
        z = norm.forward(dense.forward(h), "probe")  # batch statistics, as in training
        found.append(z[None].copy() if network.squeezed else z.copy())
        h = dropout.forward(activation.forward(z), True)
    return found


def assert_away_from_kinks(network: StackedNetwork, x: np.ndarray) -> None:
    for layer, z in enumerate(pre_activations(network, x), start=1):
        for run, name in enumerate(network.activation_names):
            if name in KINKED:
                closest = np.abs(z[run]).min()
                assert closest > KINK_MARGIN, (
                    f"run {run} ({name}), layer {layer}: a pre-activation is {closest:.1e} from "
                    "the kink at 0; choose another seed for this check"
                )
    weights = np.abs(network.params[:, : network.n_weights])
    for run in np.flatnonzero(network.l1):
        assert weights[run].min() > KINK_MARGIN, f"run {run}: an L1-penalized weight is near 0"


def total_objective(network: StackedNetwork, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Data loss + penalty, one value per run."""
    return network.loss_and_gradients(x, labels) + network.penalty()


def check_network(network: StackedNetwork, x: np.ndarray, labels: np.ndarray) -> None:
    """Every run's backprop gradient of the total objective equals its numerical one."""
    assert_away_from_kinks(network, x)
    network.loss_and_gradients(x, labels)
    analytic = network.grads.copy()
    numeric = numerical_gradient(lambda: total_objective(network, x, labels), network.params)
    for run in range(network.n_runs):
        for name, slot in network.slots.items():
            cut = slice(slot.start, slot.stop)
            assert_gradients_match(analytic[run, cut], numeric[run, cut], f"run {run}, {name}")


# -- whole networks -----------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_cross_entropy_network_gradient_matches_numerical_for_each_activation(activation):
    check_network(*build_network((3, 5, 4, 3), [activation]))


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "linear"])
def test_mse_network_gradient_matches_numerical_for_each_output(output):
    check_network(*build_network((3, 5, 4, 3), ["tanh"], output=output))


@pytest.mark.parametrize(
    ("l1", "l2"), [(0.05, 0.0), (0.0, 0.3), (0.05, 0.3)], ids=["l1", "l2", "l1+l2"]
)
def test_penalized_objective_gradient_matches_numerical(l1, l2):
    network, x, labels = build_network((3, 5, 4, 3), ["relu"], init="he", l1=l1, l2=l2)
    check_network(network, x, labels)


def test_penalty_gradient_touches_weights_only():
    network, x, labels = build_network((3, 5, 4, 3), ["tanh"], l1=0.05, l2=0.3)
    network.loss_and_gradients(x, labels)
    with_penalty = network.grads.copy()
    network.l1[...], network.l2[...] = 0.0, 0.0
    network.refresh()
    network.loss_and_gradients(x, labels)
    difference = with_penalty - network.grads
    assert np.all(difference[:, network.n_weights :] == 0)  # biases, γ, β: unpenalized
    assert np.all(difference[:, : network.n_weights] != 0)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_batch_norm_network_gradient_matches_numerical_in_train_mode(activation):
    check_network(*build_network((3, 5, 4, 3), [activation], batch_norm=True, batch=8))


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_dropout_network_gradient_matches_numerical_with_fixed_mask(activation):
    check_network(*build_network((3, 6, 5, 3), [activation], dropout=0.4, batch=8))


@pytest.mark.parametrize(
    "settings",
    [
        {"activation": "tanh"},
        {"activation": "sigmoid", "output": "sigmoid"},
        {"activation": "relu", "init": "he", "batch_norm": True, "dropout": 0.2},
        {"activation": "leaky_relu", "init": "he", "l1": 0.01, "l2": 0.1},
    ],
    ids=["tanh", "sigmoid-mse", "relu-bn-dropout", "leaky-l1-l2"],
)
def test_deep_stack_of_ten_hidden_layers_gradient_matches_numerical(settings):
    settings = dict(settings)
    activation = settings.pop("activation")
    sizes = (3, *[4] * 10, 3)
    check_network(*build_network(sizes, [activation], batch=8, seed=1, **settings))


def test_stacked_runs_with_mixed_settings_each_match_their_own_numerical_gradient():
    network, x, labels = build_network(
        (3, 6, 5, 3),
        ["tanh", "relu", "sigmoid", "leaky_relu", "linear"],
        init="he",
        dropout=[0.0, 0.3, 0.0, 0.5, 0.2],
        batch_norm=[True, False, True, False, False],
        l1=[0.0, 0.02, 0.0, 0.0, 0.0],
        l2=[0.0, 0.0, 0.0, 0.2, 0.0],
        batch=8,
        seed=2,
    )
    assert network.norms[0].mixed and network.dropouts[0].active
    check_network(network, x, labels)


def test_stacked_gradients_equal_each_run_computed_alone():
    """The run axis must not mix runs: run k of a mixed stack equals run k built alone."""
    activations = ["tanh", "relu", "sigmoid"]
    settings = {"dropout": [0.0, 0.3, 0.0], "batch_norm": [True, False, False]}
    stack, x, labels = build_network((3, 6, 5, 3), activations, batch=8, **settings)
    stack.loss_and_gradients(x, labels)
    for run, activation in enumerate(activations):
        alone, _, _ = build_network((3, 6, 5, 3), [activation], batch=8)
        alone.params[0] = stack.params[run]
        alone.dropout_rates[0] = stack.dropout_rates[run]
        alone.batch_norm[0] = stack.batch_norm[run]
        alone.refresh()
        for mine, theirs in zip(alone.dropouts, stack.dropouts, strict=True):
            mine.fixed_mask = theirs.fixed_mask[run]
        alone.loss_and_gradients(x, labels)
        np.testing.assert_allclose(alone.grads[0], stack.grads[run], rtol=1e-12, atol=1e-14)


# -- each layer alone, against a random linear functional of its output ---------------------

RUNS, BATCH, UNITS = 2, 5, 4


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Normal-ish values with |v| ≥ 0.1: no kink of ReLU within reach of a perturbation."""
    return rng.choice([-1.0, 1.0], size=shape) * (0.1 + np.abs(rng.standard_normal(shape)))


def test_dense_layer_gradients_match_numerical(rng):
    n_in, n_out = 3, UNITS
    weights = rng.standard_normal((RUNS, n_in, n_out))
    bias = rng.standard_normal((RUNS, 1, n_out))
    dense = Dense(weights, bias, np.zeros_like(weights), np.zeros_like(bias))
    x = rng.standard_normal((RUNS, BATCH, n_in))
    c = rng.standard_normal((RUNS, BATCH, n_out))

    def f() -> float:
        return float((c * dense.forward(x)).sum())

    f()
    grad_x = dense.backward(c.copy())
    assert_gradients_match(grad_x, numerical_gradient(f, x), "Dense ∂x")
    assert_gradients_match(dense.grad_weights, numerical_gradient(f, weights), "Dense ∂W")
    assert_gradients_match(dense.grad_bias, numerical_gradient(f, bias), "Dense ∂b")


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradient_matches_numerical(name, rng):
    activation = ACTIVATION_CLASSES[name]()
    z = away_from_zero(rng, (RUNS, BATCH, UNITS))
    c = rng.standard_normal(z.shape)

    def f() -> float:
        return float((c * activation.forward(z.copy())).sum())  # forward works in place

    f()
    grad = activation.backward(c.copy())
    assert_gradients_match(grad, numerical_gradient(f, z), name)


@pytest.mark.parametrize("enabled", [[True, True], [True, False]], ids=["all", "mixed"])
def test_batch_norm_layer_gradients_match_numerical_in_train_mode(enabled, rng):
    gamma = 1.0 + 0.3 * rng.standard_normal((RUNS, 1, UNITS))
    beta = 0.3 * rng.standard_normal((RUNS, 1, UNITS))
    norm = BatchNorm(gamma, beta, np.zeros_like(gamma), np.zeros_like(beta), np.array(enabled))
    norm.active, norm.mixed = True, not all(enabled)
    x = 2.0 + 1.5 * rng.standard_normal((RUNS, BATCH, UNITS))
    c = rng.standard_normal(x.shape)

    def f() -> float:
        return float((c * norm.forward(x, "train")).sum())

    f()
    grad_x = norm.backward(c.copy())
    assert_gradients_match(grad_x, numerical_gradient(f, x), "BatchNorm ∂x")
    assert_gradients_match(norm.grad_gamma, numerical_gradient(f, gamma), "BatchNorm ∂γ")
    assert_gradients_match(norm.grad_beta, numerical_gradient(f, beta), "BatchNorm ∂β")


@pytest.mark.parametrize(
    "loss",
    [
        SoftmaxCrossEntropy(),
        MeanSquaredError("sigmoid"),
        MeanSquaredError("tanh"),
        MeanSquaredError("linear"),
    ],
    ids=["softmax-cross-entropy", "mse-sigmoid", "mse-tanh", "mse-linear"],
)
def test_loss_gradient_matches_numerical(loss, rng):
    scores = 2.0 * rng.standard_normal((RUNS, BATCH, UNITS))
    labels = rng.integers(0, UNITS, size=BATCH)
    weights = rng.standard_normal(RUNS)  # a random linear functional of the per-run losses

    def f() -> float:
        return float(weights @ loss.forward(scores.copy(), labels))

    f()
    grad = loss.backward() * weights[:, None, None]
    assert_gradients_match(grad, numerical_gradient(f, scores), type(loss).__name__)


# -- regression and input features --------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_regression_network_gradient_matches_numerical(activation):
    """MSE against real-valued targets, one linear output: the regression objective."""
    network, x, _ = build_network((3, 5, 4, 1), [activation, "tanh"], output="linear")
    targets = np.random.default_rng(7).standard_normal(len(x))  # float targets, not labels
    check_network(network, x, targets)


def test_regression_loss_gradient_matches_numerical(rng):
    loss = MeanSquaredError("linear")
    scores = rng.standard_normal((RUNS, BATCH, 1))
    targets = rng.standard_normal(BATCH)
    weights = rng.standard_normal(RUNS)

    def f() -> float:
        return float(weights @ loss.forward(scores.copy(), targets))

    f()
    grad = loss.backward() * weights[:, None, None]
    assert_gradients_match(grad, numerical_gradient(f, scores), "mse regression")


@pytest.mark.parametrize("features", [("x1_sq", "x2_sq"), tuple(FEATURES)])
def test_a_network_on_input_features_matches_its_numerical_gradient(features):
    """The features are a fixed transform of the inputs: the gradient flows to the weights
    that read them as to any input's."""
    network, x, labels = build_network((len(features), 5, 3), ["tanh", "sigmoid"])
    points = np.random.default_rng(3).uniform(-1, 1, size=(len(x), 2))
    check_network(network, transform(points, features), labels)
