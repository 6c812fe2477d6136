"""Training beside the interface: a child process trains, a thread worker relays.

Why a process and not just a thread: plotext 6 draws through thousands of small ctypes
calls, each of which releases Python's GIL; a training thread in the same process then
takes the GIL for up to 5 ms at every one of them, and one chart draw stretched from
10 ms to seconds. In a process of its own, training has a core to itself and the
interface has the other: neither waits for the other.

    UI thread ── commands (pipe) ──▶ child process: TrainingLoop owns the Comparison
    UI thread ◀── SnapshotReady ── thread worker ◀── results (pipe) ──┘

The child checks for commands between chunks of ~15 ms, so pause, reset and quit act
well within 0.2 s; it sends a snapshot at most every 200 ms: cheap metrics each time,
per-layer statistics and the decision grid only as often as the charts can draw them
(~4 Hz). When snapshots are costly (32 image nets: about a second each), they are spaced
so that measuring takes at most MEASURING_SHARE of the time, and in between the child
sends the step count alone ("progress" → TrainingProgress). Messages carry plain,
picklable data: snapshots and frozen configs. A snapshot's history carries only the
points the interface has not had; the thread worker joins them to the rest, so the
interface sees whole histories.

A preset's claims are checked here too, by the same `PresetRecorder` that `trainlab check`
uses: chunks never step past a step a claim reads, and when every run is done the child
evaluates the claims and sends them ("claims" → ClaimsReady), marked `modified` when the
user changed anything the preset did not, so that a student is never misled.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from nn.comparison import Comparison
from nn.config import ConfigError, RunConfig, check_live_change
from nn.errors import Explained, UnknownRun
from nn.snapshot import MEASURING_SHARE, HistoryBuffer, Snapshot
from presets.claims import ClaimResult
from presets.player import PresetRecorder
from presets.preset import Preset
from tui.messages import ClaimsReady, SnapshotReady, TrainerNotice, TrainingProgress

Post = Callable[[Any], object]
Send = Callable[[tuple], None]

# "spawn": a fresh interpreter, safe beside the interface's threads (fork is not).
CONTEXT = multiprocessing.get_context("spawn")


class TrainingLoop:
    """The training side: owns the Comparison, obeys commands, sends what it measures."""

    CHUNK_SECONDS = 0.015  # training time between two looks at the command pipe
    LABEL_INTERVAL = 0.2  # ≤ 5 snapshots a second for the labels: fewer bytes over SSH
    DETAIL_INTERVAL = 0.25  # ≤ 4 per-layer statistics / decision grids a second
    MAX_CHUNK = 5000

    def __init__(
        self,
        comparison: Comparison,
        commands: Connection,
        send: Send,
        preset: Preset | None = None,
    ) -> None:
        """`preset`: the scenario `comparison` plays, whose claims are checked at the end."""
        self.comparison = comparison
        self.commands = commands
        self.send = send
        self.preset = preset
        self.playing = False
        self.stopped = False
        self.selected: str | None = None
        self.wants_boundary = False
        self._chunk = 1
        self._last_label = self._last_detail = float("-inf")
        self._publish_seconds = 0.0  # what the last snapshot cost, measuring and sending
        self._last_progress = float("-inf")
        self._fresh = False  # the last command handled published the state itself
        # Each run's config at step 0 and the user's live changes since, in order: a reset
        # replays them, but not the timeline's changes (those come again at their steps).
        self.start_configs = {run.name: run.config for run in comparison.runs}
        self.user_changes: list[tuple[str | None, dict[str, Any]]] = []
        self.modified = False  # the user changed something the preset did not
        self.recorder: PresetRecorder | None = None
        self.claims_sent = False
        self._start_recording()
        self._sent: dict[str, tuple[HistoryBuffer, int]] = {}  # per run: history, points sent

    def _start_recording(self) -> None:
        """A fresh recorder for a comparison at step 0 (a preset with claims only)."""
        self.claims_sent = False
        self.recorder = None
        if self.preset is not None and self.preset.claims:
            self.recorder = PresetRecorder(self.preset, self.comparison)
            self.recorder.take()

    def run(self) -> None:
        self._publish(detail=True)
        while not self.stopped:
            self._handle_commands(block=not self.playing)
            if self.stopped:
                break
            if self.playing:
                self._train_chunk()
                now = time.monotonic()
                if self.comparison.done:
                    self.playing = False
                    self._publish(detail=True)
                    self._send_claims()
                elif now - self._last_label >= self.label_interval():
                    self._publish(detail=now - self._last_detail >= self.DETAIL_INTERVAL)
                elif self.label_interval() >= 2 * self.LABEL_INTERVAL and (
                    min(now - self._last_label, now - self._last_progress) >= self.LABEL_INTERVAL
                ):
                    self._last_progress = now  # snapshots are spaced out: the step, at least
                    self.send(("progress", self.comparison.step_count))

    def label_interval(self) -> float:
        """Seconds from one snapshot to the next while playing: LABEL_INTERVAL, or longer
        when snapshots are slow (32 image nets evaluated on 4000 samples each: about 1 s),
        so that measuring takes no more than MEASURING_SHARE of the time from training."""
        return max(self.LABEL_INTERVAL, self._publish_seconds / MEASURING_SHARE)

    def _handle_commands(self, block: bool) -> None:
        if not self.commands.poll(0.5 if block else 0):
            return
        handled = detail = self._fresh = False
        while self.commands.poll(0):
            command, argument = self.commands.recv()
            if command == "watch" and tuple(argument) == (self.selected, self.wants_boundary):
                continue  # nothing new: no snapshot in reply, or each reply would ask again
            handled = True
            detail = self._do(command, argument) or detail
            self._fresh = command == "step"  # the snapshot it sent is still the state
            if self.stopped:
                return
        if handled and not self._fresh:  # a step already sent its own
            self._publish(detail=detail or not self.playing)

    def _notice(
        self, key: str, detail: str | Exception = "", severity: str = "information"
    ) -> None:
        """`detail`: the core's error itself (it carries its code, for the user's language)."""
        self.send(("notice", key, detail, severity))

    def _do(self, command: str, argument: Any) -> bool:
        """Carry out one command; True when the charts need fresh detail."""
        comparison = self.comparison
        if command == "stop":
            self.stopped = True
        elif command == "toggle":
            if self.playing:
                self.playing = False
            elif comparison.done:
                self._notice("all_done")
            else:
                self.playing = True
        elif command == "pause":
            self.playing = False
        elif command == "step":
            self.playing = False
            if comparison.done:
                self._notice("all_done")
            else:
                self._advance(1)
                self._publish(detail=True)  # every single step is seen, however fast the keys
                if comparison.done:
                    self._send_claims()
            return True
        elif command == "change":
            run, changes = argument
            try:
                comparison.change(run, **changes)
            except (ConfigError, KeyError) as error:
                self._notice("change_failed", error, "error")
            else:
                self.user_changes.append((run, dict(changes)))
                self.modified = True
        elif command == "watch":
            self.selected, self.wants_boundary = argument
            return True
        elif command == "reset":
            self.playing = False
            try:
                self._reset(argument)
            except ConfigError as error:
                self._notice("reset_failed", error, "error")
            return True
        elif command == "add":
            try:
                comparison.add_run(argument)
            except ConfigError as error:
                self._notice("add_failed", error, "error")
            else:
                self.start_configs[argument.name] = argument
                self.modified = True
            return True
        elif command == "remove":
            try:
                comparison.remove_run(argument)
            except (ConfigError, KeyError) as error:
                self._notice("remove_failed", error, "error")
            else:
                self.start_configs.pop(argument, None)
                self.modified = True
            return True
        return False

    def _reset(self, edits: dict[str, dict[str, Any]]) -> None:
        """Back to step 0: each run's start config with the user's live changes replayed and
        `edits` applied; the preset's timeline plays again from the start."""
        configs = []
        for run in self.comparison.runs:
            config = self.start_configs.get(run.name, run.config)
            for name, changes in self.user_changes:
                if name in (None, run.name):
                    config = config.with_changes(**changes)
            configs.append(config.with_changes(**edits.get(run.name, {})))
        self.comparison.reset(configs)
        self.start_configs = {config.name: config for config in configs}
        self.user_changes = []
        self.modified = self.preset is not None and configs != self.preset.run_configs()
        self._start_recording()

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
        self.send(("claims", claims, self.modified))

    def _train_chunk(self) -> None:
        """Train ~CHUNK_SECONDS worth of steps, sizing the next chunk from this one."""
        start = time.perf_counter()
        self._advance(self._chunk)
        elapsed = time.perf_counter() - start
        if elapsed > 0:
            wanted = self._chunk * self.CHUNK_SECONDS / elapsed
            self._chunk = max(1, min(self.MAX_CHUNK, round(0.5 * self._chunk + 0.5 * wanted)))

    def _publish(self, detail: bool) -> None:
        comparison = self.comparison
        now = time.monotonic()
        start = time.thread_time()  # CPU time: a moment without the CPU is not a cost
        snapshot = comparison.snapshot(layers=detail or self._recorded_layers())
        self._last_label = now
        boundary = None
        if detail:
            self._last_detail = now
            if self.wants_boundary and comparison.dataset.n_features == 2:
                names = comparison.names
                selected = self.selected if self.selected in names else names[0]
                boundary = comparison.decision_grid(selected)
        configs = tuple(run.config for run in comparison.runs)
        step, playing, done = comparison.step_count, self.playing, comparison.done
        snapshot, starts = self._history_news(snapshot)
        self.send(("snapshot", snapshot, starts, boundary, configs, step, playing, done))
        self._publish_seconds = time.thread_time() - start

    def _history_news(self, snapshot: Snapshot) -> tuple[Snapshot, tuple[int, ...]]:
        """The snapshot with each run's history cut to the points the interface lacks, and
        the index each cut starts at (see Trainer.relay): the whole past, five times a
        second, would cost more every minute (megabytes an hour into training). The last
        point sent goes again, as a snapshot at its step may have measured it again."""
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


def train_in_child(preset: Preset, commands: Connection, results: Connection) -> None:
    """The child process's body: build the preset's comparison and obey commands."""
    # The terminal belongs to the interface: nothing the child prints may reach it.
    log = os.environ.get("TRAINLAB_CHILD_LOG", os.devnull)  # set it to debug the child
    devnull = os.open(log, os.O_WRONLY | os.O_CREAT, 0o644)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        comparison = preset.comparison()
    except Exception as error:  # bad data, say: tell the user, then wait to be stopped
        detail = error if isinstance(error, Explained) else str(error)  # it must pickle
        results.send(("notice", "start_failed", detail, "error"))
        results.close()
        return
    # BrokenPipe, EOF: the interface has gone, and there is nothing left to report to.
    with contextlib.suppress(BrokenPipeError, EOFError, KeyboardInterrupt):
        TrainingLoop(comparison, commands, results.send, preset).run()
    results.close()
    # Nothing is left to flush or save: skip the interpreter's teardown (0.2 s with NumPy
    # loaded), which the interface would otherwise wait for when the user quits. An
    # unexpected error does not come here: it ends the process the usual way, traceback
    # and all (in TRAINLAB_CHILD_LOG).
    os._exit(0)


class Trainer:
    """The interface's handle on the training process. Every method but `relay` is for
    the UI thread; `relay` is the body of the thread worker that posts the messages."""

    STOP_TIMEOUT = 0.5

    def __init__(self, preset: Preset, post: Post) -> None:
        self._post = post
        self.configs: dict[str, RunConfig] = {c.name: c for c in preset.run_configs()}
        child_commands, self._commands = CONTEXT.Pipe(duplex=False)  # (reader, writer)
        self._results, child_results = CONTEXT.Pipe(duplex=False)
        self.process = CONTEXT.Process(
            target=train_in_child,
            args=(preset, child_commands, child_results),
            name="trainlab-training",
            daemon=True,
        )
        # Textual replaces sys.stderr while it runs (fileno -1), which multiprocessing would
        # hand to the child: start it with the real one.
        with contextlib.redirect_stderr(sys.__stderr__):
            self.process.start()
        child_commands.close()  # the child's ends: ours to close once it has them
        child_results.close()
        self._stopping = False
        self._watching: tuple[str | None, bool] = (None, False)  # as the child starts

    # -- the UI thread's side --------------------------------------------------------------

    def _send(self, command: str, argument: Any = None) -> None:
        if self._stopping:
            return
        try:
            self._commands.send((command, argument))
        except (BrokenPipeError, OSError):
            self._stopping = True

    def toggle(self) -> None:
        self._send("toggle")

    def pause(self) -> None:
        self._send("pause")

    def single_step(self) -> None:
        self._send("step")

    def reset(self, edits: dict[str, dict[str, Any]] | None = None) -> None:
        """Back to step 0 with the same seeds; `edits` are settings that wait for a reset."""
        self._send("reset", dict(edits or {}))

    def add(self, config: RunConfig) -> None:
        self._send("add", config)

    def remove(self, name: str) -> None:
        self._send("remove", name)

    def change(self, run: str | None, **changes: Any) -> None:
        """A live change; raises ConfigError (or KeyError) here, in the caller's thread,
        checked against the configs the trainer last reported."""
        if run is not None and run not in self.configs:
            known = ", ".join(self.configs)
            raise UnknownRun(
                f"no run named {run!r}; runs are {known}", "no_run", name=run, known=known
            )
        for name in [run] if run else list(self.configs):
            check_live_change(self.configs[name], changes)
        self._send("change", (run, changes))

    def watch(self, selected: str | None, wants_boundary: bool) -> None:
        """What the charts look at: which run's decision grid to compute, if any. The
        screen says it after every snapshot; only a change is worth sending."""
        if (selected, wants_boundary) != self._watching:
            self._watching = (selected, wants_boundary)
            self._send("watch", self._watching)

    def stop(self) -> None:
        """Ask the child to finish; it does within one chunk (~15 ms), or is terminated."""
        self._send("stop")
        self._stopping = True
        self.process.join(self.STOP_TIMEOUT)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(self.STOP_TIMEOUT)

    # -- the thread worker's side ----------------------------------------------------------

    def relay(self) -> None:
        """Turn what the child sends into messages, until it ends."""
        histories: dict[str, HistoryBuffer] = {}  # each run's whole history so far
        while True:
            try:
                item = self._results.recv()
            except (EOFError, OSError):
                break
            if item[0] == "snapshot":
                news, starts, boundary, configs, step, playing, done = item[1:]
                snapshot = whole_histories(news, starts, histories)
                self.configs = {config.name: config for config in configs}
                self._post(SnapshotReady(snapshot, boundary, configs, step, playing, done))
            elif item[0] == "progress":
                self._post(TrainingProgress(item[1]))
            elif item[0] == "claims":
                self._post(ClaimsReady(*item[1:]))
            else:
                self._post(TrainerNotice(*item[1:]))
        if not self._stopping:
            self._post(TrainerNotice("trainer_ended", "", "error"))


def whole_histories(
    news: Snapshot, starts: tuple[int, ...], histories: dict[str, HistoryBuffer]
) -> Snapshot:
    """The snapshot as measured, each run's history whole again: the child sends only the
    points from `starts` on (TrainingLoop._history_news); `histories` holds the rest, by
    run, and is brought up to date (runs no longer measured are dropped)."""
    runs = []
    for run, start in zip(news.runs, starts, strict=True):
        history = histories.get(run.name) if start else None
        if history is None:  # a new run, or back to step 0
            history = HistoryBuffer()
        history.extend(start, run.history)
        histories[run.name] = history
        runs.append(replace(run, history=history.view()))
    for name in set(histories) - set(news.names):
        del histories[name]
    return replace(news, runs=tuple(runs))
