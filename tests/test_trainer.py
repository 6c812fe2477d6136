"""The training process's loop, driven here in-process by a scripted pipe and on a clock of
the test's own, so that nothing depends on the machine's speed: what it sends, and how the
interface's side rebuilds it, starts it and stops it."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
import time
from typing import Any

import numpy as np
import pytest

from nn import Comparison, RunConfig
from nn.snapshot import HISTORY_FIELDS, MEASURING_SHARE, HistoryBuffer
from presets.loader import parse_preset
from presets.preset import Preset
from tui.messages import SnapshotReady, TrainerNotice
from tui.training.loop import TrainingLoop
from tui.training.protocol import (
    Add,
    Change,
    Command,
    Notice,
    Pause,
    Progress,
    Remove,
    Reset,
    Result,
    SnapshotNews,
    Step,
    Stop,
    Toggle,
    Watch,
)
from tui.training.trainer import Trainer, whole_histories


class ScriptedPipe:
    """The command end of the pipe: each command arrives at the given look (poll) of the
    loop, counting from 1; Stop comes once the script is played and the loop waits."""

    def __init__(self, script: list[tuple[int, Command]]) -> None:
        self.script = sorted(script, key=lambda item: item[0])
        self.looks = 0

    def poll(self, timeout: float = 0.0) -> bool:
        self.looks += 1
        if not self.script and timeout:
            self.script.append((0, Stop()))
        return bool(self.script) and self.script[0][0] <= self.looks

    def recv(self) -> Command:
        return self.script.pop(0)[1]


class SimulatedClock:
    """Time as the loop's work would spend it on no machine in particular: each step
    trained costs `per_step` seconds, each snapshot `per_snapshot` (of CPU time too), and
    nothing else takes any."""

    def __init__(
        self, comparison: Comparison, per_step: float = 1e-3, per_snapshot: float = 1e-3
    ) -> None:
        self.now = self.cpu_now = 0.0
        step, snapshot = comparison.step, comparison.snapshot

        def timed_step(n: int = 1) -> None:
            before = comparison.step_count
            step(n)
            self.advance((comparison.step_count - before) * per_step)

        def timed_snapshot(*args: Any, **kwargs: Any):
            self.advance(per_snapshot)
            return snapshot(*args, **kwargs)

        comparison.step = timed_step  # type: ignore[method-assign]
        comparison.snapshot = timed_snapshot  # type: ignore[method-assign]

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.cpu_now += seconds

    def wall(self) -> float:
        return self.now

    def cpu(self) -> float:
        return self.cpu_now


def comparison(steps: int = 400) -> Comparison:
    base = RunConfig(name="relu", layers=(8,), batch_size=16, steps=steps)
    return Comparison.from_variants(base, {"tanh": {"activation": "tanh"}})


def loop_on_a_clock(
    script: list[tuple[int, Command]], steps: int = 400, **costs: float
) -> tuple[TrainingLoop, list[Result]]:
    sent: list[Result] = []
    trained = comparison(steps)
    clock = SimulatedClock(trained, **costs)
    return TrainingLoop(trained, ScriptedPipe(script), sent.append, clock=clock), sent


def snapshots(sent: list[Result]) -> list[SnapshotNews]:
    return [result for result in sent if isinstance(result, SnapshotNews)]


def test_the_training_process_loads_no_textual() -> None:
    """The process imports the loop (and what it sends) only: no Textual to load."""
    code = (
        "import json, sys; import tui.training.loop, tui.training.protocol, "
        "tui.training.intended; print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert "tui.training.loop" in loaded
    assert [name for name in loaded if name.split(".")[0] in ("textual", "rich")] == []


def test_a_watch_that_changes_nothing_sends_nothing() -> None:
    """The screen repeats its watch after every snapshot: answering each with a snapshot
    would start a loop of them, at the cost of most of the training's time."""
    watch = Watch("tanh", True)
    loop, sent = loop_on_a_clock([(1, watch), (3, watch), (5, watch)])
    loop.run()
    news = snapshots(sent)
    assert len(news) == 2  # the first, then one for the new watch, with its boundary
    assert news[0].boundary is None and news[1].boundary is not None
    assert [item.handled for item in news] == [0, 2]  # the second came in the same batch
    assert loop.handled == 4  # the unanswered watches count all the same (and Stop)


def test_every_snapshot_counts_the_commands_handled_before_it() -> None:
    """The screen replays the commands a snapshot has not seen: it needs their count."""
    script: list[tuple[int, Command]] = [
        (1, Change("relu", {"lr": 0.02})),
        (1, Change("relu", {"lr": 0.04})),  # both in one batch: one snapshot
        (10, Step()),  # a step answers at once, counting itself
        (10, Pause()),  # ... and what follows in its batch gets a snapshot of its own
        (20, Toggle()),
        (20, Toggle()),
    ]
    loop, sent = loop_on_a_clock(script)
    loop.run()
    news = snapshots(sent)
    assert [(item.handled, item.step) for item in news] == [(0, 0), (2, 0), (3, 1), (4, 1), (6, 1)]
    assert news[1].configs[0].optimizer.lr == 0.04


def test_a_refused_command_is_told_and_the_rest_carried_out() -> None:
    script: list[tuple[int, Command]] = [
        (1, Remove("nobody")),
        (1, Change("relu", {"layers": (4,)})),  # not a live setting
        (1, Change("relu", {"dropout": 1.5})),
        (1, Add(RunConfig(name="tanh", layers=(8,), batch_size=16))),  # the name is taken
        (1, Change("tanh", {"dropout": 0.2})),
    ]
    loop, sent = loop_on_a_clock(script)
    loop.run()
    notices = [(item.key, item.severity) for item in sent if isinstance(item, Notice)]
    assert notices == [
        ("remove_failed", "error"),
        ("change_failed", "error"),
        ("change_failed", "error"),
        ("add_failed", "error"),
    ]
    last = snapshots(sent)[-1]
    assert [config.name for config in last.configs] == ["relu", "tanh"]
    assert [config.dropout for config in last.configs] == [0.0, 0.2]
    assert last.handled == 5


def test_a_change_and_then_the_removal_of_its_run_in_one_batch() -> None:
    """Keys pressed faster than the loop looks: the change lands, then the run goes."""
    script: list[tuple[int, Command]] = [
        (1, Change("tanh", {"dropout": 0.2})),
        (1, Remove("tanh")),
        (1, Step()),
    ]
    loop, sent = loop_on_a_clock(script)
    loop.run()
    last = snapshots(sent)[-1]
    assert [config.name for config in last.configs] == ["relu"] and last.step == 1
    assert not [item for item in sent if isinstance(item, Notice)]


def test_a_reset_keeps_the_users_changes_and_plays_the_timeline_again() -> None:
    """What a reset starts from (`restarts`) is reported, so the screen can predict it."""
    script: list[tuple[int, Command]] = [
        (1, Change("relu", {"lr": 0.5})),
        (1, Toggle()),
        (30, Reset({"tanh": {"layers": (4, 4)}})),
    ]
    loop, sent = loop_on_a_clock(script)
    loop.comparison.at_step(3, "tanh", dropout=0.5)  # the timeline's change
    loop.label_interval = lambda: 0.0  # type: ignore[method-assign]  # a snapshot a chunk
    loop.MAX_CHUNK = 2
    loop.run()
    news = snapshots(sent)
    before = [item for item in news if item.step > 3][-1]
    assert before.configs[1].dropout == 0.5 and before.restarts[1].dropout == 0.0
    assert before.configs[0].optimizer.lr == before.restarts[0].optimizer.lr == 0.5
    after = news[-1]
    assert after.step == 0 and after.configs == after.restarts
    relu, tanh = after.configs
    assert relu.optimizer.lr == 0.5 and tanh.dropout == 0.0 and tanh.layers == (4, 4)


def test_the_interface_sees_whole_histories_though_the_child_sends_only_new_points() -> None:
    received: list[tuple[list[int], list[int]]] = []
    histories: dict[str, HistoryBuffer] = {}
    script: list[tuple[int, Command]] = [
        (1, Toggle()),
        (40, Pause()),
        (41, Step()),
        (42, Reset()),  # back to step 0: histories start again
        (43, Toggle()),
        (60, Remove("tanh")),
    ]
    loop, _ = loop_on_a_clock(script)
    trained = loop.comparison

    def send(item: Result) -> None:
        if not isinstance(item, SnapshotNews):
            return
        item = pickle.loads(pickle.dumps(item))  # as through the pipe
        whole = whole_histories(item.snapshot, item.starts, histories)
        assert whole.names == tuple(trained.names)
        for run, seen in zip(trained.runs, whole.runs, strict=True):
            expected = run.history.view()  # the child's own, whole
            for name in HISTORY_FIELDS:
                np.testing.assert_array_equal(getattr(seen.history, name), getattr(expected, name))
        counts = [len(run.history.step) for run in item.snapshot.runs]
        received.append((counts, list(item.starts)))

    loop.send = send
    loop.label_interval = lambda: 0.0  # type: ignore[method-assign]  # a snapshot a chunk
    loop.MAX_CHUNK = 5  # so that every command comes while the runs train
    loop.run()
    assert trained.done and trained.names == ["relu"] and len(received) > 50
    assert max(max(counts) for counts, _ in received) <= 2  # the last sent, and a new one
    assert any(starts == [0, 0] for _, starts in received[1:])  # the reset


def test_slow_snapshots_come_less_often_so_training_keeps_most_of_the_time() -> None:
    loop, _ = loop_on_a_clock([], per_snapshot=0.01)  # small nets: five snapshots a second
    loop._publish(detail=False)  # what a snapshot costs is measured as it is taken
    assert loop._publish_seconds == pytest.approx(0.01)
    assert loop.label_interval() == TrainingLoop.LABEL_INTERVAL
    loop, _ = loop_on_a_clock([], per_snapshot=1.0)  # 32 image nets: a second a snapshot
    loop._publish(detail=False)
    assert loop.label_interval() == pytest.approx(1.0 / MEASURING_SHARE)


def test_between_slow_snapshots_the_step_count_still_goes_out() -> None:
    """Snapshots costing a second each come every 1/MEASURING_SHARE seconds of training;
    in between, the step count goes out every LABEL_INTERVAL, so captions come on time."""
    loop, sent = loop_on_a_clock([(1, Toggle())], steps=20_000, per_step=1e-3, per_snapshot=1.0)
    send = loop.send

    def stop_at_the_third_snapshot(item: Result) -> None:
        send(item)
        loop.stopped = len(snapshots(sent)) == 3

    loop.send = stop_at_the_third_snapshot
    loop.run()
    kinds = [type(item).__name__ for item in sent]
    first = kinds.index("Progress")
    # at the start, on Toggle; then the step count alone, until a snapshot is due again
    assert kinds[:first] == ["SnapshotNews", "SnapshotNews"] and kinds[-1] == "SnapshotNews"
    progress = [item.step for item in sent if isinstance(item, Progress)]
    assert kinds[first:-1] == ["Progress"] * len(progress)
    assert progress == sorted(progress) and progress[0] > 0
    interval_steps = TrainingLoop.LABEL_INTERVAL / 1e-3  # 0.2 s of 1 ms steps
    gaps = np.diff(progress)
    assert gaps.min() >= interval_steps and gaps.max() <= interval_steps + loop.MAX_CHUNK
    # a snapshot costs 1 s: the next is due after 1 s / MEASURING_SHARE
    due = 1.0 / MEASURING_SHARE
    assert len(progress) == pytest.approx((due - 1.0) / TrainingLoop.LABEL_INTERVAL, abs=2)


def test_a_single_step_sends_one_snapshot_not_two() -> None:
    """Each "s" is seen, by one snapshot: with 32 image nets a second one costs a second."""
    loop, sent = loop_on_a_clock([(1, Step()), (3, Step())])
    loop.run()
    assert [item.step for item in snapshots(sent)] == [0, 1, 2]


# -- the interface's handle: starting and stopping a real process ------------------------


TINY = """
title = "Tiny"
summary = "Two tiny nets."
[base]
name = "base"
layers = [8]
batch_size = 16
steps = 1000000
data = {{ name = "{data}", samples = 150, path = "{path}" }}
[variants.tanh]
activation = "tanh"
"""


def tiny(data: str = "spiral", path: str = "") -> Preset:
    return parse_preset(TINY.format(data=data, path=path), "tiny", "tests/test_trainer.py")


def alarms(posted: list[Any]) -> list[str]:
    return [m.key for m in posted if isinstance(m, TrainerNotice) and m.key == "trainer_ended"]


def wait_until(condition, timeout: float = 60.0) -> None:
    """For a real process to start (a fresh interpreter): a bound, not a measurement."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the training process never answered"
        time.sleep(0.01)


def test_stopping_is_no_alarm_however_soon_the_process_ends() -> None:
    """The worst order of events: the process ends and the relay sees it before `stop`
    goes on after sending Stop. Stopping was marked before, so nothing is reported."""
    posted: list[Any] = []
    trainer = Trainer(tiny(), posted.append)
    write = trainer._write

    def write_then_relay_to_the_end(command: Command) -> None:
        write(command)
        if isinstance(command, Stop):
            trainer.process.join(30)
            trainer.relay()

    trainer._write = write_then_relay_to_the_end  # type: ignore[method-assign]
    trainer.stop()
    assert not trainer.process.is_alive()
    assert any(isinstance(message, SnapshotReady) for message in posted)
    assert alarms(posted) == []


def test_a_start_that_fails_is_told_once_and_is_no_crash(tmp_path) -> None:
    posted: list[Any] = []
    trainer = Trainer(tiny("csv", str(tmp_path / "missing.csv")), posted.append)
    relay = threading.Thread(target=trainer.relay)
    relay.start()
    wait_until(lambda: bool(posted))
    trainer.send(Toggle())  # keys before the user gives up: ignored, no harm
    trainer.stop()
    relay.join(30)
    assert [(m.key, m.severity) for m in posted] == [("start_failed", "error")]
    assert "missing.csv" in str(posted[0].detail)  # the error itself, with its code


def test_a_process_that_dies_is_reported() -> None:
    posted: list[Any] = []
    trainer = Trainer(tiny(), posted.append)
    relay = threading.Thread(target=trainer.relay)
    relay.start()
    wait_until(lambda: bool(posted))
    trainer.process.kill()  # as the kernel's OOM killer would
    relay.join(30)
    assert alarms(posted) == ["trainer_ended"]
    trainer.stop()
