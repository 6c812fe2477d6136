"""The Charts panel: one tab per chart, fed by the app at any rate, redrawn at most ~4 Hz.

The app hands over every snapshot (cheap: it is only stored). A timer passes the newest
one to the visible chart only, so hidden charts cost nothing and an SSH link carries at
most a few redraws a second. The boundary chart, the costliest in bytes, redraws at 1 Hz.
Tab names and the surfaces' titles follow the app's language.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Select, TabbedContent, TabPane

from nn import Snapshot
from nn.data import Dataset
from nn.surfaces import SURFACES
from presets.preset import View
from tui.i18n import tr
from tui.widgets.accuracy_chart import AccuracyChart
from tui.widgets.activations_chart import ActivationsChart
from tui.widgets.boundary import BoundaryChart, Grid
from tui.widgets.gradients_chart import GradientsChart
from tui.widgets.loss_chart import CurvesChart, LossChart, Pinned
from tui.widgets.network import NetworkChart
from tui.widgets.paths_chart import PathsChart
from tui.widgets.plot import Chart, SnapshotChart
from tui.widgets.weights_chart import WeightsChart

# The chart tabs, in the order of their tabs and keys (1-7): the one list of charts. A new
# chart is a Chart subclass with a `chart_name`, listed here (and its name in the catalogue,
# `chart.NAME`, in every language).
CHARTS: tuple[type[Chart], ...] = (
    LossChart,
    AccuracyChart,
    ActivationsChart,
    GradientsChart,
    WeightsChart,
    PathsChart,
    BoundaryChart,
    NetworkChart,
)
CHART_NAMES = tuple(chart.chart_name for chart in CHARTS)
REFRESH_SECONDS = 0.25  # charts redraw at most 4 times a second
BOUNDARY_SECONDS = 1.0  # the boundary is many colour runs: once a second is enough


class ChartsPanel(Widget):
    """Tabs of charts over the latest snapshot; see the module docstring for the timing."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._snapshot: Snapshot | None = None
        self._selected = ""
        self._version = 0  # bumped by every show_snapshot
        self._delivered: dict[str, int] = {}  # chart name → version it last drew
        self._grid: Grid | None = None
        self._grid_version = 0
        self._grid_delivered = 0
        self._grid_time = 0.0

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        with TabbedContent(initial="tab-loss"):
            for chart in CHARTS:
                name = chart.chart_name
                with TabPane(tr(f"chart.{name}", lang), id=f"tab-{name}"):
                    if name == "paths":
                        yield Select(
                            self._surfaces(lang),
                            value="elongated",
                            allow_blank=False,
                            id="surface",
                        )
                    yield chart(id=f"chart-{name}")

    @staticmethod
    def _surfaces(lang: str) -> list[tuple[str, str]]:
        return [(tr(f"surface.{key}", lang), key) for key in SURFACES]

    def on_mount(self) -> None:
        self.set_interval(REFRESH_SECONDS, self._deliver)
        self.watch(self.app, "lang", self._show_lang, init=False)

    def _show_lang(self) -> None:
        lang = self.app.lang
        tabs = self.query_one(TabbedContent)
        for chart in CHARTS:
            tabs.get_tab(f"tab-{chart.chart_name}").label = tr(f"chart.{chart.chart_name}", lang)
        select = self.query_one("#surface", Select)
        with select.prevent(Select.Changed):
            value = select.value
            select.set_options(self._surfaces(lang))
            select.value = value

    # -- the API the app calls -----------------------------------------------------------

    def show_snapshot(self, snapshot: Snapshot, selected: str) -> None:
        """Keep the newest snapshot; the visible chart gets it at the next tick."""
        self._snapshot, self._selected = snapshot, selected
        self._version += 1

    def show_boundary(self, grid: Grid | None) -> None:
        """Keep the selected run's newest decision grid (computed by the worker)."""
        self._grid = grid
        self._grid_version += 1

    def set_dataset(self, dataset: Dataset) -> None:
        self.chart("boundary").set_dataset(dataset)
        self._grid = None

    def toggle_log_scale(self) -> None:
        self.chart("loss").toggle_log_scale()

    def curves(self) -> list[CurvesChart]:
        """The charts of curves over time (loss, accuracy)."""
        return [chart for chart in self.query(CurvesChart)]

    def set_x_axis(self, x_axis: str) -> None:
        """Draw the curves over steps, epochs, samples seen or seconds (loss_chart.X_COLUMNS)."""
        for chart in self.curves():
            chart.set_x_axis(x_axis)

    @property
    def x_axis(self) -> str:
        return self.chart("loss").x_axis

    def set_pinned(self, pinned: Sequence[Pinned]) -> None:
        """Runs of earlier sessions to draw, faded, beside today's (an empty list: none)."""
        for chart in self.curves():
            chart.set_pinned(pinned)

    def apply_view(self, view: View) -> None:
        """Go where a preset or a caption says (its tab, log scale, x axis, surface); the
        run it names is the screen's to select. Keys not given stay as they are."""
        if view.tab is not None and view.tab in CHART_NAMES:
            self.show_chart(view.tab)
        if view.log is not None:
            self.chart("loss").set_log_scale(view.log)
        if view.x is not None:
            self.set_x_axis(view.x)
        if view.surface is not None:
            self.query_one("#surface", Select).value = view.surface

    @property
    def active_chart(self) -> str:
        active = self.query_one(TabbedContent).active
        return active.removeprefix("tab-") if active else "loss"

    def show_chart(self, name: str) -> None:
        if name not in CHART_NAMES:
            raise ValueError(f"unknown chart {name!r}; charts are {', '.join(CHART_NAMES)}")
        self.query_one(TabbedContent).active = f"tab-{name}"

    @property
    def wants_boundary(self) -> bool:
        return self.active_chart == "boundary"

    # -- inside ----------------------------------------------------------------------------

    def chart(self, name: str) -> Chart:
        return self.query_one(f"#chart-{name}", Chart)

    def _deliver(self) -> None:
        """Hand the newest data to the visible chart, if it has not drawn it yet."""
        name = self.active_chart
        chart = self.chart(name)
        if isinstance(chart, SnapshotChart):
            if self._snapshot is not None and self._delivered.get(name) != self._version:
                self._delivered[name] = self._version
                chart.show_snapshot(self._snapshot, self._selected)
        elif isinstance(chart, BoundaryChart):
            now = time.monotonic()
            fresh = self._grid_delivered != self._grid_version
            if fresh and now - self._grid_time >= BOUNDARY_SECONDS:
                self._grid_delivered, self._grid_time = self._grid_version, now
                chart.show_grid(self._grid)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._grid_time = 0.0  # a newly shown boundary draws its grid at once
        self._deliver()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "surface" and isinstance(event.value, str):
            self.chart("paths").set_surface(event.value)

    def action_next_surface(self) -> None:
        if self.active_chart == "paths":
            names = list(SURFACES)
            select = self.query_one("#surface", Select)
            select.value = names[(names.index(str(select.value)) + 1) % len(names)]


__all__ = ["CHART_NAMES", "ChartsPanel"]
