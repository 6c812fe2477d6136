"""The pace of training: the arithmetic of `Pacer`, and the training loop paced on a clock
of the test's own (each level reached, waits instead of spinning, a pause that acts at
once, every step seen at low paces, a hold at a caption's step), so that nothing here
depends on how fast the machine is."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_trainer import SimulatedClock, comparison, snapshots

from nn import Comparison
from tui.training.loop import Clock, TrainingLoop
from tui.training.pace import LEVELS, MAX, Pacer, faster, level_for, slower
from tui.training.protocol import Command, Hold, Pace, Pause, Result, SnapshotNews, Stop, Toggle

# -- the arithmetic --------------------------------------------------------------------------


def test_a_preset_plays_at_the_nearest_level_at_or_below_its_pace() -> None:
    assert LEVELS == (1, 3, 10, 30, 100, 300, 1000, MAX)
    assert level_for(30) == 30 and level_for(20) == 10 and level_for(15) == 10
    assert level_for(0.5) == 1  # below the slowest: the slowest
    assert level_for(5000) == 1000 and level_for(math.inf) == MAX
    assert level_for(None) == MAX  # no pace: as before, as fast as it goes


def test_the_keys_step_through_the_levels_and_stop_at_the_ends() -> None:
    assert slower(30) == 10 and faster(30) == 100 and faster(1000) == MAX
    assert slower(1) == 1 and faster(MAX) == MAX and slower(MAX) == 1000
    assert slower(20) == 3  # a preset's 20 plays at 10; one slower is 3


def test_steps_fall_due_at_the_rate_the_first_at_once() -> None:
    pacer = Pacer(10)
    pacer.start(now=100.0, step=0)
    assert pacer.due(100.0, 0) == 1
    assert pacer.due(100.05, 1) == 0 and pacer.wait(100.05, 1) == pytest.approx(0.05)
    assert pacer.due(100.1, 1) == 1
    assert pacer.due(100.35, 2) == 2  # a little behind: it catches up
    assert pacer.wait(100.35, 4) == pytest.approx(0.05)


def test_a_run_far_behind_catches_up_only_a_quarter_second_of_steps() -> None:
    pacer = Pacer(100)
    pacer.start(now=0.0, step=0)
    assert pacer.due(10.0, 1) == 25  # not the 1000 owed: they would flash by unseen
    assert pacer.due(10.0, 26) == 0 and pacer.wait(10.0, 26) == pytest.approx(0.01)


def test_at_high_rates_it_wakes_for_a_batch_of_steps() -> None:
    pacer = Pacer(1000)
    pacer.start(now=0.0, step=0)
    assert pacer.due(0.0, 0) == 1
    assert pacer.wait(0.0, 1) == pytest.approx(Pacer.GRAIN)  # 10 steps' time, not 1 ms
    assert pacer.due(Pacer.GRAIN, 1) == 10


def test_unpaced_is_never_waited_for() -> None:
    pacer = Pacer()
    assert not pacer.paced and pacer.wait(0.0, 5) == 0.0 and pacer.due(0.0, 5) >= 1e9


def test_a_pace_is_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(0)
    with pytest.raises(ValueError):
        Pacer().set_rate(-1, 0.0, 0)


# -- the loop, paced on the test's clock -------------------------------------------------------


class TimedPipe:
    """Commands that arrive at given times of the test's clock. A look that may wait
    (poll with a timeout) moves the clock on, as a real wait would, to the next command or
    by the timeout; once the script is played, Stop comes."""

    def __init__(self, clock: SimulatedClock, script: list[tuple[float, Command]]) -> None:
        self.clock = clock
        self.script = sorted(script, key=lambda item: item[0])
        self.waits: list[float] = []  # every wait asked for, in seconds

    def poll(self, timeout: float = 0.0) -> bool:
        if self.script and self.script[0][0] <= self.clock.now:
            return True
        if not timeout:
            return False
        self.waits.append(timeout)
        if not self.script:
            self.script.append((self.clock.now, Stop()))
            return True
        self.clock.now = min(self.clock.now + timeout, self.script[0][0])
        return self.script[0][0] <= self.clock.now

    def recv(self) -> Command:
        return self.script.pop(0)[1]


class PacedClock(SimulatedClock):
    """The simulated clock, waiting as the real one does: on the command pipe."""

    wait = Clock.wait


def paced_loop(
    script: list[tuple[float, Command]],
    steps: int = 1_000_000,
    per_step: float = 1e-4,
    trained: Comparison | None = None,
) -> tuple[TrainingLoop, TimedPipe, list[tuple[float, Result]]]:
    """A loop on the test's clock; what it sends, with the time it was sent."""
    trained = trained or comparison(steps)
    clock = PacedClock(trained, per_step=per_step, per_snapshot=1e-3)
    pipe = TimedPipe(clock, script)
    sent: list[tuple[float, Result]] = []
    loop = TrainingLoop(trained, pipe, lambda item: sent.append((clock.now, item)), clock=clock)
    return loop, pipe, sent


@pytest.mark.parametrize("level", [level for level in LEVELS if level != MAX])
def test_each_level_reaches_its_rate(level: float) -> None:
    seconds = 20.0 if level < 10 else 5.0
    script = [(0.0, Pace(level)), (0.0, Toggle()), (seconds, Pause())]
    loop, pipe, sent = paced_loop(script)
    loop.run()
    assert loop.comparison.step_count == pytest.approx(level * seconds, rel=0.01, abs=1)
    # it waited for its steps, never spinning: waits of a step's time (or GRAIN's worth)
    looks = [wait for wait in pipe.waits if wait != 0.5]  # not the waits of a paused loop
    assert len(looks) <= seconds * min(level, 1 / Pacer.GRAIN) + 2
    assert min(looks) > 0


def test_at_max_it_trains_as_fast_as_the_steps_go() -> None:
    loop, pipe, _ = paced_loop([(0.0, Toggle()), (1.0, Pause())], per_step=1e-3)
    loop.run()
    # 1 ms a step, less the snapshots; Pause is seen between chunks of ~15 ms
    assert 900 <= loop.comparison.step_count <= 1000 + 15
    assert [wait for wait in pipe.waits if wait != 0.5] == []  # it never waited


def test_a_pause_acts_at_once_at_one_step_a_second() -> None:
    """The loop waits for the next step on the command pipe, so Pause ends the wait."""
    script = [(0.0, Pace(1)), (0.0, Toggle()), (2.5, Pause())]
    loop, _, sent = paced_loop(script)
    loop.run()
    assert loop.comparison.step_count == 3  # at 0, 1 and 2 s
    paused = [(when, item) for when, item in sent if isinstance(item, SnapshotNews)][-1]
    assert paused[0] == pytest.approx(2.5, abs=0.01) and not paused[1].playing


def test_at_low_paces_every_step_is_seen_and_every_point_kept() -> None:
    for level in (1, 3):
        script = [(0.0, Pace(level)), (0.0, Toggle()), (10.0, Pause())]
        loop, _, sent = paced_loop(script)
        loop.run()
        steps = [item.step for _, item in sent if isinstance(item, SnapshotNews)]
        assert sorted(set(steps)) == list(range(loop.comparison.step_count + 1))
        for run in loop.comparison.runs:
            np.testing.assert_array_equal(run.history.view().step, sorted(set(steps)))


def test_a_new_pace_counts_from_now() -> None:
    script = [(0.0, Pace(1)), (0.0, Toggle()), (5.0, Pace(100)), (6.0, Pause())]
    loop, _, _ = paced_loop(script)
    loop.run()
    assert loop.comparison.step_count == pytest.approx(5 + 100, abs=2)  # no 500 owed


def test_a_hold_stops_training_at_its_step_shows_it_and_lets_go() -> None:
    script = [(0.0, Hold(50)), (0.0, Toggle()), (3.0, Hold(None)), (3.5, Pause())]
    loop, _, sent = paced_loop(script, per_step=1e-3)
    loop.run()
    at_hold = [(when, item) for when, item in sent if isinstance(item, SnapshotNews)]
    held = [when for when, item in at_hold if item.step == 50]
    assert held and held[0] < 0.2  # reached at once at max, and shown there
    assert all(item.step == 50 for when, item in at_hold if held[0] <= when < 3.0)
    assert loop.comparison.step_count > 300  # let go at 3 s: on at max


def test_pace_and_hold_ask_for_no_snapshot_of_their_own() -> None:
    script = [(1.0, Pace(10)), (2.0, Hold(5)), (3.0, Hold(None))]
    loop, _, sent = paced_loop(script)
    loop.run()
    assert len(snapshots([item for _, item in sent])) == 1  # the first, nothing since
    assert loop.handled == 4  # and Stop


def test_a_paced_run_says_the_steps_per_second_the_student_watches() -> None:
    """The runs table's steps/s: the pace reached, not how fast the core computes them
    (here 10,000 steps/s of the test clock)."""
    script = [(0.0, Pace(30)), (0.0, Toggle()), (5.0, Pause())]
    loop, _, sent = paced_loop(script)
    loop.run()
    playing = [item for when, item in sent if isinstance(item, SnapshotNews) and when > 2.0]
    playing = [news for news in playing if news.playing]
    assert playing
    for news in playing:
        for run in news.snapshot.runs:
            assert run.steps_per_second == pytest.approx(30, rel=0.2)
