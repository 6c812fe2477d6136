"""Gradient noise (LECTURE 1.2): how far a mini-batch's gradient points from the full
batch's, per run, over time.

Each run is measured at its own batch size: the mean cosine between a few mini-batch
gradients and the full-batch gradient, at the run's parameters then (`History.
gradient_noise`). 1 means every mini-batch points the way the whole data set does (full
batch: gradient descent); a batch of 8 scatters far below. Measuring costs several passes
over the training set, so the training process measures it only while this tab is on
screen (the screen's `Watch` says so): the curves fill in from the moment it is opened.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text

from nn import Snapshot
from nn.snapshot import RunSnapshot
from tui.i18n import tr
from tui.widgets.loss_chart import CurvesChart


class NoiseChart(CurvesChart):
    chart_name = "noise"
    TRAIN, TEST = "gradient_noise", ""
    UNIT = "views.unit_cosine"

    def ylim(self, snapshot: Snapshot, log: bool) -> tuple[float, float]:
        """From 0 (or below, if a cosine is) to 1: the full gradient's own direction."""
        values = [v for v in self._kept_values(snapshot) if len(v)]
        finite = np.concatenate(values) if values else np.array([])
        finite = finite[np.isfinite(finite)]
        return (min(0.0, float(finite.min())) if len(finite) else 0.0, 1.0)

    def title(self) -> str:
        return tr("views.noise_title", self.lang)

    def run_label(self, run: RunSnapshot) -> str:
        """The run and the batch size it is measured at."""
        if not run.step:
            return run.name
        return tr("views.noise_run", self.lang, run=run.name, batch=run.samples_seen // run.step)

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        measured = any(np.isfinite(run.history.gradient_noise).any() for run in snapshot.runs)
        if not measured:
            return Text(tr("views.noise_waiting", self.lang), style="dim")
        return super().draw_snapshot(snapshot, width, height)

    def note(self, log: bool) -> str:
        return tr("views.noise_note", self.lang)

    def grid_metric(self, snapshot: Snapshot) -> str:
        return tr("views.noise_title", self.lang)
