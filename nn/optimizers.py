"""Optimizers: how a gradient becomes a step.

Each optimizer updates a flat parameter array in place from a flat gradient array of the
same shape. The same classes move a network's parameters and a point on a 2-D surface
(see `nn.surfaces`), so the paths a student sees are made by the code that trains.

The defaults are those of "Deep Learning from Scratch", chapter 6. Every optimizer is one
class, registered by `@register`: its name, whether it is adaptive, its hyper-parameters
(read from its signature) and its textbook rates come from the class alone, so adding an
optimizer is writing its class (plus its tests and its help topic).
"""

from __future__ import annotations

import inspect
import math

import numpy as np

Array = np.ndarray


OPTIMIZERS: dict[str, type[Optimizer]] = {}  # by name, in the order they are defined


def register(cls: type[Optimizer]) -> type[Optimizer]:
    """Add an optimizer class to OPTIMIZERS, under its `name`."""
    OPTIMIZERS[cls.name] = cls
    return cls


class Optimizer:
    """Base class: the learning rate and the per-parameter state (`state_names`).

    Subclasses write the update rule, in place, in `update`. (Splitting large parameter
    arrays into cache-sized blocks was measured and made the update slower.)
    """

    name = "optimizer"
    adaptive = False  # True when each parameter gets its own step size (claims 1.5, 1.6)
    state_names: tuple[str, ...] = ()  # the arrays, one number per parameter, it keeps
    # The learning rate of the textbook's 2-D figure (fig. 6-8): 30 updates on x²/20 + y²
    # from (-7, 2), each rate chosen there so that its optimizer makes a good picture.
    path_lr = 0.1

    def __init__(self, lr: float) -> None:
        self.lr = float(lr)
        self.state: dict[str, np.ndarray] = {}
        self._scratch: np.ndarray | None = None

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Move the flat array `params` (in place) against `grads`."""
        if not self.state:
            self.state = {name: np.zeros_like(params) for name in self.state_names}
        if self._scratch is None or self._scratch.shape != params.shape:
            self._scratch = np.empty_like(params)
        self.begin_step()
        self.update(params, grads, self._scratch, **self.state)

    def begin_step(self) -> None:
        """Once per step, before the update (Adam counts its steps here)."""

    def counters(self) -> dict[str, int]:
        """Numbers besides `state` that the next update depends on (Adam's step count)."""
        return {}

    def set_counters(self, counters: dict[str, int]) -> None:
        for key, value in counters.items():
            setattr(self, key, value)

    def update(
        self, params: np.ndarray, grads: np.ndarray, buffer: np.ndarray, **state: np.ndarray
    ) -> None:
        """The update rule, in place; `buffer` is scratch space of the same shape."""
        raise NotImplementedError

    def effective_step(self) -> np.ndarray | None:
        """Per-parameter step size lr / (sqrt(h) + eps) for adaptive optimizers, else None."""
        return None


@register
class SGD(Optimizer):
    """p ← p − lr·g.  With the whole training set as the batch, this is gradient descent."""

    name = "sgd"
    path_lr = 0.95

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__(lr)

    def update(self, params: Array, grads: Array, buffer: Array, **state: Array) -> None:
        params -= np.multiply(grads, self.lr, out=buffer)


@register
class Momentum(Optimizer):
    """v ← m·v − lr·g;  p ← p + v.  The velocity remembers the previous direction."""

    name = "momentum"
    state_names = ("velocity",)
    path_lr = 0.1

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = float(momentum)

    def update(self, params: Array, grads: Array, buffer: Array, *, velocity: Array) -> None:
        velocity *= self.momentum
        velocity -= np.multiply(grads, self.lr, out=buffer)
        params += velocity


@register
class Nesterov(Optimizer):
    """Momentum that looks ahead: the step uses the gradient where the velocity is taking us.

    v ← m·v − lr·g;  p ← p + m·v − lr·g  (Nesterov's method written for the gradient at p;
    the textbook's code has a variant that applies the momentum one extra time).
    """

    name = "nesterov"
    state_names = ("velocity",)
    path_lr = 0.1  # not in the book's figure: Momentum's, so the paths differ by the look-ahead

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__(lr)
        self.momentum = float(momentum)

    def update(self, params: Array, grads: Array, buffer: Array, *, velocity: Array) -> None:
        scaled_grad = np.multiply(grads, self.lr, out=buffer)
        velocity *= self.momentum
        velocity -= scaled_grad
        params += self.momentum * velocity
        params -= scaled_grad


@register
class AdaGrad(Optimizer):
    """h ← h + g²;  p ← p − lr·g / (√h + ε).

    Parameters that moved a lot get small steps; every step shrinks as h only grows.
    """

    name = "adagrad"
    adaptive = True
    state_names = ("sum_sq_grad",)
    path_lr = 1.5

    def __init__(self, lr: float = 0.01, eps: float = 1e-7) -> None:
        super().__init__(lr)
        self.eps = float(eps)

    def update(self, params: Array, grads: Array, buffer: Array, *, sum_sq_grad: Array) -> None:
        sum_sq_grad += np.multiply(grads, grads, out=buffer)
        _scaled_step(params, grads, sum_sq_grad, self.lr, self.eps, buffer)

    def effective_step(self) -> np.ndarray | None:
        if not self.state:
            return None
        return self.lr / (np.sqrt(self.state["sum_sq_grad"]) + self.eps)


@register
class RMSProp(Optimizer):
    """h ← ρ·h + (1 − ρ)·g²;  p ← p − lr·g / (√h + ε).

    The moving average forgets old gradients, so the steps do not die out.
    """

    name = "rmsprop"
    adaptive = True
    state_names = ("mean_sq_grad",)
    # Not in the book's figure. Its step is about lr in every coordinate (g / √(mean g²) ≈ 1
    # when the gradient is steady), so 0.1 walks the valley as AdaGrad and Adam do, without
    # the wild jumps of a larger lr (no bias correction: its first steps are 10 times lr).
    path_lr = 0.1

    def __init__(self, lr: float = 0.01, decay: float = 0.99, eps: float = 1e-7) -> None:
        super().__init__(lr)
        self.decay = float(decay)
        self.eps = float(eps)

    def update(self, params: Array, grads: Array, buffer: Array, *, mean_sq_grad: Array) -> None:
        np.multiply(grads, grads, out=buffer)
        buffer -= mean_sq_grad  # h += (1 − ρ)(g² − h)  is  h ← ρh + (1 − ρ)g²
        buffer *= 1.0 - self.decay
        mean_sq_grad += buffer
        _scaled_step(params, grads, mean_sq_grad, self.lr, self.eps, buffer)

    def effective_step(self) -> np.ndarray | None:
        if not self.state:
            return None
        return self.lr / (np.sqrt(self.state["mean_sq_grad"]) + self.eps)


@register
class Adam(Optimizer):
    """Momentum (a moving average m of g) plus RMSProp (a moving average v of g²).

    m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  p ← p − lr_t·m / (√v + ε),
    with lr_t = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ) correcting the bias of the zero start.

    The state holds the decaying sums  M = m / (1 − β₁)  and  V = v / (1 − β₂), updated as
    M ← β₁M + g  and  V ← β₂V + g²: two passes over the parameters fewer per step than
    the averages. The constant factors go into the step:
    m / (√v + ε) = c·M / (√V + ε/√(1 − β₂))  with  c = (1 − β₁) / √(1 − β₂).
    """

    name = "adam"
    adaptive = True
    state_names = ("grad_sum", "sq_grad_sum")
    path_lr = 0.3

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-7
    ) -> None:
        super().__init__(lr)
        self.beta1 = float(beta1)
        self.beta2 = float(beta2)
        self.eps = float(eps)
        self.iteration = 0

    def _corrected_lr(self) -> float:
        # A Python float, not np.float64: a NumPy float64 scalar would make every
        # float32 operation it enters run in float64, with two casts.
        t = self.iteration
        return self.lr * math.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)

    def begin_step(self) -> None:
        self.iteration += 1
        self.step_lr = self._corrected_lr()

    def counters(self) -> dict[str, int]:
        return {"iteration": self.iteration}

    def update(
        self, params: Array, grads: Array, buffer: Array, *, grad_sum: Array, sq_grad_sum: Array
    ) -> None:
        grad_sum *= self.beta1  # M ← β₁M + g
        grad_sum += grads
        np.multiply(grads, grads, out=buffer)  # V ← β₂V + g²
        sq_grad_sum *= self.beta2
        sq_grad_sum += buffer
        root = math.sqrt(1.0 - self.beta2)
        lr = self.step_lr * (1.0 - self.beta1) / root
        _scaled_step(params, grad_sum, sq_grad_sum, lr, self.eps / root, buffer)

    def effective_step(self) -> np.ndarray | None:
        if not self.state:
            return None
        mean_sq_grad = (1.0 - self.beta2) * self.state["sq_grad_sum"]  # v = (1 − β₂)·V
        return self._corrected_lr() / (np.sqrt(mean_sq_grad) + self.eps)


def _scaled_step(
    params: np.ndarray,
    direction: np.ndarray,
    squares: np.ndarray,
    lr: float,
    eps: float,
    buffer: np.ndarray,
) -> None:
    """p ← p − lr·direction / (√squares + ε), the step every adaptive optimizer shares."""
    np.sqrt(squares, out=buffer)
    buffer += eps
    np.divide(direction, buffer, out=buffer)
    buffer *= lr
    params -= buffer


def hyper_parameters(name: str) -> tuple[str, ...]:
    """The hyper-parameters an optimizer takes besides the learning rate (its signature's)."""
    parameters = inspect.signature(OPTIMIZERS[name]).parameters
    return tuple(key for key in parameters if key != "lr")


def default_lr(name: str) -> float:
    """The textbook's learning rate for the optimizer: 0.001 for Adam, 0.01 for the rest."""
    return float(inspect.signature(OPTIMIZERS[name]).parameters["lr"].default)


def adaptive_names() -> tuple[str, ...]:
    """The optimizers that give each parameter its own step size."""
    return tuple(name for name, cls in OPTIMIZERS.items() if cls.adaptive)


def make_optimizer(name: str, lr: float, **hyper: float) -> Optimizer:
    """Build an optimizer by name, passing only the hyper-parameters it understands."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        known = ", ".join(OPTIMIZERS)
        raise ValueError(f"unknown optimizer {name!r}; choose one of {known}") from None
    accepted = {key: hyper[key] for key in hyper_parameters(name) if key in hyper}
    return cls(lr, **accepted)
