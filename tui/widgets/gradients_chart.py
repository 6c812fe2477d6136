"""Gradient norm per layer for every run (LECTURE 2.1-2.2) and the effective step size of
adaptive optimizers over time (LECTURE 1.5-1.6).

Both on log axes: vanishing gradients span orders of magnitude, and AdaGrad's step
decays by orders of magnitude while RMSProp's stays alive. The step sizes are drawn over
the same time axis as the curves (steps, epochs, samples seen or seconds).
"""

from __future__ import annotations

import math

from rich.text import Text

from nn import Snapshot
from nn.optimizers import adaptive_names
from tui.i18n import tr
from tui.widgets.loss_chart import TimeChart
from tui.widgets.plot import (
    Axes,
    Series,
    figure,
    legend,
    run_style,
    stacked,
    thin_steps,
    time_ticks,
)


class GradientsChart(TimeChart):
    chart_name = "gradients"

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        norms, steps, lang = [], [], self.lang
        end = self.end(snapshot)
        for index, run in enumerate(snapshot.runs):
            color, marker = run_style(index)
            layers = [layer.index for layer in run.layers]
            norms.append(Series(layers, [layer.grad_norm for layer in run.layers], color, marker))
            xs = self.xs(run.history)
            keep = thin_steps(xs, end, width)
            effective = run.history.effective_step[keep]
            if any(math.isfinite(value) for value in effective):
                steps.append(
                    Series(xs[keep], effective, color, marker, diverged_at=self.diverged_at(run))
                )
        depth = max((len(run.layers) for run in snapshot.runs), default=0)
        ticks = list(range(1, depth + 1))
        norm_axes = Axes(
            title=tr("chart.grad_norm", lang),
            log_y=True,
            xlim=(0.75, depth + 0.25) if depth > 1 else None,
            xticks=(ticks, [tr("chart.layer", lang, index=i) for i in ticks]),
            xlabel=tr("views.axis_layer", lang),
            ylabel=tr("views.unit_grad_norm", lang),
        )
        parts = [legend(snapshot.names)]
        if steps:
            top = (height - 1) * 3 // 5
            step_axes = Axes(
                title=tr("chart.effective_step", lang),
                log_y=True,
                xlim=(0, end),
                xticks=time_ticks(end, self.x_axis, max(2, min(7, width // 10))),
                xlabel=self.xlabel(),
                ylabel=tr("views.unit_step", lang),
            )
            parts.append(figure(width, top, norms, axes=norm_axes))
            parts.append(figure(width, height - 1 - top, steps, axes=step_axes))
        else:
            parts.append(figure(width, height - 2, norms, axes=norm_axes))
            parts.append(
                Text(
                    tr("chart.no_adaptive", lang, names=", ".join(adaptive_names())),
                    style="dim",
                    no_wrap=True,
                    end="",
                )
            )
        return stacked(parts)
