"""A small app hosting the ChartsPanel with a real snapshot, for the chart tests and the
snapshot tests (snap_compare loads this file). Fixed seeds: the same pictures every run."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.reactive import reactive

from nn import Comparison, RunConfig
from nn.network_view import network_view
from tui.widgets.charts_panel import CHART_NAMES, ChartsPanel
from tui.widgets.network import NetworkChart


def make_comparison(**data: object) -> Comparison:
    """Two small runs that differ in one thing, trained a little, with one live change."""
    base = RunConfig(layers=(8, 8), steps=60, seed=1)
    if data:
        base = base.with_changes(data=base.data.__class__(**data))
    comparison = Comparison.from_variants(
        base, {"sigmoid": {"activation": "sigmoid", "optimizer": {"name": "adam", "lr": 0.01}}}
    )
    for _ in range(4):
        comparison.step(10)
        comparison.snapshot()
    comparison.change("base", lr=0.05)
    comparison.step(20)
    return comparison


class ChartsApp(App):
    """The panel alone, keys 1-8 switching tabs as the real app binds them (and l, X, m)."""

    BINDINGS = [Binding(str(i + 1), f"chart('{name}')") for i, name in enumerate(CHART_NAMES)] + [
        Binding("l", "log", "Log scale"),
        Binding("X", "x_axis", "x axis"),
        Binding("m", "grid", "grid"),
    ]

    lang: reactive[str] = reactive("en")  # the charts' words follow it, as in TrainlabApp

    def __init__(
        self,
        comparison: Comparison | None = None,
        chart: str = "loss",
        lang: str = "en",
        selected: str | None = None,
        noise: bool = False,
    ) -> None:
        super().__init__()
        self.set_reactive(ChartsApp.lang, lang)
        self.comparison = comparison or make_comparison()
        self.first_chart = chart
        self.selected = selected or self.comparison.names[0]
        self.noise = noise  # measure the gradient noise, as while the Noise tab shows

    def compose(self) -> ComposeResult:
        yield ChartsPanel(id="charts")

    def on_mount(self) -> None:
        panel = self.query_one(ChartsPanel)
        panel.set_dataset(self.comparison.dataset)
        panel.show_chart(self.first_chart)
        self.feed()

    def feed(self) -> None:
        panel = self.query_one(ChartsPanel)
        panel.show_snapshot(self.comparison.snapshot(noise=self.noise), self.selected)
        # what the training process sends while the Boundary tab shows: the selected run's
        # grid over 2-D data, every run's fitted curve over 1-D data
        comparison, features = self.comparison, self.comparison.dataset.n_features
        if features in (1, 2):
            shown = comparison.names if features == 1 else [self.selected]
            grids = {name: comparison.decision_grid(name) for name in shown}
            panel.show_boundary(grids[shown[0]], grids)
        # What the trainer will send while the Network tab is visible.
        panel.query_one(NetworkChart).show_network(network_view(comparison, self.selected))

    def action_chart(self, name: str) -> None:
        self.query_one(ChartsPanel).show_chart(name)

    def action_log(self) -> None:
        self.query_one(ChartsPanel).toggle_log_scale()

    def action_x_axis(self) -> None:
        self.query_one(ChartsPanel).cycle_x_axis()

    def action_grid(self) -> None:
        self.query_one(ChartsPanel).toggle_grid()


if __name__ == "__main__":
    ChartsApp().run()
