"""Loss over time, train and test, one colour per run: the chart students watch most.

The curves can be drawn over steps, epochs, samples seen or seconds of training (`x_axis`):
gradient descent's 20 updates and SGD's 1240 look alike over samples seen, and SGD is far
ahead over seconds. Runs of earlier sessions can be pinned beside today's, faded.

A diverged run is marked ✕ where it diverged and is kept out of the y range, so one
run gone to 1e15 does not flatten the others. The y axis turns logarithmic by itself when
the values drawn span more than two decades (`l` decides instead, either way). Past eight
runs, or when the student asks (`m`), the runs are drawn as small multiples instead of on
top of each other: one cell per pair of runs that differ in one setting (multiples.py).
Live changes are marked where they happened, named (`lr×2`) and in their run's colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.text import Text

from nn import Snapshot
from nn.snapshot import DIVERGED, Change, History, RunSnapshot
from tui.i18n import tr
from tui.theme import RUN_COLORS, run_color
from tui.widgets.multiples import Panel, Scale, grid, pair_cells, shared_scale
from tui.widgets.plot import (
    LINE_MARKER,
    Axes,
    Mark,
    Series,
    SnapshotChart,
    figure,
    legend,
    legend_sample,
    run_style,
    short_number,
    stacked,
    steady_end,
    steady_limits,
    thin_steps,
    time_ticks,
)

TEST_MARKER = "·"  # test curves are dotted, train curves solid
PINNED_COLOR = "bright_black"  # runs of earlier sessions: faded beside today's
ALL_RUNS_COLOR = "bright_white"  # a change made to every run at once
# What the x axis can count, and the history column that holds it (presets.preset.X_AXES).
X_COLUMNS = {"steps": "step", "epochs": "epoch", "samples": "samples_seen", "seconds": "seconds"}
X_AXES = tuple(X_COLUMNS)
LOG_DECADES = 2  # values spanning more decades than this get a log axis by themselves
GRID_PAST = len(RUN_COLORS)  # more runs than colours: small multiples by themselves


@dataclass(frozen=True)
class Pinned:
    """A run of an earlier session, drawn faded beside today's runs (the run history)."""

    label: str
    history: History


class TimeChart(SnapshotChart):
    """A chart of the runs' histories over time: steps, epochs, samples seen or seconds."""

    x_axis = "steps"  # a key of X_COLUMNS

    def set_x_axis(self, x_axis: str) -> None:
        if x_axis not in X_COLUMNS:
            raise ValueError(f"x axis must be one of {', '.join(X_COLUMNS)}, got {x_axis!r}")
        self.x_axis = x_axis
        self.invalidate()

    def xs(self, history: History) -> np.ndarray:
        """The history's x values on the chosen axis."""
        return np.asarray(getattr(history, X_COLUMNS[self.x_axis]), dtype=float)

    def xlabel(self) -> str:
        return tr(f"views.axis_{self.x_axis}", self.lang)

    def end(self, snapshot: Snapshot) -> float:
        """Where the x axis ends: a steady number at or past the furthest run."""
        last = [float(self.xs(run.history)[-1]) for run in snapshot.runs if len(run.history.step)]
        return steady_end(max(last, default=1.0))

    def _x_at(self, history: History, step: int) -> float:
        """Step `step` of a run on the chosen x axis."""
        if self.x_axis == "steps" or len(history.step) < 2:
            return float(step)
        return float(np.interp(step, history.step, self.xs(history)))

    def diverged_at(self, run: RunSnapshot) -> float | None:
        """Where a diverged run diverged, on the chosen x axis (None: it did not)."""
        if run.status != DIVERGED or run.diverged_step is None:
            return None
        return self._x_at(run.history, run.diverged_step)


class CurvesChart(TimeChart):
    """Train (solid) and test (dotted) curves of one metric from every run's history."""

    TRAIN = ""  # the History fields drawn (no TEST: one curve a run)
    TEST = ""
    UNIT = "views.unit_loss"  # catalogue key of the y axis's name
    CAN_LOG = False  # whether a log y axis makes sense for the metric
    log_y: bool | None = None  # None: log when the values span more than LOG_DECADES
    layout: str | None = None  # "overlay" or "grid"; None: a grid past GRID_PAST runs
    pinned: Sequence[Pinned] = ()

    def set_pinned(self, pinned: Sequence[Pinned]) -> None:
        self.pinned = tuple(pinned)
        self.invalidate()

    def set_log_scale(self, log_y: bool | None) -> None:
        """A log y axis (True), a linear one (False), or the one the values call for (None)."""
        self.log_y = log_y
        self.invalidate()

    def toggle_log_scale(self) -> None:
        """The other scale than the one on show."""
        self.set_log_scale(not self.shows_log())

    def set_layout(self, layout: str | None) -> None:
        if layout not in ("overlay", "grid", None):
            raise ValueError(f"layout must be overlay, grid or None, got {layout!r}")
        self.layout = layout
        self.invalidate()

    def shows_grid(self) -> bool:
        """Whether the runs are drawn as small multiples (see `layout`)."""
        if self.layout is not None:
            return self.layout == "grid"
        return self.snapshot is not None and len(self.snapshot.runs) > GRID_PAST

    def shows_log(self) -> bool:
        """Whether the y axis on show is logarithmic."""
        if not self.CAN_LOG:
            return False
        if self.log_y is not None:
            return self.log_y
        values = self._kept_values(self.snapshot) if self.snapshot is not None else []
        positive = np.concatenate(values) if values else np.array([])
        positive = positive[np.isfinite(positive) & (positive > 0)]
        return bool(len(positive)) and positive.max() > 10**LOG_DECADES * positive.min()

    def fields(self, snapshot: Snapshot) -> tuple[str, str]:
        """The History fields drawn (train, test): the chart's own unless it says otherwise."""
        return self.TRAIN, self.TEST

    def ylim(self, snapshot: Snapshot, log: bool) -> tuple[float, float] | None:
        """The y range: steady limits around every finite value of the runs that did not
        diverge (positive ones on a log axis)."""
        values = self._kept_values(snapshot)
        drawn = np.concatenate(values) if values else np.array([])
        drawn = drawn[np.isfinite(drawn) & ((drawn > 0) if log else True)]
        if not len(drawn):
            return None
        return steady_limits(float(drawn.min()), float(drawn.max()), log)

    def _kept_values(self, snapshot: Snapshot) -> list[np.ndarray]:
        """The values that set the y range: those of runs that did not diverge (all runs'
        when every run did), and of the pinned ones."""
        train, test = self.fields(snapshot)
        kept = [run for run in snapshot.runs if run.status != DIVERGED] or list(snapshot.runs)
        histories = [run.history for run in kept] + [pin.history for pin in self.pinned]
        return [
            np.asarray(getattr(history, name), dtype=float)
            for history in histories
            for name in (train, test)
            if name
        ]

    def title(self) -> str:
        """The chart's title: its tab's name."""
        return tr(f"chart.{self.chart_name}", self.lang)

    def ylabel(self, snapshot: Snapshot, log: bool) -> str:
        unit = tr(self.UNIT, self.lang)
        return f"{unit} {tr('chart.log', self.lang)}" if log else unit

    def end(self, snapshot: Snapshot) -> float:
        """Where the x axis ends: a steady number at or past the furthest run, pinned ones
        included."""
        histories = [run.history for run in snapshot.runs] + [p.history for p in self.pinned]
        last = [float(self.xs(h)[-1]) for h in histories if len(h.step)]
        return steady_end(max(last, default=1.0))

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        if self.shows_grid():
            return self.draw_grid(snapshot, width, height)
        return self.draw_overlay(snapshot, width, height)

    # -- all runs in one chart -----------------------------------------------------------------

    def draw_overlay(self, snapshot: Snapshot, width: int, height: int) -> Text:
        end = self.end(snapshot)
        train_field, test_field = self.fields(snapshot)
        series = []
        drawn = [
            (run.history, *run_style(index), self.diverged_at(run))
            for index, run in enumerate(snapshot.runs)
        ]
        drawn += [(pin.history, PINNED_COLOR, LINE_MARKER, None) for pin in self.pinned]
        for history, color, marker, diverged_at in drawn:
            xs = self.xs(history)
            keep = thin_steps(xs, end, width)
            train = getattr(history, train_field)
            series.append(Series(xs[keep], train[keep], color, marker, diverged_at=diverged_at))
            if test_field:
                test = getattr(history, test_field)
                series.append(Series(xs[keep], test[keep], color, TEST_MARKER))
        log = self.shows_log()
        axes = Axes(
            title=self.title(),
            log_y=log,
            xlim=(0, end),
            ylim=self.ylim(snapshot, log),
            xticks=time_ticks(end, self.x_axis, max(2, min(7, width // 10))),
            xlabel=self.xlabel(),
            ylabel=self.ylabel(snapshot, log),
            marks=self.marks(snapshot),
        )
        plot = figure(width, height - 1, series, axes=axes)
        names = [self.run_label(run) for run in snapshot.runs]
        return stacked([legend(names, self.note(log)), plot])

    def run_label(self, run: RunSnapshot) -> str:
        """How the legend names a run."""
        return run.name

    def note(self, log: bool) -> str:
        """The legend's note: how to read the curves, the y scale, the runs pinned."""
        lang = self.lang
        parts = [tr("chart.curves", lang)] if self.TEST else []
        if self.CAN_LOG:
            chosen = "views.scale_auto" if self.log_y is None else "views.scale_set"
            scale = tr("views.scale_log" if log else "views.scale_linear", lang)
            parts.append(tr(chosen, lang, scale=scale, key=_key("toggle_log")))
        if self.pinned:
            labels = ", ".join(pin.label for pin in self.pinned)
            parts.append(tr("chart.pinned", lang, runs=labels))
        return "  ".join(parts)

    def marks(self, snapshot: Snapshot) -> list[Mark]:
        """The live changes, where they happened on the x axis, named and in their run's
        colour; a change made to every run at once is one mark."""
        names = snapshot.names
        by_change: dict[tuple, list[Change]] = {}
        for change in snapshot.changes:
            key = (change.step, change.setting, _hashable(change.old), _hashable(change.new))
            by_change.setdefault(key, []).append(change)
        marks = []
        for changes in by_change.values():
            change = changes[0]
            every = len(names) > 1 and {c.run for c in changes} >= set(names)
            runs = [changes[0].run] if every else [c.run for c in changes]
            for name in runs:
                if name not in names:
                    continue
                run = snapshot.run(name)
                x = self._x_at(run.history, change.step)
                color = ALL_RUNS_COLOR if every else run_color(names.index(name))
                marks.append(Mark(x, color, change_label(change, self.lang)))
        return marks

    # -- small multiples --------------------------------------------------------------------------

    def draw_grid(self, snapshot: Snapshot, width: int, height: int) -> Text:
        """One cell per pair of runs (per run when they do not pair up), the train curve of
        each, all cells on the same axes."""
        lang = self.lang
        panels, key = self._grid(snapshot, width)
        end = self.end(snapshot)
        log = self.shows_log()
        ylim = self.ylim(snapshot, log) or (0.0, 1.0)
        ticks, labels = time_ticks(end, self.x_axis, 3)
        x = Scale(0.0, end, ticks, labels, self.xlabel())
        y = shared_scale(*ylim, self.ylabel(snapshot, log), 3, log=log)
        heading = Text(no_wrap=True, end="", overflow="ellipsis")
        kind = "views.grid_pairs" if key else "views.grid_runs"
        heading.append(tr(kind, lang, metric=self.grid_metric(snapshot)), "bold")
        heading.append("  ")
        for name, kind in key:
            heading.append(legend_sample(kind), style=run_color(kind))
            heading.append(f"{name}  ", style=f"bold {run_color(kind)}")
        heading.append(tr("views.grid_hint", lang, key=_key("toggle_grid")), style="dim")
        return stacked([heading, grid(panels, width, height - 1, x, y)])

    def grid_panels(self, snapshot: Snapshot, width: int = 120) -> list[Panel]:
        """The grid's cells: a pair of runs that differ in one setting each (batch norm on
        and off), or a run each when they do not pair up."""
        return self._grid(snapshot, width)[0]

    def _grid(self, snapshot: Snapshot, width: int) -> tuple[list[Panel], list[tuple[str, int]]]:
        """The cells, and the key to their looks: (name, style index) of each kind of run
        when runs pair up (plain, bn), else nothing (each run has its own colour)."""
        train_field, _ = self.fields(snapshot)
        runs = snapshot.runs
        cells = pair_cells(snapshot.names, [run.changed for run in runs])
        end = self.end(snapshot)
        # one look per kind of run when they pair (plain, bn), else each run its own
        if cells.setting is not None:
            looks = {i: kind for _, members in cells.cells for kind, i in enumerate(members)}
            key = [(name, kind) for kind, name in enumerate(cells.series)]
        else:
            looks = {index: index for index in range(len(runs))}
            key = []
        panels = []
        for title, members in cells.cells:
            series = []
            for index in members:
                history = runs[index].history
                xs = self.xs(history)
                keep = thin_steps(xs, end, max(width // 4, 8))
                values = getattr(history, train_field)[keep]
                color, marker = run_style(looks[index])
                diverged_at = self.diverged_at(runs[index])
                series.append(Series(xs[keep], values, color, marker, diverged_at=diverged_at))
            color = run_color(looks[members[0]]) if len(members) == 1 else None
            selected = self.selected in {runs[i].name for i in members}
            panels.append(Panel(title, series, title_color=color, highlight=selected))
        return panels, key

    def grid_metric(self, snapshot: Snapshot) -> str:
        """What the grid's cells draw, for its heading."""
        return tr("views.metric_train_loss", self.lang)


def _key(action: str) -> str:
    from tui.keys import key_for  # the keys table lists the charts: import it late

    return key_for(action)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def change_label(change: Change, lang: str) -> str:
    """A live change in a few characters: lr×2, lr÷10, adam, dropout 0.5, BN on."""
    setting = tr(f"views.short_{change.setting}", lang) if change.setting != "optimizer" else ""
    old, new = change.old, change.new
    if isinstance(new, bool):
        return tr("views.change_on" if new else "views.change_off", lang, setting=setting)
    if change.setting == "optimizer":
        return str(new)
    if change.setting == "lr" and isinstance(old, float) and old > 0 and new > 0:
        for ratio, key in ((new / old, "views.change_times"), (old / new, "views.change_divided")):
            if ratio > 1 and abs(ratio - round(ratio)) < 1e-6 * ratio:
                return tr(key, lang, setting=setting, factor=round(ratio))
    value = short_number(new) if isinstance(new, float) else str(new)
    return tr("views.change_to", lang, setting=setting, value=value)


class LossChart(CurvesChart):
    """Loss per run; live changes are marked where they happened."""

    chart_name = "loss"
    TRAIN, TEST = "train_loss", "test_loss"
    UNIT = "views.unit_loss"
    CAN_LOG = True
