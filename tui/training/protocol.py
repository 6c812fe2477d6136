"""What the screen and the training process say to each other.

One frozen dataclass a command (screen → process) and one a result (process → screen),
so that both ends name what they send and read, the process dispatches with `match`,
and tests build and compare messages instead of indexing tuples. Everything here crosses
a pipe, pickled: fields hold plain data (frozen configs, snapshots, arrays), never a live
object of either side.

Commands are counted: the n-th command the screen sends is the n-th the process handles
(one pipe, in order), and every snapshot says how many it has handled (`handled`). The
screen's model of the runs (intended.py) replays the commands not yet handled on top of
what a snapshot reports, so an answer to an early key never undoes a later one.

To add a command: a dataclass below (a subclass of `Command`), one `case` in
`TrainingLoop._do` (loop.py), and the screen sends it with `trainer.send(...)`. A command
that changes a run's config also needs its effect in `intended.apply`, so that the screen
can predict it, and a form in replay.py's JSON, so that a session keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nn.config import RunConfig
from nn.network_view import NetworkView
from nn.snapshot import Snapshot
from presets.claims import ClaimResult

Boundary = tuple[np.ndarray, np.ndarray, np.ndarray]  # Comparison.decision_grid's result
Edits = dict[str, dict[str, Any]]  # by run: settings that wait for a reset


# -- commands: the screen asks -------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """Something the screen asks of the training process."""


@dataclass(frozen=True)
class Toggle(Command):
    """Play, or pause if playing; once every run is done, say so instead of playing."""


@dataclass(frozen=True)
class Pause(Command):
    """Stop training, keep everything."""


@dataclass(frozen=True)
class Step(Command):
    """One update of every run, paused, and a snapshot of it (each key press is seen)."""


@dataclass(frozen=True)
class Reset(Command):
    """Back to step 0 with the same seeds: each run from its restart config (the user's
    changes kept, the timeline's dropped: it plays again) with `edits` applied."""

    edits: Edits = field(default_factory=dict)


@dataclass(frozen=True)
class Add(Command):
    """A new run, trained from its own step 0."""

    config: RunConfig


@dataclass(frozen=True)
class Remove(Command):
    name: str


@dataclass(frozen=True)
class Change(Command):
    """A live change (nn.config.LIVE_FIELDS) to one run, or to every run (run=None), as
    absolute values: applying it twice gives what applying it once gives."""

    run: str | None
    changes: dict[str, Any]


@dataclass(frozen=True)
class Watch(Command):
    """What the charts look at: the run whose decision regions to compute, if any, whether
    the gradient noise is on screen (measuring it costs passes over the data) and whether the
    Network tab is (every unit's picture of the selected run). Sent only when it changes; the
    process answers only a change."""

    selected: str | None
    boundary: bool
    noise: bool = False
    network: bool = False


@dataclass(frozen=True)
class Pace(Command):
    """Train at most `steps_per_second` steps a second while playing (math.inf: as fast
    as it goes; see pace.py). Counted from now: a new pace never makes up for the old."""

    steps_per_second: float


@dataclass(frozen=True)
class Hold(Command):
    """While playing, train no further than step `step` (None: no limit): a caption is
    still being read, and the next is due there. `s` still steps past it."""

    step: int | None


@dataclass(frozen=True)
class Stop(Command):
    """Finish: the process ends within one chunk of training."""


@dataclass(frozen=True)
class Checkpoint(Command):
    """Save what the next step depends on (nn/checkpoint.py) to `path`, atomically, so that
    a session resumes there instead of replaying every step; answered by `Saved`."""

    path: str


# -- what a session keeps ------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A command that changed the runs (Change, Add, Remove, Reset), and the step of the
    comparison at which the process carried it out. A session is its preset and these:
    replayed in order, each at its step, they make the same runs again, bit for bit."""

    step: int
    command: Command


@dataclass(frozen=True)
class Resume:
    """Where a training process starts: the `events` of an earlier session replayed, then
    training up to `step`, paused; from `checkpoint` (a file `Checkpoint` wrote) when it
    holds a prefix of the same events, so that only the rest is replayed."""

    events: tuple[Event, ...] = ()
    step: int = 0
    checkpoint: str | None = None


# -- results: the process tells ------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """Something the training process tells the screen."""


@dataclass(frozen=True)
class SnapshotNews(Result):
    """The runs measured. Each run's history holds only the points from `starts` on (the
    rest was sent before; trainer.whole_histories joins them). `configs` are the runs' configs
    now, `restarts` what a reset would start each from, both in the snapshot's order;
    `handled` counts the commands carried out before it was taken; `n_train` is the
    training set's size, which a caption's condition reads epochs by."""

    snapshot: Snapshot
    starts: tuple[int, ...]
    boundary: Boundary | None
    configs: tuple[RunConfig, ...]
    restarts: tuple[RunConfig, ...]
    step: int  # the comparison's step count: the timeline's clock
    playing: bool
    done: bool
    handled: int
    n_train: int = 0
    # The grids to draw, by run, when `boundary` is sent: the selected run's for 2-D data,
    # every run's fitted curve for 1-D data.
    grids: dict[str, Boundary] | None = None
    # The selected run's units, links and output, while the Network tab shows.
    network: NetworkView | None = None


@dataclass(frozen=True)
class Progress(Result):
    """The step count alone, between snapshots spaced out because they are costly."""

    step: int


@dataclass(frozen=True)
class Notice(Result):
    """Something the user should read: a refused command, a failed start. `key` names the
    notice in the catalogue; `detail` is the core's error (it carries its code, so the app
    says it in the user's language) or, for an unexpected one, its text."""

    key: str
    detail: str | Exception = ""
    severity: str = "information"


@dataclass(frozen=True)
class Logged(Result):
    """The events carried out since the last `Logged` (see `Event`): for the session."""

    events: tuple[Event, ...]


@dataclass(frozen=True)
class Saved(Result):
    """A checkpoint was written to `path` at `step`, holding the first `events` events."""

    path: str
    step: int
    events: int


@dataclass(frozen=True)
class Claims(Result):
    """Every run is done: the preset's claims, checked as `trainlab check` does. `modified`:
    the user changed something the preset did not."""

    claims: list[ClaimResult]
    modified: bool
