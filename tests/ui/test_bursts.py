"""Keys faster than the training process answers: a burst of any length ends where the
same keys pressed one at a time end, in what the screen shows and in what the training
process has (the configs its last snapshot reported)."""

from __future__ import annotations

import asyncio

import pytest
from conftest import ready, wait_for
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select

from nn.config import RunConfig
from tui.app import TrainlabApp
from tui.screens.main import MainScreen
from tui.training.protocol import Command, Watch
from tui.widgets.runs_table import RunsTable
from tui.widgets.setup_form import SetupForm

KEY_NAMES = {"]": "right_square_bracket", "[": "left_square_bracket"}


def record_commands(screen: MainScreen) -> list[Command]:
    """The commands the screen sends from now on (what the charts watch aside)."""
    assert screen.trainer is not None
    sent: list[Command] = []
    send = screen.trainer.send

    def recording(command: Command) -> int:
        if not isinstance(command, Watch):
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
