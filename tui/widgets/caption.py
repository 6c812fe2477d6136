"""The caption line: the preset's narration for the step the comparison has reached."""

from __future__ import annotations

from textual.widgets import Static

from nn.presets import Preset


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
        text = captions[-1].text(self.lang) if captions else self.preset.summary_in(self.lang)
        if text != self._text:  # called at every snapshot; redraw only when the words change
            self._text = text
            self.update(text)

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.show_step(self.step)
