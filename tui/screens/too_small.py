"""Shown over the app while the terminal is smaller than the app can use (80×24), in the
app's language."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tui.i18n import tr

MIN_WIDTH, MIN_HEIGHT = 80, 24


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


class TooSmallScreen(Screen):
    """A notice to enlarge the terminal; training goes on underneath."""

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="notice")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._show, init=False)

    def _text(self) -> str:
        width, height = self.app.size
        return tr("notice.too_small", self.app.lang, width=width, height=height)

    def _show(self) -> None:
        self.query_one("#notice", Static).update(self._text())

    def on_resize(self, event: events.Resize) -> None:
        self._show()
