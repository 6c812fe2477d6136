"""A run's history as it grows: snapshots keep what they showed, receivers rebuild it whole."""

from __future__ import annotations

import numpy as np
import pytest

from nn import Comparison, RunConfig
from nn.snapshot import HISTORY_FIELDS, History, HistoryBuffer


def row(step: int, loss: float = 1.0) -> dict[str, float]:
    values = {name: loss for name in HISTORY_FIELDS}
    values["step"] = step
    return values


def columns(history: History) -> dict[str, list[float]]:
    return {name: getattr(history, name).tolist() for name in HISTORY_FIELDS}


def test_a_point_at_the_last_step_replaces_it_and_earlier_views_keep_theirs() -> None:
    buffer = HistoryBuffer()
    buffer.record(row(0, 3.0))
    buffer.record(row(5, 2.0))
    before = buffer.view()
    buffer.record(row(5, 1.5))  # measured again at step 5
    buffer.record(row(9, 1.0))
    assert before.step.tolist() == [0, 5] and before.train_loss.tolist() == [3.0, 2.0]
    after = buffer.view()
    assert after.step.tolist() == [0, 5, 9] and after.train_loss.tolist() == [3.0, 1.5, 1.0]
    assert after.step.dtype == np.int64 and after.train_loss.dtype == np.float64
    with pytest.raises(ValueError):
        after.train_loss[0] = 0.0  # views are read-only: a snapshot is immutable


def test_growing_past_the_first_arrays_keeps_every_point() -> None:
    buffer = HistoryBuffer()
    views = []
    for step in range(300):
        buffer.record(row(step, float(step)))
        views.append(buffer.view())
    assert [len(view.step) for view in views] == list(range(1, 301))
    assert all(view.test_loss.tolist() == list(range(len(view.step))) for view in views)


def test_extending_from_a_start_rebuilds_what_the_sender_holds() -> None:
    sender, receiver = HistoryBuffer(), HistoryBuffer()
    sent = 0
    for step, loss in [(0, 3.0), (4, 2.0), (4, 1.8), (8, 1.0), (12, 0.5), (12, 0.4)]:
        sender.record(row(step, loss))
        whole = sender.view()
        start = max(sent - 1, 0)  # the last point sent goes again, as TrainingLoop sends it
        receiver.extend(start, whole.since(start))
        sent = len(whole.step)
        assert columns(receiver.view()) == columns(whole)
    with pytest.raises(ValueError):
        receiver.extend(receiver.length + 1, whole.since(0))


def test_snapshots_already_taken_keep_their_history(spiral) -> None:
    config = RunConfig(name="run", layers=(8,), dtype="float64", batch_size=16)
    comparison = Comparison([config], spiral)
    first = comparison.snapshot(layers=False).run("run").history
    comparison.step(3)
    second = comparison.snapshot(layers=False).run("run").history
    comparison.snapshot(layers=True)  # the same step again: replaces its point
    assert first.step.tolist() == [0]
    assert second.step.tolist() == [0, 3] and np.isnan(second.effective_step[-1])
    assert comparison.snapshot(layers=False).run("run").history.step.tolist() == [0, 3]


def test_advancing_a_snapshot_moves_only_the_runs_still_training(spiral) -> None:
    base = RunConfig(name="calm", layers=(8,), batch_size=16, steps=1000)
    runs = [base, base.with_changes(name="wild", lr=1e6, activation="linear", optimizer="sgd")]
    comparison = Comparison(runs, spiral)
    comparison.step(20)
    snapshot = comparison.snapshot(layers=False)
    assert snapshot.run("wild").status == "diverged"
    later = snapshot.advanced_to(40)
    calm = later.run("calm")
    assert calm.step == 40 and calm.epoch == pytest.approx(2 * snapshot.run("calm").epoch)
    assert calm.train_loss == snapshot.run("calm").train_loss  # nothing else is known yet
    assert later.run("wild") == snapshot.run("wild")  # it stopped where it diverged
    assert snapshot.run("calm").step == 20  # the snapshot itself is unchanged
