"""The views that show each lecture point: small multiples (batch norm's grid of weight
scales, the optimizers' paths a panel each, activation histograms on one x scale), the x
axis in steps, epochs, samples seen or seconds, the gradient noise, diverged runs and the
log scale, colours and ticks that stay legible, and the fitted surface and curves of a
regression. Charts are driven in the charts' host app (charts_app.py) on real runs with
fixed seeds; the keys and the noise on the real app."""

from __future__ import annotations

import itertools
import math
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from rich.color import Color, ColorSystem
from rich.style import Style
from rich.text import Text

sys.path.insert(0, str(Path(__file__).parent))

from charts_app import ChartsApp  # noqa: E402
from conftest import charts_drawn, ready, tiny_preset, wait_for  # noqa: E402

from nn import Comparison, RunConfig  # noqa: E402
from nn.snapshot import DIVERGED, Snapshot  # noqa: E402
from presets.loader import load_preset  # noqa: E402
from tui.app import TrainlabApp  # noqa: E402
from tui.i18n import tr  # noqa: E402
from tui.keys import key_for  # noqa: E402
from tui.theme import (  # noqa: E402
    CLASS_COLORS,
    DIVERGING_POINTS,
    DIVERGING_REGIONS,
    run_color,
)
from tui.training.trainer import Trainer  # noqa: E402
from tui.widgets.charts_panel import CHART_NAMES, ChartsPanel  # noqa: E402
from tui.widgets.loss_chart import X_AXES, CurvesChart  # noqa: E402
from tui.widgets.multiples import QUADRANTS  # noqa: E402
from tui.widgets.paths_chart import PathsChart  # noqa: E402
from tui.widgets.plot import DIVERGED_MARK, TICK_WIDTH  # noqa: E402

SIZE = (120, 40)
# The charts' room on the main screen at 80×24 (runs table, caption and footer take the
# rest): the host app at 80×13 gives its tabs the same 11 rows.
MAIN_80 = (80, 13)
SCALES = [
    "1", "0.54", "0.29", "0.16", "0.086", "0.046", "0.025", "0.014", "0.0074", "0.004",
    "0.0022", "0.0012", "0.00063", "0.00034", "0.00018", "0.0001",
]  # fmt: skip
AXIS_NAMES = {tr(f"views.axis_{axis}", "en") for axis in X_AXES}


# -- runs to draw ------------------------------------------------------------------------------


def trained(comparison: Comparison, chunks: int = 3, steps: int = 10, **snap: bool) -> Comparison:
    comparison.snapshot(**snap)
    for _ in range(chunks):
        comparison.step(steps)
        comparison.snapshot(**snap)
    return comparison


@pytest.fixture(scope="module")
def batch_norm() -> Comparison:
    """The batch-norm preset's 32 runs (16 initial weight scales, each with and without
    batch norm), their settings and names as shipped, on a small spiral so they train fast."""
    configs = [
        config.with_changes(
            data={"name": "spiral", "samples": 150}, layers=(8, 8), epochs=0.0, steps=30
        )
        for config in load_preset("batch-norm").run_configs()
    ]
    return trained(Comparison(configs), layers=False)


def eight_runs() -> Comparison:
    base = RunConfig(layers=(8,), steps=20, seed=2)
    variants = {f"lr-{i}": {"optimizer": {"name": "adam", "lr": 0.001 * (i + 1)}} for i in range(7)}
    return trained(Comparison.from_variants(base, variants), chunks=2)


def with_a_diverging_run() -> Comparison:
    """Two runs that learn, and one (lr 1e30) that is NaN within a few steps."""
    base = RunConfig(layers=(8,), steps=40, seed=1)
    return trained(
        Comparison.from_variants(base, {"boom": {"lr": 1e30}, "sgd": {"optimizer": "sgd"}})
    )


def regression(name: str, **data: object) -> Comparison:
    base = RunConfig(
        layers=(16, 16), activation="tanh", init="xavier", loss="mse", output="linear", seed=0
    )
    base = base.with_changes(steps=200)
    base = base.with_changes(data={"name": name, **data})
    comparison = Comparison.from_variants(base, {"l2": {"l2": 0.003}})
    return trained(comparison, chunks=4, steps=50)


def noisy() -> Comparison:
    """Two batch sizes, the gradient noise measured at every snapshot."""
    base = RunConfig(name="batch-8", layers=(16, 16), batch_size=8, steps=200, seed=0)
    comparison = Comparison.from_variants(base, {"batch-128": {"batch_size": 128}})
    return trained(comparison, chunks=5, steps=40, noise=True)


def init_relu() -> Comparison:
    """init-relu as shipped: 10 ReLU layers of 100 on the probe batch, He, Xavier, 0.01."""
    comparison = load_preset("init-relu").comparison()
    comparison.snapshot()
    return comparison


# -- reading pictures --------------------------------------------------------------------------


async def drawn(pilot, panel: ChartsPanel, name: str) -> Text:
    panel.show_chart(name)
    await wait_for(pilot, lambda: panel.settled)  # handed the newest data, and drawn
    return panel.chart(name).picture


def colours(text: Text) -> set[Color]:
    styles = [Style.parse(s.style) if isinstance(s.style, str) else s.style for s in text.spans]
    return {style.color for style in styles if style.color is not None}


def colour_of(text: Text, word: str) -> Color | None:
    """The colour of the first span that covers `word` in the picture."""
    at = text.plain.find(word)
    assert at >= 0, f"{word!r} is not in the picture"
    for span in text.spans:
        style = Style.parse(span.style) if isinstance(span.style, str) else span.style
        if span.start <= at < span.end and style.color is not None:
            return style.color
    return None


def ticks(text: str) -> list[str]:
    """Every tick label of a picture: before each "┤" (y), and in the row under each axis
    line (x), the axes' names left out."""
    found = re.findall(r"([^\s│┤┌└┬┴]+)┤", text)
    lines = text.split("\n")
    for line, below in itertools.pairwise(lines):
        if "└" in line and ("┬" in line or "┴" in line):
            found += [word for word in below.split() if word not in AXIS_NAMES]
    return found


# -- small multiples ------------------------------------------------------------------------


async def test_batch_norm_draws_one_cell_per_scale_with_bn_and_plain_in_each(batch_norm):
    for size in (SIZE, MAIN_80):
        app = ChartsApp(batch_norm, chart="accuracy")
        async with app.run_test(size=size) as pilot:
            panel = app.query_one(ChartsPanel)
            picture = await drawn(pilot, panel, "accuracy")
            chart = panel.chart("accuracy")
            assert isinstance(chart, CurvesChart) and chart.shows_grid()  # 32 runs: a grid
            panels = chart.grid_panels(batch_norm.snapshot(layers=False))
    text = picture.plain  # at 80×13, as on the main screen at 80×24
    assert [cell.title for cell in panels] == SCALES
    plain, bn = run_color(0), run_color(1)
    for cell in panels:  # plain and BN in each, each in its colour throughout
        assert [series.color for series in cell.series] == [plain, bn]
    for scale in SCALES[1:]:  # "1" is a tick too
        assert re.search(rf"(^|[│ ┤]){re.escape(scale)}(\s|$)", text, re.M), scale
    assert "(+" not in text  # no cell left out
    assert "plain" in text and "bn" in text.split("\n")[0]  # the key names the two kinds
    assert {Color.parse(plain), Color.parse(bn)} <= colours(picture)


async def test_a_key_draws_the_runs_all_in_one_chart_or_a_cell_a_pair_again(batch_norm):
    app = ChartsApp(batch_norm, chart="loss")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        grid = (await drawn(pilot, panel, "loss")).plain
        await pilot.press("m")
        overlay = (await drawn(pilot, panel, "loss")).plain
        assert all(not chart.shows_grid() for chart in panel.curves())
        await pilot.press("m")
        again = (await drawn(pilot, panel, "loss")).plain
    assert "one cell per pair" in grid and "0.00063" in grid
    assert "one cell per pair" not in overlay and "plain-1" in overlay
    assert again == grid


async def test_paths_one_panel_per_optimizer_start_and_minimum_marked_growing(monkeypatch):
    monkeypatch.setattr(PathsChart, "STEP_SECONDS", 3600.0)  # the test moves the paths on
    app = ChartsApp(chart="paths")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        chart = panel.chart("paths")
        assert isinstance(chart, PathsChart)
        start = await drawn(pilot, panel, "paths")
        for _ in range(10):
            chart.advance()
        await pilot.pause()
        await wait_for(pilot, lambda: chart.current)
        middle = chart.picture
        for _ in range(30):
            chart.advance()
        await pilot.pause()
        await wait_for(pilot, lambda: chart.current)
        end = chart.picture
    optimizers = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    for picture in (start, middle, end):
        panels = picture.plain.split("\n", 1)[1]  # under the heading, which shows the key
        assert all(name in panels for name in optimizers)
        assert panels.count("○") == 6 and panels.count("★") == 6
    assert "0/30" in start.plain and "10/30" in middle.plain and "30/30" in end.plain

    def walked(picture: Text) -> int:
        return sum(picture.plain.count(block) for block in QUADRANTS[1:])

    assert walked(start) < walked(middle) < walked(end)
    title_colours = [colour_of(end, f"{name}") for name in optimizers]
    assert len({c.triplet if c else None for c in title_colours}) == 6  # six colours


async def test_activations_of_every_run_on_one_x_scale():
    app = ChartsApp(init_relu(), chart="activations")
    async with app.run_test(size=SIZE) as pilot:
        picture = (await drawn(pilot, app.query_one(ChartsPanel), "activations")).plain
    lines = picture.split("\n")
    matrix = lines[2 : next(i for i, line in enumerate(lines) if "└" in line)]
    rows = [line.split("│")[0].strip() for line in matrix]
    assert [row for row in rows if row] == ["he", "xavier", "std-0.01"]  # a row a run
    assert all(f"│L{i}" in lines[1] for i in range(1, 11))  # a column a layer
    axis = next(below for line, below in itertools.pairwise(lines) if "└" in line)
    # one scale: every column's ticks read the same
    labels = axis.split()[1:]
    assert labels and labels == labels[: len(labels) // 10] * 10, axis


# -- the x axis --------------------------------------------------------------------------------


async def test_the_x_axis_key_cycles_steps_epochs_samples_seconds():
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        panel = screen.query_one(ChartsPanel)
        for _ in range(3):
            await pilot.press("s")
        await wait_for(pilot, lambda: screen.step == 3)
        await charts_drawn(pilot)
        assert panel.x_axis == "steps"
        for expected in ("epochs", "samples", "seconds", "steps"):
            await pilot.press(key_for("cycle_x_axis"))
            assert panel.x_axis == expected
            assert all(chart.x_axis == expected for chart in panel.curves())
            await charts_drawn(pilot)
            label_row = panel.chart("loss").picture.plain.rstrip("\n").split("\n")[-1]
            assert tr(f"views.axis_{expected}", "en") in label_row.split(), label_row


async def test_gd_and_sgd_side_by_side_over_samples_seen():
    """Over samples seen, full-batch GD's few updates and SGD's many span the same axis."""
    base = RunConfig(name="minibatch", layers=(8,), batch_size=16, epochs=4, seed=0)
    base = base.with_changes(data={"name": "spiral", "samples": 200})
    comparison = Comparison.from_variants(base, {"full-batch": {"batch_size": "full"}})
    while not comparison.done:
        comparison.step(5)
        comparison.snapshot(layers=False)
    app = ChartsApp(comparison)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        panel.set_x_axis("samples")
        snapshot = comparison.snapshot(layers=False)
        ends = [run.history.samples_seen[-1] for run in snapshot.runs]
        steps = [run.history.step[-1] for run in snapshot.runs]
        assert ends[0] == pytest.approx(ends[1], rel=0.15) and steps[0] >= 8 * steps[1]
        picture = (await drawn(pilot, panel, "loss")).plain
    assert "samples" in picture.rstrip("\n").split("\n")[-1]


# -- the gradient noise ------------------------------------------------------------------------


async def test_the_noise_view_draws_each_run_at_its_batch_size():
    app = ChartsApp(noisy(), chart="noise", noise=True)
    async with app.run_test(size=SIZE) as pilot:
        picture = await drawn(pilot, app.query_one(ChartsPanel), "noise")
    text = picture.plain
    assert "Gradient noise" in text and "cos" in text
    assert "batch-8 (batch 8)" in text and "batch-128 (batch 128)" in text
    assert {Color.parse(run_color(0)), Color.parse(run_color(1))} <= colours(picture)


async def test_the_noise_tab_asks_the_training_process_for_the_noise_only_while_shown(monkeypatch):
    watched: list[tuple] = []
    watch = Trainer.watch

    def spy(self, selected, boundary, noise=False, network=False):
        watched.append((boundary, noise, network))
        watch(self, selected, boundary, noise, network)

    monkeypatch.setattr(Trainer, "watch", spy)
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot)
        panel = screen.query_one(ChartsPanel)
        assert watched[-1] == (False, False, False)
        await pilot.press(str(CHART_NAMES.index("noise") + 1))
        assert panel.wants_noise and watched[-1] == (False, True, False)
        await pilot.press("space")  # the noise comes in with the snapshots
        await wait_for(
            pilot,
            lambda: (
                screen.snapshot is not None
                and all(
                    np.isfinite(run.history.gradient_noise).any() for run in screen.snapshot.runs
                )
            ),
        )
        noise = panel.chart("noise")  # drawn from the snapshots that carry it
        await wait_for(pilot, lambda: "batch 16" in noise.picture.plain)
        await pilot.press(str(CHART_NAMES.index("network") + 1))  # the units, not the noise
        assert not panel.wants_noise and watched[-1] == (False, False, True)
        await pilot.press("1")
        assert not panel.wants_noise and watched[-1] == (False, False, False)
        await pilot.press("space")


# -- diverged runs, the log scale, live changes ---------------------------------------------


async def test_a_diverged_run_is_marked_where_it_diverged_and_kept_out_of_the_y_range():
    comparison = with_a_diverging_run()
    snapshot = comparison.snapshot()
    boom = snapshot.run("boom")
    assert boom.status == DIVERGED
    app = ChartsApp(comparison)
    async with app.run_test(size=SIZE) as pilot:
        picture = await drawn(pilot, app.query_one(ChartsPanel), "loss")
    text = picture.plain
    assert text.count(DIVERGED_MARK) == 1
    assert colour_of(picture, DIVERGED_MARK) == Color.parse(run_color(1))  # boom's colour
    kept = [run.history.train_loss for run in snapshot.runs if run.name != "boom"]
    top = max(float(np.nanmax(values)) for values in kept)
    labels = [float(label) for label in ticks(text.split("└")[0]) if re.fullmatch(r"[\d.]+", label)]
    assert max(labels) <= 2 * top  # the axis is the learning runs', not boom's


async def test_the_y_axis_goes_logarithmic_by_itself_when_values_span_decades():
    base = RunConfig(layers=(32, 32, 32), steps=40, seed=1)
    comparison = trained(Comparison.from_variants(base, {"std-5": {"init": 5.0}}))
    runs = comparison.snapshot(layers=False).runs
    losses = np.concatenate([run.history.train_loss for run in runs])
    assert np.nanmax(losses) > 100 * np.nanmin(losses)  # std 5: a huge loss to start with
    app = ChartsApp(comparison, chart="loss")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        auto = (await drawn(pilot, panel, "loss")).plain
        await pilot.press("l")
        linear = (await drawn(pilot, panel, "loss")).plain
        await pilot.press("l")
        chosen = (await drawn(pilot, panel, "loss")).plain
    assert "y log, auto (l)" in auto and "loss (log)" in auto
    assert "y linear (l)" in linear and "(log)" not in linear
    assert "y log (l)" in chosen


async def test_a_live_change_is_named_in_its_runs_colour():
    base = RunConfig(layers=(8,), steps=60, seed=1)
    comparison = Comparison.from_variants(base, {"other": {"activation": "tanh"}})
    trained(comparison, chunks=2)
    comparison.change("other", lr=comparison.run("other").config.optimizer.lr * 2)
    comparison.change("base", batch_norm=True)
    trained(comparison, chunks=2)
    app = ChartsApp(comparison)
    async with app.run_test(size=SIZE) as pilot:
        picture = await drawn(pilot, app.query_one(ChartsPanel), "loss")
    assert colour_of(picture, "lr×2") == Color.parse(run_color(1))
    assert colour_of(picture, "BN on") == Color.parse(run_color(0))


# -- legible -----------------------------------------------------------------------------------


def _linear(channel: float) -> float:
    channel /= 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


# Colour vision deficiencies as linear-RGB matrices (Machado, Oliveira & Fernandes 2009,
# severity 1.0): what a protanope, deuteranope or tritanope sees of a colour.
CVD = {
    "protanopia": ((0.152, 1.053, -0.205), (0.115, 0.786, 0.099), (-0.004, -0.048, 1.052)),
    "deuteranopia": ((0.367, 0.861, -0.228), (0.280, 0.673, 0.047), (-0.012, 0.043, 0.969)),
    "tritanopia": ((1.256, -0.077, -0.179), (-0.078, 0.931, 0.148), (0.005, 0.691, 0.304)),
}


def seen(color: str, matrix=None) -> np.ndarray:
    """A colour as linear RGB (0-1), as an eye with the given deficiency sees it."""
    triplet = Color.parse(color).get_truecolor()
    rgb = np.array([_linear(c) for c in triplet])
    return np.clip(np.array(matrix) @ rgb, 0, 1) if matrix is not None else rgb


def test_run_colours_are_distinct_in_256_and_true_colour_and_to_colour_blind_eyes():
    eight = [run_color(index) for index in range(8)]
    assert len({Color.parse(c).get_truecolor() for c in eight}) == 8
    downgraded = {Color.parse(c).downgrade(ColorSystem.EIGHT_BIT).number for c in eight}
    assert len(downgraded) == 8  # 256 colours: eight palette entries
    for name, matrix in CVD.items():
        views = [seen(c, matrix) for c in eight]
        closest = min(np.linalg.norm(a - b) for a, b in itertools.combinations(views, 2))
        assert closest > 0.05, name
    assert run_color(8) == run_color(0)  # past eight, colours come round ...


async def test_no_two_runs_drawn_together_share_a_colour_or_a_look():
    app = ChartsApp(eight_runs())
    async with app.run_test(size=SIZE) as pilot:
        picture = await drawn(pilot, app.query_one(ChartsPanel), "loss")
    names = ["base", *[f"lr-{i}" for i in range(7)]]
    legend = [colour_of(picture, f" {name} " if name != "base" else name) for name in names]
    assert None not in legend
    assert len({c.triplet for c in legend}) == 8
    assert len({c.downgrade(ColorSystem.EIGHT_BIT).number for c in legend}) == 8


def test_decision_regions_and_surfaces_keep_their_colours_apart():
    numbers = [n for shades in CLASS_COLORS for n in shades]
    assert len(set(numbers)) == len(numbers)  # every class, level and point colour its own
    assert len(set(DIVERGING_REGIONS)) == len(DIVERGING_REGIONS)
    assert len(set(DIVERGING_POINTS)) == len(DIVERGING_POINTS)


def extreme() -> tuple[Comparison, Snapshot]:
    """Values at the ends of what training gives: a loss from 1e-7 to 2.5e15, gradients of
    1e-7 and 2.5e15, a run that diverged, activations out to 2.5e15."""
    comparison = with_a_diverging_run()
    snapshot = comparison.snapshot()
    runs = []
    for index, run in enumerate(snapshot.runs):
        history = run.history
        count = len(history.step)
        wide = np.logspace(-7, math.log10(2.5e15), count)[:: 1 if index % 2 else -1]
        if run.status != DIVERGED:
            history = replace(
                history,
                train_loss=wide,
                test_loss=wide * 3,
                effective_step=np.logspace(-7, 2, count),
                gradient_noise=np.linspace(-0.001, 1.0, count),
            )
        layers = tuple(
            replace(
                layer,
                grad_norm=(1e-7, 2.5e15)[(layer.index + index) % 2],
                activation_edges=np.linspace(0, 2.5e15, len(layer.activation_edges))
                if layer.activation_edges is not None
                else None,
                weight_edges=np.linspace(-2.5e15, 2.5e15, len(layer.weight_edges)),
                activation_mean=1e-7,
                activation_std=2.5e15,
            )
            for layer in run.layers
        )
        runs.append(replace(run, history=history, layers=layers))
    return comparison, replace(snapshot, runs=tuple(runs))


class ExtremeApp(ChartsApp):
    def feed(self) -> None:
        super().feed()
        self.query_one(ChartsPanel).show_snapshot(self.extreme, self.selected)


@pytest.mark.parametrize("size", [SIZE, MAIN_80, (80, 24)], ids=["120x40", "main80", "80x24"])
async def test_ticks_fit_six_characters_on_every_chart_for_extreme_values(size):
    comparison, snapshot = extreme()
    ExtremeApp.extreme = snapshot
    app = ExtremeApp(comparison)
    found = {}
    async with app.run_test(size=size) as pilot:
        panel = app.query_one(ChartsPanel)
        for name in CHART_NAMES:
            found[name] = ticks((await drawn(pilot, panel, name)).plain)
            if isinstance(panel.chart(name), CurvesChart):
                await pilot.press("m")  # the grid's ticks too
                found[f"{name} grid"] = ticks((await drawn(pilot, panel, name)).plain)
                await pilot.press("m")
    too_long = {name: [t for t in labels if len(t) > TICK_WIDTH] for name, labels in found.items()}
    assert not any(too_long.values()), too_long
    assert all(found[name] for name in ("loss", "gradients", "paths", "noise")), found
    assert any("e" in t and float(t) >= 1e9 for t in found["loss"]), found["loss"]


async def test_every_axis_has_a_label():
    comparison, snapshot = extreme()
    ExtremeApp.extreme = snapshot
    app = ExtremeApp(comparison)
    expected = {
        "loss": ["loss", "step"],
        "accuracy": ["acc", "step"],
        "activations": ["count", "output"],  # one hidden layer: no profile by layer
        "gradients": ["‖∂L/∂W‖", "layer", "step size", "step"],
        "weights": ["count", "w", "share", "layer"],
        "paths": ["x", "y"],
        "boundary": ["x₁", "x₂"],
        "noise": ["cos", "step"],
        "network": [],  # neurons and links: no axes
    }
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        for name in CHART_NAMES:
            text = (await drawn(pilot, panel, name)).plain
            lines = text.split("\n")
            for label in expected[name]:
                assert label in text, (name, label)
            # every frame: plotext's (┌ … ┘) has a row of axis names under its tick row;
            # ours (└ without ┘) names the y axis left of its axis line and the x axis left
            # of the tick row
            for number, line in enumerate(lines):
                if "└" not in line:
                    continue
                if line.rstrip().endswith("┘"):
                    names = lines[number + 2].split()
                    assert len(names) >= 2, (name, lines[number + 2])
                else:
                    assert line.split("└")[0].strip(), (name, line)
                    assert lines[number + 1][: line.index("└")].strip(), (name, lines[number + 1])


# -- regression ------------------------------------------------------------------------------


async def test_a_2d_regression_is_drawn_as_a_fitted_surface():
    comparison = regression("mixture", samples=300, noise=0.05)
    app = ChartsApp(comparison, chart="boundary", selected="l2")
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ChartsPanel)
        picture = await drawn(pilot, panel, "boundary")
        accuracy = (await drawn(pilot, panel, "accuracy")).plain
    text = picture.plain
    assert "Fitted surface of l2" in text
    assert "•" in text and "∘" in text
    grounds = {span.style.bgcolor for span in picture.spans if isinstance(span.style, Style)}
    assert len(grounds - {None}) >= 5  # the predicted number in many shades
    assert "R²" in accuracy and "Accuracy" not in accuracy


async def test_1d_data_shows_every_runs_fitted_curve_with_the_points():
    comparison = regression("sine", samples=60, train_ratio=0.3, noise=0.2)
    app = ChartsApp(comparison, chart="boundary")
    async with app.run_test(size=SIZE) as pilot:
        picture = await drawn(pilot, app.query_one(ChartsPanel), "boundary")
    text = picture.plain
    assert "Fitted curve of each run" in text
    assert "base" in text.split("\n")[0] and "l2" in text.split("\n")[0]
    assert "•" in text and "∘" in text
    assert {Color.parse(run_color(0)), Color.parse(run_color(1))} <= colours(picture)


# -- pictures ---------------------------------------------------------------------------------

VIEWS = {
    "grid": lambda: (ChartsApp(_bn(), chart="accuracy"), None),
    "paths": lambda: (ChartsApp(chart="paths"), None),
    "activations": lambda: (ChartsApp(init_relu(), chart="activations"), None),
    "noise": lambda: (ChartsApp(noisy(), chart="noise", noise=True), None),
    "surface": lambda: (
        ChartsApp(regression("mixture", samples=300, noise=0.05), chart="boundary"),
        None,
    ),
    "curves": lambda: (
        ChartsApp(regression("sine", samples=60, train_ratio=0.3), chart="boundary"),
        None,
    ),
    "epochs": lambda: (ChartsApp(with_a_diverging_run()), "epochs"),
}


def _bn() -> Comparison:
    configs = [
        config.with_changes(
            data={"name": "spiral", "samples": 150}, layers=(8, 8), epochs=0.0, steps=30
        )
        for config in load_preset("batch-norm").run_configs()
    ]
    return trained(Comparison(configs), layers=False)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_view_snapshot(view, size, snap_compare, monkeypatch):
    monkeypatch.setattr(PathsChart, "animate", False)  # the whole paths, not a moment of them
    app, x_axis = VIEWS[view]()

    async def settle(pilot):
        if x_axis is not None:
            pilot.app.query_one(ChartsPanel).set_x_axis(x_axis)
        await charts_drawn(pilot)

    assert snap_compare(app, terminal_size=size, run_before=settle)
