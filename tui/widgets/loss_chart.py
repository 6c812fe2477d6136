"""Loss over steps, train and test, one colour per run: the chart students watch most.

The curves can be drawn over steps, epochs, samples seen or seconds of training (`x_axis`):
gradient descent's 20 updates and SGD's 1240 look alike over samples seen, and SGD is far
ahead over seconds. Runs of earlier sessions can be pinned beside today's, faded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.text import Text

from nn import Snapshot
from nn.snapshot import History
from tui.i18n import tr
from tui.widgets.plot import (
    LINE_MARKER,
    Axes,
    Series,
    SnapshotChart,
    figure,
    legend,
    run_style,
    stacked,
    steady_end,
    steady_limits,
    step_ticks,
    thin_steps,
)

TEST_MARKER = "·"  # test curves are dotted, train curves solid
PINNED_COLOR = "bright_black"  # runs of earlier sessions: faded beside today's
# What the x axis can count, and the history column that holds it (presets.preset.X_AXES).
X_COLUMNS = {"steps": "step", "epochs": "epoch", "samples": "samples_seen", "seconds": "seconds"}


@dataclass(frozen=True)
class Pinned:
    """A run of an earlier session, drawn faded beside today's runs (the run history)."""

    label: str
    history: History


class CurvesChart(SnapshotChart):
    """Train (solid) and test (dotted) curves of one metric from every run's history."""

    TRAIN = ""  # the History fields drawn
    TEST = ""
    log_y = False
    x_axis = "steps"  # a key of X_COLUMNS
    pinned: Sequence[Pinned] = ()

    def set_x_axis(self, x_axis: str) -> None:
        if x_axis not in X_COLUMNS:
            raise ValueError(f"x axis must be one of {', '.join(X_COLUMNS)}, got {x_axis!r}")
        self.x_axis = x_axis
        self.invalidate()

    def set_pinned(self, pinned: Sequence[Pinned]) -> None:
        self.pinned = tuple(pinned)
        self.invalidate()

    def set_log_scale(self, log_y: bool) -> None:
        self.log_y = log_y
        self.invalidate()

    def xs(self, history: History) -> np.ndarray:
        """The history's x values on the chosen axis."""
        return np.asarray(getattr(history, X_COLUMNS[self.x_axis]), dtype=float)

    def axes(self, snapshot: Snapshot, xlim: tuple[float, float], ylim: tuple | None) -> Axes:
        return Axes(
            title=self.title(), log_y=self.log_y, xlim=xlim, ylim=ylim, xticks=self.xticks(xlim)
        )

    def xticks(self, xlim: tuple[float, float]) -> tuple[list[float], list[str]]:
        return step_ticks(xlim[1], whole=self.x_axis in ("steps", "samples"))

    def title(self) -> str:
        """The chart's title: its tab's name."""
        return tr(f"chart.{self.chart_name}", self.lang)

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        histories = [run.history for run in snapshot.runs] + [pin.history for pin in self.pinned]
        last = [float(self.xs(h)[-1]) for h in histories if len(h.step)]
        end = steady_end(max(last, default=1.0))
        series, values = [], []
        drawn = [(run.history, *run_style(index)) for index, run in enumerate(snapshot.runs)]
        drawn += [(pin.history, PINNED_COLOR, LINE_MARKER) for pin in self.pinned]
        for history, color, marker in drawn:
            xs = self.xs(history)
            keep = thin_steps(xs, end, width)
            train, test = getattr(history, self.TRAIN), getattr(history, self.TEST)
            series.append(Series(xs[keep], train[keep], color, marker))
            series.append(Series(xs[keep], test[keep], color, TEST_MARKER))
            values += [train[keep], test[keep]]
        note = tr("chart.curves", self.lang)
        if self.log_y:
            note += "  " + tr("chart.log", self.lang)
        if self.pinned:
            labels = ", ".join(pin.label for pin in self.pinned)
            note += "  " + tr("chart.pinned", self.lang, runs=labels)
        axes = self.axes(snapshot, (0, end), self._limits(values))
        plot = figure(width, height - 1, series, axes=axes)
        return stacked([legend(snapshot.names, note), plot])

    def _limits(self, values: list[np.ndarray]) -> tuple[float, float] | None:
        """Steady y limits around every finite value drawn (positive ones on a log axis)."""
        drawn = np.concatenate(values) if values else np.array([])
        drawn = drawn[np.isfinite(drawn) & ((drawn > 0) if self.log_y else True)]
        if not len(drawn):
            return None
        return steady_limits(float(drawn.min()), float(drawn.max()), self.log_y)


class LossChart(CurvesChart):
    """Loss per run; dotted vertical lines mark the steps of live changes."""

    chart_name = "loss"
    TRAIN, TEST = "train_loss", "test_loss"

    def toggle_log_scale(self) -> None:
        self.set_log_scale(not self.log_y)

    def axes(self, snapshot: Snapshot, xlim: tuple[float, float], ylim: tuple | None) -> Axes:
        steps = sorted({change.step for change in snapshot.changes})
        return Axes(
            title=self.title(),
            log_y=self.log_y,
            xlim=xlim,
            ylim=ylim,
            xticks=self.xticks(xlim),
            vlines=steps if self.x_axis == "steps" else (),  # changes are dated in steps
        )
