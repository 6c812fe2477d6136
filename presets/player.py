"""Playing a preset without a screen: the recorder of what its claims read, and the
headless player that `trainlab check` and `trainlab run` use.

The app's training process uses the same `PresetRecorder`, so the claims the app shows are
the ones `trainlab check` prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nn.comparison import Comparison
from nn.config import RunConfig
from nn.snapshot import MEASURING_SHARE, Snapshot
from presets.claims import ClaimResult
from presets.preset import Preset


@dataclass
class PresetResult:
    """A preset trained to the end: the snapshots taken, and its claims evaluated."""

    preset: Preset
    snapshots: dict[int, Snapshot]  # by comparison step
    final: Snapshot
    configs: dict[str, RunConfig]
    n_train: int
    noise: dict[tuple[int | None, str, int], float] = field(default_factory=dict)
    claims: list[ClaimResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.claims)

    def snapshot_at(self, step: int) -> Snapshot:
        """The last snapshot taken at or before `step` (the final one past the end)."""
        taken = [s for s in self.snapshots if s <= step]
        return self.snapshots[max(taken)] if taken else self.final

    def gradient_noise(self, step: int | None, run: str, batch_size: int) -> float:
        return self.noise[(step, run, batch_size)]


Progress = Callable[[str, int, int], None]  # preset name, step, last step


class PresetRecorder:
    """The snapshots a preset's claims read, taken as its comparison trains.

    Shared by `run_preset` (headless) and the app's training process, so that the claims
    the app shows are the ones `trainlab check` prints: whoever steps the comparison asks
    `next_stop` how far it may go, calls `take` when it gets there, and `result` at the end.
    A stop falls at every `snapshot_every` steps (headless only: the app snapshots at its own
    rate), at every step a claim names, and at each run's last step, so that per-step
    statistics (update ratio) never span a chunk.
    """

    def __init__(self, preset: Preset, comparison: Comparison) -> None:
        self.preset = preset
        self.comparison = comparison
        self.configs = {run.name: run.config for run in comparison.runs}
        self.n_train = comparison.n_train
        measures = [m for claim in preset.claims for m in claim.measures if m.run is not None]
        measures = [m for m in measures if m.run in self.configs]  # a removed run: no stop
        steps = [(m, m.step_for(self.configs[m.run], self.n_train)) for m in measures]
        budgets = {config.budget_steps(self.n_train) for config in self.configs.values()}
        self.last = max(budgets)
        named = {step for _, step in steps if step is not None}
        self.stops = sorted(named | budgets)
        self.layer_steps = {step for m, step in steps if step is not None and m.needs_layers}
        self.noise_wanted = [m for m in measures if m.kind == "noise"]
        self.snapshots: dict[int, Snapshot] = {}
        self.noise: dict[tuple[int | None, str, int], float] = {}
        self._start = time.perf_counter()

    def next_stop(self, step: int, regular: bool = True) -> int:
        """The step to train up to from `step`: the next stop (with `regular`, also the next
        multiple of `snapshot_every`); past every stop, the last run's budget or beyond."""
        later = [stop for stop in self.stops if stop > step]
        if regular:
            every = self.preset.snapshot_every
            later.append((step // every + 1) * every)
        return min(later) if later else step + 1

    def is_stop(self, step: int) -> bool:
        return step in self.stops

    def take(self, final: bool = False) -> Snapshot:
        """Snapshot the comparison where it stands (with per-layer statistics where a claim
        reads them, and at the end), and measure the gradient noise a claim asks for here."""
        comparison = self.comparison
        step = comparison.step_count
        snapshot = comparison.snapshot(layers=final or step in self.layer_steps)
        self.snapshots[step] = snapshot
        for m in self.noise_wanted:
            wanted = m.step_for(self.configs[m.run], self.n_train)
            if wanted == step or (final and wanted is None):
                size = int(m.batch_size or 1)
                value = comparison.gradient_noise(m.run, [size])[size]
                self.noise[(wanted, m.run, size)] = value
        return snapshot

    def result(self, evaluate: bool = True) -> PresetResult:
        """Take the final snapshot and evaluate every claim against what was recorded
        (`evaluate=False`: leave that to the caller, e.g. to report each failure apart)."""
        final = self.take(final=True)
        result = PresetResult(
            self.preset, self.snapshots, final, self.configs, self.n_train, self.noise
        )
        if evaluate:
            result.claims = [claim.evaluate(result) for claim in self.preset.claims]
        result.seconds = time.perf_counter() - self._start
        return result


def run_preset(preset: Preset, progress: Progress | None = None) -> PresetResult:
    """Train a preset headless to the end of its budget, snapshotting every
    `snapshot_every` steps and at every step a claim names, then evaluate its claims."""
    comparison = preset.comparison()
    recorder = PresetRecorder(preset, comparison)
    recorder.take()
    while not comparison.done:
        now = comparison.step_count
        comparison.step(recorder.next_stop(now) - now)
        if comparison.step_count == now:
            break
        recorder.take()
        if progress is not None:
            progress(preset.name, comparison.step_count, recorder.last)
    return recorder.result()


COSTLY_SNAPSHOT_SECONDS = 0.05  # below this, `play` keeps a history point per chunk
StepProgress = Callable[[int, int], None]  # step reached, last step


def with_budget(preset: Preset, steps: int | None, epochs: float | None) -> list[RunConfig]:
    """The scenario's run configs with another budget, if one is given."""
    configs = preset.run_configs()
    if steps is not None:
        configs = [c.with_changes(steps=steps, epochs=0.0) for c in configs]
    elif epochs is not None:
        configs = [c.with_changes(epochs=float(epochs)) for c in configs]
    return configs


def play(
    preset: Preset,
    steps: int | None = None,
    epochs: float | None = None,
    progress: StepProgress | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[Snapshot, float]:
    """Train a scenario to the end of its budget (or of `steps`/`epochs`), timeline and
    all, keeping a history point after every chunk. Returns the final snapshot and the
    seconds spent training (not measuring): what `trainlab run` reports. `clock`: a test's
    own, so that what is costly does not depend on the machine."""
    comparison = preset.comparison(with_budget(preset, steps, epochs))
    total = max(run.budget for run in comparison.runs)
    chunk = max(1, total // 100)
    training_seconds = measuring_seconds = 0.0
    spaced = None  # decided at the first snapshot: are snapshots costly enough to space?
    while not comparison.done:
        start = clock()
        comparison.step(chunk)
        training_seconds += clock() - start
        # A history point after every chunk, unless snapshots are costly (32 image nets
        # evaluated on 4000 samples each take about a second); then as often as keeps
        # measuring within its share of the time.
        if not spaced or measuring_seconds <= MEASURING_SHARE * (
            training_seconds + measuring_seconds
        ):
            start = clock()
            comparison.snapshot(layers=False)
            cost = clock() - start
            measuring_seconds += cost
            spaced = cost > COSTLY_SNAPSHOT_SECONDS if spaced is None else spaced
        if progress is not None:
            progress(comparison.step_count, total)
    return comparison.snapshot(), training_seconds
