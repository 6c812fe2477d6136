"""Loss over steps, train and test, one colour per run: the chart students watch most."""

from __future__ import annotations

import numpy as np
from rich.text import Text

from nn import Snapshot
from tui.i18n import tr
from tui.widgets.plot import (
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


class CurvesChart(SnapshotChart):
    """Train (solid) and test (dotted) curves of one metric from every run's history."""

    TRAIN = ""  # the History fields drawn
    TEST = ""
    log_y = False

    def axes(self, snapshot: Snapshot, xlim: tuple[float, float], ylim: tuple | None) -> Axes:
        return Axes(
            title=self.title(), log_y=self.log_y, xlim=xlim, ylim=ylim, xticks=step_ticks(xlim[1])
        )

    def title(self) -> str:
        """The chart's title: its tab's name."""
        return tr(f"chart.{self.chart_name}", self.lang)

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        end = steady_end(max((run.step for run in snapshot.runs), default=1))
        series, values = [], []
        for index, run in enumerate(snapshot.runs):
            color, marker = run_style(index)
            keep = thin_steps(run.history.step, end, width)
            steps = run.history.step[keep]
            train, test = getattr(run.history, self.TRAIN), getattr(run.history, self.TEST)
            series.append(Series(steps, train[keep], color, marker))
            series.append(Series(steps, test[keep], color, TEST_MARKER))
            values += [train[keep], test[keep]]
        note = tr("chart.curves", self.lang)
        if self.log_y:
            note += "  " + tr("chart.log", self.lang)
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
        self.log_y = not self.log_y
        self.invalidate()

    def axes(self, snapshot: Snapshot, xlim: tuple[float, float], ylim: tuple | None) -> Axes:
        steps = sorted({change.step for change in snapshot.changes})
        return Axes(
            title=self.title(),
            log_y=self.log_y,
            xlim=xlim,
            ylim=ylim,
            xticks=step_ticks(xlim[1]),
            vlines=steps,
        )
