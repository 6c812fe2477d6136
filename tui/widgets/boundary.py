"""What a run computes over its input: decision regions, a fitted surface, fitted curves.

- 2-D classification: the selected run's decision regions, drawn with half-block cells.
  Each character cell shows two grid points: "▀" with the upper one as foreground colour
  and the lower one as background. The colour is the predicted class, dimmed where the
  network is unsure; the train (•) and test (∘) points sit on top in their true class's
  colour, so a misclassified point stands out against its region. Confidence is cut into
  three levels: fewer distinct colours mean longer colour runs and fewer bytes over SSH.
- 2-D regression: the selected run's fitted surface, the predicted number on a diverging
  scale (blue low, orange high), the points in the colour of their target on the same
  scale, brighter: a point that differs from the ground under it is one the fit misses.
- 1-D data: every run's fitted curve over x, with the train (•) and test (∘) points, so a
  net that overfits shows as a curve that wiggles through the training points.

The grids come from the training process (`Comparison.decision_grid`), by run.
"""

from __future__ import annotations

import math

import numpy as np
from rich.style import Style
from rich.text import Text

from nn.data import Dataset
from tui.i18n import tr
from tui.theme import (
    CLASS_GLYPHS,
    DIVERGING_GLYPHS,
    DIVERGING_LEVELS,
    class_color,
    diverging_color,
    no_color,
)
from tui.widgets.multiples import Scale, x_axis_rows, y_tick_rows
from tui.widgets.plot import (
    Axes,
    Chart,
    Series,
    figure,
    legend,
    nice_ticks,
    run_style,
    short_number,
    stacked,
    tick_labels,
)

Grid = tuple[np.ndarray, np.ndarray, np.ndarray]

CONFIDENCE_EDGES = (0.6, 0.85)  # below, between, above: three shades
TRAIN_MARK, TEST_MARK = "•", "∘"
TRAIN_COLOR, TEST_COLOR = "bright_white", "bright_black"  # the points of a 1-D fit
X1, X2 = "x₁", "x₂"


class BoundaryChart(Chart):
    """Shows the latest grids of what the runs predict, or why there are none."""

    chart_name = "boundary"

    MIN_HEIGHT = 3  # a title and two rows of cells already show the regions

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.dataset: Dataset | None = None
        self.grids: dict[str, Grid] = {}  # by run: the selected one's, or (1-D) every run's

    def set_dataset(self, dataset: Dataset) -> None:
        self.dataset, self.grids = dataset, {}
        self.invalidate()

    def show_grid(self, grid: Grid | None, grids: dict[str, Grid] | None = None) -> None:
        """The selected run's grid and, by run, the grids to draw (without them, the
        selected run's alone, unnamed)."""
        if grids is None:
            grids = {} if grid is None else {"": grid}
        self.grids = dict(grids)
        self.invalidate()

    def draw(self, width: int, height: int) -> Text:
        lang, data = self.lang, self.dataset
        if data is None:
            return Text(tr("chart.no_data", lang), style="dim")
        if data.n_features not in (1, 2):
            return Text(tr("views.not_plane", lang, n=data.n_features), style="bold")
        if not self.grids:
            return Text(tr("chart.waiting", lang), style="dim")
        if data.n_features == 1:
            return self._curves(width, height)
        run, grid = next(iter(self.grids.items()))
        key = "views.surface" if data.regression else "views.regions"
        heading = Text(no_wrap=True, end="", overflow="ellipsis")
        if not run and not data.regression:
            key = "chart.regions"  # a grid without its run's name
        heading.append(tr(key, lang, run=run, train=TRAIN_MARK, test=TEST_MARK), style="bold")
        field = Field(grid, data)
        if data.regression:
            heading.append("  ")
            heading.append_text(field.color_key())
            points = tr("views.surface_points", lang, train=TRAIN_MARK, test=TEST_MARK)
            heading.append("  " + points, style="dim")
        return stacked([heading, field.draw(width, height - 1)])

    def _curves(self, width: int, height: int) -> Text:
        """Every run's fitted curve over x, with the data's points."""
        lang, data = self.lang, self.dataset
        assert data is not None
        series = [
            Series(data.x_train[:, 0], data.y_train, TRAIN_COLOR, TRAIN_MARK, lines=False),
            Series(data.x_test[:, 0], data.y_test, TEST_COLOR, TEST_MARK, lines=False),
        ]
        for index, (_, (xs, _, outputs)) in enumerate(self.grids.items()):
            color, marker = run_style(index)
            values = outputs[0, :, 0] if data.regression else outputs[0].argmax(axis=-1)
            series.append(Series(xs, values, color, marker))
        targets = np.concatenate([data.y_train, data.y_test]).astype(float)
        low, high = float(targets.min()), float(targets.max())
        pad = (high - low) * 0.25 or 1.0
        xs = next(iter(self.grids.values()))[0]
        axes = Axes(
            title=tr("views.curves_title", lang, train=TRAIN_MARK, test=TEST_MARK),
            xlim=(float(xs[0]), float(xs[-1])),
            ylim=(low - pad, high + pad),
            xlabel="x",
            ylabel="y",
        )
        return stacked([legend(list(self.grids)), figure(width, height - 1, series, axes=axes)])


class Field:
    """One run's grid over the plane, drawn in half blocks with the data's points on top and
    an axis on two sides: the regions of a classifier or the surface of a regression."""

    def __init__(self, grid: Grid, dataset: Dataset) -> None:
        self.xs, self.ys, self.outputs = grid
        self.dataset = dataset
        self.regression = dataset.regression
        targets = np.concatenate([dataset.y_train, dataset.y_test]).astype(float)
        if self.regression:
            self.low, self.high = float(targets.min()), float(targets.max())

    def level(self, values: np.ndarray) -> np.ndarray:
        """A regression's values on the diverging scale's levels, its middle at the middle
        of the targets' range."""
        middle, half = (self.low + self.high) / 2, (self.high - self.low) / 2 or 1.0
        scaled = np.nan_to_num((values - middle) / half * DIVERGING_LEVELS, nan=0.0)
        return np.clip(np.round(scaled), -DIVERGING_LEVELS, DIVERGING_LEVELS).astype(int)

    def color_key(self) -> Text:
        """low ▇▇▇▇▇▇▇▇▇ high: the surface's colours and the values they stand for."""
        key = Text(no_wrap=True, end="")
        key.append(short_number(self.low) + " ", style="dim")
        plain = no_color()
        for level in range(-DIVERGING_LEVELS, DIVERGING_LEVELS + 1):
            if plain:
                key.append(DIVERGING_GLYPHS[level + DIVERGING_LEVELS])
            else:
                key.append(" ", style=Style(bgcolor=diverging_color(level)))
        key.append(" " + short_number(self.high), style="dim")
        return key

    def draw(self, width: int, height: int) -> Text:
        x = _scale(self.xs, X1, max(5, width // 12))
        y = _scale(self.ys, X2, max(5, height // 4))
        label_width = max([len(label) for label in y.labels] + [len(X2)]) + 1
        plot_w, rows = max(width - label_width, 2), max(height - 2, 1)
        field = self._cells(plot_w, rows)
        axis_style = Style(color=None if no_color() else "bright_black")
        ticks = y_tick_rows(y, rows)
        out = []
        for row, line in enumerate(field):
            left = Text(no_wrap=True, end="")
            if row in ticks:
                left.append(ticks[row].rjust(label_width - 1) + "┤", axis_style)
            else:
                left.append(" " * (label_width - 1) + "│", axis_style)
            left.append_text(line)
            out.append(left)
        out.extend(x_axis_rows(x, plot_w, label_width, axis_style, X2))
        return Text("\n", no_wrap=True, end="").join(out)

    def _cells(self, width: int, rows: int) -> list[Text]:
        """Rows of half-block cells: what the run predicts, with the points on top."""
        # Nearest grid point for every column and half-row; half-row 0 is the top (largest y).
        col_index = np.linspace(0, len(self.xs) - 1, width).round().astype(int)
        row_index = np.linspace(len(self.ys) - 1, 0, 2 * rows).round().astype(int)
        cells = self.outputs[np.ix_(row_index, col_index)]
        if self.regression:
            ground = self.level(cells[..., 0])
            region = [[(int(v),) for v in line] for line in ground]
        else:
            klass = cells.argmax(axis=-1)
            sure = np.digitize(cells.max(axis=-1), CONFIDENCE_EDGES)
            region = [
                [(int(k), int(s)) for k, s in zip(ks, ss, strict=True)]
                for ks, ss in zip(klass, sure, strict=True)
            ]
        marks = self._marks(width, rows)
        plain = no_color()
        styles: dict[tuple, Style] = {}
        out = []
        for row in range(rows):
            line = Text(no_wrap=True, end="")
            run_text: list[str] = []
            run_style: Style | None = None
            for col in range(width):
                upper, lower = region[2 * row][col], region[2 * row + 1][col]
                mark = marks.get((row, col))
                if plain:
                    char = mark[0] if mark else self._glyph(upper)
                    key: tuple = ()
                elif upper == lower:
                    # A plain cell: a space on the region's colour, 1 byte. Its foreground is
                    # the point colour of the region, so a point of that kind costs no style.
                    char = mark[0] if mark else " "
                    key = ("point", mark[1] if mark else self._point_of(upper), upper)
                elif mark:
                    char, key = mark[0], ("point", mark[1], upper)
                else:
                    char, key = "▀", ("halves", upper, lower)
                if key not in styles:
                    styles[key] = self._style(key)
                style = styles[key]
                if style is not run_style and run_text:
                    line.append("".join(run_text), run_style)
                    run_text = []
                run_text.append(char)
                run_style = style
            line.append("".join(run_text), run_style)
            out.append(line)
        return out

    def _point_of(self, region: tuple) -> int:
        """The point colour that matches a region: its class, or its level."""
        return region[0]

    def _glyph(self, region: tuple) -> str:
        if self.regression:
            return DIVERGING_GLYPHS[region[0] + DIVERGING_LEVELS]
        return CLASS_GLYPHS[region[0] % len(CLASS_GLYPHS)]

    def _region_color(self, region: tuple) -> str:
        if self.regression:
            return diverging_color(region[0])
        return class_color(*region)

    def _point_color(self, point: int) -> str:
        return diverging_color(point, point=True) if self.regression else class_color(point)

    def _style(self, key: tuple) -> Style:
        """("point", its class or level, region) or ("halves", upper region, lower region)."""
        if not key:
            return Style()
        kind, first, region = key
        color = self._point_color(first) if kind == "point" else self._region_color(first)
        return Style(color=color, bgcolor=self._region_color(region))

    def _marks(self, width: int, rows: int) -> dict[tuple[int, int], tuple[str, int]]:
        """(row, col) → (mark, class or target level) of the data points, test over train."""
        marks: dict[tuple[int, int], tuple[str, int]] = {}
        data, xs, ys = self.dataset, self.xs, self.ys
        for mark, x, y in (
            (TRAIN_MARK, data.x_train, data.y_train),
            (TEST_MARK, data.x_test, data.y_test),
        ):
            kinds = self.level(np.asarray(y, dtype=float)) if self.regression else y
            cols = np.round((x[:, 0] - xs[0]) / (xs[-1] - xs[0]) * (width - 1)).astype(int)
            half_rows = np.round((ys[-1] - x[:, 1]) / (ys[-1] - ys[0]) * (2 * rows - 1))
            inside = (cols >= 0) & (cols < width) & (half_rows >= 0) & (half_rows < 2 * rows)
            for col, half_row, kind in zip(
                cols[inside], half_rows[inside].astype(int), kinds[inside], strict=True
            ):
                marks[(half_row // 2, col)] = (mark, int(kind))
        return marks


def _scale(values: np.ndarray, label: str, count: int) -> Scale:
    """An axis over the grid's range with nice ticks inside it."""
    low, high = float(values[0]), float(values[-1])
    ticks = nice_ticks(low, high, count) if math.isfinite(low + high) and high > low else []
    return Scale(low, high, ticks, tick_labels(ticks), label)
