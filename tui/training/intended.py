"""The runs' configs as the user means them: the screen's one source of truth for them.

Keys come faster than the training process answers. Each key's change is computed here,
from what the previous keys made of the runs, not from the process's last snapshot,
which may not have seen them yet: `]` a hundred times then `[` a hundred times ends
where it started, and twenty `a` add twenty runs with twenty names.

How it stays true to the process: the state here is what the last snapshot reported
(the configs now, and what a reset starts each run from) with the commands the process
had not handled yet replayed on top (`apply`, the process's rules for them). So a
snapshot never undoes an intention it has not seen, the timeline's changes come in with
it, and a command the process refused is simply not in what it reports: once the
process has handled it, the state here agrees with the process again (and the process
says why it refused). A change is validated once, here, before it is sent.

A classroom scenario locks settings (`Preset.locked`): a change or an edit of one is
refused here, before anything is sent, so that every key of a burst is refused alike.

Plain Python, no Textual: tests drive it with a list for a process.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nn.config import ConfigError, RunConfig, check_live_change
from nn.errors import UnknownRun
from tui.training.protocol import Add, Change, Command, Remove, Reset

Send = Callable[[Command], int]  # sends a command, returns its number (Trainer.send)


@dataclass(frozen=True)
class RunState:
    config: RunConfig  # as it trains now, the timeline's changes included
    restart: RunConfig  # what a reset starts it from: the timeline's changes left out


State = dict[str, RunState]  # by run name, in the runs' order


def apply(state: State, command: Command) -> State:
    """The runs after `command`, as the training process carries it out (TrainingLoop._do):
    ConfigError or KeyError where the process would refuse it. Commands that leave the
    configs alone (play, step, watch, …) leave the state alone."""
    match command:
        case Change(run, changes):
            if run is not None and run not in state:
                raise _no_run(run, state)
            names = list(state) if run is None else [run]
            changed = {
                name: RunState(
                    check_live_change(state[name].config, changes),
                    state[name].restart.with_changes(**changes),
                )
                for name in names
            }
            return {**state, **changed}
        case Add(config):
            if config.name in state:
                raise ConfigError(
                    "name",
                    f"two runs are named {config.name!r}; names must differ",
                    "same_name",
                    name=config.name,
                )
            return {**state, config.name: RunState(config, config)}
        case Remove(name):
            if name not in state:
                raise _no_run(name, state)
            if len(state) == 1:
                raise ConfigError("runs", "a comparison needs at least one run", "no_runs")
            return {key: value for key, value in state.items() if key != name}
        case Reset(edits):
            configs = [
                run.restart.with_changes(**edits.get(name, {})) for name, run in state.items()
            ]
            return {config.name: RunState(config, config) for config in configs}
    return state


def check_unlocked(changes: dict[str, Any], locked: Collection[str]) -> None:
    """ConfigError for the first locked setting the changes touch. Their keys are the names
    a preset locks: `lr`, `optimizer` (its name and its other settings), `steps`, …"""
    for key in changes:
        if key in locked:
            raise ConfigError(key, "locked in this scenario", "locked")


class IntendedRuns:
    """The runs' intended configs, the edits waiting for a reset, and the commands that
    make them so (sent through `send`). Raises ConfigError (or KeyError) for a change it
    cannot make, and sends nothing then."""

    def __init__(
        self, configs: Iterable[RunConfig], send: Send, locked: Collection[str] = ()
    ) -> None:
        """`locked`: settings no change or edit may touch (a classroom scenario's)."""
        self._send = send
        self.locked = frozenset(locked)
        self._reported: State = {config.name: RunState(config, config) for config in configs}
        self._state: State = dict(self._reported)
        self._in_flight: list[tuple[int, Command]] = []  # sent, not yet handled: (number, it)
        self._pending: dict[str, dict[str, Any]] = {}  # edits that wait for a reset, by run

    # -- reading -----------------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        return list(self._state)

    @property
    def configs(self) -> dict[str, RunConfig]:
        """Each run's config as intended (live settings; the edits wait for a reset)."""
        return {name: run.config for name, run in self._state.items()}

    @property
    def reported(self) -> dict[str, RunConfig]:
        """Each run's config as the training process last reported it."""
        return {name: run.config for name, run in self._reported.items()}

    @property
    def pending(self) -> dict[str, dict[str, Any]]:
        return {name: dict(edits) for name, edits in self._pending.items()}

    @property
    def settled(self) -> bool:
        """The process has handled every command sent: what it reports is what is meant."""
        return not self._in_flight

    def __contains__(self, name: object) -> bool:
        return name in self._state

    def shown(self, name: str) -> RunConfig:
        """What the form shows for a run: its config with the edits waiting for a reset."""
        return self._state[name].config.with_changes(**self._pending.get(name, {}))

    # -- what the process reports --------------------------------------------------------------

    def confirm(
        self, configs: Sequence[RunConfig], restarts: Sequence[RunConfig], handled: int
    ) -> None:
        """A snapshot's configs, taken after the process had handled `handled` commands:
        the commands sent since are replayed on them (one the process will refuse is left
        out, as the process will leave it out)."""
        self._reported = {
            config.name: RunState(config, restart)
            for config, restart in zip(configs, restarts, strict=True)
        }
        self._in_flight = [(number, cmd) for number, cmd in self._in_flight if number > handled]
        state = self._reported
        for _, command in self._in_flight:
            with contextlib.suppress(ConfigError, KeyError):
                state = apply(state, command)
        self._state = state
        self._pending = {name: edits for name, edits in self._pending.items() if name in state}

    # -- what the user does ------------------------------------------------------------------

    def _issue(self, commands: list[Command]) -> None:
        """Apply the commands here (all, or none and the error raised), then send them."""
        state = self._state
        for command in commands:
            state = apply(state, command)
        for command in commands:
            self._in_flight.append((self._send(command), command))
        self._state = state

    def change(
        self, names: Sequence[str], changes_for: Callable[[RunConfig], dict[str, Any]]
    ) -> None:
        """A live change to each run named, computed from its intended config (a second
        key builds on the first); all of them, or none."""
        state, commands = self._state, []
        for name in names:
            if name not in state:
                raise _no_run(name, state)
            command = Change(name, dict(changes_for(state[name].config)))
            check_unlocked(command.changes, self.locked)
            state = apply(state, command)
            commands.append(command)
        self._issue(commands)

    def edit(self, names: Sequence[str], changes: dict[str, Any]) -> list[tuple[str, ConfigError]]:
        """Settings that cannot change live wait for a reset; what each run named refused.
        A locked setting is refused for every run at once (ConfigError raised)."""
        check_unlocked(changes, self.locked)
        refused = []
        for name in names:
            if name not in self._state:
                continue
            edits = {**self._pending.get(name, {}), **changes}
            try:
                self._state[name].config.with_changes(**edits)
            except ConfigError as error:
                refused.append((name, error))
                continue
            self._pending[name] = edits
        return refused

    def restart(self) -> None:
        """A new training process: the commands sent to the old one are not waited for
        (those it carried out come back with the session's events); the next snapshot
        says what the runs are."""
        self._in_flight = []
        self._state = dict(self._reported)

    def reset(self) -> None:
        """Back to step 0, the waiting edits applied."""
        self._issue([Reset(self.pending)])
        self._pending = {}

    def add(self, source: str) -> str:
        """A copy of a run (its waiting edits included) under a new name, returned."""
        name = unique_name(source, self._state)
        edits = self._pending.get(source, {})
        self._issue([Add(self._state[source].config.with_changes(name=name, **edits))])
        return name

    def remove(self, name: str) -> None:
        self._issue([Remove(name)])


def _no_run(name: str, state: State) -> UnknownRun:
    known = ", ".join(state)
    return UnknownRun(f"no run named {name!r}; runs are {known}", "no_run", name=name, known=known)


def unique_name(name: str, taken: Iterable[str]) -> str:
    """`name-2`, `name-3`, … : the first that no run has."""
    taken = set(taken)
    stem = name.rsplit("-", 1)[0] if name.rsplit("-", 1)[-1].isdigit() else name
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"
