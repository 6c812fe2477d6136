"""Nothing lost, driven as a student would: the session kept and brought back (its view too),
saved as a preset file that opens with its timeline, exported, the run history listed and
pinned, a dead training process started again where it was, and the picker reading a file
off the UI thread."""

from __future__ import annotations

import csv
import json
import os
import signal
import threading
import time
from datetime import UTC, datetime

import pytest
from conftest import ready, tiny_preset, wait_for
from textual.widgets import DataTable, Input, OptionList, Static

from nn import Comparison
from presets import loader
from presets.loader import load_scenario
from tui.app import TrainlabApp
from tui.history import HistoryStore, default_path, records_from, scenario_of
from tui.screens.keep import HistoryScreen, PathDialog
from tui.screens.preset_picker import RESUME, PresetPicker
from tui.session import SessionStore
from tui.widgets.charts_panel import ChartsPanel
from tui.widgets.loss_chart import LossChart
from tui.widgets.runs_table import RunsTable


def notices(app: TrainlabApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def dialog_error(pilot) -> str:
    return str(pilot.app.screen.query_one("#path-error", Static).render())


async def type_path(pilot, path: str) -> None:
    field = pilot.app.screen.query_one(Input)
    field.value = ""
    await pilot.press(*path, "enter")


async def quit_app(pilot) -> None:
    """`q`, once no animation runs: a key pressed as the app ends waits for the animations
    to finish, and an animation cut off by the end never does (the test would hang)."""
    await pilot.wait_for_scheduled_animations()
    await pilot.press("q")


async def played(pilot, steps: int):
    """The main screen after `steps` or more of training, paused."""
    screen = await ready(pilot)
    await pilot.press("space")
    await wait_for(pilot, lambda: screen.step >= steps)
    await pilot.press("space")
    await wait_for(pilot, lambda: not screen.playing)
    return screen


async def test_quit_keeps_the_session_and_resume_brings_it_back_with_its_view() -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await played(pilot, 60)
        await pilot.press("]")  # a live change: kept as an event of the session
        await pilot.press("4", "down", "l")  # gradients tab, the tanh run, log scale
        await wait_for(pilot, lambda: screen.selected == "tanh")
        reached = screen.step
        await quit_app(pilot)
    assert app.return_code == 0
    kept = SessionStore().latest()
    assert kept is not None and kept.ended == "quit" and kept.step == reached
    assert [event.step for event in kept.events] == [reached]
    assert kept.selected == "tanh" and kept.view["tab"] == "gradients" and kept.view["log"]

    again = TrainlabApp(kept.scenario.preset(), session=kept)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: screen.step == reached and screen.selected == "tanh")
        assert not screen.playing
        assert screen.query_one(ChartsPanel).active_chart == "gradients"
        assert screen.configs["base"].optimizer.lr == 0.02  # the change came back
        assert any("back at step" in text for text in notices(again))
        await pilot.press("space")  # and it goes on
        await wait_for(pilot, lambda: screen.step > reached + 20)


async def test_ctrl_s_saves_a_preset_file_that_opens_with_its_timeline(tmp_path) -> None:
    app = TrainlabApp(tiny_preset(steps=5000))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await played(pilot, 30)
        changed_at = screen.step
        await pilot.press("d")  # dropout on the base run, live
        await pilot.press("s", "s", "s")
        await wait_for(pilot, lambda: screen.step == changed_at + 3)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog))
        for bad, words in (
            (str(tmp_path / "no" / "where.toml"), "there is no folder"),
            (str(tmp_path), "is a folder"),
            (str(tmp_path / "x.txt"), "give a name ending in .toml"),
            ("/dev/null", "not a regular file"),
        ):
            await type_path(pilot, bad)
            await wait_for(pilot, lambda words=words: words in dialog_error(pilot))
            assert isinstance(app.screen, PathDialog)  # still open: the student fixes it
        saved = tmp_path / "mine.toml"
        await type_path(pilot, str(saved))
        await wait_for(pilot, lambda: app.screen is screen)
        assert any(str(saved) in text and "timeline: 1." in text for text in notices(app))

    opened = load_scenario(saved)
    assert opened.reached == changed_at + 3
    assert [(e.step, e.run, e.changes) for e in opened.timeline if e.changes] == [
        (changed_at, "base", {"dropout": 0.2})
    ]
    assert opened.run_configs() == tiny_preset(steps=5000).run_configs()
    again = TrainlabApp(opened)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await wait_for(pilot, lambda: screen.step == changed_at + 3)  # where it had got to
        assert not screen.playing and screen.configs["base"].dropout == 0.2


async def test_export_writes_the_curves_and_the_chart_and_explains_a_bad_path(
    tmp_path,
) -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await played(pilot, 40)
        await wait_for(pilot, lambda: screen.query_one(LossChart).picture.plain.strip())
        for name in ("runs.csv", "runs.json", "chart.txt", "chart.svg"):
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, PathDialog))
            await type_path(pilot, str(tmp_path / name))
            await wait_for(pilot, lambda name=name: (tmp_path / name).exists())
            await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog))
        await type_path(pilot, str(tmp_path / "runs.xlsx"))
        await wait_for(pilot, lambda: ".csv, .json, .txt, .svg" in dialog_error(pilot))
        await pilot.press("escape")
    rows = list(csv.DictReader((tmp_path / "runs.csv").open()))
    assert {row["run"] for row in rows} == {"base", "tanh"}
    document = json.loads((tmp_path / "runs.json").read_text())
    assert [run["name"] for run in document["runs"]] == ["base", "tanh"]
    assert "Loss" in (tmp_path / "chart.txt").read_text()
    assert (tmp_path / "chart.svg").read_text().startswith("<svg")


def seed_history(count: int = 3, preset=None) -> list[int]:
    """Runs of an earlier session in the run history: the preset's (the tiny one unless
    said), and another's."""
    preset = preset or tiny_preset()
    comparison = Comparison(preset.run_configs())
    comparison.step(30)
    snapshot = comparison.snapshot(layers=False)
    configs = {run.name: run.config for run in comparison.runs}
    when = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    scenario, name, title = scenario_of(preset)
    with HistoryStore.open(default_path()) as store:
        ids = store.add(
            records_from(snapshot, configs, scenario=scenario, preset=name, title=title),
            when=when,
        )
        ids += store.add(
            records_from(snapshot, configs, scenario="other", title="Other")[: count - 2],
            when=when,
        )
    return ids


async def test_the_history_lists_past_runs_and_pins_one_faded_on_the_curves() -> None:
    seed_history()
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        history = app.screen
        table = history.query_one(DataTable)
        await wait_for(pilot, lambda: history.loaded)
        assert table.row_count == 2  # this scenario's
        await pilot.press("a")  # all scenarios
        await wait_for(pilot, lambda: history.loaded and table.row_count == 3)
        await pilot.press("a")
        await wait_for(pilot, lambda: history.loaded and table.row_count == 2)
        await pilot.press("enter")
        chart = screen.query_one(LossChart)
        await wait_for(pilot, lambda: len(chart.pinned) == 1)
        assert chart.pinned[0].label.startswith("#") and len(chart.pinned[0].history.step)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: len(chart.pinned) == 2)
        await pilot.press("enter")  # the second again: unpinned
        await wait_for(pilot, lambda: len(chart.pinned) == 1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await wait_for(pilot, lambda: "faded: #" in chart.picture.plain)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.press("x")
        await wait_for(pilot, lambda: not chart.pinned)


async def test_every_run_that_ends_or_stops_is_recorded_in_the_history() -> None:
    app = TrainlabApp(tiny_preset(steps=150))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.done)
        await pilot.press("a")  # a copy of base, trained a little, then the app quits
        await wait_for(pilot, lambda: len(screen.configs) == 3)
        await pilot.press("s", "s")
        await wait_for(pilot, lambda: screen.snapshot.run("base-2").step == 2)
        await quit_app(pilot)
    with HistoryStore.open(default_path()) as store:
        runs = {(record.run, record.status, record.ended_step) for record in store.runs()}
    assert runs == {("base", "done", 150), ("tanh", "done", 150), ("base-2", "stopped", 2)}


async def test_a_dead_training_process_is_said_and_r_starts_it_again_where_it_was() -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await played(pilot, 50)
        await pilot.press("]")
        await wait_for(pilot, lambda: screen.trainer.logged)
        reached = screen.step
        os.kill(screen.trainer.process.pid, signal.SIGKILL)  # a process this test started
        await wait_for(pilot, lambda: any("ended unexpectedly" in t for t in notices(app)))
        assert "training" not in str(screen.query_one(RunsTable).get_cell("base", "status"))
        dead = screen.trainer
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.trainer is not dead)
        await wait_for(pilot, lambda: screen.step == reached and screen.trainer.alive)
        assert screen.configs["base"].optimizer.lr == 0.02 and not screen.playing
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.step > reached + 10)


async def test_the_picker_offers_the_last_session_and_brings_it_back() -> None:
    first = TrainlabApp(tiny_preset())
    async with first.run_test(size=(120, 40)) as pilot:
        reached = (await played(pilot, 40)).step
        await quit_app(pilot)
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        old = await ready(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PresetPicker))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.get_option_at_index(0).id == RESUME)
        assert f"{reached} " in str(options.get_option_at_index(0).prompt)
        options.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main_screen is not old)
        screen = await ready(pilot)
        await wait_for(pilot, lambda: screen.step == reached)


async def test_the_picker_reads_a_file_off_the_ui_thread_and_refuses_a_huge_one(
    tmp_path, monkeypatch
) -> None:
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * (50 << 20))  # 50 MB
    slow, release = tmp_path / "slow.toml", threading.Event()
    slow.write_text(tiny_preset().source, encoding="utf-8")
    load = loader.load_scenario

    def slowly(path):
        if str(path) == str(slow):
            release.wait(60)  # a file being read for as long as the test says
        return load(path)

    monkeypatch.setattr("tui.screens.preset_picker.load_scenario", slowly)
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        old = await ready(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PresetPicker))
        await pilot.press("tab")
        field = app.screen.query_one(Input)
        await wait_for(pilot, lambda: field.has_focus)
        await pilot.press(*str(huge), "enter")
        await wait_for(pilot, lambda: any("50.0 MB" in text for text in notices(app)))
        assert isinstance(app.screen, PresetPicker)
        field.value = ""
        await pilot.press(*str(slow), "enter")
        await pilot.press("shift+tab", "t")  # the app answers keys while the file is read
        await wait_for(pilot, lambda: app.lang == "ko")
        assert isinstance(app.screen, PresetPicker)
        release.set()
        await wait_for(pilot, lambda: app.main_screen is not old)
        await ready(pilot)
        assert app.preset.path == str(slow)


@pytest.mark.parametrize("content", [b"{ damaged", b'{"format": "trainlab-session", "version": 7}'])
async def test_a_damaged_or_newer_session_is_set_aside_and_the_app_starts(content) -> None:
    folder = SessionStore().folder
    folder.mkdir(parents=True)
    bad = folder / "20260101-000000-bad000.json"
    bad.write_bytes(content)
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: any("moved aside" in text for text in notices(app)))
    (aside,) = [p for p in folder.iterdir() if p.name.startswith(bad.name + ".")]
    assert aside.read_bytes() == content and not bad.exists()


def test_the_history_dialog_snapshot(snap_compare, no_speed, monkeypatch) -> None:
    async def run_before(pilot) -> None:
        await ready(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
        table = pilot.app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: pilot.app.screen.loaded and table.row_count == 2)
        await pilot.pause()

    def seeded() -> TrainlabApp:
        seed_history()
        return TrainlabApp(tiny_preset())

    monkeypatch.setenv("TZ", "UTC")  # the times are shown in local time
    time.tzset()
    assert snap_compare(seeded(), terminal_size=(120, 40), run_before=run_before)


async def test_korean_mode_keeps_no_english_in_what_keeps_the_session(tmp_path, monkeypatch):
    """The Korean walk (tests/ui/test_korean.py) through the session's own screens and
    notices: the run history, save and export with their errors, a dead training process
    and its restart, a resumed session, the picker's last session and a file set aside."""
    from test_korean import WALK, Walk
    from test_korean import notices as said

    from presets.loader import parse_preset

    monkeypatch.chdir(tmp_path)  # short paths typed: a notice never cuts one in two
    walk_preset = parse_preset(WALK, "walk", "tests/ui/test_korean.py")
    seed_history(preset=walk_preset)
    app = TrainlabApp(walk_preset, lang="ko")
    # scenario names are names, as run names are; what the student typed is theirs
    typed = (str(tmp_path), "walk", "other", "zz", ".json", ".txt", ".xlsx")
    async with app.run_test(size=(120, 40)) as pilot:
        walk = Walk(pilot, typed)
        screen = await played(pilot, 30)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        history = app.screen
        await wait_for(pilot, lambda: history.loaded)
        walk.read("history: this scenario")
        await pilot.press("a")
        await wait_for(pilot, lambda: history.loaded and history.query_one(DataTable).row_count)
        walk.read("history: all scenarios")
        await pilot.press("enter", "escape")
        chart = screen.query_one(LossChart)
        await wait_for(pilot, lambda: app.screen is screen and chart.pinned)
        await wait_for(pilot, lambda: "#" in chart.picture.plain)
        walk.read("a pinned run")

        for key, bad, good in (("ctrl+s", "zz", "zz.toml"), ("e", "zz.xlsx", "zz.csv")):
            await pilot.press(key)
            await wait_for(pilot, lambda: isinstance(app.screen, PathDialog))
            walk.typed = (app.screen.query_one(Input).value, *typed)  # the name offered
            walk.read(f"{key} dialog")
            await type_path(pilot, bad)
            await wait_for(pilot, lambda: dialog_error(pilot).strip())
            walk.read(f"{key} dialog: a bad path")
            await type_path(pilot, good)
            await wait_for(pilot, lambda good=good: (tmp_path / good).exists())
            await wait_for(pilot, lambda: app.screen is screen and said(app))
            walk.read(f"{key}: done")
            app.clear_notifications()

        os.kill(screen.trainer.process.pid, signal.SIGKILL)  # a process this test started
        await wait_for(pilot, lambda: any("예기치 않게" in text for text in said(app)))
        walk.read("the training process ended")
        dead = screen.trainer
        app.clear_notifications()
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.trainer is not dead and screen.trainer.alive)
        walk.read("training started again")
        await quit_app(pilot)

    kept = SessionStore().latest()
    assert kept is not None
    again = TrainlabApp(kept.scenario.preset(), lang="ko", session=kept)
    async with again.run_test(size=(120, 40)) as pilot:
        walk.pilot = pilot
        await ready(pilot)
        await wait_for(pilot, lambda: any("돌아왔습니다" in text for text in said(again)))
        walk.read("a session brought back")
        (SessionStore().folder / "20260101-000000-bad000.json").write_bytes(b"{ damaged")
        again.clear_notifications()
        await pilot.press("P")
        await wait_for(pilot, lambda: any("옮겨 두었습니다" in text for text in said(again)))
        walk.read("the picker: a session set aside")
    assert walk.stops == 13
    assert not walk.found, "\n".join(f"{where}: {words}" for where, words in walk.found.items())


async def test_a_crash_keeps_the_session_as_crashed_and_exits_1(monkeypatch) -> None:
    from tui.screens.main import MainScreen

    def broken(self) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(MainScreen, "action_history", broken)
    app = TrainlabApp(tiny_preset())
    with pytest.raises(RuntimeError, match="a bug of ours"):
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await played(pilot, 40)
            await pilot.press("]")
            await wait_for(pilot, lambda: screen.trainer.logged)
            reached = screen.step
            await pilot.press("h")
            await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 1
    kept = SessionStore().latest()
    assert kept is not None and kept.ended == "crashed" and kept.step == reached
    assert len(kept.events) == 1 and kept.checkpoint  # nothing lost: --resume brings it back
    with HistoryStore.open(default_path()) as store:
        assert {record.status for record in store.runs()} == {"stopped"}
