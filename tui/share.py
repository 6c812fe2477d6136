"""A session as a preset file a student can mail to the instructor (`ctrl+s` in the app).

trainlab's answer to sharing a setup by URL: the file is a preset (presets/README.md) that
`trainlab FILE` and the picker open like any other, so it needs no other program and can be
read and edited by hand. It holds:

- the runs as they stood at the session's last reset (or start): the first as `[base]`, the
  others as variants, each written whole where it differs from the base;
- the scenario's own timeline, captions and claims (those that name runs no longer there
  are left out), with the student's live changes added as timeline events at their steps;
- `reached`: the step the session had got to (the app trains up to it, paused, when it
  opens the file), `view`: where the student was looking, and `pace`.

A run added mid-session starts with the others in the file, at step 0 (a preset's runs all
start together); a comment at the top says so, with the step it was added at. For the exact
session, bit for bit, there is `trainlab --resume` on the same machine.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from nn.config import RunConfig, dumps_toml
from presets.loader import parse_scenario
from presets.preset import Preset
from tui.i18n import tr
from tui.session import Session
from tui.training.intended import RunState, State, apply
from tui.training.protocol import Add, Change, Remove, Reset


def runs_since_reset(preset: Preset, session: Session) -> tuple[State, dict[str, int], list]:
    """The session's runs as they started after its last reset (or at its start), the step
    each run added since was added at, and the student's live changes since, as
    (step, run or None, changes): the session's events folded with the process's rules
    (tui/training/intended.py `apply`)."""
    state: State = {c.name: RunState(c, c) for c in preset.run_configs()}
    starts = {name: run.config for name, run in state.items()}
    added: dict[str, int] = {}
    changes: list[tuple[int, str | None, dict[str, Any]]] = []
    for event in session.events:
        state = apply(state, event.command)
        match event.command:
            case Reset():
                starts = {name: run.config for name, run in state.items()}
                added, changes = {}, []
            case Add(config):
                starts[config.name], added[config.name] = config, event.step
            case Remove(name):
                starts.pop(name, None)
                added.pop(name, None)
                changes = [change for change in changes if change[1] != name]
            case Change(run, values):
                changes.append((event.step, run, dict(values)))
    return {name: RunState(config, config) for name, config in starts.items()}, added, changes


def session_toml(preset: Preset, session: Session, lang: str, file_name: str = "") -> str:
    """The session as a preset file's text (see the module docstring); it loads back."""
    runs, added, changes = runs_since_reset(preset, session)
    names = list(runs)
    raw = tomllib.loads(preset.source) if preset.source else {}
    if "base" not in raw:  # a run's config file: it becomes a preset of one run
        raw = {"title": preset.name}
    base = runs[names[0]].config
    out: dict[str, Any] = {key: value for key, value in raw.items() if _is_text(key)}
    for key in ("snapshot_every", "locked", "hide"):
        if key in raw:
            out[key] = raw[key]
    out["reached"] = session.step
    pace = session.pace if session.pace is not None else preset.pace
    if pace is not None:
        out["pace"] = "max" if pace == float("inf") else pace
    view = {key: value for key, value in session.view.items() if value is not None}
    if session.selected in runs:
        view["run"] = session.selected
    if view:
        out["view"] = view
    out["base"] = _plain(_settings(base))
    out["variants"] = {name: _plain(_overrides(runs[name].config, base)) for name in names[1:]}
    configs = [runs[name].config for name in names]
    timeline = [event for event in raw.get("timeline", []) if _names_in(event) <= set(names)]
    for step, run, values in changes:
        entry: dict[str, Any] = {"step": step, "change": _plain(values)}
        if run is not None:
            entry["run"] = run
        timeline.append(entry)
    out["timeline"] = sorted(timeline, key=lambda event: event.get("step", 0))
    out["claims"] = [claim for claim in raw.get("claims", []) if _names_in(claim) <= set(names)]
    text = _header(preset, session, lang, file_name, added) + dumps_toml(out)
    where = file_name or "saved session"
    if parse_scenario(text, preset.name, where).run_configs() != configs:  # never, but:
        out["base"] = _plain(base.to_dict())  # every setting written out, then
        text = _header(preset, session, lang, file_name, added) + dumps_toml(out)
    loaded = parse_scenario(text, preset.name, where)  # loads back, or raises
    if loaded.run_configs() != configs:
        raise ValueError(f"the saved runs do not load back as they are: {where}")
    return text


def _header(
    preset: Preset, session: Session, lang: str, file_name: str, added: dict[str, int]
) -> str:
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    lines = [
        tr("keep.save.header", lang, scenario=preset.name, step=session.step, when=when),
        tr("keep.save.open", lang, file=Path(file_name).name or "FILE.toml"),
    ]
    lines += [tr("keep.save.added", lang, run=run, step=step) for run, step in added.items()]
    return "".join(f"# {line}\n" for line in lines) + "\n"


def _is_text(key: str) -> bool:
    return key.split("_")[0] in ("title", "section", "summary")


def _settings(config: RunConfig) -> dict[str, Any]:
    """A run's settings as a student would write them: those that differ from the
    defaults, with the data's and the optimizer's name and the learning rate always (a
    missing rate means the textbook's for the optimizer, not the default's)."""
    mine, default = config.to_dict(), RunConfig().to_dict()
    values: dict[str, Any] = {}
    for key, value in mine.items():
        if isinstance(value, dict):
            keep = {"name", "lr"}
            value = {k: v for k, v in value.items() if k in keep or v != default[key].get(k)}
        elif value == default.get(key) and key != "name":
            continue
        values[key] = value
    return values


def _overrides(config: RunConfig, base: RunConfig) -> dict[str, Any]:
    """What a variant changes from the base (whole tables: the optimizer's, say)."""
    mine, theirs = config.to_dict(), base.to_dict()
    return {key: value for key, value in mine.items() if key != "name" and value != theirs.get(key)}


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Values TOML can hold: tuples as lists, no None (a setting left to its default)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = _plain(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def _names_in(table: Any) -> set[str]:
    """Every run a preset's table names (under `run` keys, at any depth)."""
    return set(_walk_runs(table))


def _walk_runs(table: Any) -> Iterator[str]:
    if isinstance(table, dict):
        for key, value in table.items():
            if key == "run":
                yield from ([value] if isinstance(value, str) else value)
            else:
                yield from _walk_runs(value)
    elif isinstance(table, list):
        for item in table:
            yield from _walk_runs(item)
