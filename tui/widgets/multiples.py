"""Small multiples: a grid of small charts that share their axes, drawn cell by cell.

A grid is where many runs become readable: batch-norm's 32 runs as the textbook's 16
cells (one per initial weight scale, with and without batch norm in each), the
optimizers' paths one panel each, the activation histograms of several runs layer by
layer on one x scale. Cells this small are all plot and no frame, so they are not drawn
with plotext (its frame alone would fill them) but here, on a raster of quarter blocks
(2×2 dots a character cell, as the big charts draw lines): the y ticks once at the left of
each row of cells, the x ticks once under the bottom row, each axis named. Only plain
data comes in (`Panel`, `Scale`, `Series` of tui/widgets/plot.py); nothing is measured.

`pair_cells` decides which runs share a cell: runs whose settings differ only in one
setting (batch norm on or off) pair up, whatever their names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rich.style import Style
from rich.text import Text

from tui.theme import no_color
from tui.widgets.plot import DIVERGED_MARK, LINE_MARKER, Series, short_number

# Quarter-block glyphs by their four dots: 1 upper left, 2 upper right, 4 lower left, 8 lower right.
QUADRANTS = " ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█"
EIGHTHS = " ▁▂▃▄▅▆▇█"  # a bar's top, an eighth of a row at a time
AXIS_STYLE = "bright_black"


@dataclass(frozen=True)
class Glyph:
    """A character at a point of the data (a start, a minimum, a data point)."""

    x: float
    y: float
    char: str
    color: str | None = None


@dataclass(frozen=True)
class Panel:
    """One small chart: a title, lines, glyphs on top, dim dots beneath (contours), or
    bars (a histogram over the shared x scale: `bars` are (left edge, right edge, count))."""

    title: str
    series: Sequence[Series] = ()
    glyphs: Sequence[Glyph] = ()
    dots: Sequence[Glyph] = ()  # a dim "·" each, beneath everything else (contour lines)
    bars: Sequence[tuple[float, float, float]] = ()
    bar_color: str | None = None
    title_color: str | None = None
    highlight: bool = False  # the selected run's panel: its title underlined


@dataclass(frozen=True)
class Scale:
    """An axis every panel shares: its range, ticks and name."""

    low: float
    high: float
    ticks: Sequence[float] = ()
    labels: Sequence[str] = ()
    label: str = ""
    log: bool = False

    def position(self, value: float) -> float:
        """0 at `low`, 1 at `high` (log10 in between on a log scale); NaN off the numbers."""
        if self.log:
            if not value > 0 or not self.low > 0:
                return math.nan
            low, high, value = math.log10(self.low), math.log10(self.high), math.log10(value)
        else:
            low, high = self.low, self.high
        span = high - low
        return (value - low) / span if span else 0.5


# -- a raster of quarter blocks ----------------------------------------------------------------


class Raster:
    """`cols` × `rows` character cells of 2 × 2 dots each; a cell takes the colour of the
    last thing drawn in it. Positions are fractions of the width and height (0 … 1, y up)."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.dots = np.zeros((rows, cols), dtype=np.uint8)
        self.colors: list[list[str | None]] = [[None] * cols for _ in range(rows)]
        self.chars: dict[tuple[int, int], tuple[str, Style]] = {}
        self.ground: dict[tuple[int, int], Style] = {}  # "·" where nothing else is drawn

    def _dot(self, px: int, py: int, color: str | None) -> None:
        if 0 <= px < 2 * self.cols and 0 <= py < 2 * self.rows:
            row, col = py // 2, px // 2
            self.dots[row, col] |= 1 << ((py % 2) * 2 + px % 2)
            self.colors[row][col] = color

    def _pixel(self, fx: float, fy: float) -> tuple[float, float]:
        return fx * (2 * self.cols - 1), (1 - fy) * (2 * self.rows - 1)

    def background(self, fx: float, fy: float, color: str | None) -> None:
        """A dim "·" in the cell at a position, unless something else is drawn there."""
        if math.isfinite(fx) and math.isfinite(fy) and 0 <= fx <= 1 and 0 <= fy <= 1:
            col = min(round(fx * (self.cols - 1)), self.cols - 1)
            row = min(round((1 - fy) * (self.rows - 1)), self.rows - 1)
            self.ground[(row, col)] = _style(color)

    def dot(self, fx: float, fy: float, color: str | None) -> None:
        if math.isfinite(fx) and math.isfinite(fy):
            px, py = self._pixel(fx, fy)
            self._dot(round(px), round(py), color)

    def line(
        self, fxs: Sequence[float], fys: Sequence[float], color: str | None, char: str = ""
    ) -> None:
        """A polyline through the points (each clamped near the raster: a point a million
        rows off would otherwise cost a million dots); NaN points break it. With `char`,
        each cell the line crosses shows that character instead of quarter blocks (a line
        told apart by its marker, where there is no colour)."""
        if char:
            self._char_line(fxs, fys, color, char)
            return
        previous = None
        for fx, fy in zip(fxs, fys, strict=True):
            if not (math.isfinite(fx) and math.isfinite(fy)):
                previous = None
                continue
            point = self._pixel(min(max(fx, -1.0), 2.0), min(max(fy, -1.0), 2.0))
            if previous is None:
                self._dot(round(point[0]), round(point[1]), color)
            else:
                steps = max(
                    1, math.ceil(max(abs(point[0] - previous[0]), abs(point[1] - previous[1])))
                )
                for i in range(1, steps + 1):
                    t = i / steps
                    x = previous[0] + (point[0] - previous[0]) * t
                    y = previous[1] + (point[1] - previous[1]) * t
                    self._dot(round(x), round(y), color)
            previous = point

    def _char_line(
        self, fxs: Sequence[float], fys: Sequence[float], color: str | None, char: str
    ) -> None:
        marked = Raster(self.cols, self.rows)
        marked.line(fxs, fys, color)
        style = _style(color)
        for row, col in zip(*np.nonzero(marked.dots), strict=True):
            self.chars.setdefault((int(row), int(col)), (char, style))

    def glyph(self, fx: float, fy: float, char: str, color: str | None) -> None:
        """A character at a position (clamped onto the raster), over whatever is there."""
        if not (math.isfinite(fx) and math.isfinite(fy)):
            return
        col = min(max(round(fx * (self.cols - 1)), 0), self.cols - 1)
        row = min(max(round((1 - fy) * (self.rows - 1)), 0), self.rows - 1)
        self.chars[(row, col)] = (char, _style(color, bold=True))

    def text(self, row: int, col: int, text: str, style: Style) -> None:
        """Words over the raster from (row, col), cut at its right edge."""
        for offset, char in enumerate(text[: max(self.cols - col, 0)]):
            self.chars[(row, col + offset)] = (char, style)

    def lines(self) -> list[Text]:
        out = []
        for row in range(self.rows):
            line = Text(no_wrap=True, end="")
            run: list[str] = []
            run_style: Style | None = None
            for col in range(self.cols):
                if (row, col) in self.chars:
                    char, style = self.chars[(row, col)]
                elif bits := int(self.dots[row, col]):
                    char, style = QUADRANTS[bits], _style(self.colors[row][col])
                elif (row, col) in self.ground:
                    char, style = "·", self.ground[(row, col)]
                else:
                    char, style = " ", _PLAIN
                if style != run_style and run:
                    line.append("".join(run), run_style)
                    run = []
                run.append(char)
                run_style = style
            if run:
                line.append("".join(run), run_style)
            out.append(line)
        return out


_PLAIN = Style()
_STYLES: dict[tuple[str | None, bool], Style] = {}


def _style(color: str | None, bold: bool = False) -> Style:
    """One Style object per (colour, bold): equal runs merge, fewer bytes go out."""
    key = (None if no_color() else color, bold)
    if key not in _STYLES:
        _STYLES[key] = Style(color=key[0], bold=bold or None)
    return _STYLES[key]


def histogram_rows(heights: Sequence[float], rows: int, color: str | None) -> list[Text]:
    """Bars of `heights` (0 … 1, one a column) `rows` high, in eighths of a row."""
    style = _style(color)
    levels = [round(min(max(h, 0.0), 1.0) * rows * 8) for h in heights]
    out = []
    for row in range(rows):
        floor = (rows - 1 - row) * 8  # eighths below this row
        chars = "".join(EIGHTHS[min(max(level - floor, 0), 8)] for level in levels)
        out.append(Text(chars, style=style, no_wrap=True, end=""))
    return out


# -- the grid ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a grid fits: columns and rows of cells, each `width` × `height` characters (its
    left border and, if `titled`, a title row included); `shown` panels of all."""

    columns: int
    rows: int
    width: int
    height: int
    titled: bool
    shown: int


SPIKE = 2.0  # a histogram column this many times the next tallest is cut there
MIN_PLOT = (6, 2)  # the smallest plot a cell may have: 12 × 4 dots


def layout(count: int, width: int, height: int, aspect: float = 2.0) -> Layout | None:
    """The grid that gives `count` panels the most room, each plot as near `aspect` (its
    width over its height, in the units of the data's axes drawn square) as it can be;
    None if not even one panel fits. Fewer than `count` are shown when all cannot fit."""
    best: tuple[tuple[int, int], Layout] | None = None
    for shown in range(count, 0, -1):
        for columns in range(1, shown + 1):
            rows = math.ceil(shown / columns)
            cell_w, cell_h = width // columns, height // rows
            titled = cell_h - 1 >= 3
            plot_w, plot_h = cell_w - 1, cell_h - (1 if titled else 0)
            if plot_w < MIN_PLOT[0] or plot_h < MIN_PLOT[1]:
                continue
            # The largest rectangle of the wanted shape inside the plot (a character is
            # about twice as tall as wide): its area is the score.
            fit_w = min(plot_w, 2 * plot_h * aspect)
            score = (round(fit_w * fit_w / (2 * aspect)), shown - rows * columns)  # no holes
            if best is None or score > best[0]:
                best = (score, Layout(columns, rows, cell_w, cell_h, titled, shown))
        if best is not None:
            return best[1]
    return None


def grid(
    panels: Sequence[Panel],
    width: int,
    height: int,
    x: Scale,
    y: Scale,
    aspect: float = 2.0,
) -> Text:
    """The panels in a grid of `width` × `height` characters sharing the `x` and `y` axes:
    the y ticks and the y axis's name at the left, the x ticks and its name at the bottom.
    A note says how many panels were left out when not all fit."""
    label_width = max([len(label) for label in y.labels] + [len(y.label), len(x.label), 1]) + 1
    fits = layout(len(panels), width - label_width, height - 2, aspect)
    if fits is None:
        return Text("…", style="dim", no_wrap=True, end="")
    plot_w = fits.width - 1
    plot_h = fits.height - (1 if fits.titled else 0)
    axis_style = _style(None if no_color() else AXIS_STYLE)
    out: list[Text] = []
    for row in range(fits.rows):
        lines = [Text(no_wrap=True, end="") for _ in range(fits.height)]
        # the y axis's ticks at the left of every row of cells (its name is in the corner)
        labels = y_tick_rows(y, plot_h)
        offset = 1 if fits.titled else 0
        if fits.titled:
            lines[0].append(" " * label_width)
        for r in range(plot_h):
            tick = labels.get(r)
            edge = "┤" if tick is not None else "│"
            lines[r + offset].append((tick or "").rjust(label_width - 1), axis_style)
            lines[r + offset].append(edge, axis_style)
        for column in range(fits.columns):
            index = row * fits.columns + column
            if index >= fits.shown:
                break
            panel = panels[index]
            raster = _draw_panel(panel, plot_w, plot_h, x, y)
            title_style = Style(
                color=None if no_color() else panel.title_color,
                bold=True,
                underline=panel.highlight or None,
            )
            if fits.titled:
                if column:
                    lines[0].append(" ")
                lines[0].append(panel.title[:plot_w].ljust(plot_w), title_style)
            else:
                raster.text(0, 0, panel.title[:plot_w], title_style)
            drawn = raster.lines()
            for r in range(plot_h):
                if column:
                    lines[r + offset].append("│", axis_style)
                lines[r + offset].append_text(drawn[r])
        out.extend(lines)
    out.extend(_x_axis(x, fits, label_width, axis_style, y.label))
    if fits.shown < len(panels):
        out[-1].append(f"  (+{len(panels) - fits.shown})", "dim")
    return Text("\n", no_wrap=True, end="").join(out)


def y_tick_rows(y: Scale, rows: int) -> dict[int, str]:
    """Row (0 = top) → tick label, for the ticks of `y` that land on distinct rows."""
    placed: dict[int, str] = {}
    for tick, label in zip(y.ticks, y.labels, strict=True):
        position = y.position(tick)
        if not 0 <= position <= 1:
            continue
        exact = (1 - position) * (rows - 1)
        if abs(exact - round(exact)) <= 0.25:  # a tick between two rows would mislead
            placed.setdefault(round(exact), label)
    return placed


def _x_axis(
    scales: Scale | Sequence[Scale], fits: Layout, label_width: int, style: Style, corner: str = ""
) -> list[Text]:
    """The axis line with its ticks under every column of cells, the tick labels under it,
    and the axis's name at the left of the labels (one scale for all columns, or one each);
    `corner`, the y axis's name, in the corner left of the axis line."""
    plot_w = fits.width - 1
    each = [scales] * fits.columns if isinstance(scales, Scale) else list(scales)
    name = each[0].label
    axis = Text(corner.rjust(label_width - 1)[: label_width - 1], "bold", no_wrap=True, end="")
    axis.append("└", style)
    ticks = Text(name.rjust(label_width - 1)[: label_width - 1] + " ", "bold", no_wrap=True, end="")
    for column, x in enumerate(each[: fits.columns]):
        line = ["─"] * plot_w
        words = [" "] * (plot_w + 1)
        for tick, label in zip(x.ticks, x.labels, strict=True):
            position = x.position(tick)
            if not 0 <= position <= 1:
                continue
            at = round(position * (plot_w - 1))
            line[at] = "┬"
            start = min(max(at - len(label) // 2, 0), plot_w + 1 - len(label))
            if start >= 0 and all(
                c == " " for c in words[max(start - 1, 0) : start + len(label) + 1]
            ):
                words[start : start + len(label)] = list(label)
        if column:
            axis.append("┴", style)
        axis.append("".join(line), style)
        ticks.append("".join(words if column < fits.columns - 1 else words[:plot_w]), style)
    return [axis, ticks]


def x_axis_rows(
    x: Scale, plot_w: int, label_width: int, style: Style, corner: str = ""
) -> list[Text]:
    """The x axis under one plot `plot_w` wide: its line with ticks, the labels, its name,
    and `corner` (the y axis's name) left of the line."""
    return _x_axis(x, Layout(1, 1, plot_w + 1, 1, False, 1), label_width, style, corner)


def _draw_panel(panel: Panel, cols: int, rows: int, x: Scale, y: Scale) -> Raster:
    raster = Raster(cols, rows)
    for dot in panel.dots:
        raster.background(x.position(dot.x), y.position(dot.y), dot.color)
    if panel.bars:
        return _bars(raster, panel, x)
    ends = []
    for series in panel.series:
        fxs = [x.position(float(v)) for v in series.x]
        fys = [y.position(float(v)) for v in series.y]
        if series.lines and series.marker != LINE_MARKER:
            raster.line(fxs, fys, series.color, char=series.marker)  # told apart by marker
        elif series.lines:
            raster.line(fxs, fys, series.color)
        else:
            for fx, fy in zip(fxs, fys, strict=True):
                raster.dot(fx, fy, series.color)
        if series.diverged_at is not None:
            finite = [b for a, b in zip(fxs, fys, strict=True) if math.isfinite(a + b)]
            ends.append(
                (x.position(series.diverged_at), finite[-1] if finite else 1.0, series.color)
            )
    for fx, fy, color in ends:
        raster.glyph(min(max(fx, 0.0), 1.0), min(max(fy, 0.0), 1.0), DIVERGED_MARK, color)
    for glyph in panel.glyphs:
        raster.glyph(x.position(glyph.x), y.position(glyph.y), glyph.char, glyph.color)
    return raster


def _bars(raster: Raster, panel: Panel, x: Scale) -> Raster:
    """A histogram on the shared x scale: each character column takes the bins it covers,
    each in proportion to the share of the bin it covers. The tallest column fills the
    panel, unless it towers over the rest (ReLU's outputs at exactly 0): then it is cut at
    SPIKE × the next tallest, so the shape of the rest still shows."""
    columns = np.zeros(raster.cols)
    edges = np.linspace(0.0, 1.0, raster.cols + 1)
    for left, right, count in panel.bars:
        a, b = x.position(left), x.position(right)
        if not (math.isfinite(a) and math.isfinite(b)) or b <= a or count <= 0:
            continue
        overlap = np.clip(np.minimum(edges[1:], b) - np.maximum(edges[:-1], a), 0.0, None)
        columns += count * overlap / (b - a)
    ordered = np.sort(columns)
    top = ordered[-1] if len(ordered) else 0.0
    if len(ordered) > 1 and ordered[-2] > 0:
        top = min(top, SPIKE * ordered[-2])
    heights = np.minimum(columns / top, 1.0) if top > 0 else columns
    for row, line in enumerate(histogram_rows(heights, raster.rows, panel.bar_color)):
        for col, char in enumerate(line.plain):
            if char != " ":
                raster.chars[(row, col)] = (char, _style(panel.bar_color))
    return raster


@dataclass(frozen=True)
class Row:
    """One row of a histogram matrix: a run, named in its colour, one panel per column."""

    label: str
    color: str | None
    panels: Sequence[Panel]
    highlight: bool = False


def histogram_matrix(
    rows: Sequence[Row],
    titles: Sequence[str],
    width: int,
    height: int,
    x: Scale | Sequence[Scale],
    ylabel: str,
    keep: int = 0,
) -> Text:
    """Histograms in rows (runs) and columns (layers), on the x scale every column shares
    (or on one per column): the row's name at its left, the columns' titles on top, the x
    ticks and the axis's name under the last row. When not every row fits, the rows shown
    are a window that holds row `keep` (the selected run), and a note says how many are not."""
    scales = [x] * len(titles) if isinstance(x, Scale) else list(x)
    label_width = min(
        max([len(r.label) for r in rows] + [len(scales[0].label), len(ylabel)]) + 1, 12
    )
    columns = max(len(titles), 1)
    cell = max((width - label_width) // columns, 2)
    plot_w = cell - 1
    room = height - 3  # the titles' row, the axis line, its labels
    per_row = max(room // max(len(rows), 1), 2)
    shown = max(min(len(rows), room // per_row), 1)
    first = min(max(keep - shown // 2, 0), len(rows) - shown)
    axis_style = _style(None if no_color() else AXIS_STYLE)
    header = Text(" " * (label_width - 1), no_wrap=True, end="")
    for title in titles:
        header.append("│", axis_style)
        header.append(title[:plot_w].ljust(plot_w), "bold")
    out = [header]
    for row in rows[first : first + shown]:
        name_style = Style(
            color=None if no_color() else row.color, bold=True, underline=row.highlight or None
        )
        drawn = [
            _draw_panel(panel, plot_w, per_row, scale, _UNIT).lines()
            for panel, scale in zip(row.panels, scales, strict=False)
        ]
        for r in range(per_row):
            line = Text(no_wrap=True, end="")
            label = row.label[: label_width - 1] if r == 0 else ""
            line.append(label.ljust(label_width - 1), name_style)
            for lines in drawn:
                line.append("│", axis_style)
                line.append_text(lines[r])
            out.append(line)
    fits = Layout(columns, 1, cell, per_row, False, columns)
    out.extend(_x_axis(scales, fits, label_width, axis_style, ylabel))
    if shown < len(rows):
        out[-1].append(f"  (+{len(rows) - shown})", "dim")
    return Text("\n", no_wrap=True, end="").join(out)


_UNIT = Scale(0.0, 1.0)


def shared_scale(low: float, high: float, label: str, count: int, log: bool = False) -> Scale:
    """A Scale over [low, high] with nice ticks (powers of ten on a log scale)."""
    from tui.widgets.plot import log_tick_labels, log_ticks, nice_ticks, tick_labels

    if log:
        ticks = log_ticks(low, high, count)
        return Scale(low, high, ticks, log_tick_labels(ticks), label, log=True)
    ticks = nice_ticks(low, high, count)
    return Scale(low, high, ticks, tick_labels(ticks), label)


# -- which runs share a cell ------------------------------------------------------------------


@dataclass(frozen=True)
class Cells:
    """Runs grouped into cells: `cells` holds (title, run indices) in the runs' order;
    `series` names what tells the runs of a cell apart (one entry per kind of run, in the
    order each cell lists its runs); `setting` is the setting that does, if any."""

    cells: tuple[tuple[str, tuple[int, ...]], ...]
    series: tuple[str, ...] = ()
    setting: str | None = None
    keys: tuple[Any, ...] = field(default_factory=tuple)  # the setting's value per series


_BASE = object()  # a setting a run leaves as the base run has it


def pair_cells(names: Sequence[str], changed: Sequence[Sequence[tuple[str, Any]]]) -> Cells:
    """Cells of runs that differ in one setting only, from each run's differences from the
    base run (`RunSnapshot.changed`): batch-norm's 32 runs, which differ in the initial
    weight scale and in batch norm, become 16 cells of two (the setting with the fewest
    values tells the runs of a cell apart). Runs that pair up with no other get a cell
    each. A cell's title is what its runs' names share ("0.54" of plain-0.54 and bn-0.54),
    else the values of the settings it stands for."""
    values = [dict(diff) for diff in changed]
    settings = list(dict.fromkeys(key for diff in changed for key, _ in diff))
    best: tuple[int, int, str, dict] | None = None
    for setting in settings:
        groups: dict[tuple, list[int]] = {}
        for index, run in enumerate(values):
            key = tuple(_key(run.get(other, _BASE)) for other in settings if other != setting)
            groups.setdefault(key, []).append(index)
        kinds = {_key(run.get(setting, _BASE)) for run in values}
        paired = all(
            len(members) >= 2
            and len({_key(values[i].get(setting, _BASE)) for i in members}) == len(members)
            for members in groups.values()
        )
        if not paired or len(groups) < 2:
            continue
        score = (len(kinds), -len(groups))
        if best is None or score < best[:2]:
            best = (*score, setting, groups)
    if best is None:
        return Cells(tuple((name, (index,)) for index, name in enumerate(names)))
    setting, groups = best[2], best[3]
    kinds = list(dict.fromkeys(_key(run.get(setting, _BASE)) for run in values))
    cells = []
    for members in groups.values():
        ordered = tuple(
            sorted(members, key=lambda i: kinds.index(_key(values[i].get(setting, _BASE))))
        )
        cells.append((_title([names[i] for i in ordered], values, ordered, setting), ordered))
    series = tuple(
        _series_name(
            [names[i] for i, run in enumerate(values) if _key(run.get(setting, _BASE)) == kind]
        )
        for kind in kinds
    )
    return Cells(tuple(cells), series, setting, tuple(kinds))


def _key(value: Any) -> Any:
    """A setting's value as a dictionary key (lists, as configs hold layers, are not)."""
    if isinstance(value, list):
        return tuple(value)
    return value


def _title(names: list[str], values: list[dict], members: tuple[int, ...], setting: str) -> str:
    """What the runs' names share after their first part (plain-0.54, bn-0.54 → 0.54), else
    the values that set the cell apart (init=0.54)."""
    tails = {name.split("-", 1)[1] if "-" in name else "" for name in names}
    if len(tails) == 1 and (tail := tails.pop()):
        return tail
    shown = {k: v for k, v in values[members[0]].items() if k != setting}
    if not shown:
        return names[0]
    return " ".join(f"{short_number(v) if isinstance(v, float) else v}" for v in shown.values())


def _series_name(names: list[str]) -> str:
    """What the runs of one kind share before their last part (plain-1, plain-0.54 → plain)."""
    heads = {name.rsplit("-", 1)[0] if "-" in name else name for name in names}
    return heads.pop() if len(heads) == 1 else names[0]
