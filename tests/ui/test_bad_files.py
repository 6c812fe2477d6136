"""The preset picker given every file of the bad-file corpus (tests/bad_files.py), one after
another in one app: each is said in a notice naming the file and the field, the picker stays
open for the next, and the scenario playing is still the one that was."""

from __future__ import annotations

from bad_files import FILES
from conftest import ready, tiny_preset, wait_for
from textual.widgets import Input

from tui.app import TrainlabApp
from tui.screens.preset_picker import PresetPicker


async def test_the_picker_says_what_is_wrong_with_every_bad_file(tmp_path) -> None:
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PresetPicker))
        picker = app.screen
        await pilot.press("tab")
        field = picker.query_one(Input)
        await wait_for(pilot, lambda: field.has_focus)
        for number, (case, (make, words)) in enumerate(FILES.items()):
            folder = tmp_path / str(number)
            folder.mkdir()
            path = make(folder)
            field.value = str(path)
            said = len(app._notifications)
            await pilot.press("enter")
            await wait_for(pilot, lambda said=said: len(app._notifications) > said)
            (notice,) = [str(n.message) for n in list(app._notifications)[said:]]
            assert words in notice and path.name in notice, (case, notice)
            assert app.screen is picker and not picker.reading, case
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert app.main_screen is screen and app.preset.name == "tiny"


async def test_a_bug_met_while_reading_a_file_is_said_not_a_crash(tmp_path, monkeypatch) -> None:
    def broken(path):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr("tui.screens.preset_picker.load_scenario", broken)
    app = TrainlabApp(tiny_preset())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PresetPicker))
        await pilot.press("tab")
        app.screen.query_one(Input).value = str(tmp_path / "mine.toml")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app._notifications)
        (notice,) = [str(n.message) for n in app._notifications]
        assert "mine.toml could not be opened" in notice and "ZeroDivisionError" in notice
        assert isinstance(app.screen, PresetPicker) and app.is_running
