"""Presets: the lecture as scenarios a student replays and the program checks.

A preset is a TOML file (presets/*.toml, or any path): a base run, variants that each
change one thing, a timeline (at step N: change a setting, show a caption) and claims
(nn/claims.py). Presets are data: the same config types load them, and every mistake in
one is reported with the file and the key (or line) where it is, and what was expected.
The format is documented in presets/README.md.
"""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from nn.claims import (
    ACTIVATION_SPECIFIC,
    HIDDEN_LAYER_METRICS,
    Claim,
    ClaimError,
    ClaimResult,
    Measure,
    parse_claim,
)
from nn.comparison import Comparison, load_data
from nn.config import LIVE_FIELDS, ConfigError, RunConfig
from nn.data import Dataset
from nn.optimizers import OPTIMIZERS
from nn.snapshot import Snapshot

PRESET_KEYS = (
    "title",
    "title_ko",
    "section",
    "section_ko",
    "summary",
    "summary_ko",
    "snapshot_every",
    "base",
    "variants",
    "timeline",
    "claims",
)
TEXT_KEYS = ("title", "title_ko", "section", "section_ko", "summary", "summary_ko")
EVENT_KEYS = ("step", "run", "change", "caption", "caption_ko")


class PresetError(ValueError):
    """A preset file is unusable; the message names the file, the line or key, and why."""


@dataclass(frozen=True)
class Caption:
    step: int
    en: str
    ko: str

    def text(self, lang: str = "en") -> str:
        return self.ko if lang == "ko" and self.ko else self.en


@dataclass(frozen=True)
class TimelineEvent:
    """At `step`: apply `changes` to run `run` (None: every run) and/or show a caption."""

    step: int
    run: str | None
    changes: dict[str, Any]
    caption: Caption | None


@dataclass(frozen=True)
class Preset:
    name: str  # the file stem, e.g. "vanishing-gradient"
    title: str
    title_ko: str
    section: str  # the LECTURE.md section, e.g. "2. Vanishing gradients"
    section_ko: str  # and in Korean, e.g. "2. 기울기 소실"
    summary: str
    summary_ko: str
    base: RunConfig
    variants: dict[str, dict[str, Any]]  # run name -> overrides of the base
    timeline: tuple[TimelineEvent, ...]
    claims: tuple[Claim, ...]
    snapshot_every: int  # steps between snapshots when checking headless
    path: str = ""  # where it was loaded from

    def run_configs(self) -> list[RunConfig]:
        """The base run first, then one run per variant."""
        return [self.base] + [
            _variant_config(self.base, name, overrides) for name, overrides in self.variants.items()
        ]

    def comparison(self, configs: list[RunConfig] | None = None) -> Comparison:
        """The runs side by side (or `configs` in their place: the same runs with another
        budget, say), with the timeline's changes scheduled at their steps."""
        comparison = Comparison(self.run_configs() if configs is None else configs)
        for event in self.timeline:
            if event.changes:
                comparison.at_step(event.step, event.run, **event.changes)
        return comparison

    def captions_until(self, step: int) -> list[Caption]:
        """Captions due by `step`, in order (the one at step 0 is the intro)."""
        return [e.caption for e in self.timeline if e.caption is not None and e.step <= step]

    def title_in(self, lang: str = "en") -> str:
        return self.title_ko if lang == "ko" and self.title_ko else self.title

    def summary_in(self, lang: str = "en") -> str:
        return self.summary_ko if lang == "ko" and self.summary_ko else self.summary

    def section_in(self, lang: str = "en") -> str:
        return self.section_ko if lang == "ko" and self.section_ko else self.section

    def user_dataset(self) -> Dataset | None:
        """The user's own data (a file or folder given by `path`, or the full image set),
        read now, so that a bad file is reported before anything starts (DataError);
        None for shipped data, which cannot be bad."""
        data = self.base.data
        return load_data(self.base) if data.path or data.full else None


# -- finding and loading -----------------------------------------------------------------


def _shipped() -> dict[str, Any]:
    folder = resources.files("presets")
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def shipped_presets() -> list[Preset]:
    """The shipped presets in lecture order: default first, then by their first claim id."""
    presets, problems = load_shipped()
    if problems:
        raise problems[0]
    return presets


def load_shipped() -> tuple[list[Preset], list[PresetError]]:
    """Every shipped preset that loads, in lecture order, and the errors of those that
    don't: one broken file (say, edited in a checkout) must not hide the others."""
    presets, problems = [], []
    for name in _shipped():
        try:
            presets.append(load_preset(name))
        except PresetError as error:
            problems.append(error)
    return sorted(presets, key=_lecture_order), problems


def preset_names() -> list[str]:
    """The shipped presets' names in lecture order (see `shipped_presets`)."""
    return [preset.name for preset in shipped_presets()]


def _lecture_order(preset: Preset) -> tuple:
    ids = [_id_key(claim.id) for claim in preset.claims] or [(0,)]
    return (preset.name != "default", min(ids), preset.name)


def _id_key(claim_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", claim_id)) or (0,)


def located(error: Exception, where: str) -> str:
    """The error's message, led by the file it concerns unless it already names it."""
    message = str(error)
    return message if not where or message.startswith(where) else f"{where}: {message}"


def load_preset(name_or_path: str | Path) -> Preset:
    """A shipped preset by name ("dropout"), or any .toml file by its path."""
    text_name = str(name_or_path)
    shipped = _shipped()
    if text_name in shipped:
        where = f"presets/{shipped[text_name].name}"
        return parse_preset(_read_text(shipped[text_name], where), text_name, where)
    path = Path(name_or_path)
    if path.suffix != ".toml" and not path.exists():
        raise PresetError(
            f"{text_name}: no such preset; shipped ones are {', '.join(sorted(shipped))} "
            "(or give the path of a .toml file)"
        )
    text = _read_text(path, str(path))
    return parse_preset(text, path.stem, str(path), folder=path.parent)


def _read_text(file: Path | Any, where: str) -> str:
    """A preset file's text (a path, or a shipped resource), or PresetError saying why not."""
    try:
        return file.read_text(encoding="utf-8")
    except OSError as error:
        raise PresetError(f"{where}: cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise PresetError(f"{where}: not UTF-8 text; a preset is a TOML file") from None


def preset_from_config(config: RunConfig, name: str, where: str = "") -> Preset:
    """A single run's config as a scenario: one run, no timeline, no claims."""
    return Preset(
        name=name,
        title=name,
        title_ko=name,
        section="",
        section_ko="",
        summary=f"one run from {where or name}",
        summary_ko=f"{where or name}의 실행 하나",
        base=config,
        variants={},
        timeline=(),
        claims=(),
        snapshot_every=50,
        path=where,
    )


def load_scenario(target: str | Path) -> Preset:
    """What `trainlab TARGET` opens: a shipped preset by name, a preset file (it has a
    [base] table), or a run's config file (a RunConfig in TOML)."""
    text_name = str(target)
    path = Path(target)
    if text_name in _shipped() or path.suffix != ".toml":
        return load_preset(target)
    text = _read_text(path, str(path))
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PresetError(f"{path}: not valid TOML: {_toml_message(error)}") from None
    if "base" in raw:
        return parse_preset(text, path.stem, str(path), folder=path.parent)
    try:
        config = RunConfig.from_dict(_data_beside(raw, path.parent))
    except ConfigError as error:
        raise PresetError(f"{path}: {error}") from None
    return preset_from_config(config, path.stem, str(path))


def parse_preset(text: str, name: str, where: str, folder: Path | None = None) -> Preset:
    """Parse and validate a preset's TOML text; `where` names the file in messages, and a
    relative data path is taken from `folder` (the file's own, when it came from one)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PresetError(f"{where}: not valid TOML: {_toml_message(error)}") from None
    if folder is not None and isinstance(raw.get("base"), dict):
        raw["base"] = _data_beside(raw["base"], folder)
    if folder is not None and isinstance(raw.get("variants"), dict):
        raw["variants"] = {
            name: _data_beside(run, folder) if isinstance(run, dict) else run
            for name, run in raw["variants"].items()
        }
    try:
        return _build_preset(raw, name, where)
    except (ConfigError, ClaimError) as error:
        raise PresetError(f"{where}: {error}") from None


def _data_beside(run: dict[str, Any], folder: Path) -> dict[str, Any]:
    """A run's settings with a relative `data.path` taken from `folder`: a config file and
    its CSV travel together, wherever the command is run from."""
    data = run.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("path"), str) or not data["path"]:
        return run
    path = Path(data["path"]).expanduser()
    return {**run, "data": {**data, "path": str(path if path.is_absolute() else folder / path)}}


def _toml_message(error: tomllib.TOMLDecodeError) -> str:
    """tomllib says '… (at line 3, column 7)'; lead with the line so it is seen first."""
    message = str(error)
    found = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if not found:
        return message
    reason = message[: found.start()].strip()
    return f"line {found.group(1)}, column {found.group(2)}: {reason}"


def _build_preset(raw: dict[str, Any], name: str, where: str) -> Preset:
    for key in raw:
        if key not in PRESET_KEYS:
            raise ConfigError(key, f"unknown key; known ones are {', '.join(PRESET_KEYS)}")
    if "title" not in raw:
        raise ConfigError("title", "missing; every preset needs a title")
    texts = {key: raw.get(key, "") for key in TEXT_KEYS}
    for key, value in texts.items():
        if not isinstance(value, str):
            raise ConfigError(key, f"must be text, got {value!r}")
    snapshot_every = raw.get("snapshot_every", 50)
    if (
        not isinstance(snapshot_every, int)
        or isinstance(snapshot_every, bool)
        or snapshot_every < 1
    ):
        raise ConfigError(
            "snapshot_every", f"must be a whole number of at least 1, got {snapshot_every!r}"
        )
    base_raw = raw.get("base", {})
    if not isinstance(base_raw, dict):
        raise ConfigError("base", f"must be a table of run settings, got {base_raw!r}")
    base = _run_config(base_raw, "base")
    variants_raw = raw.get("variants", {})
    if not isinstance(variants_raw, dict):
        raise ConfigError(
            "variants", "must be a table: [variants.NAME] with the settings it changes"
        )
    variants: dict[str, dict[str, Any]] = {}
    for run_name, overrides in variants_raw.items():
        if not isinstance(overrides, dict):
            raise ConfigError(
                f"variants.{run_name}", f"must be a table of settings, got {overrides!r}"
            )
        if run_name == base.name:
            raise ConfigError(
                f"variants.{run_name}",
                f"the base run is already named {run_name!r}; give the variant another name",
            )
        if _variant_config(base, run_name, overrides).data != base.data:  # also validates
            raise ConfigError(
                f"variants.{run_name}.data",
                "every run of a preset trains on the base's data, so that all see the same "
                "mini-batches; change the data in [base]",
            )
        variants[run_name] = overrides
    configs = {base.name: base} | {
        run_name: _variant_config(base, run_name, o) for run_name, o in variants.items()
    }
    timeline = tuple(
        _parse_event(event, f"timeline[{i}]", configs)
        for i, event in enumerate(_array_of_tables(raw.get("timeline", []), "timeline"))
    )
    claims = tuple(
        _parse_claim(claim, f"claims[{i}]", name, configs, timeline)
        for i, claim in enumerate(_array_of_tables(raw.get("claims", []), "claims"))
    )
    return Preset(
        name=name,
        base=base,
        variants=variants,
        timeline=tuple(sorted(timeline, key=lambda event: event.step)),
        claims=claims,
        snapshot_every=snapshot_every,
        path=where,
        **texts,
    )


def _variant_config(base: RunConfig, name: str, overrides: dict[str, Any]) -> RunConfig:
    """The base with a variant's overrides, validated like any run (RunConfig.from_dict)."""
    overrides = dict(overrides)
    if isinstance(overrides.get("optimizer"), str):  # a new optimizer keeps the base's lr
        overrides["optimizer"] = {"name": overrides["optimizer"]}
    values = base.to_dict()
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
    values["name"] = name
    return _run_config(values, f"variants.{name}")


def _run_config(values: dict[str, Any], table: str) -> RunConfig:
    """RunConfig.from_dict, with the key of a bad setting given as a dotted path."""
    try:
        return RunConfig.from_dict(values)
    except ConfigError as error:
        raise ConfigError(f"{table}.{error.field}", error.reason) from None


def _array_of_tables(value: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(key, f"must be an array of tables ([[{key}]] sections)")
    return value


def _check_run(run: Any, where: str, configs: dict[str, RunConfig]) -> None:
    if run not in configs:
        raise ConfigError(where, f"no run named {run!r}; the runs are {', '.join(configs)}")


def _parse_event(raw: dict[str, Any], where: str, configs: dict[str, RunConfig]) -> TimelineEvent:
    for key in raw:
        if key not in EVENT_KEYS:
            raise ConfigError(
                f"{where}.{key}", f"unknown key; known ones are {', '.join(EVENT_KEYS)}"
            )
    step = raw.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise ConfigError(f"{where}.step", f"must be a whole number of at least 0, got {step!r}")
    run = raw.get("run")
    if run is not None:
        _check_run(run, f"{where}.run", configs)
    changes = raw.get("change", {})
    if not isinstance(changes, dict):
        raise ConfigError(
            f"{where}.change", f"must be a table like {{ dropout = 0.5 }}, got {changes!r}"
        )
    for key, value in changes.items():
        if key not in LIVE_FIELDS:
            raise ConfigError(
                f"{where}.change.{key}",
                f"cannot change while training; live settings are {', '.join(LIVE_FIELDS)}",
            )
        for config in [configs[run]] if run else configs.values():
            try:
                config.with_changes(**{key: value})
            except ConfigError as error:
                raise ConfigError(f"{where}.change.{key}", error.reason) from None
            except TypeError:
                raise ConfigError(
                    f"{where}.change.{key}", f"not a usable value: {value!r}"
                ) from None
    caption = None
    if "caption" in raw or "caption_ko" in raw:
        en, ko = raw.get("caption", ""), raw.get("caption_ko", "")
        for key, value in (("caption", en), ("caption_ko", ko)):
            if not isinstance(value, str):
                raise ConfigError(f"{where}.{key}", f"must be text, got {value!r}")
        caption = Caption(step, en, ko)
    if not changes and caption is None:
        raise ConfigError(where, "an event needs a change, a caption, or both")
    return TimelineEvent(step, run, dict(changes), caption)


def _parse_claim(
    raw: dict[str, Any],
    where: str,
    preset: str,
    configs: dict[str, RunConfig],
    timeline: tuple[TimelineEvent, ...] = (),
) -> Claim:
    claim = parse_claim(raw, where, preset)
    for left, right in claim.checks:
        for side, measure in (("left", left), ("right", right)):
            if isinstance(measure, Measure) and measure.run is not None:
                _check_measure(measure, f"{where}.{side}", configs, timeline)
    return claim


def _check_measure(
    measure: Measure, where: str, configs: dict[str, RunConfig], timeline: tuple[TimelineEvent, ...]
) -> None:
    """Refuse a measure the run cannot give: it would read as NaN, and NaN fails every
    comparison, so the claim would fail for a reason no student could see."""
    _check_run(measure.run, f"{where}.run", configs)
    config = configs[measure.run]
    n_dense = len(config.layers) + 1
    if isinstance(measure.layer, int):
        if measure.layer > n_dense:
            raise ConfigError(
                f"{where}.layer",
                f"run {measure.run!r} has {n_dense} layers (counting the output); "
                f"got {measure.layer}",
            )
        if measure.metric in HIDDEN_LAYER_METRICS and measure.layer == n_dense:
            raise ConfigError(
                f"{where}.layer",
                f"{measure.metric} is measured on hidden layers ({_hidden(n_dense - 1)}); "
                f"layer {n_dense} is the output",
            )
    if measure.metric in ACTIVATION_SPECIFIC and config.activation not in (
        wanted := ACTIVATION_SPECIFIC[measure.metric]
    ):
        raise ConfigError(
            f"{where}.metric",
            f"{measure.metric} is measured for {' and '.join(wanted)} units; "
            f"run {measure.run!r} uses {config.activation}",
        )
    if measure.metric == "effective_step" and not _ever_adaptive(measure.run, config, timeline):
        raise ConfigError(
            f"{where}.metric",
            f"effective_step needs a per-parameter step size (adagrad, rmsprop or adam); "
            f"run {measure.run!r} uses {config.optimizer.name}",
        )
    last_step = None if config.epochs else config.steps
    if measure.at_step is not None and last_step is not None and measure.at_step > last_step:
        raise ConfigError(
            f"{where}.at_step",
            f"run {measure.run!r} trains for {last_step} steps; got step {measure.at_step}",
        )
    if measure.at_epoch is not None and config.epochs and measure.at_epoch > config.epochs:
        raise ConfigError(
            f"{where}.at_epoch",
            f"run {measure.run!r} trains for {config.epochs:g} epochs; "
            f"got epoch {measure.at_epoch:g}",
        )


def _hidden(count: int) -> str:
    return "layer 1" if count == 1 else f"layers 1 to {count}"


def _ever_adaptive(run: str, config: RunConfig, timeline: tuple[TimelineEvent, ...]) -> bool:
    """Whether the run uses an adaptive optimizer, from the start or after a timeline change."""
    names = [config.optimizer.name]
    for event in timeline:
        change = event.changes.get("optimizer")
        if event.run in (None, run) and change is not None:
            names.append(change.get("name") if isinstance(change, dict) else change)
    return any(OPTIMIZERS[name].adaptive for name in names if name in OPTIMIZERS)


# -- playing headless --------------------------------------------------------------------


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
