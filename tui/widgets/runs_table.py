"""The runs table: one row a run, live metrics and status, repainted row by row.

A snapshot arrives several times a second and changes a few numbers in each row. Textual's
DataTable re-renders every cell and repaints the whole table (border included) for any
cell update; over SSH that was most of what the app sent. This table draws its lines
itself (Textual's line API), repaints only rows whose text changed, and writes a row as
few segments, so a snapshot costs one short line a run.

Columns never scroll out of sight: when the table is narrower than its columns, the
"differs" column shrinks first, then the least needed columns (steps/s, epoch, train
loss) are left out, so name, step, test figures and status always show. Headers, statuses
and what differs are words of the app's language, redrawn when it changes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from nn.snapshot import DIVERGED, TRAINING, RunSnapshot, Snapshot
from tui.i18n import choice, tr
from tui.messages import RunSelected
from tui.theme import run_color

COLUMNS = (  # each is also the catalogue key of its header, under "runs."
    "run",
    "differs",
    "step",
    "epoch",
    "train_loss",
    "test_loss",
    "test_acc",
    "speed",
    "status",
)
NUMERIC = {"step", "epoch", "train_loss", "test_loss", "test_acc", "speed"}
DIFFERS_WIDTH = 18  # the widest a "differs" cell is shown
DIFFERS_MIN = 10  # ... and the narrowest, before whole columns are left out
OPTIONAL = ("speed", "epoch", "train_loss")  # left out first when narrow
GAP = 2  # blank cells between two columns
PADDING = 1  # blank cells left of the first column


def _number(value: float, spec: str) -> str:
    return format(value, spec) if math.isfinite(value) else "—"


def status_label(run: RunSnapshot, playing: bool, lang: str) -> str:
    """The status a student reads: a training run whose trainer is paused says paused."""
    if run.status == DIVERGED:
        return tr("status.diverged", lang, step=run.diverged_step)
    if run.status == TRAINING and not playing:
        return tr("status.paused", lang)
    return tr(f"status.{run.status}", lang)


def differs(run: RunSnapshot, lang: str) -> str:
    """What differs from the first run, e.g. "lr=0.1, dropout=0.2", in the app's words."""
    if not run.changed:
        return tr("runs.base", lang)
    return ", ".join(
        f"{tr(f'setting_short.{key}', lang)}={choice(value, lang)}" for key, value in run.changed
    )


def _fit(text: str, width: int, right: bool = False) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis, or padded on its open side.
    Cells, not characters: a Korean syllable takes two."""
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…" if width > 0 else ""
    padding = " " * (width - cell_len(text))
    return padding + text if right else text + padding


def cells(run: RunSnapshot, playing: bool, lang: str, show_speed: bool = True) -> dict[str, str]:
    """The text of every column for one run."""
    return {
        "run": run.name,
        "differs": _fit(differs(run, lang), DIFFERS_WIDTH).rstrip(),
        "step": str(run.step),
        "epoch": _number(run.epoch, ".1f"),
        "train_loss": _number(run.train_loss, ".4f"),
        "test_loss": _number(run.test_loss, ".4f"),
        "test_acc": _number(100 * run.test_accuracy, ".1f") + "%",
        "speed": _number(run.steps_per_second, ",.0f") if show_speed and run.step else "—",
        "status": status_label(run, playing, lang),
    }


def layout(widths: dict[str, int], available: int) -> dict[str, tuple[int, int]]:
    """(x, width) of each column shown in `available` cells, in column order."""
    widths = dict(widths)
    shown = list(COLUMNS)

    def total() -> int:
        return PADDING + sum(widths[key] for key in shown) + GAP * (len(shown) - 1)

    overflow = total() - available
    if overflow > 0:
        widths["differs"] = max(DIFFERS_MIN, widths["differs"] - overflow)
    for key in OPTIONAL:
        if total() <= available:
            break
        shown.remove(key)
    placed, x = {}, PADDING
    for key in shown:
        placed[key] = (x, widths[key])
        x += widths[key] + GAP
    return placed


class RunsTable(ScrollView, can_focus=True):
    """A table of runs; moving the cursor selects the run the form and charts follow."""

    DEFAULT_CSS = Path(__file__).with_name("runs_table.tcss").read_text(encoding="utf-8")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Previous run", show=False),
        Binding("down", "cursor(1)", "Next run", show=False),
        Binding("home", "cursor_to(0)", "First run", show=False),
        Binding("end", "cursor_to(-1)", "Last run", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"runs-table--header", "runs-table--cursor"}

    show_speed: ClassVar[bool] = True  # off in snapshot tests: steps/s depends on the machine
    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.names: tuple[str, ...] = ()
        self._shown: tuple[Snapshot, bool] | None = None  # the last snapshot, and playing
        self._cells: dict[str, dict[str, str]] = {}
        self._widths: dict[str, int] = {}
        self._layout: dict[str, tuple[int, int]] = {}
        self._layout_key: tuple | None = None
        self._lines: dict[tuple[str, bool], Strip] = {}  # (run, under cursor) → its line
        self._announced: str | None = None  # the run last posted as selected

    # -- what the rest of the app reads ----------------------------------------------------

    @property
    def selected(self) -> str | None:
        if not self.names:
            return None
        return self.names[min(self.cursor_row, len(self.names) - 1)]

    @property
    def row_count(self) -> int:
        return len(self.names)

    def get_cell(self, run: str, column: str) -> str:
        """The text shown in a cell."""
        return self._cells[run][column]

    def column_label(self, column: str) -> str:
        return tr(f"runs.{column}", self.app.lang)

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._show_lang, init=False)

    def _show_lang(self) -> None:
        """Headers and words in the new language; columns fit them anew."""
        self._widths, self._cells = {}, {name: {} for name in self.names}
        self._lines.clear()
        if self._shown is not None:
            self.show(*self._shown)
        self.refresh()

    # -- keeping up with the trainer -------------------------------------------------------

    def show(self, snapshot: Snapshot, playing: bool) -> None:
        """Bring the rows in line with the snapshot, repainting only rows that changed."""
        self._shown = (snapshot, playing)
        if snapshot.names != self.names:
            self._set_rows(snapshot)
        changed = set()
        lang = self.app.lang
        for row, run in enumerate(snapshot.runs):
            new = cells(run, playing, lang, self.show_speed)
            if new != self._cells.get(run.name):
                self._cells[run.name] = new
                changed.add(row)
        if self._grow_widths():
            self.refresh()
        else:
            self._refresh_rows(changed)

    def _set_rows(self, snapshot: Snapshot) -> None:
        selected = self.selected
        self.names = snapshot.names
        self._cells = {name: self._cells.get(name, {}) for name in self.names}
        self._widths = {}
        self._lines.clear()
        self.virtual_size = Size(0, len(self.names) + 1)
        self.refresh(layout=True)
        self.cursor_row = self.names.index(selected) if selected in self.names else 0

    def _grow_widths(self) -> bool:
        """Widen columns to what they hold; True when one grew (widths never shrink while
        the rows stay, so numbers that change length do not make the table jump)."""
        grew = False
        for key in COLUMNS:
            texts = [self._cells[name].get(key, "") for name in self.names]
            width = max([cell_len(self.column_label(key)), *map(cell_len, texts)])
            if width > self._widths.get(key, 0):
                self._widths[key] = width
                grew = True
        return grew

    @property
    def _width(self) -> int:
        """Cells a line has: the widget's width less a vertical scrollbar's."""
        return self.scrollable_content_region.width

    def _columns(self) -> dict[str, tuple[int, int]]:
        """(x, width) of each column shown; kept lines are dropped when these move."""
        key = (tuple(self._widths.values()), self._width)
        if key != self._layout_key:
            self._layout_key = key
            self._layout = layout(self._widths, self._width) if self._widths else {}
            self._lines.clear()
        return self._layout

    def _refresh_rows(self, rows: set[int]) -> None:
        """Repaint these rows. Whole rows, not cells: Textual writes every update of a line
        from the widget's left edge anyway, so one update a row is the fewest bytes."""
        for row in sorted(rows):
            self._refresh_row(row)

    def _refresh_row(self, row: int) -> None:
        if 0 <= row < len(self.names):
            self._forget_line(self.names[row])
            y = row + 1 - self.scroll_offset.y
            if 1 <= y < self.size.height:
                self.refresh(Region(0, y, self._width, 1))

    def _forget_line(self, name: str) -> None:
        self._lines.pop((name, False), None)
        self._lines.pop((name, True), None)

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self._width
        self._columns()  # first: a new layout (wider column, resize) drops the kept lines
        if y == 0:
            return self._header(width)
        row = y - 1 + self.scroll_offset.y
        if row >= len(self.names):
            return Strip.blank(width, self.rich_style)
        name = self.names[row]
        key = (name, row == self.cursor_row)
        if key not in self._lines:
            self._lines[key] = self._row_line(row, name, width)
        return self._lines[key]

    def _header(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("runs-table--header")
        texts = {key: self.column_label(key) for key in COLUMNS}
        return self._line(texts, width, style, {})

    def _row_line(self, row: int, name: str, width: int) -> Strip:
        style = self.rich_style
        if row == self.cursor_row:
            style += self.get_component_rich_style("runs-table--cursor")
        name_style = Style(bold=True, color=run_color(row))
        return self._line(self._cells.get(name, {}), width, style, {"run": name_style})

    def _line(
        self, texts: dict[str, str], width: int, style: Style, styles: dict[str, Style]
    ) -> Strip:
        """One line of cells; cells of one style make one segment (fewer bytes to send)."""
        segments, run, x = [], "", 0
        for key, (left, cell_width) in self._columns().items():
            text = " " * (left - x) + _fit(texts.get(key, ""), cell_width, right=key in NUMERIC)
            if key in styles:
                segments += [Segment(run, style), Segment(text, style + styles[key])]
                run = ""
            else:
                run += text
            x = left + cell_width
        segments.append(Segment(run + " " * max(0, width - x), style))
        return Strip([segment for segment in segments if segment.text]).crop(0, width)

    def watch_cursor_row(self, old: int, new: int) -> None:
        if not self.names:
            return
        if not 0 <= new < len(self.names):
            self.cursor_row = max(0, min(new, len(self.names) - 1))
            return
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_row(new)
        if self.names[new] != self._announced:  # the same run in a new row is no news
            self._announced = self.names[new]
            self.post_message(RunSelected(self._announced))

    def _scroll_to_row(self, row: int) -> None:
        visible = max(1, self.size.height - 1)  # the header stays put
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False)

    def on_focus(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self.on_focus()

    # -- the user ---------------------------------------------------------------------------

    def select(self, name: str) -> None:
        if name in self.names:
            self.cursor_row = self.names.index(name)

    def action_cursor(self, delta: int) -> None:
        if self.names:
            self.cursor_row = max(0, min(self.cursor_row + delta, len(self.names) - 1))

    def action_cursor_to(self, row: int) -> None:
        if self.names:
            self.cursor_row = row % len(self.names)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.cursor_row = offset.y - 1 + self.scroll_offset.y
