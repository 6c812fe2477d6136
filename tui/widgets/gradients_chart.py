"""Gradient norm per layer for every run (LECTURE 2.1-2.2) and the effective step size of
adaptive optimizers over time (LECTURE 1.5-1.6).

Both on log axes: vanishing gradients span orders of magnitude, and AdaGrad's step
decays by orders of magnitude while RMSProp's stays alive.
"""

from __future__ import annotations

import math

from rich.text import Text

from nn import Snapshot
from nn.optimizers import adaptive_names
from tui.i18n import tr
from tui.widgets.plot import (
    Axes,
    Series,
    SnapshotChart,
    figure,
    legend,
    run_style,
    stacked,
    steady_end,
    step_ticks,
    thin_steps,
)


class GradientsChart(SnapshotChart):
    chart_name = "gradients"

    def draw_snapshot(self, snapshot: Snapshot, width: int, height: int) -> Text:
        norms, steps, lang = [], [], self.lang
        end = steady_end(max((run.step for run in snapshot.runs), default=1))
        for index, run in enumerate(snapshot.runs):
            color, marker = run_style(index)
            layers = [layer.index for layer in run.layers]
            norms.append(Series(layers, [layer.grad_norm for layer in run.layers], color, marker))
            keep = thin_steps(run.history.step, end, width)
            effective = run.history.effective_step[keep]
            if any(math.isfinite(value) for value in effective):
                steps.append(Series(run.history.step[keep], effective, color, marker))
        depth = max((len(run.layers) for run in snapshot.runs), default=0)
        ticks = list(range(1, depth + 1))
        norm_axes = Axes(
            title=tr("chart.grad_norm", lang),
            log_y=True,
            xticks=(ticks, [tr("chart.layer", lang, index=i) for i in ticks]),
        )
        parts = [legend(snapshot.names)]
        if steps:
            top = (height - 1) * 3 // 5
            step_axes = Axes(
                title=tr("chart.effective_step", lang),
                log_y=True,
                xlim=(0, end),
                xticks=step_ticks(end),
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
