"""A comparison saved mid-training and loaded again goes on bit for bit as if never
stopped: parameters, optimizer state, batch-norm statistics, random streams (batch order,
dropout masks), the place in the epoch, statuses and histories."""

from __future__ import annotations

import numpy as np
import pytest

from nn import Comparison, RunConfig, checkpoint
from nn.comparison import BatchSampler
from nn.snapshot import HISTORY_FIELDS


def configs() -> list[RunConfig]:
    base = RunConfig(name="adam", layers=(8, 8), batch_size=16, steps=400).with_changes(
        optimizer="adam", lr=0.01
    )
    return [
        base,
        base.with_changes(name="momentum", optimizer="momentum", dropout=0.3),
        base.with_changes(name="bn", batch_norm=True, optimizer="sgd", lr=0.1),
        base.with_changes(name="gd", batch_size="full", activation="tanh", seed=3),
        base.with_changes(name="boom", optimizer="sgd", lr=1e30),  # diverges early
    ]


def play(comparison: Comparison, start: int, stop: int) -> None:
    """The same script, whoever plays it: live changes, a run added and one removed."""
    for step in range(start, stop, 10):
        if step == 30:
            comparison.change("adam", lr=0.003)
        if step == 60:
            comparison.add_run(configs()[0].with_changes(name="late", l2=1e-3))
        if step == 90:
            comparison.remove_run("momentum")
        comparison.step(10)
        comparison.snapshot(layers=step % 20 == 0)


def assert_same(first: Comparison, second: Comparison) -> None:
    assert first.names == second.names and first.step_count == second.step_count
    assert first.changes == second.changes
    ours, theirs = first.snapshot(), second.snapshot()
    for name in first.names:
        mine, other = first.parameters(name), second.parameters(name)
        assert all(np.array_equal(mine[key], other[key]) for key in mine), name
        a, b = ours.run(name), theirs.run(name)
        assert (a.step, a.status, a.diverged_step) == (b.step, b.status, b.diverged_step)
        for column in HISTORY_FIELDS:
            if column != "seconds":  # time spent differs; everything measured does not
                np.testing.assert_array_equal(
                    getattr(a.history, column), getattr(b.history, column)
                )


@pytest.mark.parametrize("stop_at", [20, 70, 100])
@pytest.mark.parametrize("copy_epoch", [True, False])
def test_a_saved_comparison_goes_on_bit_for_bit(tmp_path, spiral, monkeypatch, stop_at, copy_epoch):
    if not copy_epoch:  # the sampler that gathers batch by batch (large data sets)
        monkeypatch.setattr(BatchSampler, "EPOCH_COPY_BYTES", 0)
    uninterrupted = Comparison(configs(), spiral)
    play(uninterrupted, 0, 150)

    interrupted = Comparison(configs(), spiral)
    play(interrupted, 0, stop_at)
    checkpoint.save(interrupted, tmp_path / "session.npz")
    del interrupted
    resumed = checkpoint.load(tmp_path / "session.npz", spiral)
    play(resumed, stop_at, 150)
    assert_same(resumed, uninterrupted)
    assert resumed.run("boom").status == "diverged"


def test_a_corrupt_or_newer_checkpoint_is_refused_with_a_message(tmp_path, spiral):
    comparison = Comparison(configs()[:1], spiral)
    path = tmp_path / "session.npz"
    checkpoint.save(comparison, path)
    path.write_bytes(path.read_bytes()[:200])  # cut short, as by a full disk
    with pytest.raises(checkpoint.CheckpointError, match="not a readable checkpoint"):
        checkpoint.load(path, spiral)
    with path.open("wb") as handle:
        np.savez(handle, meta=np.array('{"version": 99}'))
    with pytest.raises(checkpoint.CheckpointError, match="version 99"):
        checkpoint.load(path, spiral)


def test_saving_leaves_no_temporary_file_and_replaces_the_old_one(tmp_path, spiral):
    comparison = Comparison(configs()[:1], spiral)
    path = tmp_path / "session.npz"
    checkpoint.save(comparison, path)
    comparison.step(5)
    checkpoint.save(comparison, path)
    assert [p.name for p in tmp_path.iterdir()] == ["session.npz"]
    assert checkpoint.load(path, spiral).step_count == 5
