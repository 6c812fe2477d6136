"""Loss over steps, train and test, one colour per run: the chart students watch most."""

from __future__ import annotations

import numpy as np
from rich.text import Text

from nn import Snapshot
from tui.widgets.plot import Axes, Series, SnapshotChart, figure, legend, run_style, stacked

TEST_MARKER = "·"  # test curves are dotted, train curves solid


class CurvesChart(SnapshotChart):
    """Train (solid) and test (dotted) curves of one metric from every run's history."""

    TITLE = ""
    TRAIN = ""  # the History fields drawn
    TEST = ""
    log_y = False

    def axes(self, snapshot: Snapshot) -> Axes:
        return Axes(title=self.TITLE, log_y=self.log_y)

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        series = []
        for index, run in enumerate(snapshot.runs):
            color, marker = run_style(index)
            # More points than the plot has dot columns only cost drawing time: keep
            # about two per column (the terminal could not show the others anyway).
            keep = _thin(len(run.history.step), 4 * width)
            steps = run.history.step[keep]
            train, test = getattr(run.history, self.TRAIN), getattr(run.history, self.TEST)
            series.append(Series(steps, train[keep], color, marker))
            series.append(Series(steps, test[keep], color, TEST_MARKER))
        note = "solid train · dotted test" + ("  (log)" if self.log_y else "")
        plot = figure(width, height - 1, series, axes=self.axes(snapshot))
        return stacked([legend(snapshot.names, note), plot])


def _thin(count: int, most: int) -> np.ndarray:
    """Indices of at most `most` evenly spread points, the last one always included."""
    if count <= most:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, most).round().astype(int))


class LossChart(CurvesChart):
    """Loss per run; dotted vertical lines mark the steps of live changes."""

    TITLE = "Loss"
    TRAIN, TEST = "train_loss", "test_loss"

    def toggle_log_scale(self) -> None:
        self.log_y = not self.log_y
        self.invalidate()

    def axes(self, snapshot: Snapshot) -> Axes:
        steps = sorted({change.step for change in snapshot.changes})
        return Axes(title=self.TITLE, log_y=self.log_y, vlines=steps)
