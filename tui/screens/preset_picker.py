"""The preset picker: the lecture's scenarios, one line of title and section, one of summary.

A modal over the lab. Enter (or a click) dismisses it with the chosen preset, and the app
opens that scenario in place of the current one; Escape dismisses it with None. Below the
list, a student can type the path of a preset or config file of their own (a session saved
with ctrl+s is one); a file that does not load, or whose data does not, is reported (file,
key or line, what was expected, in the app's language) and the picker stays open. Files are
read off the UI thread: a large one never freezes the app. A shipped preset that does not
load is reported the same way, and the others are listed. When an earlier session can be
brought back (tui/session.py), it heads the list. The picker follows the app's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from nn.config import ConfigError
from nn.data import DataError, Dataset
from presets.loader import PresetError, load_scenario, load_shipped
from presets.preset import Preset
from tui.i18n import explain, localized, located, tr
from tui.keys import DIALOG_BINDINGS
from tui.screens.main import check_stage
from tui.screens.steady import SteadyResize
from tui.session import Session, SessionError, SessionStore

RESUME = "resume-session"  # the option that brings the last session back


@dataclass(frozen=True)
class Opened:
    """What the picker chose: a scenario, its user data (None for shipped data), and the
    session it brings back (None: start afresh)."""

    preset: Preset
    dataset: Dataset | None = None
    session: Session | None = None


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


class PresetPicker(SteadyResize, ModalScreen[Opened | None]):
    """Lists the shipped presets in lecture order; dismisses with what was chosen (`Opened`)
    or None."""

    CSS_PATH = "preset_picker.tcss"
    BINDINGS = [Binding("escape", "cancel", "", show=False), *DIALOG_BINDINGS]

    def __init__(self, current: str = "") -> None:
        super().__init__()
        self.current = current
        self.presets, self.problems = load_shipped()
        self.last: tuple[Session, Preset] | None = None  # a session to bring back
        self.reading = ""  # the file being read, if any

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with Vertical(id="picker-dialog"):
            yield Static(Content.styled(tr("picker.title", lang), "bold"), id="picker-title")
            yield OptionList(*self._options(lang), id="picker-list")
            yield Input(placeholder=tr("picker.file", lang), id="picker-file")
            yield Static(tr("picker.hint", lang), id="picker-hint")

    def _options(self, lang: str) -> list[Option]:
        options = [preset_option(p, lang, p.name == self.current) for p in self.presets]
        if self.last is not None:
            options.insert(0, self._resume_option(lang))
        return options

    def _resume_option(self, lang: str) -> Option:
        session, preset = self.last  # type: ignore[misc]
        try:
            when = datetime.fromisoformat(session.saved).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            when = session.saved
        title = localized(preset.title, lang) or preset.name
        prompt = tr("keep.picker.resume", lang, title=title, step=session.step, when=when)
        return Option(Content.styled(prompt, "bold"), id=RESUME)

    def on_mount(self) -> None:
        names = [preset.name for preset in self.presets]
        self.watch(self.app, "lang", self._show_lang, init=False)
        options = self.query_one(OptionList)
        options.highlighted = names.index(self.current) if self.current in names else 0
        options.focus()
        lang = self.app.lang
        for problem in self.problems:
            self.notify(explain(problem, lang), severity="error", timeout=15)
        self._find_last_session()

    @work(thread=True, group="last-session")
    def _find_last_session(self) -> None:
        """In a thread: the last session that is not open (this one, or in another window),
        and its scenario; files that cannot be read are set aside, and said."""
        store = SessionStore()
        session = store.latest()
        found = None
        if session is not None:
            try:
                found = (session, session.scenario.preset())
            except PresetError:
                found = None  # its scenario no longer loads here: nothing to offer
        self.app.call_from_thread(self._found_last_session, found, store.notices)

    def _found_last_session(
        self, found: tuple[Session, Preset] | None, problems: list[SessionError]
    ) -> None:
        if not self.is_mounted:
            return
        lang = self.app.lang
        for problem in problems:
            aside = problem.params.get("aside", "")
            text = tr("keep.set_aside", lang, error=explain(problem, lang), aside=aside)
            self.notify(text, severity="warning", timeout=15)
        if found is None:
            return
        self.last = found
        options = self.query_one(OptionList)
        highlighted = options.highlighted or 0
        options.set_options(self._options(lang))
        options.highlighted = highlighted + 1  # the same preset as before, one line lower

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
        """Open the student's own file, if it loads; if not, say why and let them fix it.
        It is read in a thread: a file of 50 MB must not freeze the app meanwhile."""
        event.stop()
        path = event.value.strip()
        if not path or self.reading:
            return
        self.reading = path
        self.query_one("#picker-hint", Static).update(
            tr("keep.picker.loading", self.app.lang, path=path)
        )
        self._read_file(path)

    @work(thread=True, group="file")
    def _read_file(self, path: str) -> None:
        try:
            preset = load_scenario(path)
            check_stage(preset)  # a view of a tab the app lacks
            dataset = preset.user_dataset()  # a bad CSV is found here, not after the switch
        except Exception as error:  # bad input, said; or a bug of ours, said too: no crash
            self.app.call_from_thread(self._file_read, path, None, error)
            return
        self.app.call_from_thread(self._file_read, path, Opened(preset, dataset), None)

    def _file_read(self, path: str, opened: Opened | None, error: Exception | None) -> None:
        if not self.is_mounted or path != self.reading:
            return  # the picker closed meanwhile
        self.reading = ""
        self.query_one("#picker-hint", Static).update(tr("picker.hint", self.app.lang))
        if opened is not None:
            self.dismiss(opened)
            return
        assert error is not None
        self.query_one("#picker-file", Input).add_class("-bad-value")
        lang = self.app.lang
        if isinstance(error, PresetError | DataError | ConfigError):
            text = located(error, path, lang)
        else:
            text = tr(
                "keep.picker.failed", lang, path=path, error=f"{type(error).__name__}: {error}"
            )
        self.notify(text, severity="error", timeout=15)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.input.remove_class("-bad-value")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == RESUME and self.last is not None:
            session, preset = self.last
            if not self.reading:
                self.reading = session.scenario.where
                self._open_session(session, preset)
            return
        chosen = next(preset for preset in self.presets if preset.name == event.option.id)
        self.dismiss(Opened(chosen))

    @work(thread=True, group="file")
    def _open_session(self, session: Session, preset: Preset) -> None:
        """The session's own data files are read before anything stops, as a file's are."""
        where = session.scenario.where
        try:
            dataset = preset.user_dataset()
        except Exception as error:  # as a file's: said, no crash
            self.app.call_from_thread(self._file_read, where, None, error)
            return
        self.app.call_from_thread(self._file_read, where, Opened(preset, dataset, session), None)

    def action_cancel(self) -> None:
        self.dismiss(None)
