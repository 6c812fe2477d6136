"""TrainlabApp: wires the screens, the app-wide keys and the command palette.

The main screen does the work (tui/screens/main.py); this module decides which screen is
shown (the main one, the help, the preset picker, or a notice when the terminal is too
small), which scenario plays, the language, and lists every action in the command palette.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from nn.data import Dataset
from presets.preset import Preset
from tui.i18n import LANGUAGES, binding_label, relabel_bindings
from tui.keys import APP_BINDINGS, APP_LABEL_KEYS, LABEL_KEYS, MAIN_BINDINGS
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.preset_picker import PresetPicker
from tui.screens.too_small import TooSmallScreen, too_small


class TrainlabCommands(Provider):
    """Every key binding of the app, as a command-palette entry."""

    def _commands(self) -> Iterator[tuple[str, str, DOMNode]]:
        app = self.app
        assert isinstance(app, TrainlabApp)
        seen = set()
        for node, bindings, keys in (
            (app.main_screen, MAIN_BINDINGS, LABEL_KEYS),
            (app, APP_BINDINGS, APP_LABEL_KEYS),
        ):
            for binding in bindings:
                if binding.action in seen or binding.action not in keys or not keys[binding.action]:
                    continue
                seen.add(binding.action)
                label = binding_label(keys[binding.action], app.lang)
                yield f"{label}  [{app.get_key_display(binding)}]", binding.action, node

    def _callback(self, action: str, node: DOMNode):
        return partial(self.app.run_action, action, node)

    async def discover(self) -> Hits:
        for text, action, node in self._commands():
            yield DiscoveryHit(text, self._callback(action, node))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, action, node in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), self._callback(action, node))


def settle_memory() -> None:
    """After start-up (see TrainlabApp.run): freeze what exists now, collect from here on."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class TrainlabApp(App):
    """The lab: one preset's runs, trained live, side by side."""

    TITLE = "trainlab"
    CSS_PATH = "app.tcss"
    BINDINGS = APP_BINDINGS
    COMMANDS = App.COMMANDS | {TrainlabCommands}

    def __init__(self, preset: Preset, lang: str = "en", dataset: Dataset | None = None) -> None:
        """`dataset`: the preset's data if the caller has loaded it already (else the main
        screen loads it in the background)."""
        super().__init__()
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
        self.preset = preset
        self.lang = lang
        self.main_screen = MainScreen(preset, lang, dataset)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run with Python's cycle collector held back until the first frame is drawn.

        A full collection walks every object the app holds (Textual's tree, plotext, NumPy's
        modules): 0.1-0.3 s during which nothing else runs, which the eye sees as a frozen
        chart. Starting without it saves that much of the first frame; after it, the objects
        that live for the whole session are frozen out of later collections
        (`settle_memory`), which then walk only what the session has made since.
        """
        gc.disable()
        try:
            return super().run(*args, **kwargs)
        finally:
            gc.enable()

    def on_mount(self) -> None:
        self.push_screen(self.main_screen)  # pushed, not the default screen: loads its CSS_PATH
        relabel_bindings(self, self.lang, APP_LABEL_KEYS)
        self._check_size(self.size.width, self.size.height)
        self.call_after_refresh(settle_memory)

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        """Cover the app with a notice below 80×24; uncover it when there is room again."""
        showing = isinstance(self.screen, TooSmallScreen)
        if too_small(width, height) and not showing:
            self.push_screen(TooSmallScreen(self.lang))
        elif not too_small(width, height) and showing:
            self.pop_screen()

    # -- actions -----------------------------------------------------------------------------

    async def action_quit(self) -> None:
        self.main_screen.stop_training()
        self.exit()

    def action_help(self) -> None:
        bindings = [
            (self.get_key_display(binding), binding_label(keys[binding.action], self.lang))
            for bindings, keys in ((MAIN_BINDINGS, LABEL_KEYS), (APP_BINDINGS, APP_LABEL_KEYS))
            for binding in bindings
            if keys.get(binding.action)
        ]
        self.push_screen(HelpScreen(lang=self.lang, bindings=bindings))

    def action_pick_preset(self) -> None:
        self.push_screen(PresetPicker(self.lang, self.preset.name), self._open_preset)

    def _open_preset(self, choice: tuple[Preset, Dataset | None] | None) -> None:
        """The picker's answer, a scenario it has loaded (and the user's own data, if the
        scenario has some): play it instead of this one (None: keep this)."""
        if choice is not None:
            self.open_preset(*choice)

    def open_preset(self, preset: Preset, dataset: Dataset | None = None) -> None:
        """Stop the current trainer and put a fresh main screen, for `preset`, in its place."""
        old = self.main_screen
        old.stop_training()
        self.preset = preset
        self.main_screen = MainScreen(preset, self.lang, dataset)
        while self.screen is not old:  # a notice on top (terminal too small) comes back below
            self.pop_screen()
        self.switch_screen(self.main_screen)
        self._check_size(self.size.width, self.size.height)

    def action_toggle_lang(self) -> None:
        self.lang = LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)]
        self.main_screen.set_lang(self.lang)
        relabel_bindings(self, self.lang, APP_LABEL_KEYS)
