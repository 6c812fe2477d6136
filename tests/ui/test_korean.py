"""Korean mode, walked through as a student would: every screen, chart tab, dialog and notice
is read off the screen itself (its screenshot) and must show no English word, but for the
names a Korean student reads in Latin letters too (ReLU, Adam, L2, Xavier, He, tanh…), run
names, formulas, numbers, key names and what the student typed."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

from charts_app import ChartsApp
from conftest import charts_drawn, ready, wait_for
from test_views import _bn, init_relu, noisy, regression, with_a_diverging_run
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from presets.loader import parse_preset
from tui.app import TrainlabApp
from tui.i18n import help_topics
from tui.keys import key_for
from tui.screens.help import HelpScreen
from tui.screens.preset_picker import PresetPicker
from tui.screens.too_small import TooSmallNotice
from tui.widgets.charts_panel import CHART_NAMES, ChartsPanel
from tui.widgets.loss_chart import X_AXES
from tui.widgets.paths_chart import PathsChart
from tui.widgets.setup_form import SetupForm

WALK = """
title = "Walk"
title_ko = "둘러보기"
summary = "Two tiny nets."
summary_ko = "작은 두 모델."
snapshot_every = 20
locked = ["optimizer"]

[base]
name = "base"
layers = [8]
activation = "relu"
init = "he"
optimizer = { name = "adam", lr = 0.01 }
batch_size = 16
steps = 120
data = { name = "spiral", samples = 150, noise = 0.1, classes = 3 }

[variants.tanh]
activation = "tanh"

[[timeline]]
step = 0
caption = "Two tiny nets start."
caption_ko = "작은 두 모델이 출발합니다."

[[timeline]]
step = 10
run = "tanh"
change = { dropout = 0.5 }
caption = "Dropout on tanh from here."
caption_ko = "여기부터 tanh에 드롭아웃."

[[claims]]
id = "9.1"
text = "The first layer's gradient at step 7 is not zero."
text_ko = "7 스텝에서 첫 번째 층의 기울기는 0이 아닙니다."
left = { run = "base", metric = "grad_norm", layer = "first", at_step = 7 }
op = ">"
right = 0

[[claims]]
id = "9.2"
text = "At epoch 2, base's test accuracy is above zero."
text_ko = "2 에폭에서 base의 시험 정확도는 0보다 큽니다."
left = { run = "base", metric = "test_accuracy", at_epoch = 2 }
op = ">"
right = 0

[[claims]]
id = "9.3"
text = "SGD zig-zags."
text_ko = "SGD는 지그재그로 움직입니다."
left = { metric = "sign_changes", path = { optimizer = "sgd", lr = 0.95 } }
op = ">"
right = 10
"""

# Read in Latin letters in a Korean lecture too: the lecture's technical names, formats and
# tools, the program's name, and the language key's label (a language is offered in its own
# name, so that a reader of either finds it).
ALLOWED = {
    "relu", "leaky", "tanh", "sigmoid", "softmax", "adam", "sgd", "gd", "momentum",
    "nesterov", "adagrad", "rmsprop", "xavier", "he", "lasso", "ridge", "mse", "nan", "vs",
    "ln", "lr", "max", "toml", "utf", "csv", "npz", "idx", "svg", "mnist", "fashion", "trainlab",
    "english", "sin",
    "space", "esc", "enter", "tab", "ctrl",  # key names
}  # fmt: skip
RUNS = {"base", "tanh"}


def screen_text(pilot: Pilot) -> str:
    """What the terminal shows, line by line, read from the app's own screenshot."""
    svg = pilot.app.export_screenshot()
    lines: dict[float, list[tuple[float, str]]] = defaultdict(list)
    for x, y, text in re.findall(r'<text[^>]*\sx="([\d.]+)"\s+y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        lines[float(y)].append((float(x), html.unescape(text)))
    return "\n".join("".join(t for _, t in sorted(parts)) for _, parts in sorted(lines.items()))


class Walk:
    """Reads the screen at each stop and keeps the English words it finds, by stop."""

    def __init__(
        self, pilot: Pilot, typed: tuple[str, ...] = (), runs: frozenset[str] = frozenset()
    ) -> None:
        self.pilot, self.typed, self.found = pilot, typed, {}
        self.runs = RUNS | runs  # the names of the runs on screen, and of their parts
        self.stops = 0

    def read(self, where: str) -> str:
        text = screen_text(self.pilot)
        for typed in self.typed:
            text = text.replace(typed, " ")
        # words of two letters or more; a subscripted name (n_in) is a formula's
        words = {w for w in re.findall(r"[A-Za-z][A-Za-z_]*[A-Za-z]", text) if "_" not in w}
        english = sorted(w for w in words if w.lower() not in ALLOWED and w not in self.runs)
        if english:
            self.found[where] = english
        self.stops += 1
        return text


def notices(app: TrainlabApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def walk_the_main_screen(pilot: Pilot, walk: Walk, size: str) -> None:
    app = pilot.app
    screen = app.main_screen
    panel = screen.query_one(ChartsPanel)
    await wait_for(pilot, lambda: screen.dataset is not None)
    for number, name in enumerate(CHART_NAMES, start=1):
        await pilot.press(str(number))
        await charts_drawn(pilot)
        if name == "boundary":
            chart = panel.chart("boundary")
            await wait_for(pilot, lambda chart=chart: "결정 영역" in chart.picture.plain)
        walk.read(f"{size} chart {number} ({name})")


async def walk_the_views(pilot: Pilot, walk: Walk) -> None:
    """The curves as small multiples, then over each x axis."""
    panel = pilot.app.main_screen.query_one(ChartsPanel)
    await pilot.press("1", key_for("toggle_grid"))
    await charts_drawn(pilot)
    walk.read("loss: a cell a run")
    await pilot.press(key_for("toggle_grid"))
    for _ in X_AXES:
        await pilot.press(key_for("cycle_x_axis"))
        await charts_drawn(pilot)
        walk.read(f"loss over {panel.x_axis}")


async def test_korean_mode_shows_no_english_words(reading_clock) -> None:
    missing = "zz.toml"  # short: a notice that wraps a long path would cut it in two
    assert not Path(missing).exists()
    app = TrainlabApp(parse_preset(WALK, "walk", "tests/ui/test_korean.py"), lang="ko")
    async with app.run_test(size=(120, 40)) as pilot:
        walk = Walk(pilot, typed=(missing, "abc"))
        screen = await ready(pilot)
        await walk_the_main_screen(pilot, walk, "120×40")
        await walk_the_views(pilot, walk)
        await pilot.press(key_for("next_caption"))  # a caption ahead of the training
        walk.read("caption not yet due")
        await pilot.press(key_for("previous_caption"))

        form = screen.query_one(SetupForm)
        lr = form.query_one("#lr", Input)
        lr.focus()
        await wait_for(pilot, lambda: lr.has_focus)  # keys before the focus lands go elsewhere
        await pilot.press("ctrl+a", "ctrl+k", *"abc")  # a form error, under its field
        await wait_for(pilot, lambda: lr.has_class("-bad-value"))
        walk.read("form error")
        await pilot.press("escape")

        await pilot.press(key_for("toggle_claims"))  # before the end: when claims come
        await wait_for(pilot, lambda: any("주장" in text for text in notices(app)))
        walk.read("no claims yet notice")

        layers = form.query_one("#layers", Input)  # a setting that waits for a reset
        layers.focus()
        await wait_for(pilot, lambda: layers.has_focus)
        await pilot.press("ctrl+a", "ctrl+k", *"4,4", "enter")
        await wait_for(pilot, lambda: any("초기화" in text for text in notices(app)))
        walk.read("applies on reset notice")
        await pilot.press("escape")

        await pilot.press(
            key_for("cycle_optimizer")
        )  # locked by the scenario: why, and what may change
        await wait_for(pilot, lambda: any("잠겨" in text for text in notices(app)))
        walk.read("locked setting notice")
        await pilot.click("#optimizer")  # the locked field says it under itself
        await wait_for(pilot, lambda: form.query_one("#error-optimizer").has_class("-shown"))
        walk.read("locked field")

        await pilot.press("space")  # held at step 10 while the first caption is read
        await wait_for(pilot, lambda: screen.step == 10 and screen.playing)
        await wait_for(pilot, lambda: "자막" in str(screen.query_one("#runs").border_subtitle))
        walk.read("held for the caption")
        reading_clock.advance(60)  # read: the preset plays out, and its claims are checked
        await wait_for(pilot, lambda: screen.claims is not None, timeout=120)
        await pilot.pause(0.1)
        walk.read("claims panel, folded")
        await pilot.press(key_for("toggle_claims"))
        await pilot.pause(0.1)
        walk.read("claims panel")
        await pilot.press(key_for("toggle_claims"))
        await pilot.press("space")  # refused: every run is done
        await wait_for(pilot, lambda: any("모든 실행이 끝났" in text for text in notices(app)))
        walk.read("all done notice")

        await pilot.press(key_for("remove_run"))  # one run left…
        await wait_for(pilot, lambda: len(screen.configs) == 1)
        await pilot.press(key_for("remove_run"))  # …which cannot go: refused, in Korean
        await wait_for(pilot, lambda: any("제거할 수 없음" in text for text in notices(app)))
        walk.read("refused change notice")

        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        walk.read("command palette")
        await pilot.press("escape")
        await pilot.pause(0.1)

        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        topics = help_screen.query_one("#help-topics", OptionList)
        walk.read("help: keys")
        for topic in help_topics("ko").topics:
            topics.highlighted = topics.get_option_index(topic.key)
            await pilot.pause()
            assert help_screen.current == topic.key
            walk.read(f"help: {topic.key}")
        await pilot.press("escape")

        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PresetPicker))
        walk.read("preset picker")
        await pilot.press("tab", *missing, "enter")  # a file that is not there
        await wait_for(pilot, lambda: any("파일이 없습니다" in text for text in notices(app)))
        walk.read("preset picker: a bad file")
        await pilot.press("escape")
        await pilot.pause(0.1)

        await pilot.resize_terminal(70, 20)
        notice = screen.query_one(TooSmallNotice)
        await wait_for(pilot, lambda: notice.display and "70×20" in str(notice.render()))
        walk.read("too small")
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: not notice.display)
        app.clear_notifications()
        await walk_the_main_screen(pilot, walk, "80×24")
        await pilot.press(key_for("toggle_setup"))
        await pilot.pause(0.1)
        walk.read("80×24 with the form")

        hidden = WALK.replace('locked = ["optimizer"]', 'hide = ["form", "claims"]')
        app.open_preset(parse_preset(hidden, "hidden", "tests/ui/test_korean.py"))
        await ready(pilot)
        app.clear_notifications()
        await pilot.press(key_for("toggle_setup"))  # a classroom scenario hides parts
        await wait_for(pilot, lambda: any("설정 창" in text for text in notices(app)))
        walk.read("hidden form notice")
        await pilot.press(key_for("toggle_claims"))
        await wait_for(pilot, lambda: any("숨깁니다" in text for text in notices(app)[1:]))
        walk.read("hidden claims notice")

    stops = 2 * len(CHART_NAMES) + 1 + len(X_AXES) + len(help_topics("ko").topics) + 19
    assert walk.stops == stops  # all of it
    assert not walk.found, "\n".join(f"{where}: {words}" for where, words in walk.found.items())


async def test_the_walk_reads_english_when_there_is_some() -> None:
    """The reader works: in English mode it finds English words."""
    app = TrainlabApp(parse_preset(WALK, "walk", "tests/ui/test_korean.py"), lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        walk = Walk(pilot)
        text = walk.read("main screen")
        assert "start/pause" in text
        assert {"start", "pause", "Setup", "Runs"} <= set(walk.found["main screen"])


async def test_korean_views_show_no_english_words(monkeypatch) -> None:
    """The views of many runs and of regression, in the charts' host app: batch norm's
    grid, the noise, a diverged run, one x scale of activations, a fitted surface and a
    fitted curve, and every x axis."""
    monkeypatch.setattr(PathsChart, "animate", False)
    views = {
        "grid": (_bn(), "accuracy"),
        "noise": (noisy(), "noise"),
        "diverged": (with_a_diverging_run(), "loss"),
        "activations": (init_relu(), "activations"),
        "surface": (regression("mixture", samples=300, noise=0.05), "boundary"),
        "r2": (regression("mixture", samples=300, noise=0.05), "accuracy"),
        "curves": (regression("sine", samples=60, train_ratio=0.3), "boundary"),
        "paths": (None, "paths"),
    }
    # run names, and the parts of them the grid names its kinds of runs by
    names = frozenset({"plain", "bn", "batch", "boom", "sgd", "std", "xavier", "he", "l2"})
    found, stops = {}, 0
    for view, (comparison, chart) in views.items():
        app = ChartsApp(comparison, chart=chart, lang="ko", noise=view == "noise")
        async with app.run_test(size=(120, 40)) as pilot:
            walk = Walk(pilot, typed=("ChartsApp",), runs=names)  # the window title
            await charts_drawn(pilot)
            walk.read(view)
            if view == "diverged":
                for _ in X_AXES:
                    await pilot.press("X")
                    await charts_drawn(pilot)
                    walk.read(f"{view} over {app.query_one(ChartsPanel).x_axis}")
            found.update(walk.found)
            stops += walk.stops
    assert stops == len(views) + len(X_AXES)
    assert not found, "\n".join(f"{where}: {words}" for where, words in found.items())
