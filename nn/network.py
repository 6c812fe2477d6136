"""A stack of K same-shaped networks, trained as one computation.

Parameters and gradients live in two flat buffers of shape (K, P): row k holds every
parameter of run k, contiguous, so that run's optimizer updates it with a few vector
operations. The layers see views into these buffers. The layout of a row is

    [ W₁ … W_L | b₁ … b_L | γ₁ … γ_{L−1} | β₁ … β_{L−1} ]

so the weights (the only thing L1/L2 penalize) are one contiguous slice.
A stack of one run drops the run axis inside the layers (plain 2-D matrix products are
cheaper for small nets); the public methods always show the run axis.
Every hidden layer is Dense → BatchNorm → activation → Dropout; batch norm and dropout
do nothing for runs that have them switched off (and cost nothing when all do).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn.layers import (
    BatchNorm,
    Dense,
    Dropout,
    MeanSquaredError,
    RunwiseActivation,
    SoftmaxCrossEntropy,
)

INIT_STDS = {
    "normal": lambda n_in: 1.0,
    "small": lambda n_in: 0.01,
    "xavier": lambda n_in: 1.0 / np.sqrt(n_in),
    "he": lambda n_in: np.sqrt(2.0 / n_in),
}


def init_std(init: str | float, n_in: int) -> float:
    """Standard deviation of a layer's initial weights: N(0,1), N(0,0.01²), Xavier, He."""
    if isinstance(init, str):
        return float(INIT_STDS[init](n_in))
    return float(init)


@dataclass(frozen=True)
class Slot:
    """Where one parameter array lives in a row of the flat buffer."""

    name: str
    start: int
    shape: tuple[int, ...]

    @property
    def stop(self) -> int:
        return self.start + int(np.prod(self.shape))


class StackedNetwork:
    """K fully connected networks of one shape with their own activations and settings."""

    def __init__(
        self,
        sizes: tuple[int, ...],
        activations: list[str],
        output: str,
        loss: str,
        dtype: str,
        dropout_rngs: list[np.random.Generator],
    ) -> None:
        self.sizes = tuple(sizes)
        self.n_runs = len(activations)
        self.dtype = np.dtype(dtype)
        self.activation_names = list(activations)
        n_dense = len(sizes) - 1
        hidden = sizes[1:-1]

        slots: list[Slot] = []
        offset = 0

        def add(name: str, shape: tuple[int, ...]) -> None:
            nonlocal offset
            slots.append(Slot(name, offset, shape))
            offset += int(np.prod(shape))

        for i in range(n_dense):
            add(f"W{i + 1}", (sizes[i], sizes[i + 1]))
        self.n_weights = offset
        for i in range(n_dense):
            add(f"b{i + 1}", (1, sizes[i + 1]))
        for i, units in enumerate(hidden):
            add(f"gamma{i + 1}", (1, units))
        for i, units in enumerate(hidden):
            add(f"beta{i + 1}", (1, units))
        self.slots = {slot.name: slot for slot in slots}
        self.n_params = offset

        K = self.n_runs
        self.params = np.zeros((K, offset), dtype=self.dtype)
        self.grads = np.zeros((K, offset), dtype=self.dtype)
        for i in range(len(hidden)):
            self.view(f"gamma{i + 1}")[...] = 1.0

        # Per-run settings that may change live; the layers read them at every step.
        self.l1 = np.zeros(K)
        self.l2 = np.zeros(K)
        self.dropout_rates = np.zeros(K)
        self.batch_norm = np.zeros(K, dtype=bool)

        self.squeezed = K == 1
        self.dense = [Dense(*self._layer_views("W", "b", i + 1)) for i in range(n_dense)]
        self.norms = [
            BatchNorm(*self._layer_views("gamma", "beta", i + 1), self.batch_norm)
            for i in range(len(hidden))
        ]
        self.activations = [RunwiseActivation(activations) for _ in hidden]
        self.dropouts = [Dropout(self.dropout_rates, dropout_rngs) for _ in hidden]
        self.loss = SoftmaxCrossEntropy() if loss == "cross_entropy" else MeanSquaredError(output)
        self.hidden_outputs: list[np.ndarray] = []
        self.refresh()

    def _layer_views(self, first: str, second: str, layer: int) -> list[np.ndarray]:
        """Views for a layer's two parameter arrays and then their gradients, e.g.
        (W, b, ∂W, ∂b); without the run axis for a single run."""
        views = [
            self.view(f"{name}{layer}", buffer)
            for buffer in (self.params, self.grads)
            for name in (first, second)
        ]
        return [view[0] for view in views] if self.squeezed else views

    def refresh(self) -> None:
        """Re-read the per-run settings after a change: which layers have work to do.
        (Checked once per change, not at every step.)"""
        self.any_l1 = bool(self.l1.any())
        self.any_l2 = bool(self.l2.any())
        for dropout in self.dropouts:
            dropout.active = bool(self.dropout_rates.any())
        for norm in self.norms:
            norm.active = bool(self.batch_norm.any())
            norm.mixed = norm.active and not self.batch_norm.all()

    # -- parameters ------------------------------------------------------------------------

    def view(self, name: str, buffer: np.ndarray | None = None) -> np.ndarray:
        """The (K, *shape) view of one parameter array in the params (or grads) buffer."""
        slot = self.slots[name]
        buffer = self.params if buffer is None else buffer
        return buffer[:, slot.start : slot.stop].reshape(self.n_runs, *slot.shape)

    def initialize(self, run: int, init: str | float, rng: np.random.Generator) -> None:
        """Draw run `run`'s weights layer by layer (in float64, then cast); biases are 0."""
        for i in range(len(self.dense)):
            weights = self.view(f"W{i + 1}")[run]
            weights[...] = rng.standard_normal(weights.shape) * init_std(init, self.sizes[i])
        for slot in self.slots.values():
            if not slot.name.startswith("W"):
                fill = 1.0 if slot.name.startswith("gamma") else 0.0
                self.params[run, slot.start : slot.stop] = fill

    def parameters(self, run: int) -> dict[str, np.ndarray]:
        """Copies of run `run`'s parameter arrays, by name (W1, b1, …, gamma1, beta1, …)."""
        return {name: self.view(name)[run].copy() for name in self.slots}

    def set_parameters(self, run: int, values: dict[str, np.ndarray]) -> None:
        for name, value in values.items():
            if name not in self.slots:
                raise KeyError(f"no parameter {name!r}; the network has {', '.join(self.slots)}")
            target = self.view(name)[run]
            value = np.asarray(value)
            if value.shape != target.shape and value.reshape(-1).shape != target.reshape(-1).shape:
                raise ValueError(f"{name}: expected shape {target.shape}, got {value.shape}")
            target[...] = value.reshape(target.shape)

    # -- the passes ------------------------------------------------------------------------

    def forward(self, x: np.ndarray, mode: str = "train") -> np.ndarray:
        """Scores (K, batch, classes). mode: "train", "eval", or "probe" (batch-norm batch
        statistics without touching the running ones; no dropout). In probe mode the hidden
        activations are kept in `hidden_outputs`, each (K, batch, units)."""
        scores = self._forward(x, mode)
        return scores[None] if self.squeezed else scores

    def _forward(self, x: np.ndarray, mode: str, keep: bool = False) -> np.ndarray:
        training = mode == "train"
        keep = keep or mode == "probe"
        self.hidden_outputs = []
        h = x
        for dense, norm, activation, dropout in zip(
            self.dense, self.norms, self.activations, self.dropouts, strict=False
        ):
            h = dense.forward(h)
            h = norm.forward(h, mode)
            h = activation.forward(h)
            if keep:
                self.hidden_outputs.append(h[None].copy() if self.squeezed else h.copy())
            h = dropout.forward(h, training)
        return self.dense[-1].forward(h)

    def hidden_outputs_of(self, x: np.ndarray) -> list[np.ndarray]:
        """Each hidden layer's outputs (K, batch, units) in evaluation mode (running batch
        statistics, no dropout): what a unit computes for an input, as it would be tested."""
        self._forward(x, "eval", keep=True)
        return self.hidden_outputs

    def backward(self) -> None:
        """Fill `grads` from the loss remembered by the last `loss_and_gradients`."""
        grad = self.loss.backward()
        last = len(self.dense) - 1
        for i in range(last, -1, -1):
            if i < last:
                grad = self.dropouts[i].backward(grad)
                grad = self.activations[i].backward(grad)
                grad = self.norms[i].backward(grad)
            grad = self.dense[i].backward(grad, need_grad_input=i > 0)

    def loss_and_gradients(
        self, x: np.ndarray, labels: np.ndarray, mode: str = "train"
    ) -> np.ndarray:
        """One training pass: forward, loss per run (K,), backward, plus the penalties'
        gradients. The returned loss is the data loss; penalties are reported apart.
        mode="probe" computes the same gradients without dropout and without touching
        batch norm's running statistics (for measurements that must not change a run)."""
        scores = self._forward(x, mode)
        loss = self.loss.forward(scores, labels)
        self.backward()
        self.add_penalty_gradients()
        return loss.reshape(self.n_runs)

    def add_penalty_gradients(self) -> None:
        """∂/∂W of λ₁·Σ|W| + ½λ₂·ΣW²  is  λ₁·sign(W) + λ₂·W (weights only)."""
        weights = self.params[:, : self.n_weights]
        grad_weights = self.grads[:, : self.n_weights]
        if self.any_l2:
            grad_weights += self.l2.astype(self.dtype)[:, None] * weights
        if self.any_l1:
            grad_weights += self.l1.astype(self.dtype)[:, None] * np.sign(weights)

    def penalty(self) -> np.ndarray:
        """λ₁·Σ|W| + ½λ₂·ΣW² per run, in float64."""
        weights = self.params[:, : self.n_weights].astype(np.float64)
        return self.l1 * np.abs(weights).sum(axis=1) + 0.5 * self.l2 * (weights**2).sum(axis=1)

    def evaluate(
        self, x: np.ndarray, labels: np.ndarray, chunk: int = 2000
    ) -> tuple[np.ndarray, np.ndarray]:
        """Data loss and score per run on (x, labels), in evaluation mode: the score is the
        accuracy for class labels, R² (1 − squared error / variance of the targets) for
        regression targets."""
        total_loss = np.zeros(self.n_runs)
        correct = np.zeros(self.n_runs)
        regression = labels.dtype.kind == "f"
        for start in range(0, len(labels), chunk):
            batch_x, batch_y = x[start : start + chunk], labels[start : start + chunk]
            scores = self.forward(batch_x, "eval")
            total_loss += self.loss.forward(scores, batch_y) * len(batch_y)
            if regression:  # Σ(y − t)², from the loss's own error
                correct += (self.loss.error.astype(np.float64) ** 2).sum(axis=(-2, -1))
            else:
                correct += (scores.argmax(axis=-1) == batch_y).sum(axis=-1)
        if regression:
            spread = float(((labels - labels.mean()) ** 2).sum())
            r2 = 1.0 - correct / spread if spread > 0 else np.full(self.n_runs, np.nan)
            return total_loss / len(labels), r2
        return total_loss / len(labels), correct / len(labels)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Per run (K, batch, outputs) in evaluation mode: class probabilities (softmax), or
        the output layer's values (an MSE net: the predicted number of a regression)."""
        scores = self.forward(x, "eval").astype(np.float64)
        if isinstance(self.loss, MeanSquaredError):
            return self.loss.activation.forward(scores)
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        return scores

    def take(self, runs: list[int], dropout_rngs: list[np.random.Generator]) -> StackedNetwork:
        """A new stack holding only `runs` (same parameters and running statistics)."""
        other = StackedNetwork(
            self.sizes,
            [self.activation_names[r] for r in runs],
            self.loss.activation.name if isinstance(self.loss, MeanSquaredError) else "softmax",
            "mse" if isinstance(self.loss, MeanSquaredError) else "cross_entropy",
            str(self.dtype),
            dropout_rngs,
        )
        other.params[...] = self.params[runs]
        for name in ("l1", "l2", "dropout_rates", "batch_norm"):
            getattr(other, name)[...] = getattr(self, name)[runs]
        other.refresh()
        for mine, theirs in zip(self.norms, other.norms, strict=True):
            mean, var = mine.running_stats()
            theirs.running_mean[...] = mean[runs].reshape(theirs.running_mean.shape)
            theirs.running_var[...] = var[runs].reshape(theirs.running_var.shape)
        return other
