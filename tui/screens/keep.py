"""Dialogs that keep what the student did: a path to save or export to, and the run history.

`PathDialog` asks for a file's path (with a sensible one filled in) and hands it to the
caller's `write`, which writes the file or raises a `WriteError` saying why not: the
message is shown under the field, in the app's language, and the dialog stays open so that
the student can fix the path. `HistoryScreen` lists the runs of earlier sessions (this
scenario's or all of them, read off the UI thread) and pins any of them, faded, on the Loss
and Accuracy charts beside today's runs; Enter pins or unpins one, `x` unpins them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from tui.export import WriteError
from tui.history import HistoryError, HistoryStore, Record, default_path
from tui.i18n import explain, tr
from tui.keys import DIALOG_BINDINGS
from tui.screens.steady import SteadyResize

HISTORY_ROWS = 500  # the newest runs listed


class PathDialog(SteadyResize, ModalScreen[str | None]):
    """A file's path, typed: Enter calls `write(path)`; Esc cancels. The dialog closes with
    the path written, or stays open with the reason it could not be."""

    CSS_PATH = "keep.tcss"
    BINDINGS = [Binding("escape", "cancel", "", show=False), *DIALOG_BINDINGS]

    def __init__(self, texts: str, path: str, write: Callable[[str], str]) -> None:
        """`texts`: the catalogue table of the title and hint ("keep.save"); `path`: the
        path filled in; `write`: writes the file, returns the path written (WriteError)."""
        super().__init__()
        self.texts, self.path, self.write = texts, path, write
        self.error: WriteError | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="path-dialog"):
            yield Static(id="path-title")
            yield Input(self.path, id="path-input")
            yield Static(id="path-error")
            yield Static(id="path-hint")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._show_lang)
        self.query_one(Input).focus()

    def _show_lang(self) -> None:
        lang = self.app.lang
        title = Content.styled(tr(f"{self.texts}.title", lang), "bold")
        self.query_one("#path-title", Static).update(title)
        self.query_one("#path-hint", Static).update(tr(f"{self.texts}.hint", lang))
        error = explain(self.error, lang) if self.error is not None else ""
        self.query_one("#path-error", Static).update(error)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            written = self.write(event.value)
        except WriteError as error:
            self.error = error
            event.input.add_class("-bad-value")
            self._show_lang()
            return
        self.dismiss(written)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.input.remove_class("-bad-value")

    def action_cancel(self) -> None:
        self.dismiss(None)


class HistoryScreen(SteadyResize, ModalScreen[None]):
    """The run history: past runs newest first; Enter pins or unpins the highlighted one."""

    CSS_PATH = "keep.tcss"
    BINDINGS = [
        Binding("escape,h", "close", "", show=False),
        Binding("a", "scope", "", show=False),
        Binding("x", "unpin_all", "", show=False),
        *DIALOG_BINDINGS,
    ]

    def __init__(
        self,
        scenario: str,
        title: str,
        pinned: Callable[[], set[int]],
        toggle: Callable[[int], None],
        clear: Callable[[], None],
    ) -> None:
        """`scenario` and `title`: the preset open now (its runs are listed first: "this
        scenario"); `pinned` says which runs are pinned, `toggle` pins or unpins one (by its
        id in the history), `clear` unpins all (the main screen keeps the pins)."""
        super().__init__()
        self.scenario, self.title = scenario, title
        self.pinned, self.toggle, self.clear = pinned, toggle, clear
        self.everything = False  # all scenarios, or this one
        self.records: list[Record] = []
        self.problem = ""
        self.loaded = False
        self._asked = 0  # which reading is the latest (the scope may change meanwhile)

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            yield Static(id="history-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="history-note")
            yield Static(id="history-hint")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._show)
        self.query_one(DataTable).focus()
        self._load()

    def _load(self) -> None:
        self._asked += 1
        self._read(self._asked, None if self.everything else self.scenario)

    @work(thread=True, group="history")
    def _read(self, asked: int, scenario: str | None) -> None:
        """In a thread: the newest runs, of `scenario` or of all (the database may be
        large, or locked a moment by another window)."""
        try:
            store = HistoryStore.read(default_path())
            if store is None:
                records = []
            else:
                with store:
                    records = store.runs(preset=scenario, last=HISTORY_ROWS)
            problem = ""
        except (HistoryError, OSError) as error:  # the history itself is never changed here
            records, problem = [], str(error)
        self.app.call_from_thread(self._loaded, asked, records, problem)

    def _loaded(self, asked: int, records: list[Record], problem: str) -> None:
        if asked != self._asked or not self.is_mounted:
            return  # a later reading is on its way, or the dialog has closed
        self.records, self.problem, self.loaded = records, problem, True
        self._show()

    def _show(self) -> None:
        lang = self.app.lang
        scope = tr("keep.history.all" if self.everything else "keep.history.this", lang)
        other = tr("keep.history.this" if self.everything else "keep.history.all", lang)
        heading = f"{tr('keep.history.title', lang)} · {scope}"
        if not self.everything:
            heading += f": {self.title}"
        self.query_one("#history-title", Static).update(Content.styled(heading, "bold"))
        hint = tr("keep.history.hint", lang, scope="a", other=other, clear="x")
        self.query_one("#history-hint", Static).update(hint)
        self._fill()

    def _fill(self) -> None:
        lang = self.app.lang
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        for key in ("", "when", "scenario", "run", "ended", "steps", "score"):
            table.add_column(tr(f"keep.history.{key}", lang) if key else "", key=key or "pin")
        pinned = self.pinned()
        for record in self.records:
            table.add_row(
                "●" if record.id in pinned else " ",
                _when(record.when),
                record.preset,
                record.run,
                _ended(record, lang),
                f"{record.ended_step:,}",
                _score(record),
                key=str(record.id),
            )
        if self.records:
            table.move_cursor(row=min(row, len(self.records) - 1))
        note = ""
        if not self.loaded:
            note = tr("keep.history.loading", lang)
        elif self.problem:
            note = tr("keep.history_problem", lang, error=self.problem)
        elif not self.records:
            note = tr("keep.history.empty", lang)
        elif pinned:
            note = tr("keep.history.pinned", lang, count=len(pinned))
        self.query_one("#history-note", Static).update(note)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.toggle(int(event.row_key.value))

    def refresh_pins(self) -> None:
        """The pins changed (a pinned run's curves arrived, say): show them."""
        if self.is_mounted:
            self._fill()

    def action_scope(self) -> None:
        self.everything = not self.everything
        self.loaded = False
        self._show()
        self._load()

    def action_unpin_all(self) -> None:
        self.clear()
        self._fill()

    def action_close(self) -> None:
        self.dismiss(None)


def _when(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def _ended(record: Record, lang: str) -> str:
    return tr(f"keep.history.{record.status}", lang)


def _score(record: Record) -> str:
    """Test accuracy, or R² for a regression."""
    if record.regression:
        value = record.metrics.get("test_r2", math.nan)
        return "—" if math.isnan(value) else f"R² {value:.3f}"
    value = record.metrics.get("test_accuracy", math.nan)
    return "—" if math.isnan(value) else f"{value:.1%}"
