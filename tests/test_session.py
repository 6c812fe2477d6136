"""A session comes back bit for bit: its events replayed at their steps (from a checkpoint
the training process wrote, when it holds the session's first events), its file written
atomically, read back, and set aside when it is damaged or newer, never overwritten."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nn.snapshot import HISTORY_FIELDS
from presets.loader import parse_preset
from presets.preset import Preset
from tui.session import Scenario, Session, SessionError, SessionKeeper, SessionStore, state_dir
from tui.training import loop as loop_module
from tui.training.loop import TrainingLoop, start_loop
from tui.training.protocol import (
    Add,
    Change,
    Checkpoint,
    Command,
    Event,
    Logged,
    Remove,
    Reset,
    Result,
    Resume,
    Saved,
)
from tui.training.replay import EventError, event_from_data, event_to_data, fingerprint

PRESET = """
title = "Resume"
title_ko = "이어서"
[base]
name = "relu"
layers = [8, 8]
optimizer = { name = "adam", lr = 0.01 }
batch_size = 16
steps = 400
data = { name = "spiral", samples = 200, noise = 0.1 }
[variants.tanh]
activation = "tanh"
dropout = 0.2
[variants.bn]
batch_norm = true
[[timeline]]
step = 30
change = { lr = 0.005 }
[[timeline]]
step = 60
run = "tanh"
change = { dropout = 0.4 }
[[claims]]
id = "9.9"
text = "relu learns"
left = { run = "relu", metric = "train_accuracy" }
op = ">"
right = 0.3
"""


def preset(text: str = PRESET) -> Preset:
    return parse_preset(text, "resume", "tests/test_session.py")


class Silent:
    """A command pipe with nothing in it (the tests call the loop's methods directly)."""

    def poll(self, timeout: float = 0.0) -> bool:
        return False

    def recv(self) -> Command:
        raise EOFError


# What a student did, by step: keys at the steps the process handled them.
SCRIPT: list[tuple[int, Command]] = [
    (20, Change("relu", {"lr": 0.02})),
    (30, Change(None, {"l2": 1e-3})),  # the same step as the timeline's change
    (45, Add(preset().base.with_changes(name="late", optimizer="sgd", lr=0.1))),
    (70, Remove("bn")),
    (90, Change("late", {"optimizer": "momentum"})),
    (120, Reset({"tanh": {"layers": (4, 4)}})),
    (50, Change("tanh", {"batch_norm": True})),  # after the reset: step 50 again
]


def live(stop: int, path: Path | None = None, at: int = -1) -> tuple[TrainingLoop, list[Result]]:
    """A loop played as the app plays it: the script's commands at their steps, snapshots
    now and then, up to step `stop` after the last command (a checkpoint after the
    command numbered `at`, to `path`)."""
    sent: list[Result] = []
    loop = TrainingLoop(preset().comparison(), Silent(), sent.append, preset())
    for number, (step, command) in enumerate(SCRIPT):
        while loop.comparison.step_count < step:
            loop._advance(min(7, step - loop.comparison.step_count))
            loop.comparison.snapshot(layers=False)
        loop._do(command)
        if number == at:
            loop._do(Checkpoint(str(path)))
    while loop.comparison.step_count < stop:
        loop._advance(min(7, stop - loop.comparison.step_count))
    loop._send_log()
    return loop, sent


def assert_same_runs(first: TrainingLoop, second: TrainingLoop, histories: bool) -> None:
    a, b = first.comparison, second.comparison
    assert a.names == b.names and a.step_count == b.step_count
    assert a.changes == b.changes
    assert first.restarts == second.restarts and first.modified == second.modified
    ours, theirs = a.snapshot(), b.snapshot()
    for name in a.names:
        mine, other = a.parameters(name), b.parameters(name)
        assert mine.keys() == other.keys()
        for key in mine:
            assert np.array_equal(mine[key], other[key]), (name, key)
        x, y = ours.run(name), theirs.run(name)
        assert (x.step, x.status, x.test_loss, x.train_accuracy) == (
            y.step,
            y.status,
            y.test_loss,
            y.train_accuracy,
        )
        if histories:
            for column in HISTORY_FIELDS:
                if column != "seconds":
                    np.testing.assert_array_equal(
                        getattr(x.history, column), getattr(y.history, column)
                    )


def test_the_loop_logs_every_command_that_changed_the_runs_at_its_step() -> None:
    loop, sent = live(stop=80)
    logged = [event for result in sent if isinstance(result, Logged) for event in result.events]
    assert logged == loop.events
    assert [event.step for event in loop.events] == [step for step, _ in SCRIPT]
    assert [event.command for event in loop.events] == [command for _, command in SCRIPT]


def test_a_replayed_session_is_the_same_session_bit_for_bit() -> None:
    original, _ = live(stop=140)
    sent: list[Result] = []
    resumed = start_loop(preset(), Silent(), sent.append, Resume(tuple(original.events), 140))
    assert_same_runs(original, resumed, histories=False)
    assert not any(isinstance(result, Logged) for result in sent)  # the session has them
    assert resumed.events == original.events and not resumed.playing
    for loop in (original, resumed):  # and both go on alike
        loop._advance(150)
    assert_same_runs(original, resumed, histories=False)


def test_a_session_resumes_from_its_checkpoint_and_replays_only_the_rest(tmp_path, monkeypatch):
    path = tmp_path / "session.npz"
    original, sent = live(stop=160, path=path, at=4)  # after the fifth event, at step 90
    saved = [result for result in sent if isinstance(result, Saved)]
    assert saved == [Saved(str(path), 90, 5)]
    built = []
    monkeypatch.setattr(loop_module, "_from_checkpoint", _spy(loop_module._from_checkpoint, built))
    resumed = start_loop(
        preset(), Silent(), [].append, Resume(tuple(original.events), 160, str(path))
    )
    assert built == [True]  # the checkpoint fitted: only two events and 70 steps replayed
    assert_same_runs(original, resumed, histories=False)


def _spy(function, calls):
    def spy(*args, **kwargs):
        loop = function(*args, **kwargs)
        calls.append(loop is not None)
        return loop

    return spy


def test_a_checkpoint_that_does_not_fit_is_left_and_everything_replayed(tmp_path, monkeypatch):
    path = tmp_path / "session.npz"
    original, _ = live(stop=160, path=path, at=4)
    other_events = (Event(20, Change("relu", {"lr": 0.03})), *original.events[1:])
    built: list[bool] = []
    monkeypatch.setattr(loop_module, "_from_checkpoint", _spy(loop_module._from_checkpoint, built))
    start_loop(preset(), Silent(), [].append, Resume(other_events, 160, str(path)))
    path.write_bytes(b"not a checkpoint")
    resumed = start_loop(
        preset(), Silent(), [].append, Resume(tuple(original.events), 160, str(path))
    )
    assert built == [False, False]
    assert_same_runs(original, resumed, histories=False)


def test_a_checkpoint_before_a_claims_stop_is_not_used_the_claims_need_what_came_before(
    tmp_path,
):
    text = PRESET.replace(
        'left = { run = "relu", metric = "train_accuracy" }',
        'left = { run = "relu", metric = "train_accuracy", at_step = 10 }',
    )
    scenario = preset(text)
    loop = TrainingLoop(scenario.comparison(), Silent(), [].append, scenario)
    loop._train_to(40)
    loop._do(Checkpoint(str(tmp_path / "c.npz")))
    assert (
        loop_module._from_checkpoint(
            scenario, Resume((), 40, str(tmp_path / "c.npz")), Silent(), [].append, None
        )
        is None
    )


def test_a_finished_session_sends_its_claims_again_when_it_resumes() -> None:
    sent: list[Result] = []
    loop = start_loop(preset(), Silent(), sent.append, Resume((), 400))
    assert loop.comparison.done
    loop.stopped = True  # run: publish, claims, then end at once
    loop.run()
    assert any(type(result).__name__ == "Claims" for result in sent)


# -- the events as data --------------------------------------------------------------------


def test_events_go_to_json_and_back() -> None:
    for _, command in SCRIPT:
        event = Event(12, command)
        data = json.loads(json.dumps(event_to_data(event)))
        assert event_from_data(data) == event
    assert fingerprint([Event(1, SCRIPT[0][1])]) != fingerprint([Event(2, SCRIPT[0][1])])


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"step": -1, "remove": "a"},
        {"step": 1.5, "remove": "a"},
        {"step": 3},
        {"step": 3, "add": {"layers": "many"}},
        {"step": 3, "change": [1]},
        {"step": 3, "reset": {"a": 1}},
        {"step": 3, "remove": 7},
    ],
)
def test_an_event_that_is_not_one_is_refused_with_a_message(data) -> None:
    with pytest.raises(EventError):
        event_from_data(data)


# -- the file ---------------------------------------------------------------------------------


def a_session() -> Session:
    original, _ = live(stop=60)
    return replace(
        Session.new(preset(), lang="ko"),
        events=tuple(original.events),
        step=60,
        selected="tanh",
        view={"tab": "gradients", "log": True, "x": "epochs", "surface": "saddle"},
        pace=float("inf"),
        pinned=(3, 7),
        checkpoint="x.npz",
    )


def test_a_session_is_written_atomically_and_read_back(tmp_path) -> None:
    store = SessionStore(tmp_path)
    session = store.write(a_session())
    assert [p.name for p in tmp_path.iterdir()] == [f"{session.id}.json"]  # no temporary
    again = store.read(store.path(session.id))
    assert again == session
    assert again.scenario.preset().run_configs() == preset().run_configs()
    assert again.resume(tmp_path) == Resume(session.events, 60, str(tmp_path / "x.npz"))


def test_the_state_folder_follows_xdg_and_the_override() -> None:
    assert state_dir({"TRAINLAB_STATE": "/x/y"}) == Path("/x/y")
    assert state_dir({"XDG_STATE_HOME": "/s"}) == Path("/s/trainlab")
    assert state_dir({"XDG_STATE_HOME": "relative"}) == Path.home() / ".local/state/trainlab"


@pytest.mark.parametrize(
    ("content", "kind", "code"),
    [
        (b"{ not json", "corrupt", "session_corrupt"),
        (b"\xff\xfe", "corrupt", "session_corrupt"),
        (b'{"format": "trainlab-session", "version": 99}', "newer", "session_newer"),
        (b'{"format": "trainlab-session", "version": 1, "id": 3}', "corrupt", "session_corrupt"),
        (b"[]", "corrupt", "session_corrupt"),
    ],
)
def test_a_damaged_or_newer_session_is_set_aside_never_overwritten(tmp_path, content, kind, code):
    store = SessionStore(tmp_path)
    bad = tmp_path / "20260101-000000-abcdef.json"
    bad.write_bytes(content)
    with pytest.raises(SessionError) as raised:
        store.read(bad)
    assert raised.value.code == code
    assert not bad.exists()
    (aside,) = tmp_path.iterdir()
    assert aside.name.startswith(f"{bad.name}.{kind}-") and aside.read_bytes() == content
    assert store.notices == [raised.value] and raised.value.params["aside"] == aside.name


def test_the_last_session_skips_one_in_use_and_sets_aside_a_bad_one(tmp_path) -> None:
    import os
    import time

    store = SessionStore(tmp_path)
    old = store.write(a_session())
    newer = store.write(Session.new(preset()))
    bad = tmp_path / "20990101-000000-zzzzzz.json"
    bad.write_text("{")
    for age, path in enumerate((store.path(old.id), store.path(newer.id), bad)):
        os.utime(path, (time.time() - 100 + age, time.time() - 100 + age))
    other = SessionStore(tmp_path)  # another window, with the newer session open
    assert other.lock(newer.id)
    assert store.latest() == old
    assert [p.name.split(".json.")[1][:7] for p in tmp_path.glob("*.json.*")] == ["corrupt"]
    other.unlock(newer.id)
    assert store.latest() == newer


def test_an_unwritable_folder_is_said_once_and_the_app_goes_on(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    told: list[SessionError] = []
    keeper = SessionKeeper(SessionStore(blocker / "sessions"), a_session(), told.append)
    keeper.flush("quit")
    keeper.log([Event(1, Remove("x"))])
    keeper.flush("quit")
    keeper.close()
    assert [error.code for error in told] == ["session_unwritable"]


def test_the_keeper_writes_what_changed_and_the_last_state_wins(tmp_path) -> None:
    store = SessionStore(tmp_path)
    keeper = SessionKeeper(store, Session.new(preset()))
    keeper.log([Event(5, Remove("bn"))])
    keeper.update(step=9, selected="tanh")
    final = keeper.flush("quit")
    keeper.close()
    again = store.read(store.path(final.id))
    assert (again.step, again.selected, again.ended) == (9, "tanh", "quit")
    assert again.events == (Event(5, Remove("bn")),)
    assert not (tmp_path / f"{final.id}.lock").exists()  # released for another window


def test_a_scenario_keeps_the_files_text_and_its_data_folder(tmp_path) -> None:
    from presets.loader import load_scenario

    rows = "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40))
    (tmp_path / "d.csv").write_text("a,b,label\n" + rows)
    config = tmp_path / "mine.toml"
    config.write_text(
        'layers = [4]\nsteps = 5\n[data]\nname = "csv"\npath = "d.csv"\nlabel_column = "label"\n'
    )
    scenario = Scenario.of(load_scenario(str(config)))
    config.unlink()  # gone since: the session still has it
    assert scenario.preset().base.data.path == str(tmp_path / "d.csv")
    assert scenario.preset().run_configs() == load_scenario_text(scenario)


def load_scenario_text(scenario: Scenario):
    return scenario.preset().run_configs()
