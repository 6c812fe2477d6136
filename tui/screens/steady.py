"""Screens that lay out for the terminal's size as it is now, never for a size it had.

Why (the resize wedge): a Textual screen that lays itself out for a new size posts a Resize
of that size to itself, and one below the top screen is also laid out by the top screen's
own resize. When the terminal is resized fast (30 times in 3 s, as a window manager or a
dropping SSH link does) on a busy machine, such a screen could hold two Resize events of
different sizes at once, kept apart in its queue by the compositor refreshes each layout
schedules (so that Textual never merges them). Each one laid the screen out again for its
size, which made it post itself that size again: the two sizes took turns for ever, and
since the screen's queue never emptied, its task never yielded to the event loop. Nothing
else ran: no redraw, and `q` was ignored until the process was killed (tests/test_bad_input
and tests/ui/test_resize.py reproduce it).

A Resize whose size is not the terminal's any more is stale: the App sends the latest size
after every change, so skipping the stale one loses nothing, and with it goes the other half
of the ping-pong. Every screen of the app takes this guard, the one under the main screen
too (`SteadyScreen`, the app's default screen).
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class SteadyResize:
    """Mixin for a Screen (put it first among the bases): stale Resize events are dropped
    before Textual's own handler lays the screen out for them."""

    def on_resize(self, event: events.Resize) -> None:
        app = self.app  # type: ignore[attr-defined]
        if event.size != app.size:
            event.prevent_default()  # Screen's own handler comes later in the MRO: skipped
            event.stop()


class SteadyScreen(SteadyResize, Screen):
    """The app's default screen (the one under every other): empty, and steady."""
