"""The preset picker: the lecture's scenarios, one line of title and section, one of summary.

A modal over the lab. Enter (or a click) dismisses it with the chosen preset, and the app
opens that scenario in place of the current one; Escape dismisses it with None. Below the
list, a student can type the path of a preset or config file of their own; a file that does
not load, or whose data does not, is reported (file, key or line, what was expected, in the
app's language) and the picker stays open. A shipped preset that does not load is reported
the same way, and the others are listed. The picker follows the app's language.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from nn.data import DataError, Dataset
from presets.loader import PresetError, load_scenario, load_shipped
from presets.preset import Preset
from tui.i18n import explain, localized, located, tr
from tui.keys import DIALOG_BINDINGS
from tui.screens.steady import SteadyResize


def preset_option(preset: Preset, lang: str, current: bool) -> Option:
    """Two lines: title · section (· current), then the one-line summary, indented."""
    mark = f"  · {tr('picker.current', lang)}" if current else ""
    prompt = Content.assemble(
        (localized(preset.title, lang), "bold"),
        ("  " + localized(preset.section, lang) if preset.section else "", "italic"),
        (mark, "bold"),
        "\n  ",
        (localized(preset.summary, lang), "dim"),
    )
    return Option(prompt, id=preset.name)


class PresetPicker(SteadyResize, ModalScreen[tuple[Preset, Dataset | None] | None]):
    """Lists the shipped presets in lecture order; dismisses with the chosen scenario and
    its user data (None for shipped data), or None."""

    CSS_PATH = "preset_picker.tcss"
    BINDINGS = [Binding("escape", "cancel", "", show=False), *DIALOG_BINDINGS]

    def __init__(self, current: str = "") -> None:
        super().__init__()
        self.current = current
        self.presets, self.problems = load_shipped()

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(id="picker-dialog"):
            yield Static(Content.styled(tr("picker.title", lang), "bold"), id="picker-title")
            yield OptionList(*self._options(lang), id="picker-list")
            yield Input(placeholder=tr("picker.file", lang), id="picker-file")
            yield Static(tr("picker.hint", lang), id="picker-hint")

    def _options(self, lang: str) -> list[Option]:
        return [preset_option(p, lang, p.name == self.current) for p in self.presets]

    def on_mount(self) -> None:
        names = [preset.name for preset in self.presets]
        self.watch(self.app, "lang", self._show_lang, init=False)
        options = self.query_one(OptionList)
        options.highlighted = names.index(self.current) if self.current in names else 0
        options.focus()
        lang = self.app.lang
        for problem in self.problems:
            self.notify(explain(problem, lang), severity="error", timeout=15)

    def _show_lang(self) -> None:
        """Every word in the app's language; the highlighted preset stays."""
        lang = self.app.lang
        self.query_one("#picker-title", Static).update(
            Content.styled(tr("picker.title", lang), "bold")
        )
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.set_options(self._options(lang))
        options.highlighted = highlighted
        self.query_one(Input).placeholder = tr("picker.file", lang)
        self.query_one("#picker-hint", Static).update(tr("picker.hint", lang))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Open the student's own file, if it loads; if not, say why and let them fix it."""
        event.stop()
        path = event.value.strip()
        if not path:
            return
        try:
            preset = load_scenario(path)
            dataset = preset.user_dataset()  # a bad CSV is found here, not after the switch
        except (PresetError, DataError) as error:
            event.input.add_class("-bad-value")
            self.notify(located(error, path, self.app.lang), severity="error", timeout=15)
            return
        self.dismiss((preset, dataset))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.input.remove_class("-bad-value")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next(preset for preset in self.presets if preset.name == event.option.id)
        self.dismiss((chosen, None))

    def action_cancel(self) -> None:
        self.dismiss(None)
