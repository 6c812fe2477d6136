"""The pace of training: how many steps a second the training process takes while playing.

A student watches a phenomenon unfold; at full speed the default scenario's 600 updates
are over in half a second. So training is paced: one of `LEVELS` steps a second, up to
"max" (as fast as the core goes), changed with two keys. A preset names its pace (any
positive number, or "max"); it plays at the nearest level at or below it (`level_for`).

`Pacer` is the arithmetic of a paced run, apart from the loop so that it can be checked
alone: which steps are due at a moment, and how long to wait for the next. Steps fall due
at `rate` a second from the moment play starts, the first at once. A run that falls
behind (a costly snapshot, a step slower than the pace) catches up, but by no more than
BEHIND_SECONDS of steps: it never rushes through a stretch the student came to watch.
This module imports nothing of the interface: the training process uses it.
"""

from __future__ import annotations

import math

MAX = math.inf  # as fast as training goes
LEVELS: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0, MAX)


def level_for(pace: float | None) -> float:
    """The level a preset's pace plays at: the nearest at or below it (the slowest for a
    pace below it); no pace at all plays at max, as a config of one's own does."""
    if pace is None:
        return MAX
    below = [level for level in LEVELS if level <= pace]
    return below[-1] if below else LEVELS[0]


def slower(level: float) -> float:
    """The next level down (the slowest stays)."""
    index = LEVELS.index(level_for(level))
    return LEVELS[max(index - 1, 0)]


def faster(level: float) -> float:
    """The next level up (max stays)."""
    index = LEVELS.index(level_for(level))
    return LEVELS[min(index + 1, len(LEVELS) - 1)]


class Pacer:
    """When the steps of a paced run fall due. `step` arguments count the steps trained
    so far (the comparison's step count); `now` is the loop's clock, in seconds."""

    GRAIN = 0.01  # at high rates, wake for the steps of this many seconds at once
    BEHIND_SECONDS = 0.25  # the most a run behind its pace catches up, in seconds of steps

    def __init__(self, rate: float = MAX) -> None:
        if not rate > 0:
            raise ValueError(f"a pace is a positive number of steps a second, got {rate!r}")
        self.rate = rate
        self._origin_time = 0.0  # when the step numbered `_origin_step` fell due
        self._origin_step = 0

    @property
    def paced(self) -> bool:
        return math.isfinite(self.rate)

    def start(self, now: float, step: int) -> None:
        """Count from here: the next step is due at once, the others at the rate."""
        self._origin_time, self._origin_step = now, step

    def set_rate(self, rate: float, now: float, step: int) -> None:
        if not rate > 0:
            raise ValueError(f"a pace is a positive number of steps a second, got {rate!r}")
        self.rate = rate
        self.start(now, step)

    def due(self, now: float, step: int) -> int:
        """How many steps are due by `now` and not trained yet (unpaced: as many as wanted,
        which the caller bounds)."""
        if not self.paced:
            return math.inf  # type: ignore[return-value]
        trained = step - self._origin_step
        owed = math.floor((now - self._origin_time) * self.rate + 1e-9) + 1 - trained
        most = max(1, math.ceil(self.rate * self.BEHIND_SECONDS))
        if owed > most:  # too far behind to catch up unseen: forget the rest
            self._origin_time = now - (trained + most - 1) / self.rate
            owed = most
        return max(0, owed)

    def wait(self, now: float, step: int) -> float:
        """Seconds until the next steps fall due: the next one, or at high rates the next
        GRAIN's worth, so that the loop does not wake a thousand times a second."""
        if not self.paced:
            return 0.0
        batch = max(1, math.floor(self.rate * self.GRAIN))
        last = step - self._origin_step + batch - 1  # the batch's last step, from the origin
        return max(0.0, self._origin_time + last / self.rate - now)
