"""The runs table: one row a run, live metrics and status, updated cell by cell.

Rows are keyed by run name and cells are only rewritten when their text changes, so a
20 Hz stream of snapshots costs a few cell updates, not a rebuild.
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

from nn.snapshot import DIVERGED, TRAINING, RunSnapshot, Snapshot
from tui.i18n import tr
from tui.messages import RunSelected
from tui.theme import run_color

COLUMNS = (
    "col_run",
    "col_differs",
    "col_step",
    "col_epoch",
    "col_train_loss",
    "col_test_loss",
    "col_test_acc",
    "col_speed",
    "col_status",
)
NUMERIC = {"col_step", "col_epoch", "col_train_loss", "col_test_loss", "col_test_acc", "col_speed"}
DIFFERS_WIDTH = 18


def _number(value: float, spec: str) -> str:
    return format(value, spec) if math.isfinite(value) else "—"


def status_label(run: RunSnapshot, playing: bool, lang: str) -> str:
    """The status a student reads: a training run whose trainer is paused says paused."""
    if run.status == DIVERGED:
        return tr("diverged", lang, step=run.diverged_step)
    if run.status == TRAINING and not playing:
        return tr("paused", lang)
    return tr(run.status, lang)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cells(run: RunSnapshot, playing: bool, lang: str, show_speed: bool = True) -> dict[str, str]:
    """The text of each column for one run (the name cell is styled separately)."""
    differs = tr("base", lang) if run.differences == "base" else run.differences
    return {
        "col_differs": _short(differs, DIFFERS_WIDTH),
        "col_step": str(run.step),
        "col_epoch": _number(run.epoch, ".1f"),
        "col_train_loss": _number(run.train_loss, ".4f"),
        "col_test_loss": _number(run.test_loss, ".4f"),
        "col_test_acc": _number(100 * run.test_accuracy, ".1f") + "%",
        "col_speed": _number(run.steps_per_second, ",.0f") if show_speed and run.step else "—",
        "col_status": status_label(run, playing, lang),
    }


class RunsTable(DataTable):
    """A DataTable of runs; moving the cursor selects the run the form and charts follow."""

    show_speed: ClassVar[bool] = True  # off in snapshot tests: steps/s depends on the machine

    def __init__(self, lang: str = "en", **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.lang = lang
        self._shown: dict[tuple[str, str], str] = {}
        self._names: tuple[str, ...] = ()

    def on_mount(self) -> None:
        for key in COLUMNS:
            self.add_column(self._label(key), key=key)

    def _label(self, key: str) -> Text:
        return Text(tr(key, self.lang), justify="right" if key in NUMERIC else "left")

    @property
    def selected(self) -> str | None:
        if not self._names:
            return None
        return self._names[min(self.cursor_row, len(self._names) - 1)]

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        for key in COLUMNS:
            self.columns[key].label = self._label(key)  # type: ignore[index]
        self._shown.clear()  # statuses are words too
        self.refresh()

    def show(self, snapshot: Snapshot, playing: bool) -> None:
        """Bring the rows in line with the snapshot, touching only what changed."""
        names = snapshot.names
        if names != self._names:
            self._sync_rows(names)
        for run in snapshot.runs:
            for column, text in cells(run, playing, self.lang, self.show_speed).items():
                if self._shown.get((run.name, column)) != text:
                    self._shown[(run.name, column)] = text
                    value = Text(text, justify="right") if column in NUMERIC else text
                    self.update_cell(run.name, column, value, update_width=True)

    def _sync_rows(self, names: tuple[str, ...]) -> None:
        selected = self.selected
        for name in self._names:
            if name not in names:
                self.remove_row(name)
                self._shown = {k: v for k, v in self._shown.items() if k[0] != name}
        for name in names:
            if name not in self._names:
                self.add_row(*([""] * len(COLUMNS)), key=name)
        self._names = names
        for index, name in enumerate(names):  # colours follow positions, as in the charts
            self.update_cell(
                name, "col_run", Text(name, style=f"bold {run_color(index)}"), update_width=True
            )
        if selected in names:
            self.move_cursor(row=names.index(selected))

    def select(self, name: str) -> None:
        if name in self._names:
            self.move_cursor(row=self._names.index(name))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(RunSelected(event.row_key.value))
