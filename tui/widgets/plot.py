"""The one chart widget, and the only module that talks to plotext.

plotext 6 keeps a single global figure, so every plotext call lives here, behind one lock:
charts describe what to draw as plain data (`Series`, `Bars`) and get back a Rich `Text`.
`Chart` is the base widget of every chart tab: it draws a new picture in a worker thread
only when its data or its size changed, and repaints only the cells that differ from the
picture on screen. The helpers `steady_end`, `steady_limits` and `thin_steps` keep axes
and points in place between two redraws, so that few cells do. A chart's words come from
the catalogue (tui/i18n.py) in the app's language, and a new language redraws it.

Every axis is labelled and its ticks are ours, not plotext's: at most TICK_WIDTH characters
each (`short_number`: 2.5e15, 1e-7, 0.59, 12.5k), on nice numbers (`nice_ticks`), by
decade on a log axis (`log_ticks`, which `figure` draws itself as log10 of the values on a
linear ruler), and in steps, epochs, samples seen or seconds on a time axis (`time_ticks`).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from nn import Snapshot
from tui.i18n import tr
from tui.messages import PictureDrawn
from tui.theme import line_marker, no_color, run_color

# Quarter blocks (2×2 per cell): block glyphs are in every terminal font, braille is not
# (and braille dots come out wide apart in many fonts). Both cost 3 bytes a cell.
LINE_MARKER = "hd"
_PLOTEXT = threading.Lock()


DIVERGED_MARK = "✕"  # at a diverged run's last finite point, in its colour


@dataclass(frozen=True)
class Series:
    """One curve (or scatter) of a chart, in data coordinates. A diverged run's curve is
    marked with DIVERGED_MARK where it diverged (`diverged_at`, an x), at the height of its
    last finite point (on the chart's edge if that is off it, or if it has none)."""

    x: Sequence[float]
    y: Sequence[float]
    color: str | None = None  # a Rich colour name or "#rrggbb"
    marker: str = LINE_MARKER
    lines: bool = True
    diverged_at: float | None = None


@dataclass(frozen=True)
class Bars:
    """Grouped bars: one group per colour, one bar per category in each group."""

    categories: Sequence[str] | Sequence[float]
    groups: Sequence[Sequence[float]]
    colors: Sequence[str | None]
    width: float | None = None  # of a bar, as a fraction of the spacing; 1 makes bars touch
    symbols: Sequence[str] | None = None  # one per group; solid blocks when None


@dataclass(frozen=True)
class Mark:
    """A vertical marker across the plot at `x`, in `color`, named by `label` at its top
    (a live change: `lr×2`, in its run's colour)."""

    x: float
    color: str
    label: str = ""


@dataclass(frozen=True)
class Axes:
    """How a chart frames its data. Every axis has a label (`xlabel`, `ylabel`); ticks not
    given are nice numbers over the limits (or the data)."""

    title: str = ""
    log_y: bool = False
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    xticks: tuple[Sequence[float], Sequence[str]] | None = None
    xlabel: str = ""
    ylabel: str = ""
    marks: Sequence[Mark] = field(default_factory=tuple)
    yticks: int | None = None  # at most this many y ticks (0: none; None: as the height allows)


def _plotext_color(name: str) -> int | tuple[int, int, int]:
    """A Rich colour name as plotext takes it: the ANSI number (so 16-colour terminals
    get their own palette) or, for true colours, an (r, g, b) triple."""
    color = Color.parse(name)
    if color.number is not None:
        return color.number
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _plotext() -> ModuleType:
    """plotext, imported by the first chart drawn (in a worker thread): importing it takes
    0.2 s that the first frame need not wait for."""
    import plotext

    return plotext


def _marker(symbol: str, color: str | None) -> Any:
    plt = _plotext()
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
    with _PLOTEXT:  # charts draw in worker threads; plotext has one figure for all
        return _figure(max(width, 12), max(height, 5), series, bars, axes)


def _figure(
    width: int, height: int, series: Sequence[Series], bars: Bars | None, axes: Axes
) -> Text:
    plt = _plotext()
    plt.terminal.limit(False, False)  # the widget, not the terminal, decides the size
    fig = plt.figure
    fig.clear()
    fig.plot_size(width, height)
    fig.theme("colorless" if no_color() else "simple")
    if axes.title:
        fig.title(axes.title)
    # A log axis is drawn as log10 of the values on a linear ruler, with our own ticks.
    scale = _log10 if axes.log_y else _same
    ylim = (scale(axes.ylim[0]), scale(axes.ylim[1])) if axes.ylim else None
    all_y: list[float] = []
    ends: list[tuple[float, float | None, str | None]] = []  # where runs diverged
    for line in series:
        xs, ys = _finite(line.x, line.y, axes.log_y)
        ys = [scale(y) for y in ys]
        xs, ys = _clamp(xs, axes.xlim), _clamp(ys, ylim)
        if line.diverged_at is not None:
            ends.append((line.diverged_at, ys[-1] if ys else None, line.color))
        if not xs:
            continue
        all_y.extend(ys)
        signal = fig.signal(xs, ys, marker=_marker(line.marker, line.color))
        signal.lines(line.lines and len(xs) > 1)
        fig.draw(signal)
    for x, y, color in ends:
        low, high = ylim or _span(all_y)
        y = high if y is None else min(max(y, low), high)  # on the edge if off the chart
        if axes.xlim is not None:
            x = min(max(x, axes.xlim[0]), axes.xlim[1])
        end = fig.signal([x], [y], marker=_marker(DIVERGED_MARK, color))
        end.lines(False)
        fig.draw(end)
    if bars is not None and bars.categories:
        symbols = bars.symbols or ["full"] * len(bars.colors)
        markers = [
            _marker(symbol, color) for symbol, color in zip(symbols, bars.colors, strict=True)
        ]
        groups = [list(map(float, group)) for group in bars.groups]
        heights = groups[0] if len(groups) == 1 else groups
        markers = markers[0] if len(groups) == 1 else markers
        fig.draw(fig.bar(list(bars.categories), heights, marker=markers, width=bars.width))
        all_y.extend(value for group in groups for value in group)
    if axes.marks and all_y:
        # Segments across the data's height (plotext's own lines paint a white background),
        # each named at its top in its colour.
        low, high = ylim or (min(all_y), max(all_y))
        left, right = axes.xlim or _span([m.x for m in axes.marks])
        columns, rows = max(width - 8, 1), max(height - 6, 2)
        taken: list[tuple[int, int, int]] = []  # (row, first column, last column) of labels
        for mark in axes.marks:
            fig.draw(fig.segment((mark.x, mark.x), (low, high), marker=_marker("┊", mark.color)))
        for mark in sorted(axes.marks, key=lambda m: m.x):  # the names over every line
            if not mark.label:
                continue
            # labels that would overlap go a row lower each
            first = round((mark.x - left) / ((right - left) or 1.0) * columns)
            last = first + len(mark.label)
            row = next(r for r in range(len(taken) + 1) if not _overlaps(taken, r, first, last))
            taken.append((row, first, last))
            y = high - min(row, rows - 1) * (high - low) / (rows - 1)
            label = plt.colorize(mark.label, _pixel(mark.color))
            fig.draw(fig.text(mark.x, y, label, alignment="left"))
    if axes.xlim:
        fig.ruler("x").lim(*axes.xlim)
    if ylim:
        fig.ruler("y").lim(*ylim)
    if axes.xticks:
        fig.ruler("x").ticks(list(axes.xticks[0]), list(axes.xticks[1]))
    elif bars is None:
        low, high = axes.xlim or _span([x for line in series for x in _finite_values(line.x)])
        values = nice_ticks(low, high, max(2, min(7, width // 10)))
        fig.ruler("x").ticks(values, tick_labels(values))
    yticks = _y_ticks(axes, ylim, all_y, height)
    if yticks is not None:
        fig.ruler("y").ticks(*yticks)
    if axes.xlabel:
        fig.label(axes.xlabel, axis="x")
    if axes.ylabel:
        fig.label(axes.ylabel, axis="y")
    return Text.from_ansi(fig.build().string(), no_wrap=True, end="")


def _overlaps(taken: list[tuple[int, int, int]], row: int, first: int, last: int) -> bool:
    return any(r == row and first <= end and start <= last for r, start, end in taken)


def _log10(value: float) -> float:
    return math.log10(value)


def _same(value: float) -> float:
    return value


def _finite_values(values: Sequence[float]) -> list[float]:
    return [float(v) for v in values if math.isfinite(v)]


def _span(values: Sequence[float]) -> tuple[float, float]:
    return (min(values), max(values)) if values else (0.0, 1.0)


def _pixel(color: str | None) -> Any:
    plt = _plotext()
    if color is None or no_color():
        return plt.pixel()
    return plt.pixel(foreground=_plotext_color(color))


def _y_ticks(
    axes: Axes, ylim: tuple[float, float] | None, drawn: list[float], height: int
) -> tuple[list[float], list[str]] | None:
    """Positions and labels of the y ticks, as drawn (log10 of the values on a log axis)."""
    count = max(2, min(6, (height - 4) // 2)) if axes.yticks is None else axes.yticks
    if count == 0:
        return [], []
    low, high = ylim or _span(drawn)
    if axes.log_y:
        ticks = log_ticks(10.0**low, 10.0**high, count)
        return [math.log10(t) for t in ticks], log_tick_labels(ticks)
    ticks = nice_ticks(low, high, count)
    return ticks, tick_labels(ticks)


# -- ticks -----------------------------------------------------------------------------------

TICK_WIDTH = 6  # characters a tick label may take: 2.5e15, 1e-7, 0.59, 12.5k


def short_number(value: float, digits: int = 3) -> str:
    """`value` in at most TICK_WIDTH characters with up to `digits` significant digits
    (fewer when it would not fit): 0.59, 1.25, 12.5k, 3M, 2.5e15, 1e-7."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    size = abs(value)
    for precision in range(max(digits, 1), 0, -1):
        if size < 1e-3:
            text = _exponent(value, precision)
        elif size < 1e3:
            text = _decimal(value, precision)
        elif 1e3 <= size < 1e6:
            text = _decimal(value / 1e3, precision) + "k"
        elif 1e6 <= size < 1e9:
            text = _decimal(value / 1e6, precision) + "M"
        else:
            text = _exponent(value, precision)
        if len(text) <= TICK_WIDTH:
            return text
    return _exponent(value, 1)


def _decimal(value: float, precision: int) -> str:
    """`value` with `precision` significant digits, in fixed notation, without trailing zeros."""
    decimals = max(0, precision - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _exponent(value: float, precision: int) -> str:
    """2.5e15, 1e-7: no plus sign, no leading zero in the exponent, no trailing zeros."""
    mantissa, exponent = f"{value:.{precision - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def _read_number(text: str) -> float:
    scale = {"k": 1e3, "M": 1e6}.get(text[-1:], 1.0)
    return float(text[:-1] if scale != 1.0 else text) * scale


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """Labels for the ticks of one axis: the fewest significant digits that still say each
    tick's value (to a hundredth of their spacing), every label at most TICK_WIDTH long."""
    ticks = [float(t) for t in ticks]
    gaps = [abs(b - a) for a, b in zip(ticks, ticks[1:], strict=False) if b != a]
    tolerance = min(gaps) / 100 if gaps else 0.0
    labels: list[str] = []
    for digits in range(1, 5):
        labels = [short_number(tick, digits) for tick in ticks]
        if all(
            abs(_read_number(label) - tick) <= max(tolerance, abs(tick) * 1e-9)
            for label, tick in zip(labels, ticks, strict=True)
        ):
            break
    return labels


def log_tick_labels(ticks: Sequence[float]) -> list[str]:
    """Labels of a log axis: powers of ten far from 1 as 1e5, 1e-7; the rest as numbers."""
    labels = tick_labels(ticks)
    for index, tick in enumerate(ticks):
        power = math.log10(tick)
        if abs(power - round(power)) < 1e-9 and abs(power) >= 4:
            labels[index] = f"1e{round(power)}"
    return labels


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """At most `count` ticks in [low, high], a round number apart (1, 2, 2.5 or 5 × 10ⁿ)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high <= low:
        return [low]
    wanted = (high - low) / max(count - 1, 1)
    scale = 10.0 ** math.floor(math.log10(wanted))
    spacing = next(n * scale for n in (1, 2, 2.5, 5, 10) if n * scale >= wanted * (1 - 1e-9))
    first = math.ceil(low / spacing - 1e-9)
    ticks = []
    for index in range(first, first + count + 2):
        tick = index * spacing
        if tick > high + spacing * 1e-9:
            break
        ticks.append(0.0 if abs(tick) < spacing * 1e-9 else round(tick, 12))
    return ticks


def log_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Ticks for a log axis over [low, high] (both > 0): powers of ten, every second or
    third when there are many; within less than a decade, nice numbers instead."""
    if not (low > 0 and high > low and math.isfinite(high)):
        return [low] if low > 0 else []
    first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
    if last - first < 1:
        return [t for t in nice_ticks(low, high, count) if t > 0]
    every = math.ceil((last - first + 1) / count)
    return [10.0**k for k in range(first, last + 1) if (k - first) % every == 0]


NICE = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)  # an axis end moves through these


def steady_end(value: float) -> float:
    """The first of 1, 1.25, 1.5, 2, … × 10ⁿ at or above `value`: an x axis that grows in
    steps, so a chart of a running training keeps its axes (and most of its cells) between
    two redraws instead of rescaling at every one."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(value))
    return next(n * scale for n in NICE if n * scale >= value * (1 - 1e-9))


def step_ticks(end: float, whole: bool = True, count: int = 7) -> tuple[list[float], list[str]]:
    """Ticks for an axis from 0 to `end`: at most `count`, a round number apart (1, 2, 2.5
    or 5 × 10ⁿ; whole numbers only for counts such as steps), labelled short: 0 2k 4k."""
    wanted = end / max(count - 1, 1)
    scale = 10.0 ** math.floor(math.log10(wanted)) if wanted > 0 else 1.0
    roundish = (1, 2, 5, 10) if scale < 10 else (1, 2, 2.5, 5, 10)
    spacing = next(n * scale for n in roundish if n * scale >= wanted)
    spacing = max(1.0, spacing) if whole else spacing
    ticks = [i * spacing for i in range(int(end // spacing + 1e-9) + 1)]
    return ticks, tick_labels(ticks)


# Tick spacings of a time axis in seconds: seconds, then minutes, then hours.
SECOND_SPACINGS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000)


def time_ticks(end: float, axis: str, count: int = 7) -> tuple[list[float], list[str]]:
    """Ticks from 0 to `end` of a time axis: "steps" and "samples" in whole numbers (0 2k
    4k), "epochs" in round numbers (0 0.5 1), "seconds" on the clock (0 30 1:00 1:30)."""
    if axis != "seconds":
        return step_ticks(end, whole=axis in ("steps", "samples"), count=count)
    wanted = end / max(count - 1, 1)
    if wanted < 1:
        return step_ticks(end, whole=False, count=count)
    spacing = next((s for s in SECOND_SPACINGS if s >= wanted), SECOND_SPACINGS[-1])
    ticks = [float(i * spacing) for i in range(int(end // spacing) + 1)]
    return ticks, [clock(tick) for tick in ticks]


def clock(seconds: float) -> str:
    """Seconds as a clock reads them, at most TICK_WIDTH long: 45, 1:30, 12:00, 1h30."""
    seconds = round(seconds)
    if seconds < 60:
        return str(seconds)
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{rest:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}" if minutes else f"{hours}h"


def steady_limits(low: float, high: float, log: bool = False) -> tuple[float, float]:
    """Limits around [low, high], rounded outwards to a quarter of the values' order of
    magnitude (a quarter decade on a log axis): they move only when the data crosses one,
    so a loss creeping down rescales the chart a few times, not at every redraw."""
    if log:
        bottom, top = _round_out(math.log10(low), math.log10(high), 0.25)
        return 10.0**bottom, 10.0**top
    magnitude = max(abs(low), abs(high)) or 1.0
    return _round_out(low, high, 10.0 ** math.floor(math.log10(magnitude)) / 4)


def _round_out(low: float, high: float, quantum: float) -> tuple[float, float]:
    bottom, top = math.floor(low / quantum) * quantum, math.ceil(high / quantum) * quantum
    return (bottom, top) if top > bottom else (bottom - quantum, top + quantum)


def thin_steps(steps: np.ndarray, end: float, columns: int) -> np.ndarray:
    """Indices of the points to draw: the first, then the last in each of 2 × `columns`
    equal slices of [0, end] (a half-block line has two dots a column; more points only
    cost drawing time). A slice that is full keeps its point as the history grows."""
    if len(steps) <= 2 * columns:
        return np.arange(len(steps))
    slices = np.floor(np.asarray(steps, dtype=float) / end * 2 * columns)
    last_of_slice = np.flatnonzero(np.diff(slices, append=np.inf) != 0)
    return np.union1d([0], last_of_slice)


def run_style(index: int) -> tuple[str, str]:
    """(colour, line marker) of the run at `index`: its colour, and a marker that tells it
    from a run of the same colour (past eight runs) or, without colour, from every run."""
    return run_color(index), line_marker(index)


def legend_sample(index: int) -> str:
    """The sample of a run's line that the legends show."""
    marker = line_marker(index)
    return "━━ " if marker == LINE_MARKER else f"{marker}{marker} "


def legend(names: Sequence[str], note: str = "") -> Text:
    """One row naming the runs in their colours (and markers, past eight runs or without
    colour)."""
    row = Text(no_wrap=True, end="", overflow="ellipsis")
    for index, name in enumerate(names):
        row.append(legend_sample(index), style=run_color(index))
        row.append(f"{name}  ", style=f"bold {run_color(index)}")
    if note:
        row.append(note, style="dim")
    return row


def stacked(parts: Sequence[Text]) -> Text:
    """Parts one below the other in one Text."""
    return Text("\n", no_wrap=True, end="").join(parts)


class Chart(Widget):
    """Base of every chart: a picture drawn off the event loop and painted line by line.

    A plotext figure takes tens of milliseconds to draw, so `draw` runs in a thread worker
    (one picture at a time per chart, and one plotext figure at a time in the process) and
    the event loop stays free for keys and the table. When a picture is ready, only the
    lines that differ from the picture on screen are repainted, each up to its last changed
    cell (Textual writes a line from the widget's left edge): over SSH, a chart whose axes
    did not move costs the few lines where new points landed, not a screenful.

    `builds` counts the pictures built, so tests and benchmarks can see that a hidden chart
    costs nothing and a visible one redraws only when told; `current` says the picture on
    screen shows the latest data at the present size.
    """

    DEFAULT_CSS = (Path(__file__).with_name("charts.tcss")).read_text(encoding="utf-8")
    chart_name: ClassVar[str] = ""  # its tab (tui/widgets/charts_panel.py lists the charts)
    MIN_HEIGHT = 8  # rows below which a plot is all frame and no data: say so instead

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.builds = 0
        self.picture = Text()  # the picture on screen, as drawn
        self._version = 0  # bumped by every change of the data
        self._lines: list[Strip] = []
        self._shown_key: tuple[int, int, int] | None = None  # (width, height, version)
        self._drawing = False

    @property
    def current(self) -> bool:
        width, height = self.content_size
        return not self._drawing and self._shown_key == (width, height, self._version)

    def invalidate(self) -> None:
        """The data changed: draw a new picture."""
        self._version += 1
        self._request()

    @property
    def lang(self) -> str:
        """The app's language, which the picture is drawn in (read in the drawing thread)."""
        return self.app.lang

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self.invalidate, init=False)

    def on_resize(self) -> None:
        self._request()

    def on_show(self) -> None:
        self._request()

    def _request(self) -> None:
        """Start drawing the picture the widget should show, unless one is on its way (its
        end calls this again) or the one on screen is it."""
        width, height = self.content_size
        key = (width, height, self._version)
        if self._drawing or key == self._shown_key or not self.is_mounted:
            return
        if not width or not height:
            return
        self._drawing = True
        base = self.rich_style  # the theme's colours under the chart's own
        self.run_worker(lambda: self._draw_lines(key, base), thread=True, exit_on_error=True)

    def _draw_lines(self, key: tuple[int, int, int], base: Style) -> None:
        """In a worker thread: the picture for `key`, cut into lines of cells."""
        width, height, _ = key
        try:
            if height < self.MIN_HEIGHT:
                from tui.keys import key_for  # the keys table lists the charts: import it late

                too_short = tr("chart.too_short", self.lang, key=key_for("toggle_claims"))
                picture = Text(too_short, style="dim")
            else:
                picture = self.draw(width, height)
        except Exception:
            self._drawing = False
            raise
        options = self.app.console.options.update_dimensions(width, height)
        rows = self.app.console.render_lines(picture, options, style=base, pad=True)
        lines = [Strip(row, width) for row in rows]
        self.post_message(PictureDrawn(self, key, picture, lines))

    def on_picture_drawn(self, message: PictureDrawn) -> None:
        message.stop()
        self._drawing = False
        self.builds += 1
        self.picture, old, self._lines = message.picture, self._lines, message.lines
        if self._shown_key is None or message.key[:2] != self._shown_key[:2]:
            self.refresh()
        else:
            for y, span in changed_spans(old, self._lines):
                self.refresh(Region(span[0], y, span[1] - span[0], 1))
        self._shown_key = message.key
        self._request()  # the data or the size may have moved on meanwhile

    def render_line(self, y: int) -> Strip:
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.content_size.width, self.rich_style)

    def draw(self, width: int, height: int) -> Text:
        """The picture for a content area of `width` × `height` cells. Runs in a worker
        thread: read only data that is replaced, never changed in place (snapshots)."""
        raise NotImplementedError


def changed_spans(old: Sequence[Strip], new: Sequence[Strip]) -> list[tuple[int, tuple[int, int]]]:
    """(line, (first cell, end cell)) of what differs between two pictures of one size:
    equal segments are skipped from both ends of each line."""
    spans = []
    for y, (before, after) in enumerate(zip(old, new, strict=False)):
        if before == after:
            continue
        a, b = list(before), list(after)
        first, start = 0, 0  # segments equal from the left, and the cells they cover
        while first < min(len(a), len(b)) and a[first] == b[first]:
            start += a[first].cell_length
            first += 1
        last, end = 1, after.cell_length  # ... and from the right
        while last <= min(len(a), len(b)) - first and a[-last] == b[-last]:
            end -= b[-last].cell_length
            last += 1
        spans.append((y, (start, max(end, start + 1))))
    for y in range(len(old), len(new)):
        spans.append((y, (0, new[y].cell_length)))
    return spans


class SnapshotChart(Chart):
    """A chart of the latest snapshot; the panel hands it one only while it is visible."""

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
            return Text(tr("chart.empty", self.lang), style="dim")
        return self.draw_snapshot(self.snapshot, width, height)

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        raise NotImplementedError
