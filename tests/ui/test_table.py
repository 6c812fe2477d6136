"""The runs table, the claims line, the footer and the first screen read as a student needs
them to: "test acc" (or "test R²"), what differs in words, a live change with its step, the
footer's most needed keys at every width, and how to start."""

from __future__ import annotations

import math

import pytest
from conftest import ONE_CLAIM, ready, tiny_preset, wait_for
from test_korean import screen_text as svg_text
from textual.pilot import Pilot
from textual.widgets import Input, Static

from nn.snapshot import Change
from presets.loader import parse_preset
from tui.app import TrainlabApp
from tui.widgets.footer import Footer, fit
from tui.widgets.runs_table import RunsTable, differs
from tui.widgets.setup_form import SetupForm

REGRESSION = """
title = "A small fit"
title_ko = "작은 회귀"
[base]
name = "base"
layers = [8]
activation = "tanh"
init = "xavier"
optimizer = { name = "adam", lr = 0.01 }
batch_size = 16
steps = 1000000
data = { name = "plane", samples = 200 }

[variants.wide]
layers = [16, 16]
batch_norm = true

[variants.linear]
layers = []
"""


def screen_text(pilot: Pilot) -> str:
    """What the terminal shows, line by line (spaces as spaces)."""
    return svg_text(pilot).replace("\xa0", " ")


def cell(table: RunsTable, run: str, column: str) -> str:
    return table.get_cell(run, column)


def row_text(table: RunsTable, run: str) -> str:
    return table.render_line(table.names.index(run) + 1).text


async def test_the_table_says_test_acc_and_what_differs_in_words() -> None:
    extra = "[variants.norm]\nbatch_norm = true\n[variants.deep]\nlayers = [8, 8, 8]\n"
    extra += "[variants.sig]\nactivation = 'sigmoid'\ninit = 'xavier'\n"
    app = TrainlabApp(tiny_preset(extra=extra))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one(RunsTable)
        await wait_for(pilot, lambda: "test acc" in table.render_line(0).text)
        header = table.render_line(0).text
        assert "test acc" in header and "train loss" in header and "test loss" in header
        assert cell(table, "base", "differs") == "base"
        assert cell(table, "tanh", "differs") == "act tanh"
        assert cell(table, "norm", "differs") == "batch norm on"
        assert cell(table, "deep", "differs") == "layers 8×3"
        assert cell(table, "sig", "differs") == "act sigmoid, init xavier"
        assert "act sigmoid, init xavier" in row_text(table, "sig")  # not cut beside the form
        assert cell(table, "base", "score").endswith("%")


async def test_a_live_change_says_what_changed_and_when() -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one(RunsTable)
        for _ in range(3):
            await pilot.press("s")
        await wait_for(pilot, lambda: screen.step == 3)
        await pilot.press("right_square_bracket")  # lr ×2 on the selected run, the base
        await wait_for(pilot, lambda: bool(screen.snapshot.changes))
        await pilot.press("s")
        await wait_for(pilot, lambda: cell(table, "base", "differs") != "base")
        assert cell(table, "base", "differs") == "lr 0.01→0.02 @3"
        assert cell(table, "tanh", "differs") == "act tanh"  # the base's change is not tanh's
        assert "lr 0.01→0.02 @3" in row_text(table, "base")
        # a burst of keys at one step reads as one change, from where it started
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.step == 5)
        # the latest, as one
        await wait_for(pilot, lambda: cell(table, "base", "differs") == "lr 0.02→0.08 @4")
        await pilot.resize_terminal(80, 24)  # narrow, beside the form
        await pilot.press("f")
        await wait_for(pilot, lambda: screen.query_one(SetupForm).region.width > 0)
        await wait_for(pilot, lambda: table.region.width < 60)
        # room enough, in English
        await wait_for(pilot, lambda: "lr 0.02→0.08 @4" in row_text(table, "base"))
        await pilot.press("t")  # in Korean the old value goes first
        await wait_for(
            pilot, lambda: row_text(table, "base").rstrip().endswith("일시 정지")
        )  # the row drawn again in Korean, to its status
        row = row_text(table, "base")
        assert "학습률→" in row and "0.02→" not in row and row.rstrip().endswith("일시 정지")


def test_differences_are_words_and_the_latest_change_of_each_setting_is_shown() -> None:
    run = _run("b", changed=(("activation", "sigmoid"), ("lr", 0.01)))
    changes = (
        Change(100, "a", "lr", 0.01, 0.1),  # the base's, so b's lr 0.01 is no difference
        Change(200, "b", "dropout", 0.0, 0.2),
        Change(300, "b", "dropout", 0.2, 0.5),
        Change(300, "b", "batch_norm", False, True),
        Change(300, "b", "batch_norm", True, False),  # and back: no change at all
    )
    assert differs(run, changes, "a", "en") == "act sigmoid, dropout 0.2→0.5 @300"
    assert differs(run, changes, "a", "ko") == "활성화 sigmoid, 드롭아웃 0.2→0.5 @300"
    assert differs(run, changes, "a", "en", short=True) == "act sigmoid, dropout→0.5 @300"
    assert differs(_run("a"), changes, "a", "en") == "lr 0.01→0.1 @100"
    assert differs(_run("c"), (), "a", "en") == "same as base"
    features = _run("c", changed=(("features", ("x1_sq", "x2_sq")), ("layers", (64, 32))))
    assert differs(features, (), "a", "en") == "features x₁² x₂², layers 64-32"


def _run(name: str, changed: tuple = ()):
    from dataclasses import replace

    from nn import Comparison, RunConfig

    snapshot = Comparison([RunConfig(name=name, layers=(2,), steps=1)]).snapshot(layers=False)
    return replace(snapshot.runs[0], changed=changed)


async def test_a_regression_run_shows_test_r2_and_its_loss_and_output() -> None:
    app = TrainlabApp(parse_preset(REGRESSION, "fit", "tests/ui/test_table.py"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one(RunsTable)
        await wait_for(pilot, lambda: "test R²" in table.render_line(0).text)
        assert "test acc" not in table.render_line(0).text
        r2 = float(cell(table, "base", "score"))
        assert math.isclose(r2, screen.snapshot.run("base").test_r2, abs_tol=5e-4)
        assert cell(table, "wide", "differs") == "batch norm on, layers 16×2"
        form = screen.query_one(SetupForm)
        assert str(form.query_one("#output", Static).content) == "linear"
        assert str(form.query_one("#loss", Static).content) == "mse"
        assert cell(table, "linear", "differs") == "layers none"
        await pilot.press("down", "down")  # a net without a hidden layer: the form says so
        await wait_for(pilot, lambda: screen.selected == "linear")
        layers = form.query_one("#layers", Input)
        assert layers.value == "" and layers.placeholder == "none: linear"
        assert "none: linear" in screen_text(pilot)
        for _ in range(5):
            await pilot.press("s")
        await wait_for(pilot, lambda: screen.step == 5)
        await wait_for(pilot, lambda: float(cell(table, "base", "score")) != r2)


async def test_the_claims_panel_is_one_line_until_opened_at_80x24() -> None:
    app = TrainlabApp(tiny_preset(steps=30, extra=ONE_CLAIM))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.claims is not None)
        line = "Claims: 1 of 1 pass · c shows each claim"
        await wait_for(pilot, lambda: line in screen_text(pilot))
        text = screen_text(pilot)
        assert "Too little room" not in text  # the chart keeps its rows
        await pilot.press("c")
        await wait_for(pilot, lambda: "PASS" in screen_text(pilot))
        text = screen_text(pilot)
        assert "PASS" in text and "The base run trains." in text, text


WIDE_KEYS = {"<", ">", "s", "r", "a"}  # what the footer has room for at 120 columns, not 80


def footer_line(pilot: Pilot) -> str:
    return screen_text(pilot).splitlines()[-1]


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_the_footer_reaches_start_help_presets_language_and_quit(lang: str) -> None:
    app = TrainlabApp(tiny_preset(), lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        for size in ((120, 40), (80, 24), (120, 40)):
            await pilot.resize_terminal(*size)
            footer = screen.query_one(Footer)
            await wait_for(pilot, lambda f=footer, w=size[0]: f.size.width == w)
            await wait_for(  # the footer built again for the width, and drawn
                pilot,
                lambda f=footer, w=size[0]: (
                    (set(f.shown_keys) >= WIDE_KEYS) == (w == 120)
                    and all(f" {k} " in footer_line(pilot) for k in ("?", "P", "q", "^p"))
                ),
            )
            line = footer_line(pilot)
            for key in ("space", "?", "P", "t", "q", "^p"):
                assert f" {key} " in line, (size, key, line)
            assert {"space", "?", "P", "t", "q"} <= set(footer.shown_keys)
            if size[0] == 120:  # and the pace, step, reset and add, in both languages
                assert {"<", ">", "s", "r", "a"} <= set(footer.shown_keys)


def test_the_footer_fits_the_most_needed_keys_first() -> None:
    sizes = [("play", 19), ("step", 8), ("reset", 9), ("help", 8), ("quit", 8)]
    assert fit(sizes, 200, ("play", "help", "quit")) == {"play", "step", "reset", "help", "quit"}
    assert fit(sizes, 40, ("play", "help", "quit")) == {"play", "help", "quit"}
    assert fit(sizes, 44, ("play", "help", "quit")) == {"play", "help", "quit", "step"}


def test_keys_that_go_in_pairs_are_shown_both_or_neither() -> None:
    sizes = [("toggle_play", 19), ("pace_slower", 10), ("pace_faster", 10), ("help", 8)]
    priority = ("toggle_play", "pace_slower", "pace_faster", "help")
    assert fit(sizes, 38, priority) == {"toggle_play", "help"}  # room for one of the pair only
    assert fit(sizes, 47, priority) == {"toggle_play", "pace_slower", "pace_faster", "help"}


async def test_the_first_screen_says_how_to_start() -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        hint = screen.query_one("#start-hint", Static)
        assert hint.display
        await wait_for(pilot, lambda: "Press space to start training" in screen_text(pilot))
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.step > 0)
        await wait_for(pilot, lambda: not hint.display)
        await wait_for(pilot, lambda: "Press space" not in screen_text(pilot))  # drawn so
        await pilot.press("t")
        await pilot.press("space", "r")  # ready again after a reset: the hint, in Korean
        await wait_for(pilot, lambda: screen.step == 0 and not screen.playing and hint.display)
        await wait_for(pilot, lambda: "space 키를 누르면 학습을 시작합니다" in screen_text(pilot))
