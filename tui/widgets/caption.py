"""The caption line: the preset's narration, in the app's language, timed so that it can
be read, and never shown as fact when it is not.

`Narration` is the timing, apart from the widget so that it can be checked alone on a
clock of a test's own. A caption is due from its step once its condition (`when`, in the
claims vocabulary) holds; it replaces the one on screen only when that one has been up
long enough to read: READING_RATE characters a second of the language shown, and at least
MIN_READING seconds. While the caption on screen is still being read, training may not
pass the next caption's step (`barrier`): the screen holds the training process there,
and lets it go once the reading time is over, so a caption never flashes by at a fast
pace. `n` / `N` move through the captions at once (the narration, not the training): a
caption jumped to early is marked "not yet"; one whose condition has stopped holding (the
student changed something) "no longer holds". Either is dimmed.

Where conditions are read: here, in the interface, on each snapshot as it arrives. A
snapshot carries every run's whole history and the configs it was measured with, all a
condition reads; the caption on screen, how long it has been there and the language it is
read in are the interface's, and the training process needs to know none of them: it only
hears at which step to wait (`Hold`). Per-layer statistics come at most 4 times a second,
so a condition that reads them keeps its last verdict through the snapshots without them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from rich.text import Text
from textual.widgets import Static

from nn.config import RunConfig
from nn.snapshot import Snapshot
from presets.claims import condition_holds
from presets.preset import Caption as CaptionEvent
from presets.preset import Preset
from tui.i18n import localized, tr
from tui.keys import key_for

READING_RATE = 15.0  # characters a second
MIN_READING = 4.0  # seconds, however short the caption

FACT, NOT_YET, NO_LONGER = "fact", "not_yet", "no_longer"  # how a caption stands


def now() -> float:
    """The narration's clock, in seconds (tests put one of their own here)."""
    return time.monotonic()


def reading_seconds(text: str) -> float:
    """How long a caption takes to read."""
    return max(MIN_READING, len(text) / READING_RATE)


class Narration:
    """Which caption is on screen, since when, and where training must wait for it.

    `clock` gives seconds (by default `now`, which tests replace). The screen calls
    `observe` with each snapshot (or just the step), `tick` often (it moves the narration
    on when a caption has been read), and asks `barrier` where training must wait."""

    def __init__(
        self, captions: Sequence[CaptionEvent], clock: Callable[[], float] | None = None
    ) -> None:
        self.captions = list(captions)
        self.clock = clock or (lambda: now())
        self.restart()

    def restart(self) -> None:
        """Back to step 0, nothing shown yet: the timeline plays again."""
        self.step = 0
        self.index: int | None = None  # the caption on screen (None: none yet)
        self.since = self.clock()
        self.holding = [caption.when is None for caption in self.captions]  # conditions now
        self.held_once = [False] * len(self.captions)  # was due (and so true) at some time

    @property
    def current(self) -> CaptionEvent | None:
        return None if self.index is None else self.captions[self.index]

    # -- what the runs do -------------------------------------------------------------------

    def observe(
        self,
        step: int,
        snapshot: Snapshot | None = None,
        configs: dict[str, RunConfig] | None = None,
        n_train: int = 0,
    ) -> None:
        """The runs at `step`; with a snapshot (and its configs), the conditions read on
        it. A step before the last one is a reset: the narration starts again."""
        if step < self.step:
            self.restart()
        self.step = step
        if snapshot is not None and configs is not None:
            detailed = any(run.layers for run in snapshot.runs)
            for index, caption in enumerate(self.captions):
                condition = caption.when
                if condition is None:
                    continue
                if not detailed and any(m.needs_layers for m in condition.measures):
                    continue  # a snapshot without per-layer statistics: keep the last verdict
                self.holding[index] = condition_holds(condition, snapshot, configs, n_train)
        for index in range(len(self.captions)):
            if self.due(index):
                self.held_once[index] = True

    def due(self, index: int) -> bool:
        return self.step >= self.captions[index].step and self.holding[index]

    def standing(self, index: int) -> str:
        """FACT, NOT_YET (before its step, or its condition never held) or NO_LONGER."""
        if self.due(index):
            return FACT
        if self.step >= self.captions[index].step and self.held_once[index]:
            return NO_LONGER
        return NOT_YET

    # -- time -------------------------------------------------------------------------------

    def reading_left(self, lang: str) -> float:
        """Seconds the caption on screen still needs to be read, in `lang` (0: none shown)."""
        caption = self.current
        if caption is None:
            return 0.0
        needed = reading_seconds(localized(caption.text, lang))
        return max(0.0, needed - (self.clock() - self.since))

    def tick(self, lang: str) -> bool:
        """Once the caption on screen has been read, show the next one that is due; True
        when the caption on screen changed."""
        if self.reading_left(lang) > 0:
            return False
        start = -1 if self.index is None else self.index
        for index in range(start + 1, len(self.captions)):
            if self.due(index):
                self._show(index)
                return True
        return False

    def barrier(self, lang: str) -> int | None:
        """The step training may not pass yet: the next caption's, while the one on screen
        is still being read (None: no limit)."""
        following = 0 if self.index is None else self.index + 1
        if self.reading_left(lang) <= 0 or following >= len(self.captions):
            return None
        return self.captions[following].step

    # -- the student's keys -----------------------------------------------------------------

    def next(self) -> bool:
        """Show the caption after this one now, due or not; False when there is none."""
        following = 0 if self.index is None else self.index + 1
        if following >= len(self.captions):
            return False
        self._show(following)
        return True

    def previous(self) -> bool:
        """Show the caption before this one again; False when there is none."""
        if self.index is None or self.index == 0:
            return False
        self._show(self.index - 1)
        return True

    def _show(self, index: int) -> None:
        self.index, self.since = index, self.clock()
        self.held_once[index] = self.held_once[index] or self.due(index)


class Caption(Static):
    """The caption on screen (or, before the first, the preset's summary), its place in
    the narration, and how it stands; see the module docstring."""

    DEFAULT_CSS = """
    Caption .-marker { text-style: italic; }
    """

    def __init__(self, preset: Preset, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.preset = preset
        self.narration = Narration(preset.captions)
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self.refresh_text)

    def refresh_text(self) -> None:
        """Draw the caption as the narration stands (redrawn only when it changed)."""
        text = self.render_caption(self.app.lang)
        if text != self._shown:
            self._shown = text
            self.update(text)

    def render_caption(self, lang: str) -> Text:
        narration = self.narration
        caption, index = narration.current, narration.index
        if caption is None or index is None:
            words = localized(self.preset.summary, lang) or tr(
                "caption.config", lang, path=self.preset.path, key=key_for("toggle_play")
            )
            return Text(words)
        standing = narration.standing(index)
        count = len(narration.captions)
        text = Text()
        if count > 1:
            position = tr("narration.position", lang, index=index + 1, count=count)
            text.append(f"{position}  ", style="dim")
        if standing != FACT:
            text.append(f"({tr(f'narration.{standing}', lang)}) ", style="italic")
        text.append(localized(caption.text, lang), style="dim" if standing != FACT else "")
        return text

    @property
    def shown_text(self) -> str:
        """The caption line's words (for tests and screen readers)."""
        return self._shown.plain if self._shown is not None else ""
