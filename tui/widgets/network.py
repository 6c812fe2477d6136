"""The Network tab: the selected run's neurons, each a small picture of what it computes.

For 1-D and 2-D data (as TensorFlow Playground draws a network): the layers are columns of
neurons, the inputs as the run sees them first (its features), the output last; each
neuron is a heatmap of its activation over the input plane, in half-block cells, on a
diverging blue (positive) / orange (negative) palette that colour-blind eyes tell apart.
A layer shares one value range (an activation's own bounds, else its largest |value|), so
a saturated sigmoid looks flat and a dead ReLU looks blank. Links between neurons are
coloured by the weight's sign and shaded by |w|; only the strongest are drawn where not
all fit, and near-zero ones never (L1 visibly cuts them). Beside the network, the output:
decision regions, or the fitted surface (curve, for 1-D data) of a regression.
For images, the first layer's units are drawn as pictures of their weights, as ConvNetJS
shows filters. Other data gets a line saying why there is no picture.

A neuron is selected with the arrow keys or a click: its incoming weights and the histogram
of its activation over the plane are shown under the network, its layer and index named.

The data: `network_view(comparison, run)` builds a `NetworkView`, plain arrays in a frozen
dataclass that pickles, in the training process, while the tab is visible; the interface
hands it to `NetworkChart.show_network`. The histograms and the dead/saturated marks are
computed there, by the builder; the widget only draws.

Bytes over SSH: Textual writes a changed line of a widget from the widget's left edge, and
a link in or out, or a region moving at the right, changes many lines. So the pictures are
redrawn at most at the charts' rate (4 Hz), the output once a second (as the Boundary tab)
and the links (and image filters) every two seconds; the output is a widget of its own (its
lines are written from its own edge); and a colour, a link or a region changes only once
its value has moved a little past the limit where it would (STICKY…): a network that
trains on repaints few cells between redraws.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer

from nn.layers import ACTIVATION_CLASSES
from nn.measure import NEAR_ZERO
from nn.network_view import IMAGES, OTHER, PLANE, NetworkView
from tui.i18n import tr
from tui.theme import CLASS_GLYPHS, class_color, no_color, run_marker
from tui.widgets.plot import Chart, steady_end

if TYPE_CHECKING:
    pass

# -- colours and glyphs -------------------------------------------------------------------

# A diverging palette in xterm-256 numbers (short escape codes; a 16-colour terminal maps
# them to its own): orange for negative, blue for positive, brighter with |value|, a dark
# grey for zero. Blue against orange stays apart for every common colour blindness.
NEGATIVE = (94, 130, 172, 215)
POSITIVE = (24, 31, 38, 81)
ZERO = 236
LEVELS = len(POSITIVE)  # levels each side of zero: 9 shades in all
PALETTE = {0: ZERO, **{i + 1: c for i, c in enumerate(POSITIVE)}}
PALETTE.update({-(i + 1): c for i, c in enumerate(NEGATIVE)})
# Without colour: a dot for zero (a dead unit's picture still shows where it is), shades
# for positive values, dashes for negative ones.
PLAIN = {0: "·", 1: "░", 2: "▒", 3: "▓", 4: "█", -1: "-", -2: "=", -3: "≡", -4: "#"}
BARS = " ▁▂▃▄▅▆▇█"

FEATURE_NAMES = {
    "x1": "x₁",
    "x2": "x₂",
    "x1_sq": "x₁²",
    "x2_sq": "x₂²",
    "x1_x2": "x₁x₂",
    "sin_x1": "sin x₁",
    "sin_x2": "sin x₂",
}

# Parts of the tab that change many lines at once are redrawn less often than the pictures:
OUTPUT_SECONDS = 1.0  # the output (regions, as the Boundary tab, and its pictures)
LINKS_SECONDS = 2.0  # the links (a line in or out repaints many rows) and image filters
STICKY_RANK = 2.0  # a drawn link stays while it ranks within this many times the budget
STICKY_LINK = 0.06  # of the largest |w|: how far past a limit a link goes before it changes
STICKY_SCALE = 0.7  # a layer's colour scale stays while its largest value is above this share
STICKY = 0.25  # of a level: how far past a boundary a value goes before its colour changes
LINK_MIN = 0.05  # links under this share of the layer's largest |w| are not drawn
LINK_SHADES = (0.25, 0.6)  # |w| / largest |w|: weak, medium, strong
LINK_LEVELS = (1, 2, 4)  # the palette level of each shade
LINKS_PER_UNIT = 2  # a gap draws at most this many links per unit of its larger column
# Quarter blocks by their set quadrants: 1 top left, 2 top right, 4 bottom left, 8 bottom right.
QUADRANTS = " ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█"
TRAIN_MARK = "•"
MATCH = 231  # white: a training point whose value the surface shows where it lies
CURVE = "white"


def levels_of(values: np.ndarray, scale: float, previous: np.ndarray | None = None) -> np.ndarray:
    """Values as palette levels −LEVELS … LEVELS, zero for what is not finite. Given the
    levels drawn last time, a value keeps its level until it is STICKY past the boundary."""
    scaled = np.nan_to_num(np.asarray(values, np.float64) / scale * LEVELS, nan=0.0)
    levels = np.clip(np.rint(scaled), -LEVELS, LEVELS).astype(int)
    if previous is not None and previous.shape == levels.shape:
        levels = np.where(np.abs(scaled - previous) < 0.5 + STICKY, previous, levels)
    return levels


class Memory:
    """What the last picture drew (levels, regions, links), by key: a value that moves only
    a little keeps its colour, so a training network repaints few cells between redraws
    (bytes over SSH). `turn` starts a picture: what it does not use again is forgotten."""

    def __init__(self) -> None:
        self.last: dict[tuple, object] = {}
        self.now: dict[tuple, object] = {}

    def turn(self) -> None:
        self.last, self.now = self.now, {}

    def get(self, key: tuple) -> object:
        return self.last.get(key)

    def put(self, key: tuple, value: object) -> None:
        self.now[key] = value

    def scale(self, key: tuple, magnitude: float) -> float:
        """`magnitude` rounded up (steady_end); but the scale of last time while the
        magnitude stays within STICKY_SCALE below it: a value hovering at one of the steps
        would otherwise recolour every picture at each crossing."""
        previous = self.get(key)
        if isinstance(previous, float) and STICKY_SCALE * previous <= magnitude <= previous:
            scale = previous
        else:
            scale = steady_end(magnitude) if magnitude > 0 else 1.0
        self.put(key, scale)
        return scale


def layer_scale(
    values: np.ndarray,
    bounds: tuple[float, float] | None,
    memory: Memory | None = None,
    key: tuple = (),
) -> float:
    """The |value| drawn brightest: an activation's bound, else the layer's largest |value|
    rounded up (1, 1.25, 1.5, 2, … × 10ⁿ) so that it rarely moves between two redraws."""
    if bounds is not None:
        return max(abs(bounds[0]), abs(bounds[1]))
    finite = np.abs(values[np.isfinite(values)])
    largest = float(finite.max()) if finite.size else 0.0
    if memory is not None:
        return memory.scale(key, largest)
    return steady_end(largest) if largest > 0 else 1.0


@lru_cache(maxsize=512)
def _style(fg: int | str | None, bg: int | str | None, attrs: str = "") -> Style:
    """One Style object per (foreground, background, attributes): equal cells share it."""

    def color(value: int | str | None) -> str | None:
        return f"color({value})" if isinstance(value, int) else value

    style = Style(color=color(fg), bgcolor=color(bg))
    return Style.parse(attrs) + style if attrs else style


def fit(grid: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """A 2-D array resampled to rows × cols: averaged where it shrinks, repeated where it
    grows. Row 0 of the result is the top: the largest y (the grid's last row)."""
    grid = np.asarray(grid, np.float64)[::-1]
    for axis, size in ((0, rows), (1, cols)):
        length = grid.shape[axis]
        if size <= length:
            starts = np.linspace(0, length, size + 1).astype(int)[:-1]
            sums = np.add.reduceat(grid, starts, axis=axis)
            counts = np.diff(np.append(starts, length))
            shape = [1, 1]
            shape[axis] = size
            grid = sums / counts.reshape(shape)
        else:
            index = np.minimum((np.arange(size) * length) // size, length - 1)
            grid = np.take(grid, index, axis=axis)
    return grid


# -- the layout ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """Where a unit's picture is drawn: (x, y) its top-left cell, w × h cells."""

    layer: int
    unit: int
    x: int
    y: int
    w: int
    h: int

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x < self.x + self.w and self.y <= y < self.y + self.h


@dataclass(frozen=True)
class Link:
    layer: int  # the weight matrix W{layer}: from a unit of layer - 1 to one of layer
    source: int
    target: int
    weight: float
    shade: int  # 0 weak, 1 medium, 2 strong


@dataclass(frozen=True)
class Plan:
    """Where everything goes for one size: computed again on a click, so it is pure."""

    tiles: tuple[Tile, ...]
    more: dict[int, tuple[int, int, int]]  # layer → (x, y, units not shown)
    labels: dict[int, int]  # layer → x of the centre of its column
    label_width: int  # room for the input names, left of the first column
    top: int  # first row of the network
    panel: tuple[int, int, int, int] | None  # the output's (x, y, w, h)
    detail_top: int
    links: tuple[Link, ...] = ()
    per_row: int = 0  # images: pictures per row

    def tile(self, layer: int, unit: int) -> Tile | None:
        for tile in self.tiles:
            if tile.layer == layer and tile.unit == unit:
                return tile
        return None

    def at(self, x: int, y: int) -> Tile | None:
        return next((tile for tile in self.tiles if tile.contains(x, y)), None)

    def count(self, layer: int) -> int:
        return sum(1 for tile in self.tiles if tile.layer == layer)


HEAD_ROWS = 2  # the title, then the columns' names
GAP_MIN, GAP_PREFERRED, GAP_MAX = 5, 12, 18  # columns between two layers, for links
PANEL_MIN = 20
FILTERS_WANTED = 12  # images: smaller pictures rather than fewer than this many
TILE_HEIGHTS = (4, 3, 2)  # rows of a neuron's picture, the largest that lets all fit first


def detail_rows(height: int) -> int:
    return 4 if height >= 30 else 3


def input_name(name: str) -> str:
    return FEATURE_NAMES.get(name, name)


def plan_plane(
    view: NetworkView,
    width: int,
    height: int,
    previous_links: dict[tuple[int, int, int], int] | None = None,
    fresh_links: bool = True,
) -> Plan:
    """Lay the layers out as columns of tiles, the output's panel at the right."""
    details = detail_rows(height)
    top = HEAD_ROWS
    area = max(height - HEAD_ROWS - details, 2)
    counts = [view.shown(layer) for layer in range(view.n_layers)]
    layers = len(counts)
    label_width = max(cell_len(input_name(name)) for name in view.inputs) + 1
    most = max(counts)

    def attempt(th: int, panel: bool, gap_min: int) -> tuple | None:
        tw = 2 * th
        fits = most * (th + 1) - 1 <= area
        per_column = most if fits else max(area // (th + 1), 1)
        net_min = label_width + layers * tw + (layers - 1) * gap_min
        net_preferred = label_width + layers * tw + (layers - 1) * GAP_PREFERRED
        panel_width = 0
        if panel:
            panel_width = max(PANEL_MIN, min(2 * area, width - 2 - net_preferred))
            if width - 2 - panel_width < net_min:
                return None
        elif net_min > width:
            return None
        net_width = width - (panel_width + 2 if panel else 0)
        gap = (
            min(GAP_MAX, (net_width - label_width - layers * tw) // (layers - 1))
            if layers > 1
            else 0
        )
        return th, per_column, fits, panel_width, gap

    choice = None
    for panel in (width >= 60, False):
        for gap_min in (GAP_MIN, 3):
            options = [attempt(th, panel, gap_min) for th in TILE_HEIGHTS]
            options = [option for option in options if option is not None]
            choice = next((o for o in options if o[2]), options[-1] if options else None)
            if choice is not None:
                break
        if choice is not None:
            break
    if choice is None:
        choice = (2, max(area // 3, 1), False, 0, 3)
    th, per_column, _, panel_width, gap = choice
    tw = 2 * th
    tiles, more, labels = [], {}, {}
    for layer, count in enumerate(counts):
        x = label_width + layer * (tw + gap)
        labels[layer] = x + tw // 2
        shown = min(count, per_column)
        hidden = view.sizes[layer] - shown
        rows = shown * (th + 1) - 1 + (1 if hidden else 0)
        y0 = top + max((area - rows) // 2, 0)
        for unit in range(shown):
            tiles.append(Tile(layer, unit, x, y0 + unit * (th + 1), tw, th))
        if hidden:
            more[layer] = (x + tw // 2, y0 + shown * (th + 1) - 1, hidden)
    panel = None
    if panel_width:
        square = max(panel_width // 2, 5)  # a plane's panel is square; a curve takes the height
        panel_height = area if view.n_features == 1 else min(area, square)
        panel = (width - panel_width, top, panel_width, panel_height)
    plan = Plan(tuple(tiles), more, labels, label_width, top, panel, height - details)
    if fresh_links or previous_links is None:
        links = choose_links(view, plan, previous_links)
    else:
        links = keep_links(view, plan, previous_links)
    return replace(plan, links=links)


def choose_links(
    view: NetworkView, plan: Plan, previous: dict[tuple[int, int, int], int] | None = None
) -> tuple[Link, ...]:
    """Per gap, the strongest links between the units shown: none under LINK_MIN of the
    layer's largest |w| (nor under NEAR_ZERO), at most LINKS_PER_UNIT per unit. Given the
    links drawn last time ((layer, source, target) → shade), a drawn link stays while it
    ranks within STICKY_RANK times the budget, and keeps its shade until its weight has
    moved STICKY_LINK past where it would change: a line in or out repaints many rows."""
    previous = previous or {}
    links: list[Link] = []
    for layer in range(1, view.n_layers):
        weights = view.weights[layer - 1]
        finite = np.abs(weights[np.isfinite(weights)])
        if not finite.size or finite.max() == 0:
            continue
        largest = steady_end(float(finite.max()))  # rounded up: moves seldom, shades too
        sources, targets = plan.count(layer - 1), plan.count(layer)
        block = np.nan_to_num(weights[:sources, :targets])
        strength = np.abs(block) / largest
        drawn = np.zeros_like(strength, dtype=bool)
        for (at, source, target), _ in previous.items():
            if at == layer and source < sources and target < targets:
                drawn[source, target] = True
        floor = max(LINK_MIN, NEAR_ZERO / largest)
        eligible = (strength >= np.where(drawn, floor - STICKY_LINK, floor)) & (strength > 0)
        rank = np.empty(strength.size)
        rank[np.argsort(-strength, axis=None, kind="stable")] = np.arange(strength.size)
        rank = np.where(drawn.ravel(), rank / STICKY_RANK, rank)  # the drawn ones stay ahead
        rank = np.where(eligible.ravel(), rank, np.inf)
        budget = LINKS_PER_UNIT * max(sources, targets)
        for flat in np.argsort(rank, kind="stable")[:budget]:
            if not np.isfinite(rank[flat]):
                break
            source, target = divmod(int(flat), targets)
            value = strength[source, target]
            shade = int(np.searchsorted(LINK_SHADES, value, side="right"))
            old = previous.get((layer, source, target))
            if old is not None and old != shade:
                edges = (-np.inf, *LINK_SHADES, np.inf)
                if edges[old] - STICKY_LINK <= value < edges[old + 1] + STICKY_LINK:
                    shade = old
            links.append(Link(layer, source, target, float(block[source, target]), shade))
    return tuple(links)


def keep_links(
    view: NetworkView, plan: Plan, previous: dict[tuple[int, int, int], int]
) -> tuple[Link, ...]:
    """The links drawn last time, with their shades (and the sign of today's weight):
    between two choices of links, which redraw many lines of the tab."""
    links = []
    for (layer, source, target), shade in previous.items():
        if plan.tile(layer - 1, source) is None or plan.tile(layer, target) is None:
            continue
        weight = float(np.nan_to_num(view.weights[layer - 1][source, target]))
        links.append(Link(layer, source, target, weight, shade))
    return tuple(links)


def plan_images(view: NetworkView, width: int, height: int) -> Plan:
    """The first layer's pictures in a grid: the largest (the image's own size, or a half,
    a third, a quarter of it) that shows them all, or at least FILTERS_WANTED of them."""
    details = detail_rows(height)
    top = HEAD_ROWS
    area = max(height - top - details, 2)
    rows_px, cols_px = view.image_shape or (28, 28)
    units = view.shown(1)
    choice = (2, 1, 1, 1)
    for factor in (1, 2, 3, 4):
        w = max(-(-cols_px // factor), 2)
        h = max(-(-rows_px // (2 * factor)), 1)  # two dots a cell, one above the other
        per_row = max((width + 1) // (w + 1), 1)
        if per_row * ((area + 1) // (h + 1)) >= units:
            choice = (w, h, per_row, (area + 1) // (h + 1))
            break
        rows = max(area // (h + 1), 1)  # a row left for the note of the others
        choice = (w, h, per_row, rows)
        if per_row * rows >= min(units, FILTERS_WANTED):
            break
    w, h, per_row, rows = choice
    shown = min(units, per_row * rows)
    tiles = tuple(
        Tile(1, unit, (unit % per_row) * (w + 1), top + (unit // per_row) * (h + 1), w, h)
        for unit in range(shown)
    )
    more = {}
    if view.sizes[1] > shown:
        more[1] = (0, top + -(-shown // per_row) * (h + 1) - 1, view.sizes[1] - shown)
    return Plan(tiles, more, {}, 0, top, None, height - details, per_row=per_row)


def plan_for(
    view: NetworkView,
    width: int,
    height: int,
    previous_links: dict[tuple[int, int, int], int] | None = None,
    fresh_links: bool = True,
) -> Plan | None:
    if view.kind == PLANE:
        return plan_plane(view, width, height, previous_links, fresh_links)
    if view.kind == IMAGES:
        return plan_images(view, width, height)
    return None


# -- drawing ------------------------------------------------------------------------------


class Canvas:
    """Cells of one character and one style each, joined into Text in runs of one style
    (fewer style changes: fewer bytes over SSH)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.chars = [[" "] * width for _ in range(height)]
        self.styles: list[list[Style | None]] = [[None] * width for _ in range(height)]

    def put(self, x: int, y: int, char: str, style: Style | None = None) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            self.chars[y][x], self.styles[y][x] = char, style

    def write(self, x: int, y: int, text: str, style: Style | None = None) -> None:
        """A string from cell x; a wide character takes two cells."""
        for char in text:
            size = cell_len(char)
            if x + size > self.width:
                return
            self.put(x, y, char, style)
            if size == 2:
                self.put(x + 1, y, "", style)
            x += size

    def row(self, y: int) -> Text:
        out = Text(no_wrap=True, end="")
        chars, styles = self.chars[y], self.styles[y]
        start = 0
        for x in range(1, self.width + 1):
            if x == self.width or styles[x] is not styles[start]:
                out.append("".join(chars[start:x]), styles[start])
                start = x
        return out


def paint_picture(
    canvas: Canvas,
    tile: Tile,
    values: np.ndarray,
    scale: float,
    memory: Memory | None = None,
    key: tuple = (),
    frozen: bool = False,
) -> None:
    """A heatmap in the tile: half blocks (two values a cell) or, without colour, a glyph.
    `frozen`: as drawn last time, if it was (the output, between its slower redraws)."""

    def quantized(rows: int) -> np.ndarray:
        where = (*key, tile.w, rows)
        last = memory.get(where) if memory is not None else None
        if isinstance(last, tuple) and frozen:
            drawn = last[1]  # as it was, on the scale it was
        else:
            previous = last[1] if isinstance(last, tuple) and last[0] == scale else None
            drawn = levels_of(fit(values, rows, tile.w), scale, previous)
        if memory is not None:
            memory.put(where, (scale, drawn))
        return drawn

    if no_color():
        levels = quantized(tile.h)
        for row in range(tile.h):
            for col in range(tile.w):
                canvas.put(tile.x + col, tile.y + row, PLAIN[int(levels[row, col])])
        return
    levels = quantized(2 * tile.h)
    for row in range(tile.h):
        for col in range(tile.w):
            upper, lower = int(levels[2 * row, col]), int(levels[2 * row + 1, col])
            if upper == lower:
                canvas.put(tile.x + col, tile.y + row, " ", _style(None, PALETTE[upper]))
            else:
                canvas.put(tile.x + col, tile.y + row, "▀", _style(PALETTE[upper], PALETTE[lower]))


def _end(tile: Tile, rank: int, count: int) -> int:
    """The dot row where the link to the `rank`-th of `count` tiles meets this tile."""
    share = rank / (count - 1) if count > 1 else 0.5
    return 2 * tile.y + round(share * (2 * tile.h - 1))


def paint_links(canvas: Canvas, plan: Plan, selected: tuple[int, int]) -> None:
    """Lines in quarter blocks (2 × 2 dots a cell) from each source tile's right edge to the
    target tile's left edge, leaving a cell for the selection mark. A cell crossed by
    several links takes the colour of the strongest; the selected unit's links go on top.
    Without colour, negative links are dashed and weak ones left out."""
    dots: dict[tuple[int, int], int] = {}
    owner: dict[tuple[int, int], tuple[tuple[bool, int], Link]] = {}
    plain = no_color()
    for link in sorted(plan.links, key=lambda link: (link.layer, link.source, link.target)):
        if plain and link.shade == 0:  # without colour to tell them apart, weak links go
            continue
        source = plan.tile(link.layer - 1, link.source)
        target = plan.tile(link.layer, link.target)
        if source is None or target is None:
            continue
        on_top = (link.layer, link.target) == selected or (link.layer - 1, link.source) == selected
        rank = (on_top, link.shade)  # by shade, not |w|: a cell changes owner seldom
        x0, x1 = 2 * (source.x + source.w), 2 * (target.x - 1) - 1
        # Ends spread over the tiles' height in the order of the other ends: lines leave
        # a tile side by side, not from one point, and cross less.
        y0 = _end(source, link.target, plan.count(link.layer))
        y1 = _end(target, link.source, plan.count(link.layer - 1))
        if x1 <= x0:
            continue
        previous = y0
        for step, x in enumerate(range(x0, x1 + 1)):
            y = round(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
            if plain and link.weight < 0 and step % 4 >= 2:
                previous = y
                continue
            low, high = sorted((previous, y))
            for dot_y in range(low, high + 1) if high - low > 1 else (y,):
                cell = (x // 2, dot_y // 2)
                dots[cell] = dots.get(cell, 0) | (1 << ((dot_y % 2) * 2 + x % 2))
                if cell not in owner or owner[cell][0] < rank:
                    owner[cell] = (rank, link)
            previous = y
    for (x, y), bits in dots.items():
        link = owner[(x, y)][1]
        level = LINK_LEVELS[link.shade] * (1 if link.weight > 0 else -1)
        style = None if plain else _style(PALETTE[level], None)
        canvas.put(x, y, QUADRANTS[bits], style)


def bars(values: Sequence[float], top: float) -> str:
    """One cell per value, its height in eighths of `top`."""
    if top <= 0 or not math.isfinite(top):
        return BARS[0] * len(values)
    return "".join(
        BARS[min(8, max(0, math.ceil(v / top * 8)))] if math.isfinite(v) else "?" for v in values
    )


def signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


CONFIDENCE_EDGES = (0.6, 0.85)  # a region's three shades, as the Boundary tab draws them
STICKY_P = 0.03  # of a probability: a region keeps its class and shade until it moves this far


def sticky_regions(
    probabilities: np.ndarray, previous: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """(class, confidence shade) per cell of class probabilities (classes, rows, cols); a
    cell keeps the class and shade drawn last time while they are within STICKY_P."""
    best = probabilities.argmax(axis=0)
    if previous is not None and previous[0].shape == best.shape:
        old_class, old_level = previous
        old_p = np.take_along_axis(probabilities, old_class[None], 0)[0]
        best = np.where(old_p >= probabilities.max(axis=0) - STICKY_P, old_class, best)
    confidence = np.take_along_axis(probabilities, best[None], 0)[0]
    level = np.digitize(confidence, CONFIDENCE_EDGES)
    if previous is not None and previous[0].shape == best.shape:
        low = np.array([-np.inf, *CONFIDENCE_EDGES])[old_level] - STICKY_P
        high = np.array([*CONFIDENCE_EDGES, np.inf])[old_level] + STICKY_P
        keep = (best == old_class) & (confidence >= low) & (confidence < high)
        level = np.where(keep, old_level, level)
    return best, level


def curve_panel(
    xs: np.ndarray, values: np.ndarray, x: np.ndarray, y: np.ndarray, width: int, rows: int
) -> list[Text]:
    """A 1-D regression: the fitted curve in quarter blocks over the training points (•, in
    the colour of their value), with a dotted line at 0 and the value range at the left."""
    both = np.concatenate([np.asarray(values, np.float64), np.asarray(y, np.float64)])
    both = both[np.isfinite(both)]
    low, high = (float(both.min()), float(both.max())) if both.size else (-1.0, 1.0)
    pad = (high - low) * 0.05 or 1.0
    low, high = low - pad, high + pad
    canvas = Canvas(width, rows)
    plain = no_color()

    def row_of(value: float, dots: int) -> int:
        return min(max(round((high - value) / (high - low) * (dots - 1)), 0), dots - 1)

    if low < 0 < high:
        for col in range(width):
            canvas.put(col, row_of(0.0, rows), "┄", _style(None, None, "dim"))
    scale = layer_scale(np.asarray(y, np.float64), None)
    for px, level, value in zip(x, levels_of(y, scale), y, strict=True):
        col = round((float(px) - xs[0]) / (xs[-1] - xs[0]) * (width - 1))
        color = None if plain else (PALETTE[int(level)] if level else 250)
        canvas.put(col, row_of(float(value), rows), TRAIN_MARK, _style(color, None))
    columns = np.linspace(xs[0], xs[-1], 2 * width)
    curve = np.interp(columns, xs, np.nan_to_num(np.asarray(values, np.float64)))
    dots: dict[tuple[int, int], int] = {}
    previous = row_of(float(curve[0]), 2 * rows)
    for px, value in enumerate(curve):
        dot = row_of(float(value), 2 * rows)
        for dot_y in range(min(previous, dot), max(previous, dot) + 1):
            cell = (px // 2, dot_y // 2)
            dots[cell] = dots.get(cell, 0) | (1 << ((dot_y % 2) * 2 + px % 2))
        previous = dot
    style = _style(None if plain else CURVE, None, "bold")
    for (col, row), bits in dots.items():
        canvas.put(col, row, QUADRANTS[bits], style)
    dim = _style(None, None, "dim")
    canvas.write(0, 0, f"{high:.2g}", dim)
    canvas.write(0, rows - 1, f"{low:.2g}", dim)
    return [canvas.row(row) for row in range(rows)]


def half_blocks(
    codes: np.ndarray,
    marks: dict[tuple[int, int], int],
    region_color: Callable[[int], str | int],
    mark_color: Callable[[int], str | int],
    glyphs: dict[int, str],
    mark_glyph: Callable[[int], str] = lambda mark: TRAIN_MARK,
) -> list[Text]:
    """Rows of cells showing two codes each (upper, lower half), with the training points'
    marks over them in their own code's colour (white where it is the region's own: a
    point the surface fits). Without colour: a glyph a code."""
    plain = no_color()
    lines = []
    for row in range(codes.shape[0] // 2):
        canvas = Canvas(codes.shape[1], 1)
        for col in range(codes.shape[1]):
            upper, lower = int(codes[2 * row, col]), int(codes[2 * row + 1, col])
            mark = marks.get((col, row))
            if plain:
                canvas.put(col, 0, glyphs[upper] if mark is None else mark_glyph(mark))
            elif mark is not None:
                color, region = mark_color(mark), region_color(upper)
                color = MATCH if color == region else color  # a point the surface fits
                canvas.put(col, 0, TRAIN_MARK, _style(color, region, "bold"))
            elif upper == lower:
                canvas.put(col, 0, " ", _style(None, region_color(upper)))
            else:
                canvas.put(col, 0, "▀", _style(region_color(upper), region_color(lower)))
        lines.append(canvas.row(0))
    return lines


def panel_title(view: NetworkView, lang: str) -> str:
    if not view.regression:
        return tr("network.regions", lang)
    return tr("network.curve" if view.n_features == 1 else "network.surface", lang)


def output_picture(view: NetworkView, width: int, rows: int, memory: Memory) -> list[Text]:
    """The output on the plane: regions, a surface or a curve, with the training points."""
    surface, targets = view.surface, view.targets
    assert surface is not None and targets is not None
    if view.regression and view.n_features == 1:
        assert view.surface_xs is not None and view.points is not None
        return curve_panel(
            view.surface_xs, surface[0, :, 0], view.points[:, 0], targets, width, rows
        )
    cells = point_cells(view, width, rows)
    key = ("output", view.run, width, rows)
    previous = memory.get(key)
    if view.regression:
        scale = layer_scale(np.asarray(targets, np.float64), None)
        codes = levels_of(fit(surface[..., 0], 2 * rows, width), scale, previous)  # type: ignore[arg-type]
        memory.put(key, codes)
        marks = dict(zip(cells, levels_of(targets, scale).tolist(), strict=True))
        return half_blocks(codes, marks, PALETTE.__getitem__, PALETTE.__getitem__, PLAIN)
    classes = surface.shape[-1]
    probabilities = np.stack([fit(surface[..., k], 2 * rows, width) for k in range(classes)])
    best, level = sticky_regions(probabilities, previous)  # type: ignore[arg-type]
    memory.put(key, (best, level))
    codes = best * 3 + level  # class and confidence in one
    marks = dict(zip(cells, np.asarray(targets).astype(int).tolist(), strict=True))
    glyphs = {code: CLASS_GLYPHS[(code // 3) % len(CLASS_GLYPHS)] for code in range(3 * classes)}
    return half_blocks(
        codes,
        marks,
        lambda code: class_color(*divmod(code, 3)),
        class_color,
        glyphs,
        run_marker,  # without colour, each class's points have a mark of their own
    )


def point_cells(view: NetworkView, width: int, rows: int) -> list[tuple[int, int]]:
    """The (column, row) cell of each training point on the output (1-D data: the middle
    row)."""
    xs, ys, points = view.surface_xs, view.surface_ys, view.points
    assert xs is not None and ys is not None and points is not None
    cols = np.round((points[:, 0] - xs[0]) / (xs[-1] - xs[0]) * (width - 1)).astype(int)
    if points.shape[1] < 2 or len(ys) < 2:
        return [(col, rows // 2) for col in cols.tolist()]
    half = np.round((ys[-1] - points[:, 1]) / (ys[-1] - ys[0]) * (2 * rows - 1)).astype(int)
    return list(zip(cols.tolist(), (half // 2).tolist(), strict=True))


class Throttle:
    """Calls `action` at most once every `seconds` of the chart's clock: a call that comes
    sooner is made when the time is up, once, however many came meanwhile."""

    def __init__(self, chart: NetworkChart, seconds: float, action: Callable[[], None]) -> None:
        self.chart, self.seconds, self.action = chart, seconds, action
        self.last = float("-inf")
        self.timer: Timer | None = None

    def __call__(self) -> bool:
        """True if the action was called now."""
        wait = self.seconds - (self.chart.clock() - self.last)
        if wait <= 0:
            self.fire()
            return True
        if self.timer is None:
            self.timer = self.chart.set_timer(wait, self.fire)
        return False

    def fire(self) -> None:
        self.timer = None
        self.last = self.chart.clock()
        self.action()


class OutputPanel(Chart):
    """The output beside the network, a widget of its own: Textual writes a changed line of
    a widget from that widget's left edge, so the regions changing at the right of the tab
    cost their own cells, not the whole line of the tab."""

    MIN_HEIGHT = 2

    def __init__(self, owner: NetworkChart) -> None:
        super().__init__(id="network-output")
        self.owner = owner
        self._memory = Memory()  # the worker's alone
        self.styles.dock = "right"
        self.styles.margin = (HEAD_ROWS - 1, 0, 0, 0)  # from the columns' names' row

    def draw(self, width: int, height: int) -> Text:
        view = self.owner.view
        self._memory.turn()
        if view is None or view.kind != PLANE:
            return Text()
        title = Text(panel_title(view, self.owner.lang), style="dim", no_wrap=True, end="")
        lines = [title, *output_picture(view, width, height - 1, self._memory)]
        return Text("\n", no_wrap=True, end="").join(lines)


class NetworkChart(Chart):
    """The Network tab. See the module docstring; `show_network` is its data's way in."""

    chart_name = "network"
    can_focus = True
    MIN_HEIGHT = 8
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1, 0)", show=False),
        Binding("right", "move(1, 0)", show=False),
        Binding("up", "move(0, -1)", show=False),
        Binding("down", "move(0, 1)", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = time.monotonic  # what the rate limit reads (a test may stop it)
        self._memory = Memory()  # what the last picture drew: the worker's alone
        self.view: NetworkView | None = None
        self.selected: tuple[int, int] = (1, 0)  # (layer, unit)
        self.plan: Plan | None = None  # as last drawn (tests read it)
        from tui.widgets.charts_panel import REFRESH_SECONDS  # that module imports this one

        self._redraw = Throttle(self, REFRESH_SECONDS, self._flush)
        self._output_redraw = Throttle(self, OUTPUT_SECONDS, self._output_due)
        self._links_redraw = Throttle(self, LINKS_SECONDS, self._links_due)
        self._fresh_output = True  # the output's pictures are due to be drawn again
        self._fresh_links = True  # links (and image filters) are due to be drawn again
        self._flushing = False
        self._panel_box: tuple[int, int] | None = (0, 0)  # the output's (width, height)

    def compose(self) -> ComposeResult:
        yield OutputPanel(self)

    @property
    def lang(self) -> str:
        """The app's language (read in the drawing thread); English in an app without one."""
        return getattr(self.app, "lang", "en")

    @property
    def output(self) -> OutputPanel:
        return self.query_one(OutputPanel)

    @property
    def current(self) -> bool:
        """The network and the output beside it show the latest view at the present size."""
        output = self.output
        return super().current and (not output.display or output.current)

    # -- the API --------------------------------------------------------------------------

    def show_network(self, view: NetworkView | None) -> None:
        """Draw `view` (None: nothing yet). Call it as often as views come: the pictures
        are redrawn at most at the charts' rate, the output at most once a second and the
        links every two (OUTPUT_SECONDS, LINKS_SECONDS), each time from the newest view."""
        self.view = view
        self._redraw()

    def select(self, layer: int, unit: int) -> None:
        self.selected = (layer, unit)
        self.invalidate()

    # -- inside ----------------------------------------------------------------------------

    def _flush(self) -> None:
        self._place_output()
        self._flushing = True  # the slower parts that are due join this one picture
        self._output_redraw()
        self._links_redraw()
        self._flushing = False
        self.invalidate()

    def _output_due(self) -> None:
        self._fresh_output = True
        self.output.invalidate()
        if not self._flushing:
            self.invalidate()

    def _links_due(self) -> None:
        self._fresh_links = True
        if not self._flushing:
            self.invalidate()

    def on_resize(self) -> None:
        self._place_output()
        super().on_resize()

    def _place_output(self) -> None:
        """Size the output's widget to the plan's place for it (docked at the right)."""
        plan = self._plan_now()
        box = plan.panel if plan is not None else None
        output = self.output
        size = None if box is None else (box[2], box[3] + 1)  # and its title's row above
        if size == self._panel_box:
            return  # unchanged: a new layout would repaint the whole tab
        self._panel_box = size
        if size is not None:
            output.styles.width, output.styles.height = size
        output.display = size is not None

    def _plan_now(self) -> Plan | None:
        width, height = self.content_size
        if self.view is None or height < self.MIN_HEIGHT:
            return None
        return plan_for(self.view, width, height)

    def _clamped(self, plan: Plan, layer: int, unit: int) -> tuple[int, int]:
        layers = sorted({tile.layer for tile in plan.tiles})
        if not layers:
            return self.selected
        layer = min(max(layer, layers[0]), layers[-1])
        count = plan.count(layer)
        return layer, min(max(unit, 0), max(count - 1, 0))

    def action_move(self, dx: int, dy: int) -> None:
        plan = self._plan_now()
        if plan is None:
            return
        layer, unit = self._clamped(plan, *self.selected)
        if plan.per_row:  # images: a grid of pictures
            unit = unit + dx + dy * plan.per_row
            if not 0 <= unit < plan.count(1):
                return
        else:
            layer, unit = layer + dx, unit + dy
        self.select(*self._clamped(plan, layer, unit))

    def on_click(self, event: events.Click) -> None:
        plan = self._plan_now()
        tile = plan.at(event.x, event.y) if plan is not None else None
        if tile is not None:
            self.focus()
            self.select(tile.layer, tile.unit)

    def draw(self, width: int, height: int) -> Text:
        view, lang = self.view, self.lang
        if view is None:
            return Text(tr("network.waiting", lang), style="dim")
        if view.kind == OTHER:
            return Text(tr("network.other", lang, n=view.n_features), style="bold")
        memory = self._memory
        memory.turn()
        links_key = ("links", view.run, width, height)
        previous = memory.get(links_key)
        links, self._fresh_links = self._fresh_links, False  # their turn to be drawn again?
        output, self._fresh_output = self._fresh_output, False
        plan = plan_for(view, width, height, previous, links or previous is None)  # type: ignore[arg-type]
        assert plan is not None
        memory.put(
            links_key, {(link.layer, link.source, link.target): link.shade for link in plan.links}
        )
        selected = self._clamped(plan, *self.selected)
        canvas = Canvas(width, plan.detail_top)
        if view.kind == PLANE:
            self._draw_plane(canvas, view, plan, selected, output)
        else:
            self._draw_images(canvas, view, plan, selected, links)
        self.plan = plan
        lines = [canvas.row(y) for y in range(canvas.height)]
        lines[0] = self._title(view, width)
        lines += self._details(view, plan, selected, width, height - plan.detail_top)
        return Text("\n", no_wrap=True, end="").join(lines)

    # -- the network -----------------------------------------------------------------------

    def _layer_name(self, view: NetworkView, layer: int) -> str:
        if layer == 0:
            return tr("network.inputs", self.lang)
        if layer == view.n_layers - 1:
            return tr("network.output", self.lang)
        return tr("network.layer", self.lang, n=layer)

    def _scale(self, view: NetworkView, layer: int) -> float:
        if layer == 0:
            bounds = None
        elif layer == view.n_layers - 1:
            bounds = (0.0, 1.0) if view.output == "softmax" else None
            bounds = bounds or ACTIVATION_CLASSES[view.output].value_range
        else:
            bounds = ACTIVATION_CLASSES[view.activation].value_range
        return layer_scale(view.grids[layer], bounds, self._memory, ("scale", view.run, layer))

    def _draw_plane(
        self,
        canvas: Canvas,
        view: NetworkView,
        plan: Plan,
        selected: tuple[int, int],
        fresh_output: bool = True,
    ) -> None:
        """The columns of pictures and the links; the output's pictures as drawn last time
        unless `fresh_output` (its turn, once a second)."""
        plain = no_color()
        scales = [self._scale(view, layer) for layer in range(view.n_layers)]
        paint_links(canvas, plan, selected)
        output = view.n_layers - 1
        for tile in plan.tiles:
            values = view.grids[tile.layer][tile.unit]
            key = ("unit", view.run, tile.layer, tile.unit)
            frozen = tile.layer == output and not fresh_output
            paint_picture(canvas, tile, values, scales[tile.layer], self._memory, key, frozen)
            if tile.layer == 0:
                name = input_name(view.inputs[tile.unit])
                canvas.write(0, tile.y + tile.h // 2, name, _style(None, None, "bold"))
        dim = _style(None, None, "dim")
        for layer, centre in plan.labels.items():
            name = self._layer_name(view, layer)
            canvas.write(max(centre - cell_len(name) // 2, 0), plan.top - 1, name, dim)
        for x, y, hidden in plan.more.values():
            note = tr("network.more", self.lang, n=hidden)
            canvas.write(max(x - cell_len(note) // 2, 0), y, note, dim)
        tile = plan.tile(*selected)
        if tile is not None:
            mark = _style(None if plain else "white", None, "bold")
            canvas.put(tile.x - 1, tile.y + tile.h // 2, "▶", mark)
            canvas.put(tile.x + tile.w, tile.y + tile.h // 2, "◀", mark)

    # -- images -----------------------------------------------------------------------------

    def _draw_images(
        self,
        canvas: Canvas,
        view: NetworkView,
        plan: Plan,
        selected: tuple[int, int],
        fresh: bool = True,
    ) -> None:
        """The first layer's weights as pictures; every one changes as the run trains, so
        they are redrawn with the links (`fresh`), else stay as drawn last time."""
        assert view.image_shape is not None
        filters = view.weights[0]
        # A few large weights would leave the rest grey: the colours span 99 % of them.
        finite = np.abs(filters[np.isfinite(filters)])
        magnitude = float(np.percentile(finite, 99)) if finite.size else 0.0
        scale = self._memory.scale(("scale", view.run, "filters"), magnitude)
        for tile in plan.tiles:
            image = filters[:, tile.unit].reshape(view.image_shape)[::-1]  # fit puts row 0 on top
            key = ("filter", view.run, tile.unit)
            paint_picture(canvas, tile, image, scale, self._memory, key, frozen=not fresh)
        tile = plan.tile(*selected)
        if tile is not None:
            mark = _style(None if no_color() else "white", None, "bold")
            canvas.put(tile.x + tile.w, tile.y + tile.h // 2, "◀", mark)
        dim = _style(None, None, "dim")
        canvas.write(0, plan.top - 1, tr("network.filters", self.lang), dim)
        for x, y, hidden in plan.more.values():
            canvas.write(x, y, tr("network.more", self.lang, n=hidden), dim)

    # -- words around the pictures ----------------------------------------------------------

    def _title(self, view: NetworkView, width: int) -> Text:
        title = Text(no_wrap=True, end="", overflow="ellipsis")
        shape = " → ".join(str(size) for size in view.sizes)
        words = f"{view.run} · {tr('runs.step', self.lang)} {view.step} · {shape}"
        if view.n_layers > 2:  # hidden layers: name their activation
            words += f" · {view.activation}"
        title.append(words + "   ", style="bold")
        title.append_text(self._legend())
        title.truncate(width)
        return title

    @staticmethod
    def _legend() -> Text:
        """The palette from negative to positive."""
        legend = Text(no_wrap=True, end="")
        legend.append("− ")
        for level in range(-LEVELS, LEVELS + 1):
            if no_color():
                legend.append(PLAIN[level])
            else:
                legend.append(" ", _style(None, PALETTE[level]))
        legend.append(" +")
        return legend

    def _details(
        self, view: NetworkView, plan: Plan, selected: tuple[int, int], width: int, rows: int
    ) -> list[Text]:
        """The selected unit: its name, its weights, the histogram of its values."""
        layer, unit = selected
        lines = [Text(no_wrap=True, end="", overflow="ellipsis") for _ in range(rows)]
        if plan.tile(layer, unit) is None:
            return lines
        name = self._layer_name(view, layer)
        head = tr("network.unit", self.lang, layer=name, index=unit + 1, count=view.sizes[layer])
        if layer == 0 and view.kind == PLANE:
            head += f" {input_name(view.inputs[unit])}"
        if 0 < layer < view.n_layers - 1:
            head += f" ({view.activation})"
        elif layer == view.n_layers - 1 and layer:
            head += f" ({view.output})"
        lines[0].append("▶ " + head, style="bold")
        state = view.states[layer][unit] if layer < len(view.states) else ""
        if state:
            lines[0].append(f" · {tr('network.' + state, self.lang)}", style="bold yellow")
        lines[1].append_text(self._weights_line(view, layer, unit, width))
        counts = view.histograms[layer][unit] if layer < len(view.histograms) else ()
        if len(counts):
            edges = view.edges[layer]
            label = tr(
                "network.weights_hist" if view.kind == IMAGES else "network.plane", self.lang
            )
            lines[2].append(f"{label}: ", style="dim")
            lines[2].append(f"{float(edges[0]):.2g} ".replace("-", "−"))
            repeat = max(1, min(3, (width - lines[2].cell_len - 12) // len(counts)))
            top = float(max(counts)) if len(counts) else 0.0
            heights = bars(list(counts), top)
            if no_color():  # the histogram's extent, where it has no bars
                lines[2].append("".join(ch * repeat for ch in heights).replace(" ", "_"))
            else:
                lines[2].append("".join(ch * repeat for ch in heights), _style("white", ZERO))
            lines[2].append(f" {float(edges[-1]):.2g}".replace("-", "−"))
        if rows > 3:
            lines[3].append(tr("network.keys", self.lang), style="dim")
        for line in lines:
            line.truncate(width)
        return lines

    def _weights_line(self, view: NetworkView, layer: int, unit: int, width: int) -> Text:
        """Incoming weights (outgoing, for an input) with their sources' names when they fit,
        else as one bar a weight; then the bias."""
        line = Text(no_wrap=True, end="")
        if layer == 0:
            if view.n_layers < 2:
                return line
            values, names, key = view.weights[0][unit], None, "network.out"
        else:
            values = view.weights[layer - 1][:, unit]
            names = [input_name(n) for n in view.inputs] if layer == 1 else None
            key = "network.in"
        if view.kind == IMAGES:
            finite = values[np.isfinite(values)]
            low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
            line.append(f"{tr(key, self.lang)} ({len(values)}): ", style="dim")
            line.append(f"{signed(low)} … {signed(high)}")
        else:
            line.append(f"{tr(key, self.lang)}: ", style="dim")
            labels = [
                (names[i] if names is not None and i < len(names) else f"#{i + 1}")
                for i in range(len(values))
            ]
            listed = "  ".join(
                f"{label} {signed(float(v))}" for label, v in zip(labels, values, strict=True)
            )
            bias_room = 16 if layer else 0
            if cell_len(listed) + line.cell_len + bias_room <= width:
                for index, (label, value) in enumerate(zip(labels, values, strict=True)):
                    line.append(f"{'  ' if index else ''}{label} ", style="dim")
                    line.append(signed(float(value)), style=self._sign_style(float(value)))
            else:
                line.append_text(self._weight_bars(values))
                finite = np.abs(values[np.isfinite(values)])
                if finite.size:
                    line.append(f"  max |w| {float(finite.max()):.2f}", style="dim")
        if layer:
            line.append(f"  {tr('network.bias', self.lang)} ", style="dim")
            line.append(signed(float(view.biases[layer - 1][unit])))
        return line

    @staticmethod
    def _sign_style(value: float) -> Style | None:
        if no_color() or value == 0 or not math.isfinite(value):
            return None
        return _style(PALETTE[LEVELS if value > 0 else -LEVELS], None)

    @staticmethod
    def _weight_bars(values: np.ndarray) -> Text:
        """One cell a weight: bar height |w| in colour by sign, or (no colour) a glyph."""
        out = Text(no_wrap=True, end="")
        finite = np.abs(values[np.isfinite(values)])
        top = float(finite.max()) if finite.size else 0.0
        if no_color():
            scale = top or 1.0
            out.append("".join(PLAIN[int(level)] for level in levels_of(values, scale)))
            return out
        heights = bars([abs(float(v)) for v in values], top)
        for char, value in zip(heights, values, strict=True):
            out.append(char, NetworkChart._sign_style(float(value)))
        return out
