"""Mistakes a user can make and fix (a bad setting, a file that does not load), told twice.

Once in English, as the error's message: what the command line and the logs print. And once
as a `code` and the values the message names (`params`), so that the app can say the same
thing in the user's language from its own catalogue (tui/i18n.py): the core speaks no
language of the interface, and the app never parses an English sentence.

`prefix` is the part of the message that names a place and needs no words (a setting such
as `optimizer.lr`, a key such as `claims[2].left`): the message is `prefix: reason` then,
and the code describes the reason alone.
"""

from __future__ import annotations

import re
from typing import Any


class Explained(Exception):
    """Base of the core's user errors: an English message, a code, its parameters."""

    def __init__(self, message: str, code: str = "", prefix: str = "", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.prefix = prefix
        self.params = params

    def __reduce__(self) -> tuple[Any, ...]:
        """Errors cross from the training process to the interface: keep code and params."""
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(cls: type[Explained], args: tuple[Any, ...], state: dict[str, Any]) -> Explained:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


def read_failure(error: OSError) -> str:
    """The code of a file that cannot be read, by the reason (the message keeps strerror)."""
    if isinstance(error, FileNotFoundError):
        return "cannot_read_missing"
    if isinstance(error, PermissionError):
        return "cannot_read_denied"
    if isinstance(error, IsADirectoryError):
        return "cannot_read_folder"
    return "cannot_read"


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = " (at end of document)"


def toml_failure(error: ValueError) -> tuple[str, dict[str, Any]]:
    """tomllib's message as a code and its parts: the problem (in the parser's English
    words) and where it is. Codes: not_toml (a line and column), not_toml_end, not_toml_other."""
    message = str(error)
    found = _TOML_AT.search(message)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        return "not_toml", {"problem": message[: found.start()], "line": line, "column": column}
    if message.endswith(_TOML_END):
        return "not_toml_end", {"problem": message.removesuffix(_TOML_END)}
    return "not_toml_other", {"problem": message}


class UnknownRun(Explained, KeyError):
    """A run named that is not in the comparison (a KeyError, as a missing key is)."""
