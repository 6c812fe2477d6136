"""What keeps the screen cheap to send: steady axes, stable thinning, repainting only what
changed, and a runs table whose columns fit the terminal instead of scrolling away."""

from __future__ import annotations

import numpy as np
from conftest import DIVERGING, ready, tiny_preset, wait_for
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui.app import TrainlabApp
from tui.widgets.plot import NICE, changed_spans, steady_end, steady_limits, step_ticks, thin_steps
from tui.widgets.runs_table import (
    COLUMNS,
    DIFFERS_MIN,
    LAST,
    SPARE,
    RunsTable,
    _fit,
    layout,
)


def test_steady_end_is_a_nice_number_at_or_above_the_value():
    for value in (0.3, 1, 7, 11, 99, 100, 101, 1234, 8000, 123_456):
        end = steady_end(value)
        mantissa = end / 10 ** np.floor(np.log10(end))
        assert end >= value and any(np.isclose(mantissa, n) for n in NICE), value
    ends = [steady_end(step) for step in range(1, 100_000, 7)]
    assert len(set(ends)) < 60  # the x axis of a long run rescales a few dozen times


def test_steady_limits_hold_while_a_loss_creeps_down():
    losses = 1.1 * np.exp(-np.linspace(0, 3, 400))  # a loss curve, seen point by point
    limits = [steady_limits(float(losses[: i + 1].min()), 1.1) for i in range(len(losses))]
    assert all(low <= losses[: i + 1].min() and high >= 1.1 for i, (low, high) in enumerate(limits))
    assert len(set(limits)) <= 12  # the picture rescales rarely, not at every redraw
    low, high = steady_limits(1e-4, 2.0, log=True)
    assert low <= 1e-4 and high >= 2.0
    assert steady_limits(0.5, 0.5)[0] < 0.5 < steady_limits(0.5, 0.5)[1]  # never empty


def test_step_ticks_are_whole_steps_with_short_labels():
    assert step_ticks(8) == ([0, 2, 4, 6, 8], ["0", "2", "4", "6", "8"])
    ticks, labels = step_ticks(12_500)
    assert labels == ["0", "2.5k", "5k", "7.5k", "10k", "12.5k"]
    assert ticks[-1] == 12_500


def test_thinned_points_stay_put_as_the_history_grows():
    end, columns = 10_000.0, 80
    earlier = np.arange(0, 6_000, 5)
    later = np.arange(0, 6_500, 5)
    kept_earlier = set(earlier[thin_steps(earlier, end, columns)])
    kept_later = set(later[thin_steps(later, end, columns)])
    settled = {step for step in kept_earlier if step < 5_900}  # slices already full
    assert settled <= kept_later
    assert len(kept_later) <= 2 * columns + 1
    assert 0 in kept_later and later[-1] in kept_later  # the start and the newest point


def test_changed_spans_cover_only_what_differs():
    plain, red = Style(), Style(color="red")

    def line(*texts: tuple[str, Style]) -> Strip:
        return Strip([Segment(text, style) for text, style in texts])

    old = [line(("abc", plain), ("def", plain), ("ghi", plain)), line(("same", plain))]
    new = [line(("abc", plain), ("dXf", red), ("ghi", plain)), line(("same", plain))]
    assert changed_spans(old, new) == [(0, (3, 6))]
    assert changed_spans(old, old) == []
    assert changed_spans(old[:1], new) == [(0, (3, 6)), (1, (0, 4))]  # a new line is all new


def test_layout_leaves_out_spare_columns_before_cutting_what_differs():
    widths = {key: 9 for key in COLUMNS} | {"differs": 24, "status": 20}
    wide = layout(widths, 200)
    assert list(wide) == list(COLUMNS)
    total = sum(widths.values()) + 2 * (len(COLUMNS) - 1) + 1
    roomy = layout(widths, total - 11)  # no room for steps/s: it goes, differs stays whole
    assert "speed" not in roomy and roomy["differs"][1] == 24 and "epoch" in roomy
    for available in (100, 78, 70):
        narrow = layout(widths, available)
        assert {"run", "step", "score", "status"} <= set(narrow)
        assert set(COLUMNS) - set(narrow) <= set(SPARE + LAST)
        if set(LAST) - set(narrow):  # a loss went: the room it left went to what differs
            assert narrow["status"][0] + narrow["status"][1] == available
            assert DIFFERS_MIN <= narrow["differs"][1] <= 24
        x, width = narrow["status"]
        assert x + width <= available
    assert "test_loss" in layout(widths, 100)
    tight = layout(widths, 70)
    assert "train_loss" not in tight and tight["differs"][1] > DIFFERS_MIN


async def test_the_status_of_a_diverged_run_shows_in_full_at_80_columns():
    app = TrainlabApp(tiny_preset(extra=DIVERGING))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.snapshot.run("boom").status == "diverged")
        table = screen.query_one(RunsTable)
        row = table.names.index("boom")
        said = f"diverged at step {screen.snapshot.run('boom').diverged_step}"
        await wait_for(pilot, lambda: said in table.render_line(row + 1).text)


async def test_a_snapshot_repaints_rows_not_the_table(app: TrainlabApp):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one(RunsTable)
        repainted: list = []
        original = table.refresh

        def spy(*regions, **kwargs):
            repainted.append(regions)
            return original(*regions, **kwargs)

        await pilot.press("space")
        await wait_for(pilot, lambda: screen.step > 100)
        for _ in range(3):  # a column that widens (999 → 1000) repaints all: try again
            widths = dict(table._widths)
            repainted.clear()
            table.refresh = spy  # type: ignore[method-assign]
            await wait_for(pilot, lambda seen=screen.snapshot: screen.snapshot is not seen)
            table.refresh = original  # type: ignore[method-assign]
            if table._widths == widths:
                break
        assert repainted and all(regions for regions in repainted)  # never the whole table
        assert all(region.height == 1 for regions in repainted for region in regions)


def test_cells_are_measured_in_terminal_cells_not_characters():
    for text in ("상태", "준비 완료", "diverged at step 12", "relu"):
        for width in (3, 5, 8, 24):
            for right in (False, True):
                assert cell_len(_fit(text, width, right)) == width, (text, width)
    assert _fit("상태", 6, right=True) == "  상태"
    assert _fit("준비 완료", 5) == "준비…"


async def test_korean_headers_line_up_with_their_columns():
    app = TrainlabApp(tiny_preset(), lang="ko")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        table = screen.query_one(RunsTable)
        await wait_for(
            pilot,
            lambda: table.render_line(0).cell_length == table.scrollable_content_region.width > 0,
        )
        header, row = table.render_line(0), table.render_line(1)
        assert header.cell_length == row.cell_length == table.scrollable_content_region.width
        status_x, _ = table._columns()["status"]
        assert header.crop(status_x).text.startswith(table.column_label("status"))
        assert row.crop(status_x).text.startswith("준비")
