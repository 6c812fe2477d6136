"""The screen's model of the runs (IntendedRuns): each key builds on the previous key's
result, snapshots never undo what they have not seen, and it ends as the training process
ends, refusals included. Driven with a list for a process, then beside the real loop."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import Comparison, RunConfig
from nn.config import ConfigError
from tui.training.intended import IntendedRuns, apply
from tui.training.loop import TrainingLoop
from tui.training.protocol import Add, Change, Command, Remove, Reset, SnapshotNews, Step

BASE = RunConfig(name="base", layers=(8,), batch_size=16, steps=10_000)
TANH = BASE.with_changes(name="tanh", activation="tanh")


class Outbox:
    """Stands for the training process: keeps what is sent, numbers it as Trainer does."""

    def __init__(self) -> None:
        self.sent: list[Command] = []

    def __call__(self, command: Command) -> int:
        self.sent.append(command)
        return len(self.sent)


def model() -> tuple[IntendedRuns, Outbox]:
    outbox = Outbox()
    return IntendedRuns([BASE, TANH], outbox), outbox


def double(config: RunConfig) -> dict[str, Any]:
    return {"lr": config.optimizer.lr * 2}


def halve(config: RunConfig) -> dict[str, Any]:
    return {"lr": config.optimizer.lr / 2}


def test_a_burst_builds_each_key_on_the_last_and_ends_where_it_started() -> None:
    runs, outbox = model()
    for _ in range(100):
        runs.change(["base"], double)
    for _ in range(100):
        runs.change(["base"], halve)
    assert runs.configs["base"].optimizer.lr == BASE.optimizer.lr
    assert len(outbox.sent) == 200 and not runs.settled
    assert outbox.sent[99] == Change("base", {"lr": BASE.optimizer.lr * 2**100})


def test_a_snapshot_older_than_the_keys_does_not_undo_them() -> None:
    runs, outbox = model()
    for _ in range(3):
        runs.change(["base"], double)
    # the process answers the first key only: the two after it are still meant
    runs.confirm([BASE.with_changes(lr=0.02), TANH], [BASE.with_changes(lr=0.02), TANH], 1)
    assert runs.configs["base"].optimizer.lr == 0.08
    assert runs.reported["base"].optimizer.lr == 0.02
    runs.confirm([BASE.with_changes(lr=0.08), TANH], [BASE.with_changes(lr=0.08), TANH], 3)
    assert runs.settled and runs.configs["base"].optimizer.lr == 0.08


def test_twenty_adds_make_twenty_names_however_late_the_answers() -> None:
    runs, outbox = model()
    for _ in range(20):
        runs.add("base")
        runs.confirm([BASE, TANH], [BASE, TANH], 0)  # a snapshot from before them all
    names = [f"base-{number}" for number in range(2, 22)]
    assert runs.names == ["base", "tanh", *names]
    assert [command.config.name for command in outbox.sent] == names  # type: ignore[attr-defined]


def test_a_refusal_is_undone_here_when_the_process_reports_it() -> None:
    """The process may refuse what the model allowed (memory, say): once it has handled
    the command, what it reports is the truth, and a change to the refused run goes too."""
    runs, outbox = model()
    runs.add("base")
    runs.change(["base-2"], double)
    runs.change(["base"], double)
    assert runs.names == ["base", "tanh", "base-2"]
    base = BASE.with_changes(lr=0.02)
    runs.confirm([BASE, TANH], [BASE, TANH], 1)  # the add was refused (a notice says so)
    assert runs.names == ["base", "tanh"]  # the change to base-2 will be refused too
    assert runs.configs["base"] == base and not runs.settled
    runs.confirm([base, TANH], [base, TANH], 3)
    assert runs.settled and runs.configs == runs.reported == {"base": base, "tanh": TANH}


def test_the_timelines_changes_come_with_snapshots_and_keys_apply_on_top() -> None:
    runs, outbox = model()
    runs.change(["tanh"], lambda config: {"dropout": 0.2})
    timeline = TANH.with_changes(lr=0.5)  # the preset's change, at some step
    runs.confirm([BASE, timeline], [BASE, TANH], 0)
    assert runs.configs["tanh"] == timeline.with_changes(dropout=0.2)
    runs.reset()  # the timeline's changes are dropped, the user's kept
    assert runs.configs["tanh"] == TANH.with_changes(dropout=0.2)
    assert outbox.sent[-1] == Reset({})


def test_edits_wait_for_a_reset_and_go_with_a_copy() -> None:
    runs, outbox = model()
    assert runs.edit(["base", "nobody"], {"layers": (4, 4)}) == []
    refused = runs.edit(["tanh"], {"batch_size": 0})
    assert [(name, error.field) for name, error in refused] == [("tanh", "batch_size")]
    assert runs.pending == {"base": {"layers": (4, 4)}}
    assert runs.configs["base"].layers == (8,) and runs.shown("base").layers == (4, 4)
    assert runs.add("base") == "base-2"
    assert runs.configs["base-2"].layers == (4, 4)
    runs.reset()
    assert outbox.sent[-1] == Reset({"base": {"layers": (4, 4)}})
    assert runs.pending == {} and runs.configs["base"].layers == (4, 4)


def test_a_change_is_validated_here_once_and_sent_whole_or_not_at_all() -> None:
    runs, outbox = model()
    with pytest.raises(ConfigError, match="dropout"):
        runs.change(["base", "tanh"], lambda config: {"dropout": 0.5 if config is BASE else 2.0})
    with pytest.raises(ConfigError, match="cannot change while training"):
        runs.change(["base"], lambda config: {"layers": (4,)})
    with pytest.raises(KeyError):
        runs.change(["nobody"], double)
    with pytest.raises(ConfigError, match="at least one run"):
        runs.remove("tanh")
        runs.remove("base")
    assert outbox.sent == [Remove("tanh")] and runs.names == ["base"]


def test_apply_refuses_what_the_process_refuses() -> None:
    state = IntendedRuns([BASE], Outbox())._state
    with pytest.raises(ConfigError):
        apply(state, Add(BASE))
    with pytest.raises(KeyError):
        apply(state, Remove("nobody"))
    assert apply(state, Step()) is state


# -- beside the real loop --------------------------------------------------------------------


class Pipe:
    """The loop's command end: what has been delivered so far."""

    def __init__(self) -> None:
        self.queue: list[Command] = []

    def poll(self, timeout: float = 0.0) -> bool:
        return bool(self.queue)

    def recv(self) -> Command:
        return self.queue.pop(0)


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["up", "down", "optimizer", "dropout", "add", "remove", "edit", "reset"]),
        st.integers(0, 5),  # which run (by its place)
        st.integers(0, 4),  # then deliver this many commands to the process, and look
    ),
    max_size=25,
)


@settings(max_examples=30, deadline=None)
@given(actions=ACTIONS)
def test_what_the_model_meant_is_what_the_process_did(actions) -> None:
    """Keys at random, the process handling them a few at a time: each snapshot reports
    exactly what the model had made of the commands the process had handled by then."""
    outbox = Outbox()
    runs = IntendedRuns([BASE, TANH], outbox)
    pipe, results = Pipe(), []
    loop = TrainingLoop(Comparison([BASE, TANH]), pipe, results.append)
    predicted: dict[int, tuple[dict, dict]] = {0: (runs.configs, restarts(runs))}
    delivered = 0

    def deliver(count: int) -> None:
        nonlocal delivered
        pipe.queue += outbox.sent[delivered : delivered + count]
        delivered = min(delivered + count, len(outbox.sent))
        loop._handle_commands(block=False)
        news = [item for item in results if isinstance(item, SnapshotNews)]
        if news:
            last = news[-1]
            runs.confirm(last.configs, last.restarts, last.handled)
            if last.handled in predicted:
                configs, starts = predicted[last.handled]
                assert {c.name: c for c in last.configs} == configs
                assert {c.name: c for c in last.restarts} == starts

    for action, which, count in actions:
        name = runs.names[which % len(runs.names)]
        try:
            if action in ("up", "down"):
                runs.change([name], double if action == "up" else halve)
            elif action == "optimizer":
                runs.change(
                    [name], lambda c: {"optimizer": "sgd" if c.optimizer.name == "adam" else "adam"}
                )
            elif action == "dropout":
                runs.change(runs.names, lambda c: {"dropout": 0.5 - c.dropout})
            elif action == "add":
                runs.add(name)
            elif action == "remove":
                runs.remove(name)
            elif action == "edit":
                runs.edit([name], {"layers": (which + 1,)})
            else:
                runs.reset()
        except ConfigError:  # the last run cannot go: refused here, nothing sent
            assert action == "remove" and len(runs.names) == 1
        outbox(Step())  # another command between, that changes no config
        predicted[len(outbox.sent)] = (runs.configs, restarts(runs))
        deliver(count)
    deliver(len(outbox.sent))
    assert runs.settled
    assert runs.configs == {run.name: run.config for run in loop.comparison.runs}
    assert restarts(runs) == loop.restarts


def restarts(runs: IntendedRuns) -> dict[str, RunConfig]:
    return {name: state.restart for name, state in runs._state.items()}


# -- a classroom scenario's locks ------------------------------------------------------------


def test_a_locked_setting_is_refused_for_every_key_of_a_burst_and_nothing_is_sent() -> None:
    outbox = Outbox()
    runs = IntendedRuns([BASE, TANH], outbox, locked=("lr", "optimizer", "layers"))
    for _ in range(20):
        with pytest.raises(ConfigError) as caught:
            runs.change(["base", "tanh"], double)
        assert (caught.value.code, caught.value.field) == ("locked", "lr")
    with pytest.raises(ConfigError):
        runs.change(["base"], lambda config: {"optimizer": {"momentum": 0.5}})  # its table
    with pytest.raises(ConfigError):
        runs.edit(["base"], {"layers": (4,)})
    assert outbox.sent == [] and runs.pending == {}
    assert runs.configs["base"] == BASE
    runs.change(["base"], lambda config: {"dropout": 0.2})  # what the lesson is about
    runs.edit(["base"], {"seed": 3})
    assert outbox.sent == [Change("base", {"dropout": 0.2})]
    assert runs.pending == {"base": {"seed": 3}}
