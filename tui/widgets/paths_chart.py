"""Optimizer paths on 2-D loss surfaces, one panel per optimizer (LECTURE 1.2-1.7).

SGD zig-zags across the elongated valley, Momentum rolls through it, AdaGrad's steps
shrink, RMSProp's do not. Each optimizer walks its own panel (six paths in one picture
hid each other), over the same contour lines and on the same axes, from the start (○) to
the minimum (★). The paths grow a step at a time at the charts' rate each time the tab is
shown or the surface changes, so the student sees how each one gets there, not only where.
The paths come from nn.surfaces, computed when the surface changes (they do not depend on
training), never at the chart's refresh rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual.timer import Timer

from nn.surfaces import Surface, get_surface, textbook_paths
from tui.i18n import tr
from tui.theme import run_color
from tui.widgets.multiples import Glyph, Panel, Scale, grid, layout
from tui.widgets.plot import DIVERGED_MARK, Chart, Series, nice_ticks, stacked, tick_labels

CONTOUR_LEVELS = 7
CONTOUR_COLOR = "bright_black"
MARK_COLOR = "bright_white"  # the start and the minimum, apart from every path's colour
START_MARK, MINIMUM_MARK = "○", "★"
STEPS = 30  # updates per path: the textbook's figure


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
    """The textbook's six optimizers, each walking `surface` in a panel of its own."""

    chart_name = "paths"
    animate: ClassVar[bool] = True  # grow the paths when shown (tests draw them whole)
    STEP_SECONDS: ClassVar[float] = 0.25  # one update more per tick: the charts' rate

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.surface = "elongated"
        self.shown = STEPS  # updates of each path on screen
        self._timer: Timer | None = None

    def set_surface(self, name: str) -> None:
        get_surface(name)  # a ValueError naming the known surfaces for a wrong name
        self.surface = name
        self.replay()

    def on_show(self) -> None:
        self.replay()
        super().on_show()

    def replay(self) -> None:
        """Draw the paths from their start again, growing a step a tick."""
        if self.animate:
            self.shown = 0
            if self._timer is None:
                self._timer = self.set_interval(self.STEP_SECONDS, self.advance)
            else:
                self._timer.resume()
        self.invalidate()

    def advance(self) -> None:
        """One update more of every path (the animation's tick); the whole path stays."""
        if self.shown < STEPS:
            self.shown += 1
            self.invalidate()
        if self.shown >= STEPS and self._timer is not None:
            self._timer.pause()

    def draw(self, width: int, height: int) -> Text:
        from tui.keys import key_for  # the keys table lists the charts: import it late

        surface, lang = get_surface(self.surface), self.lang
        paths = textbook_paths(self.surface, STEPS)
        (x_low, x_high), (y_low, y_high) = walked_range(surface, paths.values())
        aspect = (x_high - x_low) / (y_high - y_low)
        x = _scale(x_low, x_high, "x", 5)
        y = _scale(y_low, y_high, "y", 5)
        label_width = max(len(label) for label in [*x.labels, *y.labels]) + 1
        fits = layout(len(paths), width - label_width, height - 3, aspect)
        columns, rows = (fits.width - 1, fits.height - 1) if fits else (20, 10)
        # one contour point a character cell of a panel: dotted lines, not a grey wash
        xs = np.linspace(x_low, x_high, max(columns, 2))
        ys = np.linspace(y_low, y_high, max(rows, 2))
        values = np.asarray(surface.value(*np.meshgrid(xs, ys)), dtype=np.float64)
        keep = np.arange(len(ys))
        # as many lines as the panel has room for: a line every other row at most
        levels = max(2, min(CONTOUR_LEVELS, rows // 2))
        cx, cy = contour_points(xs, ys[keep], values[keep], levels)
        dots = [Glyph(float(a), float(b), "", CONTOUR_COLOR) for a, b in zip(cx, cy, strict=True)]
        marks = [
            Glyph(*surface.default_start, START_MARK, MARK_COLOR),
            Glyph(*surface.minimum, MINIMUM_MARK, MARK_COLOR),
        ]
        panels = []
        for index, (name, path) in enumerate(paths.items()):
            color = run_color(index)
            walked = path[: self.shown + 1]
            diverged = len(path) < STEPS + 1 and len(walked) == len(path)
            title = name + (" " + tr("chart.path_diverged", lang) if diverged else "")
            line = Series(
                walked[:, 0], walked[:, 1], color, diverged_at=walked[-1, 0] if diverged else None
            )
            head = [] if diverged or self.shown == 0 else [Glyph(*walked[-1], "●", color)]
            panels.append(Panel(title, [line], head + marks, dots, title_color=color))
        heading = Text(no_wrap=True, end="", overflow="ellipsis")
        heading.append(f"{surface.formula}  ", "bold")  # the surface's name is in the Select
        heading.append(
            tr(
                "views.paths_key",
                lang,
                start=START_MARK,
                minimum=MINIMUM_MARK,
                diverged=DIVERGED_MARK,
                step=min(self.shown, STEPS),
                steps=STEPS,
            )
            + "  ",
            style="dim",
        )
        heading.append(tr("chart.next_surface", lang, key=key_for("next_surface")), style="dim")
        return stacked([heading, grid(panels, width, height - 1, x, y, aspect)])


MARGIN = 0.15  # of the walked range, around it


def walked_range(
    surface: Surface, paths: Iterable[np.ndarray]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The part of the surface the paths walk, with the start and the minimum, a margin
    around it, and never beyond the surface's own range: the paths fill their panels
    instead of a corner of them. A diverging path is cut at the surface's edge."""
    points = np.vstack([*paths, [surface.default_start], [surface.minimum]])
    ranges = []
    for axis, (low, high) in enumerate(surface.default_range):
        values = np.clip(points[:, axis], low, high)
        pad = (values.max() - values.min()) * MARGIN or (high - low) * MARGIN
        ranges.append((max(low, values.min() - pad), min(high, values.max() + pad)))
    return ranges[0], ranges[1]


def _scale(low: float, high: float, label: str, count: int) -> Scale:
    ticks = nice_ticks(low, high, count)
    return Scale(low, high, ticks, tick_labels(ticks), label)
