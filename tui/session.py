"""A session that survives: what the app keeps so that nothing is lost when it ends.

Students use trainlab over SSH, where links drop. Whatever way the app ends (`q`, a dropped
link, SIGTERM, a crash, a killed training process), `trainlab --resume` brings the session
back to the step it had reached, paused, bit for bit as if it had never stopped.

What a session is: its scenario (the preset file's own text, so that it comes back even if
the file has changed or gone since), the events the training process carried out (every
live change, run added or removed and reset, each with its step: tui/training/protocol.py
`Event`), the step reached, and where the student was looking (the selected run, the chart
tab, log scale, x axis, surface, the pace, the language, the runs pinned from the history).
Training is deterministic, so the scenario and the events are enough: replayed, they give
the same runs. Replaying an hour of training takes a while, so the training process also
writes a checkpoint when asked (nn/checkpoint.py: parameters, optimizer state, random
streams…) and a session resumes from there, replaying only what came after it.

Where: one JSON file a session, and its checkpoint beside it, under
`$XDG_STATE_HOME/trainlab/sessions/` (default ~/.local/state/trainlab/; `TRAINLAB_STATE`
points elsewhere). Every write is atomic (a temporary file, then a rename), so a crash
never leaves half a file; the app writes on every change (within half a second), when it
quits, on SIGHUP and on SIGTERM. A session in use is locked (a `.lock` beside it), so that
"resume the last session" in a second window never takes one still open. A session file
that is damaged, or was written by a newer trainlab, is set aside beside itself
(`….corrupt-…`, `….newer-…`), never overwritten, and the app starts all the same.

Plain Python, no Textual: tests drive it without an app.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from nn.errors import Explained
from presets.loader import parse_scenario
from presets.preset import Preset
from tui.export import write_atomically
from tui.training.protocol import Event, Resume
from tui.training.replay import EventError, event_from_data, event_to_data

try:  # POSIX: a lock file marks a session in use
    import fcntl
except ImportError:  # pragma: no cover - Windows: sessions are not locked
    fcntl = None  # type: ignore[assignment]

FORMAT = "trainlab-session"
VERSION = 1
ENV_VAR = "TRAINLAB_STATE"  # the state folder, overriding the XDG default
KEEP = 20  # sessions kept; older ones (not in use) are removed when a new one starts
ENDINGS = ("", "quit", "hangup", "terminated", "crashed", "switched")  # "": still running


class SessionError(Explained, ValueError):
    """A session that cannot be read back or written; the message names the file."""


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """$TRAINLAB_STATE, else $XDG_STATE_HOME/trainlab (the XDG default for XDG_STATE_HOME,
    also used when it is not an absolute path, is ~/.local/state)."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser()
    state_home = environ.get("XDG_STATE_HOME", "")
    base = Path(state_home) if os.path.isabs(state_home) else Path.home() / ".local" / "state"
    return base / "trainlab"


# -- what a session is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """The scenario a session plays, as its file said it when the session began."""

    name: str  # the preset's name (a file's stem)
    where: str  # the file it came from ("presets/default.toml", or a path)
    text: str  # the file's text
    folder: str = ""  # relative data paths are taken from here ("" for shipped presets)

    @classmethod
    def of(cls, preset: Preset) -> Scenario:
        """The scenario of a loaded preset (its source text kept by the loader)."""
        folder = ""
        if preset.path and not preset.path.startswith("presets/"):
            folder = str(Path(preset.path).expanduser().resolve().parent)
        return cls(preset.name, preset.path, preset.source, folder)

    def preset(self) -> Preset:
        """The preset again, from its text (PresetError if it does not load any more)."""
        return parse_scenario(self.text, self.name, self.where, Path(self.folder or "."))


@dataclass(frozen=True)
class Session:
    """One app session: see the module docstring. `view` holds where the student looked:
    `tab`, `log`, `x`, `surface` (presets.preset.View's keys); `selected` the run."""

    id: str
    scenario: Scenario
    events: tuple[Event, ...] = ()
    step: int = 0
    selected: str | None = None
    view: dict[str, Any] = field(default_factory=dict)
    pace: float | None = None
    lang: str = "en"
    pinned: tuple[int, ...] = ()  # ids of runs in the run history shown faded
    checkpoint: str = ""  # the checkpoint's file name, beside the session's ("": none)
    started: str = ""  # ISO 8601, local time
    saved: str = ""
    ended: str = ""  # one of ENDINGS

    @classmethod
    def new(cls, preset: Preset, lang: str = "en") -> Session:
        stamp = datetime.now().astimezone()
        name = f"{stamp:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        return cls(
            name, Scenario.of(preset), lang=lang, started=stamp.isoformat(timespec="seconds")
        )

    def resume(self, folder: Path) -> Resume:
        """What the training process needs to bring this session back."""
        path = str(folder / self.checkpoint) if self.checkpoint else None
        return Resume(self.events, self.step, path)

    def to_data(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "id": self.id,
            "started": self.started,
            "saved": self.saved,
            "ended": self.ended,
            "scenario": {
                "name": self.scenario.name,
                "where": self.scenario.where,
                "folder": self.scenario.folder,
                "text": self.scenario.text,
            },
            "step": self.step,
            "events": [event_to_data(event) for event in self.events],
            "selected": self.selected,
            "view": dict(self.view),
            "pace": self.pace if self.pace is None or self.pace < float("inf") else "max",
            "lang": self.lang,
            "pinned": list(self.pinned),
            "checkpoint": self.checkpoint,
        }

    @classmethod
    def from_data(cls, data: Any, where: str) -> Session:
        """The session `to_data` wrote; SessionError (code "session_newer" for a newer
        trainlab's, "session_corrupt" otherwise) if it is not one this trainlab reads."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise _corrupt(where, "not a trainlab session")
        version = data.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise SessionError(
                f"{where}: a session of version {version}; this trainlab reads version {VERSION}",
                "session_newer",
                where=where,
                version=version,
                supported=VERSION,
            )
        try:
            scenario = data["scenario"]
            pace = data.get("pace")
            session = cls(
                id=_text(data["id"]),
                scenario=Scenario(
                    _text(scenario["name"]),
                    _text(scenario["where"]),
                    _text(scenario["text"]),
                    _text(scenario.get("folder", "")),
                ),
                events=tuple(event_from_data(event) for event in data["events"]),
                step=_count(data["step"]),
                selected=data.get("selected") if isinstance(data.get("selected"), str) else None,
                view=dict(data.get("view") or {}),
                pace=float("inf") if pace == "max" else (float(pace) if pace else None),
                lang=_text(data.get("lang", "en")),
                pinned=tuple(_count(number) for number in data.get("pinned", [])),
                checkpoint=Path(_text(data.get("checkpoint", ""))).name,  # beside it, only
                started=_text(data.get("started", "")),
                saved=_text(data.get("saved", "")),
                ended=_text(data.get("ended", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError, EventError) as error:
            raise _corrupt(where, f"a part is missing or wrong ({error})") from None
        return session


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"expected a whole number of at least 0, got {value!r}")
    return value


def _corrupt(where: str, problem: str) -> SessionError:
    return SessionError(
        f"{where}: not a readable session ({problem})",
        "session_corrupt",
        where=where,
        problem=problem,
    )


# -- where sessions live ---------------------------------------------------------------------


class SessionStore:
    """The sessions folder: writing, reading, finding the last session, locking the one in
    use, and setting aside a file that cannot be read."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else state_dir() / "sessions"
        self.notices: list[SessionError] = []  # files set aside, for the user
        self._locks: dict[str, IO[str]] = {}

    def path(self, session_id: str) -> Path:
        return self.folder / f"{session_id}.json"

    def checkpoint_path(self, session_id: str) -> Path:
        return self.folder / f"{session_id}.npz"

    # -- writing --

    def write(self, session: Session) -> Session:
        """Write the session atomically; the session as written (its `saved` time set).
        SessionError (code "session_unwritable") if the folder cannot take it."""
        session = replace(session, saved=datetime.now().astimezone().isoformat(timespec="seconds"))
        text = json.dumps(session.to_data(), indent=1, ensure_ascii=False)
        path = self.path(session.id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text.encode("utf-8"))
        except OSError as error:
            raise SessionError(
                f"cannot write {path}: {error.strerror or error}",
                "session_unwritable",
                where=str(path),
                strerror=error.strerror or str(error),
            ) from None
        return session

    # -- reading --

    def read(self, path: str | Path) -> Session:
        """The session at `path`. A file that is damaged, or of a newer trainlab, is set
        aside (renamed beside itself, never overwritten) and SessionError raised."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SessionError(
                f"{path}: no such session", "session_missing", where=str(path)
            ) from None
        except OSError as error:
            raise SessionError(
                f"{path}: cannot read the file ({error.strerror})",
                "file_cannot_read",
                where=str(path),
                strerror=error.strerror,
            ) from None
        except UnicodeDecodeError:
            error = _corrupt(str(path), "not UTF-8 text")
            self._set_aside(path, error)
            raise error from None
        try:
            return Session.from_data(json.loads(text), str(path))
        except json.JSONDecodeError as problem:
            error = _corrupt(str(path), f"not JSON: {problem}")
        except RecursionError:  # `[[[[…]]]]`, deeper than the parser recurses
            error = _corrupt(str(path), "not JSON: nested too deeply")
        except SessionError as problem:
            error = problem
        self._set_aside(path, error)
        raise error

    def _set_aside(self, path: Path, error: SessionError) -> None:
        """Rename an unreadable session beside itself (with its checkpoint), unless it is in
        use; the error then says where it went."""
        if self.in_use(path.stem):
            return
        kind = "newer" if error.code == "session_newer" else "corrupt"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.{kind}-{stamp}")
        number = 1
        while aside.exists():
            aside = path.with_name(f"{path.name}.{kind}-{stamp}.{number}")
            number += 1
        with contextlib.suppress(OSError):
            os.rename(path, aside)
            error.params["aside"] = aside.name
            self.notices.append(error)

    def sessions(self) -> list[Path]:
        """Every session file, newest first (by the time it was last written)."""
        try:
            files = [p for p in self.folder.glob("*.json") if p.is_file()]
        except OSError:
            return []
        return sorted(files, key=_modified, reverse=True)

    def latest(self, exclude: str = "") -> Session | None:
        """The newest session that is not in use (nor `exclude`); unreadable files on the
        way are set aside (see `notices`)."""
        for path in self.sessions():
            if path.stem == exclude or self.in_use(path.stem):
                continue
            with contextlib.suppress(SessionError):
                return self.read(path)
        return None

    # -- in use --

    def lock(self, session_id: str) -> bool:
        """Mark the session in use by this process (until `unlock`); False if another
        process has it."""
        if fcntl is None or session_id in self._locks:
            return True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = open(self.folder / f"{session_id}.lock", "w")  # noqa: SIM115
        except OSError:
            return True  # a read-only folder: nothing will be written there either
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._locks[session_id] = handle
        return True

    def unlock(self, session_id: str) -> None:
        handle = self._locks.pop(session_id, None)
        if handle is not None:
            with contextlib.suppress(OSError):
                (self.folder / f"{session_id}.lock").unlink()
            handle.close()

    def in_use(self, session_id: str) -> bool:
        """Whether another process holds the session's lock (ours does not count)."""
        if fcntl is None or session_id in self._locks:
            return False
        try:
            with open(self.folder / f"{session_id}.lock") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return True
                fcntl.flock(handle, fcntl.LOCK_UN)
        except OSError:
            return False
        return False

    def prune(self, keep: int = KEEP) -> None:
        """Remove all but the `keep` newest sessions (and their checkpoints), never one in
        use; files set aside are the user's, and stay."""
        for path in self.sessions()[keep:]:
            if self.in_use(path.stem) or path.stem in self._locks:
                continue
            for stale in (path, self.checkpoint_path(path.stem), path.with_suffix(".lock")):
                with contextlib.suppress(OSError):
                    stale.unlink()


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# -- keeping the session while the app runs ---------------------------------------------------


class SessionKeeper:
    """The app's side: the session as it goes on, written by a thread of its own so that a
    slow disk never stalls the interface (`flush` writes at once, for the end).

    The screen tells it what happened (`log`, `reached`, `saved`, `look`); `tick` (twice a
    second) writes what changed since the last write. Problems (a folder that cannot be
    written) go to `notify` once, as a SessionError; the app goes on without a session."""

    def __init__(
        self,
        store: SessionStore,
        session: Session,
        notify: Callable[[SessionError], None] | None = None,
    ) -> None:
        self.store = store
        self.session = session
        self.notify = notify or (lambda error: None)
        self._written: Session | None = None
        self._lock = threading.Lock()  # the session's fields, between the UI and the writer
        self._write_lock = threading.Lock()  # one write at a time, in order
        self._wanted = threading.Event()
        self._closed = False
        self._failed = False
        self._sequence = 0  # of the state asked to be written
        self._written_sequence = -1
        self._thread = threading.Thread(target=self._write_loop, name="trainlab-session")
        self._thread.daemon = True
        self._thread.start()
        store.lock(session.id)

    @property
    def checkpoint_path(self) -> Path:
        return self.store.checkpoint_path(self.session.id)

    # -- what the screen tells --

    def update(self, **changes: Any) -> None:
        """Change fields of the session (the writer writes it at the next tick)."""
        with self._lock:
            self.session = replace(self.session, **changes)

    def log(self, events: tuple[Event, ...] | list[Event]) -> None:
        """Events the training process carried out, in order: kept at once."""
        if events:
            with self._lock:
                self.session = replace(self.session, events=self.session.events + tuple(events))
            self._wanted.set()

    def tick(self) -> None:
        """Write the session if it changed since the last write (in the writer thread)."""
        if self._written is None or self.session != self._written:
            self._wanted.set()

    # -- writing --

    def _write_loop(self) -> None:
        while not self._closed:
            self._wanted.wait()
            self._wanted.clear()
            if not self._closed:
                self._write()

    def _write(self) -> None:
        with self._lock:
            session = self.session
            self._sequence += 1
            sequence = self._sequence
        with self._write_lock:
            if sequence <= self._written_sequence or self._failed:
                return  # a newer state has been written meanwhile
            try:
                written = self.store.write(session)
            except SessionError as error:
                self._failed = True  # said once; the app goes on without its session
                self.notify(error)
                return
            self._written_sequence = sequence
            self._written = session
            del written

    def flush(self, ended: str) -> Session:
        """Write the session now, in this thread, marked as ended so; the session."""
        if ended:
            self.update(ended=ended)
        self._write()
        return self.session

    def close(self) -> None:
        """Stop the writer and release the session for another window to resume."""
        self._closed = True
        self._wanted.set()
        self._thread.join(timeout=5)
        self.store.unlock(self.session.id)
