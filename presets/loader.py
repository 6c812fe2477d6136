"""Finding, reading and validating presets.

A preset is a TOML file (presets/*.toml, or any path). Presets are data: the same config
types load them, and every mistake in one is reported with the file and the key (or line)
where it is, and what was expected. The format is documented in presets/README.md.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from nn.config import LIVE_FIELDS, MAX_STEPS, ConfigError, RunConfig, loads_toml
from nn.errors import Explained, read_failure, toml_failure
from nn.optimizers import OPTIMIZERS, adaptive_names
from nn.surfaces import SURFACES
from presets.claims import METRICS, Claim, ClaimError, Measure, parse_claim
from presets.preset import (
    X_AXES,
    Caption,
    Preset,
    TimelineEvent,
    View,
    run_config,
    variant_config,
)
from presets.texts import english, is_text_key, parse_texts

TEXT_KEYS = ("title", "section", "summary")  # each also as title_ko, ... (any language code)
PRESET_KEYS = (
    *TEXT_KEYS,
    "snapshot_every",
    "reached",
    "pace",
    "view",
    "locked",
    "hide",
    "base",
    "variants",
    "timeline",
    "claims",
)
EVENT_KEYS = ("step", "run", "change", "caption", "when", "view")
VIEW_KEYS = ("tab", "run", "log", "x", "surface")
CONDITION_KEYS = ("left", "op", "right", "factor", "margin")
MAX_FILE_BYTES = 1 << 20  # a preset or config file is a few kB: a larger one is a mistake
# What a classroom preset may lock: a run's settings, as a config file names them.
LOCKABLE = (*(f.name for f in fields(RunConfig) if f.name not in ("name", "data")), "lr")


class PresetError(Explained, ValueError):
    """A preset file is unusable; the message names the file (`where`), the line or key, and
    why; its code and params (nn/errors.py) say the same for the app's catalogue."""

    def __init__(self, where: str, reason: str, code: str = "", **params: Any) -> None:
        super().__init__(f"{where}: {reason}", code, where, **params)
        self.where = where
        self.reason = reason


# -- finding and loading -----------------------------------------------------------------


def _shipped() -> dict[str, Any]:
    folder = resources.files("presets")
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def is_shipped(name: str) -> bool:
    """Whether a shipped preset is called `name` (its file is there; whether it loads is
    not asked, nor any file read)."""
    return name in _shipped()


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
    """default first; then by the lecture's section ("4. Overfitting"), then by the first
    claim's id (an exercise without claims comes last in its section)."""
    section = _id_key(english(preset.section))[:1]
    ids = [_id_key(claim.id) for claim in preset.claims] or [(math.inf,)]
    return (preset.name != "default", section, min(ids), preset.name)


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
            text_name,
            f"no such preset; shipped ones are {', '.join(sorted(shipped))} "
            "(or give the path of a .toml file)",
            "no_preset",
            shipped=", ".join(sorted(shipped)),
        )
    text = _read_text(path, str(path))
    return parse_preset(text, path.stem, str(path), folder=path.parent)


def _read_text(file: Path | Any, where: str) -> str:
    """A preset file's text (a path, or a shipped resource), or PresetError saying why not.
    A file larger than MAX_FILE_BYTES is refused before it is read: parsing 50 MB of TOML
    takes half a minute, and no scenario needs a thousandth of that."""
    try:
        if isinstance(file, Path) and file.is_file() and file.stat().st_size > MAX_FILE_BYTES:
            size = file.stat().st_size
            raise PresetError(
                where,
                f"the file is {size / 2**20:.1f} MB; a preset or config file is at most "
                f"{MAX_FILE_BYTES // 2**20} MB",
                "too_large",
                size=round(size / 2**20, 1),
                limit=MAX_FILE_BYTES // 2**20,
            )
        return file.read_text(encoding="utf-8")
    except OSError as error:
        raise PresetError(
            where,
            f"cannot read the file ({error.strerror})",
            read_failure(error),
            strerror=error.strerror,
        ) from None
    except UnicodeDecodeError:
        raise PresetError(where, "not UTF-8 text; a preset is a TOML file", "not_utf8") from None


def preset_from_config(config: RunConfig, name: str, where: str = "", source: str = "") -> Preset:
    """A single run's config as a scenario: one run, no timeline, no claims."""
    return Preset(
        source=source,
        name=name,
        title={"en": name},  # a file's name: the same in every language
        section={},
        summary={},  # the app says in its own words what a config file is
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
    return parse_scenario(_read_text(path, str(path)), path.stem, str(path), path.parent)


def parse_scenario(text: str, name: str, where: str, folder: Path | None = None) -> Preset:
    """A scenario from a file's text: a preset (it has a [base] table) or a run's config.
    `where` names the file in messages; a relative data path is taken from `folder`."""
    try:
        raw = loads_toml(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(where, error) from None
    if "base" in raw:
        return parse_preset(text, name, where, folder=folder)
    try:
        config = RunConfig.from_dict(_data_beside(raw, folder) if folder else raw)
    except ConfigError as error:
        raise PresetError(where, str(error), "in_file", error=error) from None
    return preset_from_config(config, name, where, source=text)


def parse_preset(text: str, name: str, where: str, folder: Path | None = None) -> Preset:
    """Parse and validate a preset's TOML text; `where` names the file in messages, and a
    relative data path is taken from `folder` (the file's own, when it came from one)."""
    try:
        raw = loads_toml(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(where, error) from None
    if folder is not None and isinstance(raw.get("base"), dict):
        raw["base"] = _data_beside(raw["base"], folder)
    if folder is not None and isinstance(raw.get("variants"), dict):
        raw["variants"] = {
            name: _data_beside(run, folder) if isinstance(run, dict) else run
            for name, run in raw["variants"].items()
        }
    try:
        return replace(_build_preset(raw, name, where), source=text)
    except (ConfigError, ClaimError) as error:
        raise PresetError(where, str(error), "in_file", error=error) from None


def _data_beside(run: dict[str, Any], folder: Path) -> dict[str, Any]:
    """A run's settings with a relative `data.path` taken from `folder`: a config file and
    its CSV travel together, wherever the command is run from."""
    data = run.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("path"), str) or not data["path"]:
        return run
    path = Path(data["path"]).expanduser()
    return {**run, "data": {**data, "path": str(path if path.is_absolute() else folder / path)}}


def _toml_error(where: str, error: tomllib.TOMLDecodeError) -> PresetError:
    """tomllib says '… (at line 3, column 7)'; lead with the line so it is seen first."""
    code, params = toml_failure(error)
    if code != "not_toml":
        return PresetError(where, f"not valid TOML: {error}", code, **params)
    line, column, problem = params["line"], params["column"], params["problem"].strip()
    return PresetError(
        where,
        f"not valid TOML: line {line}, column {column}: {problem}",
        "not_toml_line",
        line=line,
        column=column,
        problem=problem,
    )


def _build_preset(raw: dict[str, Any], name: str, where: str) -> Preset:
    for key in raw:
        if key not in PRESET_KEYS and not is_text_key(key, TEXT_KEYS):
            known = ", ".join(PRESET_KEYS)
            raise ConfigError(
                key,
                f"unknown key; known ones are {known} (and title_ko, …)",
                "unknown_key_texts",
                known=known,
                example="title_ko",
            )
    if "title" not in raw:
        raise ConfigError("title", "missing; every preset needs a title", "no_title")
    texts = {key: parse_texts(raw, key, "", ConfigError) for key in TEXT_KEYS}
    snapshot_every = raw.get("snapshot_every", 50)
    if (
        not isinstance(snapshot_every, int)
        or isinstance(snapshot_every, bool)
        or snapshot_every < 1
    ):
        raise ConfigError(
            "snapshot_every",
            f"must be a whole number of at least 1, got {snapshot_every!r}",
            "whole_at_least",
            bound=1,
            value=snapshot_every,
        )
    base_raw = raw.get("base", {})
    if not isinstance(base_raw, dict):
        raise ConfigError(
            "base",
            f"must be a table of run settings, got {base_raw!r}",
            "not_run_table",
            value=base_raw,
        )
    base = run_config(base_raw, "base")
    variants_raw = raw.get("variants", {})
    if not isinstance(variants_raw, dict):
        raise ConfigError(
            "variants",
            "must be a table: [variants.NAME] with the settings it changes",
            "not_variants_table",
        )
    variants: dict[str, dict[str, Any]] = {}
    for run_name, overrides in variants_raw.items():
        if not isinstance(overrides, dict):
            raise ConfigError(
                f"variants.{run_name}",
                f"must be a table of settings, got {overrides!r}",
                "not_settings",
                value=overrides,
            )
        if run_name == base.name:
            raise ConfigError(
                f"variants.{run_name}",
                f"the base run is already named {run_name!r}; give the variant another name",
                "base_name",
                name=run_name,
            )
        if variant_config(base, run_name, overrides).data != base.data:  # also validates
            raise ConfigError(
                f"variants.{run_name}.data",
                "every run of a preset trains on the base's data, so that all see the same "
                "mini-batches; change the data in [base]",
                "variant_data",
            )
        variants[run_name] = overrides
    configs = {base.name: base} | {
        run_name: variant_config(base, run_name, o) for run_name, o in variants.items()
    }
    timeline = tuple(
        _parse_event(event, f"timeline[{i}]", configs)
        for i, event in enumerate(_array_of_tables(raw.get("timeline", []), "timeline"))
    )
    claims = tuple(
        _parse_claim(claim, f"claims[{i}]", name, configs, timeline)
        for i, claim in enumerate(_array_of_tables(raw.get("claims", []), "claims"))
    )
    view = _parse_view(raw["view"], "view", configs) if "view" in raw else None
    return Preset(
        name=name,
        base=base,
        variants=variants,
        timeline=tuple(sorted(timeline, key=lambda event: event.step)),
        claims=claims,
        snapshot_every=snapshot_every,
        path=where,
        pace=_parse_pace(raw.get("pace")),
        reached=_parse_reached(raw.get("reached", 0)),
        view=view,
        locked=_parse_names(raw, "locked", LOCKABLE),
        hidden=_parse_names(raw, "hide", None),  # the app knows its parts: check_views
        **texts,
    )


def _array_of_tables(value: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(
            key, f"must be an array of tables ([[{key}]] sections)", "not_array", key=key
        )
    return value


def _check_run(run: Any, where: str, configs: dict[str, RunConfig]) -> None:
    if run not in configs:
        raise ConfigError(
            where,
            f"no run named {run!r}; the runs are {', '.join(configs)}",
            "no_run_named",
            name=run,
            runs=", ".join(configs),
        )


def _parse_event(raw: dict[str, Any], where: str, configs: dict[str, RunConfig]) -> TimelineEvent:
    for key in raw:
        if key not in EVENT_KEYS and not is_text_key(key, ("caption",)):
            raise ConfigError(
                f"{where}.{key}",
                f"unknown key; known ones are {', '.join(EVENT_KEYS)} (and caption_ko, …)",
                "unknown_key_texts",
                known=", ".join(EVENT_KEYS),
                example="caption_ko",
            )
    step = raw.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise ConfigError(
            f"{where}.step",
            f"must be a whole number of at least 0, got {step!r}",
            "whole_at_least",
            bound=0,
            value=step,
        )
    run = raw.get("run")
    if run is not None:
        _check_run(run, f"{where}.run", configs)
    changes = raw.get("change", {})
    if not isinstance(changes, dict):
        raise ConfigError(
            f"{where}.change",
            f"must be a table like {{ dropout = 0.5 }}, got {changes!r}",
            "not_change_table",
            value=changes,
        )
    for key, value in changes.items():
        if key not in LIVE_FIELDS:
            raise ConfigError(
                f"{where}.change.{key}",
                f"cannot change while training; live settings are {', '.join(LIVE_FIELDS)}",
                "not_live",
                live=", ".join(LIVE_FIELDS),
            )
        for config in [configs[run]] if run else configs.values():
            try:
                config.with_changes(**{key: value})
            except ConfigError as error:
                raise error.at(f"{where}.change.{key}") from None
            except TypeError:
                raise ConfigError(
                    f"{where}.change.{key}",
                    f"not a usable value: {value!r}",
                    "not_usable",
                    value=value,
                ) from None
    texts = parse_texts(raw, "caption", where, ConfigError)
    when = view = None
    if "when" in raw:
        when = _parse_condition(raw["when"], f"{where}.when", configs)
    if "view" in raw:
        view = _parse_view(raw["view"], f"{where}.view", configs)
    if (when or view) and not texts:
        raise ConfigError(
            f"{where}.caption",
            "a `when` or a `view` belongs to a caption",
            "stage_without_caption",
        )
    caption = Caption(step, texts, when, view) if texts else None
    if not changes and caption is None:
        raise ConfigError(where, "an event needs a change, a caption, or both", "empty_event")
    return TimelineEvent(step, run, dict(changes), caption)


def _unknown_key(where: str, key: str, known: tuple[str, ...]) -> ConfigError:
    return ConfigError(
        f"{where}.{key}",
        f"unknown key; known ones are {', '.join(known)}",
        "unknown_key",
        known=", ".join(known),
    )


def _not_choice(where: str, value: Any, choices: tuple[str, ...] | list[str]) -> ConfigError:
    return ConfigError(
        where,
        f"must be one of {', '.join(choices)}; got {value!r}",
        "not_choice",
        choices=", ".join(choices),
        value=value,
    )


def _parse_condition(raw: Any, where: str, configs: dict[str, RunConfig]) -> Claim:
    """A caption's condition: a claim without an id or a text (`left`, `op`, `right`, …),
    read on the runs as they stand when a snapshot comes."""
    if not isinstance(raw, dict):
        raise ConfigError(
            where,
            f"must be a table like a claim's (left, op, right), got {raw!r}",
            "not_condition",
            value=raw,
        )
    for key in raw:
        if key not in CONDITION_KEYS:
            raise _unknown_key(where, key, CONDITION_KEYS)
    return _parse_claim({"id": "when", "text": "when", **raw}, where, "", configs)


def _parse_view(raw: Any, where: str, configs: dict[str, RunConfig]) -> View:
    if not isinstance(raw, dict):
        raise ConfigError(
            where,
            f'must be a table like {{ tab = "gradients" }}, got {raw!r}',
            "not_view",
            value=raw,
        )
    for key in raw:
        if key not in VIEW_KEYS:
            raise _unknown_key(where, key, VIEW_KEYS)
    for key in ("tab", "run", "x", "surface"):
        if key in raw and not isinstance(raw[key], str):
            raise ConfigError(
                f"{where}.{key}", f"must be text, got {raw[key]!r}", "not_text", value=raw[key]
            )
    if "run" in raw:
        _check_run(raw["run"], f"{where}.run", configs)
    if "log" in raw and not isinstance(raw["log"], bool):
        raise ConfigError(
            f"{where}.log",
            f"must be true or false, got {raw['log']!r}",
            "not_bool",
            value=raw["log"],
        )
    if "x" in raw and raw["x"] not in X_AXES:
        raise _not_choice(f"{where}.x", raw["x"], X_AXES)
    if "surface" in raw and raw["surface"] not in SURFACES:
        raise _not_choice(f"{where}.surface", raw["surface"], list(SURFACES))
    return View(**{key: raw.get(key) for key in VIEW_KEYS}, where=where)


def check_views(preset: Preset, tabs: tuple[str, ...], parts: tuple[str, ...]) -> None:
    """Refuse a view's tab, or a hidden part of the screen, the app does not have (the app
    knows its tabs and parts; a preset names them). PresetError names the key."""
    for view in preset.views():
        if view.tab is not None and view.tab not in tabs:
            error = _not_choice(f"{view.where}.tab", view.tab, tabs)
            raise PresetError(preset.path, str(error), "in_file", error=error)
    for part in preset.hidden:
        if part not in parts:
            error = ConfigError(
                "hide",
                f"must name parts of the screen ({', '.join(parts)}); got {part!r}",
                "not_part",
                parts=", ".join(parts),
                value=part,
            )
            raise PresetError(preset.path, str(error), "in_file", error=error)


def _parse_reached(value: Any) -> int:
    """The step a saved session had reached (the app trains up to it, paused, on opening)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(
            "reached",
            f"must be a whole number of at least 0, got {value!r}",
            "whole_at_least",
            bound=0,
            value=value,
        )
    if value > MAX_STEPS:
        raise ConfigError(
            "reached",
            f"at most {MAX_STEPS:,}, got {value:,}",
            "too_many_steps",
            bound=MAX_STEPS,
            value=value,
        )
    return value


def _parse_pace(value: Any) -> float | None:
    """Steps a second, or "max" (as fast as training goes)."""
    if value is None:
        return None
    if value == "max":
        return math.inf
    if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
        raise ConfigError(
            "pace",
            f'must be a number of steps a second, or "max"; got {value!r}',
            "bad_pace",
            value=value,
        )
    return float(value)


def _parse_names(raw: dict[str, Any], key: str, known: tuple[str, ...] | None) -> tuple[str, ...]:
    """A list of names (`locked`, `hide`), each from `known` when it is given."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ConfigError(key, f"must be a list of names, got {value!r}", "not_names", value=value)
    for name in value:
        if known is not None and name not in known:
            raise ConfigError(
                key,
                f"must name settings ({', '.join(known)}); got {name!r}",
                "not_setting",
                known=", ".join(known),
                value=name,
            )
    return tuple(value)


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
                "layer_count",
                run=measure.run,
                layers=n_dense,
                layer=measure.layer,
            )
        if METRICS[measure.metric].hidden_only and measure.layer == n_dense:
            raise ConfigError(
                f"{where}.layer",
                f"{measure.metric} is measured on hidden layers ({_hidden(n_dense - 1)}); "
                f"layer {n_dense} is the output",
                "hidden_only_one" if n_dense == 2 else "hidden_only",
                metric=measure.metric,
                hidden=n_dense - 1,
                output=n_dense,
            )
    wanted = METRICS[measure.metric].activations
    if wanted and config.activation not in wanted:
        raise ConfigError(
            f"{where}.metric",
            f"{measure.metric} is measured for {' and '.join(wanted)} units; "
            f"run {measure.run!r} uses {config.activation}",
            "wrong_activation",
            metric=measure.metric,
            wanted=" and ".join(wanted),
            run=measure.run,
            activation=config.activation,
        )
    if measure.metric == "effective_step" and not _ever_adaptive(measure.run, config, timeline):
        raise ConfigError(
            f"{where}.metric",
            f"effective_step needs a per-parameter step size ({', '.join(adaptive_names())}); "
            f"run {measure.run!r} uses {config.optimizer.name}",
            "not_adaptive",
            adaptive=", ".join(adaptive_names()),
            run=measure.run,
            optimizer=config.optimizer.name,
        )
    last_step = None if config.epochs else config.steps
    if measure.at_step is not None and last_step is not None and measure.at_step > last_step:
        raise ConfigError(
            f"{where}.at_step",
            f"run {measure.run!r} trains for {last_step} steps; got step {measure.at_step}",
            "past_steps",
            run=measure.run,
            steps=last_step,
            step=measure.at_step,
        )
    if measure.at_epoch is not None and config.epochs and measure.at_epoch > config.epochs:
        raise ConfigError(
            f"{where}.at_epoch",
            f"run {measure.run!r} trains for {config.epochs:g} epochs; "
            f"got epoch {measure.at_epoch:g}",
            "past_epochs",
            run=measure.run,
            epochs=config.epochs,
            epoch=measure.at_epoch,
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
