"""The words of a scenario, in every language its file was written in.

A preset file gives each text in English under its plain key (`title`, `caption`, `text`)
and in other languages under the key with the language's code (`title_ko`). Here they
become one `Texts` mapping; the app picks the language through its catalogue (tui/i18n.py),
and the command line prints English. `LANGUAGES` is the one list of the languages trainlab
speaks: the app's catalogue has a file for each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LANGUAGES = ("en", "ko")
Texts = dict[str, str]  # language code → the text in it, e.g. {"en": "Dropout", "ko": "드롭아웃"}


def english(texts: Texts) -> str:
    """The English text (what `trainlab check` and the JSON reports print)."""
    return texts.get("en", "")


def text_language(name: str, key: str) -> str | None:
    """The language of table key `name` if it gives text `key` ("title" → en, "title_ko"
    → ko), else None."""
    if name == key:
        return "en"
    code = name.removeprefix(f"{key}_")
    return code if code != name and code in LANGUAGES and code != "en" else None


def is_text_key(name: str, keys: tuple[str, ...]) -> bool:
    return any(text_language(name, key) for key in keys)


def parse_texts(
    table: dict[str, Any], key: str, where: str, error: Callable[..., Exception]
) -> Texts:
    """Every language's text for `key` in a TOML table; `error(key, reason, code, value=…)`
    (a ConfigError or ClaimError) for a value that is not text."""
    texts: Texts = {}
    for name, value in table.items():
        language = text_language(name, key)
        if language is None:
            continue
        if not isinstance(value, str):
            prefix = f"{where}." if where else ""
            raise error(f"{prefix}{name}", f"must be text, got {value!r}", "not_text", value=value)
        texts[language] = value
    return texts
