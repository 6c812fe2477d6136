"""Weights: the selected run's weight histogram per layer, and the fraction of near-zero
weights per layer for every run — L1 drives many weights to exactly zero, L2 only shrinks
the large ones (LECTURE 4.2-4.3)."""

from __future__ import annotations

from rich.text import Text

from nn import Snapshot
from tui.i18n import tr
from tui.theme import no_color, run_marker
from tui.widgets.multiples import Panel, Row, histogram_matrix, shared_scale
from tui.widgets.plot import Axes, Bars, SnapshotChart, figure, legend, run_style, stacked


class WeightsChart(SnapshotChart):
    chart_name = "weights"

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        run = snapshot.run(self.selected) if self.selected in snapshot.names else snapshot.runs[0]
        lang = self.lang
        if not run.layers:  # not measured yet (a run just added)
            return Text(tr("chart.empty", lang), style="dim")
        heading = Text(
            tr("chart.weights_heading", lang, run=run.name), style="bold", no_wrap=True, end=""
        )
        histogram_height = (height - 2) // 2
        color = self.run_color()
        axis = tr("views.axis_weight", lang)
        # each layer on its own symmetric scale (±its largest |w|): 784 inputs and 10 outputs
        # give weights of very different sizes
        scales = [
            shared_scale(float(layer.weight_edges[0]), float(layer.weight_edges[-1]), axis, 5)
            if layer.weight_edges[-1] > layer.weight_edges[0]
            else shared_scale(-1.0, 1.0, axis, 5)
            for layer in run.layers
        ]
        panels = [
            Panel(
                "",
                bars=[
                    (float(layer.weight_edges[i]), float(layer.weight_edges[i + 1]), float(c))
                    for i, c in enumerate(layer.weight_hist)
                ],
                bar_color=color,
            )
            for layer in run.layers
        ]
        titles = [f"W{layer.index}" for layer in run.layers]
        row = Row(run.name, color, panels, highlight=False)
        count = tr("views.unit_count", lang)
        depth = max(len(r.layers) for r in snapshot.runs)
        categories = [tr("chart.layer", lang, index=i) for i in range(1, depth + 1)]
        groups = [
            [layer.near_zero for layer in r.layers] + [0.0] * (depth - len(r.layers))
            for r in snapshot.runs
        ]
        colors = [run_style(index)[0] for index in range(len(snapshot.runs))]
        symbols = [run_marker(index) for index in range(len(colors))] if no_color() else None
        bars = Bars(categories, groups, colors, symbols=symbols)
        axes = Axes(
            title=tr("chart.near_zero", lang),
            ylim=(0.0, 1.0),
            xlabel=tr("views.axis_layer", lang),
            ylabel=tr("views.unit_fraction", lang),
            yticks=3,
        )
        return stacked(
            [
                heading,
                histogram_matrix([row], titles, width, histogram_height, scales, count),
                legend(snapshot.names),
                figure(width, height - 2 - histogram_height, bars=bars, axes=axes),
            ]
        )
