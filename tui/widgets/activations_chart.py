"""Activation histograms per hidden layer, the runs compared (LECTURE 3.1-3.5).

The picture of the initialization claims: with N(0,1) and sigmoid the activations pile up
at 0 and 1, with N(0,0.01²) they all sit at 0.5, with He and ReLU the spread survives
ten layers while Xavier's shrinks toward 0. One row a run, one column a layer, and one x
scale for all of them, so that He and Xavier can be told apart at a glance; when not all
runs fit, the rows shown hold the selected run. Mean and std per layer of every run are
drawn beneath, so a collapse shows as a falling line.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text

from nn import Snapshot
from nn.snapshot import RunSnapshot
from tui.i18n import tr
from tui.theme import run_color
from tui.widgets.multiples import Panel, Row, Scale, histogram_matrix, shared_scale
from tui.widgets.plot import Axes, Series, SnapshotChart, figure, stacked

PROFILE_HEIGHT = 9  # rows of the mean/std line under the histograms
MIN_HISTOGRAM_ROWS = 12  # below this, the histograms take the whole chart


class ActivationsChart(SnapshotChart):
    chart_name = "activations"

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        lang = self.lang
        runs = [run for run in snapshot.runs if _hidden(run)]
        heading = Text(tr("views.activations_heading", lang), style="bold", no_wrap=True, end="")
        if not runs:
            return stacked([heading, Text(tr("chart.no_hidden", lang), style="dim")])
        names = snapshot.names
        x = _shared_x(runs, tr("views.axis_activation", lang), 5)
        depth = max(len(_hidden(run)) for run in runs)
        titles = [tr("chart.layer", lang, index=i) for i in range(1, depth + 1)]
        rows = [
            Row(
                run.name,
                run_color(names.index(run.name)),
                [
                    Panel("", bars=_bins(layer), bar_color=run_color(names.index(run.name)))
                    for layer in _hidden(run)
                ],
                highlight=run.name == self.selected,
            )
            for run in runs
        ]
        keep = next((i for i, run in enumerate(runs) if run.name == self.selected), 0)
        show_profile = height - 1 - PROFILE_HEIGHT >= MIN_HISTOGRAM_ROWS and depth > 1
        grid_height = height - 1 - (PROFILE_HEIGHT if show_profile else 0)
        count = tr("views.unit_count", lang)
        parts = [heading, histogram_matrix(rows, titles, width, grid_height, x, count, keep)]
        if show_profile:
            parts.append(self._profile(snapshot, runs, width))
        return stacked(parts)

    def _profile(self, snapshot: Snapshot, runs: list[RunSnapshot], width: int) -> Text:
        """Mean (solid) and std (dotted) of each run's activations, layer by layer."""
        lang, names = self.lang, snapshot.names
        series = []
        for run in runs:
            hidden = _hidden(run)
            color = run_color(names.index(run.name))
            layers = [layer.index for layer in hidden]
            series.append(Series(layers, [layer.activation_mean for layer in hidden], color))
            series.append(Series(layers, [layer.activation_std for layer in hidden], color, "·"))
        depth = max(len(_hidden(run)) for run in runs)
        layers = list(range(1, depth + 1))
        axes = Axes(
            title=tr("chart.profile", lang),
            xlim=(0.75, depth + 0.25),
            xticks=(layers, [tr("chart.layer", lang, index=i) for i in layers]),
            xlabel=tr("views.axis_layer", lang),
            ylabel=tr("views.unit_value", lang),
            yticks=3,
        )
        return figure(width, PROFILE_HEIGHT, series, axes=axes)


def _hidden(run: RunSnapshot) -> list:
    return [layer for layer in run.layers if layer.activation_hist is not None]


def _bins(layer) -> list[tuple[float, float, float]]:
    edges, counts = layer.activation_edges, layer.activation_hist
    return [(float(edges[i]), float(edges[i + 1]), float(counts[i])) for i in range(len(counts))]


MASS = 0.99  # the shared x scale ends where this share of every histogram lies


def _shared_x(runs: list[RunSnapshot], label: str, count: int) -> Scale:
    """One x scale over every layer of every run: from the lowest edge to where MASS of
    each histogram lies, so that a few far outliers do not squeeze every histogram into
    its first column."""
    lows, highs = [], []
    for run in runs:
        for layer in _hidden(run):
            edges, counts = layer.activation_edges, np.asarray(layer.activation_hist, float)
            lows.append(float(edges[0]))
            total = counts.sum()
            if total > 0:
                last = int(np.searchsorted(np.cumsum(counts), MASS * total))
                highs.append(float(edges[min(last + 1, len(edges) - 1)]))
            else:
                highs.append(float(edges[-1]))
    low, high = min(lows), max(highs)
    if not high > low:
        high = low + 1.0
    return shared_scale(low, high, label, count)
