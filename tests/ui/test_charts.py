"""The chart widgets in a small host app: every tab shows what the snapshot holds, the
panel redraws only the visible chart, and each tab's picture is pinned by a snapshot test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rich.color import Color
from rich.style import Style
from rich.text import Text

sys.path.insert(0, str(Path(__file__).parent))

from charts_app import ChartsApp, make_comparison  # noqa: E402
from conftest import charts_drawn, wait_for  # noqa: E402

from presets.preset import View  # noqa: E402
from tui.keys import key_for  # noqa: E402
from tui.widgets.charts_panel import (  # noqa: E402
    CHART_NAMES,
    REFRESH_SECONDS,
    ChartsPanel,
    keeping_layers,
)
from tui.widgets.loss_chart import PINNED_COLOR, Pinned  # noqa: E402
from tui.widgets.paths_chart import PathsChart  # noqa: E402

SIZE = (120, 40)
TICK = REFRESH_SECONDS + 0.15


@pytest.fixture(scope="module")
def spiral():
    return make_comparison()


def backgrounds(text: Text) -> set:
    """The background colours a picture uses."""
    return {span.style.bgcolor for span in text.spans if isinstance(span.style, Style)} - {None}


async def drawn(pilot, panel: ChartsPanel, name: str) -> Text:
    """The chart's picture, once it shows the latest data (handed over at the panel's next
    tick, drawn in a worker thread): waited for, however slow the machine."""
    chart = panel.chart(name)
    await wait_for(pilot, lambda: panel.active_chart == name and panel.settled)
    return chart.picture


async def picture(pilot, panel: ChartsPanel, name: str) -> str:
    """What the chart shows, as plain text."""
    return (await drawn(pilot, panel, name)).plain


async def test_every_tab_shows_its_data_and_keys_switch_tabs(spiral):
    app = ChartsApp(spiral)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        shown = {}
        for key, name in enumerate(CHART_NAMES, start=1):
            await pilot.press(str(key))
            assert panel.active_chart == name
            assert panel.wants_boundary == (name == "boundary")
            shown[name] = await picture(pilot, panel, name)
    for name in ("loss", "accuracy", "gradients", "weights"):
        assert "base" in shown[name] and "sigmoid" in shown[name], name
    hidden_layers = len(spiral.snapshot().run("base").layers) - 1
    assert hidden_layers == 2  # a column a hidden layer, a row a run
    assert "│L1" in shown["activations"] and "│L2" in shown["activations"]
    assert "│L3" not in shown["activations"]
    assert "base" in shown["activations"] and "sigmoid" in shown["activations"]
    assert "W3" in shown["weights"]  # one weight histogram per dense layer
    assert "L1" in shown["gradients"] and "Effective step size over steps" in shown["gradients"]
    assert "momentum" in shown["paths"] and "x²/20" in shown["paths"]
    assert "train" in shown["boundary"]


async def test_boundary_draws_half_blocks_for_2d_data(spiral):
    app = ChartsApp(spiral, chart="boundary")
    async with app.run_test(size=SIZE) as pilot:
        text = await drawn(pilot, app.query_one(ChartsPanel), "boundary")
    assert text.plain.count("▀") > 20  # cells where the region changes within the cell
    assert "•" in text.plain and "∘" in text.plain
    assert len(backgrounds(text)) >= 3  # three classes of the spiral, at least


async def test_boundary_explains_itself_for_data_that_is_not_2d():
    app = ChartsApp(make_comparison(name="gaussians", classes=2), chart="boundary")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        from nn.data import load_dataset

        panel.set_dataset(load_dataset("probe"))
        text = await picture(pilot, panel, "boundary")
    assert "2-D data only" in text and "100 features" in text
    assert "▀" not in text


async def test_log_scale_toggle_changes_the_loss_chart(spiral):
    app = ChartsApp(spiral)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        linear = await picture(pilot, panel, "loss")
        await pilot.press("l")
        await pilot.pause()
        logarithmic = await picture(pilot, panel, "loss")
    assert "(log)" in logarithmic and "(log)" not in linear
    assert linear != logarithmic


async def test_live_change_is_marked_on_the_loss_chart(spiral):
    app = ChartsApp(spiral)
    async with app.run_test(size=SIZE) as pilot:
        marked = await picture(pilot, app.query_one(ChartsPanel), "loss")
    assert spiral.snapshot().changes  # make_comparison made one
    assert "┊" in marked


async def test_only_the_visible_chart_redraws_and_at_most_at_the_tick_rate(spiral):
    app = ChartsApp(spiral)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        loss = panel.chart("loss")
        # the first snapshot drawn (however long a busy machine takes to draw it)
        await wait_for(pilot, lambda: loss.snapshot is not None and loss.current)
        builds = {name: panel.chart(name).builds for name in CHART_NAMES}
        assert builds["loss"] >= 1
        assert all(builds[name] == 0 for name in CHART_NAMES if name != "loss")

        snapshot = spiral.snapshot()
        for _ in range(20):  # a burst of snapshots between two ticks ...
            panel.show_snapshot(snapshot, "base")
        await wait_for(pilot, lambda: loss.builds > builds["loss"] and loss.current)
        await pilot.pause(TICK)
        # ... is one redraw of the visible chart, and none of the hidden ones.
        assert loss.builds == builds["loss"] + 1
        assert all(panel.chart(name).builds == 0 for name in CHART_NAMES if name != "loss")

        await pilot.pause(TICK)  # nothing new: nothing redrawn
        assert loss.builds == builds["loss"] + 1


async def test_no_color_draws_without_colour(spiral, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = ChartsApp(spiral, chart="boundary")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        boundary = await drawn(pilot, panel, "boundary")
        panel.show_chart("loss")
        loss = await drawn(pilot, panel, "loss")
    assert not backgrounds(boundary)
    assert "░" in boundary.plain or "▒" in boundary.plain  # classes told apart by shade
    assert "xx sigmoid" in loss.plain  # runs told apart by marker


@pytest.mark.parametrize("name", CHART_NAMES)
def test_chart_tab_snapshot(name, snap_compare, monkeypatch):
    monkeypatch.setattr(PathsChart, "animate", False)  # the whole paths, not a moment of them

    async def settle(pilot):
        await charts_drawn(pilot)

    app = ChartsApp(make_comparison(), chart=name)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


async def test_a_chart_too_short_to_plot_says_so_instead(spiral):
    app = ChartsApp(spiral)
    async with app.run_test(size=(80, 9)) as pilot:  # 6 rows left for the chart
        panel = app.query_one(ChartsPanel)
        shown = await picture(pilot, panel, "loss")
        assert "Too little room" in shown and f"claims panel ({key_for('toggle_claims')})" in shown
        await pilot.resize_terminal(80, 30)
        await wait_for(pilot, lambda: "Loss" in panel.chart("loss").picture.plain)


async def test_a_view_sets_the_tab_the_x_axis_and_the_log_scale(spiral):
    app = ChartsApp(spiral)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        steps = await picture(pilot, panel, "loss")
        panel.apply_view(View(tab="loss", x="samples", log=True))
        samples = await picture(pilot, panel, "loss")
        assert panel.chart("loss").log_y and panel.x_axis == "samples"
        # 60 steps of 32 samples: the axis now counts to 2k instead of to 60
        assert "1.5k" in samples and "1.5k" not in steps
        panel.apply_view(View(tab="accuracy"))
        assert panel.active_chart == "accuracy" and panel.chart("accuracy").x_axis == "samples"


async def test_a_pinned_run_of_an_earlier_session_is_drawn_faded_and_named(spiral):
    app = ChartsApp(spiral)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        before = await drawn(pilot, panel, "loss")
        old = spiral.snapshot().run("sigmoid").history
        panel.set_pinned([Pinned("yesterday's sigmoid", old)])
        after = await drawn(pilot, panel, "loss")
        assert "yesterday's sigmoid" in after.plain and "yesterday's sigmoid" not in before.plain
        faded = {span.style.color for span in after.spans if isinstance(span.style, Style)}
        pinned = Color.parse(PINNED_COLOR).number
        assert any(color is not None and color.number == pinned for color in faded), faded


def test_a_snapshot_without_layer_statistics_keeps_each_runs_last_ones() -> None:
    """Most snapshots are measured without per-layer statistics (they cost): the layer
    charts keep the last ones instead of blinking empty, or failing (Weights)."""
    comparison = make_comparison()
    measured = comparison.snapshot()
    comparison.step(2)
    labels = comparison.snapshot(layers=False)
    kept = keeping_layers(labels, measured)
    assert [run.step for run in kept.runs] == [run.step for run in labels.runs]
    assert [run.layers for run in kept.runs] == [run.layers for run in measured.runs]
    assert keeping_layers(labels, None) is labels and keeping_layers(measured, labels) is measured
