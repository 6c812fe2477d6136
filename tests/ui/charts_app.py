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
    """The panel alone, keys 1-7 switching tabs as the real app binds them."""

    BINDINGS = [Binding(str(i + 1), f"chart('{name}')") for i, name in enumerate(CHART_NAMES)] + [
        Binding("l", "log", "Log scale")
    ]

    lang: reactive[str] = reactive("en")  # the charts' words follow it, as in TrainlabApp

    def __init__(
        self, comparison: Comparison | None = None, chart: str = "loss", lang: str = "en"
    ) -> None:
        super().__init__()
        self.set_reactive(ChartsApp.lang, lang)
        self.comparison = comparison or make_comparison()
        self.first_chart = chart

    def compose(self) -> ComposeResult:
        yield ChartsPanel(id="charts")

    def on_mount(self) -> None:
        panel = self.query_one(ChartsPanel)
        panel.set_dataset(self.comparison.dataset)
        panel.show_chart(self.first_chart)
        self.feed()

    def feed(self) -> None:
        panel = self.query_one(ChartsPanel)
        panel.show_snapshot(self.comparison.snapshot(), "base")
        if self.comparison.dataset.n_features == 2:
            panel.show_boundary(self.comparison.decision_grid("base"))
        # What the trainer will send while the Network tab is visible.
        panel.query_one(NetworkChart).show_network(network_view(self.comparison, "base"))

    def action_chart(self, name: str) -> None:
        self.query_one(ChartsPanel).show_chart(name)

    def action_log(self) -> None:
        self.query_one(ChartsPanel).toggle_log_scale()


if __name__ == "__main__":
    ChartsApp().run()
