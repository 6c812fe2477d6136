"""Every key of the app, in one table per screen: the footer, the help screen and the
command palette list these, and a chart that names a key asks `key_for` which it is, so a
hint can never name a key the app does not have.

Each binding's description is the catalogue key of its label (tui/i18n.py).
"""

from __future__ import annotations

from textual.binding import Binding

from tui.widgets.charts_panel import CHART_NAMES

# The main screen: (key, action, label key, shown in the footer).
MAIN_BINDINGS: list[Binding] = [
    Binding("space", "toggle_play", "b_play"),
    Binding("s", "single_step", "b_step"),
    Binding("r", "reset", "b_reset"),
    Binding("a", "add_run", "b_add"),
    Binding("x", "remove_run", "b_remove"),
    Binding("right_square_bracket,plus", "lr_up", "b_lr_up", key_display="]"),
    Binding("left_square_bracket,minus", "lr_down", "b_lr_down", key_display="["),
    Binding("o", "cycle_optimizer", "b_optimizer"),
    Binding("d", "cycle_dropout", "b_dropout"),
    Binding("p", "cycle_l1", "b_l1", show=False),
    Binding("w", "cycle_l2", "b_l2", show=False),
    Binding("b", "toggle_batch_norm", "b_batch_norm", show=False),
    Binding("g", "toggle_apply_all", "b_apply_all", show=False),
    Binding("l", "toggle_log", "b_log", show=False),
    Binding("f", "toggle_setup", "b_setup", show=False),
    Binding("v", "next_surface", "b_surface", show=False),
    Binding("c", "toggle_claims", "b_claims", show=False),
    *[
        Binding(str(number), f"show_chart('{name}')", f"chart:{name}", show=False)
        for number, name in enumerate(CHART_NAMES, start=1)
    ],
    Binding("escape", "focus_runs", "", show=False),
]


LABEL_KEYS = {binding.action: binding.description for binding in MAIN_BINDINGS}


# Keys of the whole app, on every screen.
APP_BINDINGS: list[Binding] = [
    Binding("question_mark,f1", "help", "b_help", key_display="?"),
    Binding("P,ctrl+o", "pick_preset", "b_presets", key_display="P"),
    Binding("t", "toggle_lang", "b_lang"),
    Binding("q", "quit", "b_quit"),
    Binding("ctrl+c", "quit", "b_quit", show=False, priority=True),
]
APP_LABEL_KEYS = {binding.action: binding.description for binding in APP_BINDINGS}


def key_for(action: str) -> str:
    """How the key of `action` is written on screen (e.g. "v" for next_surface)."""
    for binding in (*MAIN_BINDINGS, *APP_BINDINGS):
        if binding.action == action:
            return binding.key_display or binding.key.split(",")[0]
    raise KeyError(f"no key does {action!r}")
