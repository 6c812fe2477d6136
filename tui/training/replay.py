"""A session's events as plain data, for its file, and their fingerprint, for checkpoints.

A session is kept as its preset and the events the training process carried out (Change,
Add, Remove, Reset, each with its step: protocol.Event). Training is deterministic, so
replaying them gives the same runs bit for bit; a checkpoint (nn/checkpoint.py) written by
the process holds the state after the first N of them, with the fingerprint of those N, so
that a session can resume there only if they are its own first N events.

No Textual here: the training process uses it too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from nn.config import RunConfig
from tui.training.protocol import Add, Change, Event, Remove, Reset


class EventError(ValueError):
    """An event in a session file that this trainlab cannot read back."""


def event_to_data(event: Event) -> dict[str, Any]:
    """An event as JSON-ready data: its step and one key naming what it did."""
    match event.command:
        case Change(run, changes):
            return {"step": event.step, "change": dict(changes), "run": run}
        case Add(config):
            return {"step": event.step, "add": config.to_dict()}
        case Remove(name):
            return {"step": event.step, "remove": name}
        case Reset(edits):
            return {"step": event.step, "reset": {name: dict(e) for name, e in edits.items()}}
    raise EventError(f"not an event a session keeps: {event.command!r}")


def event_from_data(data: Any) -> Event:
    """The event `event_to_data` wrote (EventError if it is not one)."""
    if not isinstance(data, Mapping):
        raise EventError(f"an event must be a table, got {data!r}")
    step = data.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise EventError(f"an event's step must be a whole number of at least 0, got {step!r}")
    try:
        if "change" in data:
            run = data.get("run")
            if not (run is None or isinstance(run, str)) or not isinstance(data["change"], dict):
                raise EventError(f"a change needs a table of settings and a run: {data!r}")
            return Event(step, Change(run, _settings(data["change"])))
        if "add" in data:
            return Event(step, Add(RunConfig.from_dict(data["add"])))
        if "remove" in data and isinstance(data["remove"], str):
            return Event(step, Remove(data["remove"]))
        if "reset" in data and isinstance(data["reset"], dict):
            edits = data["reset"]
            if not all(isinstance(e, dict) for e in edits.values()):
                raise EventError(f"a reset's edits must be tables, got {edits!r}")
            return Event(step, Reset({str(name): _settings(e) for name, e in edits.items()}))
    except (ValueError, TypeError) as error:  # ConfigError is a ValueError
        raise EventError(f"an event that cannot be read back ({error}): {data!r}") from None
    raise EventError(f"not an event (change, add, remove or reset): {data!r}")


def _settings(values: dict[str, Any]) -> dict[str, Any]:
    """Settings as the app sends them: JSON's lists back to tuples (layers, features)."""
    return {key: tuple(v) if isinstance(v, list) else v for key, v in values.items()}


def fingerprint(events: Iterable[Event]) -> str:
    """A short digest of the events, equal for equal events."""
    text = json.dumps([event_to_data(event) for event in events], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
