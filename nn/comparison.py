"""A comparison: K runs on the same data, fed the same mini-batches, in lock-step.

Runs whose networks have the same shape (and batch size, dtype, seed and loss) form a
group and train as one stacked computation; each keeps its own activation, init,
optimizer and hyper-parameters. Runs of other shapes form their own groups. Every call
to `step` advances every unfinished run by one update.

Randomness: each run's seed is split into three independent streams — initial weights,
batch order, dropout masks — so the same seed gives a bit-identical run, alone or
stacked with others, however often snapshots are taken.
"""

from __future__ import annotations

import dataclasses
import math
import queue
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nn import measure
from nn.config import (
    ConfigError,
    RunConfig,
    check_live_change,
    check_memory,
    features_too_wide,
)
from nn.data import Dataset, load_dataset
from nn.errors import UnknownRun
from nn.features import columns_needed, transform
from nn.network import StackedNetwork
from nn.optimizers import Optimizer, make_optimizer
from nn.snapshot import (
    DIVERGED,
    DONE,
    HISTORY_FIELDS,
    READY,
    TRAINING,
    Change,
    History,
    HistoryBuffer,
    RunSnapshot,
    Snapshot,
)

EVAL_ROWS = 2000  # train/test metrics are measured on at most this many samples each


def load_data(config: RunConfig) -> Dataset:
    """The data set a config names (raises nn.data.DataError on bad files)."""
    data = config.data
    return load_dataset(
        data.name,
        samples=data.samples,
        noise=data.noise,
        train_ratio=data.train_ratio,
        seed=data.seed,
        classes=data.classes,
        path=data.path or None,
        label_column=data.label_column,
        train_limit=data.train_limit or None,
        test_limit=data.test_limit or None,
        full=data.full,
        task=data.task or "classification",
    )


class BatchSampler:
    """Mini-batches in a fresh random order each epoch; the last partial batch is skipped
    (its samples come early in another epoch's order). A full batch is the whole set.

    Small data sets are put in the epoch's order once per epoch, so each batch is a
    slice; large ones are gathered batch by batch (copying a whole epoch would cost more
    than the gathers)."""

    EPOCH_COPY_BYTES = 1 << 20

    def __init__(self, x: np.ndarray, y: np.ndarray, rows: int, rng: np.random.Generator):
        self.x, self.y, self.rows, self.rng = x, y, rows, rng
        self.full = rows >= len(y)
        self.copy_epoch = x.nbytes <= self.EPOCH_COPY_BYTES
        self.position = len(y)  # start with a shuffle
        self.x_epoch, self.y_epoch = x, y

    def restore(self, position: int, order: np.ndarray | None, rng_state: dict) -> None:
        """Where a saved sampler stood: the epoch's order, the place in it, its stream."""
        self.position = position
        self.rng.bit_generator.state = rng_state
        if order is not None:
            self.order = order.copy()
            if self.copy_epoch:
                self.x_epoch = np.take(self.x, self.order, axis=0)
                self.y_epoch = np.take(self.y, self.order, axis=0)

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        if self.full:
            return self.x, self.y
        if self.position + self.rows > len(self.y):
            self.order = self.rng.permutation(len(self.y))
            if self.copy_epoch:
                self.x_epoch = np.take(self.x, self.order, axis=0)
                self.y_epoch = np.take(self.y, self.order, axis=0)
            self.position = 0
        start = self.position
        self.position += self.rows
        if self.copy_epoch:
            return self.x_epoch[start : self.position], self.y_epoch[start : self.position]
        rows = self.order[start : self.position]
        # Fancy indexing into a fresh array: measured faster than np.take(..., out=buffer).
        return self.x[rows], self.y[rows]


@dataclass
class Run:
    """One run's settings and bookkeeping. Its arrays live in its group's network."""

    config: RunConfig
    budget: int
    optimizer: Optimizer
    init_rng: np.random.Generator
    batch_rng: np.random.Generator
    dropout_rng: np.random.Generator
    step: int = 0
    status: str = READY
    diverged_step: int | None = None
    last_loss: float = float("nan")
    seconds: float = 0.0  # time spent in this run's training steps
    history: HistoryBuffer = field(default_factory=HistoryBuffer)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def active(self) -> bool:
        return self.status in (READY, TRAINING)

    @classmethod
    def create(cls, config: RunConfig, n_train: int) -> Run:
        init_seq, batch_seq, dropout_seq = np.random.SeedSequence(config.seed).spawn(3)
        return cls(
            config=config,
            budget=config.budget_steps(n_train),
            optimizer=_optimizer_for(config),
            init_rng=np.random.default_rng(init_seq),
            batch_rng=np.random.default_rng(batch_seq),
            dropout_rng=np.random.default_rng(dropout_seq),
        )


def _optimizer_for(config: RunConfig) -> Optimizer:
    opt = config.optimizer
    return make_optimizer(opt.name, opt.lr, **opt.hyper)


class Group:
    """Runs trained as one stacked computation, fed the same mini-batches."""

    def __init__(self, runs: list[Run], x: np.ndarray, y: np.ndarray, n_outputs: int) -> None:
        first = runs[0].config
        self.runs = runs
        self.network = StackedNetwork(
            first.layer_sizes(x.shape[1], n_outputs),
            [run.config.activation for run in runs],
            first.output,
            first.loss,
            first.dtype,
            [run.dropout_rng for run in runs],
        )
        for index, run in enumerate(runs):
            self.network.initialize(index, run.config.init, run.init_rng)
            self.sync_settings(index)
        self.sampler = BatchSampler(x, y, first.batch_rows(len(y)), runs[0].batch_rng)
        self.previous_params = self.network.params.copy()
        self.steps_since_snapshot = 0
        self.seconds_since_snapshot = 0.0
        self.steps_per_second = 0.0

    def sync_settings(self, index: int) -> None:
        """Copy a run's live settings into the arrays the layers read."""
        config = self.runs[index].config
        network = self.network
        network.l1[index] = config.l1
        network.l2[index] = config.l2
        network.dropout_rates[index] = config.dropout
        network.batch_norm[index] = config.batch_norm
        network.refresh()

    @property
    def active(self) -> bool:
        return any(run.active for run in self.runs)

    def keep(self, indices: list[int]) -> None:
        """Drop every run but those at `indices`, keeping their parameters and statistics."""
        self.runs = [self.runs[i] for i in indices]
        self.network = self.network.take(indices, [run.dropout_rng for run in self.runs])
        self.previous_params = self.previous_params[indices].copy()

    def train_step(self, keep_previous: bool) -> bool:
        """One update of every active run in the group; False once none is left."""
        start = time.perf_counter()
        network = self.network
        x, y = self.sampler.next()
        losses = network.loss_and_gradients(x, y)
        if keep_previous:
            np.copyto(self.previous_params, network.params)
        any_left = False  # counted here rather than by `self.active`: one loop less per step
        elapsed = time.perf_counter() - start
        for index, run in enumerate(self.runs):
            if not run.active:
                continue
            run.step += 1
            run.seconds += elapsed
            run.last_loss = float(losses[index])
            if not math.isfinite(run.last_loss):
                run.status, run.diverged_step = DIVERGED, run.step
                continue
            run.optimizer.step(network.params[index], network.grads[index])
            run.status = DONE if run.step >= run.budget else TRAINING
            any_left = any_left or run.status == TRAINING
        self.steps_since_snapshot += 1
        self.seconds_since_snapshot += time.perf_counter() - start
        return any_left


class Comparison:
    """Several runs on one data set, trained side by side.

    >>> base = RunConfig(layers=(16, 16), activation="relu")
    >>> comparison = Comparison.from_variants(base, {"sigmoid": {"activation": "sigmoid"}})
    >>> comparison.step(100)
    >>> snapshot = comparison.snapshot()
    """

    def __init__(self, configs: Iterable[RunConfig], dataset: Dataset | None = None) -> None:
        configs = list(configs)
        self.dataset = dataset if dataset is not None else load_data(self._first(configs))
        self._validate(configs)
        self.initial_configs = configs
        self.schedule: dict[int, list[tuple[str | None, dict[str, Any]]]] = {}
        self._pending: queue.SimpleQueue[tuple[str | None, dict[str, Any]]] = queue.SimpleQueue()
        self._arrays: dict[str, tuple[np.ndarray, ...]] = {}
        self._build(configs)

    @classmethod
    def from_variants(
        cls,
        base: RunConfig,
        variants: dict[str, dict[str, Any]] | None = None,
        dataset: Dataset | None = None,
    ) -> Comparison:
        """The base run plus one run per variant, each the base with a few changes."""
        configs = [base]
        for name, overrides in (variants or {}).items():
            configs.append(base.with_changes(name=name, **overrides))
        return cls(configs, dataset)

    # -- building --------------------------------------------------------------------------

    @staticmethod
    def _first(configs: list[RunConfig]) -> RunConfig:
        if not configs:
            raise ConfigError("runs", "a comparison needs at least one run", "no_runs")
        return configs[0]

    def _validate(self, configs: list[RunConfig]) -> None:
        """Names unique, one data set for all, and small enough to fit in memory."""
        data = self._first(configs).data
        names = [config.name for config in configs]
        for config in configs:
            if names.count(config.name) > 1:
                raise ConfigError(
                    "name",
                    f"two runs are named {config.name!r}; names must differ",
                    "same_name",
                    name=config.name,
                )
            if config.data != data:
                raise ConfigError(
                    f"{config.name}.data",
                    "every run of a comparison trains on the same data; "
                    f"{config.name!r} differs from {configs[0].name!r}",
                    "other_data",
                    name=config.name,
                    first=configs[0].name,
                )
        if hasattr(self, "runs") and data != self.runs[0].config.data:
            raise ConfigError(
                "data",
                "a reset keeps the data set; start a new comparison instead",
                "reset_keeps_data",
            )
        for config in configs:
            if config.features and self.dataset.n_features > 2:
                raise features_too_wide(f"{config.name}.features", config.data.name)
            needed = columns_needed(config.features)
            if needed > self.dataset.n_features:
                raise ConfigError(
                    f"{config.name}.features",
                    f"{', '.join(config.features)} need(s) {needed} input columns; "
                    f"this data set has {self.dataset.n_features}",
                    "features_columns",
                    features=", ".join(config.features),
                    needed=needed,
                    columns=self.dataset.n_features,
                )
        check_memory(configs, self.dataset.n_features, self.dataset.n_outputs, self.n_train)

    @property
    def n_train(self) -> int:
        return len(self.dataset.y_train)

    def _data_arrays(self, config: RunConfig) -> tuple[np.ndarray, ...]:
        """Training, evaluation and probe arrays as a run sees them: in its dtype, and as
        its input features (made once per kind, then reused)."""
        key = (config.dtype, config.features)
        if key not in self._arrays:
            data = self.dataset
            probe_rows = 1000 if data.name == "probe" else 500

            def inputs(x: np.ndarray) -> np.ndarray:
                return transform(x, config.features).astype(config.dtype)

            self._arrays[key] = (
                inputs(data.x_train),
                data.y_train,
                inputs(data.x_train[:EVAL_ROWS]),
                data.y_train[:EVAL_ROWS],
                inputs(data.x_test[:EVAL_ROWS]),
                data.y_test[:EVAL_ROWS],
                inputs(data.x_train[:probe_rows]),
            )
        return self._arrays[key]

    def _build(self, configs: list[RunConfig]) -> None:
        self.step_count = 0
        self.changes: list[Change] = []
        self.runs = [Run.create(config, self.n_train) for config in configs]
        self.groups: list[Group] = []
        self._group_runs(self.runs)

    def _group_runs(self, runs: list[Run]) -> None:
        data = self.dataset
        by_key: dict[tuple, list[Run]] = {}
        for run in runs:
            key = run.config.shape_key(data.n_features, data.n_outputs, self.n_train)
            by_key.setdefault(key, []).append(run)
        for members in by_key.values():
            x, y, *_ = self._data_arrays(members[0].config)
            self.groups.append(Group(members, x, y, data.n_outputs))

    def _locate(self, name: str) -> tuple[Group, int]:
        for group in self.groups:
            for index, run in enumerate(group.runs):
                if run.name == name:
                    return group, index
        known = ", ".join(run.name for run in self.runs)
        raise UnknownRun(
            f"no run named {name!r}; runs are {known}", "no_run", name=name, known=known
        )

    def run(self, name: str) -> Run:
        group, index = self._locate(name)
        return group.runs[index]

    @property
    def names(self) -> list[str]:
        return [run.name for run in self.runs]

    @property
    def done(self) -> bool:
        return not any(run.active for run in self.runs)

    def reset(self, configs: Iterable[RunConfig] | None = None) -> None:
        """Start every run again from step 0 with the same seeds and its current settings
        (or with `configs`, for settings that cannot change live: layers, activation, init,
        batch size, ...). Scheduled changes stay scheduled."""
        self._drain_pending()
        configs = [run.config for run in self.runs] if configs is None else list(configs)
        self._validate(configs)
        self.initial_configs = configs
        self._build(configs)

    def add_run(self, config: RunConfig) -> None:
        """Add a run. Before the first step it joins the stack of its shape; later it starts
        at its own step 0 in a group of its own, fed the same batch sequence from the start."""
        self._validate([run.config for run in self.runs] + [config])
        if self.step_count == 0:
            self._build([run.config for run in self.runs] + [config])
            return
        run = Run.create(config, self.n_train)
        self.runs.append(run)
        x, y, *_ = self._data_arrays(config)
        self.groups.append(Group([run], x, y, self.dataset.n_outputs))

    def remove_run(self, name: str) -> None:
        if len(self.runs) == 1:
            raise ConfigError("runs", "a comparison needs at least one run", "no_runs")
        group, index = self._locate(name)
        self._drain_pending()  # a change queued for this run finds it still there
        self.runs = [run for run in self.runs if run.name != name]
        keep = [i for i in range(len(group.runs)) if i != index]
        self.groups.remove(group)
        if keep:
            group.keep(keep)
            self.groups.append(group)

    # -- training --------------------------------------------------------------------------

    def step(self, n: int = 1) -> None:
        """Advance every unfinished run by `n` updates (stopping early when all are done)."""
        active = [group for group in self.groups if group.active]
        with np.errstate(all="ignore"):
            for i in range(n):
                if self.step_count in self.schedule:
                    for run_name, changes in self.schedule[self.step_count]:
                        if run_name is None or run_name in self.names:  # not a removed run's
                            self._apply(run_name, changes)
                if not self._pending.empty():
                    self._drain_pending()
                if not active:
                    return
                last = i == n - 1
                active = [group for group in active if group.train_step(keep_previous=last)]
                self.step_count += 1

    def change(self, run: str | None = None, **changes: Any) -> None:
        """Change settings of one run (or all, run=None) between steps: lr, optimizer, l1,
        l2, dropout, batch_norm. Safe to call from another thread; applied before the next
        step (or snapshot) and recorded with that step."""
        targets = [self.run(run).config] if run else [r.config for r in self.runs]
        for config in targets:  # validate now, in the caller's thread
            check_live_change(config, changes)
        self._pending.put((run, changes))

    def apply_changes(self) -> None:
        """Apply the changes asked for so far now, recorded at this step, rather than before
        the next step: where they fall among a step's scheduled changes is then the order
        they were asked in, which a replay can repeat."""
        self._drain_pending()

    def at_step(self, step: int, run: str | None = None, **changes: Any) -> None:
        """Schedule a change for when the comparison reaches `step` (a preset's timeline)."""
        self.schedule.setdefault(step, []).append((run, changes))

    def _drain_pending(self) -> None:
        while not self._pending.empty():
            self._apply(*self._pending.get())

    def _apply(self, run_name: str | None, changes: dict[str, Any]) -> None:
        names = [run_name] if run_name else self.names
        for name in names:
            group, index = self._locate(name)
            run = group.runs[index]
            old_config = run.config
            run.config = old_config.with_changes(**changes)
            for key in changes:
                old, new = _setting(old_config, key), _setting(run.config, key)
                self.changes.append(Change(self.step_count, name, key, old, new))
            if "optimizer" in changes:
                run.optimizer = _optimizer_for(run.config)
            elif "lr" in changes:
                run.optimizer.lr = run.config.optimizer.lr
            group.sync_settings(index)

    # -- saving and restoring ----------------------------------------------------------------

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Everything needed to go on bit for bit from here: plain data (JSON-ready) and
        arrays. `Comparison.from_state` builds the comparison again (nn/checkpoint.py
        keeps both in one file). The schedule is the caller's to give again (a preset's)."""
        self._drain_pending()
        arrays: dict[str, np.ndarray] = {}
        groups = []
        for number, group in enumerate(self.groups):
            prefix = f"group{number}"
            arrays[f"{prefix}.params"] = group.network.params
            arrays[f"{prefix}.previous"] = group.previous_params
            for layer, norm in enumerate(group.network.norms):
                mean, var = norm.running_stats()
                arrays[f"{prefix}.norm{layer}.mean"], arrays[f"{prefix}.norm{layer}.var"] = (
                    mean,
                    var,
                )
            sampler = group.sampler
            if hasattr(sampler, "order"):
                arrays[f"{prefix}.order"] = sampler.order
            groups.append(
                {
                    "runs": [run.name for run in group.runs],
                    "position": sampler.position,
                    "rng": sampler.rng.bit_generator.state,
                }
            )
        runs = {}
        for run in self.runs:
            prefix = f"run.{run.name}"
            for key, value in run.optimizer.state.items():
                arrays[f"{prefix}.optimizer.{key}"] = value
            history = run.history.view()
            for column in HISTORY_FIELDS:
                arrays[f"{prefix}.history.{column}"] = getattr(history, column)
            runs[run.name] = {
                "config": run.config.to_dict(),
                "budget": run.budget,
                "step": run.step,
                "status": run.status,
                "diverged_step": run.diverged_step,
                "last_loss": run.last_loss,
                "seconds": run.seconds,
                "counters": run.optimizer.counters(),
                "rngs": {
                    name: getattr(run, f"{name}_rng").bit_generator.state
                    for name in ("init", "batch", "dropout")
                },
            }
        meta = {
            "step_count": self.step_count,
            "initial_configs": [config.to_dict() for config in self.initial_configs],
            "changes": [dataclasses.asdict(change) for change in self.changes],
            "order": self.names,
            "groups": groups,
            "runs": runs,
        }
        return meta, arrays

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, np.ndarray], dataset: Dataset | None = None
    ) -> Comparison:
        """The comparison `state` described, ready to go on as if never stopped."""
        configs = {name: RunConfig.from_dict(run["config"]) for name, run in meta["runs"].items()}
        initial = [RunConfig.from_dict(values) for values in meta["initial_configs"]]
        comparison = cls(initial, dataset)
        comparison.initial_configs = initial
        comparison.step_count = meta["step_count"]
        comparison.changes = [Change(**change) for change in meta["changes"]]
        runs = {}
        for name, saved in meta["runs"].items():
            run = Run.create(configs[name], comparison.n_train)
            run.budget, run.step, run.status = saved["budget"], saved["step"], saved["status"]
            run.diverged_step, run.last_loss = saved["diverged_step"], saved["last_loss"]
            run.seconds = saved["seconds"]
            prefix = f"run.{name}"
            run.optimizer.state = {
                key: arrays[f"{prefix}.optimizer.{key}"].copy()
                for key in run.optimizer.state_names
                if f"{prefix}.optimizer.{key}" in arrays
            }
            run.optimizer.set_counters(saved["counters"])
            columns = [arrays[f"{prefix}.history.{column}"] for column in HISTORY_FIELDS]
            run.history.extend(0, History(*columns))
            runs[name] = run
        comparison.runs = [runs[name] for name in meta["order"]]
        comparison.groups = []
        data = comparison.dataset
        for number, saved in enumerate(meta["groups"]):
            members = [runs[name] for name in saved["runs"]]
            x, y, *_ = comparison._data_arrays(members[0].config)
            group = Group(members, x, y, data.n_outputs)  # draws weights: replaced below
            prefix = f"group{number}"
            group.network.params[...] = arrays[f"{prefix}.params"]
            group.previous_params[...] = arrays[f"{prefix}.previous"]
            for layer, norm in enumerate(group.network.norms):
                norm.running_mean[...] = arrays[f"{prefix}.norm{layer}.mean"].reshape(
                    norm.running_mean.shape
                )
                norm.running_var[...] = arrays[f"{prefix}.norm{layer}.var"].reshape(
                    norm.running_var.shape
                )
            group.sampler.restore(saved["position"], arrays.get(f"{prefix}.order"), saved["rng"])
            comparison.groups.append(group)
        for name, saved in meta["runs"].items():  # last: building the groups drew from them
            for stream, rng_state in saved["rngs"].items():
                getattr(runs[name], f"{stream}_rng").bit_generator.state = rng_state
        return comparison

    # -- parameters --------------------------------------------------------------------------

    def parameters(self, name: str) -> dict[str, np.ndarray]:
        """Copies of a run's weights and biases (W1, b1, …; gamma/beta for batch norm)."""
        group, index = self._locate(name)
        return group.network.parameters(index)

    def set_parameters(self, name: str, values: dict[str, np.ndarray]) -> None:
        group, index = self._locate(name)
        group.network.set_parameters(index, values)

    # -- looking ---------------------------------------------------------------------------

    def decision_grid(
        self, name: str, resolution: tuple[int, int] = (60, 30), margin: float = 0.1
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For 2-D data: the run's predicted class and its confidence on a grid covering the
        data. Returns (xs, ys, probabilities of shape (len(ys), len(xs), classes))."""
        self._drain_pending()
        group, index = self._locate(name)
        features = group.runs[index].config.features
        return measure.decision_grid(
            group.network, index, self.dataset, features, resolution, margin
        )

    def unit_grids(
        self, name: str, resolution: tuple[int, int] = (24, 12)
    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """For 1-D and 2-D data: what every unit of the run computes over the input plane,
        layer by layer (the inputs as the run sees them, each hidden layer, the output):
        (xs, ys, one array (units, len(ys), len(xs)) per layer). See measure.unit_grids."""
        self._drain_pending()
        group, index = self._locate(name)
        features = group.runs[index].config.features
        return measure.unit_grids(group.network, index, self.dataset, features, resolution)

    def gradient_noise(
        self, name: str, batch_sizes: Iterable[int], batches: int = 20
    ) -> dict[int, float]:
        """Mean cosine between mini-batch gradients and the full-batch gradient, per batch
        size, at the run's current parameters (claim 1.2: small batches are noisy)."""
        self._drain_pending()
        group, index = self._locate(name)
        x, y, *_ = self._data_arrays(group.runs[index].config)
        return measure.gradient_noise(group.network, index, x, y, batch_sizes, batches)

    def snapshot(self, layers: bool = True, noise: bool = False) -> Snapshot:
        """Measure every run now: losses and accuracies, the effective step of adaptive
        optimizers, (unless layers=False) the per-layer statistics on the probe batch, and
        (with noise=True) each run's gradient noise at its own batch size. Does not change
        any run's state."""
        self._drain_pending()
        base = self.runs[0].config
        by_name: dict[str, RunSnapshot] = {}
        with np.errstate(all="ignore"):
            for group in self.groups:
                measured = self._measure(group, base, layers, noise)
                for run, snap in zip(group.runs, measured, strict=True):
                    by_name[run.name] = snap
        return Snapshot(tuple(by_name[r.name] for r in self.runs), tuple(self.changes))

    def _measure(
        self, group: Group, base: RunConfig, layers: bool, noise: bool
    ) -> list[RunSnapshot]:
        network = group.network
        x, y, x_eval, y_eval, x_test, y_test, x_probe = self._data_arrays(group.runs[0].config)
        cosines = (
            measure.batch_gradient_noise(network, x, y, group.sampler.rows)
            if noise
            else np.full(len(group.runs), np.nan)
        )
        train_loss, train_score = network.evaluate(x_eval, y_eval)
        test_loss, test_score = network.evaluate(x_test, y_test)
        nothing = np.full(len(group.runs), np.nan)  # the other task's score
        scores, others = (train_score, test_score), (nothing, nothing)
        if self.dataset.regression:
            scores, others = others, scores
        (train_accuracy, test_accuracy), (train_r2, test_r2) = scores, others
        penalty = network.penalty()
        if group.seconds_since_snapshot > 0:
            group.steps_per_second = group.steps_since_snapshot / group.seconds_since_snapshot
        group.steps_since_snapshot, group.seconds_since_snapshot = 0, 0.0
        if layers:
            network.forward(x_probe, "probe")
        snapshots = []
        for index, run in enumerate(group.runs):
            weights_finite = np.isfinite(network.params[index]).all()
            if run.active and not weights_finite:
                run.status, run.diverged_step = DIVERGED, run.step
            stats = (
                measure.layer_stats(
                    network, index, run.config.activation, run.optimizer, group.previous_params
                )
                if layers
                else ()
            )
            effective = measure.effective_steps(network, run.optimizer)
            row = {
                "step": run.step,
                "epoch": run.step / run.config.steps_per_epoch(self.n_train),
                "samples_seen": run.step * group.sampler.rows,
                "seconds": run.seconds,
                "train_loss": float(train_loss[index]),
                "train_accuracy": float(train_accuracy[index]),
                "test_loss": float(test_loss[index]),
                "test_accuracy": float(test_accuracy[index]),
                "train_r2": float(train_r2[index]),
                "test_r2": float(test_r2[index]),
                "effective_step": float(np.mean(effective)) if effective else float("nan"),
                "gradient_noise": float(cosines[index]),
            }
            run.history.record(row)  # the same step measured again replaces its point
            differences = run.config.differences(base) if run.config is not base else {}
            snapshots.append(
                RunSnapshot(
                    name=run.name,
                    step=run.step,
                    epoch=row["epoch"],
                    samples_seen=row["samples_seen"],
                    budget=run.budget,
                    status=run.status,
                    diverged_step=run.diverged_step,
                    train_loss=row["train_loss"],
                    train_accuracy=row["train_accuracy"],
                    test_loss=row["test_loss"],
                    test_accuracy=row["test_accuracy"],
                    train_r2=row["train_r2"],
                    test_r2=row["test_r2"],
                    penalty=float(penalty[index]),
                    steps_per_second=group.steps_per_second,
                    optimizer=run.config.optimizer.name,
                    lr=run.config.optimizer.lr,
                    changed=_changed(differences),
                    layers=stats,
                    history=run.history.view(),
                )
            )
        return snapshots


def _setting(config: RunConfig, key: str) -> Any:
    """The value of a live setting as a change records it."""
    if key == "lr":
        return config.optimizer.lr
    if key == "optimizer":
        return config.optimizer.name
    return getattr(config, key)


def _changed(differences: dict[str, tuple[Any, Any]]) -> tuple[tuple[str, Any], ...]:
    """(setting, value) of each difference from the first run, the optimizer's settings
    named without their table ("lr", and "optimizer" for its name)."""
    return tuple(
        (key.removeprefix("optimizer.").replace("name", "optimizer"), differences[key][0])
        for key in sorted(differences)
    )
