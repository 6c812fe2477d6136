"""Keys faster than the training process answers: a burst of any length ends where the
same keys pressed one at a time end, in what the screen shows and in what the training
process has (the configs its last snapshot reported)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from conftest import StandInTrainer, main_screen, ready, wait_for
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select

import tui.screens.main as main_module
from nn.config import RunConfig
from tui.app import TrainlabApp
from tui.messages import SnapshotReady, TrainerNotice
from tui.screens.main import MainScreen
from tui.training.loop import TrainingLoop
from tui.training.protocol import Command, Hold, Logged, Notice, SnapshotNews, Watch
from tui.training.trainer import whole_histories
from tui.widgets.runs_table import RunsTable
from tui.widgets.setup_form import SetupForm

KEY_NAMES = {"]": "right_square_bracket", "[": "left_square_bracket"}


def record_commands(screen: MainScreen) -> list[Command]:
    """The commands the screen sends from now on (what the charts watch, and where the
    captions hold training, aside: the keys' commands)."""
    assert screen.trainer is not None
    sent: list[Command] = []
    send = screen.trainer.send

    def recording(command: Command) -> int:
        if not isinstance(command, Watch | Hold):
            sent.append(command)
        return send(command)

    screen.trainer.send = recording  # type: ignore[method-assign]
    return sent


def settled(screen: MainScreen, sent: list[Command], count: int) -> bool:
    """Every key has sent its command, the process has answered them all, and the table
    shows the run the keys act on."""
    table = screen.query_one(RunsTable)
    return len(sent) == count and screen.intended.settled and screen.selected == table.selected


async def burst(pilot: Pilot, screen: MainScreen, keys: str, queued: bool = False) -> None:
    """All the keys, none waiting for an answer, as a terminal delivers a held key or a
    paste; then wait until the process has answered them all. Either each a turn of the
    event loop after the last, so that the answers to the first keys come in among the
    later ones (the case that lost keys), or all queued before the app handles the first."""
    sent = record_commands(screen)
    driver = pilot.app._driver
    assert driver is not None
    for char in keys:
        event = events.Key(KEY_NAMES.get(char, char), char)
        event.set_sender(pilot.app)
        driver.send_message(event)
        if not queued:
            await asyncio.sleep(0)
    await wait_for(pilot, lambda: settled(screen, sent, len(keys)))


async def one_at_a_time(pilot: Pilot, screen: MainScreen, keys: str) -> None:
    """Each key, then a wait until the process has answered it and the screen shows it."""
    sent = record_commands(screen)
    for count, char in enumerate(keys, start=1):
        await pilot.press(KEY_NAMES.get(char, char))
        await wait_for(pilot, lambda count=count: settled(screen, sent, count))


def shown(screen: MainScreen) -> dict[str, str]:
    """What the form shows, field by field."""
    form = screen.query_one(SetupForm)
    values = {"run": str(form.run_name)}
    for widget in form.query("Input, Select"):
        assert isinstance(widget, Input | Select)
        values[str(widget.id)] = str(widget.value)
    return values


def trained(screen: MainScreen) -> dict[str, RunConfig]:
    """The configs the training process reported last; the screen means the same."""
    assert screen.intended.reported == screen.configs
    return screen.intended.reported


@pytest.mark.parametrize("queued", [False, True], ids=["interleaved", "queued"])
async def test_a_hundred_lr_doublings_then_a_hundred_halvings_end_where_they_started(
    app: TrainlabApp, queued: bool
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        before, form_before = trained(screen), shown(screen)
        await burst(pilot, screen, "]" * 100 + "[" * 100, queued)
        assert trained(screen) == before
        assert trained(screen)["base"].optimizer.lr == 0.01
        assert shown(screen) == form_before and shown(screen)["lr"] == "0.01"
        lr_changes = [change.new for change in screen.snapshot.changes]
        assert len(lr_changes) == 200 and max(lr_changes) == 0.01 * 2**100
        assert not [n for n in app._notifications if n.severity == "error"]


@pytest.mark.parametrize("queued", [False, True], ids=["interleaved", "queued"])
async def test_twenty_adds_make_twenty_runs_with_twenty_names(
    app: TrainlabApp, queued: bool
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await burst(pilot, screen, "a" * 20, queued)
        names = ["base", "tanh"] + [f"base-{number}" for number in range(2, 22)]
        assert list(trained(screen)) == names
        table = screen.query_one(RunsTable)
        assert list(table.names) == names and table.selected == "base-21"
        assert shown(screen)["run"] == "base-21"
        assert not [n for n in app._notifications if n.severity == "error"]


async def same_keys_both_ways(keys: str, preset) -> None:
    """The keys as one burst in one app, one at a time in another: the same end."""
    ends = []
    for send in (burst, one_at_a_time):
        app = TrainlabApp(preset)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await ready(pilot)
            await send(pilot, screen, keys)
            table = screen.query_one(RunsTable)
            ends.append((trained(screen), list(table.names), table.selected, shown(screen)))
            assert not [n for n in app._notifications if n.severity == "error"]
    assert ends[0] == ends[1]


async def test_a_mixed_burst_ends_as_the_same_keys_pressed_slowly(preset) -> None:
    await same_keys_both_ways("o]dw]]oodw[d]" * 5, preset)


async def test_a_burst_that_adds_and_removes_runs_ends_as_slow_keys_do(preset) -> None:
    """A key after `a` acts on the new run, a key after `x` on the run the cursor lands on,
    though the table shows neither yet."""
    await same_keys_both_ways("a]oa]dxwa]x" * 3 + "o", preset)


# -- answers in the worst order, on purpose -----------------------------------------------


class Pipe:
    def __init__(self) -> None:
        self.queue: list[Command] = []

    def poll(self, timeout: float = 0.0) -> bool:
        return bool(self.queue)

    def recv(self) -> Command:
        return self.queue.pop(0)


class TrainerInThisProcess(StandInTrainer):
    """Stands in for Trainer: the training loop runs in the test's own process and answers
    only when the test says (`answer`), so the order of keys and answers is the test's."""

    def __init__(self, preset, post, resume=None) -> None:
        super().__init__(post)
        self.outbox: list[Command] = []
        self.pipe, self.results = Pipe(), []
        self.loop = TrainingLoop(preset.comparison(), self.pipe, self.results.append, preset)
        self.histories: dict = {}

    def queue_command(self, command: Command) -> None:
        self.outbox.append(command)

    def answer(self, count: int | None = None) -> None:
        """The loop takes the next `count` commands (all: None) and its answers go out."""
        count = len(self.outbox) if count is None else count
        self.pipe.queue += self.outbox[:count]
        del self.outbox[:count]
        if self.loop.handled == 0 and not self.results:
            self.loop._publish(detail=True)  # the first snapshot
        self.loop._handle_commands(block=False)
        for result in self.results:
            if isinstance(result, SnapshotNews):
                snapshot = whole_histories(result.snapshot, result.starts, self.histories)
                self.post(SnapshotReady(replace(result, snapshot=snapshot)))
            elif isinstance(result, Notice):
                self.post(TrainerNotice(result.key, result.detail, result.severity))
            elif isinstance(result, Logged):
                self.logged.extend(result.events)
        self.results.clear()


@pytest.fixture
def in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_module, "Trainer", TrainerInThisProcess)


async def answered(pilot: Pilot, screen: MainScreen, count: int | None = None) -> None:
    trainer = screen.trainer
    assert isinstance(trainer, TrainerInThisProcess)
    trainer.answer(count)
    await pilot.pause()


async def test_a_name_used_again_is_the_new_run_not_the_old_one(app, in_this_process) -> None:
    """`a`, `x`, `a` make base-2, remove it, make base-2 again; an answer that still shows
    the first base-2 must not make the table settle on it (it goes, and the cursor with it)."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        await answered(pilot, screen)  # the first snapshot
        await pilot.press("a", "x", "a", "right_square_bracket")
        assert screen.selected == "base-2" and screen.configs["base-2"].optimizer.lr == 0.02
        await answered(pilot, screen, 1)  # the first base-2, as it was
        assert screen.selected == "base-2" and screen.configs["base-2"].optimizer.lr == 0.02
        await answered(pilot, screen, 1)  # gone
        await answered(pilot, screen)  # back, and changed
        table = screen.query_one(RunsTable)
        assert table.selected == screen.selected == "base-2"
        assert trained(screen)["base-2"].optimizer.lr == 0.02
        assert trained(screen)["base"].optimizer.lr == 0.01
        await pilot.press("right_square_bracket")
        await answered(pilot, screen)
        assert trained(screen)["base-2"].optimizer.lr == 0.04


async def test_what_the_process_refuses_is_undone_and_said(app, in_this_process) -> None:
    """The model cannot foresee the memory guard: a copy too big to train is refused by the
    process, and so is a change to it sent before the answer. The screen ends as the process
    is, and the user reads why."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        await answered(pilot, screen)
        screen.intended.edit(["base"], {"layers": (30_000, 30_000)})  # waits for a reset
        await pilot.press("a", "right_square_bracket")
        assert screen.selected == "base-2"
        assert "base-2" in screen.configs and not screen.intended.settled
        await answered(pilot, screen)
        assert list(trained(screen)) == ["base", "tanh"] and screen.intended.settled
        table = screen.query_one(RunsTable)
        assert screen.selected == table.selected == "base"
        assert screen.query_one(SetupForm).run_name == "base"
        errors = [str(n.message) for n in app._notifications if n.severity == "error"]
        assert len(errors) == 2
        assert errors[0].startswith("Cannot add a run: ") and "memory" in errors[0]
        assert errors[1].startswith("Not applied: ") and "base-2" in errors[1]
