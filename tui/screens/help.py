"""The help screen: one topic per technique, in the app's language (`t` switches it here too).

A list of topics on the left (on top when the terminal is narrow), the chosen topic on the
right: what it is, in a few sentences, and which chart tab shows it. The first topic is the
key bindings, which the app passes in, so the help never lists a key the app lacks. The
topics are data (tui/locale/help.*.toml, through tui/i18n.py).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import binding_label, help_topics, next_language, tr
from tui.keys import DIALOG_BINDINGS, key_for
from tui.screens.steady import SteadyResize

KEYS_ID = "keys"  # the option id of the key bindings topic

# Textual key names that read badly on screen.
_KEY_NAMES = {
    "question_mark": "?",
    "escape": "Esc",
    "space": "Space",
    "enter": "Enter",
    "tab": "Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "plus": "+",
    "minus": "-",
    "full_stop": ".",
    "comma": ",",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def pretty_key(key: str) -> str:
    """A Textual key name as a user would type it: "ctrl+q" → "Ctrl+Q", "question_mark" → "?"."""
    names = []
    for part in key.split(","):
        chord = part.strip().split("+")
        *mods, last = chord
        last = _KEY_NAMES.get(last, last)
        names.append("+".join([m.capitalize() for m in mods] + [last.upper() if mods else last]))
    return "/".join(names)


def keys_text(lang: str, bindings: list[tuple[str, str]]) -> tuple[str, str]:
    """The keys topic as (title, body): the app's (key, label key) pairs, one a line, then
    the keys of the help screen itself."""
    rows = [(pretty_key(key), binding_label(label, lang)) for key, label in bindings]
    language = tr(f"lang.{next_language(lang)}", lang)
    own = [
        ("↑↓", tr("help.move", lang)),
        ("Tab", tr("help.focus", lang)),
        (key_for("toggle_lang"), tr("help.switch", lang, language=language)),
        ("Esc/q/?", tr("help.close", lang)),
    ]
    width = max(len(key) for key, _ in rows + own)
    lines = [tr("help.keys_intro" if rows else "help.keys_none", lang), ""]
    lines += [f"  {key.ljust(width)}  {label}" for key, label in rows]
    lines += ["", tr("help.own_keys", lang), ""]
    lines += [f"  {key.ljust(width)}  {label}" for key, label in own]
    return tr("help.keys", lang), "\n".join(lines)


class HelpScreen(SteadyResize, ModalScreen[None]):
    """Explains each technique of the lecture; Esc/q/? closes, the app's `t` switches the
    language (the screen follows the app's `lang`)."""

    CSS_PATH = "help.tcss"

    # Below 100 columns the list goes on top of the text instead of beside it.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [Binding("escape,q,question_mark", "close", "", show=False), *DIALOG_BINDINGS]

    def __init__(self, bindings: list[tuple[str, str]] | None = None, topic: str | None = None):
        """`bindings` are the app's (key display, label key) pairs; `topic` one to open on."""
        super().__init__()
        self.app_bindings = list(bindings or [])
        self.current = topic or KEYS_ID

    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(id="help-heading")
            with Horizontal(id="help-main"):
                yield OptionList(id="help-topics")
                with VerticalScroll(id="help-scroll"):
                    yield Static(id="help-body")
            yield Static(id="help-hint")

    def on_mount(self) -> None:
        if self.current != KEYS_ID and self.current not in self._topic_keys():
            self.current = KEYS_ID
        self.watch(self.app, "lang", self._refresh_language)
        self.query_one("#help-topics", OptionList).focus()

    def _topic_keys(self) -> set[str]:
        return {topic.key for topic in help_topics(self.lang).topics}

    # --- what is shown ------------------------------------------------------------------

    def _options(self) -> list[Option]:
        """The topic list in the current language: keys first, then the lecture's groups."""
        help = help_topics(self.lang)
        options = [Option(tr("help.keys", self.lang), id=KEYS_ID)]
        group = None
        for topic in help.topics:
            if topic.group != group:
                group = topic.group
                options.append(Option(help.groups[group], id=f"group-{group}", disabled=True))
            options.append(Option(f"\u00a0\u00a0{topic.title}", id=topic.key))
        return options

    def _refresh_language(self) -> None:
        """Redraw every label in the app's language, keeping the chosen topic."""
        lang = self.lang
        self.query_one("#help-heading", Static).update(
            Content.assemble((tr("help.title", lang), "bold"))
        )
        language = tr(f"lang.{next_language(lang)}", lang)
        hint = tr("help.hint", lang, lang_key=key_for("toggle_lang"), language=language)
        self.query_one("#help-hint", Static).update(hint)
        topics = self.query_one("#help-topics", OptionList)
        topics.border_title = tr("help.topics", lang)
        self._retitle()
        topics.set_options(self._options())
        topics.highlighted = topics.get_option_index(self.current)
        self._show(self.current)

    def _retitle(self) -> None:
        """When narrow, the heading row is hidden: the list's border names the screen instead."""
        narrow = self.has_class("-narrow")
        title = tr("help.title", self.lang) if narrow else ""
        self.query_one("#help-topics", OptionList).border_subtitle = title

    def _show(self, key: str) -> None:
        """Put topic `key` (or the key bindings) in the text pane."""
        self.current = key
        if key == KEYS_ID:
            title, body = keys_text(self.lang, self.app_bindings)
            content = Content.assemble((title, "bold"), "\n\n", body)
        else:
            topic = help_topics(self.lang).topic(key)
            content = Content.assemble(
                (topic.title, "bold"),
                "\n\n",
                topic.body,
                "\n\n",
                (tr("help.look", self.lang), "bold italic"),
                "\n",
                topic.look,
            )
        self.query_one("#help-body", Static).update(content)
        self.query_one("#help-scroll", VerticalScroll).scroll_home(animate=False)

    @property
    def shown_text(self) -> str:
        """The plain text of the topic on show (for tests and screen readers)."""
        return str(self.query_one("#help-body", Static).content)

    # --- events and actions -------------------------------------------------------------

    def on_resize(self) -> None:
        self._retitle()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        key = event.option.id
        if (
            key is not None
            and key != self.current
            and (key == KEYS_ID or key in self._topic_keys())
        ):
            self._show(key)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a topic moves the focus to its text, to scroll it with the arrows."""
        event.stop()
        self.query_one("#help-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
