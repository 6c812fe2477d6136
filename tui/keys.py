"""Every key of the app, in one table per screen: the footer, the help screen and the
command palette list these, and a chart that names a key asks `key_for` which it is, so a
hint can never name a key the app does not have.

Each binding's description is the catalogue key of its label (tui/i18n.py `binding_label`),
never words: the app's own footer (tui/widgets/footer.py), the help and the command palette
show it in the current language.
"""

from __future__ import annotations

from textual.binding import Binding

from tui.widgets.charts_panel import CHART_NAMES

# The main screen: (key, action, catalogue key of its label, shown in the footer).
MAIN_BINDINGS: list[Binding] = [
    Binding("space", "toggle_play", "keys.play"),
    Binding("s", "single_step", "keys.step"),
    # the pace of training; `,` and `.` are the same keys unshifted
    Binding("less_than_sign,comma", "pace_slower", "keys.pace.slower", key_display="<"),
    Binding("greater_than_sign,full_stop", "pace_faster", "keys.pace.faster", key_display=">"),
    Binding("n", "next_caption", "keys.narration.next", show=False),
    Binding("N", "previous_caption", "keys.narration.previous", show=False),
    Binding("r", "reset", "keys.reset"),
    Binding("a", "add_run", "keys.add"),
    Binding("x", "remove_run", "keys.remove"),
    Binding("right_square_bracket,plus", "lr_up", "keys.lr_up", key_display="]"),
    Binding("left_square_bracket,minus", "lr_down", "keys.lr_down", key_display="["),
    Binding("o", "cycle_optimizer", "keys.optimizer"),
    Binding("d", "cycle_dropout", "keys.dropout"),
    Binding("p", "cycle_l1", "keys.l1", show=False),
    Binding("w", "cycle_l2", "keys.l2", show=False),
    Binding("b", "toggle_batch_norm", "keys.batch_norm", show=False),
    Binding("g", "toggle_apply_all", "keys.apply_all", show=False),
    Binding("l", "toggle_log", "keys.log", show=False),
    Binding("f", "toggle_setup", "keys.setup", show=False),
    Binding("v", "next_surface", "keys.surface", show=False),
    Binding("c", "toggle_claims", "keys.claims", show=False),
    # the views: what the charts' x axis counts, and runs in a grid or all in one chart
    Binding("X", "cycle_x_axis", "keys.x_axis", show=False),
    Binding("m", "toggle_grid", "keys.grid", show=False),
    *[
        Binding(str(number), f"show_chart('{name}')", f"keys.chart.{name}", show=False)
        for number, name in enumerate(CHART_NAMES, start=1)
    ],
    # What the session keeps: saved as a preset file to share, exported, the run history.
    Binding("ctrl+s", "save_session", "keys.keep.save", show=False),
    Binding("e", "export", "keys.keep.export", show=False),
    Binding("h", "history", "keys.keep.history", show=False),
    Binding("escape", "focus_runs", "", show=False),
]


# Keys of the whole app, on every screen.
APP_BINDINGS: list[Binding] = [
    Binding("question_mark,f1", "help", "keys.help", key_display="?"),
    Binding("P,ctrl+o", "pick_preset", "keys.presets", key_display="P"),
    Binding("t", "toggle_lang", "keys.lang"),
    Binding("q", "quit", "keys.quit"),
    Binding("ctrl+c", "quit", "keys.quit", show=False, priority=True),
]

# The footer's keys, most needed first: at each width it shows as many as fit, in this order
# of need (tui/widgets/footer.py); the help (`?`) and the command palette list every key.
FOOTER_PRIORITY: tuple[str, ...] = (
    "toggle_play",
    "help",
    "quit",
    "pick_preset",
    "toggle_lang",
    "pace_slower",  # the pace: how fast the phenomenon unfolds, the first thing to tune
    "pace_faster",
    "single_step",
    "reset",
    "lr_up",
    "lr_down",
    "add_run",
    "remove_run",
    "cycle_optimizer",
    "cycle_dropout",
    "cycle_l1",
    "cycle_l2",
    "toggle_batch_norm",
)

# Keys the footer shows both or neither of: one of a pair alone hides the other.
FOOTER_PAIRS: tuple[tuple[str, str], ...] = (("pace_slower", "pace_faster"), ("lr_up", "lr_down"))

# The setting each key changes live, as a preset locks it (`locked = ["lr"]`): in a classroom
# scenario the footer leaves out the keys of locked settings and shows those of the others,
# the lesson's keys, in their place.
SETTING_KEYS: dict[str, str] = {
    "lr_up": "lr",
    "lr_down": "lr",
    "cycle_optimizer": "optimizer",
    "cycle_dropout": "dropout",
    "cycle_l1": "l1",
    "cycle_l2": "l2",
    "toggle_batch_norm": "batch_norm",
}

# Dialogs (the help, the preset picker) hold the app's keys back: the language key is theirs
# too, so that `t` switches the language on every screen.
DIALOG_BINDINGS: list[Binding] = [Binding("t", "app.toggle_lang", "keys.lang", show=False)]


def key_for(action: str) -> str:
    """How the key of `action` is written on screen (e.g. "v" for next_surface)."""
    for binding in (*MAIN_BINDINGS, *APP_BINDINGS):
        if binding.action == action:
            return binding.key_display or binding.key.split(",")[0]
    raise KeyError(f"no key does {action!r}")
