"""Weights: the selected run's weight histogram per layer, and the fraction of near-zero
weights per layer for every run — L1 drives many weights to exactly zero, L2 only shrinks
the large ones (LECTURE 4.2-4.3)."""

from __future__ import annotations

from rich.text import Text

from nn import Snapshot
from tui.i18n import tr
from tui.theme import no_color, run_marker
from tui.widgets.plot import (
    Axes,
    Bars,
    Histogram,
    SnapshotChart,
    figure,
    legend,
    run_style,
    small_multiples,
    stacked,
)


class WeightsChart(SnapshotChart):
    chart_name = "weights"

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        run = snapshot.run(self.selected) if self.selected in snapshot.names else snapshot.runs[0]
        lang = self.lang
        heading = Text(
            tr("chart.weights_heading", lang, run=run.name), style="bold", no_wrap=True, end=""
        )
        panels = [
            Histogram(f"W{layer.index}", layer.weight_hist, layer.weight_edges)
            for layer in run.layers
        ]
        histogram_height = (height - 2) // 2
        depth = max(len(r.layers) for r in snapshot.runs)
        categories = [tr("chart.layer", lang, index=i) for i in range(1, depth + 1)]
        groups = [
            [layer.near_zero for layer in r.layers] + [0.0] * (depth - len(r.layers))
            for r in snapshot.runs
        ]
        colors = [run_style(index)[0] for index in range(len(snapshot.runs))]
        symbols = [run_marker(index) for index in range(len(colors))] if no_color() else None
        bars = Bars(categories, groups, colors, symbols=symbols)
        axes = Axes(title=tr("chart.near_zero", lang), ylim=(0.0, 1.0))
        return stacked(
            [
                heading,
                small_multiples(panels, width, histogram_height, self.run_color(), max_cols=6),
                legend(snapshot.names),
                figure(width, height - 2 - histogram_height, bars=bars, axes=axes),
            ]
        )
