"""Fixtures for the app tests: small, fast presets and helpers to wait on the trainer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
import textual.app
import textual.pilot
from textual.pilot import Pilot

import tui.widgets.caption as caption_module
from presets.loader import parse_preset
from presets.preset import Preset
from tui.app import TrainlabApp
from tui.screens.main import MainScreen
from tui.widgets.charts_panel import ChartsPanel
from tui.widgets.runs_table import RunsTable

TINY = """
title = "Tiny test preset"
title_ko = "작은 시험용 프리셋"
summary = "Two tiny nets on a small spiral."
snapshot_every = 10

[base]
name = "base"
layers = [8]
activation = "relu"
init = "he"
optimizer = {{ name = "adam", lr = 0.01 }}
batch_size = 16
steps = {steps}
data = {{ name = "spiral", samples = 150, noise = 0.1, classes = 3 }}

[variants.tanh]
activation = "tanh"
{extra}
[[timeline]]
step = 0
caption = "Two tiny nets on a small spiral."
caption_ko = "작은 나선형 데이터 위의 작은 두 모델."

[[timeline]]
step = 5
caption = "Five steps in."
caption_ko = "다섯 스텝째."
"""

DIVERGING = """
[variants.boom]
lr = 1e30
"""  # NaN within a few steps; plain SGD at lr 1e6 only reaches a huge, finite loss


ONE_CLAIM = """
[[claims]]
id = "1"
text = "The base run trains."
left = { run = "base", metric = "train_loss" }
op = "<"
right = 100
"""  # a claim for tiny_preset's `extra`


def tiny_preset(steps: int = 1_000_000, extra: str = "") -> Preset:
    """A preset that trains thousands of steps a second and never ends during a test."""
    return parse_preset(TINY.format(steps=steps, extra=extra), "tiny", "tests/ui/conftest.py")


@pytest.fixture(autouse=True)
def fast_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot waits after each key until the whole *process* is idle (up to 2 s a key), which
    never happens while the training thread runs. Waiting for the screen is enough here."""

    async def briefly(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
        await asyncio.sleep(0.005)

    monkeypatch.setattr(textual.app, "wait_for_idle", briefly)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", briefly)


@pytest.fixture
def preset() -> Preset:
    return tiny_preset()


@pytest.fixture
def app(preset: Preset) -> TrainlabApp:
    return TrainlabApp(preset)


@pytest.fixture
def no_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    """steps/s depends on the machine: hide it from snapshot tests."""
    monkeypatch.setattr(RunsTable, "show_speed", False)


def main_screen(pilot: Pilot) -> MainScreen:
    screen = pilot.app.main_screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return screen


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Let the app run until `condition` holds (the trainer posts from its own process).
    The timeout only stops a hung test: a loaded machine may take many seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {condition}")
        await pilot.pause(0.02)


async def charts_drawn(pilot: Pilot) -> None:
    """Until the charts' 4 Hz timer has handed the visible chart the last snapshot and its
    worker thread has drawn it."""
    panel = pilot.app.screen.query_one(ChartsPanel)
    await wait_for(pilot, lambda: panel.settled)


async def ready(pilot: Pilot, timeout: float = 60.0) -> MainScreen:
    """The main screen once the trainer's first snapshot has been shown."""
    screen = main_screen(pilot)
    await wait_for(pilot, lambda: screen.snapshot is not None, timeout)
    return screen


class ReadingClock:
    """The captions' clock, moved by the test: a caption stays its reading time on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def reading_clock(monkeypatch: pytest.MonkeyPatch) -> ReadingClock:
    """Captions timed by the test, not by the wall clock."""
    clock = ReadingClock()
    monkeypatch.setattr(caption_module, "now", clock)
    return clock


class StandInTrainer:
    """What the screen asks of a Trainer beyond sending commands, for the tests' trainers
    that run the training loop in the test's own process: the session's log and step, and
    a process that is never there to stop or relay."""

    def __init__(self, post) -> None:
        self.post, self.sent, self.process = post, 0, None
        self.logged, self.saved, self.step = [], None, 0  # what the session keeps
        self.alive, self.ended = True, False

    def send(self, command) -> int:
        self.sent += 1
        self.queue_command(command)
        return self.sent

    def queue_command(self, command) -> None:
        raise NotImplementedError

    def watch(self, selected, *wants) -> None:
        pass  # the charts' wishes: not what these tests are about

    def stop(self, timeout: float | None = None) -> None:
        self.alive = False

    def wait_relayed(self, timeout: float) -> bool:
        return True

    def relay(self) -> None:
        pass
