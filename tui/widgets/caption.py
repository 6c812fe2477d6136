"""The caption line: the preset's narration for the step the comparison has reached, in the
app's language."""

from __future__ import annotations

from textual.widgets import Static

from presets.preset import Preset
from tui.i18n import localized, tr
from tui.keys import key_for


class Caption(Static):
    """Shows the latest caption due by the current step, in the current language."""

    def __init__(self, preset: Preset, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.preset = preset
        self.step = 0
        self._text: str | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda: self.show_step(self.step))

    def show_step(self, step: int) -> None:
        self.step = step
        lang = self.app.lang
        captions = self.preset.captions_until(step)
        texts = captions[-1].text if captions else self.preset.summary
        text = localized(texts, lang) or tr(
            "caption.config", lang, path=self.preset.path, key=key_for("toggle_play")
        )
        if text != self._text:  # called at every snapshot; redraw only when the words change
            self._text = text
            self.update(text)
