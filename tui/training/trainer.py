"""The interface's handle on the training process: starts it, sends it commands, and
turns its results into Textual messages.

    UI thread ── Command (pipe) ──▶ training process (loop.py): owns the Comparison
    UI thread ◀── SnapshotReady… ── relay (thread worker) ◀── Result (pipe) ──┘

The relay is a thread worker because reading a pipe blocks: the UI thread only posts and
reads messages. It also joins each snapshot's history news to the points it had before,
so the screen sees whole histories. The process ends by a `Stop` or by its own error;
only the second is news to the user, so the handle marks itself stopping *before* it asks.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual.message import Message

from nn.snapshot import HistoryBuffer, Snapshot
from presets.preset import Preset
from tui.messages import ClaimsReady, SnapshotReady, TrainerNotice, TrainingProgress
from tui.training.loop import train_in_child
from tui.training.protocol import (
    Claims,
    Command,
    Event,
    Logged,
    Notice,
    Progress,
    Result,
    Resume,
    Saved,
    SnapshotNews,
    Stop,
    Watch,
)

Post = Callable[[Any], object]

# "spawn": a fresh interpreter, safe beside the interface's threads (fork is not).
CONTEXT = multiprocessing.get_context("spawn")


class Trainer:
    """Every method but `relay` is for the UI thread; `relay` is the body of the thread
    worker that posts the messages."""

    STOP_TIMEOUT = 0.5

    def __init__(self, preset: Preset, post: Post, resume: Resume | None = None) -> None:
        """`resume`: a session to bring back (see protocol.Resume); None starts afresh."""
        self._post = post
        child_commands, self._commands = CONTEXT.Pipe(duplex=False)  # (reader, writer)
        self._results, child_results = CONTEXT.Pipe(duplex=False)
        self.process = CONTEXT.Process(
            target=train_in_child,
            args=(preset, child_commands, child_results, resume),
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
        self.ended = False  # the process ended on its own (a crash, a kill): not asked to
        # What the session keeps, as the relay receives it (read by the UI thread; the relay
        # only appends and replaces): the events carried out, the last checkpoint written,
        # the last step reported. They are here, not in messages, so that the screen can
        # read them at the very end, when the app no longer handles messages.
        self.logged: list[Event] = []
        self.saved: Saved | None = None
        self.step = resume.step if resume is not None else 0
        self._relayed = threading.Event()  # the relay has read everything the process sent
        self.sent = 0  # commands sent so far: the number of the last (see protocol.py)
        self._watching = Watch(None, False)  # as the child starts

    # -- the UI thread's side --------------------------------------------------------------

    def send(self, command: Command) -> int:
        """Send a command; its number, which snapshots count in `handled`."""
        if not self._stopping:
            self.sent += 1
            self._write(command)
        return self.sent

    def _write(self, command: Command) -> None:
        try:
            self._commands.send(command)
        except (BrokenPipeError, OSError):
            self._stopping = True  # the process has gone: the relay says so

    def watch(
        self,
        selected: str | None,
        wants_boundary: bool,
        wants_noise: bool = False,
        wants_network: bool = False,
    ) -> None:
        """What the charts look at. The screen says it after every snapshot; only a
        change is worth sending."""
        watch = Watch(selected, wants_boundary, wants_noise, wants_network)
        if watch != self._watching:
            self._watching = watch
            self.send(watch)

    def stop(self, timeout: float | None = None) -> None:
        """Ask the process to finish; it does within one chunk (~15 ms) and whatever it was
        asked before (a checkpoint: give it a longer `timeout`), or is terminated.
        Stopping is marked first: the relay may see the process end before `send` returns."""
        if not self._stopping:
            self._stopping = True
            self._write(Stop())
        self.process.join(self.STOP_TIMEOUT if timeout is None else timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(self.STOP_TIMEOUT)

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def wait_relayed(self, timeout: float) -> bool:
        """After the process has ended: wait until the relay has read all it sent."""
        return self._relayed.wait(timeout)

    # -- the thread worker's side ----------------------------------------------------------

    def relay(self) -> None:
        """Turn what the process sends into messages, until it ends."""
        histories: dict[str, HistoryBuffer] = {}  # each run's whole history so far
        while True:
            try:
                result = self._results.recv()
            except (EOFError, OSError):
                break
            match result:
                case Logged(events):
                    self.logged.extend(events)
                case Saved():
                    self.saved = result
                case _:
                    if isinstance(result, SnapshotNews | Progress):
                        self.step = result.step
                    self._post(message_for(result, histories))
        self._relayed.set()
        if not self._stopping:
            self.ended = True
            self._post(TrainerNotice("trainer_ended", "", "error"))


def message_for(result: Result, histories: dict[str, HistoryBuffer]) -> Message:
    """The interface's message for a result of the training process; `histories` holds
    each run's whole history so far (see whole_histories)."""
    match result:
        case SnapshotNews():
            snapshot = whole_histories(result.snapshot, result.starts, histories)
            return SnapshotReady(replace(result, snapshot=snapshot))
        case Progress(step):
            return TrainingProgress(step)
        case Claims(claims, modified):
            return ClaimsReady(claims, modified)
        case Notice(key, detail, severity):
            return TrainerNotice(key, detail, severity)
    raise TypeError(f"not a result: {result!r}")


def whole_histories(
    news: Snapshot, starts: tuple[int, ...], histories: dict[str, HistoryBuffer]
) -> Snapshot:
    """The snapshot as measured, each run's history whole again: the process sends only
    the points from `starts` on (TrainingLoop._history_news); `histories` holds the rest,
    by run, and is brought up to date (runs no longer measured are dropped)."""
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
