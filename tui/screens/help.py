"""The help screen: one topic per technique, in English or Korean, switched live with `l`.

A list of topics on the left (on top when the terminal is narrow), the chosen topic on the
right: what it is, in a few sentences, and which chart tab shows it. The first topic is the
key bindings, which the app passes in, so the help never lists a key the app lacks.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui import help_text
from tui.help_text import GROUPS, TOPICS, TOPICS_BY_KEY

KEYS_ID = "keys"  # the option id of the key bindings topic


class HelpScreen(ModalScreen[None]):
    """Explains each technique of the lecture; `l` switches language, Esc/q/? closes."""

    CSS_PATH = "help.tcss"

    # Below 100 columns the list goes on top of the text instead of beside it.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", show=False),
        Binding("l", "toggle_language", "Language", show=False),
    ]

    def __init__(
        self,
        lang: str = "en",
        bindings: list[tuple[str, str]] | None = None,
        topic: str | None = None,
    ) -> None:
        """`bindings` are the app's (key, description) pairs; `topic` a key to open on."""
        super().__init__()
        self.lang = lang if lang in help_text.LANGS else "en"
        self.app_bindings = list(bindings or [])
        self.current = topic if topic in TOPICS_BY_KEY else KEYS_ID

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(id="help-heading")
            with Horizontal(id="help-main"):
                yield OptionList(id="help-topics")
                with VerticalScroll(id="help-scroll"):
                    yield Static(id="help-body")
            yield Static(id="help-hint")

    def on_mount(self) -> None:
        self._refresh_language()
        self.query_one("#help-topics", OptionList).focus()

    # --- what is shown ------------------------------------------------------------------

    def _options(self) -> list[Option]:
        """The topic list in the current language: keys first, then the lecture's groups."""
        options = [Option(help_text.ui("keys_title", self.lang), id=KEYS_ID)]
        group = -1
        for topic in TOPICS:
            if topic.group != group:
                group = topic.group
                heading = GROUPS[group][1 if self.lang == "ko" else 0]
                options.append(Option(heading, id=f"group-{group}", disabled=True))
            title = help_text.topic_text(topic, self.lang)[0]
            options.append(Option(f"\u00a0\u00a0{title}", id=topic.key))
        return options

    def _refresh_language(self) -> None:
        """Redraw every label in `self.lang`, keeping the chosen topic."""
        self.query_one("#help-heading", Static).update(
            Content.assemble((help_text.ui("title", self.lang), "bold"))
        )
        self.query_one("#help-hint", Static).update(help_text.ui("hint", self.lang))
        topics = self.query_one("#help-topics", OptionList)
        topics.border_title = help_text.ui("topics", self.lang)
        self._retitle()
        topics.set_options(self._options())
        topics.highlighted = topics.get_option_index(self.current)
        self._show(self.current)

    def _retitle(self) -> None:
        """When narrow, the heading row is hidden: the list's border names the screen instead."""
        narrow = self.has_class("-narrow")
        title = help_text.ui("title", self.lang) if narrow else ""
        self.query_one("#help-topics", OptionList).border_subtitle = title

    def _show(self, key: str) -> None:
        """Put topic `key` (or the key bindings) in the text pane."""
        self.current = key
        if key == KEYS_ID:
            title, body = help_text.keys(self.lang, self.app_bindings)
            content = Content.assemble((title, "bold"), "\n\n", body)
        else:
            title, body, look = help_text.topic_text(TOPICS_BY_KEY[key], self.lang)
            content = Content.assemble(
                (title, "bold"),
                "\n\n",
                body,
                "\n\n",
                (help_text.ui("look", self.lang), "bold italic"),
                "\n",
                look,
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
        if key is not None and key != self.current and (key == KEYS_ID or key in TOPICS_BY_KEY):
            self._show(key)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a topic moves the focus to its text, to scroll it with the arrows."""
        event.stop()
        self.query_one("#help-scroll", VerticalScroll).focus()

    def action_toggle_language(self) -> None:
        """English ↔ Korean, live."""
        self.lang = "en" if self.lang == "ko" else "ko"
        self._refresh_language()

    def action_close(self) -> None:
        self.dismiss(None)
