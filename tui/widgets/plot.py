"""The one chart widget, and the only module that talks to plotext.

plotext 6 keeps a single global figure, so every plotext call lives here: charts describe
what to draw as plain data (`Series`, `Bars`) and get back a Rich `Text`. `Chart` is the
base widget of every chart tab: it renders a cached picture and rebuilds it only when its
data or its size changed, so a redraw that nothing asked for costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import plotext as plt
from rich.color import Color
from rich.text import Text
from textual.widget import Widget

from nn import Snapshot
from tui.theme import no_color, run_color, run_marker

# Quarter blocks (2×2 per cell): block glyphs are in every terminal font, braille is not
# (and braille dots come out wide apart in many fonts). Both cost 3 bytes a cell.
LINE_MARKER = "hd"
MIN_PANEL_WIDTH = 16  # narrowest small-multiple panel that still shows its axis labels


@dataclass(frozen=True)
class Series:
    """One curve (or scatter) of a chart, in data coordinates."""

    x: Sequence[float]
    y: Sequence[float]
    color: str | None = None  # a Rich colour name, e.g. "cyan"
    marker: str = LINE_MARKER
    lines: bool = True


@dataclass(frozen=True)
class Bars:
    """Grouped bars: one group per colour, one bar per category in each group."""

    categories: Sequence[str] | Sequence[float]
    groups: Sequence[Sequence[float]]
    colors: Sequence[str | None]
    width: float | None = None  # of a bar, as a fraction of the spacing; 1 makes bars touch
    symbols: Sequence[str] | None = None  # one per group; solid blocks when None


@dataclass(frozen=True)
class Axes:
    """How a chart frames its data."""

    title: str = ""
    log_y: bool = False
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    xticks: tuple[Sequence[float], Sequence[str]] | None = None
    vlines: Sequence[float] = field(default_factory=tuple)  # x positions of vertical markers
    vline_color: str = "yellow"
    yticks: int | None = None  # how many automatic y ticks


def _plotext_color(name: str) -> int | tuple[int, int, int]:
    """A Rich colour name as plotext takes it: the ANSI number (so 16-colour terminals
    get their own palette) or, for true colours, an (r, g, b) triple."""
    color = Color.parse(name)
    if color.number is not None:
        return color.number
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _marker(symbol: str, color: str | None) -> plt.marker:
    marker = plt.marker(symbol)
    if color is not None and not no_color():
        marker.fill(plt.pixel(foreground=_plotext_color(color)))
    return marker


def _finite(xs: Sequence[float], ys: Sequence[float], positive: bool) -> tuple[list, list]:
    """Drop points plotext cannot place: it hangs on NaN, and log axes need y > 0."""
    keep = [
        (float(x), float(y))
        for x, y in zip(xs, ys, strict=True)
        if math.isfinite(x) and math.isfinite(y) and (y > 0 or not positive)
    ]
    return [x for x, _ in keep], [y for _, y in keep]


def _clamp(values: list[float], limits: tuple[float, float] | None) -> list[float]:
    """Pull far-away points (a diverging optimizer) to just outside the visible range:
    plotext would otherwise try to rasterize a line millions of cells long."""
    if limits is None:
        return values
    span = limits[1] - limits[0]
    low, high = limits[0] - span, limits[1] + span
    return [min(max(v, low), high) for v in values]


def figure(
    width: int,
    height: int,
    series: Sequence[Series] = (),
    bars: Bars | None = None,
    axes: Axes = Axes(),  # noqa: B008 - frozen, so one shared default is safe
) -> Text:
    """Draw a chart of `width` × `height` cells with plotext and return it as Rich Text."""
    width, height = max(width, 12), max(height, 5)
    plt.terminal.limit(False, False)  # the widget, not the terminal, decides the size
    fig = plt.figure
    fig.clear()
    fig.plot_size(width, height)
    fig.theme("colorless" if no_color() else "simple")
    if axes.title:
        fig.title(axes.title)
    all_y: list[float] = []
    for line in series:
        xs, ys = _finite(line.x, line.y, axes.log_y)
        xs, ys = _clamp(xs, axes.xlim), _clamp(ys, axes.ylim)
        if not xs:
            continue
        all_y.extend(ys)
        signal = fig.signal(xs, ys, marker=_marker(line.marker, line.color))
        signal.lines(line.lines and len(xs) > 1)
        fig.draw(signal)
    if bars is not None and bars.categories:
        symbols = bars.symbols or ["full"] * len(bars.colors)
        markers = [
            _marker(symbol, color) for symbol, color in zip(symbols, bars.colors, strict=True)
        ]
        groups = [list(map(float, group)) for group in bars.groups]
        heights = groups[0] if len(groups) == 1 else groups
        markers = markers[0] if len(groups) == 1 else markers
        fig.draw(fig.bar(list(bars.categories), heights, marker=markers, width=bars.width))
    if axes.vlines and all_y:
        # Segments across the data's height (plotext's own lines paint a white background).
        low, high = axes.ylim or (min(all_y), max(all_y))
        for x in axes.vlines:
            fig.draw(fig.segment((x, x), (low, high), marker=_marker("┊", axes.vline_color)))
    if axes.log_y:
        fig.ruler("y").scale("log")
    elif axes.yticks is not None:
        fig.ruler("y").frequency(axes.yticks)
    if axes.xlim:
        fig.ruler("x").lim(*axes.xlim)
    if axes.ylim:
        fig.ruler("y").lim(*axes.ylim)
    if axes.xticks:
        fig.ruler("x").ticks(list(axes.xticks[0]), list(axes.xticks[1]))
    return Text.from_ansi(fig.build().string(), no_wrap=True, end="")


def side_by_side(panels: Sequence[Text], width: int, gap: int = 1) -> Text:
    """Panels of `width` cells placed left to right in one Text (small multiples)."""
    split = [panel.split("\n", allow_blank=True) for panel in panels]
    rows = max((len(lines) for lines in split), default=0)
    out = Text(no_wrap=True, end="")
    for row in range(rows):
        if row:
            out.append("\n")
        for index, lines in enumerate(split):
            line = lines[row].copy() if row < len(lines) else Text()
            line.truncate(width, pad=True)
            if index:
                out.append(" " * gap)
            out.append_text(line)
    return out


@dataclass(frozen=True)
class Histogram:
    """Counts over bins, as numpy.histogram gives them, with a title over the panel."""

    title: str
    counts: Sequence[float]
    edges: Sequence[float]


def small_multiples(
    panels: Sequence[Histogram], width: int, height: int, color: str | None, max_cols: int = 5
) -> Text:
    """Histograms in a grid that fits `width` × `height`, each on its own y scale."""
    if not panels:
        return Text()
    fit = max(1, min(max_cols, width // MIN_PANEL_WIDTH))
    rows = math.ceil(len(panels) / fit)
    cols = math.ceil(len(panels) / rows)  # balanced: 6 panels in 2 rows are 3 + 3, not 5 + 1
    panel_width = (width - (cols - 1)) // cols
    panel_height = max(height // rows, 5)
    grid_rows = []
    for row in range(rows):
        drawn = []
        for panel in panels[row * cols : (row + 1) * cols]:
            edges = [float(e) for e in panel.edges]
            centres = [(a + b) / 2 for a, b in zip(edges, edges[1:], strict=False)]
            bars = Bars(centres, [list(panel.counts)], [color], width=1.0)
            low, high = edges[0], edges[-1]
            ticks = [low, (low + high) / 2, high]
            axes = Axes(
                title=panel.title,
                xlim=(low, high),
                xticks=(ticks, [f"{t:.2g}" for t in ticks]),
                yticks=0,  # the shape is the message; counts would only take room
            )
            drawn.append(figure(panel_width, panel_height, bars=bars, axes=axes))
        grid_rows.append(side_by_side(drawn, panel_width))
    return stacked(grid_rows)


def run_style(index: int) -> tuple[str, str]:
    """(colour, marker) of the run at `index`: its colour, or without colour its own marker."""
    return run_color(index), run_marker(index) if no_color() else LINE_MARKER


def legend(names: Sequence[str], note: str = "") -> Text:
    """One row naming the runs in their colours (and markers, when there is no colour)."""
    row = Text(no_wrap=True, end="", overflow="ellipsis")
    for index, name in enumerate(names):
        sample = f"{run_marker(index)}{run_marker(index)} " if no_color() else "━━ "
        row.append(sample, style=run_color(index))
        row.append(f"{name}  ", style=f"bold {run_color(index)}")
    if note:
        row.append(note, style="dim")
    return row


def stacked(parts: Sequence[Text]) -> Text:
    """Parts one below the other in one Text."""
    return Text("\n", no_wrap=True, end="").join(parts)


class Chart(Widget):
    """Base of every chart: shows a picture built by `draw`, cached until data or size change.

    `builds` counts the pictures built, so tests and benchmarks can see that a hidden
    chart costs nothing and a visible one redraws only when told.
    """

    DEFAULT_CSS = (Path(__file__).with_name("charts.tcss")).read_text(encoding="utf-8")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.builds = 0
        self._version = 0
        self._picture: Text | None = None
        self._picture_key: tuple[int, int, int] | None = None

    def invalidate(self) -> None:
        """The data changed: build a new picture on the next render."""
        self._version += 1
        self.refresh()

    def render(self) -> Text:
        width, height = self.content_size
        key = (width, height, self._version)
        if self._picture is None or key != self._picture_key:
            self._picture = self.draw(width, height) if width and height else Text()
            self._picture_key = key
            self.builds += 1
        return self._picture

    def draw(self, width: int, height: int) -> Text:
        """The picture for a content area of `width` × `height` cells."""
        raise NotImplementedError


class SnapshotChart(Chart):
    """A chart of the latest snapshot; the panel hands it one only while it is visible."""

    EMPTY = "No data yet: start training to fill this chart."

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.snapshot: Snapshot | None = None
        self.selected: str | None = None

    def show_snapshot(self, snapshot: Snapshot, selected: str) -> None:
        self.snapshot, self.selected = snapshot, selected
        self.invalidate()

    def selected_index(self) -> int:
        """Index of the selected run (0 when it is unknown), for its colour."""
        assert self.snapshot is not None
        names = self.snapshot.names
        return names.index(self.selected) if self.selected in names else 0

    def run_color(self) -> str:
        """The selected run's colour, so its charts match its row in the runs table."""
        return run_color(self.selected_index())

    def draw(self, width: int, height: int) -> Text:
        if self.snapshot is None or not self.snapshot.runs:
            return Text(self.EMPTY, style="dim")
        return self.draw_snapshot(self.snapshot, width, height)

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        raise NotImplementedError
