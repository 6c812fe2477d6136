"""The main screen: setup form, runs table, charts and caption around one trainer.

The screen owns the Trainer (its handle on the training process) and turns keys into
commands. What the runs are meant to be (their configs, the edits waiting for a reset) is
kept by `IntendedRuns`, which computes each key's change from the previous key's result,
so a burst of keys ends where the same keys pressed slowly end; the form shows it.
What was measured comes from `SnapshotReady` messages (between snapshots spaced for cost,
`TrainingProgress`: the step alone; at the end of a preset, `ClaimsReady`: the claims the
core checked); the screen computes no statistics itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import TabbedContent

from nn.comparison import load_data
from nn.config import LIVE_FIELDS, ConfigError, RunConfig
from nn.data import DataError, Dataset
from nn.optimizers import OPTIMIZERS
from nn.snapshot import Snapshot
from presets.preset import Preset
from tui.i18n import localized, refusal, tr
from tui.keys import MAIN_BINDINGS, key_for
from tui.messages import (
    ApplyAllChanged,
    ClaimsReady,
    RunSelected,
    SettingsEdited,
    SnapshotReady,
    TrainerNotice,
    TrainingProgress,
)
from tui.screens.steady import SteadyResize
from tui.screens.too_small import HEIGHT_CLASSES, WIDTH_CLASSES, TooSmallNotice
from tui.training.intended import IntendedRuns
from tui.training.protocol import Command, Step, Toggle
from tui.training.trainer import Trainer
from tui.widgets.caption import Caption
from tui.widgets.charts_panel import ChartsPanel
from tui.widgets.claims_panel import ClaimsPanel
from tui.widgets.footer import Footer
from tui.widgets.runs_table import RunsTable
from tui.widgets.setup_form import SetupForm

DROPOUTS = (0.0, 0.2, 0.5)
PENALTIES = (0.0, 1e-4, 1e-3, 1e-2)  # L1 and L2 strengths the keys step through


def cycle(values: Sequence[Any], current: Any) -> Any:
    """The value after `current` in `values` (numbers: the next larger one), wrapping."""
    if current in values:
        return values[(list(values).index(current) + 1) % len(values)]
    larger = [v for v in values if isinstance(v, int | float) and v > current]
    return larger[0] if larger else values[0]


class MainScreen(SteadyResize, Screen):
    """The lab bench: see the module docstring."""

    CSS_PATH = "main.tcss"
    BINDINGS = MAIN_BINDINGS
    HORIZONTAL_BREAKPOINTS = WIDTH_CLASSES
    VERTICAL_BREAKPOINTS = HEIGHT_CLASSES

    def __init__(self, preset: Preset, dataset: Dataset | None = None) -> None:
        super().__init__()
        self.preset = preset
        self.dataset = dataset  # for the boundary chart; loaded in the background if None
        self.trainer: Trainer | None = None
        self.intended = IntendedRuns(preset.run_configs(), self._send)
        self.snapshot: Snapshot | None = None
        self.step = 0
        self.playing = False
        self.done = False
        # The run the keys act on when the table cannot show it yet: one just added, or
        # the one the table's cursor will land on when the removed one goes; and the
        # number of the command after which the table shows it (a run of the same name,
        # removed since, may show before).
        self._selecting: str | None = None
        self._selecting_after = 0
        self.claims: ClaimsReady | None = None  # the last verdicts, until a reset

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield SetupForm(id="setup")
            with Vertical(id="right"):
                yield RunsTable(id="runs")
                yield ChartsPanel(id="charts")
        yield ClaimsPanel(id="claims")
        yield Caption(self.preset, id="caption")
        yield Footer()
        yield TooSmallNotice(id="too-small")

    def on_mount(self) -> None:
        self.trainer = Trainer(self.preset, self.post_message)
        self.run_worker(self.trainer.relay, name="trainer", thread=True, exit_on_error=True)
        if self.dataset is not None:
            self.query_one(ChartsPanel).set_dataset(self.dataset)
        else:
            self.run_worker(self._load_dataset, name="dataset", thread=True, exit_on_error=False)
        self.query_one(RunsTable).focus()
        self.watch(self.app, "lang", self._show_status, init=False)

    def _load_dataset(self) -> None:
        """In a worker thread: the data's points for the boundary chart. Images take 0.2 s
        to load, which the first frame should not wait for."""
        try:
            dataset = load_data(self.preset.base)
        except DataError as error:  # the trainer reports it too, and stops: say it once
            self.log.error(f"data set: {error}")
            return
        self.app.call_from_thread(self._show_dataset, dataset)

    def _show_dataset(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.query_one(ChartsPanel).set_dataset(dataset)

    def on_unmount(self) -> None:
        self.stop_training()

    def stop_training(self) -> None:
        """Ask the training process to finish; it does within one chunk (~15 ms)."""
        if self.trainer is not None:
            self.trainer.stop()

    def _send(self, command: Command) -> int:
        """Send a command to the training process; its number (0: none is running)."""
        return self.trainer.send(command) if self.trainer is not None else 0

    @property
    def configs(self) -> dict[str, RunConfig]:
        """Each run's intended config (see IntendedRuns)."""
        return self.intended.configs

    @property
    def pending(self) -> dict[str, dict[str, Any]]:
        """Edits that wait for a reset, by run."""
        return self.intended.pending

    # -- what the trainer reports ----------------------------------------------------------

    @property
    def selected(self) -> str | None:
        """The run the keys and the form act on: the table's, unless a key chose one the
        table does not show yet."""
        if self._selecting is not None and self._selecting in self.intended:
            return self._selecting
        return self.query_one(RunsTable).selected

    def on_snapshot_ready(self, message: SnapshotReady) -> None:
        self.snapshot, self.step = message.snapshot, message.step
        self.playing, self.done = message.playing, message.done
        news = message.news
        self.intended.confirm(news.configs, news.restarts, news.handled)
        table = self.query_one(RunsTable)
        table.show(message.snapshot, message.playing)
        if self._selecting is not None and news.handled >= self._selecting_after:
            table.select(self._selecting)  # unless the process refused it: then it never comes
            self._selecting = None
        charts = self.query_one(ChartsPanel)
        charts.show_snapshot(message.snapshot, self.selected or "")
        if message.boundary is not None:
            charts.show_boundary(message.boundary)
        self.query_one(Caption).show_step(message.step)
        self._show_form()
        self._show_status()
        self._watch()

    def on_training_progress(self, message: TrainingProgress) -> None:
        """Between two slow snapshots: the timeline's clock moves on, its captions, and the
        step (and epoch) of the rows still training; the rest waits for the snapshot."""
        self.step = message.step
        self.query_one(Caption).show_step(message.step)
        if self.snapshot is not None:
            self.query_one(RunsTable).show(self.snapshot.advanced_to(message.step), self.playing)

    def on_claims_ready(self, message: ClaimsReady) -> None:
        """The preset is played out: show what the core found, claim by claim."""
        self.claims = message
        self.query_one(ClaimsPanel).show_claims(message.claims, message.modified)
        self.query_one(ClaimsPanel).display = True

    def on_trainer_notice(self, message: TrainerNotice) -> None:
        """A notice of the training process, in the user's language: its detail is the
        error itself (nn/errors.py), not words."""
        lang = self.app.lang
        error = refusal(message.detail, lang)
        text = tr(f"notice.{message.key}", lang, error=error, key=key_for("reset"))
        self.notify(text, severity=message.severity)

    def on_run_selected(self, message: RunSelected) -> None:
        self._show_form()
        if self.snapshot is not None:
            self.query_one(ChartsPanel).show_snapshot(self.snapshot, message.name)
        self._watch()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._watch()

    def _watch(self) -> None:
        """Tell the trainer what the charts need (the selected run's boundary, or nothing)."""
        if self.trainer is not None:
            self.trainer.watch(self.selected, self.query_one(ChartsPanel).wants_boundary)

    def _show_form(self) -> None:
        name = self.selected
        if name in self.intended:
            self.query_one(SetupForm).show(name, self.intended.shown(name))

    def _show_status(self) -> None:
        lang = self.app.lang
        if self.done:
            state = tr("status.all_done", lang, key=key_for("reset"))
        elif self.playing:
            state = tr("status.training", lang)
        else:
            state = tr("status.paused" if self.step else "status.ready", lang)
        apply_all = self.query_one(SetupForm).apply_all
        target = tr("status.apply_all" if apply_all else "status.apply_selected", lang)
        runs = self.query_one(RunsTable)
        # Setting a border text repaints the whole table, so only when the words change; the
        # step is in every row, not here, or the table would repaint at every snapshot.
        title = f"{tr('panel.runs', lang)} · {localized(self.preset.title, lang)}"
        subtitle = f"{state} · {target}"
        if runs.border_title != title:
            runs.border_title = title
        if runs.border_subtitle != subtitle:
            runs.border_subtitle = subtitle

    # -- changes from the form and from keys -----------------------------------------------

    def on_settings_edited(self, message: SettingsEdited) -> None:
        names = self.intended.names if message.apply_all else [message.run]
        if all(key in LIVE_FIELDS for key in message.changes):
            self._change(names, lambda config: message.changes)
            return
        lang = self.app.lang
        for name, error in self.intended.edit(names, message.changes):
            self.notify(f"{name}: {refusal(error, lang)}", severity="error")
        field = tr(f"setting.{message.field}", lang)
        self.notify(tr("notice.applies_on_reset", lang, field=field, key=key_for("reset")))

    def on_apply_all_changed(self, message: ApplyAllChanged) -> None:
        self._show_status()

    def _targets(self) -> list[str]:
        if self.query_one(SetupForm).apply_all:
            return self.intended.names
        return [self.selected] if self.selected in self.intended else []

    def _change(self, names: list[str], changes_for: Callable[[RunConfig], dict[str, Any]]) -> None:
        """A live change to each run, computed from its intended config."""
        try:
            self.intended.change(names, changes_for)
        except (ConfigError, KeyError) as error:
            lang = self.app.lang
            text = tr("notice.change_failed", lang, error=refusal(error, lang))
            self.notify(text, severity="error")
            return
        self._show_form()

    def _change_selected(self, changes_for: Callable[[RunConfig], dict[str, Any]]) -> None:
        """A key's live change, computed from the selected run and sent to the targets."""
        name = self.selected
        if name not in self.intended:
            return
        changes = changes_for(self.intended.configs[name])
        self._change(self._targets(), lambda config: changes)

    # -- actions -----------------------------------------------------------------------------

    def action_toggle_play(self) -> None:
        self._send(Toggle())

    def action_single_step(self) -> None:
        self._send(Step())

    def action_reset(self) -> None:
        if self.trainer is None:
            return
        try:
            self.intended.reset()
        except ConfigError as error:
            self._refused("reset_failed", error)
            return
        self.claims = None  # verdicts belong to the runs that were reset
        self.query_one(ClaimsPanel).display = False
        self._show_form()

    def action_add_run(self) -> None:
        name = self.selected
        if self.trainer is None or name not in self.intended:
            return
        try:
            self._select(self.intended.add(name))
        except ConfigError as error:
            self._refused("add_failed", error)
            return
        self._show_form()
        # the next step is to change one thing in the form, so make sure it is shown
        self.set_class(self.has_class("-narrow"), "-setup-toggled")

    def action_remove_run(self) -> None:
        name = self.selected
        if self.trainer is None or name not in self.intended:
            return
        try:
            self.intended.remove(name)
        except (ConfigError, KeyError) as error:
            self._refused("remove_failed", error)
            return
        self._select(self.intended.names[0])  # where the table's cursor goes then
        self._show_form()

    def _refused(self, notice: str, error: Exception) -> None:
        """A command the screen refused at once, said in the user's language."""
        lang = self.app.lang
        self.notify(tr(f"notice.{notice}", lang, error=refusal(error, lang)), severity="error")

    def _select(self, name: str) -> None:
        """Act on `name` from now on; the table selects it once it shows the commands sent."""
        assert self.trainer is not None
        self._selecting, self._selecting_after = name, self.trainer.sent

    def action_lr_up(self) -> None:
        self._change(self._targets(), lambda config: {"lr": config.optimizer.lr * 2})

    def action_lr_down(self) -> None:
        self._change(self._targets(), lambda config: {"lr": config.optimizer.lr / 2})

    def action_cycle_optimizer(self) -> None:
        self._change_selected(lambda c: {"optimizer": cycle(tuple(OPTIMIZERS), c.optimizer.name)})

    def action_cycle_dropout(self) -> None:
        self._change_selected(lambda config: {"dropout": cycle(DROPOUTS, config.dropout)})

    def action_cycle_l1(self) -> None:
        self._change_selected(lambda config: {"l1": cycle(PENALTIES, config.l1)})

    def action_cycle_l2(self) -> None:
        self._change_selected(lambda config: {"l2": cycle(PENALTIES, config.l2)})

    def action_toggle_batch_norm(self) -> None:
        self._change_selected(lambda config: {"batch_norm": not config.batch_norm})

    def action_toggle_apply_all(self) -> None:
        form = self.query_one(SetupForm)
        form.apply_all = not form.apply_all
        self._show_status()

    def action_toggle_log(self) -> None:
        self.query_one(ChartsPanel).toggle_log_scale()

    def action_next_surface(self) -> None:
        self.query_one(ChartsPanel).action_next_surface()

    def action_toggle_setup(self) -> None:
        self.toggle_class("-setup-toggled")

    def action_show_chart(self, name: str) -> None:
        self.query_one(ChartsPanel).show_chart(name)
        self._watch()

    def action_toggle_claims(self) -> None:
        """Show or hide the claims panel; before the end, say when the claims come."""
        panel = self.query_one(ClaimsPanel)
        if self.claims is None:
            panel.display = False
            lang = self.app.lang
            self.notify(tr("notice.no_claims", lang, count=len(self.preset.claims)))
        else:
            panel.display = not panel.display

    def action_focus_runs(self) -> None:
        self.query_one(RunsTable).focus()
