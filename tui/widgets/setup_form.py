"""The setup form: the selected run's config, field by field, validated in place.

Each edit builds a candidate with `RunConfig.with_changes`; a `ConfigError` is shown
under its field (why, said in the app's language from the error's code) and nothing is
applied. A valid edit is posted as `SettingsEdited`; the screen decides whether it applies
live or on reset. The form never trains and never talks to the trainer. Labels, value
words ("linear", "full", units) and errors follow the app's language.

Input features (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂) are chosen with a row of toggles,
`FeaturePicker`; the output and the loss (softmax and cross-entropy for classes, linear
and MSE for a regression) are shown, not edited. In a classroom scenario the settings the
preset locks are shown as values, marked, and clicking one says why it does not change.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from nn.config import ACTIVATIONS, INITS, LIVE_FIELDS, ConfigError, RunConfig
from nn.features import FEATURES
from nn.optimizers import OPTIMIZERS
from tui.i18n import choice, reason, tr, value_words, words
from tui.messages import ApplyAllChanged, SettingsEdited
from tui.training.intended import check_unlocked


@dataclass(frozen=True)
class Field:
    """One setting of a run as the form shows it."""

    key: str  # the setting (its label is `setting.KEY` in the catalogue), and the widget id
    kind: str  # select, number, integer, batch, layers, budget, switch, features, shown
    choices: tuple[str, ...] = ()

    @property
    def live(self) -> bool:
        return self.key in LIVE_FIELDS or self.key == "momentum"  # momentum: an optimizer table

    @property
    def editable(self) -> bool:
        return self.kind != "shown"  # output and loss follow from the data: shown only

    @property
    def locks(self) -> tuple[str, ...]:
        """The settings it changes, as a preset locks them (`Preset.locked`)."""
        return tuple(self.changes(("steps", 1)) if self.key == "budget" else self.changes(None))

    def locked(self, locked: Collection[str]) -> bool:
        return self.editable and any(name in locked for name in self.locks)

    def value(self, config: RunConfig) -> Any:
        if self.key == "budget":  # how long the run trains: steps, or epochs when set
            return ("epochs", config.epochs) if config.epochs else ("steps", config.steps)
        if self.key in ("lr", "momentum"):
            return getattr(config.optimizer, self.key)
        if self.key == "optimizer":
            return config.optimizer.name
        if self.key == "layers":
            return ",".join(str(size) for size in config.layers)
        if self.key == "features":
            return tuple(config.features)
        return getattr(config, self.key)

    def changes(self, value: Any) -> dict[str, Any]:
        """The keyword arguments of `with_changes` (and `Comparison.change`) for a value."""
        if self.key == "momentum":
            return {"optimizer": {"momentum": value}}
        if self.key == "budget":
            unit, amount = value if isinstance(value, tuple) else ("steps", value)
            if unit == "steps":
                return {"steps": amount, "epochs": 0.0}  # epochs, when set, would win
            if isinstance(amount, float) and not amount > 0:  # 0 epochs means "use steps"
                raise ConfigError(
                    "epochs",
                    f"must be greater than 0, got {amount:g}",
                    "greater_than",
                    bound=0,
                    value=amount,
                )
            return {"epochs": amount}
        return {self.key: value}

    def parse(self, text: str) -> Any:
        """Text to a value; what does not parse goes through as text, for the core to name."""
        text = text.strip()
        if self.kind == "layers":
            return [_number(part.strip(), integer=True) for part in text.split(",")] if text else []
        if self.kind == "batch" and text.lower() in words("choice.full"):
            return "full"
        if self.kind == "budget":
            return _budget(text)
        return _number(text, integer=self.kind in ("integer", "batch"))


def _number(text: str, integer: bool) -> Any:
    try:
        return int(text) if integer else float(text)
    except ValueError:
        try:
            return float(text) if integer else text  # "3.5" as a batch size: let the core say
        except ValueError:
            return text


def _budget(text: str) -> tuple[str, Any] | str:
    """Text like "3000", "3000 steps" or "20 epochs" (in any language of the catalogue) to
    ("steps" | "epochs", amount); what does not parse goes through as text, for the core
    to name."""
    match = re.fullmatch(r"([-+0-9.eE]*[0-9.])\s*(\D*)", text)
    if match is None:
        return text
    amount, unit = match.groups()
    if unit.lower() in words("unit.epochs") | words("form.epoch_words"):
        return ("epochs", _number(amount, integer=False))
    if unit.lower() in {""} | words("unit.steps") | words("form.step_words"):
        steps = _number(amount, integer=True)
        whole = isinstance(steps, float) and steps.is_integer()  # "1e3 steps"
        return ("steps", int(steps) if whole else steps)
    return text


def budget_text(value: tuple[str, Any], lang: str) -> str:
    """("steps", 600) as "600 steps", in the interface's language."""
    unit, amount = value
    return f"{_text(amount)} {tr(f'unit.{unit}', lang)}"


FIELDS = (
    Field("activation", "select", ACTIVATIONS),
    Field("init", "select", INITS),
    Field("optimizer", "select", tuple(OPTIMIZERS)),
    Field("lr", "number"),
    Field("momentum", "number"),
    Field("batch_size", "batch"),
    Field("layers", "layers"),
    Field("output", "shown"),
    Field("loss", "shown"),
    Field("l1", "number"),
    Field("l2", "number"),
    Field("dropout", "number"),
    Field("batch_norm", "switch"),
    Field("budget", "budget"),
    Field("seed", "integer"),
    Field("features", "features", tuple(FEATURES)),
)
BY_KEY = {field.key: field for field in FIELDS}


def _text(value: Any) -> str:
    return format(value, "g") if isinstance(value, float) else str(value)


def value_text(field: Field, value: Any, lang: str) -> str:
    """A field's value as text, as its input would hold it (a locked or shown field)."""
    if field.kind == "budget":
        return budget_text(value, lang)
    if field.kind in ("switch", "features"):
        return value_words(field.key, value, lang)
    return choice(value, lang) if isinstance(value, str) else _text(value)


def free_settings(locked: Collection[str]) -> list[str]:
    """The form's fields a student may change in a scenario that locks `locked`."""
    return [field.key for field in FIELDS if field.editable and not field.locked(locked)]


class FeaturePicker(Widget, can_focus=True):
    """Input features as a row of toggles: ←/→ move, space or Enter turns one on or off, a
    click toggles the one under the pointer. Chosen ones are in brackets ("[x₁²]"), which
    reads without colour. Wraps to its width; posts `Changed` with the new choice, in the
    order chosen (a feature turned on goes last, so the others keep their input columns)."""

    DEFAULT_CSS = """
    FeaturePicker {
        height: auto;
        width: 1fr;
        color: $text-muted;
        & > .feature-picker--chosen {
            color: $text;
            text-style: bold;
        }
        &:focus > .feature-picker--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"feature-picker--chosen", "feature-picker--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "", show=False),
        Binding("right", "move(1)", "", show=False),
        Binding("space,enter", "toggle", "", show=False),
    ]

    class Changed(Message):
        def __init__(self, picker: FeaturePicker, features: tuple[str, ...]) -> None:
            super().__init__()
            self.picker = picker
            self.features = features

        @property
        def control(self) -> FeaturePicker:
            return self.picker

    def __init__(self, names: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.names = names
        self.chosen: tuple[str, ...] = ()
        self.cursor = 0
        self._places: list[tuple[int, int, int]] = []  # per chip: (line, x, width)

    def set_chosen(self, chosen: tuple[str, ...]) -> None:
        self.chosen = tuple(chosen)
        self.refresh()

    def _chip(self, name: str) -> str:
        label = tr(f"feature.{name}", self.app.lang)
        return f"[{label}]" if name in self.chosen else f" {label} "

    def _arrange(self, width: int) -> list[tuple[int, int, int]]:
        """Where each chip goes: chips in order, a blank between, wrapped at `width`."""
        places, line, x = [], 0, 0
        for name in self.names:
            size = cell_len(self._chip(name))
            if x and x + size > width:
                line, x = line + 1, 0
            places.append((line, x, size))
            x += size + 1
        return places

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        places = self._arrange(max(width, 1))
        return places[-1][0] + 1 if places else 1

    def render(self) -> Text:
        self._places = self._arrange(max(self.content_region.width, 1))
        chosen = self.get_component_rich_style("feature-picker--chosen", partial=True)
        cursor = self.get_component_rich_style("feature-picker--cursor", partial=True)
        text, line, x = Text(no_wrap=True, overflow="crop"), 0, 0
        for index, (name, (chip_line, chip_x, _)) in enumerate(
            zip(self.names, self._places, strict=True)
        ):
            if chip_line != line:
                text.append("\n" * (chip_line - line))
                line, x = chip_line, 0
            text.append(" " * (chip_x - x))
            style = chosen if name in self.chosen else Style()
            if index == self.cursor and self.has_focus:
                style += cursor
            chip = self._chip(name)
            text.append(chip, style)
            x = chip_x + cell_len(chip)
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, delta: int) -> None:
        self.cursor = (self.cursor + delta) % len(self.names)
        self.refresh()

    def action_toggle(self) -> None:
        name = self.names[self.cursor]
        features = tuple(f for f in self.chosen if f != name)
        if name not in self.chosen:
            features += (name,)
        self.post_message(self.Changed(self, features))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for index, (line, x, size) in enumerate(self._places):
            if line == offset.y and x <= offset.x < x + size:
                self.cursor = index
                self.action_toggle()
                return


class SetupForm(VerticalScroll):
    """The selected run's settings; `show` fills it, edits come back as messages."""

    def __init__(self, locked: Collection[str] = (), **kwargs) -> None:
        """`locked`: the settings a classroom scenario locks (`Preset.locked`)."""
        super().__init__(**kwargs)
        self.locked = frozenset(locked)
        self.run_name: str | None = None
        self.config: RunConfig | None = None  # what is shown: the run's config plus edits
        self._shown: dict[str, Any] = {}
        self._errors: dict[str, ConfigError] = {}  # field → why its value was refused

    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(id="label-apply_all", classes="label")
            yield Switch(False, id="apply_all")
        for field in FIELDS:
            fixed = field.locked(self.locked) or not field.editable
            with Horizontal(classes="row"):
                yield Label(id=f"label-{field.key}", classes="label")
                if fixed:  # a value to read, not to edit
                    classes = "value -locked" if field.editable else "value"
                    yield Static("", id=field.key, classes=classes, markup=False)
                elif field.kind == "features":  # the choice in words; the toggles below
                    yield Static("", id="features-words", classes="value", markup=False)
                else:
                    yield self._widget(field, self.lang)
            if field.kind == "features" and not fixed:
                yield FeaturePicker(field.choices, id=field.key)
            yield Static("", id=f"error-{field.key}", classes="error")
        yield Static(id="legend")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._show_lang)

    @staticmethod
    def _options(field: Field, lang: str, extra: Any = None) -> list[tuple[str, Any]]:
        """A select's options, labelled in `lang` (plus `extra`, a value not among them)."""
        values = [*field.choices, *([] if extra is None else [extra])]
        return [(choice(value, lang), value) for value in values]

    @classmethod
    def _widget(cls, field: Field, lang: str) -> Widget:
        if field.kind == "select":
            return Select(cls._options(field, lang), allow_blank=False, compact=True, id=field.key)
        if field.kind == "switch":
            return Switch(False, id=field.key)
        return Input(compact=True, id=field.key, select_on_focus=True)

    # -- showing ---------------------------------------------------------------------------

    @property
    def apply_all(self) -> bool:
        return self.query_one("#apply_all", Switch).value

    @apply_all.setter
    def apply_all(self, value: bool) -> None:
        with self.prevent(Switch.Changed):
            self.query_one("#apply_all", Switch).value = value

    def show(self, name: str, config: RunConfig) -> None:
        """Show a run's config. Fields whose value did not change keep what the user typed."""
        fresh = name != self.run_name
        self.run_name, self.config = name, config
        self._show_title()
        with self.prevent(Input.Changed, Select.Changed, Switch.Changed):
            for field in FIELDS:
                value = field.value(config)
                if not fresh and self._shown.get(field.key) == value:
                    continue
                self._shown[field.key] = value
                self._set_widget(field, value)
                self._show_error(field, None)

    def _show_title(self) -> None:
        if self.run_name is not None:
            title = f"{tr('panel.setup', self.lang)}: {self.run_name}"
            if self.border_title != title:  # setting it always repaints the whole form
                self.border_title = title

    def fixed(self, field: Field) -> bool:
        """Whether the field shows its value only: locked, or never edited (output, loss)."""
        return not field.editable or field.locked(self.locked)

    def _set_widget(self, field: Field, value: Any) -> None:
        widget = self.query_one(f"#{field.key}")
        if isinstance(widget, FeaturePicker):
            widget.set_chosen(value)
            words = value_text(field, value, self.lang)
            self.query_one("#features-words", Static).update(words)
        elif self.fixed(field) and isinstance(widget, Static):
            widget.update(value_text(field, value, self.lang))
        elif isinstance(widget, Select):
            extra = None if value in field.choices else value  # a fixed std for init, say 0.01
            widget.set_options(self._options(field, self.lang, extra))
            widget.value = value
        elif isinstance(widget, Switch):
            widget.value = bool(value)
        elif isinstance(widget, Input):
            if field.kind == "budget":
                widget.value = budget_text(value, self.lang)
            else:
                widget.value = choice(value, self.lang) if value == "full" else _text(value)

    def _show_error(self, field: Field, error: ConfigError | None) -> None:
        if error is None:
            self._errors.pop(field.key, None)
        else:
            self._errors[field.key] = error
        shown = self.query_one(f"#error-{field.key}", Static)
        shown.update("" if error is None else reason(error, self.lang))
        shown.set_class(error is not None, "-shown")
        # Not Textual's own "-invalid": Input sets and clears that one itself when it runs
        # its validators (on change, submit and blur), which would unmark a bad value.
        if not self.fixed(field):
            self.query_one(f"#{field.key}").set_class(error is not None, "-bad-value")

    def _show_lang(self) -> None:
        """Every word of the form in the app's language: labels, value words, errors."""
        lang = self.lang
        self.query_one("#label-apply_all", Label).update(tr("form.apply_all", lang))
        marker = tr("lock.marker", lang)
        for field in FIELDS:
            if field.locked(self.locked):
                suffix = marker
            else:
                suffix = "" if field.live or not field.editable else "*"
            label = tr(f"setting.{field.key}", lang) + suffix
            self.query_one(f"#label-{field.key}", Label).update(label)
        legend = "* " + tr("form.on_reset", lang)
        if any(field.locked(self.locked) for field in FIELDS):
            legend += "\n" + tr("lock.legend", lang)
        self.query_one("#legend", Static).update(legend)
        self._show_title()
        with self.prevent(Input.Changed, Select.Changed):
            for field in FIELDS:
                if self.fixed(field) or field.kind == "features":
                    if field.key in self._shown:
                        self._set_widget(field, self._shown[field.key])  # their words
                elif field.kind == "select":
                    select = self.query_one(f"#{field.key}", Select)
                    value = self._shown.get(field.key, select.value)
                    extra = None if value in field.choices else value
                    select.set_options(self._options(field, lang, extra))
                    select.value = value
                elif field.key in self._shown and field.kind in ("budget", "batch"):
                    self._set_widget(field, self._shown[field.key])  # their words
                elif field.kind == "layers":  # empty: no hidden layer, a linear model
                    self.query_one(f"#{field.key}", Input).placeholder = tr("table.linear", lang)
        for key, error in self._errors.items():
            self.query_one(f"#error-{key}", Static).update(reason(error, lang))

    # -- editing ---------------------------------------------------------------------------

    def validate_field(self, key: str, value: Any) -> RunConfig | None:
        """The config with this value, or None after marking the field with the reason."""
        field = BY_KEY[key]
        if self.config is None:
            return None
        try:
            candidate = self.config.with_changes(**field.changes(value))
        except ConfigError as error:
            self._show_error(field, error)
            return None
        except (TypeError, ValueError):
            message = f"not a usable value: {value!r}"
            self._show_error(field, ConfigError(key, message, "not_usable", value=value))
            return None
        self._show_error(field, None)
        return candidate

    def _edit(self, key: str, value: Any) -> None:
        field = BY_KEY[key]
        candidate = self.validate_field(key, value)
        if candidate is None or self.run_name is None:
            return
        new = field.value(candidate)
        if new != self._shown.get(key):
            self._shown[key] = new
            if field.kind == "features":  # the toggles show what was chosen, not typed
                self._set_widget(field, new)
            self.post_message(
                SettingsEdited(self.run_name, field.changes(value), self.apply_all, field.key)
            )

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id in BY_KEY:  # mark mistakes while typing; apply on Enter or leave
            self.validate_field(event.input.id, BY_KEY[event.input.id].parse(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply_input(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        self._apply_input(event.input)

    def _apply_input(self, widget: Input) -> None:
        if widget.id in BY_KEY:
            self._edit(widget.id, BY_KEY[widget.id].parse(widget.value))

    def on_feature_picker_changed(self, event: FeaturePicker.Changed) -> None:
        event.stop()
        self._edit("features", event.features)

    def on_click(self, event: events.Click) -> None:
        """A click on a locked value says why it does not change, under it."""
        widget = event.widget
        if widget is not None and widget.has_class("-locked") and widget.id in BY_KEY:
            field = BY_KEY[widget.id]
            try:
                check_unlocked(dict.fromkeys(field.locks), self.locked)
            except ConfigError as error:
                self._show_error(field, error)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id in BY_KEY and event.value is not Select.BLANK:
            self._edit(event.select.id, event.value)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        if event.switch.id == "apply_all":
            self.post_message(ApplyAllChanged(event.value))
        elif event.switch.id in BY_KEY:
            self._edit(event.switch.id, event.value)
