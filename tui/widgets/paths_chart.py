"""Optimizer paths on 2-D loss surfaces, over contour lines (LECTURE 1.2-1.7).

SGD zig-zags across the elongated valley, Momentum rolls through it, AdaGrad's steps
shrink, RMSProp's do not. The paths come from nn.surfaces, computed when the surface
changes (they do not depend on training), never at the chart's refresh rate.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text

from nn.surfaces import contour_grid, get_surface, textbook_paths
from tui.i18n import tr
from tui.widgets.plot import Axes, Chart, Series, figure, run_style, stacked

CONTOUR_LEVELS = 7
CONTOUR_COLOR = "bright_black"


def contour_points(
    xs: np.ndarray, ys: np.ndarray, values: np.ndarray, levels: int
) -> tuple[np.ndarray, np.ndarray]:
    """Grid cells that a contour line crosses, as points to draw: where f goes from below a
    level to above it between neighbours. Levels sit at quantiles of f, so every surface
    (bowl, saddle, banana valley) gets evenly spread lines."""
    marks = np.zeros(values.shape, dtype=bool)
    for level in np.quantile(values, np.linspace(0.05, 0.95, levels)):
        above = values > level
        marks[:, 1:] |= above[:, 1:] != above[:, :-1]
        marks[1:, :] |= above[1:, :] != above[:-1, :]
    rows, cols = np.nonzero(marks)
    return xs[cols], ys[rows]


class PathsChart(Chart):
    """The textbook's six optimizers walking one surface; `surface` picks which."""

    chart_name = "paths"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.surface = "elongated"

    def set_surface(self, name: str) -> None:
        get_surface(name)  # a ValueError naming the known surfaces for a wrong name
        self.surface = name
        self.invalidate()

    def draw(self, width: int, height: int) -> Text:
        from tui.keys import key_for  # the keys table lists the charts: import it late

        surface, lang = get_surface(self.surface), self.lang
        # One grid point per character cell: contour lines come out as continuous dots.
        columns, rows = max(width - 8, 2), max(height - 5, 2)
        xs, ys, values = contour_grid(surface, columns)
        keep = np.linspace(0, columns - 1, rows).round().astype(int)
        cx, cy = contour_points(xs, ys[keep], values[keep], CONTOUR_LEVELS)
        series = [Series(cx, cy, CONTOUR_COLOR, "·", lines=False)]
        key = Text(no_wrap=True, end="", overflow="ellipsis")
        for index, (name, path) in enumerate(textbook_paths(self.surface).items()):
            color, marker = run_style(index)
            series.append(Series(path[:, 0], path[:, 1], color, marker))
            diverged = " " + tr("chart.path_diverged", lang) if len(path) < 31 else ""
            key.append(f"━━ {name}{diverged}  ", style=f"bold {color}")
        key.append(tr("chart.next_surface", lang, key=key_for("next_surface")), style="dim")
        (x_range, y_range) = surface.default_range
        title = f"{tr(f'surface.{self.surface}', lang)}: {surface.formula}"
        axes = Axes(title=title, xlim=x_range, ylim=y_range)
        return stacked([key, figure(width, height - 1, series, axes=axes)])
