"""The footer: the keys of the screen on show, labelled in the app's language.

Textual's Footer prints each binding's description as it was written, and descriptions
are fixed when a binding is made. Ours are catalogue keys (tui/keys.py), so this footer,
built on Textual's public binding API (`Screen.active_bindings`, `App.get_key_display`,
`Screen.bindings_updated_signal`), shows the label of each in the current language, and is
built again when the bindings or the language change. Keys that Textual's own widgets bind
are left out: they have no label in the catalogue, and the help lists what matters.

A line has room for some keys only, fewer in Korean and at 80 columns: the footer shows the
most needed that fit (`tui.keys.FOOTER_PRIORITY`: start, help, quit, presets, language
first), in their usual order, and is built again when the terminal's width changes which
fit. The help (`?`) and the command palette list every key. In a classroom scenario the
keys of locked settings make way for those of the settings the student may change.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalScroll
from textual.screen import Screen
from textual.widgets import Static

from tui.i18n import binding_label, tr
from tui.keys import FOOTER_PAIRS, FOOTER_PRIORITY, SETTING_KEYS


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

    @staticmethod
    def cells(key_display: str, label: str) -> int:
        """How wide a key is drawn."""
        return cell_len(f" {key_display} ") + cell_len(f"{label} ")

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

    def __init__(self) -> None:
        super().__init__()
        self._fitted: tuple[str, ...] | None = None  # the actions shown, for that width

    def _keys(self) -> tuple[list[tuple[str, str, str, str]], FooterKey | None]:
        """Every key the footer could show, as (action, key, display, label) in the
        bindings' order, and the command palette's."""
        lang = self.app.lang
        bindings = self.screen.active_bindings
        locked = self._locked()
        keys, seen = [], set()
        for _node, binding, _enabled, _tooltip in bindings.values():
            if binding.action in seen or not shown(binding.action, binding.show, locked):
                continue
            if not binding.description.startswith("keys."):  # Textual's own, unlabelled
                continue
            seen.add(binding.action)
            label = binding_label(binding.description, lang)
            keys.append((binding.action, binding.key, self.app.get_key_display(binding), label))
        palette = None
        name = self.app.COMMAND_PALETTE_BINDING
        if self.app.ENABLE_COMMAND_PALETTE and name in bindings:
            display = self.app.get_key_display(bindings[name][1])
            palette = FooterKey(name, display, tr("keys.palette", lang), classes="-palette")
        return keys, palette

    def _locked(self) -> frozenset[str]:
        """The settings the screen's scenario locks (none but on the main screen)."""
        return getattr(self.screen, "locked_settings", frozenset())

    def _fit(self) -> tuple[tuple[list[tuple[str, str, str, str]], FooterKey | None], tuple]:
        keys, palette = self._keys()
        width = self.app.size.width
        if palette is not None:
            width -= FooterKey.cells(palette.key_display, palette.label) + 1  # and its bar
        sizes = {action: FooterKey.cells(display, label) for action, _, display, label in keys}
        fitted = fit(list(sizes.items()), width, priority(self._locked()))
        return (keys, palette), tuple(action for action, *_ in keys if action in fitted)

    def compose(self) -> ComposeResult:
        (keys, palette), self._fitted = self._fit()
        with HorizontalScroll(classes="footer-keys", can_focus=False):
            for action, key, display, label in keys:
                if action in self._fitted:
                    yield FooterKey(key, display, label)
        if palette is not None:
            yield palette

    def on_resize(self, event: events.Resize) -> None:
        if self.is_attached and self._fit()[1] != self._fitted:
            self._rebuild()

    @property
    def shown_keys(self) -> list[str]:
        """The keys on show, as drawn (for tests)."""
        return [key.key_display for key in self.query(FooterKey)]

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


def shown(action: str, show: bool, locked: frozenset[str]) -> bool:
    """Whether the footer may show a key: as its binding says, but in a classroom scenario
    (settings `locked`) not the keys of locked settings, and the keys of the others, the
    lesson's, always."""
    setting = SETTING_KEYS.get(action)
    if locked and setting is not None:
        return setting not in locked
    return show


def priority(locked: frozenset[str]) -> tuple[str, ...]:
    """The footer's keys in order of need: in a classroom scenario the keys of the settings
    the student may change come right after start, help, quit, presets and language."""
    if not locked:
        return FOOTER_PRIORITY
    lesson = tuple(action for action in SETTING_KEYS if shown(action, False, locked))
    first = FOOTER_PRIORITY[: FOOTER_PRIORITY.index("toggle_lang") + 1]
    rest = tuple(action for action in FOOTER_PRIORITY if action not in first + lesson)
    return first + lesson + rest


def fit(sizes: Sequence[tuple[str, int]], width: int, priority: Sequence[str]) -> set[str]:
    """The actions whose keys fit in `width` cells, taken in order of need (`priority`,
    then the rest in their order): one that does not fit is passed over for smaller ones.
    Keys that go in pairs (`FOOTER_PAIRS`: slower and faster, lr ×2 and ÷2) are shown both
    or neither: half a pair would hide that the other key exists."""
    rank = {action: index for index, action in enumerate(priority)}
    order = sorted(range(len(sizes)), key=lambda i: (rank.get(sizes[i][0], len(rank)), i))
    size_of = dict(sizes)
    partner = {a: b for a, b in FOOTER_PAIRS} | {b: a for a, b in FOOTER_PAIRS}
    chosen: set[str] = set()
    used = 0
    for index in order:
        action = sizes[index][0]
        if action in chosen:
            continue
        group = [action] + [p for p in [partner.get(action)] if p in size_of and p not in chosen]
        size = sum(size_of[member] for member in group)
        if used + size <= width:
            chosen.update(group)
            used += size
    return chosen
