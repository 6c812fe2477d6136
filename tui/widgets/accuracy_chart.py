"""Accuracy over time, train and test per run: the gap between them is overfitting.

For a regression (a number to predict, no classes) the chart shows R² instead: 1 is a
perfect fit, 0 is no better than predicting the mean, below 0 worse (drawn down to -1).
"""

from __future__ import annotations

import numpy as np

from nn import Snapshot
from tui.i18n import tr
from tui.widgets.loss_chart import CurvesChart

R2_FLOOR = -1.0  # R² far below 0 says nothing more: the axis stops here


class AccuracyChart(CurvesChart):
    chart_name = "accuracy"
    TRAIN, TEST = "train_accuracy", "test_accuracy"
    UNIT = "views.unit_accuracy"

    def fields(self, snapshot: Snapshot) -> tuple[str, str]:
        return ("train_r2", "test_r2") if regression(snapshot) else (self.TRAIN, self.TEST)

    def ylim(self, snapshot: Snapshot, log: bool) -> tuple[float, float]:
        if not regression(snapshot):
            return (0.0, 1.0)
        values = [v for v in self._kept_values(snapshot) if len(v)]
        finite = np.concatenate(values) if values else np.array([])
        finite = finite[np.isfinite(finite)]
        lowest = float(finite.min()) if len(finite) else 0.0
        return (min(0.0, max(lowest, R2_FLOOR)), 1.0)

    def title(self) -> str:
        snapshot = self.snapshot
        if snapshot is not None and regression(snapshot):
            return tr("views.r2_title", self.lang)
        return super().title()

    def ylabel(self, snapshot: Snapshot, log: bool) -> str:
        return "R²" if regression(snapshot) else tr(self.UNIT, self.lang)

    def grid_metric(self, snapshot: Snapshot) -> str:
        key = "views.metric_train_r2" if regression(snapshot) else "views.metric_train_accuracy"
        return tr(key, self.lang)


def regression(snapshot: Snapshot) -> bool:
    """Whether the runs predict a number (their accuracy is NaN, their R² is not)."""
    return any(not np.isnan(run.train_r2) for run in snapshot.runs) and all(
        np.isnan(run.train_accuracy) for run in snapshot.runs
    )
