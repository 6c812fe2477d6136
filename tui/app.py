"""TrainlabApp: wires the screens, the app-wide keys and the command palette.

The main screen does the work (tui/screens/main.py); this module decides which screen is
shown (the main one, the help, the preset picker, or a notice when the terminal is too
small), which scenario plays, and lists every action in the command palette. It holds the
language as a reactive, `lang`: every widget that shows words watches it, so one key (`t`)
switches every screen, open dialogs included, and nothing passes the language around.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import ThemeProvider

from nn.data import Dataset
from presets.preset import Preset
from tui.i18n import LANGUAGES, binding_label, next_language, tr
from tui.keys import APP_BINDINGS, MAIN_BINDINGS
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.preset_picker import Opened, PresetPicker
from tui.screens.steady import SteadyScreen
from tui.session import Session


class TrainlabCommands(Provider):
    """Every key binding of the app, as a command-palette entry."""

    def _commands(self) -> Iterator[tuple[str, str, DOMNode]]:
        app = self.app
        assert isinstance(app, TrainlabApp)
        seen = set()
        for node, bindings in ((app.main_screen, MAIN_BINDINGS), (app, APP_BINDINGS)):
            for binding in bindings:
                if binding.action in seen or not binding.description:
                    continue
                seen.add(binding.action)
                label = binding_label(binding.description, app.lang)
                # no brackets: the palette reads markup, and "[s]" would vanish as a tag
                yield f"{label} · {app.get_key_display(binding)}", binding.action, node

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

    lang: reactive[str] = reactive("en")
    """The interface's language, one of `LANGUAGES`; widgets watch it."""

    # How the app ends, as its exit status says: 0 only for a clean quit; a signal's number
    # plus 128, as a shell reports a process that a signal ended.
    SIGNALS = {"SIGHUP": "hangup", "SIGTERM": "terminated"}

    def __init__(
        self,
        preset: Preset,
        lang: str = "en",
        dataset: Dataset | None = None,
        session: Session | None = None,
    ) -> None:
        """`dataset`: the preset's data if the caller has loaded it already (else the main
        screen loads it in the background); `session`: an earlier session to bring back
        (`trainlab --resume`)."""
        super().__init__()
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
        self.set_reactive(TrainlabApp.lang, lang)
        self.preset = preset
        self.main_screen = MainScreen(preset, dataset, session)
        self._signals: list[int] = []

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

    def get_default_screen(self) -> Screen:
        """The screen under every other: empty, but steady under a storm of resizes."""
        return SteadyScreen()

    def on_mount(self) -> None:
        self.push_screen(self.main_screen)  # pushed, not the default screen: loads its CSS_PATH
        self.call_after_refresh(settle_memory)
        self._catch_signals()

    def _catch_signals(self) -> None:
        """A dropped SSH link (SIGHUP) or SIGTERM ends the app as `q` does: the session is
        kept, the runs recorded, and the terminal given back as it was (Textual restores it
        on a normal exit; killed by the signal's default action, it would not)."""
        loop = asyncio.get_running_loop()
        for name in self.SIGNALS:
            number = getattr(signal, name, None)
            if number is None:
                continue
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self._on_signal, number)
                self._signals.append(number)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in self._signals:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(number)
        self._signals = []

    def _on_signal(self, number: int) -> None:
        self.main_screen.end_session(self.SIGNALS[signal.Signals(number).name])
        self.exit(return_code=128 + number)

    # -- actions -----------------------------------------------------------------------------

    async def action_quit(self) -> None:
        self.main_screen.end_session("quit")
        self.exit()

    def action_help(self) -> None:
        bindings = [
            (self.get_key_display(binding), binding.description)
            for binding in (*MAIN_BINDINGS, *APP_BINDINGS)
            if binding.description
        ]
        self.push_screen(HelpScreen(bindings=bindings))

    def action_pick_preset(self) -> None:
        self.push_screen(PresetPicker(self.preset.name), self._open_preset)

    def _open_preset(self, choice: Opened | None) -> None:
        """The picker's answer, a scenario it has loaded (and the user's own data, if the
        scenario has some, and the session it brings back): play it instead of this one
        (None: keep this)."""
        if choice is not None:
            self.open_preset(choice.preset, choice.dataset, choice.session)

    def open_preset(
        self, preset: Preset, dataset: Dataset | None = None, session: Session | None = None
    ) -> None:
        """End the current session and put a fresh main screen, for `preset` (bringing
        `session` back, if given), in its place."""
        old = self.main_screen
        old.end_session("switched")
        self.preset = preset
        self.main_screen = MainScreen(preset, dataset, session)
        while self.screen is not old:  # a dialog still on top closes with the old screen
            self.pop_screen()
        self.switch_screen(self.main_screen)

    def action_toggle_lang(self) -> None:
        self.lang = next_language(self.lang)

    # -- the command palette, in the app's language ------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=tr("palette.search", self.lang))
            )

    def action_change_theme(self) -> None:
        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=tr("palette.themes", self.lang))
        )

    def get_system_commands(self, screen: Screen) -> Iterator[SystemCommand]:
        """Textual's own commands, those that make sense here, in the app's language (its
        "Keys" panel would list the bindings' catalogue keys: the help lists the keys)."""
        lang = self.lang
        yield SystemCommand(
            tr("palette.theme", lang), tr("palette.theme_help", lang), self.action_change_theme
        )
        if screen.maximized is not None:
            yield SystemCommand(
                tr("palette.minimize", lang),
                tr("palette.minimize_help", lang),
                screen.action_minimize,
            )
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(
                tr("palette.maximize", lang),
                tr("palette.maximize_help", lang),
                screen.action_maximize,
            )
        yield SystemCommand(
            tr("palette.screenshot", lang),
            tr("palette.screenshot_help", lang),
            lambda: self.set_timer(0.1, self.deliver_screenshot),
        )
