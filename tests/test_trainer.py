"""The training loop of the app's child process, driven here in-process by a scripted pipe:
what it sends, and how the interface's side rebuilds it."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np

from nn import Comparison, RunConfig
from nn.snapshot import HISTORY_FIELDS, MEASURING_SHARE, HistoryBuffer
from tui.trainer import TrainingLoop, whole_histories


class ScriptedPipe:
    """The command end of the pipe: each command arrives at the given look (poll) of the
    loop, counting from 1; "stop" comes once the script is played and the loop waits."""

    def __init__(self, script: list[tuple[int, str, Any]]) -> None:
        self.script = sorted(script, key=lambda item: item[0])
        self.looks = 0

    def poll(self, timeout: float = 0.0) -> bool:
        self.looks += 1
        if not self.script and timeout:
            self.script.append((0, "stop", None))
        return bool(self.script) and self.script[0][0] <= self.looks

    def recv(self) -> tuple[str, Any]:
        _, command, argument = self.script.pop(0)
        return command, argument


def comparison(steps: int = 400) -> Comparison:
    base = RunConfig(name="relu", layers=(8,), batch_size=16, steps=steps)
    return Comparison.from_variants(base, {"tanh": {"activation": "tanh"}})


def test_a_watch_that_changes_nothing_sends_nothing() -> None:
    """The screen repeats its watch after every snapshot: answering each with a snapshot
    would start a loop of them, at the cost of most of the training's time."""
    sent: list[tuple] = []
    script = [
        (1, "watch", ("tanh", True)),
        (3, "watch", ("tanh", True)),
        (5, "watch", ("tanh", True)),
    ]
    TrainingLoop(comparison(), ScriptedPipe(script), sent.append).run()
    snapshots = [item for item in sent if item[0] == "snapshot"]
    assert len(snapshots) == 2  # the first, then one for the new watch, with its boundary
    assert snapshots[0][3] is None and snapshots[1][3] is not None


def test_the_interface_sees_whole_histories_though_the_child_sends_only_new_points() -> None:
    trained = comparison()
    received: list[tuple[list[dict[str, list]], list[int]]] = []
    histories: dict[str, HistoryBuffer] = {}

    def send(item: tuple) -> None:
        if item[0] != "snapshot":
            return
        item = pickle.loads(pickle.dumps(item))  # as through the pipe
        news, starts = item[1], item[2]
        whole = whole_histories(news, starts, histories)
        assert whole.names == tuple(trained.names)
        for run, seen in zip(trained.runs, whole.runs, strict=True):
            expected = run.history.view()  # the child's own, whole
            for name in HISTORY_FIELDS:
                np.testing.assert_array_equal(getattr(seen.history, name), getattr(expected, name))
        received.append(([len(run.history.step) for run in news.runs], list(starts)))

    script = [
        (1, "toggle", None),
        (40, "pause", None),
        (41, "step", None),
        (42, "reset", {}),  # back to step 0: histories start again
        (43, "toggle", None),
        (60, "remove", "tanh"),
    ]
    loop = TrainingLoop(trained, ScriptedPipe(script), send)
    loop.label_interval = lambda: 0.0  # a snapshot after every chunk
    loop.MAX_CHUNK = 5  # so that every command comes while the runs train
    loop.run()
    assert trained.done and trained.names == ["relu"] and len(received) > 50
    assert max(max(counts) for counts, _ in received) <= 2  # the last sent, and a new one
    assert any(starts == [0, 0] for _, starts in received[1:])  # the reset


def test_slow_snapshots_come_less_often_so_training_keeps_most_of_the_time() -> None:
    loop = TrainingLoop(comparison(), ScriptedPipe([]), lambda item: None)
    loop._publish_seconds = 0.01  # small nets: five label snapshots a second
    assert loop.label_interval() == TrainingLoop.LABEL_INTERVAL
    loop._publish_seconds = 1.0  # 32 image nets: a snapshot costs a second
    assert loop.label_interval() == 1.0 / MEASURING_SHARE
    loop._publish(detail=False)  # and what a snapshot costs is measured as it is taken
    assert 0 < loop._publish_seconds < 1.0


def test_between_slow_snapshots_the_step_count_still_goes_out() -> None:
    sent: list[tuple] = []
    loop = TrainingLoop(comparison(steps=20_000), ScriptedPipe([(1, "toggle", None)]), sent.append)
    loop.label_interval = lambda: 60.0  # as if each snapshot cost seconds
    loop.MAX_CHUNK = 50

    def send(item: tuple) -> None:
        sent.append(item)
        if len([i for i in sent if i[0] == "progress"]) == 3:
            loop.stopped = True

    loop.send = send
    loop.run()
    progress = [item[1] for item in sent if item[0] == "progress"]
    assert len(progress) == 3 and progress == sorted(progress) and progress[0] > 0
    assert [item[0] for item in sent].count("snapshot") == 2  # at the start, and on "toggle"


def test_a_single_step_sends_one_snapshot_not_two() -> None:
    """Each "s" is seen, by one snapshot: with 32 image nets a second one costs a second."""
    sent: list[tuple] = []
    script = [(1, "step", None), (3, "step", None)]
    TrainingLoop(comparison(), ScriptedPipe(script), sent.append).run()
    steps = [item[5] for item in sent if item[0] == "snapshot"]
    assert steps == [0, 1, 2]
