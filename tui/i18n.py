"""The one way to the app's words: every string the app shows comes from here, in any language.

Why one place: the words of a screen used to live in four mechanisms (label tuples, help
dicts, a Python module of help topics, texts on core objects), and they drifted apart, in
what they said and in which words they used. Now the words are data, per language, beside
this module (tui/locale/):

    en.toml, ko.toml             the interface: labels, notices, chart texts, error messages
    help.en.toml, help.ko.toml   the help topics
    glossary.toml                one Korean term per concept of the lecture (a test holds it)

and the presets' own texts (title, caption, claim…) come in through `localized`. The
languages are `presets.texts.LANGUAGES`; tests/test_i18n.py checks that every language has
every key, with the same `{fields}`.

Widgets ask `tr(key, self.app.lang, **fields)` and follow `TrainlabApp.lang` (a reactive)
with `self.watch(self.app, "lang", ...)`. The core says nothing in any language but
English: its errors carry a code and parameters (nn/errors.py), which `explain` says in
the user's language. Files are read on first use, one language at a time, so that the
first frame does not wait for words it does not show. This module imports no UI library:
the command line uses it too.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from presets.texts import LANGUAGES, Texts

LOCALE = Path(__file__).with_name("locale")

__all__ = [
    "LANGUAGES",
    "binding_label",
    "catalogue",
    "choice",
    "explain",
    "help_topics",
    "localized",
    "located",
    "measure_label",
    "next_language",
    "reason",
    "refusal",
    "tr",
    "value_words",
]


def _flat(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every interface string of `lang`, by dotted key ("status.paused")."""
    with (LOCALE / f"{lang}.toml").open("rb") as file:
        return _flat(tomllib.load(file))


def tr(key: str, lang: str, /, **fields: Any) -> str:
    """The string `key` in `lang`, its `{fields}` filled in. A key a language lacks falls
    back to English, then to the key itself: a missing word never breaks a screen (and a
    test makes sure none is missing)."""
    text = catalogue(lang).get(key) if lang in LANGUAGES else None
    if text is None:
        text = catalogue("en").get(key, key)
    return text.format(**fields)


def has(key: str) -> bool:
    """Whether the catalogue knows `key` (every language has the keys English has)."""
    return key in catalogue("en")


def next_language(lang: str) -> str:
    """The language the language key switches to."""
    return LANGUAGES[(LANGUAGES.index(lang) + 1) % len(LANGUAGES)] if lang in LANGUAGES else "en"


def localized(texts: Texts, lang: str) -> str:
    """A scenario's text (presets' `Texts`) in `lang`, else in English."""
    return texts.get(lang) or texts.get("en", "")


def choice(value: Any, lang: str) -> str:
    """A setting's value as the form shows it: words translated ("linear", "full"), names
    and numbers as they are."""
    text = format(value, "g") if isinstance(value, float) else str(value)
    return tr(f"choice.{text}", lang) if has(f"choice.{text}") else text


def value_words(setting: str, value: Any, lang: str) -> str:
    """A setting's value as a student says it (the runs table, the form): "on" for a
    switch, "100×6" or "64-32" for hidden layers, "x₁² x₂²" for input features, "sigmoid"."""
    if isinstance(value, bool):
        return tr("table.on" if value else "table.off", lang)
    if setting == "layers":
        sizes = tuple(value)
        if not sizes:
            return tr("table.no_layers", lang)
        if len(sizes) > 1 and len(set(sizes)) == 1:
            return f"{sizes[0]}×{len(sizes)}"
        return "-".join(str(size) for size in sizes)
    if setting == "features":
        return " ".join(tr(f"feature.{name}", lang) for name in value) or tr("table.raw", lang)
    return choice(value, lang)


def words(key: str) -> set[str]:
    """The words `key` lists (space-separated), in every language: what an input accepts."""
    return {word.lower() for lang in LANGUAGES for word in tr(key, lang).split()}


# -- key bindings ------------------------------------------------------------------------


def binding_label(description: str, lang: str) -> str:
    """A key binding's label. Bindings are described by catalogue keys (tui/keys.py);
    "keys.chart.NAME" names a chart tab, "keys.lang" the language the key switches to, in
    that language's own words (so that a reader of either can find it)."""
    if description == "keys.lang":
        target = next_language(lang)
        return tr(f"lang.{target}", target)
    if description.startswith("keys.chart."):
        return tr(
            "keys.chart", lang, name=tr(f"chart.{description.removeprefix('keys.chart.')}", lang)
        )
    return tr(description, lang)


# -- errors --------------------------------------------------------------------------------


def _fields(params: dict[str, Any], lang: str) -> dict[str, Any]:
    return {k: explain(v, lang) if isinstance(v, BaseException) else v for k, v in params.items()}


def explain(error: BaseException | str, lang: str) -> str:
    """An error in `lang`: from its code and parameters (nn/errors.py) when the catalogue
    knows the code, else in the words it was raised with (an internal error, say)."""
    if isinstance(error, str):
        return error
    code = getattr(error, "code", "")
    if not code or not has(f"error.{code}"):
        return str(error)
    text = tr(f"error.{code}", lang, **_fields(error.params, lang))
    prefix = getattr(error, "prefix", "")
    return f"{prefix}: {text}" if prefix else text


def reason(error: BaseException, lang: str) -> str:
    """Why a setting was refused, without the setting's name (the form shows it under the
    field it names)."""
    code = getattr(error, "code", "")
    if code and has(f"error.{code}"):
        return tr(f"error.{code}", lang, **_fields(error.params, lang))
    return getattr(error, "reason", str(error))


def refusal(error: BaseException | str, lang: str) -> str:
    """An error of something done in the app (a key, the form, a reset), which names the
    setting it concerns by its label ("학습률: …") rather than by its place in a config file,
    and no place when it concerns no setting (the runs, say): the user did not write a file."""
    field = getattr(error, "field", "")
    if not field or isinstance(error, str):
        return explain(error, lang)
    setting = field.rsplit(".", 1)[-1]
    why = reason(error, lang)
    return f"{tr(f'setting.{setting}', lang)}: {why}" if has(f"setting.{setting}") else why


def located(error: BaseException, where: str, lang: str) -> str:
    """The error in `lang`, led by the file it concerns unless it already names it."""
    message, text = str(error), explain(error, lang)
    return text if not where or message.startswith(where) else f"{where}: {text}"


# -- claims --------------------------------------------------------------------------------


def measure_label(measure: Any, lang: str) -> str:
    """A claim's measure (presets.claims.Measure) labelled in `lang`; in English exactly as
    `Measure.label()` and `trainlab check` put it."""
    metric = tr(f"metric.{measure.metric}", lang)
    path = measure.path
    if path is not None:
        surface = tr(f"surface_name.{path.surface}", lang)
        return tr(
            "measure.path",
            lang,
            metric=metric,
            optimizer=path.optimizer,
            lr=path.lr,
            surface=surface,
        )
    parts = [tr("measure.run", lang, run=measure.run, metric=metric)]
    if measure.batch_size is not None:
        parts.append(tr("measure.batch", lang, size=measure.batch_size))
    if isinstance(measure.layer, str):
        parts.append(tr(f"measure.{measure.layer}", lang))
    elif measure.layer is not None:
        parts.append(tr("measure.layer", lang, layer=measure.layer))
    if measure.at_step is not None:
        parts.append(tr("measure.at_step", lang, step=measure.at_step))
    elif measure.at_epoch is not None:
        parts.append(tr("measure.at_epoch", lang, epoch=measure.at_epoch))
    return tr("measure.join", lang).join(parts)


# -- help ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """One help topic: a technique, explained in a few sentences, and where to look."""

    key: str
    group: str  # a key of the help file's [groups]: one of the lecture's four problems
    title: str
    body: str
    look: str


@dataclass(frozen=True)
class Help:
    groups: dict[str, str]  # key → heading, in the lecture's order
    topics: tuple[Topic, ...]

    def topic(self, key: str) -> Topic:
        return next(topic for topic in self.topics if topic.key == key)


@cache
def help_topics(lang: str) -> Help:
    """The help topics in `lang` (English for a language without them)."""
    lang = lang if lang in LANGUAGES else "en"
    with (LOCALE / f"help.{lang}.toml").open("rb") as file:
        data = tomllib.load(file)
    return Help(data["groups"], tuple(Topic(**topic) for topic in data["topic"]))
