"""Accuracy over steps, train and test per run: the gap between them is overfitting."""

from __future__ import annotations

from nn import Snapshot
from tui.widgets.loss_chart import CurvesChart
from tui.widgets.plot import Axes


class AccuracyChart(CurvesChart):
    TITLE = "Accuracy"
    TRAIN, TEST = "train_accuracy", "test_accuracy"

    def axes(self, snapshot: Snapshot) -> Axes:
        return Axes(title=self.TITLE, ylim=(0.0, 1.0))
