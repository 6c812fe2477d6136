"""The main screen: setup form, runs table, charts and caption around one trainer.

The screen owns the Trainer (its handle on the training process) and turns keys into
commands. What the runs are meant to be (their configs, the edits waiting for a reset) is
kept by `IntendedRuns`, which computes each key's change from the previous key's result,
so a burst of keys ends where the same keys pressed slowly end; the form shows it.
What was measured comes from `SnapshotReady` messages (between snapshots spaced for cost,
`TrainingProgress`: the step alone; at the end of a preset, `ClaimsReady`: the claims the
core checked); the screen computes no statistics itself.

A classroom scenario locks settings (`Preset.locked`: the form shows them as locked, and
`IntendedRuns` refuses a change to one, which the screen says with what may change) and
hides parts of the screen (`Preset.hidden`, among `PARTS`). Until training starts, a hint
over the charts says how to start.

The screen also sets the pace (steps a second while playing, tui/training/pace.py: the
preset's, then `<` / `>`), opens on the preset's view, and plays its narration (the
caption widget's `Narration`): it moves a caption on when it has been read, goes to the
view a caption names, and holds training at the next caption's step while the one on
screen is still being read. The student may move away from any view, and `n` / `N` move
through the captions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static, TabbedContent

from nn.comparison import load_data
from nn.config import LIVE_FIELDS, ConfigError, RunConfig
from nn.data import DataError, Dataset
from nn.optimizers import OPTIMIZERS
from nn.snapshot import Snapshot
from presets.loader import check_views
from presets.preset import Preset, View
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
from tui.training.intended import IntendedRuns
from tui.training.pace import MAX, faster, level_for, slower
from tui.training.protocol import Command, Hold, Pace, Step, Toggle
from tui.training.trainer import Trainer
from tui.widgets.caption import Caption
from tui.widgets.charts_panel import CHART_NAMES, ChartsPanel
from tui.widgets.claims_panel import ClaimsPanel
from tui.widgets.footer import Footer
from tui.widgets.runs_table import RunsTable
from tui.widgets.setup_form import SetupForm, free_settings

DROPOUTS = (0.0, 0.2, 0.5)
PENALTIES = (0.0, 1e-4, 1e-3, 1e-2, 0.1)  # L1 and L2 strengths the keys step through (the
# lecture's weight decay is 0.1: the first that narrows close-the-gap's train/test gap)

# The parts of the screen a preset may hide (`hide = ["form"]`), and the widget of each.
PARTS = {
    "form": "setup",
    "runs": "runs",
    "charts": "charts",
    "caption": "caption",
    "claims": "claims",
}
NARRATION_TICK = 0.1  # seconds between looks at how long the caption has been up


def check_stage(preset: Preset) -> None:
    """Refuse a preset whose views name a chart tab, or whose `hide` names a part of the
    screen, that this app does not have (PresetError names the key)."""
    check_views(preset, CHART_NAMES, tuple(PARTS))


def cycle(values: Sequence[Any], current: Any) -> Any:
    """The value after `current` in `values` (numbers: the next larger one), wrapping."""
    if current in values:
        return values[(list(values).index(current) + 1) % len(values)]
    larger = [v for v in values if isinstance(v, int | float) and v > current]
    return larger[0] if larger else values[0]


class MainScreen(Screen):
    """The lab bench: see the module docstring."""

    CSS_PATH = "main.tcss"
    BINDINGS = MAIN_BINDINGS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, preset: Preset, dataset: Dataset | None = None) -> None:
        super().__init__()
        self.preset = preset
        self.dataset = dataset  # for the boundary chart; loaded in the background if None
        self.trainer: Trainer | None = None
        self.intended = IntendedRuns(preset.run_configs(), self._send, preset.locked)
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
        self.pace = level_for(preset.pace)  # steps a second while playing (pace.LEVELS)
        self._hold: int | None = None  # the step training is held at (Hold), if any

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield SetupForm(locked=self.preset.locked, id="setup")
            with Vertical(id="right"):
                yield RunsTable(regression=self.preset.base.data.regression, id="runs")
                yield ChartsPanel(id="charts")
                yield Static(id="start-hint", markup=False)
        yield ClaimsPanel(id="claims")
        yield Caption(self.preset, id="caption")
        yield Footer()
        for part in self.preset.hidden:
            self.add_class(f"-hide-{part}")

    def on_mount(self) -> None:
        self.trainer = Trainer(self.preset, self.post_message)
        self.run_worker(self.trainer.relay, name="trainer", thread=True, exit_on_error=True)
        if self.dataset is not None:
            self.query_one(ChartsPanel).set_dataset(self.dataset)
        else:
            self.run_worker(self._load_dataset, name="dataset", thread=True, exit_on_error=False)
        self.query_one(RunsTable).focus()
        self.watch(self.app, "lang", self._show_status, init=False)
        if self.pace != MAX:  # the training process starts at max
            self._send(Pace(self.pace))
        self._go_to(self.preset.view)
        self._narrate()
        self.set_interval(NARRATION_TICK, self._narrate)
        self.watch(self.app, "lang", self._show_start_hint)

    @property
    def locked_settings(self) -> frozenset[str]:
        """The settings this scenario locks (the footer leaves their keys out)."""
        return self.intended.locked

    def hides(self, part: str) -> bool:
        """Whether the preset hides this part of the screen (one of PARTS)."""
        return part in self.preset.hidden

    def _show_start_hint(self) -> None:
        """Until the first step: how to start, over the empty charts."""
        hint = self.query_one("#start-hint", Static)
        waiting = self.step == 0 and not self.playing and not self.done
        hint.display = waiting and not self.hides("charts")
        if waiting:
            keys = {"play": "toggle_play", "step": "single_step", "help": "help"}
            text = tr("start.hint", self.app.lang, **{k: key_for(a) for k, a in keys.items()})
            hint.update(text)

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
            charts.show_boundary(message.boundary, message.news.grids)
        if message.news.network is not None:
            charts.show_network(message.news.network)
        configs = {config.name: config for config in news.configs}
        narration = self.query_one(Caption).narration
        narration.observe(message.step, message.snapshot, configs, news.n_train)
        self._show_form()
        self._narrate()
        self._show_start_hint()
        self._watch()

    def on_training_progress(self, message: TrainingProgress) -> None:
        """Between two slow snapshots: the timeline's clock moves on, its captions, and the
        step (and epoch) of the rows still training; the rest waits for the snapshot."""
        self.step = message.step
        self.query_one(Caption).narration.observe(message.step)
        self._narrate()
        self._show_start_hint()
        if self.snapshot is not None:
            self.query_one(RunsTable).show(self.snapshot.advanced_to(message.step), self.playing)

    def on_claims_ready(self, message: ClaimsReady) -> None:
        """The preset is played out: show what the core found, claim by claim."""
        self.claims = message
        panel = self.query_one(ClaimsPanel)
        panel.show_claims(message.claims, message.modified)
        panel.fold(True)  # one line; its key opens it
        panel.display = not self.hides("claims")

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
        """Tell the trainer what the charts need (the selected run's boundary, the gradient
        noise, its units for the Network tab, or nothing)."""
        if self.trainer is not None:
            charts = self.query_one(ChartsPanel)
            self.trainer.watch(
                self.selected, charts.wants_boundary, charts.wants_noise, charts.wants_network
            )

    def _show_form(self) -> None:
        name = self.selected
        if name in self.intended:
            self.query_one(SetupForm).show(name, self.intended.shown(name))

    def _show_status(self) -> None:
        lang = self.app.lang
        if self.done:
            state = tr("status.all_done", lang, key=key_for("reset"))
        elif self.playing and self._hold is not None and self.step >= self._hold:
            state = tr("narration.reading", lang, key=key_for("next_caption"))
        elif self.playing:
            state = tr("status.training", lang)
        else:
            state = tr("status.paused" if self.step else "status.ready", lang)
        pace = tr("pace.max", lang) if self.pace == MAX else tr("pace.level", lang, rate=self.pace)
        apply_all = self.query_one(SetupForm).apply_all
        target = tr("status.apply_all" if apply_all else "status.apply_selected", lang)
        runs = self.query_one(RunsTable)
        # Setting a border text repaints the whole table, so only when the words change; the
        # step is in every row, not here, or the table would repaint at every snapshot.
        title = f"{tr('panel.runs', lang)} · {localized(self.preset.title, lang)}"
        subtitle = f"{state} · {pace} · {target}"
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
        try:
            refused = self.intended.edit(names, message.changes)
        except ConfigError as error:  # a locked setting
            self._say_refused(error)
            return
        for name, error in refused:
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
            self._say_refused(error)
            return
        self._show_form()

    def _say_refused(self, error: Exception) -> None:
        """A change refused: why, and for a locked setting what the student may change."""
        lang = self.app.lang
        if getattr(error, "code", "") == "locked":
            setting = getattr(error, "field", "")
            label = tr(f"setting.{setting}", lang)
            free = [tr(f"setting.{key}", lang) for key in free_settings(self.preset.locked)]
            text = tr(
                "lock.refused",
                lang,
                setting=label,
                free=", ".join(free) or tr("lock.nothing", lang),
            )
            self.notify(text, severity="warning")
            return
        text = tr("notice.change_failed", lang, error=refusal(error, lang))
        self.notify(text, severity="error")

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
        self._show_start_hint()
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

    def action_cycle_x_axis(self) -> None:
        self.query_one(ChartsPanel).cycle_x_axis()

    def action_toggle_grid(self) -> None:
        self.query_one(ChartsPanel).toggle_grid()

    def action_toggle_setup(self) -> None:
        if self.hides("form"):
            self.notify(tr("lock.form_hidden", self.app.lang))
            return
        self.toggle_class("-setup-toggled")

    def action_show_chart(self, name: str) -> None:
        self.query_one(ChartsPanel).show_chart(name)
        self._watch()

    def action_toggle_claims(self) -> None:
        """Open or fold the claims panel; before the end, say when the claims come."""
        panel = self.query_one(ClaimsPanel)
        if self.hides("claims"):
            self.notify(tr("lock.claims_hidden", self.app.lang))
        elif self.claims is None:
            panel.display = False
            lang = self.app.lang
            self.notify(tr("notice.no_claims", lang, count=len(self.preset.claims)))
        else:
            panel.fold(not panel.folded)

    def action_focus_runs(self) -> None:
        self.query_one(RunsTable).focus()

    # -- pace and narration ------------------------------------------------------------------

    def action_pace_slower(self) -> None:
        self._set_pace(slower(self.pace))

    def action_pace_faster(self) -> None:
        self._set_pace(faster(self.pace))

    def _set_pace(self, pace: float) -> None:
        if pace != self.pace:
            self.pace = pace
            self._send(Pace(pace))
            self._show_status()

    def action_next_caption(self) -> None:
        self._jump(self.query_one(Caption).narration.next())

    def action_previous_caption(self) -> None:
        self._jump(self.query_one(Caption).narration.previous())

    def _jump(self, moved: bool) -> None:
        if moved:
            current = self.query_one(Caption).narration.current
            self._go_to(current.view if current is not None else None)
            self._narrate()

    def _narrate(self) -> None:
        """Move the narration on (a caption read, the next one due: its view), redraw the
        caption, and hold training where the caption on screen needs it held."""
        caption = self.query_one(Caption)
        narration, lang = caption.narration, self.app.lang
        if narration.tick(lang) and narration.current is not None:
            self._go_to(narration.current.view)
        caption.refresh_text()
        hold = narration.barrier(lang)
        if hold != self._hold:
            self._hold = hold
            self._send(Hold(hold))
        self._show_status()

    def _go_to(self, view: View | None) -> None:
        """Where a preset or a caption says to look: its tab, scales and run. Once: the
        student may move away."""
        if view is None:
            return
        self.query_one(ChartsPanel).apply_view(view)
        if view.run is not None and view.run in self.intended:
            table = self.query_one(RunsTable)
            if view.run in table.names:
                table.select(view.run)
            else:  # no rows yet: the first snapshot brings them
                self._selecting, self._selecting_after = view.run, 0
            self._watch()
