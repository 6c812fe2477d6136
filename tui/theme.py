"""Colours shared by every widget, so a run has the same colour in the table and in charts."""

from __future__ import annotations

import os

# Names both Rich and plotext understand, chosen to stay apart on 16-colour terminals.
RUN_COLORS = ("cyan", "magenta", "yellow", "green", "red", "blue", "white")


def run_color(index: int) -> str:
    """The colour of the run at `index` (runs keep their index for the session)."""
    return RUN_COLORS[index % len(RUN_COLORS)]


# Without colour, runs are told apart by their marker instead.
RUN_MARKERS = ("•", "x", "+", "o", "*", "#", "%")

# Classes of a data set, in the decision-boundary chart, as xterm-256 colour numbers:
# (unsure, fairly sure, sure) region shades, then the bright colour of its data points.
# Palette numbers (not RGB) keep escape codes short over SSH, and a 16-colour terminal
# maps them to the nearest of its own red, blue, green, ...
CLASS_COLORS = (
    (52, 88, 124, 203),  # red
    (17, 18, 25, 75),  # blue
    (22, 28, 34, 120),  # green
    (58, 100, 142, 227),  # yellow
    (53, 90, 127, 213),  # magenta
    (23, 30, 37, 123),  # cyan
)
# Without colour, classes are told apart by a shade character.
CLASS_GLYPHS = (" ", "░", "▒", "▓", ":", "=")


def class_color(klass: int, level: int | None = None) -> str:
    """A class's region colour at confidence `level` (0-2), or with None its points' colour."""
    shades = CLASS_COLORS[klass % len(CLASS_COLORS)]
    return f"color({shades[3 if level is None else level]})"


def no_color() -> bool:
    """True when the user asked for no colour (https://no-color.org): read at each call, so
    a test or a launcher can set it late."""
    return bool(os.environ.get("NO_COLOR"))


def run_marker(index: int) -> str:
    """The marker of the run at `index` when there is no colour to tell runs apart."""
    return RUN_MARKERS[index % len(RUN_MARKERS)]
