"""Layers, each with its forward and its backward pass side by side.

Every array carries a leading *run* axis: K networks of the same shape are computed at
once, one slice each (shape (K, batch, units)). With K = 1 this is simply a network.
The first layer's input is shared by all runs, shape (batch, units), and broadcasts.

A layer remembers in `forward` what its `backward` needs. Activations work in place on
the array they are given (it is the previous layer's fresh output), which saves a copy
per layer per step.
"""

from __future__ import annotations

import math

import numpy as np


def all_finite(values: np.ndarray) -> bool:
    """Whether no value is inf or NaN. A single run's loss is a NumPy scalar, for which
    math.isfinite costs a hundredth of np.isfinite(...).all()."""
    if values.ndim == 0:
        return math.isfinite(values)
    return bool(np.isfinite(values).all())


# -- the layer with weights ---------------------------------------------------------------


class Dense:
    """z = x·W + b.  Backward: ∂W = xᵀ·∂z,  ∂b = Σ_batch ∂z,  ∂x = ∂z·Wᵀ."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        grad_weights: np.ndarray,
        grad_bias: np.ndarray,
    ) -> None:
        # Views into the network's flat parameter and gradient buffers:
        # weights (K, n_in, n_out), bias (K, 1, n_out).
        self.weights = weights
        self.bias = bias
        self.grad_weights = grad_weights
        self.grad_bias = grad_bias
        self.input: np.ndarray | None = None
        self._ones: np.ndarray | None = None
        # np.dot is the cheaper call for plain matrices (a single run); matmul stacks.
        self.product = np.dot if weights.ndim == 2 else np.matmul

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.input = x
        z = self.product(x, self.weights)
        z += self.bias
        return z

    def backward(self, grad_z: np.ndarray, need_grad_input: bool = True) -> np.ndarray | None:
        x = self.input
        self.product(x.mT, grad_z, out=self.grad_weights)  # .mT: the last two axes swapped
        # Σ over the batch as a product with a row of ones: much faster than .sum(axis)
        # on small arrays.
        batch = grad_z.shape[-2]
        if self._ones is None or self._ones.shape[-1] != batch:
            self._ones = np.ones((1, batch), dtype=grad_z.dtype)
        self.product(self._ones, grad_z, out=self.grad_bias)
        if not need_grad_input:
            return None
        return self.product(grad_z, self.weights.mT)


# -- activations ------------------------------------------------------------------------


class Sigmoid:
    """σ(z) = 1 / (1 + e^(−z)).  σ'(z) = σ(z)(1 − σ(z)) ≤ 0.25: the gradient shrinks."""

    name = "sigmoid"
    value_range = (0.0, 1.0)

    def forward(self, z: np.ndarray) -> np.ndarray:
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        np.reciprocal(z, out=z)
        self.output = z
        return z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        out = self.output
        grad *= out
        grad *= 1.0 - out
        return grad


class Tanh:
    """tanh(z) = (e^(2z) − 1) / (e^(2z) + 1), zero-centred.  tanh'(z) = 1 − tanh²(z)."""

    name = "tanh"
    value_range = (-1.0, 1.0)

    def forward(self, z: np.ndarray) -> np.ndarray:
        self.output = np.tanh(z, out=z)
        return z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        out = self.output
        grad *= 1.0 - out * out
        return grad


class ReLU:
    """ReLU(z) = max(0, z).  Its derivative is 1 where z > 0: gradients pass through."""

    name = "relu"
    value_range = None

    def __init__(self) -> None:
        self.zeros = np.zeros(0)

    def forward(self, z: np.ndarray) -> np.ndarray:
        # The maximum with an array of zeros, kept for the next step: NumPy's vectorized
        # loop wants two arrays, and with the scalar 0 the pass is several times slower.
        if self.zeros.shape != z.shape or self.zeros.dtype != z.dtype:
            self.zeros = np.zeros_like(z)
        self.output = np.maximum(z, self.zeros, out=z)
        return z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        grad *= np.sign(self.output)  # 1 where the unit was on, 0 where off (cheaper than a mask)
        return grad


class LeakyReLU:
    """z where z > 0, else slope·z: a small gradient even for negative inputs."""

    name = "leaky_relu"
    value_range = None

    def __init__(self, slope: float = 0.01) -> None:
        self.slope = slope

    def forward(self, z: np.ndarray) -> np.ndarray:
        self.positive = z > 0
        np.multiply(z, np.where(self.positive, 1.0, self.slope).astype(z.dtype), out=z)
        self.output = z
        return z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        grad *= np.where(self.positive, 1.0, self.slope).astype(grad.dtype)
        return grad


class Linear:
    """The identity: no non-linearity at all (a deep linear net is a linear model)."""

    name = "linear"
    value_range = None

    def forward(self, z: np.ndarray) -> np.ndarray:
        self.output = z
        return z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad


ACTIVATION_CLASSES = {cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, Linear)}


class RunwiseActivation:
    """One activation per run; a single call when all runs share it, a slice each if not."""

    def __init__(self, names: list[str]) -> None:
        self.names = list(names)
        self.shared = len(set(names)) == 1
        if self.shared:
            self.activation = ACTIVATION_CLASSES[names[0]]()
        else:
            self.per_run = [ACTIVATION_CLASSES[name]() for name in names]

    def forward(self, z: np.ndarray) -> np.ndarray:
        if self.shared:
            return self.activation.forward(z)
        for run, activation in enumerate(self.per_run):
            activation.forward(z[run])
        return z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        if self.shared:
            return self.activation.backward(grad)
        for run, activation in enumerate(self.per_run):
            activation.backward(grad[run])
        return grad


# -- regularizing layers ------------------------------------------------------------------


class Dropout:
    """Inverted dropout: keep a unit with probability 1 − p and scale it by 1 / (1 − p).

    A fresh random mask at every training step; dropped units pass no gradient back.
    At test time every unit is used and nothing is scaled (the scaling already happened).
    """

    def __init__(self, rates: np.ndarray, rngs: list[np.random.Generator]) -> None:
        self.rates = rates  # (K,), shared with the network so live changes are seen
        self.rngs = rngs  # one stream per run
        self.active = False  # any rate > 0; the network keeps it current
        self.mask: np.ndarray | None = None
        self.mask_buffer: np.ndarray | None = None
        self.fixed_mask: np.ndarray | None = None  # set by gradient checks

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        self.mask = None
        if not (training and self.active):
            return x
        if self.fixed_mask is not None:
            self.mask = self.fixed_mask
        else:
            if self.mask_buffer is None or self.mask_buffer.shape != x.shape:
                self.mask_buffer = np.empty_like(x)  # reused: the batch shape rarely changes
            self.mask = self.mask_buffer
            per_run = [self.mask] if x.ndim == 2 else self.mask  # 2-D: a single run
            for run, mask in enumerate(per_run):
                # A Python float: np.float64 would drag the float32 arithmetic into float64.
                rate = float(self.rates[run])
                if rate > 0:
                    # mask = [u ≥ p] / (1 − p), u uniform: here on the 16-bit integers
                    # (p in steps of 2⁻¹⁶), at less than half the cost of uniform floats.
                    u = random_uint16(self.rngs[run], mask.shape)
                    np.greater_equal(u, round(rate * 2**16), out=mask)
                    mask *= 1.0 / (1.0 - rate)
                else:
                    mask.fill(1.0)
        # Not in place: the activation before us keeps its output for its backward pass.
        return x * self.mask

    def backward(self, grad: np.ndarray) -> np.ndarray:
        if self.mask is not None:
            grad *= self.mask
        return grad


def random_uint16(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform integers 0 … 2¹⁶ − 1: four cut from each raw 64-bit draw of the generator."""
    count = math.prod(shape)
    words = rng.bit_generator.random_raw((count + 3) // 4)
    return words.view(np.uint16)[:count].reshape(shape)


class BatchNorm:
    """Normalize each unit over the mini-batch, then scale and shift: y = γ·x̂ + β.

    x̂ = (x − μ_B) / √(σ²_B + ε).  In training, μ_B and σ²_B come from the batch and
    update running averages; in evaluation, the running averages are used.
    Runs with batch norm switched off pass their slice through unchanged.
    """

    def __init__(
        self,
        gamma: np.ndarray,
        beta: np.ndarray,
        grad_gamma: np.ndarray,
        grad_beta: np.ndarray,
        enabled: np.ndarray,
        momentum: float = 0.9,
        eps: float = 1e-5,
    ) -> None:
        self.gamma, self.beta = gamma, beta  # (K, 1, units)
        self.grad_gamma, self.grad_beta = grad_gamma, grad_beta
        self.enabled = enabled  # (K,) bool, shared with the network
        self.momentum = momentum
        self.eps = eps
        self.running_mean = np.zeros(gamma.shape, dtype=gamma.dtype)
        self.running_var = np.ones(gamma.shape, dtype=gamma.dtype)
        self.active = False  # some run uses batch norm; the network keeps it current
        self.mixed = False  # some runs do, others do not

    def running_stats(self) -> tuple[np.ndarray, np.ndarray]:
        """Running mean and variance with the run axis, (K, 1, units)."""
        shape = (len(self.enabled), 1, self.running_mean.shape[-1])
        return self.running_mean.reshape(shape), self.running_var.reshape(shape)

    def _batch_rows(self, batch: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ones and of 1/batch: Σ and mean over the batch as matrix products,
        several times faster than .sum/.mean along an axis."""
        if getattr(self, "_ones", None) is None or self._ones.shape != (1, batch):
            self._ones = np.ones((1, batch), dtype=dtype)
            self._mean_row = self._ones / batch
        return self._ones, self._mean_row

    def forward(self, x: np.ndarray, mode: str) -> np.ndarray:
        """mode: "train" (batch statistics, updates running ones), "probe" (batch
        statistics, no update) or "eval" (running statistics)."""
        if not self.active:
            return x
        _, mean_row = self._batch_rows(x.shape[-2], x.dtype)
        if mode == "eval":
            centered = x - self.running_mean
            var = self.running_var
        else:
            mean = np.matmul(mean_row, x)
            centered = x - mean
            var = np.matmul(mean_row, centered * centered)
            if mode == "train":
                m = self.momentum
                self.running_mean *= m
                self.running_mean += (1 - m) * mean
                self.running_var *= m
                self.running_var += (1 - m) * var
        self.inv_std = 1.0 / np.sqrt(var + self.eps)  # one row: cheaper to invert than to divide by
        self.normalized = np.multiply(centered, self.inv_std, out=centered)
        out = self.gamma * self.normalized
        out += self.beta
        if self.mixed:
            off = ~self.enabled
            out[off] = x[off]
        return out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        if not self.active:
            return grad
        batch = grad.shape[-2]
        ones, _ = self._batch_rows(batch, grad.dtype)
        x_hat = self.normalized
        grad_x = grad * x_hat  # scratch until it becomes ∂x below
        np.matmul(ones, grad_x, out=self.grad_gamma)  # ∂γ = Σ ∂y·x̂
        np.matmul(ones, grad, out=self.grad_beta)  # ∂β = Σ ∂y
        # ∂x = γ/σ · (∂y − mean(∂y) − x̂·mean(∂y·x̂)), and those two means are ∂β/N and ∂γ/N,
        # already summed: a few passes fewer than differentiating through x̂ step by step.
        np.multiply(x_hat, self.grad_gamma / batch, out=grad_x)
        np.subtract(grad, grad_x, out=grad_x)
        grad_x -= self.grad_beta / batch
        grad_x *= self.gamma * self.inv_std
        if self.mixed:
            off = ~self.enabled
            grad_x[off] = grad[off]
            self.grad_gamma[off] = 0
            self.grad_beta[off] = 0
        return grad_x


# -- losses -----------------------------------------------------------------------------


class SoftmaxCrossEntropy:
    """Softmax of the scores, then the mean of −log p(true class).

    Together their gradient is simply (p − one_hot(y)) / batch.
    """

    def __init__(self) -> None:
        self._batch = -1

    def _prepare(self, scores: np.ndarray, labels: np.ndarray) -> None:
        """Constants that depend only on the batch size (sums as cheap products)."""
        batch, classes = scores.shape[-2:]
        if (batch, classes, scores.dtype) != (
            self._batch,
            getattr(self, "_classes", -1),
            getattr(self, "_dtype", None),
        ):
            self._batch, self._classes, self._dtype = batch, classes, scores.dtype
            self.rows = np.arange(batch)
            self.row_starts = self.rows * classes  # where each sample's scores begin, flat
            self.class_ones = np.ones((classes, 1), dtype=scores.dtype)
            self.batch_mean = np.full(batch, 1.0 / batch, dtype=scores.dtype)

    def forward(self, scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Mean loss per run, shape (K,) (a scalar array for a single run without run axis).
        log Σ exp is computed after subtracting each row's maximum, so it cannot overflow."""
        self._prepare(scores, labels)
        self.labels = labels
        if scores.ndim == 2:
            self.flat_labels = self.row_starts + labels  # score(y) in the flattened scores
        # Fast path: softmax of the raw scores. Only if that over- or underflows (the loss
        # comes out non-finite) is it redone with each row's maximum subtracted first,
        # which cannot overflow. Both give the same probabilities; only the runs that need
        # it are shifted, so the others keep the very bits they would have alone.
        loss = self._softmax_loss(scores)
        if not all_finite(loss):
            shifted = scores - scores.max(axis=-1, keepdims=True)
            if loss.ndim:  # a stack of runs: (K,) losses
                healthy = np.isfinite(loss)
                shifted[healthy] = scores[healthy]
            loss = self._softmax_loss(shifted)
        return loss

    def _softmax_loss(self, shifted: np.ndarray) -> np.ndarray:
        exp = np.exp(shifted)
        total = np.matmul(exp, self.class_ones)  # Σ over classes, (…, batch, 1)
        self.probs = np.divide(exp, total, out=exp)
        per_sample = np.log(total[..., 0])  # −log p(y) = log Σ exp − score(y)
        entries, true_class = self._true_class(shifted)
        per_sample -= entries[true_class]
        return np.matmul(per_sample, self.batch_mean)

    def _true_class(self, array: np.ndarray) -> tuple[np.ndarray, tuple]:
        """A view of `array` and the index of each sample's true class in it. A single run
        (2-D) gets one flat index: several times cheaper than [..., rows, labels]."""
        if array.ndim == 2:
            return array.reshape(-1), (self.flat_labels,)
        return array, (..., self.rows, self.labels)

    def backward(self) -> np.ndarray:
        grad = self.probs
        entries, true_class = self._true_class(grad)
        entries[true_class] -= 1.0
        grad *= self.batch_mean[0]
        return grad


class MeanSquaredError:
    """½·Σ(y − t)² over the outputs, averaged over the batch. For a regression set t is the
    target number; for classes, the one-hot label."""

    def __init__(self, output: str) -> None:
        self.activation = ACTIVATION_CLASSES[output]()

    def forward(self, scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
        self.outputs = self.activation.forward(scores.copy())
        if labels.dtype.kind == "f":  # regression: one output, the number itself
            target = labels.astype(scores.dtype).reshape(-1, 1)
        else:
            target = np.zeros(scores.shape[-2:], dtype=scores.dtype)
            target[np.arange(labels.shape[0]), labels] = 1.0
        self.error = self.outputs - target
        return 0.5 * (self.error * self.error).sum(axis=-1).mean(axis=-1)

    def backward(self) -> np.ndarray:
        grad = self.error / self.error.shape[-2]
        return self.activation.backward(grad)
