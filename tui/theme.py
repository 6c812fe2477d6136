"""Colours shared by every widget, so a run has the same colour in the table and in charts."""

from __future__ import annotations

# Names both Rich and plotext understand, chosen to stay apart on 16-colour terminals.
RUN_COLORS = ("cyan", "magenta", "yellow", "green", "red", "blue", "white")


def run_color(index: int) -> str:
    """The colour of the run at `index` (runs keep their index for the session)."""
    return RUN_COLORS[index % len(RUN_COLORS)]
