"""What a comparison reports: plain, immutable data for the app, the CLI and the checks.

Nothing here refers back to a run's live arrays: a snapshot can be handed to another
thread and drawn at leisure while training goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

# Run statuses (the app shows them in the user's language; "paused" is the app's own word).
READY, TRAINING, DONE, DIVERGED = "ready", "training", "done", "diverged"


# Snapshots evaluate every run on up to 4000 samples: for 32 image nets that costs more
# than a second. Whoever takes them while training (the app's trainer, `trainlab run`)
# spaces them so that measuring takes at most about this share of the time.
MEASURING_SHARE = 0.15


@dataclass(frozen=True)
class Change:
    """A live change: at `step`, run `run` had `setting` changed from `old` to `new`."""

    step: int
    run: str
    setting: str
    old: Any
    new: Any


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
    max_weight: float  # the largest |w| (NaN once a weight is not finite)
    update_ratio: float  # ‖ΔW‖ / ‖W‖ of the last step
    effective_step: float | None  # median lr/(√h + ε), adaptive optimizers only


@dataclass(frozen=True)
class History:
    """A run's metrics at every snapshot so far, as parallel arrays. A chart may draw them
    over steps, epochs, samples seen or seconds of training: each is a column."""

    step: np.ndarray
    epoch: np.ndarray
    samples_seen: np.ndarray  # step × the samples one update sees
    seconds: np.ndarray  # time spent training this run so far (not measuring, not waiting)
    train_loss: np.ndarray
    train_accuracy: np.ndarray  # classification only (NaN for regression)
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    train_r2: np.ndarray  # regression only: 1 − squared error / variance of the targets
    test_r2: np.ndarray
    effective_step: np.ndarray  # mean over layers; NaN for non-adaptive optimizers
    gradient_noise: np.ndarray  # cosine of mini-batch and full gradient; NaN if not measured

    def at_step(self, step: int) -> int:
        """Index of the last snapshot taken at or before `step`."""
        index = int(np.searchsorted(self.step, step, side="right")) - 1
        return max(index, 0)

    def since(self, start: int) -> History:
        """The points from index `start` on: what a receiver holding the first `start`
        points lacks (see HistoryBuffer.extend)."""
        return History(*(getattr(self, name)[start:] for name in HISTORY_FIELDS))


HISTORY_FIELDS = tuple(f.name for f in fields(History))


class HistoryBuffer:
    """A run's history as it grows, one array per metric with room to spare, so that
    each snapshot's History is a set of views: no copy of the whole past every time.

    Views handed out stay as they were: appending writes past their end, and rewriting a
    point they show (a step measured again) first moves the data to fresh arrays."""

    def __init__(self) -> None:
        self.length = 0
        self._shown = 0  # points seen through views: never to be written in place again
        self._columns = {name: np.empty(64, _dtype(name)) for name in HISTORY_FIELDS}

    @property
    def last_step(self) -> int | None:
        return int(self._columns["step"][self.length - 1]) if self.length else None

    def record(self, row: dict[str, float]) -> None:
        """Add one point; a point at the step of the last one replaces it."""
        start = self.length - 1 if row["step"] == self.last_step else self.length
        self.extend(start, History(*(np.array([row[name]]) for name in HISTORY_FIELDS)))

    def extend(self, start: int, points: History) -> None:
        """Keep the first `start` points, then append `points`."""
        if not 0 <= start <= self.length:
            raise ValueError(f"cannot extend {self.length} points from index {start}")
        values = {name: getattr(points, name) for name in HISTORY_FIELDS}
        held = min(self.length - start, len(values["step"]))
        if held and all(
            np.array_equal(self._columns[name][start : start + held], value[:held], equal_nan=True)
            for name, value in values.items()
        ):  # points held already (a sender re-sends its last): no need to rewrite them
            values = {name: value[held:] for name, value in values.items()}
            start += held
        end = start + len(values["step"])
        capacity = len(self._columns["step"])
        if end > start and (start < self._shown or end > capacity):  # views keep the old arrays
            capacity = max(capacity, 2 * end)
            for name, column in self._columns.items():
                self._columns[name] = np.empty(capacity, column.dtype)
                self._columns[name][:start] = column[:start]
            self._shown = 0
        for name, column in self._columns.items():
            column[start:end] = values[name]
        self.length = end

    def view(self) -> History:
        """Every point so far, as read-only views."""
        self._shown = self.length
        arrays = []
        for name in HISTORY_FIELDS:
            array = self._columns[name][: self.length]
            array.flags.writeable = False
            arrays.append(array)
        return History(*arrays)


def _dtype(name: str) -> type:
    return np.int64 if name in ("step", "samples_seen") else np.float64


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
    test_accuracy: float  # NaN for a regression
    train_r2: float  # NaN for a classification
    test_r2: float
    penalty: float
    steps_per_second: float
    optimizer: str
    lr: float
    changed: tuple[tuple[str, Any], ...]  # what differs from the first run: (setting, value)
    layers: tuple[LayerStats, ...]
    history: History

    @property
    def differences(self) -> str:
        """What differs from the first run, e.g. "activation=sigmoid, lr=0.1" ("base": nothing)."""
        parts = [
            f"{key}={value:g}" if isinstance(value, float) else f"{key}={value}"
            for key, value in self.changed
        ]
        return ", ".join(parts) or "base"

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

    def advanced_to(self, step: int) -> Snapshot:
        """This snapshot with the runs still training moved on to `step` (their epoch in
        proportion) and nothing else: what is known between two costly measurements."""
        runs = tuple(
            replace(run, step=step, epoch=run.epoch * step / run.step if run.step else 0.0)
            if run.status in (READY, TRAINING) and step > run.step
            else run
            for run in self.runs
        )
        return replace(self, runs=runs)
