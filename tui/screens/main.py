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

The screen also keeps the session (tui/session.py): what the training process carried out,
the step reached and where the student is looking, written as it changes, so that however
the app ends, `trainlab --resume` brings it back; and it records every run that finishes
or stops in the run history (tui/history.py). A training process that dies is said so, and
`r` starts a new one where the old one was.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Select, Static, TabbedContent

from nn.comparison import load_data
from nn.config import LIVE_FIELDS, ConfigError, RunConfig
from nn.data import DataError, Dataset
from nn.optimizers import OPTIMIZERS
from nn.snapshot import DIVERGED, DONE, HISTORY_FIELDS, History, Snapshot
from presets.loader import check_views
from presets.preset import Preset, View
from tui import export
from tui.history import HistoryError, HistoryStore, Recorder, default_path, scenario_of
from tui.i18n import explain, localized, refusal, tr
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
from tui.screens.keep import HistoryScreen, PathDialog
from tui.screens.steady import SteadyResize
from tui.screens.too_small import HEIGHT_CLASSES, WIDTH_CLASSES, TooSmallNotice
from tui.session import Session, SessionError, SessionKeeper, SessionStore
from tui.share import runs_since_reset, session_toml
from tui.training.intended import IntendedRuns
from tui.training.pace import MAX, faster, level_for, slower
from tui.training.protocol import (
    Checkpoint,
    Command,
    Event,
    Hold,
    Pace,
    Pause,
    Resume,
    Step,
    Toggle,
)
from tui.training.trainer import Trainer
from tui.widgets.caption import Caption
from tui.widgets.charts_panel import CHART_NAMES, ChartsPanel
from tui.widgets.claims_panel import ClaimsPanel
from tui.widgets.footer import Footer
from tui.widgets.loss_chart import Pinned
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


class MainScreen(SteadyResize, Screen):
    """The lab bench: see the module docstring."""

    CSS_PATH = "main.tcss"
    BINDINGS = MAIN_BINDINGS
    HORIZONTAL_BREAKPOINTS = WIDTH_CLASSES
    VERTICAL_BREAKPOINTS = HEIGHT_CLASSES
    KEEP_SECONDS = 0.5  # the session is written at most this long after it changes
    CHECKPOINT_EVERY = 60.0  # seconds of training between two checkpoints
    CHECKPOINT_WAIT = 10.0  # the longest the end of a session waits for its checkpoint

    def __init__(
        self, preset: Preset, dataset: Dataset | None = None, session: Session | None = None
    ) -> None:
        """`session`: an earlier session to bring back (tui/session.py), else a new one."""
        super().__init__()
        self.preset = preset
        self.resumed = session
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
        self.keeper: SessionKeeper | None = None
        self.recorder: Recorder | None = None
        self._base_events: tuple[Event, ...] = ()  # the session's, before this trainer
        self._recorded: set[str] = set()  # runs recorded as finished
        self._checkpoint_asked = 0.0
        self._ended = False
        self._announce = False  # a resumed session: say so at its first snapshot
        self.pins: dict[int, Pinned] = {}  # runs of the history drawn faded, by their id

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
        yield TooSmallNotice(id="too-small")

    def on_mount(self) -> None:
        self._start_session()
        if self.dataset is not None:
            self.query_one(ChartsPanel).set_dataset(self.dataset)
        else:
            self.run_worker(self._load_dataset, name="dataset", thread=True, exit_on_error=False)
        self.query_one(RunsTable).focus()
        self.watch(self.app, "lang", self._show_status, init=False)
        if self.pace != MAX:  # the training process starts at max
            self._send(Pace(self.pace))
        if self.resumed is None:  # a resumed session looks where the student last looked
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
        code = self.app.return_code
        self.end_session("crashed" if code not in (None, 0) else "quit")

    def stop_training(self) -> None:
        """Ask the training process to finish; it does within one chunk (~15 ms)."""
        if self.trainer is not None:
            self.trainer.stop()

    # -- the session ---------------------------------------------------------------------------

    def _start_session(self) -> None:
        """Start the training process (bringing the session back, if one was given), the
        session's keeper and the run history's recorder."""
        store = SessionStore()
        session = self.resumed or Session.new(self.preset, self.app.lang)
        self.keeper = SessionKeeper(store, session, self._session_problem)
        self._base_events = session.events
        resume = session.resume(store.folder) if self.resumed is not None else None
        if resume is None and self.preset.reached:  # a saved session: up to where it was
            resume = Resume((), self.preset.reached)
            self.keeper.update(step=self.preset.reached)
        self._start_trainer(resume)
        self.recorder = Recorder.for_preset(self.preset, notify=self._history_problem)
        self.recorder.continue_session(session.id)  # a resumed session's runs: their rows
        self.recorder.prepare()  # a bad history is set aside, and said, now
        self.set_interval(self.KEEP_SECONDS, self._keep)
        if self.resumed is not None:
            self._look_as(self.resumed)
            self.notify(tr("keep.resuming", self.app.lang, step=session.step))
            self._announce = True

    def _start_trainer(self, resume: Resume | None) -> None:
        self.trainer = Trainer(self.preset, self.post_message, resume)
        self.run_worker(self.trainer.relay, name="trainer", thread=True, exit_on_error=True)

    def _look_as(self, session: Session) -> None:
        """Where the student was looking when the session was kept."""
        view = session.view
        self.query_one(ChartsPanel).apply_view(
            View(
                tab=view.get("tab"),
                log=view.get("log"),
                x=view.get("x"),
                surface=view.get("surface"),
            )
        )
        if session.selected is not None:
            self._selecting, self._selecting_after = session.selected, 0
        if session.pace is not None:
            self._set_pace(level_for(session.pace))
        for record_id in session.pinned:
            self.toggle_pin(record_id)

    def look(self) -> dict[str, Any]:
        """Where the student is looking: the chart tab, log scale, x axis and surface."""
        charts = self.query_one(ChartsPanel)
        surface = charts.query_one("#surface", Select).value
        return {
            "tab": charts.active_chart,
            "log": bool(getattr(charts.chart("loss"), "log_y", False)),
            "x": charts.x_axis,
            "surface": surface if isinstance(surface, str) else None,
        }

    def _keep(self) -> None:
        """Bring the session up to date (the writer writes it if it changed), and ask for
        a checkpoint after a minute of training, so that resuming never replays long."""
        if self.keeper is None or self.trainer is None or self._ended:
            return
        trainer = self.trainer
        events = self._base_events + tuple(trainer.logged)
        step, saved = trainer.step, trainer.saved
        checkpoint = self.keeper.session.checkpoint
        if saved is not None and saved.events <= len(events):
            checkpoint = Path(saved.path).name
            if saved.events == len(events):
                step = max(step, saved.step)
        kept = self.keeper.session
        selected, view = kept.selected, kept.view
        with contextlib.suppress(NoMatches):  # at the very end the widgets may be gone
            selected, view = self.selected, self.look()
        self.keeper.update(
            events=events,
            step=step,
            checkpoint=checkpoint,
            selected=selected,
            view=view,
            lang=self.app.lang,
            pace=self.pace,
            pinned=tuple(self.pins),
        )
        self.keeper.tick()
        now = time.monotonic()
        if self.playing and now - self._checkpoint_asked >= self.CHECKPOINT_EVERY:
            if self._checkpoint_asked:  # not at the first tick of training: a minute on
                trainer.send(Checkpoint(str(self.keeper.checkpoint_path)))
            self._checkpoint_asked = now

    def end_session(self, ending: str) -> None:
        """However the app ends (quit, SIGHUP, SIGTERM, another preset): a checkpoint from
        the training process, the session written, the runs recorded in the history.
        Once; blocks up to CHECKPOINT_WAIT seconds for the checkpoint."""
        if self._ended:
            return
        trainer = self.trainer
        if trainer is not None and self.keeper is not None:
            if trainer.alive and not trainer.ended:
                trainer.send(Pause())
                trainer.send(Checkpoint(str(self.keeper.checkpoint_path)))
                trainer.stop(timeout=self.CHECKPOINT_WAIT)
                trainer.wait_relayed(1.0)
            else:
                trainer.stop()
            self._keep()
        self._ended = True
        if self.keeper is not None:
            self.keeper.flush(ending)
            self.keeper.close()
        if self.recorder is not None:
            if self.snapshot is not None:
                self.recorder.record(self.snapshot, self.intended.reported, stopped=True)
            self.recorder.close(timeout=5)

    def _record_finished(self, snapshot: Snapshot) -> None:
        """Record the runs that have finished (done or diverged) since the last time."""
        finished = {run.name for run in snapshot.runs if run.status in (DONE, DIVERGED)}
        if self.recorder is not None and finished - self._recorded:
            self.recorder.record(snapshot, self.intended.reported, stopped=False)
        self._recorded = finished

    def _session_problem(self, error: SessionError) -> None:
        """From the session's writer thread: the session cannot be kept (said once)."""
        self.post_message(TrainerNotice("session_problem", error, "warning"))

    def _history_problem(self, problem: Any) -> None:
        """From the history's writer thread: a history set aside, or not writable."""
        self.post_message(TrainerNotice("history_problem", problem, "warning"))

    def restart_training(self) -> None:
        """A new training process where the dead one was: the session's events replayed
        (from its last checkpoint) up to the step it had reached, paused."""
        if self.keeper is None:
            return
        self._keep()
        session = self.keeper.session
        self._base_events = session.events
        self.intended.restart()
        self.playing = False
        self._start_trainer(session.resume(self.keeper.store.folder))
        lang = self.app.lang
        self.notify(tr("keep.restarting", lang, step=session.step))

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
        self._record_finished(message.snapshot)
        if self._announce:
            self._announce = False
            lang = self.app.lang
            self.notify(tr("keep.resumed", lang, step=message.step, key=key_for("toggle_play")))
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
        if message.key == "trainer_ended":  # it died: say so, and offer a new one
            self.playing = False
            if self.snapshot is not None:
                self.query_one(RunsTable).show(self.snapshot, False)
            self._show_status()
            text = tr("keep.trainer_ended", lang, key=key_for("reset"))
            self.notify(text, severity="error", timeout=30)
            return
        if message.key in ("session_problem", "history_problem"):
            self.notify(
                tr(f"keep.{message.key}", lang, error=explain(message.detail, lang)),
                severity="warning",
                timeout=15,
            )
            return
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
        if self.trainer.ended:  # the training process died: `r` starts it again
            self.restart_training()
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

    # -- what the session keeps: saved to share, exported, the run history ---------------------

    def action_save_session(self) -> None:
        """Save the session as a preset file at a path the student types (tui/share.py)."""
        if self.keeper is None:
            return
        self._keep()
        session, lang = self.keeper.session, self.app.lang

        def write(typed: str) -> str:
            path = export.target(typed, (".toml",))
            export.write(path, session_toml(self.preset, session, lang, path.name))
            return str(path)

        def saved(path: str | None) -> None:
            if path is not None:
                changes = len(runs_since_reset(self.preset, session)[2])
                text = tr(
                    "keep.save.saved", self.app.lang, path=path, step=session.step, changes=changes
                )
                self.notify(text, timeout=10)

        default = f"{self.preset.name}-step{session.step}.toml"
        self.app.push_screen(PathDialog("keep.save", default, write), saved)

    def action_export(self) -> None:
        """Export what the runs measured (.csv, .json, as `trainlab run` writes them) or
        the chart in view (.txt, .svg), as they are now, to a path the student types."""
        snapshot = self.snapshot or Snapshot((), ())
        charts = self.query_one(ChartsPanel)
        name = charts.active_chart
        chart = charts.chart(name)
        picture, width = chart.picture.copy(), chart.content_size.width
        scenario = self.preset.path or self.preset.name
        lang = self.app.lang
        title = tr(f"chart.{name}", lang)
        kinds = (".csv", ".json", ".txt", ".svg")

        def write(typed: str) -> str:
            path = export.target(typed, kinds)
            kind = path.suffix.lower()
            if kind == ".csv":
                text = export.csv_text(snapshot)
            elif kind == ".json":
                seconds = export.training_seconds(snapshot)
                text = export.json_text(scenario, snapshot, seconds)
            elif kind == ".txt":
                text = picture.plain.rstrip() + "\n"
            else:
                text = export.chart_svg(picture, width, f"trainlab · {title}")
            export.write(path, text)
            return str(path)

        def exported(path: str | None) -> None:
            if path is not None:
                kind = path.rsplit(".", 1)[-1].lower()
                what = tr(f"keep.export.{kind}", self.app.lang, chart=title)
                self.notify(tr("keep.export.done", self.app.lang, what=what, path=path))

        default = f"{self.preset.name}-step{self.step}.csv"
        self.app.push_screen(PathDialog("keep.export", default, write), exported)

    def action_history(self) -> None:
        """The run history: past runs, pinned faded beside today's on a key."""
        scenario, _, _ = scenario_of(self.preset)
        title = localized(self.preset.title, self.app.lang)
        self.app.push_screen(
            HistoryScreen(scenario, title, lambda: set(self.pins), self.toggle_pin, self.unpin_all)
        )

    def toggle_pin(self, record_id: int) -> None:
        """Pin a run of the history (its curves read off the UI thread), or unpin it."""
        if record_id in self.pins:
            del self.pins[record_id]
            self._show_pins()
        else:
            self.run_worker(lambda: self._fetch_pin(record_id), thread=True, group="pins")

    def unpin_all(self) -> None:
        self.pins.clear()
        self._show_pins()

    def _fetch_pin(self, record_id: int) -> None:
        """In a thread: one past run's curves, as a faded curve to draw."""
        try:
            store = HistoryStore.read(default_path())
            record = None
            if store is not None:
                with store:
                    record = store.get(record_id)
        except (HistoryError, OSError) as error:
            self.post_message(TrainerNotice("history_problem", str(error), "warning"))
            return
        if record is None or record.history is None:
            return  # gone from the history since: nothing to draw
        columns = record.history
        length = len(columns.get("step", ()))
        history = History(
            **{name: columns.get(name, np.full(length, np.nan)) for name in HISTORY_FIELDS}
        )
        pinned = Pinned(f"#{record_id} {record.run}", history)
        self.app.call_from_thread(self._pinned, record_id, pinned)

    def _pinned(self, record_id: int, pinned: Pinned) -> None:
        if not self._ended:
            self.pins[record_id] = pinned
            self._show_pins()

    def _show_pins(self) -> None:
        self.query_one(ChartsPanel).set_pinned(list(self.pins.values()))
        screen = self.app.screen
        if isinstance(screen, HistoryScreen):
            screen.refresh_pins()
