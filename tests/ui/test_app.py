"""The app driven as a user drives it: keys in, and what changed on screen checked."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from conftest import DIVERGING, charts_drawn, main_screen, ready, tiny_preset, wait_for
from textual.widgets import Input, Static

from tui.app import TrainlabApp
from tui.keys import key_for
from tui.screens.help import HelpScreen
from tui.screens.too_small import TooSmallNotice
from tui.training.trainer import Trainer
from tui.widgets.charts_panel import ChartsPanel
from tui.widgets.runs_table import RunsTable
from tui.widgets.setup_form import SetupForm


def error_of(form: SetupForm, field: str = "budget") -> str:
    return str(form.query_one(f"#error-{field}", Static).render())


def cell(screen, run: str, column: str) -> str:
    return str(screen.query_one(RunsTable).get_cell(run, column))


async def test_start_pause_step_reset(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert screen.step == 0
        assert cell(screen, "base", "status") == "ready"

        await pilot.press("space")
        await wait_for(pilot, lambda: screen.step > 50)
        assert "training" in cell(screen, "base", "status")

        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.playing)
        paused_at = screen.step
        await pilot.pause(0.2)
        assert screen.step == paused_at
        assert cell(screen, "base", "status") == "paused"
        assert cell(screen, "base", "step") == str(paused_at)

        await pilot.press("s")
        await wait_for(pilot, lambda: screen.step == paused_at + 1)

        await pilot.press("r")
        await wait_for(pilot, lambda: screen.step == 0)
        assert cell(screen, "base", "step") == "0"
        assert cell(screen, "base", "status") == "ready"


async def test_reset_mid_training_stops_and_returns_to_step_0(app: TrainlabApp) -> None:
    # How fast (the 0.2 s of the spec) is measured in bench/ui.py, not asserted here.
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.step > 20)
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.step == 0 and not screen.playing)
        await pilot.pause(0.2)
        assert screen.step == 0 and not screen.playing  # and it stays reset


async def _type_into(pilot, field: str, text: str, until: Callable[[], bool]) -> None:
    """Click the field and type as a user does, then let the app handle the keys until
    `until` holds: on a busy machine the form's messages can still be queued when the last
    key has been sent. Typing starts once the click has focused the field."""
    widget = main_screen(pilot).query_one(f"#{field}", Input)
    deadline = time.monotonic() + 60  # only stops a hung test
    while not widget.has_focus:
        # A message shown under the field above moves this one down a row; on a busy
        # machine the click can come before that layout, and miss. Then click again.
        assert time.monotonic() < deadline, f"clicking #{field} never focused it"
        await pilot.click(f"#{field}")
        await pilot.pause(0.05)
    await pilot.press("ctrl+a", "ctrl+k", *text, "enter")
    await wait_for(pilot, until)


async def test_bad_values_are_marked_and_never_applied(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        form = screen.query_one(SetupForm)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.step > 10)

        for field, text, reason in (
            ("lr", "abc", "must be a number"),
            ("batch_size", "-3", "must be at least 1"),
            ("layers", "100,,x", "sizes must be positive integers"),
        ):
            error = form.query_one(f"#error-{field}", Static)
            shows = lambda error=error, reason=reason: reason in str(error.render())  # noqa: E731
            await _type_into(pilot, field, text, shows)
            assert error.has_class("-shown")
            assert form.query_one(f"#{field}", Input).has_class("-bad-value")

        before = screen.step
        await wait_for(pilot, lambda: screen.step > before + 10)  # training went on
        config = screen.configs["base"]
        assert config.optimizer.lr == 0.01
        assert config.batch_size == 16
        assert config.layers == (8,)
        assert screen.pending == {}

        # a good value applies live and clears the mark
        trained = lambda: screen.intended.reported["base"]  # noqa: E731  (the process's)
        await _type_into(pilot, "lr", "0.05", lambda: trained().optimizer.lr == 0.05)
        assert not form.query_one("#error-lr", Static).has_class("-shown")


async def test_a_layer_change_waits_for_reset(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await _type_into(pilot, "layers", "4,4", lambda: bool(screen.pending))
        assert screen.pending == {"base": {"layers": [4, 4]}}
        assert screen.configs["base"].layers == (8,)
        await pilot.press("escape", "r")
        await wait_for(pilot, lambda: screen.intended.reported["base"].layers == (4, 4))
        await wait_for(pilot, lambda: cell(screen, "tanh", "differs") == "act tanh, layers 8")
        assert cell(screen, "base", "differs") == "base"  # the base is the base
        assert screen.pending == {}


async def test_dropout_key_is_a_recorded_live_change(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.step > 10)
        await pilot.press("d")
        await wait_for(pilot, lambda: bool(screen.snapshot.changes))
        change = screen.snapshot.changes[-1]
        assert (change.run, change.setting, change.old, change.new) == ("base", "dropout", 0.0, 0.2)
        assert change.step > 0
        assert screen.configs["base"].dropout == 0.2
        assert screen.configs["tanh"].dropout == 0.0  # only the selected run
        # the core's differences are from the first run, which now has dropout; the table
        # says that the base changed, and that tanh still differs in its activation only
        await wait_for(pilot, lambda: "dropout=0" in screen.snapshot.run("tanh").differences)
        await wait_for(pilot, lambda: cell(screen, "base", "differs").startswith("dropout 0→0.2"))
        assert cell(screen, "base", "differs") == f"dropout 0→0.2 @{change.step}"
        assert cell(screen, "tanh", "differs") == "act tanh"
        assert screen.query_one(SetupForm).query_one("#dropout", Input).value == "0.2"


async def test_apply_to_all_changes_every_run(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("g", "right_square_bracket")
        await wait_for(pilot, lambda: len(screen.snapshot.changes) == 2)
        assert {c.run for c in screen.snapshot.changes} == {"base", "tanh"}
        assert all(c.setting == "lr" and c.new == 0.02 for c in screen.snapshot.changes)


async def test_adding_and_removing_runs(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one(RunsTable)
        assert table.row_count == 2
        await pilot.press("a")
        await wait_for(pilot, lambda: table.row_count == 3)
        assert "base-2" in screen.configs
        await wait_for(pilot, lambda: screen.selected == "base-2")  # the form edits the copy
        assert screen.query_one(SetupForm).run_name == "base-2"
        await pilot.press("x")
        await wait_for(pilot, lambda: table.row_count == 2)
        assert "base-2" not in screen.configs


async def test_a_diverging_run_is_marked_while_others_go_on() -> None:
    app = TrainlabApp(tiny_preset(extra=DIVERGING))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.snapshot.run("boom").status == "diverged")
        boom = screen.snapshot.run("boom")
        assert cell(screen, "boom", "status") == f"diverged at step {boom.diverged_step}"
        step = screen.snapshot.run("base").step
        await wait_for(pilot, lambda: screen.snapshot.run("base").step > step + 10)
        assert screen.snapshot.run("boom").step == boom.step
        assert cell(screen, "base", "status") == "training"


async def test_play_restarts_nothing_once_all_runs_are_done() -> None:
    app = TrainlabApp(tiny_preset(steps=30))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.done)
        assert "all runs done" in str(screen.query_one(RunsTable).border_subtitle)
        assert cell(screen, "base", "status") == "done"
        await pilot.press("space")
        await pilot.pause(0.1)
        assert screen.step == 30 and not screen.playing
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.step == 0 and not screen.done)


async def test_a_finished_run_gets_a_longer_budget_from_the_form_and_trains_on_after_reset() -> (
    None
):
    app = TrainlabApp(tiny_preset(steps=30))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        form = screen.query_one(SetupForm)
        assert form.query_one("#budget", Input).value == "30 steps"
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.done)
        await _type_into(pilot, "budget", "2 epochs", lambda: bool(screen.pending))
        assert screen.pending == {"base": {"epochs": 2.0}}
        await _type_into(pilot, "budget", "60", lambda: screen.pending["base"].get("steps") == 60)
        assert screen.pending == {"base": {"epochs": 0.0, "steps": 60}}
        await pilot.press("escape", "r", "space")
        await wait_for(pilot, lambda: screen.done)
        assert screen.step == 60 and cell(screen, "base", "status") == "done"
        await _type_into(pilot, "budget", "0 epochs", lambda: "greater than 0" in error_of(form))
        await pilot.press("escape", "t")  # the language: units are words too
        await wait_for(pilot, lambda: form.query_one("#budget", Input).value == "60 스텝")


async def test_resize_to_80x24_keeps_everything_reachable(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        form = screen.query_one(SetupForm)
        assert form.display and form.region.width > 0
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: screen.has_class("-narrow"))
        await pilot.pause()
        assert form.region.width == 0  # hidden behind a key
        for widget in (screen.query_one(RunsTable), screen.query_one(ChartsPanel)):
            assert widget.region.height >= 4 and widget.region.width >= 40
        await pilot.press("f")
        await pilot.pause()
        assert form.region.width > 0
        await pilot.press("4")
        assert screen.query_one(ChartsPanel).active_chart == "gradients"

        await pilot.resize_terminal(70, 20)
        notice = screen.query_one(TooSmallNotice)
        await wait_for(pilot, lambda: notice.display and "70×20" in str(notice.render()))
        assert "80×24" in str(notice.render()) and app.screen is screen  # no screen pushed
        assert screen.query_one(RunsTable).region.width == 0  # the lab waits underneath
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: not notice.display)
        await pilot.pause()
        assert screen.query_one(RunsTable).region.width >= 40


async def test_quit_mid_training_ends_the_training_process_by_itself(
    app: TrainlabApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On `q` the training process finishes its chunk and ends of its own accord, never
    terminated: given all the time in the world, it still ends itself (how fast is
    measured in bench/ui.py, not asserted here)."""
    monkeypatch.setattr(Trainer, "STOP_TIMEOUT", 120.0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.step > 20)
        process = screen.trainer.process
        await pilot.press("q")
    assert process.exitcode == 0  # ended itself; terminated would be -15
    assert app.return_code == 0


def highlighted_command(pilot) -> str:
    """The palette's highlighted entry ("" while it searches): Enter runs that one."""
    from textual.command import CommandList

    commands = pilot.app.screen.query_one(CommandList)
    index = commands.highlighted
    return "" if index is None else str(commands.get_option_at_index(index).prompt)


async def test_every_action_is_in_the_command_palette(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"dropout")
        await wait_for(pilot, lambda: "dropout" in highlighted_command(pilot).lower())
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.configs["base"].dropout == 0.2)


async def test_language_help_and_chart_keys(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one(RunsTable)
        await pilot.press("t")
        await pilot.pause()
        assert table.column_label("status") == "상태"
        assert cell(screen, "base", "status") == "준비"
        assert "작은" in str(screen.query_one("#caption", Static).render())
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "단축키" in app.screen.shown_text
        await pilot.press("t")  # the same key switches the language in the help
        await pilot.pause()
        assert app.lang == "en" and "Keys" in app.screen.shown_text
        await pilot.press("t")
        await pilot.pause()
        assert app.lang == "ko" and "단축키" in app.screen.shown_text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("7")
        assert screen.query_one(ChartsPanel).active_chart == "boundary"
        await pilot.press("l", "1")  # l is the log scale, never the language
        assert screen.query_one(ChartsPanel).active_chart == "loss" and app.lang == "ko"


async def test_caption_follows_the_step(app: TrainlabApp, reading_clock) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        caption = screen.query_one("#caption", Static)
        assert "Two tiny nets" in str(caption.render())
        for _ in range(5):
            await pilot.press("s")
        await wait_for(pilot, lambda: screen.step == 5)
        reading_clock.advance(60)  # once the first has been read
        await wait_for(pilot, lambda: "Five steps in." in str(caption.render()))
        assert main_screen(pilot) is screen


async def test_the_boundary_tab_shows_the_data_loaded_in_the_background(app: TrainlabApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: screen.dataset is not None)
        await pilot.press("7")
        chart = screen.query_one(ChartsPanel).chart("boundary")
        await wait_for(pilot, lambda: "Decision regions" in chart.picture.plain)
        assert "•" in chart.picture.plain  # the training points, on the regions


async def test_the_network_tab_shows_the_selected_run_live(app: TrainlabApp) -> None:
    """The training process sends the units' pictures only while the Network tab shows,
    for the run selected in the table, and they follow the training step by step."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        panel = screen.query_one(ChartsPanel)
        network = panel.chart("network")
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.step == 1)
        assert network.view is None  # not measured while another tab shows
        await pilot.press(key_for("show_chart('network')"))
        await wait_for(pilot, lambda: network.view is not None and network.view.run == "base")
        first = network.view
        await pilot.press("s")
        await wait_for(pilot, lambda: network.view is not first)
        assert network.view.run == "base" and screen.step == 2
        assert any(
            not np.array_equal(before, after)
            for before, after in zip(first.weights, network.view.weights, strict=True)
        )  # a step later, the links have moved
        await pilot.press("down")  # the other run
        await wait_for(pilot, lambda: network.view.run == "tanh")


async def test_a_key_a_chart_names_is_the_key_that_does_it(app: TrainlabApp) -> None:
    """Charts name keys in their hints (the paths chart's "v: next surface"); each hint is
    made from the bindings table, and pressing the key it names does what it says."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        panel = screen.query_one(ChartsPanel)
        await pilot.press(key_for("show_chart('paths')"))
        await charts_drawn(pilot)
        chart = panel.chart("paths")
        hint = f"{key_for('next_surface')}: next surface"
        assert hint in chart.picture.plain and "x²/20 + y²" in chart.picture.plain
        await pilot.press(key_for("next_surface"))
        await wait_for(pilot, lambda: chart.surface != "elongated")
        await charts_drawn(pilot)
        assert "x² + y²" in chart.picture.plain  # the round bowl, the next surface
