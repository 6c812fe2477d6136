"""What is measured on a network, apart from training it: the per-layer statistics of a
snapshot, the decision grid of 2-D data, and the gradient noise of mini-batches.

Each function reads a stacked network (nn.network) for one of its runs and leaves the
run as it was: measuring never changes what a run learns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from nn.data import Dataset
from nn.features import transform
from nn.layers import ACTIVATION_CLASSES
from nn.network import StackedNetwork
from nn.optimizers import Optimizer
from nn.snapshot import LayerStats

HIST_BINS = 30
# Bounded activations saturate at their bounds (sigmoid, tanh); ReLUs can die instead.
SATURATING = tuple(name for name, cls in ACTIVATION_CLASSES.items() if cls.value_range)
CAN_DIE = ("relu", "leaky_relu")
NEAR_ZERO = 1e-3  # a weight with |w| below this counts as (almost) exactly zero
SATURATED_WITHIN = 0.01  # sigmoid/tanh outputs this close to a bound are saturated


def activation_range(activation: str, hidden: list[np.ndarray]) -> tuple[float, float]:
    """The histogram range of a run's hidden activations: the activation's own bounds
    (sigmoid 0..1, tanh −1..1), else one range over all layers, so layers compare."""
    bounds = ACTIVATION_CLASSES[activation].value_range
    if bounds is not None:
        return bounds
    low = min((float(h.min()) for h in hidden), default=0.0)
    high = max((float(h.max()) for h in hidden), default=1.0)
    if not (np.isfinite(low) and np.isfinite(high)) or high <= low:
        return 0.0, 1.0
    return low, high


def layer_stats(
    network: StackedNetwork,
    index: int,
    activation: str,
    optimizer: Optimizer,
    previous_params: np.ndarray,
) -> tuple[LayerStats, ...]:
    """Per dense layer of run `index`: activations on the probe batch (the network's last
    forward pass in probe mode), gradients, weights, and step sizes."""
    hidden = [h[index] for h in network.hidden_outputs]
    value_range = activation_range(activation, hidden)
    effective = effective_steps(network, optimizer)
    stats = []
    for layer_index in range(len(network.dense)):
        name = f"W{layer_index + 1}"
        slot = network.slots[name]
        weights = network.view(name)[index]
        grad_norm = float(np.linalg.norm(network.view(name, network.grads)[index]))
        previous = previous_params[index, slot.start : slot.stop]
        weight_norm = float(np.linalg.norm(weights))
        update_norm = float(np.linalg.norm(weights.reshape(-1) - previous))
        magnitudes = np.abs(weights)
        max_weight = float(magnitudes.max())  # NaN or inf once the run has diverged
        abs_max = max_weight if math.isfinite(max_weight) else 1.0
        weight_hist, weight_edges = np.histogram(weights, HIST_BINS, (-abs_max, abs_max))
        outputs = hidden[layer_index] if layer_index < len(hidden) else None
        if outputs is not None:
            finite = np.isfinite(outputs).all()
            act_hist, act_edges = np.histogram(
                outputs if finite else np.zeros(1), HIST_BINS, value_range
            )
            mean, std = float(outputs.mean()), float(outputs.std())
        else:
            act_hist = act_edges = None
            mean = std = float("nan")
        stats.append(
            LayerStats(
                index=layer_index + 1,
                activation_hist=act_hist,
                activation_edges=act_edges,
                activation_mean=mean,
                activation_std=std,
                saturated=saturated_fraction(outputs, activation),
                dead=dead_fraction(outputs, activation),
                grad_norm=grad_norm,
                weight_hist=weight_hist,
                weight_edges=weight_edges,
                near_zero=float((magnitudes < NEAR_ZERO).mean()),
                max_weight=max_weight,
                update_ratio=update_norm / weight_norm if weight_norm > 0 else float("nan"),
                effective_step=effective[layer_index] if effective is not None else None,
            )
        )
    return tuple(stats)


def effective_steps(network: StackedNetwork, optimizer: Optimizer) -> list[float] | None:
    """Per dense layer, the median step size lr/(√h + ε) an adaptive optimizer gives its
    weights (None for the others). The median: a few dead units (h = 0) must not swamp it."""
    effective = optimizer.effective_step()
    if effective is None:
        return None
    return [
        float(np.median(effective[slot.start : slot.stop]))
        for slot in (network.slots[f"W{i + 1}"] for i in range(len(network.dense)))
    ]


def saturated_fraction(outputs: np.ndarray | None, activation: str) -> float | None:
    """sigmoid/tanh: the share of outputs within 0.01 of a bound (None for the others)."""
    bounds = ACTIVATION_CLASSES[activation].value_range
    if outputs is None or bounds is None:
        return None
    low, high = bounds
    return float(((outputs < low + SATURATED_WITHIN) | (outputs > high - SATURATED_WITHIN)).mean())


def dead_fraction(outputs: np.ndarray | None, activation: str) -> float | None:
    """ReLU and leaky ReLU: the share of units never positive on the probe batch."""
    if outputs is None or activation not in CAN_DIE:
        return None
    return float((outputs <= 0).all(axis=0).mean())


def input_grid(
    dataset: Dataset, resolution: tuple[int, int] = (60, 30), margin: float = 0.1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points covering the data of a 1-D or 2-D set, with a margin: (xs, ys, points of
    shape (len(ys) · len(xs), columns)). For 1-D data ys is the single value 0."""
    if dataset.n_features not in (1, 2):
        raise ValueError("a picture over the inputs exists only for 1-D and 2-D data")
    x_all = np.concatenate([dataset.x_train, dataset.x_test])
    low, high = x_all.min(axis=0), x_all.max(axis=0)
    pad = (high - low) * margin
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution[0])
    if dataset.n_features == 1:
        return xs, np.zeros(1), xs[:, None]
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution[1])
    grid_x, grid_y = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([grid_x.ravel(), grid_y.ravel()])


def decision_grid(
    network: StackedNetwork,
    index: int,
    dataset: Dataset,
    features: tuple[str, ...] = (),
    resolution: tuple[int, int] = (60, 30),
    margin: float = 0.1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For 1-D and 2-D data: what run `index` predicts on a grid covering the data, seen
    through its input features. Returns (xs, ys, outputs of shape (len(ys), len(xs),
    outputs)): class probabilities, or the predicted number of a regression."""
    xs, ys, points = input_grid(dataset, resolution, margin)
    inputs = transform(points, features).astype(network.dtype)
    with np.errstate(all="ignore"):
        outputs = network.predict(inputs)[index]
    return xs, ys, outputs.reshape(len(ys), len(xs), -1)


def unit_grids(
    network: StackedNetwork,
    index: int,
    dataset: Dataset,
    features: tuple[str, ...] = (),
    resolution: tuple[int, int] = (24, 12),
    margin: float = 0.1,
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """What every unit of run `index` computes over the input plane (a network picture,
    as TensorFlow Playground draws one per neuron): (xs, ys, one array per layer of shape
    (units, len(ys), len(xs))), the input features first, each hidden layer's outputs
    (batch norm in its running statistics, no dropout), then the output."""
    xs, ys, points = input_grid(dataset, resolution, margin)
    inputs = transform(points, features).astype(network.dtype)
    with np.errstate(all="ignore"):
        outputs = network.predict(inputs)[index]
        hidden = network.hidden_outputs_of(inputs)
    shape = (len(ys), len(xs))
    layers = [inputs, *(h[index] for h in hidden), outputs]
    return xs, ys, [np.asarray(layer, np.float64).T.reshape(-1, *shape) for layer in layers]


def batch_gradient_noise(
    network: StackedNetwork, x: np.ndarray, y: np.ndarray, batch_size: int, batches: int = 8
) -> np.ndarray:
    """Every run of the stack at once: the mean cosine between the gradients of `batches`
    mini-batches of `batch_size` and the full-batch gradient, per run (K,). What the
    gradient-noise chart draws over the steps; changes nothing in the runs."""
    rng = np.random.default_rng(0)
    saved = network.grads.copy()
    with np.errstate(all="ignore"):
        network.loss_and_gradients(x, y, mode="probe")
        full = network.grads.astype(np.float64)
        full_norm = np.linalg.norm(full, axis=1)
        total = np.zeros(network.n_runs)
        for _ in range(batches):
            rows = rng.choice(len(y), size=min(batch_size, len(y)), replace=False)
            network.loss_and_gradients(x[rows], y[rows], mode="probe")
            grads = network.grads.astype(np.float64)
            total += np.einsum("kp,kp->k", grads, full) / (
                np.linalg.norm(grads, axis=1) * full_norm + 1e-30
            )
    network.grads[...] = saved
    return total / batches


def gradient_noise(
    network: StackedNetwork,
    index: int,
    x: np.ndarray,
    y: np.ndarray,
    batch_sizes: Iterable[int],
    batches: int = 20,
) -> dict[int, float]:
    """Mean cosine between mini-batch gradients and the full-batch gradient, per batch
    size, at run `index`'s current parameters (claim 1.2: small batches are noisy).
    Changes nothing in the run: no dropout, no running statistics, its own sampling."""
    rng = np.random.default_rng(0)
    saved = network.grads.copy()

    def gradient(rows: np.ndarray | slice) -> np.ndarray:
        network.loss_and_gradients(x[rows], y[rows], mode="probe")
        return network.grads[index].astype(np.float64)

    with np.errstate(all="ignore"):
        full = gradient(slice(None))
        result = {}
        for size in batch_sizes:
            cosines = []
            for _ in range(batches):
                g = gradient(rng.choice(len(y), size=min(size, len(y)), replace=False))
                cosines.append(g @ full / (np.linalg.norm(g) * np.linalg.norm(full) + 1e-30))
            result[int(size)] = float(np.mean(cosines))
    network.grads[...] = saved
    return result
