"""Decision regions of the selected run on 2-D data, drawn with half-block cells.

Each character cell shows two grid points: "▀" with the upper one as foreground colour
and the lower one as background. The colour is the predicted class, dimmed where the
network is unsure; the train (•) and test (∘) points sit on top in their true class's
colour, so a misclassified point stands out against its region. Confidence is cut into
three levels: fewer distinct colours mean longer colour runs and fewer bytes over SSH.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from nn.data import Dataset
from tui.i18n import tr
from tui.theme import CLASS_GLYPHS, class_color, no_color
from tui.widgets.plot import Chart

Grid = tuple[np.ndarray, np.ndarray, np.ndarray]

CONFIDENCE_EDGES = (0.6, 0.85)  # below, between, above: three shades
TRAIN_MARK, TEST_MARK = "•", "∘"


class BoundaryChart(Chart):
    """Shows the latest decision grid of the selected run, or why there is none."""

    chart_name = "boundary"

    MIN_HEIGHT = 3  # a title and two rows of cells already show the regions

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.dataset: Dataset | None = None
        self.grid: Grid | None = None

    def set_dataset(self, dataset: Dataset) -> None:
        self.dataset, self.grid = dataset, None
        self.invalidate()

    def show_grid(self, grid: Grid | None) -> None:
        self.grid = grid
        self.invalidate()

    def draw(self, width: int, height: int) -> Text:
        lang = self.lang
        if self.dataset is None:
            return Text(tr("chart.no_data", lang), style="dim")
        if self.dataset.n_features != 2:
            return Text(tr("chart.not_2d", lang, n=self.dataset.n_features), style="bold")
        if self.grid is None:
            return Text(tr("chart.waiting", lang), style="dim")
        heading = Text(no_wrap=True, end="")
        title = tr("chart.regions", lang, train=TRAIN_MARK, test=TEST_MARK)
        heading.append(title + "\n", style="bold")
        heading.append_text(self._regions(width, max(height - 1, 1)))
        return heading

    def _regions(self, width: int, rows: int) -> Text:
        xs, ys, probs = self.grid
        # Nearest grid point for every column and half-row; half-row 0 is the top (largest y).
        col_index = np.linspace(0, len(xs) - 1, width).round().astype(int)
        row_index = np.linspace(len(ys) - 1, 0, 2 * rows).round().astype(int)
        cells = probs[np.ix_(row_index, col_index)]
        klass = cells.argmax(axis=-1)
        level = np.digitize(cells.max(axis=-1), CONFIDENCE_EDGES)
        marks = self._marks(xs, ys, width, rows)
        plain = no_color()
        out = Text(no_wrap=True, end="")
        styles: dict[tuple, Style] = {}
        for row in range(rows):
            if row:
                out.append("\n")
            run_text, run_style = [], None
            for col in range(width):
                upper = (int(klass[2 * row, col]), int(level[2 * row, col]))
                lower = (int(klass[2 * row + 1, col]), int(level[2 * row + 1, col]))
                mark = marks.get((row, col))
                if plain:
                    char = mark[0] if mark else CLASS_GLYPHS[upper[0] % len(CLASS_GLYPHS)]
                    key: tuple = ()
                elif upper == lower:
                    # A plain cell: a space on the region's colour, 1 byte. Its foreground is
                    # the class's point colour, so a point of that class costs no new style.
                    char, key = mark[0] if mark else " ", ((mark[1] if mark else upper[0]), upper)
                elif mark:
                    char, key = mark[0], (mark[1], upper)
                else:
                    char, key = "▀", (upper, lower)
                if key not in styles:
                    styles[key] = self._style(key)
                style = styles[key]
                if style is not run_style and run_text:
                    out.append("".join(run_text), run_style)
                    run_text = []
                run_text.append(char)
                run_style = style
            out.append("".join(run_text), run_style)
        return out

    @staticmethod
    def _style(key: tuple) -> Style:
        """(upper region, lower region) for a half block; (point class, region) otherwise."""
        if not key:
            return Style()
        first, (region_class, region_level) = key
        # A point's class alone: its bright colour; a region (class, level): its shade.
        color = class_color(first) if isinstance(first, int) else class_color(*first)
        return Style(color=color, bgcolor=class_color(region_class, region_level))

    def _marks(self, xs: np.ndarray, ys: np.ndarray, width: int, rows: int) -> dict:
        """(row, col) → (mark, true class) of the data points, test drawn over train."""
        marks: dict[tuple[int, int], tuple[str, int]] = {}
        data = self.dataset
        for mark, x, y in (
            (TRAIN_MARK, data.x_train, data.y_train),
            (TEST_MARK, data.x_test, data.y_test),
        ):
            cols = np.round((x[:, 0] - xs[0]) / (xs[-1] - xs[0]) * (width - 1)).astype(int)
            half_rows = np.round((ys[-1] - x[:, 1]) / (ys[-1] - ys[0]) * (2 * rows - 1))
            inside = (cols >= 0) & (cols < width) & (half_rows >= 0) & (half_rows < 2 * rows)
            for col, half_row, label in zip(
                cols[inside], half_rows[inside].astype(int), y[inside], strict=True
            ):
                marks[(half_row // 2, col)] = (mark, int(label))
        return marks
