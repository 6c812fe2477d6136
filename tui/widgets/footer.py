"""The footer: the keys of the screen on show, labelled in the app's language.

Textual's Footer prints each binding's description as it was written, and descriptions
are fixed when a binding is made. Ours are catalogue keys (tui/keys.py), so this footer,
built on Textual's public binding API (`Screen.active_bindings`, `App.get_key_display`,
`Screen.bindings_updated_signal`), shows the label of each in the current language, and is
built again when the bindings or the language change. Keys that Textual's own widgets bind
are left out: they have no label in the catalogue, and the help lists what matters.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.i18n import binding_label, tr


class FooterKey(Static):
    """One key and its label; a click presses the key."""

    COMPONENT_CLASSES = {"footer-key--key", "footer-key--label"}
    DEFAULT_CSS = """
    FooterKey {
        width: auto;
        height: 1;
        text-wrap: nowrap;
        background: $footer-item-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--label {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        &:hover {
            pointer: pointer;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, key: str, key_display: str, label: str, classes: str = "") -> None:
        super().__init__(classes=classes)
        self.key, self.key_display, self.label = key, key_display, label

    def render(self) -> Text:
        return Text.assemble(
            (f" {self.key_display} ", self.get_component_rich_style("footer-key--key")),
            (f"{self.label} ", self.get_component_rich_style("footer-key--label")),
        )

    def on_click(self) -> None:
        self.app.simulate_key(self.key)


class Footer(Horizontal, can_focus=False, can_focus_children=False):
    """The screen's keys in a line at the bottom, the command palette's at the right (beside
    the others, not over them: a key drawn over a cut wide character loses a syllable)."""

    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer-keys {
            width: 1fr;
            height: 1;
            scrollbar-size: 0 0;
        }
        FooterKey.-palette {
            border-left: vkey $foreground 20%;
        }
    }
    """

    def compose(self) -> ComposeResult:
        lang = self.app.lang
        bindings = self.screen.active_bindings
        shown: set[str] = set()
        with HorizontalScroll(classes="footer-keys", can_focus=False):
            for _node, binding, _enabled, _tooltip in bindings.values():
                if not binding.show or binding.action in shown:
                    continue
                if not binding.description.startswith("keys."):  # Textual's own, unlabelled
                    continue
                shown.add(binding.action)
                label = binding_label(binding.description, lang)
                yield FooterKey(binding.key, self.app.get_key_display(binding), label)
        palette = self.app.COMMAND_PALETTE_BINDING
        if self.app.ENABLE_COMMAND_PALETTE and palette in bindings:
            display = self.app.get_key_display(bindings[palette][1])
            yield FooterKey(palette, display, tr("keys.palette", lang), classes="-palette")

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.watch(self.app, "lang", self._rebuild, init=False)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self._rebuild()

    def _rebuild(self) -> None:
        self.call_after_refresh(self.recompose)
