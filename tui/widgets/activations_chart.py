"""Activation histograms per hidden layer of the selected run (LECTURE 3.1-3.5).

The picture of the initialization claims: with N(0,1) and sigmoid the activations pile up
at 0 and 1, with N(0,0.01²) they all sit at 0.5, with He and ReLU the spread survives
ten layers. Mean and std per layer are drawn beneath, so a collapse shows as a line.
"""

from __future__ import annotations

from rich.text import Text

from nn import Snapshot
from tui.i18n import tr
from tui.widgets.plot import (
    Axes,
    Histogram,
    Series,
    SnapshotChart,
    figure,
    small_multiples,
    stacked,
)

PROFILE_HEIGHT = 9  # rows of the mean/std line under the histograms


class ActivationsChart(SnapshotChart):
    chart_name = "activations"

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        run = snapshot.run(self.selected) if self.selected in snapshot.names else snapshot.runs[0]
        color = self.run_color()
        hidden = [layer for layer in run.layers if layer.activation_hist is not None]
        lang = self.lang
        heading = Text(
            tr("chart.activations_heading", lang, run=run.name),
            style="bold",
            no_wrap=True,
            end="",
        )
        if not hidden:
            return stacked([heading, Text(tr("chart.no_hidden", lang), style="dim")])
        panels = [
            Histogram(
                f"{tr('chart.layer', lang, index=layer.index)} "
                f"μ{layer.activation_mean:.2f} σ{layer.activation_std:.2f}",
                layer.activation_hist,
                layer.activation_edges,
            )
            for layer in hidden
        ]
        show_profile = height >= 2 * PROFILE_HEIGHT + 1 and len(hidden) > 1
        grid_height = height - 1 - (PROFILE_HEIGHT if show_profile else 0)
        parts = [heading, small_multiples(panels, width, grid_height, color)]
        if show_profile:
            layers = [layer.index for layer in hidden]
            profile = [
                Series(layers, [layer.activation_mean for layer in hidden], color),
                Series(layers, [layer.activation_std for layer in hidden], color, "·"),
            ]
            labels = [tr("chart.layer", lang, index=i) for i in layers]
            axes = Axes(title=tr("chart.profile", lang), xticks=(layers, labels))
            parts.append(figure(width, PROFILE_HEIGHT, profile, axes=axes))
        return stacked(parts)
