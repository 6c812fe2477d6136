"""A session survives a dropped link: the real app, in a pseudo-terminal, is sent SIGHUP
mid-training, `trainlab --resume` brings it back, it trains on, and every run is bit for bit
what an uninterrupted run gives (its parameters, and its history at every point it
measured, but for the seconds spent).

The budget is the largest a run may have, so that however fast the machine trains, the
signal comes mid-training: every wait is for a step the app has reached, never a time."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import numpy as np
import pytest
from pty_app import FIRST_FRAME, PtyApp

from nn import checkpoint
from nn.comparison import Comparison
from nn.config import MAX_STEPS
from nn.snapshot import HISTORY_FIELDS
from presets.loader import load_scenario
from tui.training.protocol import Change

BUDGET = MAX_STEPS
PRESET = f"""
title = "Resume me"
title_ko = "이어 하기"
[base]
name = "relu"
layers = [8]
optimizer = {{ name = "adam", lr = 0.01 }}
batch_size = 16
steps = {BUDGET}
data = {{ name = "spiral", samples = 150, noise = 0.1, classes = 3 }}
[variants.tanh]
activation = "tanh"
dropout = 0.1
[[timeline]]
step = 100
change = {{ lr = 0.005 }}
"""


@pytest.fixture
def place(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    preset = tmp_path / "resume-me.toml"
    preset.write_text(PRESET, encoding="utf-8")
    env = {"TRAINLAB_STATE": str(tmp_path / "state"), "TRAINLAB_HISTORY": str(tmp_path / "h.db")}
    return preset, env


def session(env: dict[str, str]) -> dict:
    """The one session file there is (as the app last wrote it), or {} before the first."""
    files = list((Path(env["TRAINLAB_STATE"]) / "sessions").glob("*.json"))
    return json.loads(files[0].read_text(encoding="utf-8")) if files else {}


def test_sighup_mid_training_then_resume_goes_on_bit_for_bit(place) -> None:
    preset_file, env = place
    with PtyApp(str(preset_file), env=env) as app:
        app.wait_for_output(FIRST_FRAME)
        app.press(" ")
        app.wait_until(lambda: session(env).get("step", 0) >= 300, "training to get going")
        app.press("]")  # a live change, at whatever step training has reached: lr × 2
        app.wait_until(lambda: session(env).get("events"), "the change to be kept")
        changed_at = session(env)["events"][0]["step"]
        app.wait_until(lambda: session(env)["step"] >= changed_at + 300, "more training")
        app.send(signal.SIGHUP)
        assert app.wait() == 128 + signal.SIGHUP
    cut = session(env)
    assert cut["ended"] == "hangup" and 0 < cut["step"] < BUDGET  # cut off mid-training
    # the timeline had set 0.005 at step 100; `]` doubled it
    assert cut["events"] == [{"step": changed_at, "change": {"lr": 0.01}, "run": "relu"}]
    folder = Path(env["TRAINLAB_STATE"]) / "sessions"
    assert (folder / cut["checkpoint"]).is_file()  # resuming is quick: no replay

    with PtyApp("--resume", env=env) as app:
        app.wait_for_output(FIRST_FRAME)
        app.wait_for_output(b"back at step")  # paused where it was
        app.wait_until(lambda: b"%d" % cut["step"] in app.output, "the step it had reached")
        app.press(" ")
        app.wait_until(lambda: session(env)["step"] >= cut["step"] + 500, "training on")
        app.press("q")
        assert app.wait() == 0
    done = session(env)
    assert done["id"] == cut["id"] and done["ended"] == "quit" and done["step"] > cut["step"]
    resumed = checkpoint.load(folder / done["checkpoint"])
    assert resumed.step_count == done["step"]
    points = sorted(set(resumed.run("relu").history.view().step.tolist()))
    assert points[0] < cut["step"] < points[-1]  # measured before and after the cut
    assert_as_if_never_stopped(resumed, load_scenario(preset_file), cut["events"], points)


def assert_as_if_never_stopped(
    resumed: Comparison, preset, events: list[dict], points: list[int]
) -> None:
    """Train the scenario in one go, the student's change at its step, measuring where the
    app measured; compare everything but the time spent."""
    reference = preset.comparison()
    changes = [(event["step"], Change(event["run"], event["change"])) for event in events]
    end = resumed.step_count
    for step in [*points, end]:
        while changes and changes[0][0] <= step:
            at, change = changes.pop(0)
            reference.step(at - reference.step_count)
            reference.change(change.run, **change.changes)
            reference.apply_changes()  # as the app applies a key: when it is handled
        reference.step(step - reference.step_count)
        if step in points:
            reference.snapshot(layers=False)
    assert reference.step_count == end
    assert reference.changes == resumed.changes
    ours, theirs = resumed.snapshot(layers=False), reference.snapshot(layers=False)
    for name in reference.names:
        mine, other = resumed.parameters(name), reference.parameters(name)
        for key in other:
            assert np.array_equal(mine[key], other[key]), (name, key)
        for column in HISTORY_FIELDS:
            if column != "seconds":
                np.testing.assert_array_equal(
                    getattr(ours.run(name).history, column),
                    getattr(theirs.run(name).history, column),
                    err_msg=f"{name}.{column}",
                )
