"""Shown over the app while the terminal is smaller than the app can use (80×24)."""

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

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield Static(self._text(), id="notice")

    def _text(self) -> str:
        width, height = self.app.size
        return tr("too_small", self.lang, width=width, height=height)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#notice", Static).update(self._text())
