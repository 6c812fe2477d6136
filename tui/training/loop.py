"""The training process: a loop that owns the Comparison, obeys commands, sends results.

Why a process and not just a thread: plotext 6 draws through thousands of small ctypes
calls, each of which releases Python's GIL; a training thread in the same process then
takes the GIL for up to 5 ms at every one of them, and one chart draw stretched from
10 ms to seconds. In a process of its own, training has a core to itself and the
interface has the other: neither waits for the other. This module imports no Textual, so
the process does not load it for itself (tests/test_trainer.py checks).

The loop looks at the command pipe between chunks of ~15 ms of training, so pause, reset
and quit act well within 0.2 s; it sends a snapshot at most every 200 ms: cheap metrics
each time, per-layer statistics and the decision grid only as often as the charts can
draw them (~4 Hz). When snapshots are costly (32 image nets: about a second each), they
are spaced so that measuring takes at most MEASURING_SHARE of the time, and in between
the loop sends the step count alone (`Progress`). A snapshot's history carries only the
points the interface has not had: the whole past, five times a second, would cost more
every minute. All of this pacing reads one `Clock`, which tests replace with their own,
so that no test depends on how fast the machine is.

Training itself is paced too (pace.py): at a pace of so many steps a second the loop
trains the steps due by now, then waits on the command pipe until the next are due, so
it never spins, and a pause or a new pace acts the moment it arrives, at 1 step a second
as at max. At "max" it trains chunk after chunk, as fast as the core goes. The screen may
also hold training at a step (`Hold`) while a caption is read: the loop stops there,
shows it, and waits for the word to go on.

A session comes back here (`start_loop`): from a checkpoint this process wrote when asked
(`Checkpoint`), if it holds the session's first events, and by replaying the rest, each
event at its step, up to the step the session had reached; or by replaying all of them.
Every command that changed the runs is kept as an `Event` with its step and sent to the
screen (`Logged`), which keeps the session's file.

A preset's claims are checked here too, by the same `PresetRecorder` that `trainlab check`
uses: chunks never step past a step a claim reads, and when every run is done the loop
evaluates the claims and sends them (`Claims`), marked `modified` when the user changed
anything the preset did not, so that a student is never misled.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import time
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any, Protocol

from nn import checkpoint
from nn.comparison import Comparison
from nn.config import ConfigError, RunConfig
from nn.errors import Explained
from nn.network_view import network_view
from nn.snapshot import MEASURING_SHARE, HistoryBuffer, Snapshot
from presets.claims import ClaimResult
from presets.player import PresetRecorder
from presets.preset import Preset
from tui.training.pace import MAX, Pacer
from tui.training.protocol import (
    Add,
    Change,
    Checkpoint,
    Claims,
    Command,
    Edits,
    Event,
    Hold,
    Logged,
    Notice,
    Pace,
    Pause,
    Progress,
    Remove,
    Reset,
    Result,
    Resume,
    Saved,
    SnapshotNews,
    Step,
    Stop,
    Toggle,
    Watch,
)
from tui.training.replay import fingerprint

Send = Callable[[Result], Any]


class Commands(Protocol):
    """The loop's end of the command pipe (a Connection, or a test's script)."""

    def poll(self, timeout: float = 0.0) -> bool: ...

    def recv(self) -> Any: ...


class Clock:
    """Where the loop reads the time: the wall clock paces chunks and snapshots, the
    thread's CPU time says what a snapshot cost (a moment without the CPU is no cost);
    and how it waits for paced steps: on the command pipe, so that a command ends the
    wait the moment it arrives."""

    def wall(self) -> float:
        return time.perf_counter()

    def cpu(self) -> float:
        return time.thread_time()

    def wait(self, commands: Commands, seconds: float) -> None:
        """Until `seconds` have passed or a command is waiting, whichever comes first."""
        commands.poll(seconds)


class TrainingLoop:
    """The training side: owns the Comparison, obeys commands, sends what it measures."""

    CHUNK_SECONDS = 0.015  # training time between two looks at the command pipe
    LABEL_INTERVAL = 0.2  # ≤ 5 snapshots a second for the labels: fewer bytes over SSH
    DETAIL_INTERVAL = 0.25  # ≤ 4 per-layer statistics / decision grids a second
    MAX_CHUNK = 5000
    HELD_WAIT = 0.5  # held at a step: how long one wait for the word to go on lasts
    REPLAY_POINTS = 300  # history points a replay keeps, at most, per stretch it trains

    def __init__(
        self,
        comparison: Comparison,
        commands: Commands | Connection,
        send: Send,
        preset: Preset | None = None,
        clock: Clock | None = None,
        pace: float = MAX,
    ) -> None:
        """`preset`: the scenario `comparison` plays, whose claims are checked at the end;
        `pace`: steps a second while playing, until a `Pace` command says otherwise."""
        self.comparison = comparison
        self.commands = commands
        self.send = send
        self.preset = preset
        self.clock = clock or Clock()
        self.pacer = Pacer(pace)
        self._speed_mark: tuple[float, int] | None = None  # (time, step) steps/s counts from
        self.hold: int | None = None  # a step not to train past while playing (Hold)
        self.playing = False
        self.stopped = False
        self.selected: str | None = None
        self.wants_boundary = False
        self.wants_noise = False
        self.wants_network = False
        self.handled = 0  # commands received so far, answered or not (see protocol.py)
        self._chunk = 1
        self._last_label = self._last_detail = float("-inf")
        self._publish_seconds = 0.0  # what the last snapshot cost, measuring and sending
        self._last_progress = float("-inf")
        self._fresh = False  # the last command handled published the state itself
        self._published_step = -1  # the step count the last snapshot showed
        # What a reset starts each run from: its config at step 0 with the user's live
        # changes since, but not the timeline's (those come again at their steps).
        self.restarts: dict[str, RunConfig] = {run.name: run.config for run in comparison.runs}
        self.modified = False  # the user changed something the preset did not
        self.recorder: PresetRecorder | None = None
        self.claims_sent = False
        self._start_recording()
        self._sent: dict[str, tuple[HistoryBuffer, int]] = {}  # per run: history, points sent
        self.events: list[Event] = []  # every command that changed the runs, at its step
        self._logged = 0  # events sent to the screen so far

    def _start_recording(self) -> None:
        """A fresh recorder for a comparison at step 0 (a preset with claims only)."""
        self.claims_sent = False
        self.recorder = None
        if self.preset is not None and self.preset.claims:
            self.recorder = PresetRecorder(self.preset, self.comparison)
            self.recorder.take()

    def run(self) -> None:
        self._publish(detail=True)
        if self.comparison.done:  # a session resumed at its end: its verdicts again
            self._send_claims()
        while not self.stopped:
            self.turn()

    def turn(self) -> None:
        """One look at the commands, then a chunk of training, or, when no step is due
        (paced, or held), a wait for the next or for a command."""
        self._handle_commands(block=not self.playing)
        if self.stopped or not self.playing:
            return
        steps = self._steps_due()
        if steps == 0:
            self._wait()
            return
        self._train_chunk(steps)
        now = self.clock.wall()
        if self.comparison.done:
            self.playing = False
            self._publish(detail=True)
            self._send_claims()
        elif self._each_step_seen() or now - self._last_label >= self.label_interval():
            self._publish(detail=now - self._last_detail >= self.DETAIL_INTERVAL)
        elif self.label_interval() >= 2 * self.LABEL_INTERVAL and (
            min(now - self._last_label, now - self._last_progress) >= self.LABEL_INTERVAL
        ):
            self._last_progress = now  # snapshots are spaced out: the step, at least
            self.send(Progress(self.comparison.step_count))

    def _each_step_seen(self) -> bool:
        """Paced so slowly that steps come no faster than snapshots may (1 or 3 a second):
        each step gets one, so that a student sees every step."""
        return self.pacer.paced and 1 / self.pacer.rate >= self.label_interval()

    @property
    def held(self) -> bool:
        """At the step the screen holds training at (or past it: `s` may step on)."""
        return self.hold is not None and self.comparison.step_count >= self.hold

    def _steps_due(self) -> int:
        """How many steps to train now: a chunk, no more than are due at the pace, and
        none past the step training is held at."""
        step = self.comparison.step_count
        steps = min(self._chunk, self.pacer.due(self.clock.wall(), step))
        if self.hold is not None:
            steps = min(steps, self.hold - step)
        return max(0, steps)

    def _wait(self) -> None:
        """No step is due: wait until one is, or until a command comes. Held at a step,
        that step is shown first (its caption is due there), however soon it came."""
        if self.held:
            if self._published_step != self.comparison.step_count:
                self._publish(detail=True)
            self.clock.wait(self.commands, self.HELD_WAIT)
            return
        now = self.clock.wall()
        self.clock.wait(self.commands, self.pacer.wait(now, self.comparison.step_count))

    def label_interval(self) -> float:
        """Seconds from one snapshot to the next while playing: LABEL_INTERVAL, or longer
        when snapshots are slow (32 image nets evaluated on 4000 samples each: about 1 s),
        so that measuring takes no more than MEASURING_SHARE of the time from training."""
        return max(self.LABEL_INTERVAL, self._publish_seconds / MEASURING_SHARE)

    @property
    def _watching(self) -> Watch:
        """What the charts look at, as the last Watch said."""
        return Watch(self.selected, self.wants_boundary, self.wants_noise, self.wants_network)

    def _handle_commands(self, block: bool) -> None:
        """Every command waiting, then one snapshot for all of them (none if nothing new)."""
        if not self.commands.poll(0.5 if block else 0):
            return
        answer = detail = self._fresh = False
        while self.commands.poll(0):
            command = self.commands.recv()
            self.handled += 1
            if command == self._watching:
                continue  # nothing new: no snapshot in reply, or each reply would ask again
            if not isinstance(command, Pace | Hold):  # these change nothing a snapshot shows
                answer, self._fresh = True, False
            detail = self._do(command) or detail
            if self.stopped:
                self._send_log()
                return
        self._send_log()
        if answer and not self._fresh:  # a step already sent its own
            self._publish(detail=detail or not self.playing)

    def _notice(
        self, key: str, detail: str | Exception = "", severity: str = "information"
    ) -> None:
        """`detail`: the core's error itself (it carries its code, for the user's language)."""
        self.send(Notice(key, detail, severity))

    def _send_log(self) -> None:
        """The events carried out since the last time, for the session."""
        if len(self.events) > self._logged:
            self.send(Logged(tuple(self.events[self._logged :])))
            self._logged = len(self.events)

    def _log(self, step: int, command: Command) -> None:
        self.events.append(Event(step, command))

    def _do(self, command: Command) -> bool:
        """Carry out one command; True when the charts need fresh detail."""
        comparison = self.comparison
        step = comparison.step_count
        match command:
            case Stop():
                self.stopped = True
            case Toggle():
                if self.playing:
                    self.playing = False
                elif comparison.done:
                    self._notice("all_done")
                else:
                    self.playing = True
                    self.pacer.start(self.clock.wall(), comparison.step_count)
                    self._speed_mark = (self.clock.wall(), comparison.step_count)
            case Pace(steps_per_second):
                self.pacer.set_rate(steps_per_second, self.clock.wall(), comparison.step_count)
                self._speed_mark = (self.clock.wall(), comparison.step_count)
            case Hold(step):
                self.hold = step
                self.pacer.start(self.clock.wall(), comparison.step_count)  # no rush after
            case Pause():
                self.playing = False
            case Step():
                self.playing = False
                if comparison.done:
                    self._notice("all_done")
                    return True
                self._advance(1)
                self._publish(detail=True)  # every single step is seen, however fast the keys
                self._fresh = True
                if comparison.done:
                    self._send_claims()
                return True
            case Change(run, changes):
                if self._change(run, changes):
                    self._log(step, command)
            case Watch(selected, boundary, noise, network):
                self.selected, self.wants_boundary, self.wants_noise = selected, boundary, noise
                self.wants_network = network
                return True
            case Reset(edits):
                self.playing = False
                if self._reset(edits):
                    self._log(step, command)
                return True
            case Add(config):
                try:
                    comparison.add_run(config)
                except ConfigError as error:
                    self._notice("add_failed", error, "error")
                else:
                    self.restarts[config.name] = config
                    self.modified = True
                    self._log(step, command)
                return True
            case Remove(name):
                try:
                    comparison.remove_run(name)
                except (ConfigError, KeyError) as error:
                    self._notice("remove_failed", error, "error")
                else:
                    del self.restarts[name]
                    self.modified = True
                    self._log(step, command)
                return True
            case Checkpoint(path):
                self._save(path)
            case _:
                raise TypeError(f"not a command: {command!r}")
        return False

    def _change(self, run: str | None, changes: dict[str, Any]) -> bool:
        """A live change, kept for the next reset too (refused whole if either refuses).
        It applies now, at this step: a replay applies it at the same point."""
        try:
            names = [self.comparison.run(run).name] if run is not None else self.comparison.names
            restarts = {name: self.restarts[name].with_changes(**changes) for name in names}
            self.comparison.change(run, **changes)
            self.comparison.apply_changes()
        except (ConfigError, KeyError) as error:
            self._notice("change_failed", error, "error")
            return False
        self.restarts.update(restarts)
        self.modified = True
        return True

    def _reset(self, edits: Edits) -> bool:
        """Back to step 0: each run from its restart config with `edits` applied; the
        preset's timeline plays again from the start."""
        try:
            configs = [
                self.restarts[run.name].with_changes(**edits.get(run.name, {}))
                for run in self.comparison.runs
            ]
            self.comparison.reset(configs)
        except ConfigError as error:
            self._notice("reset_failed", error, "error")
            return False
        self.restarts = {config.name: config for config in configs}
        self.modified = self.preset is not None and configs != self.preset.run_configs()
        self._start_recording()
        return True

    # -- sessions: checkpoints and replay ------------------------------------------------------

    def _save(self, path: str) -> None:
        """A checkpoint of the comparison, with what this loop adds to it (what a reset
        starts from, the events it holds): `Saved`, or a notice saying why not."""
        self._send_log()  # the session hears of every event the checkpoint holds, first
        extra = {
            "events": len(self.events),
            "fingerprint": fingerprint(self.events),
            "restarts": [config.to_dict() for config in self.restarts.values()],
            "modified": self.modified,
        }
        try:
            checkpoint.save(self.comparison, path, extra)
        except OSError as error:
            self._notice("checkpoint_failed", f"{path}: {error.strerror or error}", "error")
            return
        self.send(Saved(path, self.comparison.step_count, len(self.events)))

    def restore(self, extra: dict[str, Any], events: tuple[Event, ...]) -> None:
        """Take up what a checkpoint's `extra` kept (see `_save`), whose events are `events`."""
        self.restarts = {
            values["name"]: RunConfig.from_dict(values) for values in extra["restarts"]
        }
        self.modified = bool(extra["modified"])
        self.events = list(events)
        self._logged = len(self.events)

    def replay(self, events: tuple[Event, ...] | list[Event], until: int) -> None:
        """Carry out `events`, each at its step, then train up to step `until`, paused: a
        session brought back. The events are the session's already: not sent again."""
        for event in events:
            self._train_to(event.step)
            self._do(event.command)
        self._train_to(until)
        self._logged = len(self.events)
        self.playing = False

    def _train_to(self, target: int) -> None:
        """Train up to step `target` (or until every run is done), keeping history points
        as `trainlab run` does: after every chunk of a few hundred, unless measuring would
        take more than its share of the time; and the step count now and then, so that the
        screen shows how far the replay has got."""
        comparison = self.comparison
        chunk = max(1, math.ceil((target - comparison.step_count) / self.REPLAY_POINTS))
        training = measuring = 0.0
        told = self.clock.wall()
        while comparison.step_count < target and not comparison.done:
            before, start = comparison.step_count, self.clock.cpu()
            self._advance(min(chunk, target - before))
            if comparison.step_count == before:
                break
            middle = self.clock.cpu()
            training += middle - start
            if measuring <= MEASURING_SHARE * (training + measuring):
                comparison.snapshot(layers=self._recorded_layers())
                measuring += self.clock.cpu() - middle
            if self.clock.wall() - told >= self.LABEL_INTERVAL:
                told = self.clock.wall()
                self.send(Progress(comparison.step_count))

    def _advance(self, steps: int) -> None:
        """Train up to `steps` updates, stopping at the next step a claim reads and
        snapshotting there for the claims."""
        recorder, comparison = self.recorder, self.comparison
        if recorder is not None:
            now = comparison.step_count
            steps = max(1, min(steps, recorder.next_stop(now, regular=False) - now))
        comparison.step(steps)
        if recorder is not None and recorder.is_stop(comparison.step_count):
            recorder.take()

    def _send_claims(self) -> None:
        """Once every run is done: evaluate the preset's claims as `trainlab check` does and
        send them; a claim that cannot be evaluated is reported, and the rest still are."""
        if self.recorder is None or self.claims_sent:
            return
        self.claims_sent = True
        try:
            result = self.recorder.result(evaluate=False)
        except Exception as error:  # a snapshot or a noise measure failed: say so, go on
            self._notice("claims_failed", str(error), "error")
            return
        claims: list[ClaimResult] = []
        for claim in result.preset.claims:
            try:
                claims.append(claim.evaluate(result))
            except Exception as error:  # e.g. the user removed a run the claim names
                self._notice("claims_failed", f"{claim.id}: {error!r}", "error")
        self.send(Claims(claims, self.modified))

    def _train_chunk(self, steps: int) -> None:
        """Train `steps` (at most a chunk: ~CHUNK_SECONDS worth), sizing the next chunk
        from the time these took."""
        start, before = self.clock.wall(), self.comparison.step_count
        self._advance(steps)
        elapsed = self.clock.wall() - start
        trained = self.comparison.step_count - before
        if elapsed > 0 and trained > 0:
            wanted = trained * self.CHUNK_SECONDS / elapsed
            self._chunk = max(1, min(self.MAX_CHUNK, round(0.5 * self._chunk + 0.5 * wanted)))

    def _publish(self, detail: bool) -> None:
        comparison = self.comparison
        now = self.clock.wall()
        start = self.clock.cpu()
        snapshot = comparison.snapshot(
            layers=detail or self._recorded_layers(), noise=detail and self.wants_noise
        )
        self._last_label = now
        self._published_step = comparison.step_count
        boundary = grids = network = None
        if detail:
            self._last_detail = now
            names = comparison.names
            selected = self.selected if self.selected in names else names[0]
            if self.wants_network:
                network = network_view(comparison, selected)
            if self.wants_boundary and comparison.dataset.n_features in (1, 2):
                # 1-D data: every run's fitted curve, drawn together; 2-D: the selected one
                shown = names if comparison.dataset.n_features == 1 else [selected]
                grids = {name: comparison.decision_grid(name) for name in shown}
                boundary = grids[selected]
        configs = tuple(run.config for run in comparison.runs)
        # the same object where nothing differs: pickled once
        restarts = tuple(
            config if self.restarts[config.name] == config else self.restarts[config.name]
            for config in configs
        )
        snapshot = self._watched_speed(snapshot, now)
        news, starts = self._history_news(snapshot)
        self.send(
            SnapshotNews(
                news,
                starts,
                boundary,
                configs,
                restarts,
                step=comparison.step_count,
                playing=self.playing,
                done=comparison.done,
                handled=self.handled,
                n_train=comparison.n_train,
                grids=grids,
                network=network,
            )
        )
        self._publish_seconds = self.clock.cpu() - start

    def _watched_speed(self, snapshot: Snapshot, now: float) -> Snapshot:
        """While paced, a training run's steps/s is the rate the student watches (steps over
        wall time since the last snapshot, holds included), not how fast the core computes
        them; at max pace the core's own figure is that rate."""
        mark, step = self._speed_mark, self.comparison.step_count
        self._speed_mark = (now, step)
        if not (self.pacer.paced and self.playing) or mark is None or now <= mark[0]:
            return snapshot
        rate = (step - mark[1]) / (now - mark[0])
        runs = tuple(
            replace(run, steps_per_second=rate) if run.steps_per_second > 0 else run
            for run in snapshot.runs
        )
        return replace(snapshot, runs=runs)

    def _history_news(self, snapshot: Snapshot) -> tuple[Snapshot, tuple[int, ...]]:
        """The snapshot with each run's history cut to the points the interface lacks, and
        the index each cut starts at (see trainer.whole_histories): the whole past, five
        times a second, would cost more every minute (megabytes an hour into training). The
        last point sent goes again, as a snapshot at its step may have measured it again."""
        runs, starts, sent = [], [], {}
        for run, measured in zip(self.comparison.runs, snapshot.runs, strict=True):
            buffer, count = self._sent.get(run.name, (None, 0))
            start = max(count - 1, 0) if buffer is run.history else 0  # else: new or reset
            runs.append(replace(measured, history=measured.history.since(start)))
            starts.append(start)
            sent[run.name] = (run.history, len(measured.history.step))
        self._sent = sent
        return replace(snapshot, runs=tuple(runs)), tuple(starts)

    def _recorded_layers(self) -> bool:
        """Whether the recorder took per-layer statistics at this very step: measuring it
        again without them would blank the history's layer-derived values (effective step)
        that a claim reads there."""
        if self.recorder is None:
            return False
        snapshot = self.recorder.snapshots.get(self.comparison.step_count)
        return snapshot is not None and any(run.layers for run in snapshot.runs)


def start_loop(
    preset: Preset,
    commands: Commands | Connection,
    send: Send,
    resume: Resume | None = None,
    clock: Clock | None = None,
) -> TrainingLoop:
    """The loop for `preset`, brought to where `resume` says (paused): from its checkpoint
    when that fits, the rest of its events replayed. Raises what building the comparison
    raises (bad data, say)."""
    loop = None
    if resume is not None and resume.checkpoint:
        loop = _from_checkpoint(preset, resume, commands, send, clock)
    if loop is None:
        loop = TrainingLoop(preset.comparison(), commands, send, preset, clock)
    if resume is not None:
        loop.replay(resume.events[len(loop.events) :], resume.step)
    return loop


def _from_checkpoint(
    preset: Preset,
    resume: Resume,
    commands: Commands | Connection,
    send: Send,
    clock: Clock | None,
) -> TrainingLoop | None:
    """A loop on the checkpoint's comparison, or None where it does not fit the session: a
    file that is gone or unreadable, another session's state, a state past the step to
    resume at, or one whose claims would lack what was measured before it (replayed then)."""
    assert resume.checkpoint is not None
    try:
        comparison, extra = checkpoint.read(resume.checkpoint)
        count, digest = int(extra["events"]), str(extra["fingerprint"])
    except (checkpoint.CheckpointError, KeyError, TypeError, ValueError):
        return None
    events = resume.events[:count]
    if count > len(resume.events) or fingerprint(events) != digest:
        return None
    if count == len(resume.events) and comparison.step_count > resume.step:
        return None
    preset.schedule(comparison)
    loop = TrainingLoop(comparison, commands, send, preset, clock)
    try:
        loop.restore(extra, events)
    except (KeyError, TypeError, ValueError):
        return None
    recorder = loop.recorder
    if recorder is not None and any(stop < comparison.step_count for stop in recorder.stops):
        return None
    return loop


def train_in_child(
    preset: Preset, commands: Connection, results: Connection, resume: Resume | None = None
) -> None:
    """The child process's body: build the preset's comparison (or bring a session back:
    `resume`) and obey commands."""
    # The terminal belongs to the interface: nothing the child prints may reach it.
    log = os.environ.get("TRAINLAB_CHILD_LOG", os.devnull)  # set it to debug the child
    devnull = os.open(log, os.O_WRONLY | os.O_CREAT, 0o644)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    # A dropped SSH link hangs the whole terminal up: the interface then saves the session,
    # which asks this process for a checkpoint first. It ends when the interface says so,
    # or when the interface has gone (its pipe closes).
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    # BrokenPipe, EOF: the interface has gone, and there is nothing left to report to.
    with contextlib.suppress(BrokenPipeError, EOFError, KeyboardInterrupt):
        try:
            loop = start_loop(preset, commands, results.send, resume)
        except Exception as error:  # bad data, say: tell the user, then wait to be stopped
            detail = error if isinstance(error, Explained) else str(error)  # it must pickle
            results.send(Notice("start_failed", detail, "error"))
            while not isinstance(commands.recv(), Stop):
                pass  # ending now would look to the interface like a crash
        else:
            loop.run()
    results.close()
    # Nothing is left to flush or save: skip the interpreter's teardown (0.2 s with NumPy
    # loaded), which the interface would otherwise wait for when the user quits. An
    # unexpected error does not come here: it ends the process the usual way, traceback
    # and all (in TRAINLAB_CHILD_LOG).
    os._exit(0)
