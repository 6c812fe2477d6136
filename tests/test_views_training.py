"""What the training process measures for the views, driven in-process by a scripted pipe
on the test's own clock (the helpers of test_trainer.py): the gradient noise only while
the screen shows it, and for 1-D data every run's fitted curve."""

from __future__ import annotations

import numpy as np
from test_trainer import ScriptedPipe, SimulatedClock, snapshots

from nn import Comparison, RunConfig
from tui.training.loop import TrainingLoop
from tui.training.protocol import Command, Pause, Result, Toggle, Watch


def loop(comparison: Comparison, script: list[tuple[int, Command]]) -> list[Result]:
    sent: list[Result] = []
    clock = SimulatedClock(comparison)
    TrainingLoop(comparison, ScriptedPipe(script), sent.append, clock=clock).run()
    return sent


def measured(news) -> list[bool]:
    """Per snapshot: whether it brought a gradient noise measured at its own step."""
    return [bool(np.isfinite(item.snapshot.runs[0].history.gradient_noise[-1])) for item in news]


def test_the_gradient_noise_is_measured_only_while_the_screen_shows_it() -> None:
    base = RunConfig(name="batch-8", layers=(8,), batch_size=8, steps=100_000, seed=0)
    comparison = Comparison.from_variants(base, {"batch-64": {"batch_size": 64}})
    script: list[tuple[int, Command]] = [
        (1, Toggle()),  # training, the noise not on screen
        (40, Watch("batch-8", False, True)),  # the Noise tab opens
        (80, Watch("batch-8", False, False)),  # ... and closes
        (120, Pause()),
    ]
    news = snapshots(loop(comparison, script))
    opened = next(i for i, item in enumerate(news) if item.handled >= 2)
    closed = next(i for i, item in enumerate(news) if item.handled >= 3)
    before, during, after = news[:opened], news[opened:closed], news[closed:]
    assert before and during and after
    assert not any(measured(before)) and not any(measured(after))
    assert any(measured(during))
    # each run at its own batch size, both measured at once
    last = next(item for item in reversed(during) if measured([item]))
    assert all(np.isfinite(run.history.gradient_noise[-1]) for run in last.snapshot.runs)


def test_1d_data_sends_every_runs_curve_and_2d_data_the_selected_runs_regions() -> None:
    for data, names in (
        ({"name": "sine", "samples": 40}, ["base", "l2"]),
        ({"name": "spiral", "samples": 90}, ["l2"]),
    ):
        task = {"loss": "mse", "output": "linear"} if data["name"] == "sine" else {}
        base = RunConfig(layers=(8,), steps=100, seed=0).with_changes(data=data, **task)
        comparison = Comparison.from_variants(base, {"l2": {"l2": 0.01}})
        news = snapshots(loop(comparison, [(1, Watch("l2", True, False))]))
        grids = news[-1].grids
        assert grids is not None and list(grids) == names, data
        selected = grids["l2"]
        assert news[-1].boundary is selected
        xs, ys, outputs = selected
        assert outputs.shape[:2] == (len(ys), len(xs))
