"""The run history: every run that finished or stopped, kept across sessions.

A student compares today's runs with last week's, so a run must outlive the app that
trained it. This module is the app's own memory, not the core's: `nn` stays pure (no files,
no clock), and `presets` holds scenarios, not results.

Why SQLite (the standard library's sqlite3): one file, atomic transactions and safe
concurrent use by two app instances of one user (two SSH sessions), with nothing to
install. WAL mode lets readers (`trainlab history`, the History view) read while another
instance writes; writers take turns through a busy timeout and, past it, retries with
back-off, so that `database is locked` costs a wait, never a record.

Why a thread (`Recorder`): the app records when a run finishes and when the session ends
(quit, SIGHUP, SIGTERM). Training runs in a process of its own and never waits for the
database; the interface only turns the snapshot into plain records (thinning included,
well under a millisecond a run) and hands them to a writer thread, which may wait on a
lock as long as it must.

Why thinned histories: a run is kept to be looked at again, as a faded curve beside
today's runs. A few hundred points a curve draw it as well as ten thousand, and keep a
session's record to tens of kilobytes. The first and last points are always kept: where
the run started and where it ended.

Why set a bad database aside rather than repair, delete or overwrite it: the file is the
student's, possibly holding months of runs; a corrupt one may still be rescued by hand,
and one written by a newer trainlab is readable by that version. So it is renamed beside
itself, the student is told where it went, and a fresh database is used: recording never
stops the app from starting. (A `history.sqlite3.lock` file beside it keeps two instances
from both setting aside one file, the second taking the fresh one the first just made.)
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import random
import sqlite3
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from nn.config import ConfigError, RunConfig
from nn.data import REGRESSION_NAMES
from nn.errors import Explained
from nn.snapshot import DIVERGED, DONE, HISTORY_FIELDS, History, RunSnapshot, Snapshot

try:  # POSIX: a lock file keeps two instances from setting aside the same file twice
    import fcntl
except ImportError:  # pragma: no cover - Windows: the rename race is left to chance
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 1
ENV_VAR = "TRAINLAB_HISTORY"  # the database's path, overriding the XDG default
FILE_NAME = "history.sqlite3"
MAX_POINTS = 300  # per curve, after thinning
STATUSES = ("done", "stopped", "diverged")
METRICS = (
    "step",
    "epoch",
    "samples_seen",
    "budget",
    "train_loss",
    "train_accuracy",
    "test_loss",
    "test_accuracy",
    "train_r2",
    "test_r2",
    "penalty",
)
INTEGER_COLUMNS = ("step", "samples_seen", "budget")
BUSY_SECONDS = 10.0  # SQLite's own wait for a lock, per statement
RETRY_SECONDS = 120.0  # then our retries, with back-off, up to this long in all

SCHEMA = f"""
CREATE TABLE schema (version INTEGER NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at TEXT NOT NULL,      -- when it ended (last recorded), ISO 8601 in UTC
    session TEXT NOT NULL,          -- one app instance: the runs trained side by side
    scenario TEXT NOT NULL,         -- a shipped preset's name, or a file's absolute path
    preset TEXT NOT NULL,           -- the preset's name (a file's stem)
    title TEXT NOT NULL,
    run TEXT NOT NULL,
    differs TEXT NOT NULL,          -- what differed from the scenario's first run
    summary TEXT NOT NULL,          -- what it was: optimizer, activation, init, layers, ...
    seed INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'stopped', 'diverged')),
    ended_step INTEGER NOT NULL,    -- the step it finished, stopped or diverged at
    {", ".join(f"{name} {'INTEGER' if name in INTEGER_COLUMNS else 'REAL'}" for name in METRICS)},
    config TEXT NOT NULL,           -- JSON: RunConfig.to_dict() as the run started
    changes TEXT NOT NULL,          -- JSON: [{{step, setting, old, new}}], the live changes
    history BLOB NOT NULL           -- zlib(JSON {{column: [values]}}), thinned, null for NaN
);
CREATE INDEX runs_by_time ON runs (recorded_at);
CREATE INDEX runs_by_preset ON runs (preset, recorded_at);
"""
LIST_COLUMNS = (
    "id, recorded_at, session, scenario, preset, title, run, differs, summary, seed, status, "
    f"ended_step, {', '.join(METRICS)}, config, changes"
)


class HistoryError(Exception):
    """The history database cannot be used; the message says which file and why."""


class HistoryNotice(Explained):
    """What the app should tell about its history (a database set aside, runs that could
    not be recorded): the English sentence, with a code and parameters for the catalogue.
    Told, not raised."""


class _Unusable(Exception):
    """A database to set aside: corrupt ("corrupt") or of a newer schema ("newer")."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


# -- where ---------------------------------------------------------------------------------


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """$TRAINLAB_HISTORY, else $XDG_DATA_HOME/trainlab/history.sqlite3 (the XDG default
    for XDG_DATA_HOME, also used when it is not an absolute path, is ~/.local/share)."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser()
    data_home = environ.get("XDG_DATA_HOME", "")
    base = Path(data_home) if os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "trainlab" / FILE_NAME


# -- the records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One run as the history keeps it. `history` maps every History column to its thinned
    values (None when a listing left histories out); NaN where the run had no value."""

    scenario: str
    preset: str
    title: str
    run: str
    config: dict[str, Any]  # as the run started; `changes` came after
    seed: int
    changes: tuple[dict[str, Any], ...]  # {"step", "setting", "old", "new"}
    status: str  # done, stopped or diverged
    ended_step: int
    metrics: dict[str, float]  # METRICS; NaN where the run had none
    history: dict[str, np.ndarray] | None
    differs: str = ""
    summary: str = ""
    when: str = ""  # ISO 8601, UTC; set when stored
    session: str = ""
    id: int | None = None

    @property
    def ended(self) -> str:
        """How it ended, in words: done, stopped at step N, diverged at step N."""
        return "done" if self.status == "done" else f"{self.status} at step {self.ended_step}"

    @property
    def regression(self) -> bool:
        """Whether the run predicted numbers (R²) rather than classes (accuracy)."""
        data = self.config.get("data") or {}
        if data.get("task"):
            return data["task"] == "regression"
        return data.get("name") in REGRESSION_NAMES

    @property
    def score(self) -> str:
        """Test accuracy, or R² for a regression: what the list shows."""
        if self.regression:
            r2 = self.metrics.get("test_r2", math.nan)
            return "R² —" if math.isnan(r2) else f"R² {r2:.3f}"
        accuracy = self.metrics.get("test_accuracy", math.nan)
        return "—" if math.isnan(accuracy) else f"{accuracy:.1%}"

    def local_time(self) -> datetime:
        return datetime.fromisoformat(self.when).astimezone()

    def run_config(self) -> RunConfig:
        """The config as the run started (ConfigError if this trainlab cannot read it)."""
        return RunConfig.from_dict(self.config, where=f"history #{self.id}")

    def to_json(self) -> dict[str, Any]:
        """Plain data for strict JSON: NaN and infinities become None (null)."""
        return _strict(
            {
                "id": self.id,
                "when": self.when,
                "session": self.session,
                "scenario": self.scenario,
                "preset": self.preset,
                "title": self.title,
                "run": self.run,
                "differs": self.differs,
                "summary": self.summary,
                "seed": self.seed,
                "status": self.status,
                "ended_step": self.ended_step,
                "ended": self.ended,
                "metrics": self.metrics,
                "config": self.config,
                "changes": list(self.changes),
                "history": None
                if self.history is None
                else {name: values.tolist() for name, values in self.history.items()},
            }
        )


def thin_indices(steps: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most `max_points` points spread evenly over the steps (so that the
    curve keeps its shape on a step axis however densely it was measured where), the first
    and the last always among them."""
    count = len(steps)
    if count <= max_points:
        return np.arange(count)
    if max_points < 2:
        raise ValueError("thinning keeps the first and last points: max_points >= 2")
    steps = np.asarray(steps, dtype=np.float64)
    if np.all(np.diff(steps) >= 0):
        targets = np.linspace(steps[0], steps[-1], max_points)
        chosen = np.searchsorted(steps, targets, side="left").clip(0, count - 1)
    else:  # not in step order (never from a comparison): evenly by index
        chosen = np.linspace(0, count - 1, max_points).round().astype(np.int64)
    chosen[0], chosen[-1] = 0, count - 1
    return np.unique(chosen)


def thin(history: History, max_points: int = MAX_POINTS) -> dict[str, np.ndarray]:
    """Every column of a run's history, thinned alike (copies: the history may be a view)."""
    keep = thin_indices(history.step, max_points)
    return {
        name: np.array(getattr(history, name)[keep], dtype=_column_dtype(name))
        for name in HISTORY_FIELDS
    }


def describe(config: Mapping[str, Any]) -> str:
    """What a run was, in a few words: optimizer and learning rate, activation, init,
    layers, batch, and whatever regularization it had."""
    optimizer = config.get("optimizer") or {}
    layers = config.get("layers") or []
    parts = [
        f"{optimizer.get('name', '?')} {_number(optimizer.get('lr'))}",
        str(config.get("activation", "?")),
        f"init {_number(config.get('init'))}",
        "-".join(str(size) for size in layers) if layers else "no hidden layer",
        f"batch {config.get('batch_size', '?')}",
    ]
    for key in ("l1", "l2", "dropout"):
        if config.get(key):
            parts.append(f"{key} {_number(config[key])}")
    if config.get("batch_norm"):
        parts.append("batch norm")
    if config.get("features"):
        parts.append("features " + ",".join(config["features"]))
    return ", ".join(parts)


def scenario_of(preset: Any) -> tuple[str, str, str]:
    """(scenario, preset name, English title) of a presets.Preset: a shipped preset is
    known by its name, a file by its absolute path (two files may share a name)."""
    from presets import english
    from presets.loader import is_shipped

    name = preset.name
    if not preset.path or (preset.path == f"presets/{name}.toml" and is_shipped(name)):
        scenario = name
    else:
        scenario = str(Path(preset.path).expanduser().resolve())
    return scenario, name, english(preset.title) or name


def records_from(
    snapshot: Snapshot,
    configs: Iterable[RunConfig] | Mapping[str, RunConfig],
    *,
    scenario: str,
    title: str = "",
    preset: str | None = None,
    session: str = "",
    stopped: bool = True,
    max_points: int = MAX_POINTS,
) -> list[Record]:
    """The records of a snapshot's runs. `configs` are the runs' configs as they are now
    (as the trainer reports them): each record keeps its run's config as it started, the
    live changes undone, with the changes beside it. Runs that have not trained a step
    are left out, and so are unfinished ones unless `stopped` (the session ends)."""
    by_name = configs if isinstance(configs, Mapping) else {c.name: c for c in configs}
    records = []
    for run in snapshot.runs:
        if run.step == 0 or run.name not in by_name:
            continue
        status = _status(run)
        if status == "stopped" and not stopped:
            continue
        changes = tuple(
            {"step": c.step, "setting": c.setting, "old": c.old, "new": c.new}
            for c in snapshot.changes
            if c.run == run.name
        )
        config = _as_started(by_name[run.name], changes).to_dict()
        summary = describe(config)
        if changes:
            summary += f" (+{len(changes)} live change{'s' * (len(changes) > 1)})"
        records.append(
            Record(
                scenario=scenario,
                preset=preset or scenario,
                title=title or preset or scenario,
                run=run.name,
                config=config,
                seed=int(config["seed"]),
                changes=changes,
                status=status,
                ended_step=int(run.diverged_step if status == "diverged" else run.step),
                metrics=_metrics(run),
                history=thin(run.history, max_points),
                differs=run.differences,
                summary=summary,
                session=session,
            )
        )
    return records


def _status(run: RunSnapshot) -> str:
    if run.status == DIVERGED and run.diverged_step is not None:
        return "diverged"
    return "done" if run.status == DONE else "stopped"


def _metrics(run: RunSnapshot) -> dict[str, float]:
    values = {name: getattr(run, name) for name in METRICS}
    return {
        name: int(value) if name in INTEGER_COLUMNS else float(value)
        for name, value in values.items()
    }


def _as_started(config: RunConfig, changes: tuple[dict[str, Any], ...]) -> RunConfig:
    """The config before its live changes (each change knows the value it replaced)."""
    try:
        for change in reversed(changes):
            config = config.with_changes(**{change["setting"]: change["old"]})
    except (ConfigError, TypeError, ValueError):  # not undoable: keep it as it ended
        pass
    return config


# -- the store -----------------------------------------------------------------------------


@dataclass
class HistoryStore:
    """A connection to the history database. `open` for the app (creates the file, sets a
    bad one aside); `read` for the command line (never creates or renames anything)."""

    path: Path
    connection: sqlite3.Connection
    notices: list[HistoryNotice] = field(default_factory=list)  # what opening had to do
    retry_seconds: float = RETRY_SECONDS

    @classmethod
    def open(
        cls, path: str | Path | None = None, *, busy_seconds: float = BUSY_SECONDS
    ) -> HistoryStore:
        """The database at `path` (default: default_path()), created if need be. One that is
        corrupt or of a newer schema is renamed beside itself and a fresh one made; each
        such step is described in `notices`. HistoryError if no database can be used there
        (an unwritable folder, say)."""
        path = Path(path) if path is not None else default_path()
        notices: list[HistoryNotice] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HistoryError(f"cannot create {path.parent}: {error.strerror}") from None
        with _file_lock(path):
            try:
                connection = _retrying(lambda: _prepare(path, busy_seconds), RETRY_SECONDS)
            except _Unusable as problem:
                notices.append(_set_aside_telling(path, problem.kind, str(problem)))
                try:
                    connection = _retrying(lambda: _prepare(path, busy_seconds), RETRY_SECONDS)
                except _Unusable as again:  # a fresh file cannot be bad: something else is
                    raise HistoryError(f"{path} {again}") from None
            except sqlite3.OperationalError as error:  # locked for longer than RETRY_SECONDS
                raise HistoryError(f"cannot use {path}: {error}") from None
        return cls(path, connection, notices)

    @classmethod
    def read(
        cls, path: str | Path | None = None, *, busy_seconds: float = BUSY_SECONDS
    ) -> HistoryStore | None:
        """The database at `path` to read, or None if there is none yet. HistoryError, with
        the reason, if it is not a history this trainlab can read."""
        path = Path(path) if path is not None else default_path()
        if not path.exists():
            return None
        if path.is_dir():
            raise HistoryError(f"{path} is a folder, not a history database")
        if not _sqlite_header(path):
            raise HistoryError(f"{path} is not a database (not an SQLite file)")
        try:
            connection = _connect(path, busy_seconds, mode="rw")
        except sqlite3.Error:
            try:  # a read-only file or folder: read what is there
                connection = _connect(path, busy_seconds, mode="ro")
            except sqlite3.Error as error:
                raise HistoryError(f"cannot open {path}: {error}") from None
        try:
            _retrying(lambda: _check_schema(connection, create=False), RETRY_SECONDS)
        except _Unusable as problem:
            connection.close()
            raise HistoryError(f"{path} {problem}") from None
        except sqlite3.Error as error:
            connection.close()
            if _is_corrupt(error):
                raise HistoryError(f"{path} is damaged or not a database ({error})") from None
            raise HistoryError(f"cannot read {path}: {error}") from None
        return cls(path, connection)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --

    def add(self, records: Iterable[Record], *, when: datetime | None = None) -> list[int]:
        """Store new records in one transaction; their ids, in order."""
        return self.save([(None, record) for record in records], when=when)

    def save(
        self, items: Iterable[tuple[int | None, Record]], *, when: datetime | None = None
    ) -> list[int]:
        """Store records in one transaction: (None, record) adds one, (id, record) replaces
        the row with that id (a run recorded again as it went on); their ids, in order.
        A replaced row that is gone (the file was set aside meanwhile) is added again."""
        stamp = _timestamp(when)
        rows = [(row_id, _row(record, stamp)) for row_id, record in items]

        def write() -> list[int]:
            ids = []
            with _transaction(self.connection):
                for row_id, values in rows:
                    ids.append(self._write_row(row_id, values))
            return ids

        return _retrying(write, self.retry_seconds)

    def _write_row(self, row_id: int | None, values: dict[str, Any]) -> int:
        names = list(values)
        if row_id is not None:
            assignments = ", ".join(f"{name} = :{name}" for name in names)
            cursor = self.connection.execute(
                f"UPDATE runs SET {assignments} WHERE id = :id", {**values, "id": row_id}
            )
            if cursor.rowcount:
                return row_id
        cursor = self.connection.execute(
            f"INSERT INTO runs ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})",
            values,
        )
        return int(cursor.lastrowid)

    # -- reading --

    def runs(
        self,
        *,
        preset: str | None = None,
        run: str | None = None,
        since: datetime | None = None,
        status: str | None = None,
        last: int | None = None,
        histories: bool = False,
        session: str | None = None,
    ) -> list[Record]:
        """Records newest first, filtered: `preset` (a preset's name, or a scenario as
        stored: a file's path), `run` (its name), `since` (recorded at or after),
        `status` (done, stopped, diverged), `last` (at most this many), `session` (one app
        session's). Histories only if asked: a listing does not need them; pinning one run
        takes `get`."""
        clauses, parameters = [], []
        if session is not None:
            clauses.append("session = ?")
            parameters.append(session)
        if preset is not None:
            clauses.append("(preset = ? OR scenario = ? OR scenario = ?)")
            parameters += [preset, preset, _absolute(preset)]
        if run is not None:
            clauses.append("run = ?")
            parameters.append(run)
        if since is not None:
            clauses.append("recorded_at >= ?")
            parameters.append(_timestamp(since))
        if status is not None:
            clauses.append("status = ?")
            parameters.append(status)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        limit = f"LIMIT {int(last)}" if last is not None else ""
        columns = LIST_COLUMNS + (", history" if histories else "")
        query = f"SELECT {columns} FROM runs {where} ORDER BY recorded_at DESC, id DESC {limit}"
        rows = _retrying(
            lambda: self.connection.execute(query, parameters).fetchall(), self.retry_seconds
        )
        return [_record(row, histories) for row in rows]

    def get(self, record_id: int) -> Record | None:
        """One record with its history (for pinning), or None if there is no such id."""
        query = f"SELECT {LIST_COLUMNS}, history FROM runs WHERE id = ?"
        row = _retrying(
            lambda: self.connection.execute(query, (record_id,)).fetchone(), self.retry_seconds
        )
        return None if row is None else _record(row, True)

    def count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM runs").fetchone()[0])


def _absolute(name: str) -> str:
    """A file's absolute path, as a scenario from a file is stored (the name if none)."""
    try:
        return str(Path(name).expanduser().resolve())
    except (OSError, ValueError, RuntimeError):
        return name


def _connect(path: Path, busy_seconds: float, mode: str = "rwc") -> sqlite3.Connection:
    uri = f"file:{_uri_path(path)}?mode={mode}"
    # Autocommit: transactions are explicit (BEGIN IMMEDIATE), so a writer takes its lock
    # at the start and waits there, never half-way (where SQLite cannot wait, only fail).
    connection = sqlite3.connect(
        uri, uri=True, timeout=busy_seconds, isolation_level=None, check_same_thread=False
    )
    connection.row_factory = sqlite3.Row
    return connection


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()), safe="/")


def _prepare(path: Path, busy_seconds: float) -> sqlite3.Connection:
    """A connection to a usable history at `path` (made if empty), WAL mode on. _Unusable
    for a file to set aside; HistoryError if there can be no database there; a busy
    OperationalError to be retried."""
    if not _sqlite_header(path):  # before SQLite looks: it would delete the file's -wal
        raise _Unusable("corrupt", "is not a database")
    try:
        connection = _connect(path, busy_seconds)
    except sqlite3.Error as error:
        raise HistoryError(f"cannot open {path}: {error}") from None
    try:
        _check_schema(connection, create=False)  # a file to set aside is left as it was
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise HistoryError(f"{path}: cannot use write-ahead logging (journal mode {mode})")
        # In WAL mode NORMAL loses no transaction when the app crashes or is killed, only
        # (maybe the last ones) when the machine loses power; and it spares an fsync a write.
        connection.execute("PRAGMA synchronous = NORMAL")
        _check_schema(connection, create=True)
    except sqlite3.Error as error:
        connection.close()
        _raise_classified(error, path)
    except BaseException:
        connection.close()
        raise
    return connection


def _sqlite_header(path: Path) -> bool:
    """Whether the file is empty, absent or starts as an SQLite database does. A file that
    does not is set aside untouched, with its -wal: opened, SQLite would delete that."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(16)
    except FileNotFoundError:
        return True
    except OSError:
        return True  # unreadable: connecting will say why
    return not start or start == b"SQLite format 3\x00"


def _raise_classified(error: sqlite3.Error, path: Path) -> None:
    """Busy: raise it again (to be retried); damaged or not a database: _Unusable; anything
    else (a read-only file, a full disk): HistoryError, with the reason."""
    if _is_busy(error):
        raise error
    if _is_corrupt(error):
        raise _Unusable("corrupt", f"is damaged or not a database ({error})") from None
    raise HistoryError(f"cannot use {path}: {error}") from None


def _check_schema(connection: sqlite3.Connection, *, create: bool) -> None:
    """Check that the database is ours and not newer (_Unusable if not) before anything is
    written to it; then, if `create`, make the schema in an empty one."""
    with _transaction(connection, immediate=False):
        empty = _schema_version(connection) is None
    if empty and create:
        with _transaction(connection):  # a writer's lock: another instance may be here too
            if _schema_version(connection) is None:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute("INSERT INTO schema (version) VALUES (?)", (SCHEMA_VERSION,))


def _schema_version(connection: sqlite3.Connection) -> int | None:
    """The schema version of our database, None for an empty one; _Unusable for one that is
    not ours or is newer."""
    listed = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    tables = {row[0] for row in listed}
    if not tables - {"sqlite_sequence"}:
        return None
    if not {"schema", "runs"} <= tables:
        raise _Unusable("corrupt", "is not a trainlab run history")
    row = connection.execute("SELECT max(version) FROM schema").fetchone()
    version = row[0] if row else None
    if not isinstance(version, int):
        raise _Unusable("corrupt", "has no schema version")
    if version > SCHEMA_VERSION:
        raise _Unusable(
            "newer",
            f"was written by a newer trainlab (schema version {version}; this one "
            f"knows version {SCHEMA_VERSION})",
        )
    return version


def _is_busy(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(error)


def _is_corrupt(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection, *, immediate: bool = True) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:  # retried from the start, nothing half-done
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise


def _retrying(action: Callable[[], Any], seconds: float) -> Any:
    """`action()`, tried again with growing pauses while the database is locked by another
    instance (beyond SQLite's own busy timeout), for up to `seconds`."""
    deadline = time.monotonic() + seconds
    pause = 0.01
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause * (0.5 + random.random()))  # jitter: two waiters do not collide again
        pause = min(pause * 2, 1.0)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold a lock beside the database while it is checked and, maybe, set aside: without
    it a second instance could take the fresh file the first just made for the bad one."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    try:
        handle = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115
    except OSError:  # a read-only folder: the open that follows will say what is wrong
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _set_aside_telling(path: Path, kind: str, reason: str) -> HistoryNotice:
    """Set the database aside; what tells the user."""
    aside = _set_aside(path, kind)
    return HistoryNotice(
        f"The run history {path} {reason}; it was moved to {aside.name} beside it, "
        "and a new history was started.",
        "history_set_aside",
        where=str(path),
        problem=reason,
        aside=aside.name,
    )


def _intact(path: Path) -> bool:
    """Whether SQLite's quick check finds the database sound (False if it cannot look)."""
    try:
        connection = _connect(path, BUSY_SECONDS, mode="rw")
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return [tuple(row) for row in rows] == [("ok",)]


def _set_aside(path: Path, kind: str) -> Path:
    """Rename the database (and its -wal and -shm files, which belong to it: left in place
    they would be replayed into the fresh one) to an unused name beside it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.{kind}-{stamp}")
    number = 1
    while any(Path(f"{aside}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        aside = path.with_name(f"{path.name}.{kind}-{stamp}.{number}")
        number += 1
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            try:
                os.rename(source, f"{aside}{suffix}")
            except OSError as error:
                raise HistoryError(
                    f"the run history {path} cannot be used and cannot be moved aside "
                    f"({error.strerror})"
                ) from None
    return aside


def _timestamp(when: datetime | None) -> str:
    when = datetime.now(UTC) if when is None else when
    if when.tzinfo is None:  # a naive time is the user's local time
        when = when.astimezone()
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def _row(record: Record, stamp: str) -> dict[str, Any]:
    metrics = {name: _finite(record.metrics.get(name, math.nan)) for name in METRICS}
    history = {
        name: [_finite(value) for value in np.asarray(values).tolist()]
        for name, values in (record.history or {}).items()
    }
    return {
        "recorded_at": stamp,
        "session": record.session,
        "scenario": record.scenario,
        "preset": record.preset,
        "title": record.title,
        "run": record.run,
        "differs": record.differs,
        "summary": record.summary or describe(record.config),
        "seed": int(record.seed),
        "status": record.status,
        "ended_step": int(record.ended_step),
        **metrics,
        "config": json.dumps(_strict(record.config), allow_nan=False),
        "changes": json.dumps(_strict(list(record.changes)), allow_nan=False),
        "history": zlib.compress(json.dumps(history, allow_nan=False).encode("utf-8")),
    }


def _record(row: sqlite3.Row, with_history: bool) -> Record:
    history = None
    if with_history:
        columns = json.loads(zlib.decompress(row["history"]))
        history = {
            name: np.array(
                [math.nan if value is None else value for value in values],
                dtype=_column_dtype(name),
            )
            for name, values in columns.items()
        }
    metrics = {
        name: (math.nan if row[name] is None else row[name])
        if name not in INTEGER_COLUMNS
        else (0 if row[name] is None else int(row[name]))
        for name in METRICS
    }
    return Record(
        scenario=row["scenario"],
        preset=row["preset"],
        title=row["title"],
        run=row["run"],
        config=json.loads(row["config"]),
        seed=row["seed"],
        changes=tuple(json.loads(row["changes"])),
        status=row["status"],
        ended_step=row["ended_step"],
        metrics=metrics,
        history=history,
        differs=row["differs"],
        summary=row["summary"],
        when=row["recorded_at"],
        session=row["session"],
        id=row["id"],
    )


def _column_dtype(name: str) -> type:
    return np.int64 if name in ("step", "samples_seen") else np.float64


def _finite(value: Any) -> Any:
    """JSON and SQLite have no NaN: None (null, NULL) stands for 'no value'."""
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def _strict(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _strict(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(item) for item in value]
    if isinstance(value, np.ndarray):
        return _strict(value.tolist())
    return _finite(value)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- the app's recorder --------------------------------------------------------------------


class Recorder:
    """What the app holds to record its runs: `record` on a snapshot whenever a run
    finishes and when the session ends; it returns at once, a thread writes.

    A run recorded again keeps its row, brought up to date, as long as it is the same run
    gone on (same name, same start config and seed, its earlier live changes still its
    first ones, not fewer steps); otherwise (reset and changed, or reset and trained
    differently) it is a run of its own, a new row. A reset run trained again exactly as
    before is, trainlab being deterministic, the same run: no second row.

    Problems (a database set aside, a folder that cannot be written) are passed to
    `notify` as a HistoryNotice each (str() is its English sentence), from the writer
    thread; recording then goes on where it can, and never raises into the app."""

    def __init__(
        self,
        scenario: str,
        *,
        title: str = "",
        preset: str | None = None,
        path: str | Path | None = None,
        notify: Callable[[HistoryNotice], None] | None = None,
    ) -> None:
        self.scenario, self.title, self.preset = scenario, title, preset
        self.path = Path(path) if path is not None else default_path()
        self.notify = notify or (lambda message: None)
        self.session = uuid.uuid4().hex
        self._rows: dict[str, tuple[int, Record]] = {}  # run name → its row and what it holds
        self._queue: queue.SimpleQueue[list[Record] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._continuing = False  # a session's earlier rows to take up at the first write

    def continue_session(self, session: str) -> None:
        """Record as session `session` (an app session brought back: tui/session.py), whose
        runs recorded before are brought up to date rather than recorded again."""
        self.session = session
        self._continuing = True

    @classmethod
    def for_preset(cls, preset: Any, **options: Any) -> Recorder:
        """A recorder for a presets.Preset (what the app has open)."""
        scenario, name, title = scenario_of(preset)
        return cls(scenario, title=title, preset=name, **options)

    def record(
        self,
        snapshot: Snapshot,
        configs: Iterable[RunConfig] | Mapping[str, RunConfig],
        *,
        stopped: bool = True,
    ) -> None:
        """Record the snapshot's runs that have trained (see records_from; `stopped=False`
        records only finished and diverged runs). Returns at once."""
        records = records_from(
            snapshot,
            configs,
            scenario=self.scenario,
            title=self.title,
            preset=self.preset,
            session=self.session,
            stopped=stopped,
        )
        if records:
            self._enqueue(records)

    def prepare(self) -> None:
        """Open the database now, in the background (a bad one is set aside and `notify`
        told), rather than at the first record: for an app that wants to say so at start."""
        self._enqueue([])

    def _enqueue(self, records: list[Record]) -> None:
        with self._lock:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._write_all, name="trainlab-history", daemon=True
                )
                self._thread.start()
            self._queue.put(records)

    def close(self, timeout: float | None = 5.0) -> bool:
        """Write what is queued, then stop; whether all was written within `timeout`."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is None:
            return True
        self._queue.put(None)
        thread.join(timeout)
        return not thread.is_alive()

    def _write_all(self) -> None:
        store: HistoryStore | None = None
        while (batch := self._queue.get()) is not None:
            try:
                store = self._write(store, batch)
            except (HistoryError, sqlite3.Error, OSError) as error:
                self.notify(
                    HistoryNotice(
                        f"Runs could not be recorded in the history {self.path}: {error}",
                        "history_unwritable",
                        where=str(self.path),
                        problem=str(error),
                    )
                )
                if store is not None:
                    store.close()
                store = None  # opened again (a bad file set aside) for the next batch
        if store is not None:
            store.close()

    def _open(self) -> HistoryStore:
        store = HistoryStore.open(self.path)
        for notice in store.notices:
            self.notify(notice)
        if self._continuing:
            self._continuing = False
            for record in reversed(store.runs(session=self.session)):  # the newest wins
                if record.id is not None:
                    self._rows[record.run] = (record.id, record)
        return store

    def _write(self, store: HistoryStore | None, batch: list[Record]) -> HistoryStore:
        """Write a batch (each run's own row brought up to date, or a new one); the store
        to write the next batch to."""
        store = store or self._open()
        items = []
        for record in batch:
            previous = self._rows.get(record.run)
            if previous is not None and _same_state(previous[1], record):
                continue  # recorded as it is already
            row_id = previous[0] if previous and _goes_on(previous[1], record) else None
            items.append((row_id, record))
        if not items:
            return store
        try:
            ids = store.save(items)
        except sqlite3.DatabaseError as error:
            if not _is_corrupt(error):
                raise
            store.close()  # damaged under us: set it aside, write the batch to a fresh one
            with _file_lock(self.path):
                if not _intact(self.path):  # unless another instance set it aside already
                    self.notify(_set_aside_telling(self.path, "corrupt", f"is damaged ({error})"))
            store = self._open()
            ids = store.save([(None, record) for _, record in items])
        for row_id, (_, record) in zip(ids, items, strict=True):
            self._rows[record.run] = (row_id, record)
        return store


def _goes_on(before: Record, now: Record) -> bool:
    """Whether `now` is the run recorded as `before`, trained further."""
    return (
        before.config == now.config
        and before.changes == now.changes[: len(before.changes)]
        and now.metrics["step"] >= before.metrics["step"]
    )


def _same_state(before: Record, now: Record) -> bool:
    return (
        _goes_on(before, now)
        and now.metrics["step"] == before.metrics["step"]
        and now.status == before.status
        and len(now.changes) == len(before.changes)
    )
