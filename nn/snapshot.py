"""What a comparison reports: plain, immutable data for the app, the CLI and the checks.

Nothing here refers back to a run's live arrays: a snapshot can be handed to another
thread and drawn at leisure while training goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Run statuses, in words the runs table shows.
READY, TRAINING, PAUSED, DONE, DIVERGED = "ready", "training", "paused", "done", "diverged"


@dataclass(frozen=True)
class Change:
    """A live change: at `step`, run `run` had `setting` changed from `old` to `new`."""

    step: int
    run: str
    setting: str
    old: Any
    new: Any

    def describe(self) -> str:
        return f"step {self.step}: {self.run} {self.setting} {self.old} → {self.new}"


@dataclass(frozen=True)
class LayerStats:
    """One hidden layer (or, for gradients and weights, one dense layer) of one run."""

    index: int  # 1-based
    activation_hist: np.ndarray | None  # counts on the probe batch (hidden layers only)
    activation_edges: np.ndarray | None
    activation_mean: float
    activation_std: float
    saturated: float | None  # sigmoid/tanh: fraction of outputs within 1 % of the bounds
    dead: float | None  # ReLU: fraction of units silent for the whole probe batch
    grad_norm: float  # ‖∂L/∂W‖ of the last step
    weight_hist: np.ndarray
    weight_edges: np.ndarray
    near_zero: float  # fraction of |w| < 1e-3
    update_ratio: float  # ‖ΔW‖ / ‖W‖ of the last step
    effective_step: float | None  # median lr/(√h + ε), adaptive optimizers only


@dataclass(frozen=True)
class History:
    """A run's metrics at every snapshot so far, as parallel arrays."""

    step: np.ndarray
    epoch: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    effective_step: np.ndarray  # mean over layers; NaN for non-adaptive optimizers

    def at_step(self, step: int) -> int:
        """Index of the last snapshot taken at or before `step`."""
        index = int(np.searchsorted(self.step, step, side="right")) - 1
        return max(index, 0)


@dataclass(frozen=True)
class RunSnapshot:
    name: str
    step: int
    epoch: float
    samples_seen: int  # epoch = step / (full batches per shuffled pass)
    budget: int  # steps this run trains for
    status: str
    diverged_step: int | None
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float
    penalty: float
    steps_per_second: float
    optimizer: str
    lr: float
    differences: str  # what differs from the first run, e.g. "activation=sigmoid"
    layers: tuple[LayerStats, ...]
    history: History

    @property
    def status_text(self) -> str:
        if self.status == DIVERGED:
            return f"diverged at step {self.diverged_step}"
        return self.status


@dataclass(frozen=True)
class Snapshot:
    """Every run of a comparison at one moment, plus the live changes made so far."""

    runs: tuple[RunSnapshot, ...]
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def run(self, name: str) -> RunSnapshot:
        for run in self.runs:
            if run.name == name:
                return run
        raise KeyError(f"no run named {name!r}; runs are {', '.join(r.name for r in self.runs)}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(run.name for run in self.runs)
