"""The form's input features, and a classroom scenario: locked settings shown as such and
refused by the form and by keys with a word of why, hidden parts of the screen, and the
shipped exercise (close-the-gap) played as a student would."""

from __future__ import annotations

from conftest import ready, wait_for
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from presets.loader import load_preset, parse_preset
from tui.app import TrainlabApp
from tui.screens.main import MainScreen
from tui.widgets.footer import Footer
from tui.widgets.setup_form import FeaturePicker, SetupForm

CIRCLES = """
title = "Circles, no hidden layer"
[base]
name = "plain"
data = { name = "circles", samples = 400, noise = 0.1 }
layers = []
optimizer = { name = "adam", lr = 0.05 }
batch_size = 32
steps = 300
"""

LOCKED = """
title = "A locked exercise"
locked = ["lr", "optimizer", "layers"]
{head}
[base]
name = "base"
layers = [8]
optimizer = {{ name = "adam", lr = 0.01 }}
batch_size = 16
steps = 1000000
data = {{ name = "spiral", samples = 150 }}

[variants.yours]
seed = 0
"""


def notices(app: TrainlabApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def click_feature(pilot: Pilot, picker: FeaturePicker, name: str) -> None:
    """Click a feature's toggle, where it is drawn."""
    line, x, _ = picker._places[picker.names.index(name)]
    await pilot.click(picker, offset=(x + 1, line))


async def test_features_chosen_in_the_form_apply_on_reset_and_solve_the_circles() -> None:
    app = TrainlabApp(parse_preset(CIRCLES, "circles", "tests/ui/test_classroom.py"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        form = screen.query_one(SetupForm)
        picker = form.query_one(FeaturePicker)
        assert str(form.query_one("#features-words", Static).content) == "raw"
        await click_feature(pilot, picker, "x1_sq")
        await click_feature(pilot, picker, "x2_sq")
        await wait_for(pilot, lambda: screen.pending == {"plain": {"features": ("x1_sq", "x2_sq")}})
        assert str(form.query_one("#features-words", Static).content) == "x₁² x₂²"
        assert any("features applies on reset (r)" in text for text in notices(app))
        assert screen.configs["plain"].features == ()  # not before the reset
        await pilot.press("escape", "r")
        await wait_for(
            pilot, lambda: screen.intended.reported["plain"].features == ("x1_sq", "x2_sq")
        )
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.done, timeout=120)
        await wait_for(pilot, lambda: screen.snapshot.run("plain").step == 300)
        assert screen.snapshot.run("plain").test_accuracy > 0.95  # a circle, with no hidden layer


async def test_the_keyboard_chooses_features_and_the_core_refuses_them_for_images() -> None:
    preset = parse_preset(CIRCLES, "circles", "tests/ui/test_classroom.py")
    app = TrainlabApp(preset)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        picker = screen.query_one(FeaturePicker)
        picker.focus()
        await wait_for(pilot, lambda: picker.has_focus)
        await pilot.press("right", "right", "space", "right", "right", "enter")
        chosen = lambda: screen.pending.get("plain", {}).get("features")  # noqa: E731
        await wait_for(pilot, lambda: chosen() == ("x1_sq", "x1_x2"))
        await pilot.press("left", "left", "space")  # x₁² off again
        await wait_for(pilot, lambda: chosen() == ("x1_x2",))
        assert not screen.playing  # space, on the toggles, was theirs
    images = """
title = "Images"
[base]
layers = [8]
steps = 10
data = { name = "fashion-mnist", train_limit = 100 }
"""
    app = TrainlabApp(parse_preset(images, "images", "tests/ui/test_classroom.py"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        form = screen.query_one(SetupForm)
        await click_feature(pilot, form.query_one(FeaturePicker), "x1")
        error = form.query_one("#error-features", Static)
        await wait_for(pilot, lambda: error.has_class("-shown"))
        assert "1-D or 2-D points; fashion-mnist samples are not" in str(error.content)
        assert screen.pending == {}


async def test_a_locked_setting_is_shown_locked_and_refused_by_form_and_by_key() -> None:
    app = TrainlabApp(parse_preset(LOCKED.format(head=""), "locked", "tests/ui/test_classroom.py"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        form = screen.query_one(SetupForm)
        assert str(form.query_one("#label-lr", Label).content) == "learning rate×"
        assert str(form.query_one("#label-dropout", Label).content) == "dropout"
        assert "× locked in this scenario" in str(form.query_one("#legend", Static).content)
        locked = form.query_one("#lr", Static)  # a value to read: no input to type into
        assert str(locked.content) == "0.01" and not form.query("Input#lr")
        assert isinstance(form.query_one("#dropout"), Input)

        await pilot.click("#lr")  # the form: why it does not change, under the field
        error = form.query_one("#error-lr", Static)
        await wait_for(pilot, lambda: error.has_class("-shown"))
        assert str(error.content) == "locked in this scenario"

        for _ in range(5):  # a burst of keys: each refused alike, nothing sent
            await pilot.press("right_square_bracket")
        await pilot.press("o")
        await pilot.press("d")  # what the lesson is about
        await wait_for(pilot, lambda: bool(screen.snapshot.changes))
        assert [(c.setting, c.new) for c in screen.snapshot.changes] == [("dropout", 0.2)]
        assert screen.configs["base"].optimizer.lr == 0.01
        said = notices(app)
        why = "learning rate is locked in this scenario; you may change"
        assert sum(why in text for text in said) == 5
        assert any("optimizer is locked in this scenario" in text for text in said)
        assert any("activation, init, batch size, L1, L2, dropout" in text for text in said)
        await pilot.press("t")
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: any("학습률은(는) 잠겨" in text for text in notices(app)))


async def test_the_footer_shows_the_keys_of_what_may_change() -> None:
    app = TrainlabApp(parse_preset(LOCKED.format(head=""), "locked", "tests/ui/test_classroom.py"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        footer = screen.query_one(Footer)
        await wait_for(pilot, lambda: "d" in footer.shown_keys)
        keys = footer.shown_keys
        assert not {"]", "[", "o"} & set(keys)  # learning rate and optimizer are locked
        assert {"d", "p", "w", "space", "?", "P", "t", "q"} <= set(keys)
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: footer.size.width == 80)
        await pilot.pause(0.1)
        assert {"space", "?", "P", "t", "q"} <= set(footer.shown_keys)
        assert not {"]", "["} & set(footer.shown_keys)


async def test_hide_hides_parts_of_the_screen() -> None:
    head = 'hide = ["form", "claims"]'
    app = TrainlabApp(
        parse_preset(LOCKED.format(head=head), "hidden", "tests/ui/test_classroom.py")
    )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        form = screen.query_one(SetupForm)
        assert not form.display and form.region.width == 0
        assert screen.query_one("#runs").region.x == 0  # the table takes the form's room
        await pilot.press("f")  # the form key cannot bring it back
        await wait_for(pilot, lambda: any("hides the setup form" in t for t in notices(app)))
        assert not form.display
        await pilot.press("a")  # neither can adding a run, which shows the form when narrow
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        assert form.region.width == 0
        await pilot.press("c")
        await wait_for(pilot, lambda: any("hides the claims" in t for t in notices(app)))


async def test_close_the_gap_as_a_student_plays_it() -> None:
    preset = load_preset("close-the-gap")
    app = TrainlabApp(preset)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready(pilot)
        assert isinstance(screen, MainScreen)
        form = screen.query_one(SetupForm)
        editable = {
            key for key in ("l1", "l2", "dropout") if isinstance(form.query_one(f"#{key}"), Input)
        }
        assert editable == {"l1", "l2", "dropout"}
        for key in ("optimizer", "lr", "layers", "activation", "init", "batch_size", "budget"):
            assert form.query_one(f"#{key}").has_class("-locked"), key
        await pilot.press("down")  # select yours
        await wait_for(pilot, lambda: screen.selected == "yours")
        await pilot.press("right_square_bracket", "o", "b")  # the locked ones: refused
        await pilot.press("d", "w")  # dropout 0.2, L2 1e-4
        await wait_for(pilot, lambda: len(screen.snapshot.changes) == 2)
        assert {(c.run, c.setting) for c in screen.snapshot.changes} == {
            ("yours", "dropout"),
            ("yours", "l2"),
        }
        assert sum("locked in this scenario" in text for text in notices(app)) == 3
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.step == 0 and screen.snapshot.changes == ())
        assert screen.intended.reported["yours"].dropout == 0.2
        assert screen.intended.reported["baseline"].dropout == 0.0
