"""The lecture's statements as data: claims checked over finished runs.

A claim compares two measurements, or a measurement and a number:

    left  op  right × factor  (± margin, always in the direction that makes it stricter)

A measurement names a metric and, where it needs them, a run, a layer, a time (a step or
an epoch), a batch size (gradient noise) or an optimizer path on a 2-D surface. The right
side inherits every key it does not set from the left, so "the first layer's gradient is
100 times smaller than the last's" reads `left = {run = "sigmoid", metric = "grad_norm",
layer = "first"}`, `op = "<"`, `right = {layer = "last"}`, `factor = 0.01`.
Left may name several runs (`run = ["momentum", "adam"]`): the claim must hold for each;
a list of runs on the right pairs with them one to one.

Values are read from snapshots (and their histories) taken while the runs trained, never
from a run's arrays: see `Results`. The vocabulary is documented in presets/README.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from nn import measure, surfaces
from nn.config import MAX_EPOCHS, MAX_STEPS, RunConfig
from nn.errors import Explained
from nn.optimizers import OPTIMIZERS, hyper_parameters
from nn.snapshot import DIVERGED, LayerStats, RunSnapshot, Snapshot
from presets.texts import Texts, english, is_text_key, parse_texts


@dataclass(frozen=True)
class Metric:
    """One word of the claims vocabulary: where its value is read, and what it means.

    `history`: read from a run's history (any step that was snapshotted), a field of
    nn.snapshot.History of the same name (accuracy_gap is train − test accuracy).
    `per_layer`: read from a snapshot's per-layer statistics, a field of LayerStats.
    `kind` for the others: "run" (at the end), "noise" (needs a batch size) or "path" (an
    optimizer on a 2-D surface, no network). `doc` is its line in presets/README.md.
    """

    name: str
    of: str  # what it is measured on, as the README's table says
    doc: str
    history: bool = False
    per_layer: bool = False
    kind: str = ""
    hidden_only: bool = False  # measured on hidden layers' outputs: none for the output layer
    activations: tuple[str, ...] = ()  # only for runs with these activations (all when empty)


METRIC_LIST = (
    Metric("train_loss", "run", "loss on (up to 2000) training samples", history=True),
    Metric("test_loss", "run", "loss on (up to 2000) test samples", history=True),
    Metric("train_accuracy", "run", "accuracy on the training samples, 0–1", history=True),
    Metric("test_accuracy", "run", "accuracy on the test samples, 0–1", history=True),
    Metric("accuracy_gap", "run", "train accuracy − test accuracy (overfitting)", history=True),
    Metric(
        "train_r2",
        "run",
        "regression: R² = 1 − squared error / variance of the targets, on the training samples",
        history=True,
    ),
    Metric("test_r2", "run", "regression: R² on the test samples", history=True),
    Metric(
        "train_rmse",
        "run",
        "regression: root of the mean squared error on the training samples",
        history=True,
    ),
    Metric(
        "test_rmse",
        "run",
        "regression: root of the mean squared error on the test samples",
        history=True,
    ),
    Metric(
        "effective_step",
        "run, or a layer",
        "lr / (√h + ε) of an adaptive optimizer: per layer the median over its weights (a "
        "few dead units, h = 0, must not swamp it), for the run the mean of the layers' "
        "medians",
        history=True,
        per_layer=True,
    ),
    Metric("grad_norm", "layer", "‖∂L/∂W‖ of the last update (0 before the first)", per_layer=True),
    Metric(
        "activation_mean",
        "layer",
        "mean of the hidden layer's outputs on the probe batch",
        per_layer=True,
        hidden_only=True,
    ),
    Metric(
        "activation_std",
        "layer",
        "standard deviation of the hidden layer's outputs on the probe batch",
        per_layer=True,
        hidden_only=True,
    ),
    Metric(
        "saturated",
        "layer",
        "sigmoid/tanh runs: fraction of outputs within 0.01 of a bound",
        per_layer=True,
        hidden_only=True,
        activations=measure.SATURATING,
    ),
    Metric(
        "dead",
        "layer",
        "ReLU/leaky ReLU runs: fraction of units never positive on the whole probe batch",
        per_layer=True,
        hidden_only=True,
        activations=measure.CAN_DIE,
    ),
    Metric("near_zero", "layer", "fraction of weights with \\|w\\| < 0.001", per_layer=True),
    Metric("max_weight", "layer", "the largest \\|w\\| of the layer", per_layer=True),
    Metric("update_ratio", "layer", "‖ΔW‖ / ‖W‖ of the last update", per_layer=True),
    Metric(
        "diverged",
        "run",
        "1 if the run's loss or weights became NaN/inf, else 0 (at the end)",
        kind="run",
    ),
    Metric(
        "gradient_noise",
        "run + `batch_size`",
        "mean cosine between 20 mini-batch gradients and the full gradient, at the run's "
        "parameters then",
        kind="noise",
    ),
    Metric(
        "sign_changes",
        "path",
        "how often the step along `axis` (0 = x, 1 = y) reverses: the zig-zag count",
        kind="path",
    ),
    Metric(
        "distance_to_minimum",
        "path",
        "distance from the path's last point to the surface's minimum",
        kind="path",
    ),
    Metric("path_length", "path", "total distance travelled", kind="path"),
    Metric("path_diverged", "path", "1 if the path left the finite numbers", kind="path"),
)
METRICS = {metric.name: metric for metric in METRIC_LIST}


def metrics_table() -> str:
    """The metrics table of presets/README.md, as the registry says it (a test compares)."""
    rows = ["| metric | of | meaning |", "|---|---|---|"]
    rows += [f"| `{m.name}` | {m.of} | {m.doc} |" for m in METRIC_LIST]
    return "\n".join(rows)


LAYER_WORDS = ("first", "last", "mean")
MAX_PATH_STEPS = 10_000  # an optimizer's path on a surface: the textbook draws 30
OPS = ("<", "<=", ">", ">=", "==")  # "==": |left − right × factor| ≤ margin

MEASURE_KEYS = ("metric", "run", "layer", "at_step", "at_epoch", "batch_size", "path")
PATH_KEYS = (
    "surface",
    "optimizer",
    "lr",
    "steps",
    "start",
    "axis",
    *sorted({key for name in OPTIMIZERS for key in hyper_parameters(name)}),
)
CLAIM_KEYS = ("id", "text", "left", "op", "right", "factor", "margin")  # and text_ko, …


class ClaimError(Explained, ValueError):
    """A claim in a preset is malformed; `key` names where (e.g. claims[2].left.metric);
    its code and params (nn/errors.py) say why for the app's catalogue."""

    def __init__(self, key: str, message: str, code: str = "", **params: Any) -> None:
        super().__init__(f"{key}: {message}", code, key, **params)
        self.key = key
        self.reason = message


class Results(Protocol):
    """What a claim reads: snapshots taken while the runs trained, and where they stand."""

    final: Snapshot
    configs: dict[str, RunConfig]
    n_train: int

    def snapshot_at(self, step: int) -> Snapshot: ...

    def gradient_noise(self, step: int | None, run: str, batch_size: int) -> float: ...


@dataclass(frozen=True)
class Path:
    """An optimizer's path on a 2-D surface (nn.surfaces): no network involved."""

    surface: str
    optimizer: str
    lr: float
    steps: int = 30
    start: tuple[float, float] | None = None
    axis: int = 1  # for sign_changes: 0 counts reversals along x, 1 along y
    hyper: dict[str, float] = field(default_factory=dict)

    def points(self) -> np.ndarray:
        return surfaces.optimizer_path(
            surfaces.get_surface(self.surface),
            self.optimizer,
            self.lr,
            start=self.start,
            steps=self.steps,
            **self.hyper,
        )

    def label(self) -> str:
        return f"{self.optimizer} lr {self.lr:g} on {self.surface}"


@dataclass(frozen=True)
class Measure:
    """One measured number: a metric of a run (at a layer, at a time) or of a path."""

    metric: str
    run: str | None = None
    layer: int | str | None = None
    at_step: int | None = None
    at_epoch: float | None = None
    batch_size: int | None = None
    path: Path | None = None

    @property
    def kind(self) -> str:
        """Where the value is read: "history", "layer", "run", "noise" or "path"."""
        metric = METRICS[self.metric]
        if metric.kind:
            return metric.kind
        if metric.per_layer and (self.layer is not None or not metric.history):
            return "layer"
        return "history"

    @property
    def needs_layers(self) -> bool:
        """Whether it reads per-layer statistics, so the run must take a full snapshot at
        its step (a history value is in every snapshot)."""
        return self.kind in ("layer", "noise")

    def step_for(self, config: RunConfig, n_train: int) -> int | None:
        """The run step this measure reads (None: the end)."""
        if self.at_step is not None:
            return self.at_step
        if self.at_epoch is not None:  # the first step at which the run's epoch count is there
            return math.ceil(self.at_epoch * config.steps_per_epoch(n_train) - 1e-9)
        return None

    def label(self) -> str:
        if self.path is not None:
            return f"{self.metric} ({self.path.label()})"
        parts = [f"{self.run} {self.metric}"]
        if self.batch_size is not None:
            parts.append(f"batch {self.batch_size}")
        if self.layer is not None:
            parts.append(f"layer {self.layer}")
        if self.at_step is not None:
            parts.append(f"at step {self.at_step}")
        elif self.at_epoch is not None:
            parts.append(f"at epoch {self.at_epoch:g}")
        return " ".join(parts)

    def value(self, results: Results | None) -> float:
        """Measure it. Path metrics need no results; everything else reads them."""
        if self.path is not None:
            return _path_value(self.metric, self.path)
        assert results is not None and self.run is not None
        config = results.configs[self.run]
        step = self.step_for(config, results.n_train)
        if step is not None and step > config.budget_steps(results.n_train):
            # A step the run is not set to reach (say, its budget was shortened): there is
            # nothing to read there, and the last value would be a wrong answer. NaN fails.
            return float("nan")
        if self.kind == "noise":
            return results.gradient_noise(step, self.run, int(self.batch_size or 1))
        if self.kind == "run":
            return 1.0 if results.final.run(self.run).status == DIVERGED else 0.0
        if self.kind == "history":
            return _history_value(self.metric, results.final.run(self.run), step)
        snapshot = results.final if step is None else results.snapshot_at(step)
        return _layer_value(self.metric, snapshot.run(self.run).layers, self.layer)


@dataclass(frozen=True)
class ClaimResult:
    """A claim's verdict and what it measured: `measured` by English label (as `trainlab
    check` prints it and the JSON holds it), `measures` as the measures themselves with
    their values, for the app to label them in the user's language."""

    id: str
    text: Texts
    preset: str
    passed: bool
    measured: dict[str, float]
    measures: tuple[tuple[Measure, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Its entry in `trainlab check --json`: English only, as the report's preset
        entries are, so its shape stays what tools already read."""
        measured = {key: _json_number(value) for key, value in self.measured.items()}
        return {
            "id": self.id,
            "preset": self.preset,
            "text": english(self.text),
            "passed": self.passed,
            "measured": measured,
        }


@dataclass(frozen=True)
class Claim:
    """A lecture statement (`id`, `text`) as one or more comparisons that must all hold."""

    id: str
    text: Texts
    checks: tuple[tuple[Measure, Measure | float], ...]
    op: str = "<"
    factor: float = 1.0
    margin: float = 0.0
    preset: str = ""

    @property
    def measures(self) -> tuple[Measure, ...]:
        found = []
        for left, right in self.checks:
            found.append(left)
            if isinstance(right, Measure):
                found.append(right)
        return tuple(found)

    def holds(self, left: float, right: float) -> bool:
        bound = right * self.factor
        if self.op == "==":
            return abs(left - bound) <= self.margin
        if self.op in ("<", "<="):
            bound -= self.margin
            return left < bound if self.op == "<" else left <= bound
        bound += self.margin
        return left > bound if self.op == ">" else left >= bound

    def evaluate(self, results: Results | Any | None = None) -> ClaimResult:
        """Check the claim against finished runs: a `Results` (e.g. a PresetResult) or a
        live Comparison, measured as it stands now. Path-only claims need neither."""
        if results is not None and not hasattr(results, "snapshot_at"):
            results = ComparisonResults(results)
        measures: dict[str, tuple[Measure, float]] = {}  # by label: one line per measure
        passed = True
        for left, right in self.checks:
            left_value = left.value(results)
            measures[left.label()] = (left, left_value)
            if isinstance(right, Measure):
                right_value = right.value(results)
                measures[right.label()] = (right, right_value)
            else:
                right_value = float(right)
            passed = passed and self.holds(left_value, right_value)
        measured = {label: value for label, (_, value) in measures.items()}
        return ClaimResult(
            self.id, self.text, self.preset, passed, measured, tuple(measures.values())
        )

    def describe(self) -> str:
        """The comparison in symbols, e.g. 'left < 0.01 × right − 0.05'."""
        right = "right" if isinstance(self.checks[0][1], Measure) else f"{self.checks[0][1]:g}"
        scaled = right if self.factor == 1 else f"{self.factor:g} × {right}"
        if self.op == "==":
            return f"|left − {scaled}| ≤ {self.margin:g}"
        sign = "−" if self.op in ("<", "<=") else "+"
        margin = f" {sign} {self.margin:g}" if self.margin else ""
        return f"left {self.op} {scaled}{margin}"


class ComparisonResults:
    """A live Comparison seen as Results: its state now, and its history so far."""

    def __init__(self, comparison: Any) -> None:
        self.comparison = comparison
        self.final = comparison.snapshot()
        self.configs = {run.name: run.config for run in comparison.runs}
        self.n_train = comparison.n_train

    def snapshot_at(self, step: int) -> Snapshot:
        if step >= self.comparison.step_count:
            return self.final
        raise KeyError(
            f"no snapshot at step {step}: a live comparison only has its current state "
            f"(step {self.comparison.step_count}); run the preset with run_preset instead"
        )

    def gradient_noise(self, step: int | None, run: str, batch_size: int) -> float:
        self.snapshot_at(step if step is not None else self.comparison.step_count)
        return self.comparison.gradient_noise(run, [batch_size])[batch_size]


class SnapshotResults:
    """One snapshot seen as Results: what a caption's condition reads while the runs train
    (a history value at any step so far, per-layer statistics as they are now)."""

    def __init__(self, snapshot: Snapshot, configs: dict[str, RunConfig], n_train: int) -> None:
        self.final, self.configs, self.n_train = snapshot, configs, n_train

    def snapshot_at(self, step: int) -> Snapshot:
        if all(step >= run.step for run in self.final.runs):
            return self.final
        raise KeyError(f"no per-layer statistics of step {step} in a snapshot of now")

    def gradient_noise(self, step: int | None, run: str, batch_size: int) -> float:
        return float("nan")  # measured for claims at a run's end, not while it trains


def condition_holds(
    condition: Claim, snapshot: Snapshot, configs: dict[str, RunConfig], n_train: int
) -> bool:
    """Whether a caption's condition holds on the runs as a snapshot shows them; False
    when it cannot be read (a run the student removed, a layer statistic not measured)."""
    try:
        return condition.evaluate(SnapshotResults(snapshot, configs, n_train)).passed
    except (KeyError, IndexError):
        return False


# -- reading values ----------------------------------------------------------------------


def _history_value(metric: str, run: RunSnapshot, step: int | None) -> float:
    history = run.history
    index = len(history.step) - 1 if step is None else history.at_step(step)
    if metric == "accuracy_gap":
        return float(history.train_accuracy[index] - history.test_accuracy[index])
    if metric in ("train_rmse", "test_rmse"):  # the loss is ½·(y − t)² on average
        loss = getattr(history, metric.replace("rmse", "loss"))[index]
        return float(np.sqrt(2 * loss))
    return float(getattr(history, metric)[index])


def _layer_value(metric: str, layers: tuple[LayerStats, ...], layer: int | str | None) -> float:
    values = [getattr(stats, metric) for stats in layers]
    present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not present:
        return float("nan")
    if layer in (None, "mean"):
        return float(np.mean(present))
    if layer == "first":
        return float(present[0])
    if layer == "last":
        return float(present[-1])
    value = values[int(layer) - 1] if int(layer) <= len(values) else None
    return float("nan") if value is None else float(value)


def _path_value(metric: str, path: Path) -> float:
    points = path.points()
    if metric == "path_diverged":
        return 1.0 if len(points) < path.steps + 1 else 0.0
    if metric == "sign_changes":
        return float(surfaces.sign_changes(points, path.axis))
    if metric == "path_length":
        return surfaces.path_length(points)
    return surfaces.distance_to_minimum(points, surfaces.get_surface(path.surface))


def _json_number(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


# -- parsing -----------------------------------------------------------------------------


def parse_claim(raw: Any, where: str, preset: str = "") -> Claim:
    """Build a claim from a TOML table, checking every key; ClaimError names the key."""
    table = _table(raw, where)
    settings = {key: value for key, value in table.items() if not is_text_key(key, ("text",))}
    _known_keys(settings, CLAIM_KEYS, where)
    for key in ("id", "text", "left", "right"):
        if key not in table:
            raise ClaimError(
                f"{where}.{key}", "missing; a claim needs id, text, left and right", "claim_missing"
            )
    claim_id = table["id"]
    text = parse_texts(table, "text", where, ClaimError)  # text_ko is optional, as caption_ko
    for key, value in (("id", claim_id), ("text", text["en"])):
        if not isinstance(value, str) or not value.strip():
            raise ClaimError(
                f"{where}.{key}", f"must be text, got {value!r}", "not_text", value=value
            )
    op = table.get("op", "<")
    if op not in OPS:
        raise ClaimError(
            f"{where}.op",
            f"must be one of {', '.join(OPS)}; got {op!r}",
            "not_choice",
            choices=", ".join(OPS),
            value=op,
        )
    factor = _number(table.get("factor", 1.0), f"{where}.factor")
    margin = _number(table.get("margin", 0.0), f"{where}.margin")
    left_raw = _table(table["left"], f"{where}.left")
    runs = left_raw.get("run")
    run_list = runs if isinstance(runs, list) else [runs]
    right_raw = table["right"]
    right_runs = right_raw.get("run") if isinstance(right_raw, dict) else None
    if isinstance(right_runs, list) and len(right_runs) != len(run_list):
        raise ClaimError(
            f"{where}.right.run",
            f"a list of runs on the right pairs with the left's, so it needs "
            f"{len(run_list)} of them; got {len(right_runs)}",
            "right_runs",
            needed=len(run_list),
            count=len(right_runs),
        )
    checks = []
    for position, run in enumerate(run_list):
        left_table = {**left_raw, "run": run} if runs is not None else left_raw
        left = parse_measure(left_table, f"{where}.left")
        right: Measure | float
        if isinstance(right_raw, dict):
            right_table = dict(right_raw)
            if isinstance(right_runs, list):
                right_table["run"] = right_runs[position]
            right = parse_measure(_inherit(left_table, right_table), f"{where}.right")
        else:
            right = _number(right_raw, f"{where}.right")
        checks.append((left, right))
    return Claim(claim_id, text, tuple(checks), op, factor, margin, preset)


def _inherit(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """The right side: the left's keys, overridden by its own. A new time replaces the old
    one whichever way it is given (at_step or at_epoch)."""
    inherited = dict(left)
    if "at_step" in right or "at_epoch" in right:
        inherited.pop("at_step", None)
        inherited.pop("at_epoch", None)
    if "path" in right and "path" in left:
        inherited["path"] = {**left["path"], **right["path"]}
        right = {key: value for key, value in right.items() if key != "path"}
    return {**inherited, **right}


def parse_measure(raw: Any, where: str) -> Measure:
    table = _table(raw, where)
    _known_keys(table, MEASURE_KEYS, where)
    metric = table.get("metric")
    if metric not in METRICS:
        raise ClaimError(
            f"{where}.metric",
            f"must be one of {', '.join(METRICS)}; got {metric!r}",
            "not_choice",
            choices=", ".join(METRICS),
            value=metric,
        )
    kind = METRICS[metric].kind
    if kind == "path":
        if "path" not in table:
            raise ClaimError(
                f"{where}.path",
                f"{metric} measures an optimizer path; give one",
                "needs_path_table",
                metric=metric,
            )
        return Measure(metric, path=_parse_path(table["path"], f"{where}.path"))
    run = table.get("run")
    if not isinstance(run, str) or not run:
        raise ClaimError(
            f"{where}.run",
            f"{metric} is measured on a run; name it, got {run!r}",
            "needs_run",
            metric=metric,
            value=run,
        )
    layer = table.get("layer")
    if layer is not None:
        valid = layer in LAYER_WORDS or (
            isinstance(layer, int) and not isinstance(layer, bool) and layer >= 1
        )
        if not valid:
            raise ClaimError(
                f"{where}.layer",
                f"must be a layer number (1 = first) or one of {', '.join(LAYER_WORDS)}; "
                f"got {layer!r}",
                "bad_layer",
                words=", ".join(LAYER_WORDS),
                value=layer,
            )
        if not METRICS[metric].per_layer:
            raise ClaimError(
                f"{where}.layer",
                f"{metric} is not measured per layer",
                "not_per_layer",
                metric=metric,
            )
    at_step, at_epoch = table.get("at_step"), table.get("at_epoch")
    if at_step is not None and at_epoch is not None:
        raise ClaimError(f"{where}.at_step", "give at_step or at_epoch, not both", "step_and_epoch")
    if at_step is not None:
        _whole(at_step, f"{where}.at_step", low=0)
        if at_step > MAX_STEPS:
            raise ClaimError(
                f"{where}.at_step",
                f"at most {MAX_STEPS:,}, got {at_step:,}",
                "too_many_steps",
                bound=MAX_STEPS,
                value=at_step,
            )
    if at_epoch is not None:
        at_epoch = _number(at_epoch, f"{where}.at_epoch")
        if not 0 <= at_epoch <= MAX_EPOCHS:
            raise ClaimError(
                f"{where}.at_epoch",
                f"must be between 0 and {MAX_EPOCHS:,}, got {at_epoch:g}",
                "epoch_range",
                bound=MAX_EPOCHS,
                value=at_epoch,
            )
    if kind == "run" and (at_step is not None or at_epoch is not None):
        raise ClaimError(
            f"{where}.at_step", f"{metric} is read at the end of the run", "at_end", metric=metric
        )
    batch_size = table.get("batch_size")
    if kind == "noise":
        if batch_size is None:
            raise ClaimError(
                f"{where}.batch_size", "gradient_noise needs a batch_size", "needs_batch_size"
            )
        _whole(batch_size, f"{where}.batch_size", low=1)
    return Measure(metric, run, layer, at_step, at_epoch, batch_size)


def _parse_path(raw: Any, where: str) -> Path:
    table = _table(raw, where)
    _known_keys(table, PATH_KEYS, where)
    surface = table.get("surface", "elongated")
    if surface not in surfaces.SURFACES:
        known = ", ".join(surfaces.SURFACES)
        raise ClaimError(
            f"{where}.surface",
            f"must be one of {known}; got {surface!r}",
            "not_choice",
            choices=known,
            value=surface,
        )
    optimizer = table.get("optimizer")
    if optimizer not in OPTIMIZERS:
        known = ", ".join(OPTIMIZERS)
        raise ClaimError(
            f"{where}.optimizer",
            f"must be one of {known}; got {optimizer!r}",
            "not_choice",
            choices=known,
            value=optimizer,
        )
    if "lr" not in table:
        raise ClaimError(f"{where}.lr", "missing; a path needs a learning rate", "path_lr")
    lr = _number(table["lr"], f"{where}.lr")
    steps = table.get("steps", 30)
    _whole(steps, f"{where}.steps", low=1)
    if steps > MAX_PATH_STEPS:
        raise ClaimError(
            f"{where}.steps",
            f"at most {MAX_PATH_STEPS:,} updates, got {steps:,}",
            "path_steps",
            bound=MAX_PATH_STEPS,
            value=steps,
        )
    start = table.get("start")
    if start is not None:
        if not (isinstance(start, list) and len(start) == 2):
            raise ClaimError(
                f"{where}.start", f"must be [x, y], got {start!r}", "not_xy", value=start
            )
        start = (_number(start[0], f"{where}.start"), _number(start[1], f"{where}.start"))
    axis = table.get("axis", 1)
    if axis not in (0, 1):
        raise ClaimError(
            f"{where}.axis", f"must be 0 (x) or 1 (y), got {axis!r}", "bad_axis", value=axis
        )
    hyper = {
        key: _number(value, f"{where}.{key}")
        for key, value in table.items()
        if key not in ("surface", "optimizer", "lr", "steps", "start", "axis")
    }
    return Path(surface, optimizer, lr, steps, start, axis, hyper)


def _table(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ClaimError(where, f"must be a table, got {raw!r}", "not_table", value=raw)
    return raw


def _known_keys(table: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in known:
            raise ClaimError(
                f"{where}.{key}",
                f"unknown key; known ones are {', '.join(known)}",
                "unknown_key",
                known=", ".join(known),
            )


def _number(value: Any, where: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ClaimError(where, f"must be a number, got {value!r}", "not_number", value=value)
    return float(value)


def _whole(value: Any, where: str, *, low: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise ClaimError(
            where,
            f"must be a whole number of at least {low}, got {value!r}",
            "whole_at_least",
            bound=low,
            value=value,
        )
