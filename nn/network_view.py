"""What the Network tab draws of one run: every unit's picture over the input plane.

As TensorFlow Playground draws a network, neuron by neuron: for 1-D and 2-D data, what each
unit computes over the plane (its inputs as the run sees them, each hidden layer, the
output), the weights and biases between them, each unit's histogram over the plane and
whether it is dead (ReLU, never positive) or saturated (sigmoid, tanh, flat at a bound);
for images, the first layer's weights as pictures (as ConvNetJS shows filters).

`network_view(comparison, run)` measures it, in the training process, while the tab is
visible; the result is plain copied arrays in a frozen dataclass that pickles (float16 for
the pictures: three digits are all a picture needs, and half the bytes through the pipe).
The app draws it and computes nothing itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nn.layers import ACTIVATION_CLASSES
from nn.measure import CAN_DIE, HIST_BINS, SATURATED_WITHIN

if TYPE_CHECKING:
    from nn.comparison import Comparison

GRID = (24, 12)  # (columns, rows) of a neuron's picture over the plane
SURFACE_GRID = (64, 32)  # the output's regions or surface, drawn larger
MAX_UNITS = 24  # pictures sent per layer: a column shows a dozen at most
MAX_FAN_IN = 128  # incoming weights sent per unit
MAX_FILTERS = 48  # first-layer weight images sent for image data
MAX_POINTS = 300  # training samples drawn over the output

PLANE, IMAGES, OTHER = "plane", "images", "other"  # what the data lets the tab draw
DEAD, SATURATED = "dead", "saturated"


@dataclass(frozen=True)
class NetworkView:
    """What the Network tab draws of one run, at one step: plain arrays, copies (float32;
    float16 for the pictures over the plane).

    Layers are numbered as the network's: 0 the inputs (the run's features), then the
    hidden layers, then the output. Pictures, histograms and states are sent for the first
    MAX_UNITS units of a layer; `sizes` gives the whole count.
    """

    run: str
    step: int
    kind: str  # PLANE (1-D, 2-D data), IMAGES (first layer as pictures) or OTHER
    n_features: int  # of the data
    activation: str  # the hidden layers'
    output: str  # the output layer's: softmax, linear, …
    regression: bool
    sizes: tuple[int, ...]  # units per layer: inputs, hidden layers, outputs
    inputs: tuple[str, ...] = ()  # the input units' names: features, or x1, x2
    weights: tuple[np.ndarray, ...] = ()  # W1, W2, … as (in, out); images: W1's first units
    biases: tuple[np.ndarray, ...] = ()  # b1, b2, … as (out,)
    xs: np.ndarray | None = None  # the plane's coordinates (ys is [0] for 1-D data)
    ys: np.ndarray | None = None
    grids: tuple[np.ndarray, ...] = ()  # per layer: (units, len(ys), len(xs))
    states: tuple[tuple[str, ...], ...] = ()  # per layer, per unit: "", DEAD or SATURATED
    histograms: tuple[np.ndarray, ...] = ()  # per layer (units, bins): values over the plane
    edges: tuple[np.ndarray, ...] = ()  # per layer: the bins' edges; images: of the weights
    surface: np.ndarray | None = None  # the output on a finer grid: (rows, cols, outputs)
    surface_xs: np.ndarray | None = None
    surface_ys: np.ndarray | None = None
    points: np.ndarray | None = None  # training samples shown over the output: (n, 1 or 2)
    targets: np.ndarray | None = None  # their classes, or their values for a regression
    image_shape: tuple[int, int] | None = None

    @property
    def n_layers(self) -> int:
        return len(self.sizes)

    def shown(self, layer: int) -> int:
        """How many of the layer's units the view carries pictures (or images) of."""
        if self.kind == IMAGES:
            return self.weights[0].shape[1] if layer == 1 and self.weights else 0
        return self.grids[layer].shape[0] if layer < len(self.grids) else 0


def _f32(array: np.ndarray) -> np.ndarray:
    return np.array(array, dtype=np.float32)  # a copy: nothing shared with the run


def _f16(array: np.ndarray) -> np.ndarray:
    """Pictures need no more than 3 digits: half the bytes through the pipe."""
    with np.errstate(over="ignore"):  # beyond 65504 is drawn as the brightest anyway
        return np.array(array, dtype=np.float16)


def _histograms(values: np.ndarray, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """Per unit (first axis), the counts of its values over one shared range."""
    flat = values.reshape(len(values), -1)
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        low, high = (low - 1.0, low + 1.0) if math.isfinite(low) else (0.0, 1.0)
    edges = np.linspace(low, high, HIST_BINS + 1)
    with np.errstate(invalid="ignore"):  # as numpy.histogram, row by row, in one count
        inside = np.isfinite(flat) & (flat >= low) & (flat <= high)
        bins = np.minimum(((flat - low) / (high - low) * HIST_BINS).astype(np.int64), HIST_BINS - 1)
    rows = np.broadcast_to(np.arange(len(flat))[:, None], flat.shape)
    index = (rows * HIST_BINS + np.where(inside, bins, 0))[inside]
    counts = np.bincount(index, minlength=len(flat) * HIST_BINS).reshape(len(flat), HIST_BINS)
    return counts.astype(np.int32), edges.astype(np.float32)


def _unit_states(values: np.ndarray, activation: str) -> tuple[str, ...]:
    """A hidden unit is dead (ReLU: never positive over the plane) or saturated (sigmoid,
    tanh: within SATURATED_WITHIN of a bound everywhere), by nn.measure's own tests."""
    flat = values.reshape(len(values), -1)
    if activation in CAN_DIE:
        return tuple(DEAD if (row <= 0).all() else "" for row in flat)
    bounds = ACTIVATION_CLASSES[activation].value_range
    if bounds is not None:
        low, high = bounds
        near = (flat < low + SATURATED_WITHIN) | (flat > high - SATURATED_WITHIN)
        return tuple(SATURATED if row.all() else "" for row in near)
    return ("",) * len(flat)


def _value_range(values: np.ndarray, bounds: tuple[float, float] | None) -> tuple[float, float]:
    if bounds is not None:
        return bounds
    finite = values[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)


def network_view(
    comparison: Comparison,
    name: str,
    resolution: tuple[int, int] = GRID,
    surface_resolution: tuple[int, int] = SURFACE_GRID,
) -> NetworkView:
    """The Network tab's data for run `name` of `comparison`, as it stands: call it in the
    training process (a millisecond or two for a 2-D net) and send the result."""
    run = comparison.run(name)
    config, dataset = run.config, comparison.dataset
    params = comparison.parameters(name)
    count = sum(1 for key in params if key.startswith("W"))
    weights = [params[f"W{i}"] for i in range(1, count + 1)]
    biases = [params[f"b{i}"].reshape(-1) for i in range(1, count + 1)]
    common = {
        "run": name,
        "step": run.step,
        "n_features": dataset.n_features,
        "activation": config.activation,
        "output": str(config.output),
        "regression": dataset.regression,
        "sizes": (weights[0].shape[0], *(w.shape[1] for w in weights)),
    }
    if dataset.n_features in (1, 2):
        return _plane_view(
            comparison, name, weights, biases, resolution, surface_resolution, common
        )
    shape = dataset.image_shape
    if shape is not None and shape[0] * shape[1] == dataset.n_features:
        filters = weights[0][:, :MAX_FILTERS]
        magnitude = float(np.nanmax(np.abs(filters))) if np.isfinite(filters).any() else 1.0
        counts, edges = _histograms(filters.T, -magnitude, magnitude)
        return NetworkView(
            kind=IMAGES,
            weights=(_f32(filters),),
            biases=(_f32(biases[0][:MAX_FILTERS]),),
            histograms=(np.zeros((0, HIST_BINS), np.int32), counts),
            edges=(edges, edges),
            image_shape=(int(shape[0]), int(shape[1])),
            **common,
        )
    return NetworkView(kind=OTHER, **common)


def _plane_view(
    comparison: Comparison,
    name: str,
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    resolution: tuple[int, int],
    surface_resolution: tuple[int, int],
    common: dict,
) -> NetworkView:
    config, dataset = comparison.run(name).config, comparison.dataset
    xs, ys, layers = comparison.unit_grids(name, resolution)
    surface_xs, surface_ys, surface = comparison.decision_grid(name, surface_resolution)
    grids, states, histograms, edges = [], [], [], []
    last = len(layers) - 1
    for index, layer in enumerate(layers):
        shown = layer[:MAX_UNITS]
        if index == 0:
            bounds, state = None, ("",) * len(shown)
        elif index == last:
            bounds = (0.0, 1.0) if config.output == "softmax" else None
            bounds = bounds or ACTIVATION_CLASSES[str(config.output)].value_range
            state = ("",) * len(shown)
        else:
            bounds = ACTIVATION_CLASSES[config.activation].value_range
            state = _unit_states(shown, config.activation)
        counts, bin_edges = _histograms(shown, *_value_range(layer, bounds))
        grids.append(_f16(shown))
        states.append(state)
        histograms.append(counts)
        edges.append(bin_edges)
    n = len(dataset.x_train)
    rows = np.unique(np.linspace(0, n - 1, min(n, MAX_POINTS)).round().astype(int))
    return NetworkView(
        kind=PLANE,
        inputs=config.features or (("x1",) if dataset.n_features == 1 else ("x1", "x2")),
        weights=tuple(_f32(w[:MAX_FAN_IN]) for w in weights),
        biases=tuple(_f32(b) for b in biases),
        xs=_f32(xs),
        ys=_f32(ys),
        grids=tuple(grids),
        states=tuple(states),
        histograms=tuple(histograms),
        edges=tuple(edges),
        surface=_f16(surface),
        surface_xs=_f32(surface_xs),
        surface_ys=_f32(surface_ys),
        points=_f32(dataset.x_train[rows]),
        targets=np.asarray(dataset.y_train[rows]).copy(),
        **common,
    )
