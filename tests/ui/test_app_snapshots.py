"""Pictures of the main screen (pytest-textual-snapshot), fixed seeds, nothing time-based.

Taken before training or after exactly N single steps, with steps/s hidden (`no_speed`)
and the captions read on a clock that stands still (`reading_clock`: each stays until a
test moves it), so the same code draws the same screen on any machine. Update with
--snapshot-update.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import ONE_CLAIM, charts_drawn, main_screen, ready, tiny_preset, wait_for
from textual.pilot import Pilot

from tui.app import TrainlabApp
from tui.widgets.caption import Caption

pytestmark = pytest.mark.usefixtures("no_speed", "reading_clock")


async def settle(pilot: Pilot) -> None:
    await charts_drawn(pilot)


def after_steps(steps: int):
    async def run_before(pilot: Pilot) -> None:
        screen = await ready(pilot)
        for _ in range(steps):
            await pilot.press("s")
        await wait_for(pilot, lambda: screen.step == steps)
        await settle(pilot)

    return run_before


def test_main_screen_ready_120x40(snap_compare) -> None:
    assert snap_compare(
        TrainlabApp(tiny_preset()), terminal_size=(120, 40), run_before=after_steps(0)
    )


def test_main_screen_after_steps_120x40(snap_compare) -> None:
    assert snap_compare(
        TrainlabApp(tiny_preset()), terminal_size=(120, 40), run_before=after_steps(8)
    )


def test_main_screen_80x24(snap_compare) -> None:
    assert snap_compare(
        TrainlabApp(tiny_preset()), terminal_size=(80, 24), run_before=after_steps(3)
    )


def test_main_screen_80x24_with_setup_form(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await after_steps(0)(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(TrainlabApp(tiny_preset()), terminal_size=(80, 24), run_before=run_before)


def test_main_screen_korean(snap_compare) -> None:
    app = TrainlabApp(tiny_preset(), lang="ko")
    assert snap_compare(app, terminal_size=(120, 40), run_before=after_steps(0))


def test_bad_value_in_the_form(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await after_steps(0)(pilot)
        await pilot.click("#batch_size")
        await pilot.press("ctrl+a", "ctrl+k", "minus", "3", "escape")
        await settle(pilot)
        assert main_screen(pilot).pending == {}

    assert snap_compare(TrainlabApp(tiny_preset()), terminal_size=(120, 40), run_before=run_before)


LOCKS = ("optimizer", "lr", "layers", "activation", "init", "features")


def test_main_screen_classroom_120x40(snap_compare) -> None:
    """A classroom scenario's form: the locked settings shown as values, marked ×."""
    preset = replace(tiny_preset(), locked=LOCKS)
    assert snap_compare(TrainlabApp(preset), terminal_size=(120, 40), run_before=after_steps(0))


def test_main_screen_claims_folded_80x24(snap_compare, reading_clock) -> None:
    """At the end of a preset, its claims in one line under the chart."""

    async def run_before(pilot: Pilot) -> None:
        screen = await ready(pilot)
        reading_clock.advance(60)  # the first caption read: nothing holds training back
        # step by step: each step is measured, so the curves do not depend on how many
        # snapshots the machine's speed let through
        await pilot.press(*["s"] * 30)
        await wait_for(pilot, lambda: screen.claims is not None)
        caption = screen.query_one(Caption)  # moved on by its own timer: wait for it
        await wait_for(pilot, lambda: "Five steps in." in str(caption.render()))
        await settle(pilot)

    app = TrainlabApp(tiny_preset(steps=30, extra=ONE_CLAIM))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
