"""The Network tab in the charts' host app, on real comparisons: every neuron's picture is
on screen, a selected neuron shows its weights, L1 cuts links, dead and saturated units
look blank and flat, image data shows first-layer filters, and NO_COLOR stays legible."""

from __future__ import annotations

import itertools
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.style import Style

sys.path.insert(0, str(Path(__file__).parent))

from charts_app import ChartsApp, make_comparison  # noqa: E402
from conftest import wait_for  # noqa: E402

from nn import Comparison, RunConfig  # noqa: E402
from nn.config import DataConfig, OptimizerConfig  # noqa: E402
from nn.network_view import DEAD, IMAGES, SATURATED, network_view  # noqa: E402
from tui.widgets.charts_panel import REFRESH_SECONDS, ChartsPanel  # noqa: E402
from tui.widgets.network import (  # noqa: E402
    LINK_MIN,
    PALETTE,
    PLAIN,
    POSITIVE,
    ZERO,
    NetworkChart,
    plan_plane,
)

BIG, SMALL = (120, 40), (80, 24)
TICK = REFRESH_SECONDS + 0.15
PALETTE_COLORS = {f"color({number})" for number in PALETTE.values()}


def trained(data: DataConfig, steps: int = 200, **settings: object) -> Comparison:
    comparison = Comparison([RunConfig(data=data, seed=1, steps=10_000, **settings)])
    comparison.step(steps)
    return comparison


@pytest.fixture(scope="module")
def spiral() -> Comparison:
    return make_comparison()


COMPARISONS = {
    "spiral": make_comparison,
    "circles": lambda: trained(DataConfig(name="circles"), layers=(4,)),
    "circles-features": lambda: trained(
        DataConfig(name="circles"), layers=(), features=("x1_sq", "x2_sq", "x1_x2")
    ),
    "plane": lambda: trained(DataConfig(name="plane"), layers=(6, 4)),
    "sine": lambda: trained(DataConfig(name="sine"), layers=(8, 8), activation="tanh"),
}


def eager(chart: NetworkChart) -> NetworkChart:
    """The chart with a clock that jumps ahead at each look: every view is drawn at once,
    links and output included, however fast or slow the machine (the rate limit has a test
    of its own)."""
    chart.clock = itertools.count(1e9, 10.0).__next__
    return chart


async def shown(pilot, chart: NetworkChart) -> None:
    """Until the chart shows its newest picture (it draws in a worker thread)."""
    await pilot.pause(TICK)
    await wait_for(pilot, lambda: chart.current)


async def settled(pilot, chart: NetworkChart) -> None:
    """Until no redraw is due (the output's within a second, the links' within two) and
    the picture on screen is the latest."""
    await pilot.pause(TICK)
    for throttle in (chart._redraw, chart._output_redraw, chart._links_redraw):
        await wait_for(pilot, lambda throttle=throttle: throttle.timer is None)
    await wait_for(pilot, lambda: chart.current)


def everything(chart: NetworkChart) -> str:
    """The text of the network's picture and of the output beside it."""
    return chart.picture.plain + "\n" + chart.output.picture.plain


def screen_cells(chart: NetworkChart) -> list[list[tuple[str, Style | None]]]:
    """The chart's cells as painted: (character, style) by row and column."""
    rows = []
    for strip in chart._lines:
        row = []
        for segment in strip:
            for char in segment.text:
                row.append((char, segment.style))
        rows.append(row)
    return rows


def is_picture_cell(char: str, style: Style | None) -> bool:
    """A cell of a neuron's heatmap: a space on a palette colour, or a half block between
    two palette colours."""
    if style is None or style.bgcolor is None or style.bgcolor.name not in PALETTE_COLORS:
        return False
    return char == " " or (
        char == "▀" and style.color is not None and style.color.name in PALETTE_COLORS
    )


def pictures_on_screen(chart: NetworkChart) -> int:
    """How many tiles of the plan are, every cell of them, a heatmap on the screen."""
    cells = screen_cells(chart)
    assert chart.plan is not None
    return sum(
        all(
            is_picture_cell(*cells[tile.y + row][tile.x + col])
            for row in range(tile.h)
            for col in range(tile.w)
        )
        for tile in chart.plan.tiles
    )


def details(chart: NetworkChart) -> str:
    assert chart.plan is not None
    return "\n".join(chart.picture.plain.split("\n")[chart.plan.detail_top :])


@pytest.mark.parametrize("name", list(COMPARISONS))
async def test_every_neuron_is_drawn(name):
    comparison = COMPARISONS[name]()
    app = ChartsApp(comparison, chart="network")
    async with app.run_test(size=BIG) as pilot:
        chart = eager(app.query_one(NetworkChart))
        await shown(pilot, chart)
        view = chart.view
        assert view is not None and view.kind == "plane"
        assert len(chart.plan.tiles) == sum(view.sizes)  # every unit has its tile ...
        assert pictures_on_screen(chart) == sum(view.sizes)  # ... painted as a picture
        assert "more" not in chart.picture.plain
        text = everything(chart)
    features = comparison.runs[0].config.features
    for label in ("x₁²", "x₂²", "x₁x₂") if features else ("x₁",):
        assert label in text
    output = "fitted curve" if name == "sine" else "fitted surface" if name == "plane" else None
    assert (output or "decision regions") in text
    assert chart.plan.links  # the links between layers are drawn


async def test_selecting_a_neuron_shows_its_weights_and_histogram(spiral):
    app = ChartsApp(spiral, chart="network")
    async with app.run_test(size=BIG) as pilot:
        chart = eager(app.query_one(NetworkChart))
        await shown(pilot, chart)
        assert "layer 1, unit 1 of 8 (relu)" in details(chart)
        chart.focus()
        await pilot.press("right", "down", "down")  # layer 2, its third unit
        await shown(pilot, chart)
        assert chart.selected == (2, 2)
        text = details(chart)
        assert "layer 2, unit 3 of 8 (relu)" in text
        weights = spiral.parameters("base")["W2"][:, 2]
        assert "weights in" in text and "bias" in text
        for index, value in enumerate(weights):  # eight weights fit: each named with its value
            assert f"#{index + 1} {value:+.2f}".replace("-", "−") in text
        assert "over the plane" in text  # the unit's histogram over the input plane
        tile = chart.plan.tile(2, 2)
        assert chart.picture.plain.split("\n")[tile.y + tile.h // 2][tile.x - 1] == "▶"

        output = chart.plan.tile(3, 1)  # a click selects the output's second unit
        await pilot.click(NetworkChart, offset=(output.x + 1, output.y))
        await shown(pilot, chart)
        assert chart.selected == (3, 1)
        assert "output, unit 2 of 3 (softmax)" in details(chart)

        await pilot.press("left", "left", "left", "left")  # stops at the inputs
        await shown(pilot, chart)
        assert chart.selected == (0, 1)
        assert "inputs, unit 2 of 2 x₂" in details(chart)
        assert "weights out" in details(chart)


async def test_l1_cuts_links_to_zero_and_they_are_not_drawn():
    base = RunConfig(layers=(8, 8), seed=1, steps=10_000, optimizer=OptimizerConfig("adam", 0.01))
    comparison = Comparison.from_variants(base, {"l1": {"l1": 0.01}})
    comparison.step(1500)
    views = {name: network_view(comparison, name) for name in ("base", "l1")}
    plans = {name: plan_plane(view, 120, 38) for name, view in views.items()}
    weights = views["l1"].weights[1]  # W2, 8 × 8: every unit of both layers is shown
    largest = float(np.abs(weights).max())
    cut = np.abs(weights) < LINK_MIN * largest
    assert cut.mean() > 0.5  # L1 drove most of W2 to (almost) zero ...
    drawn = {(link.source, link.target) for link in plans["l1"].links if link.layer == 2}
    assert drawn and not any(cut[source, target] for source, target in drawn)  # ... not drawn
    assert len(plans["l1"].links) < len(plans["base"].links)
    for link in plans["l1"].links:
        assert abs(link.weight) >= LINK_MIN * float(
            np.abs(views["l1"].weights[link.layer - 1]).max()
        )

    app = ChartsApp(comparison, chart="network")
    async with app.run_test(size=BIG) as pilot:
        chart = eager(app.query_one(NetworkChart))
        painted = {}
        for name in ("base", "l1"):
            chart.show_network(views[name])
            await shown(pilot, chart)
            painted[name] = sum(  # cells of links: quarter blocks coloured by sign
                1 for row in screen_cells(chart) for char, _ in row if char in "▘▝▖▗▚▞▌▐▛▜▙▟▄"
            )
    assert painted["l1"] < painted["base"]


async def test_dead_relu_is_blank_and_saturated_sigmoid_is_flat():
    comparison = Comparison.from_variants(
        RunConfig(layers=(4,), seed=1, steps=10_000), {"sigmoid": {"activation": "sigmoid"}}
    )
    comparison.step(10)
    for name, bias in (("base", -5.0), ("sigmoid", 20.0)):
        params = comparison.parameters(name)
        params["W1"][:, 0] = 0.0  # unit 1 sees nothing: constant, 0 (dead) or 1 (saturated)
        params["b1"][0, 0] = bias
        comparison.set_parameters(name, params)
    app = ChartsApp(comparison, chart="network")
    async with app.run_test(size=BIG) as pilot:
        chart = eager(app.query_one(NetworkChart))
        for name, state, color in (("base", DEAD, ZERO), ("sigmoid", SATURATED, POSITIVE[-1])):
            view = network_view(comparison, name)
            assert view.states[1][0] == state and view.states[1][1] == ""
            chart.show_network(view)
            await shown(pilot, chart)
            tile = chart.plan.tile(1, 0)
            cells = screen_cells(chart)
            tile_cells = {
                cells[tile.y + row][tile.x + col] for row in range(tile.h) for col in range(tile.w)
            }
            assert {(char, style.bgcolor.name) for char, style in tile_cells} == {
                (" ", f"color({color})")  # one colour all over: blank grey, or flat full blue
            }
            assert f"net_{state}" not in details(chart)
            assert ("dead: 0 all over the plane" if state == DEAD else "saturated") in details(
                chart
            )


async def test_image_data_shows_first_layer_weights_as_pictures():
    data = DataConfig(name="fashion-mnist", train_limit=300, test_limit=100)
    comparison = trained(data, steps=20, layers=(16,))
    app = ChartsApp(comparison, chart="network")
    async with app.run_test(size=BIG) as pilot:
        chart = eager(app.query_one(NetworkChart))
        await shown(pilot, chart)
        assert chart.view.kind == IMAGES and chart.view.image_shape == (28, 28)
        assert len(chart.plan.tiles) == 16
        assert {(tile.w, tile.h) for tile in chart.plan.tiles} == {(14, 7)}  # 14 × 14 dots each
        assert pictures_on_screen(chart) == 16
        assert "784 → 16 → 10" in chart.picture.plain
        assert "first layer's weights" in chart.picture.plain
        chart.focus()
        await pilot.press("right", "down")
        await shown(pilot, chart)
        per_row = chart.plan.per_row
        assert chart.selected == (1, 1 + per_row)
        assert f"layer 1, unit {2 + per_row} of 16 (relu)" in details(chart)
        assert "weights in (784)" in details(chart) and "its weights" in details(chart)

        await pilot.resize_terminal(*SMALL)
        await shown(pilot, chart)
        assert pictures_on_screen(chart) == len(chart.plan.tiles) == 16  # smaller pictures


async def test_other_data_is_explained_in_one_line():
    comparison = trained(DataConfig(name="probe"), steps=5, layers=(8,))
    app = ChartsApp(comparison, chart="network")
    async with app.run_test(size=BIG) as pilot:
        chart = eager(app.query_one(NetworkChart))
        await shown(pilot, chart)
        text = chart.picture.plain
    assert "\n" not in text and "1-D and 2-D data" in text and "100 features" in text


async def test_at_80x24_fewer_larger_cells_and_a_note_of_the_rest(spiral):
    app = ChartsApp(spiral, chart="network")
    async with app.run_test(size=SMALL) as pilot:
        chart = eager(app.query_one(NetworkChart))
        await shown(pilot, chart)
        plan = chart.plan
        assert all(tile.h >= 2 and tile.w >= 4 for tile in plan.tiles)
        assert plan.count(0) == 2 and plan.count(3) == 3  # inputs and outputs all shown
        hidden = plan.count(1)
        assert 3 <= hidden < 8 and plan.count(2) == hidden
        assert chart.picture.plain.count(f"+{8 - hidden} more") == 2
        assert pictures_on_screen(chart) == len(plan.tiles)
        assert "decision regions" in chart.output.picture.plain
        assert "layer 1, unit 1 of 8" in details(chart)
        chart.focus()
        await pilot.press(*["down"] * 10)  # the selection stays on the units shown
        await shown(pilot, chart)
        assert chart.selected == (1, hidden - 1)


async def test_no_color_is_drawn_with_glyphs(spiral, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = ChartsApp(spiral, chart="network")
    async with app.run_test(size=BIG) as pilot:
        chart = eager(app.query_one(NetworkChart))
        await shown(pilot, chart)
        picture = chart.picture
        lines = picture.plain.split("\n")
    assert not {span.style.bgcolor for span in picture.spans if isinstance(span.style, Style)} - {
        None
    }
    for tile in chart.plan.tiles:  # each picture a block of the shades' glyphs
        for row in range(tile.h):
            assert set(lines[tile.y + row][tile.x : tile.x + tile.w]) <= set(PLAIN.values())
    assert "▶" in picture.plain and "#≡=-·░▒▓█" in lines[0]  # selection and the legend


async def test_redraws_at_most_at_the_chart_rate_and_not_while_hidden(spiral):
    view = network_view(spiral, "base")
    app = ChartsApp(spiral, chart="loss")
    async with app.run_test(size=BIG) as pilot:
        chart = app.query_one(NetworkChart)
        await pilot.pause(TICK)
        chart.show_network(view)
        await pilot.pause(TICK)
        assert chart.builds == 0  # hidden: nothing drawn

        app.query_one(ChartsPanel).show_chart("network")
        await settled(pilot, chart)
        builds = chart.builds
        chart.clock = lambda: 1e6  # the burst comes at one moment, however slow the machine
        for _ in range(20):
            chart.show_network(view)
        assert chart.builds == builds  # drawing is a worker's: none done yet
        await settled(pilot, chart)
        # The first view at once, the newest at the next tick, and the newest again when
        # the output (in a second) and the links (in two) are due: 4 pictures at most.
        assert builds + 1 <= chart.builds <= builds + 4


def test_the_view_pickles_as_plain_copies(spiral):
    view = network_view(spiral, "base")
    again = pickle.loads(pickle.dumps(view))
    assert again.run == "base" and again.sizes == (2, 8, 8, 3)
    assert len(pickle.dumps(view)) < 40_000  # 4 times a second through the pipe
    params = spiral.parameters("base")
    assert np.array_equal(again.weights[0], params["W1"])
    for array in view.weights:
        assert array.dtype == np.float32 and array.flags.owndata
    for array in view.grids:  # pictures: half precision is plenty
        assert array.dtype == np.float16 and array.flags.owndata


async def test_korean_labels(spiral):
    app = ChartsApp(spiral, chart="network")
    async with app.run_test(size=BIG) as pilot:
        chart = eager(app.query_one(NetworkChart))
        app.lang = "ko"  # as the app's language key sets it
        chart.invalidate()
        chart.output.invalidate()
        await shown(pilot, chart)
        text = chart.picture.plain
        output = chart.output.picture.plain
    assert "입력" in text and "1층" in text and "출력" in text and "1층, 유닛 1/8" in text
    assert "결정 영역" in output


@pytest.mark.parametrize(
    ("name", "size"),
    [("spiral", SMALL), ("plane", BIG), ("sine", SMALL), ("circles-features", BIG)],
)
def test_network_tab_snapshot(name, size, snap_compare):
    async def settle(pilot):
        await shown(pilot, pilot.app.query_one(NetworkChart))

    app = ChartsApp(COMPARISONS[name](), chart="network")
    assert snap_compare(app, terminal_size=size, run_before=settle)
