"""The runs table: one row a run, live metrics and status, repainted row by row.

A snapshot arrives several times a second and changes a few numbers in each row. Textual's
DataTable re-renders every cell and repaints the whole table (border included) for any
cell update; over SSH that was most of what the app sent. This table draws its lines
itself (Textual's line API), repaints only rows whose text changed, and writes a row as
few segments, so a snapshot costs one short line a run.

What a row says differs is in the user's words ("act sigmoid, init xavier", "batch norm
on"), and a live change says what changed and when ("lr 0.01→0.1 @800"): read from the
snapshot's data (`RunSnapshot.changed`, `Snapshot.changes`), worded here. The score column
is the test accuracy, or the test R² for a regression.

Columns never scroll out of sight: when the table is narrower than its columns, steps/s
and epoch are left out before "differs" is cut; then "differs" shrinks, then the train and
test losses go, so name, step, test accuracy (or R²) and status always show. Headers,
statuses and what differs are words of the app's language, redrawn when it changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from nn.snapshot import DIVERGED, TRAINING, Change, RunSnapshot, Snapshot
from tui.i18n import tr, value_words
from tui.messages import RunSelected
from tui.theme import run_color

COLUMNS = (  # each is also the catalogue key of its header, under "runs."
    "run",
    "differs",
    "step",
    "epoch",
    "train_loss",
    "test_loss",
    "score",  # test accuracy, or test R² for a regression (its header says which)
    "speed",
    "status",
)
NUMERIC = {"step", "epoch", "train_loss", "test_loss", "score", "speed"}
DIFFERS_WIDTH = 48  # the widest a "differs" cell is shown
DIFFERS_MIN = 10  # ... and the narrowest, before the train loss is left out
SPARE = ("speed", "epoch")  # left out, in this order, before "differs" is cut
LAST = ("train_loss", "test_loss")  # ... and these only when "differs" is as narrow as it goes
SHORT = "differs_short"  # a row's key (not a column) for what differs, said shorter
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


def _latest_changes(changes: Sequence[Change], run: str) -> dict[str, tuple[Any, Any, int]]:
    """The run's last live change of each setting, as (old, new, step), in the order they
    were made; changes of one setting at one step (a burst of keys) are one change, and one
    that ends where it began is none."""
    latest: dict[str, tuple[Any, Any, int]] = {}
    for change in changes:
        if change.run != run:
            continue
        held = latest.pop(change.setting, None)
        old = held[0] if held is not None and held[2] == change.step else change.old
        latest[change.setting] = (old, change.new, change.step)
    return {key: held for key, held in latest.items() if held[0] != held[1]}


def differs(
    run: RunSnapshot, changes: Sequence[Change], base: str, lang: str, short: bool = False
) -> str:
    """What differs from the base run (`base`, the first), then what changed live and when:
    "act sigmoid, init xavier, lr 0.01→0.1 @800" ("lr→0.1 @800" when `short`, for a narrow
    column). A setting the base changed live is not a difference of a run that still has the
    base's first value."""
    live = _latest_changes(changes, run.name)
    base_before: dict[str, Any] = {}
    for change in changes:
        if change.run == base:
            base_before.setdefault(change.setting, change.old)
    parts = [
        f"{tr(f'setting_short.{key}', lang)} {value_words(key, value, lang)}"
        for key, value in run.changed
        if key not in live and not (key in base_before and base_before[key] == value)
    ]
    parts += [
        tr(
            "table.change_short" if short else "table.change",
            lang,
            setting=tr(f"setting_short.{key}", lang),
            old=value_words(key, old, lang),
            new=value_words(key, new, lang),
            step=step,
        )
        for key, (old, new, step) in live.items()
    ]
    if parts:
        return ", ".join(parts)
    return tr("runs.base" if run.name == base else "table.same", lang)


def _fit(text: str, width: int, right: bool = False) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis, or padded on its open side.
    Cells, not characters: a Korean syllable takes two."""
    if cell_len(text) > width:
        text = set_cell_size(text, width - 1) + "…" if width > 0 else ""
    padding = " " * (width - cell_len(text))
    return padding + text if right else text + padding


def score(run: RunSnapshot, regression: bool) -> str:
    """The test accuracy ("92.2%"), or for a regression the test R² ("0.873")."""
    if regression:
        return _number(run.test_r2, ".3f")
    accuracy = _number(100 * run.test_accuracy, ".1f")
    return accuracy + "%" if math.isfinite(run.test_accuracy) else accuracy


def cells(
    run: RunSnapshot,
    playing: bool,
    lang: str,
    show_speed: bool = True,
    *,
    changes: Sequence[Change] = (),
    base: str = "",
    regression: bool = False,
) -> dict[str, str]:
    """The text of every column for one run (`base`: the first run's name)."""
    base = base or run.name
    return {
        "run": run.name,
        "differs": _fit(differs(run, changes, base, lang), DIFFERS_WIDTH).rstrip(),
        SHORT: differs(run, changes, base, lang, short=True),  # for a narrower column
        "step": str(run.step),
        "epoch": _number(run.epoch, ".1f"),
        "train_loss": _number(run.train_loss, ".4f"),
        "test_loss": _number(run.test_loss, ".4f"),
        "score": score(run, regression),
        "speed": _number(run.steps_per_second, ",.0f") if show_speed and run.step else "—",
        "status": status_label(run, playing, lang),
    }


def layout(widths: dict[str, int], available: int) -> dict[str, tuple[int, int]]:
    """(x, width) of each column shown in `available` cells, in column order: the spare
    columns go before "differs" is cut, the losses only after it is cut to its least (and
    what a left-out loss frees goes back to "differs")."""
    widths = dict(widths)
    full = widths["differs"]
    shown = list(COLUMNS)

    def total() -> int:
        return PADDING + sum(widths[key] for key in shown) + GAP * (len(shown) - 1)

    for key in SPARE:
        if total() <= available:
            break
        shown.remove(key)
    overflow = total() - available
    if overflow > 0:
        widths["differs"] = max(min(DIFFERS_MIN, widths["differs"]), widths["differs"] - overflow)
    for key in LAST:
        if total() <= available:
            break
        shown.remove(key)
    # what a left-out loss freed goes back to "differs"; if even that is too wide, "differs"
    # shrinks below its least, so that the status never is cut
    widths["differs"] = max(1, min(full, widths["differs"] + available - total()))
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

    def __init__(self, regression: bool = False, **kwargs) -> None:
        """`regression`: the runs predict numbers, so the score column is the test R²."""
        super().__init__(**kwargs)
        self.regression = regression
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
        if column == "score":
            column = "test_r2" if self.regression else "test_acc"
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
        base = snapshot.names[0] if snapshot.names else ""
        for row, run in enumerate(snapshot.runs):
            new = cells(
                run,
                playing,
                lang,
                self.show_speed,
                changes=snapshot.changes,
                base=base,
                regression=self.regression,
            )
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
            text = texts.get(key, "")
            if key == "differs" and cell_len(text) > cell_width:
                text = texts.get(SHORT, text)  # the changes without their old values
            text = " " * (left - x) + _fit(text, cell_width, right=key in NUMERIC)
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
