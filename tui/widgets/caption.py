"""The caption line: the preset's narration for the step the comparison has reached."""

from __future__ import annotations

from textual.widgets import Static

from presets.preset import Preset
from tui.i18n import localized, tr


class Caption(Static):
    """Shows the latest caption due by the current step, in the current language."""

    def __init__(self, preset: Preset, lang: str = "en", **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.preset = preset
        self.lang = lang
        self.step = 0
        self._text: str | None = None

    def on_mount(self) -> None:
        self.show_step(0)

    def show_step(self, step: int) -> None:
        self.step = step
        captions = self.preset.captions_until(step)
        texts = captions[-1].text if captions else self.preset.summary
        text = localized(texts, self.lang) or tr("caption_config", self.lang, path=self.preset.path)
        if text != self._text:  # called at every snapshot; redraw only when the words change
            self._text = text
            self.update(text)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.show_step(self.step)
