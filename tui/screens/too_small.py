"""The notice shown while the terminal is smaller than the app can use (80×24), in the app's
language.

It is a part of the main screen, shown and hidden by the screen's size classes (CSS), not a
screen pushed and popped at every resize across the limit: a storm of resizes then changes
two classes instead of the screen stack (see steady.py for the wedge that churn fed).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from tui.i18n import tr

MIN_WIDTH, MIN_HEIGHT = 80, 24
# The main screen's size classes: below the limit in either direction, the notice shows.
WIDTH_CLASSES = [(0, "-too-narrow"), (MIN_WIDTH, "-narrow"), (110, "-wide")]
HEIGHT_CLASSES = [(0, "-too-short"), (MIN_HEIGHT, "-tall")]


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallNotice(Static):
    """Asks for a larger terminal, naming its size now; training goes on underneath."""

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._show, init=False)
        self._show()

    def _show(self) -> None:
        width, height = self.app.size
        self.update(tr("notice.too_small", self.app.lang, width=width, height=height))

    def on_resize(self, event: events.Resize) -> None:
        self._show()
