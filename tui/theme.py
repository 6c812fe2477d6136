"""Colours shared by every widget, so a run has the same colour in the table and in charts.

Runs take the Okabe–Ito colours (Okabe & Ito, "Color Universal Design", 2008): eight hues
that students with any common form of colour blindness still tell apart. Black, the first
of the eight, would vanish on a dark terminal, so a light grey takes its place, last. Past
eight runs the colours come round again with another line marker (`line_marker`), and
without colour (NO_COLOR) markers alone tell runs apart.

Decision regions and fitted surfaces use 256-colour palette numbers, not RGB: escape codes
stay short over SSH, and a 16-colour terminal maps them to the nearest of its own.
"""

from __future__ import annotations

import os

# Okabe–Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple, and
# grey for black. As 256 colours they are 178, 74, 36, 221, 25, 166, 175, 249: all apart
# (tests/ui/test_views.py holds it).
RUN_COLORS = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#BBBBBB",
)


def run_color(index: int) -> str:
    """The colour of the run at `index` (runs keep their index for the session)."""
    return RUN_COLORS[index % len(RUN_COLORS)]


# Without colour, runs are told apart by their marker instead.
RUN_MARKERS = ("•", "x", "+", "o", "*", "#", "%", "=")

# Line markers with colour: plotext's quarter blocks for the first eight runs, then dots,
# then crosses, so that two runs of one colour never look the same.
LINE_MARKERS = ("hd", "•", "+")


def run_marker(index: int) -> str:
    """The marker of the run at `index` when there is no colour to tell runs apart."""
    return RUN_MARKERS[index % len(RUN_MARKERS)]


def line_marker(index: int) -> str:
    """The marker of the run at `index`'s line: its own without colour, else quarter
    blocks for the first eight and other markers for those whose colour comes round again."""
    if no_color():
        return run_marker(index)
    return LINE_MARKERS[(index // len(RUN_COLORS)) % len(LINE_MARKERS)]


# Classes of a data set, in the decision-boundary chart, as xterm-256 colour numbers:
# (unsure, fairly sure, sure) region shades, then the bright colour of its data points.
# The hues are Okabe–Ito's (sky blue, orange, bluish green, reddish purple, yellow,
# vermillion): the first two, which most data sets use, are the pair every form of colour
# blindness keeps apart.
CLASS_COLORS = (
    (17, 24, 31, 117),  # sky blue
    (94, 130, 172, 214),  # orange
    (22, 29, 36, 85),  # bluish green
    (53, 96, 132, 218),  # reddish purple
    (58, 100, 142, 228),  # yellow
    (52, 88, 124, 209),  # vermillion
)
# Without colour, classes are told apart by a shade character.
CLASS_GLYPHS = (" ", "░", "▒", "▓", ":", "=")


def class_color(klass: int, level: int | None = None) -> str:
    """A class's region colour at confidence `level` (0-2), or with None its points' colour."""
    shades = CLASS_COLORS[klass % len(CLASS_COLORS)]
    return f"color({shades[3 if level is None else level]})"


# A predicted number (regression) on a diverging scale: blue for low, orange for high, dark
# grey between (blue and orange: apart for every form of colour blindness). Levels run
# from -DIVERGING_LEVELS to +DIVERGING_LEVELS; the regions take the dim shades, the data
# points the bright ones, so that a point shows on a region of its own value.
DIVERGING_LEVELS = 4
DIVERGING_REGIONS = (25, 24, 18, 17, 236, 94, 130, 136, 172)
DIVERGING_POINTS = (39, 75, 111, 153, 252, 223, 221, 220, 214)
# Without colour: a shade character per level, low to high.
DIVERGING_GLYPHS = ("█", "▓", "▒", "░", " ", "·", ":", "+", "#")


def diverging_color(level: int, point: bool = False) -> str:
    """The colour of `level` (-DIVERGING_LEVELS … DIVERGING_LEVELS): a region's, or with
    `point` a data point's."""
    shades = DIVERGING_POINTS if point else DIVERGING_REGIONS
    return f"color({shades[level + DIVERGING_LEVELS]})"


def no_color() -> bool:
    """True when the user asked for no colour (https://no-color.org): read at each call, so
    a test or a launcher can set it late."""
    return bool(os.environ.get("NO_COLOR"))
