"""Accuracy over steps, train and test per run: the gap between them is overfitting."""

from __future__ import annotations

from nn import Snapshot
from tui.widgets.loss_chart import CurvesChart
from tui.widgets.plot import Axes


class AccuracyChart(CurvesChart):
    chart_name = "accuracy"
    TRAIN, TEST = "train_accuracy", "test_accuracy"

    def axes(self, snapshot: Snapshot, xlim: tuple[float, float], ylim: tuple | None) -> Axes:
        return Axes(title=self.title(), xlim=xlim, ylim=(0.0, 1.0), xticks=self.xticks(xlim))
