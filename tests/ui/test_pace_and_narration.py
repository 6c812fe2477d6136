"""Watching it happen, in the app: the pace keys and each level's rate, a pause that acts at
once at 1 step a second, captions that stay their reading time and hold training for it,
conditions that stop holding, `n` / `N`, a caption's view. The training loop runs in the
test's own process on a clock of the test's own, and the captions read the test's clock
too (`reading_clock`), so nothing here depends on how fast the machine is."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pytest
from conftest import StandInTrainer, main_screen, ready, tiny_preset, wait_for
from test_pace import PacedClock
from textual.pilot import Pilot

import tui.screens.main as main_module
from presets.preset import Preset
from tui import cli
from tui.app import TrainlabApp
from tui.messages import SnapshotReady, TrainingProgress
from tui.screens.main import MainScreen
from tui.screens.preset_picker import PresetPicker
from tui.training.loop import TrainingLoop
from tui.training.pace import LEVELS, MAX
from tui.training.protocol import Command, Logged, Progress, Result, Saved, SnapshotNews
from tui.training.trainer import message_for
from tui.widgets.caption import FACT, NO_LONGER, NOT_YET, Caption, Narration, reading_seconds
from tui.widgets.charts_panel import ChartsPanel
from tui.widgets.runs_table import RunsTable


class LoopInThisProcess(StandInTrainer):
    """Stands in for Trainer: the training loop in the test's process, on the test's clock
    (a step costs 0.1 ms of it, a snapshot 1 ms), running only when the test says
    (`run_for`); what it sends reaches the screen as the relay would post it."""

    def __init__(self, preset: Preset, post, resume=None) -> None:
        super().__init__(post)
        self.queue: list[Command] = []
        self.histories: dict = {}
        trained = preset.comparison()
        self.clock = PacedClock(trained, per_step=1e-4, per_snapshot=1e-3)
        self.until = 0.0
        self.told: Callable[[MainScreen], bool] = lambda screen: True  # shown the last?
        self.loop = TrainingLoop(trained, self, self._deliver, preset, clock=self.clock)
        self.loop._publish(detail=True)  # the first snapshot, as `run` starts with

    # the pipe, as the loop sees it: a wait lasts until a command comes, or the time is up
    def poll(self, timeout: float = 0.0) -> bool:
        if not self.queue and timeout:
            self.clock.now = max(self.clock.now, min(self.clock.now + timeout, self.until))
        return bool(self.queue)

    def recv(self) -> Command:
        return self.queue.pop(0)

    # the screen's side
    def queue_command(self, command: Command) -> None:
        self.queue.append(command)

    def _deliver(self, result: Result) -> None:
        if isinstance(result, Logged):
            self.logged.extend(result.events)
            return
        if isinstance(result, Saved):
            self.saved = result
            return
        if isinstance(result, SnapshotNews | Progress):
            self.step = result.step
        message = message_for(result, self.histories)
        if isinstance(message, SnapshotReady):
            self.told = lambda screen: screen.snapshot is message.snapshot
        elif isinstance(message, TrainingProgress):
            self.told = lambda screen: screen.step == message.step
        self.post(message)

    def run_for(self, seconds: float) -> None:
        """The loop's turns for `seconds` of the test's clock (at least one turn)."""
        self.until = self.clock.now + seconds
        self.loop.turn()
        while self.clock.now < self.until and not self.loop.stopped:
            self.loop.turn()


@pytest.fixture
def in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_module, "Trainer", LoopInThisProcess)


def loop_of(screen: MainScreen) -> LoopInThisProcess:
    trainer = screen.trainer
    assert isinstance(trainer, LoopInThisProcess)
    return trainer


async def run_for(pilot: Pilot, screen: MainScreen, seconds: float) -> int:
    """Train for `seconds` of the test's clock, until the screen shows what the loop sent;
    the steps trained."""
    trainer = loop_of(screen)
    trainer.run_for(seconds)
    await wait_for(pilot, lambda: trainer.told(screen) and screen.intended.settled)
    return trainer.loop.comparison.step_count


def caption_of(screen: MainScreen) -> str:
    return screen.query_one(Caption).shown_text


def status_of(screen: MainScreen) -> str:
    return str(screen.query_one(RunsTable).border_subtitle)


async def read_everything(pilot: Pilot, screen: MainScreen, reading_clock) -> None:
    """Every caption due has been up long enough: nothing holds training back."""
    reading_clock.advance(1000)
    await wait_for(pilot, lambda: screen._hold is None)


# -- pace ---------------------------------------------------------------------------------


async def test_the_pace_keys_step_through_the_levels_shown_on_screen(
    in_this_process, reading_clock
) -> None:
    app = TrainlabApp(tiny_preset())  # no pace of its own: max
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        assert screen.pace == MAX and "max speed" in status_of(screen)
        await pilot.press("less_than_sign")
        assert screen.pace == 1000 and "1000 steps/s" in status_of(screen)
        await pilot.press(*["comma"] * 10)  # the same key unshifted; the slowest stays
        assert screen.pace == 1 and "1 steps/s" in status_of(screen)
        await pilot.press("greater_than_sign", "full_stop")
        assert screen.pace == 10 and "10 steps/s" in status_of(screen)
        await run_for(pilot, screen, 0)
        assert loop_of(screen).loop.pacer.rate == 10  # the training process has it
        app.lang = "ko"
        await pilot.pause()
        assert "초당 10 스텝" in status_of(screen)


@pytest.mark.parametrize("level", [level for level in LEVELS if level != MAX])
async def test_each_pace_level_reaches_its_rate(level, in_this_process, reading_clock) -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        await read_everything(pilot, screen, reading_clock)
        await pilot.press(*["less_than_sign"] * (len(LEVELS) - 1 - LEVELS.index(level)))
        assert screen.pace == level
        await pilot.press("space")
        trained = await run_for(pilot, screen, 10.0)
        assert trained == pytest.approx(10 * level, rel=0.01, abs=1)
        assert screen.step == pytest.approx(trained, abs=0.2 * level + 1)  # its last snapshot
        assert "training" in status_of(screen)


async def test_max_trains_as_fast_as_the_steps_go(in_this_process, reading_clock) -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        await read_everything(pilot, screen, reading_clock)
        await pilot.press("space")
        assert await run_for(pilot, screen, 1.0) > 5000  # 0.1 ms a step, less the snapshots


async def test_a_pause_acts_at_once_at_one_step_a_second(in_this_process, reading_clock) -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        await read_everything(pilot, screen, reading_clock)
        await pilot.press(*["less_than_sign"] * (len(LEVELS) - 1))
        await pilot.press("space")
        await run_for(pilot, screen, 2.5)  # steps at 0, 1 and 2 s; now waiting for the next
        assert screen.step == 3 and screen.playing
        await pilot.press("space")
        await run_for(pilot, screen, 0)  # the loop's next look: the wait ends, it pauses
        assert not screen.playing and "paused" in status_of(screen)
        await run_for(pilot, screen, 10.0)
        assert screen.step == 3


# -- narration ----------------------------------------------------------------------------


INTRO, FIVE = "Two tiny nets on a small spiral.", "Five steps in."


async def test_a_caption_stays_its_reading_time_holding_the_next_back(
    in_this_process, reading_clock
) -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        assert caption_of(screen) == f"1/2  {INTRO}"
        await pilot.press("space")  # at max: step 5, where the next caption is due, at once
        await run_for(pilot, screen, 2.0)
        assert screen.step == 5 and caption_of(screen).endswith(INTRO)
        assert "held for the caption (n: go on)" in status_of(screen)
        reading = reading_seconds(INTRO)
        assert reading == 4.0  # 32 characters: under the least reading time
        reading_clock.advance(reading - 0.1)
        await pilot.pause(0.3)  # the narration looks ten times a second
        await run_for(pilot, screen, 5.0)
        assert screen.step == 5 and caption_of(screen).endswith(INTRO)
        reading_clock.advance(0.2)
        await wait_for(pilot, lambda: caption_of(screen) == f"2/2  {FIVE}")
        await wait_for(pilot, lambda: screen._hold is None)  # the last caption holds nothing
        assert await run_for(pilot, screen, 1.0) > 1000
        assert "training" in status_of(screen)


def test_the_reading_time_counts_characters() -> None:
    long = "x" * 150  # ten seconds at 15 characters a second
    assert reading_seconds(long) == 10.0 and reading_seconds("") == 4.0


DIVERGED_CAPTION = """
[[timeline]]
step = 8
caption = "base has not diverged."
caption_ko = "base는 발산하지 않았습니다."
when = { left = { run = "base", metric = "diverged" }, op = "==", right = 0 }
"""


async def test_a_caption_whose_condition_stops_holding_is_marked(
    in_this_process, reading_clock
) -> None:
    app = TrainlabApp(tiny_preset(extra=DIVERGED_CAPTION))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        await read_everything(pilot, screen, reading_clock)
        await pilot.press("space")
        await run_for(pilot, screen, 1.0)
        await read_everything(pilot, screen, reading_clock)
        await wait_for(pilot, lambda: caption_of(screen) == "3/3  base has not diverged.")
        await pilot.press("space")
        await pilot.press(*["right_square_bracket"] * 100)  # base's lr to 1e28
        await pilot.press("space")
        await run_for(pilot, screen, 1.0)
        await wait_for(pilot, lambda: "no longer holds" in caption_of(screen))
        assert caption_of(screen) == "3/3  (no longer holds) base has not diverged."
        assert screen.query_one(RunsTable).get_cell("base", "status").startswith("diverged")
        app.lang = "ko"
        await wait_for(pilot, lambda: "(더 이상 맞지 않음)" in caption_of(screen))


def test_a_caption_is_due_only_once_its_condition_holds() -> None:
    """The narration alone: past its step, a caption waits for its condition."""
    caption = tiny_preset(extra=DIVERGED_CAPTION).captions[2]
    narration = Narration([caption], clock=lambda: 0.0)
    narration.observe(20)  # no snapshot has said whether base diverged
    assert not narration.tick("en") and narration.current is None
    assert narration.standing(0) == NOT_YET
    narration.holding[0] = True  # as a snapshot says
    assert narration.tick("en") and narration.current is caption
    assert narration.standing(0) == FACT
    narration.holding[0] = False
    assert narration.standing(0) == NO_LONGER


async def test_n_and_shift_n_move_through_the_captions(in_this_process, reading_clock) -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        await pilot.press("n")  # ahead of the training: step 5 is not reached
        assert caption_of(screen) == f"2/2  (not yet) {FIVE}"
        await pilot.press("n")  # there is no third
        assert caption_of(screen) == f"2/2  (not yet) {FIVE}"
        await pilot.press("N", "N")
        assert caption_of(screen) == f"1/2  {INTRO}"
        await pilot.press("space")
        await run_for(pilot, screen, 1.0)  # held at step 5 for the intro...
        assert screen.step == 5 and caption_of(screen).endswith(INTRO)
        await pilot.press("n")  # ...which the student has read: on
        assert caption_of(screen) == f"2/2  {FIVE}"
        await wait_for(pilot, lambda: screen._hold is None)
        assert await run_for(pilot, screen, 0.1) > 5


VIEW_CAPTION = """
[[timeline]]
step = 3
caption = "Look at tanh's gradients."
caption_ko = "tanh의 기울기를 보세요."
view = { tab = "gradients", run = "tanh" }
"""


async def test_a_captions_view_goes_to_its_tab_and_run_and_the_student_may_leave(
    in_this_process, reading_clock
) -> None:
    app = TrainlabApp(tiny_preset(extra=VIEW_CAPTION))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(pilot)
        panel, table = screen.query_one(ChartsPanel), screen.query_one(RunsTable)
        assert panel.active_chart == "loss" and table.selected == "base"
        await pilot.press("space")
        await run_for(pilot, screen, 1.0)  # held at step 3 while the intro is read
        assert screen.step == 3 and panel.active_chart == "loss"
        reading_clock.advance(1000)
        await wait_for(pilot, lambda: caption_of(screen).startswith("2/3  Look at"))
        assert panel.active_chart == "gradients" and table.selected == "tanh"
        form = screen.query_one("#setup")
        await wait_for(pilot, lambda: form.border_title.endswith("tanh"))  # the form follows
        await pilot.press("1", "up")  # the student looks elsewhere: it stays so
        await pilot.pause(0.3)
        assert panel.active_chart == "loss" and table.selected == "base"
        await pilot.press("N", "n")  # going back to the caption goes to its view again
        assert panel.active_chart == "gradients" and table.selected == "tanh"


def test_the_caption_line_names_no_position_for_a_single_caption() -> None:
    """A preset of one caption needs no "1/1"."""
    preset = tiny_preset()
    single = replace(preset, timeline=preset.timeline[:1])
    caption = Caption(single)
    caption.narration.tick("en")
    assert re.fullmatch(INTRO, caption.render_caption("en").plain)


# -- stage directions the app cannot follow -------------------------------------------------

NO_SUCH_TAB = """
title = "A tab too many"
view = { tab = "weather" }
[base]
layers = [4]
steps = 10
[[timeline]]
step = 0
caption = "Look."
view = { tab = "loss" }
"""


def test_a_preset_whose_view_names_a_tab_the_app_lacks_is_refused(tmp_path, capsys) -> None:
    file = tmp_path / "noisy.toml"
    file.write_text(NO_SUCH_TAB, encoding="utf-8")
    assert cli.main([str(file)]) == 2
    error = capsys.readouterr().err
    assert "noisy.toml" in error and "view.tab" in error and "'weather'" in error
    assert "loss, accuracy" in error  # the tabs it could have named


async def test_the_picker_refuses_such_a_file_and_says_why(tmp_path) -> None:
    file = tmp_path / "noisy.toml"
    file.write_text(NO_SUCH_TAB, encoding="utf-8")
    app = TrainlabApp(tiny_preset(), lang="ko")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)  # the lab first, as a student sees it
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PresetPicker))
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.screen.query_one("#picker-file").has_focus)
        await pilot.press(*str(file), "enter")
        notices = lambda: [str(n.message) for n in app._notifications]  # noqa: E731
        await wait_for(pilot, lambda: any("view.tab" in text for text in notices()))
        assert isinstance(app.screen, PresetPicker) and app.main_screen is screen
        assert "'weather'" in notices()[-1] and "다음 중 하나여야" in notices()[-1]
