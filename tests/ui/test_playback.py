"""Playing a preset in the app: captions and timeline changes at their steps, the claims
checked by the core at the end (the same verdicts as `trainlab check`), and the picker."""

from __future__ import annotations

import re

import pytest
from conftest import charts_drawn, main_screen, ready, wait_for
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from presets import Preset, load_preset, preset_names, run_preset
from presets.loader import parse_preset
from presets.preset import View
from tui.app import TrainlabApp
from tui.screens.main import MainScreen, check_stage
from tui.screens.preset_picker import PresetPicker
from tui.theme import run_color
from tui.training.loop import TrainingLoop
from tui.training.pace import level_for
from tui.training.protocol import Claims, Command, Result, Stop, Toggle
from tui.widgets.caption import Caption
from tui.widgets.charts_panel import ChartsPanel
from tui.widgets.claims_panel import ClaimsPanel
from tui.widgets.runs_table import RunsTable

PLAY = """
title = "Playback test"
title_ko = "재생 시험"
summary = "A caption, then dropout on one run at step 10."
snapshot_every = 20

[base]
name = "base"
layers = [8]
activation = "relu"
init = "he"
optimizer = { name = "adam", lr = 0.01 }
batch_size = 16
steps = 150
data = { name = "spiral", samples = 150, noise = 0.1, classes = 3 }

[variants.tanh]
activation = "tanh"

[[timeline]]
step = 0
caption = "Two tiny nets start."

[[timeline]]
step = 10
run = "tanh"
change = { dropout = 0.5 }
caption = "Dropout on tanh from here."
caption_ko = "여기부터 tanh에 드롭아웃."

[[claims]]
id = "9.1"
text = "The ReLU net learns: its final training loss is below 5."
text_ko = "ReLU 신경망은 학습합니다: 최종 학습 손실이 5보다 낮습니다."
left = { run = "base", metric = "train_loss" }
op = "<"
right = 5

[[claims]]
id = "9.2"
text = "The first layer's gradient at step 7 is not zero."
text_ko = "7 스텝에서 첫 번째 층의 기울기는 0이 아닙니다."
left = { run = "base", metric = "grad_norm", layer = "first", at_step = 7 }
op = ">"
right = 0

[[claims]]
id = "9.3"
text = "A claim made to fail: the final loss is above 1000."
left = { run = "tanh", metric = "train_loss" }
op = ">"
right = 1000
"""


def play_preset() -> Preset:
    return parse_preset(PLAY, "play", "tests/ui/test_playback.py")


def caption_text(screen: MainScreen) -> str:
    """The caption line's words, without its place among the captions ("1/2")."""
    return re.sub(r"^\d+/\d+  ", "", screen.query_one(Caption).shown_text)


async def steps(pilot: Pilot, screen: MainScreen, count: int) -> None:
    target = screen.step + count
    for _ in range(count):
        await pilot.press("s")
    await wait_for(pilot, lambda: screen.step == target)


async def test_a_preset_plays_its_timeline_and_ends_with_its_claims(reading_clock) -> None:
    app = TrainlabApp(play_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert caption_text(screen) == "Two tiny nets start."
        panel = screen.query_one(ClaimsPanel)
        assert not panel.display

        await steps(pilot, screen, 9)
        assert caption_text(screen) == "Two tiny nets start."
        assert screen.snapshot.changes == ()
        await steps(pilot, screen, 2)  # the change applies before step 10's update
        reading_clock.advance(60)  # the first caption has been read
        await wait_for(pilot, lambda: caption_text(screen) == "Dropout on tanh from here.")
        change = screen.snapshot.changes[-1]
        assert (change.step, change.run, change.setting, change.new) == (10, "tanh", "dropout", 0.5)
        assert screen.configs["tanh"].dropout == 0.5 and screen.configs["base"].dropout == 0.0
        loss_chart = screen.query_one(ChartsPanel).chart("loss")
        # the marker on the loss chart, named and in the run's colour
        (mark,) = loss_chart.marks(screen.snapshot)
        assert (mark.x, mark.label, mark.color) == (10, "dropout 0.5", run_color(1))

        await pilot.press("c")  # before the end: a notice says when the claims come
        assert not panel.display

        await pilot.press("space")
        await wait_for(pilot, lambda: screen.claims is not None)
        await wait_for(pilot, lambda: panel.display and panel.region.height == 1)  # laid out
        assert screen.done and panel.folded  # one line, until opened
        assert "Claims: 2 of 3 pass · c shows each claim" in panel.shown_text

        await pilot.press("c")
        await wait_for(pilot, lambda: panel.region.height > 4)
        assert not panel.folded
        text = panel.shown_text
        assert "2 of 3 pass" in text
        assert "modified" not in text
        for claim_id, verdict in (("9.1", "PASS"), ("9.2", "PASS"), ("9.3", "FAIL")):
            assert f"{verdict}  {claim_id}" in text
        assert "base train_loss = " in text

        await pilot.press("c")
        await wait_for(pilot, lambda: panel.region.height == 1)
        assert panel.display and panel.folded

        await pilot.press("r")  # the preset is a starting point: run it again
        await wait_for(pilot, lambda: screen.step == 0 and not screen.done)
        assert not panel.display and screen.claims is None
        assert screen.configs["tanh"].dropout == 0.0  # the timeline plays again from the start
        assert caption_text(screen) == "Two tiny nets start."


async def test_changing_the_setup_marks_the_claims_modified() -> None:
    app = TrainlabApp(play_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("d")  # dropout on the selected run, not in the preset
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.claims is not None)
        assert screen.claims.modified
        claims = screen.query_one(ClaimsPanel)
        await wait_for(pilot, lambda: "your setup" in claims.shown_text)  # folded: one line
        await pilot.press("c")
        assert "modified — the lecture's setup was changed" in (
            screen.query_one(ClaimsPanel).shown_text
        )
        # a reset keeps the user's change, so the next verdicts are still about their setup
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.step == 0 and screen.claims is None)
        assert screen.configs["base"].dropout == 0.2
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.claims is not None)
        assert screen.claims.modified


async def test_the_claims_speak_korean_and_fall_back_to_english() -> None:
    app = TrainlabApp(play_preset(), lang="ko")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.claims is not None)
        await pilot.press("c")
        await pilot.pause(0.05)
        text = screen.query_one(ClaimsPanel).shown_text
        assert "3개 중 2개 통과" in text
        assert "통과  9.1  ReLU 신경망은 학습합니다: 최종 학습 손실이 5보다 낮습니다." in text
        assert "7 스텝에서 첫 번째 층의 기울기는 0이 아닙니다." in text
        assert "The ReLU net learns" not in text
        assert "실패  9.3  A claim made to fail" in text  # no text_ko: the English text
        # what was measured, labelled from the measures in Korean words
        assert "base 학습 손실 = " in text and "base 기울기 크기, 첫 번째 층, 7 스텝 = " in text
        await pilot.press("t")  # and in English, as `trainlab check` prints them
        await pilot.pause(0.05)
        text = screen.query_one(ClaimsPanel).shown_text
        assert "PASS  9.1  The ReLU net learns" in text
        assert "base train_loss = " in text and "base grad_norm layer first at step 7 = " in text


class FakePipe:
    """The command end of the pipe: a script of commands, then Stop when the loop waits."""

    def __init__(self, commands: list[Command]) -> None:
        self.commands = list(commands)

    def poll(self, timeout: float = 0.0) -> bool:
        if not self.commands and timeout:
            self.commands.append(Stop())
        return bool(self.commands)

    def recv(self) -> Command:
        return self.commands.pop(0)


def claims_from_the_app_loop(preset: Preset) -> list:
    sent: list[Result] = []
    loop = TrainingLoop(preset.comparison(), FakePipe([Toggle()]), sent.append, preset)
    loop.CHUNK_SECONDS = 0.002  # chunks of other sizes than the headless run's
    loop.run()
    found = [item for item in sent if isinstance(item, Claims)]
    assert len(found) == 1
    assert not found[0].modified
    return found[0].claims


@pytest.mark.parametrize("name", ["minibatch-noise", "adaptive-steps", "init-sigmoid"])
def test_the_app_loop_checks_claims_as_trainlab_check_does(name: str) -> None:
    preset = load_preset(name)
    assert claims_from_the_app_loop(preset) == run_preset(preset).claims


def test_the_app_loop_and_run_preset_agree_on_the_playback_preset() -> None:
    preset = play_preset()
    claims = claims_from_the_app_loop(preset)
    assert claims == run_preset(preset).claims
    assert [claim.passed for claim in claims] == [True, True, False]


@pytest.mark.parametrize("name", preset_names())
async def test_every_shipped_preset_opens_on_its_view_and_plays(name: str, reading_clock) -> None:
    """What a new user does with each preset: open it where it shows its point, read the
    intro, press play."""
    preset = load_preset(name)
    check_stage(preset)  # every view names a tab the app has
    app = TrainlabApp(preset)
    # 32 image nets take ~10 s of CPU to their third step (per-layer statistics for the
    # claims, then snapshots of a second each): on a busy 2-core machine, minutes. The
    # bound only stops a hung test.
    patience = 600.0
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot, patience)
        assert caption_text(screen) == preset.captions[0].text["en"]
        runs = [config.name for config in preset.run_configs()]
        table, panel = screen.query_one(RunsTable), screen.query_one(ChartsPanel)
        assert list(table.names) == runs
        view = preset.view or View()
        assert panel.active_chart == (view.tab or "loss")
        await wait_for(pilot, lambda: table.selected == (view.run or runs[0]))
        assert panel.x_axis == (view.x or "steps")
        assert screen.pace == level_for(preset.pace) and preset.pace is not None

        def read() -> bool:  # every caption due has been up long enough
            reading_clock.advance(1000)
            return screen._hold is None

        await wait_for(pilot, read, patience)
        await pilot.press("space")
        # three updates (or all: the init presets train one)
        await wait_for(pilot, lambda: screen.step >= 3 or screen.done, patience)
        if not screen.done:
            await pilot.press("space")
            await wait_for(pilot, lambda: not screen.playing, patience)
        assert not [n for n in app._notifications if n.severity == "error"]


# -- the picker --------------------------------------------------------------------------


def picker(pilot: Pilot) -> PresetPicker:
    screen = pilot.app.screen
    assert isinstance(screen, PresetPicker)
    return screen


async def test_the_picker_lists_every_preset_and_opens_the_chosen_one() -> None:
    app = TrainlabApp(play_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        old = await ready(pilot)
        await pilot.press("P")
        options = picker(pilot).query_one(OptionList)
        names = preset_names()
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == names
        target = "vanishing-gradient"
        await pilot.press(*["down"] * names.index(target), "enter")
        await wait_for(pilot, lambda: main_screen(pilot) is not old)
        screen = await ready(pilot)
        assert app.screen is screen
        chosen = load_preset(target)
        runs = [config.name for config in chosen.run_configs()]
        await wait_for(pilot, lambda: list(screen.query_one(RunsTable).names) == runs)
        assert caption_text(screen) == chosen.captions[0].text["en"]
        assert not old.trainer.process.is_alive()  # the old scenario's training stopped


async def test_escape_cancels_the_picker() -> None:
    app = TrainlabApp(play_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("P")
        picker(pilot)
        await pilot.press("escape")
        await pilot.pause(0.05)
        assert app.screen is screen and main_screen(pilot) is screen
        assert app.preset.name == "play"


async def test_the_picker_speaks_korean() -> None:
    app = TrainlabApp(play_preset(), lang="ko")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")
        options = picker(pilot).query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        for name, prompt in zip(preset_names(), prompts, strict=True):
            preset = load_preset(name)
            assert preset.title["ko"] in prompt and preset.section["ko"] in prompt
            assert preset.section["ko"] and preset.section["en"] not in prompt


def notices(app: TrainlabApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_a_broken_shipped_preset_is_reported_and_the_others_still_listed(
    tmp_path, monkeypatch
) -> None:
    import presets.loader

    broken = tmp_path / "broken.toml"
    broken.write_text(PLAY.replace("steps = 150", "steps = -1"), encoding="utf-8")
    names = preset_names()
    shipped = presets.loader._shipped()
    monkeypatch.setattr(presets.loader, "_shipped", lambda: shipped | {"broken": broken})
    app = TrainlabApp(play_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("P")
        options = picker(pilot).query_one(OptionList)
        listed = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert listed == names
        await wait_for(pilot, lambda: any("broken.toml" in text for text in notices(app)))
        (notice,) = [text for text in notices(app) if "broken.toml" in text]
        assert "base.steps" in notice
        await pilot.press("escape")
        await pilot.pause(0.05)
        assert app.screen is screen and app.is_running


async def test_a_file_of_ones_own_opens_from_the_picker_and_a_bad_one_is_explained(
    tmp_path,
) -> None:
    bad, good = tmp_path / "bad.toml", tmp_path / "good.toml"
    bad.write_text(PLAY.replace('run = "tanh"', 'run = "nobody"'), encoding="utf-8")
    good.write_text(PLAY.replace('title = "Playback test"', 'title = "Mine"'), encoding="utf-8")
    app = TrainlabApp(play_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        old = await ready(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PresetPicker))
        await pilot.press("tab")
        field = picker(pilot).query_one("#picker-file", Input)
        assert field.has_focus
        await pilot.press(*str(bad), "enter")
        await wait_for(pilot, lambda: any("bad.toml" in text for text in notices(app)))
        assert "timeline[1].run" in notices(app)[-1] and "'nobody'" in notices(app)[-1]
        assert isinstance(app.screen, PresetPicker) and field.has_class("-bad-value")
        # a config that loads, but whose own data does not: found before anything stops
        (tmp_path / "points.csv").write_text("a,label\n1,x\ntwo,y\n", encoding="utf-8")
        bad_data = tmp_path / "bad_data.toml"
        bad_data.write_text('[data]\nname = "csv"\npath = "points.csv"\n', encoding="utf-8")
        field.value = ""
        await pilot.press(*str(bad_data), "enter")
        await wait_for(pilot, lambda: any("'two' is not a number" in t for t in notices(app)))
        assert isinstance(app.screen, PresetPicker) and old.trainer.process.is_alive()
        field.value = ""
        await pilot.press(*str(good), "enter")
        await wait_for(pilot, lambda: main_screen(pilot) is not old)
        await ready(pilot)
        assert app.preset.title["en"] == "Mine" and app.preset.path == str(good)


def test_picker_snapshot_120x40(snap_compare, reading_clock) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await charts_drawn(pilot)  # the main screen shows around the picker
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PresetPicker))
        await pilot.pause(0.3)  # its last-session search ends (none here: nothing changes)

    assert snap_compare(TrainlabApp(play_preset()), terminal_size=(120, 40), run_before=run_before)
