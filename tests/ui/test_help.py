"""The help screen: topics in both languages, keyboard use, and small terminals."""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual.app import App
from textual.reactive import reactive
from textual.widgets import OptionList

from presets.texts import LANGUAGES
from tui.i18n import help_topics, tr
from tui.screens.help import HelpScreen, keys_text

APP_BINDINGS = [("space", "keys.play"), ("ctrl+q", "keys.quit"), ("question_mark", "keys.help")]


class HelpApp(App[None]):
    """A bare app that opens the help screen, as the real app does on `?`, with the real
    app's language action (the help screen binds its key)."""

    lang: reactive[str] = reactive("en")

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.set_reactive(HelpApp.lang, lang)

    def on_mount(self) -> None:
        self.push_screen(HelpScreen(APP_BINDINGS))

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "ko" else "ko"


def help_screen(app: App[None]) -> HelpScreen:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return screen


TOPICS = help_topics("en").topics


# --- the words -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", [topic.key for topic in TOPICS])
def test_every_topic_has_english_and_korean(key: str) -> None:
    for lang in LANGUAGES:
        topic = help_topics(lang).topic(key)
        assert topic.title.strip() and topic.body.strip() and topic.look.strip()
        assert topic.body.count(".") >= 3  # a paragraph, not a label
    # the Korean text really is Korean (Hangul syllables), not a copy of the English
    korean = help_topics("ko").topic(key)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in korean.body + korean.look)
    assert korean.body != help_topics("en").topic(key).body


def test_every_language_has_the_same_topics_in_the_same_groups() -> None:
    english = help_topics("en")
    for lang in LANGUAGES:
        other = help_topics(lang)
        assert [(t.key, t.group) for t in other.topics] == [
            (t.key, t.group) for t in english.topics
        ]
        assert list(other.groups) == list(english.groups)


def test_topics_cover_the_lecture_and_name_a_chart_tab() -> None:
    keys = {topic.key for topic in TOPICS}
    for needed in ("minibatch", "learning_rate", "sgd", "momentum", "nesterov", "adagrad"):
        assert needed in keys
    for needed in ("rmsprop", "adam", "sigmoid", "tanh", "relu", "vanishing", "init"):
        assert needed in keys
    for needed in ("l1", "l2", "dropout", "batchnorm", "overfitting"):
        assert needed in keys
    assert len(keys) == len(TOPICS)
    charts = ("loss", "accuracy", "activations", "gradients", "weights", "paths", "boundary")
    for lang in LANGUAGES:
        tabs = [tr(f"chart.{chart}", lang) for chart in charts]  # as the tabs name them
        for topic in help_topics(lang).topics:
            assert any(tab in topic.look for tab in tabs), (lang, topic.key)


def test_korean_uses_the_lecture_terms() -> None:
    korean = " ".join(topic.body for topic in help_topics("ko").topics)
    for term in ("미니 배치", "학습률", "모멘텀", "기울기 소실", "초기값", "과적합", "드롭아웃"):
        assert term in korean
    assert "배치 정규화" in korean


def test_keys_come_from_the_caller() -> None:
    title, body = keys_text("en", [("ctrl+q", "keys.quit"), ("x", "keys.remove")])
    assert title == "Keys"
    assert "Ctrl+Q" in body and "quit" in body and "remove run" in body
    title_ko, body_ko = keys_text("ko", [("ctrl+q", "keys.quit")])
    assert title_ko == "단축키" and "종료" in body_ko  # the app's own label, translated
    assert "영어로 바꾸기" in body_ko  # the language key, named by what it switches to
    assert keys_text("en", [])[1]  # no bindings: still a readable section


def test_the_words_import_no_textual() -> None:
    """The words are plain data: loading them pulls in no UI library."""
    code = "import sys, tui.i18n as i; i.help_topics('ko'); print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the screen ----------------------------------------------------------------------------


async def test_moving_down_changes_the_paragraph() -> None:
    app = HelpApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = help_screen(app)
        first = screen.shown_text
        assert "Ctrl+Q" in first  # the keys section, from the caller's bindings
        await pilot.press("down")
        await pilot.pause()
        second = screen.shown_text
        assert second != first
        assert "Mini-batch" in second
        await pilot.press("down")
        await pilot.pause()
        assert screen.shown_text not in (first, second)
        assert "Learning rate" in screen.shown_text


async def test_t_switches_to_korean_and_back() -> None:
    app = HelpApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = help_screen(app)
        topics = screen.query_one("#help-topics", OptionList)
        dropout = topics.get_option_index("dropout")
        topics.highlighted = dropout
        await pilot.pause()
        assert "Dropout" in screen.shown_text
        await pilot.press("t")
        await pilot.pause()
        assert "드롭아웃" in screen.shown_text
        assert topics.highlighted == dropout  # same topic, other language
        prompts = [str(topics.get_option_at_index(i).prompt) for i in range(topics.option_count)]
        assert any("배치 정규화" in prompt for prompt in prompts)  # the list, too
        await pilot.press("l")  # l is not the language (it is the log scale elsewhere)
        await pilot.pause()
        assert "드롭아웃" in screen.shown_text
        await pilot.press("t")
        await pilot.pause()
        assert "Dropout" in screen.shown_text


async def test_opens_in_korean() -> None:
    app = HelpApp(lang="ko")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "단축키" in help_screen(app).shown_text


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_closes(key: str) -> None:
    app = HelpApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_tab_and_enter_move_to_the_text() -> None:
    app = HelpApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "help-topics"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "help-scroll"
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "help-topics"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_paragraph_is_visible(size: tuple[int, int]) -> None:
    app = HelpApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        screen = help_screen(app)
        body = screen.query_one("#help-body")
        topics = screen.query_one("#help-topics")
        # both the list and the paragraph get real room on screen, side by side or stacked
        assert body.region.width >= 40 and body.region.height >= 8
        assert topics.region.height >= 5
        assert screen.get_widget_at(body.region.x + 1, body.region.y)[0] is body
        assert "Mini-batch" in screen.shown_text
        assert screen.has_class("-narrow") == (size[0] < 100)
