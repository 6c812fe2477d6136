"""`trainlab history`: the runs of earlier sessions, from the run history (tui/history.py).

A reader only: it never creates, changes or sets aside the database, so that looking
cannot cost a student a record. A database it cannot read is reported (exit 2); the app
sets such a file aside the next time it records. Exit status 0, or 2 for bad arguments or
an unreadable database.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from nn.config import dumps_toml
from tui.history import HistoryError, HistoryStore, Record, default_path

EXIT_OK, EXIT_BAD = 0, 2
AGE = re.compile(r"(\d+)\s*([hdw])")
AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
SINCE_FORMS = (
    "a date (2026-11-30), a time (2026-11-30T14:00), today, yesterday, or an age (3d, 12h, 2w)"
)


class BadArgument(ValueError):
    pass


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """--since: a local date or time, today/yesterday, or an age back from now."""
    now = (now or datetime.now()).astimezone()
    word = text.strip().lower()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if word == "today":
        return midnight
    if word == "yesterday":
        return midnight - timedelta(days=1)
    match = AGE.fullmatch(word)
    if match:
        return now - timedelta(**{AGE_UNITS[match[2]]: int(match[1])})
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadArgument(f"--since: expected {SINCE_FORMS}; got {text!r}") from None
    return when if when.tzinfo else when.astimezone()  # a naive time is local


def history_command(
    *,
    db: str | None = None,
    preset: str | None = None,
    run: str | None = None,
    since: str | None = None,
    last: int | None = None,
    status: str | None = None,
    show: int | None = None,
    as_json: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    path = Path(db).expanduser() if db else default_path()
    try:
        if last is not None and last < 1:
            raise BadArgument(f"--last: must be at least 1, got {last}")
        if show is not None and any(v is not None for v in (preset, run, since, last, status)):
            raise BadArgument("--show ID shows one run: it takes no filters")
        since_time = parse_since(since) if since is not None else None
        store = HistoryStore.read(path)
    except (BadArgument, HistoryError) as error:
        err.write(f"trainlab history: {error}\n")
        return EXIT_BAD
    if store is None:  # nothing recorded yet: no file is made by looking
        return _nothing_yet(path, show, as_json, out, err)
    with store:
        try:
            if show is not None:
                record = store.get(show)
                if record is None:
                    err.write(f"trainlab history: no run #{show} in {path}\n")
                    return EXIT_BAD
                if as_json:
                    out.write(json.dumps(record.to_json(), indent=2, allow_nan=False) + "\n")
                else:
                    print_record(record, out)
                return EXIT_OK
            records = store.runs(
                preset=preset,
                run=run,
                since=since_time,
                status=status,
                last=last,
                histories=as_json,
            )
            total = store.count()
        except Exception as error:  # damaged pages found while reading, a vanished file
            err.write(f"trainlab history: cannot read {path}: {error}\n")
            return EXIT_BAD
    if as_json:
        out.write(json.dumps([r.to_json() for r in records], allow_nan=False) + "\n")
    elif records:
        print_list(records, out)
    elif total == 0:
        return _nothing_yet(path, None, False, out, err)
    else:
        out.write(f"No run matches; the history holds {total} run{'s' * (total != 1)}.\n")
    return EXIT_OK


def _nothing_yet(path: Path, show: int | None, as_json: bool, out: TextIO, err: TextIO) -> int:
    if show is not None:
        err.write(f"trainlab history: no run #{show}: the history {path} is empty\n")
        return EXIT_BAD
    if as_json:
        out.write("[]\n")
        return EXIT_OK
    out.write(
        f"No runs in the history yet ({path}).\n"
        "Every run that finishes or stops in the app is recorded there: start 'trainlab', "
        "press space to train, and quit with q when you like.\n"
    )
    return EXIT_OK


def _line_cells(record: Record) -> tuple[str, ...]:
    return (
        str(record.id),
        record.local_time().strftime("%Y-%m-%d %H:%M"),
        record.preset,
        record.run,
        record.summary,
        record.ended,
        record.score,
    )


HEADERS = ("id", "when", "scenario", "run", "what it was", "ended", "test")
SQUEEZABLE = 4  # "what it was" makes way on a narrow terminal


def print_list(records: list[Record], out: TextIO) -> None:
    """One line a run, newest first, in aligned columns. On a terminal too narrow for the
    lines, the description is cut (…); into a pipe or a file, lines are whole."""
    rows = [_line_cells(record) for record in records]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(HEADERS)]
    if out.isatty():
        spare = shutil.get_terminal_size().columns - (sum(widths) + 2 * (len(widths) - 1))
        if spare < 0:
            widths[SQUEEZABLE] = max(len(HEADERS[SQUEEZABLE]), widths[SQUEEZABLE] + spare)
    numeric = {0, 6}  # right-aligned: the id and the score
    for row in (HEADERS, *rows):
        cells = []
        for i, (cell, width) in enumerate(zip(row, widths, strict=True)):
            if len(cell) > width:
                cell = cell[: width - 1] + "…"
            cells.append(cell.rjust(width) if i in numeric else cell.ljust(width))
        out.write("  ".join(cells).rstrip() + "\n")


def print_record(record: Record, out: TextIO) -> None:
    """One run in detail: where it came from, what it was, how it ended, its live
    changes, the shape of its curves, and its config as it started (TOML)."""
    metrics = record.metrics
    score_name = "R²" if record.regression else "accuracy"
    score_key = "r2" if record.regression else "accuracy"

    def score(value: float) -> str:
        if math.isnan(value):
            return "—"
        return f"{value:.3f}" if record.regression else f"{value:.1%}"

    def number(value: float) -> str:
        return "—" if math.isnan(value) else f"{value:.4f}"

    lines = [
        f"Run #{record.id}: {record.run}, of {record.title!r} ({record.scenario})",
        f"  recorded    {record.local_time():%Y-%m-%d %H:%M:%S %Z}"
        + (f" (session {record.session[:8]})" if record.session else ""),
        f"  what        {record.summary}",
        f"  differs     {record.differs or '—'}",
        f"  seed        {record.seed}",
        f"  ended       {record.ended}: step {metrics['step']} of {metrics['budget']}, "
        f"epoch {metrics['epoch']:.2f}",
        f"  loss        train {number(metrics['train_loss'])}, test {number(metrics['test_loss'])}",
        f"  {score_name:<11} train {score(metrics[f'train_{score_key}'])}, "
        f"test {score(metrics[f'test_{score_key}'])}",
    ]
    if metrics["penalty"] and not math.isnan(metrics["penalty"]):
        lines.append(f"  penalty     {metrics['penalty']:.4f} (L1/L2, beside the loss)")
    if record.changes:
        lines.append("  changes     live, as they were made:")
        for change in record.changes:
            lines.append(
                f"    at step {change['step']}: {change['setting']} {change['old']} → "
                f"{change['new']}"
            )
    else:
        lines.append("  changes     none made live")
    history = record.history or {}
    steps = history.get("step")
    if steps is not None and len(steps):
        curve = history.get(f"test_{score_key}")
        shape = ""
        if curve is not None and len(curve):
            shape = f"; test {score_name} {score(float(curve[0]))} → {score(float(curve[-1]))}"
        lines.append(
            f"  curves      {len(steps)} points each, steps {steps[0]} … {steps[-1]}{shape}"
        )
    lines.append("  config as it started:")
    try:
        config_text = dumps_toml(record.config)
    except TypeError:  # a value TOML cannot hold: show it as JSON
        config_text = json.dumps(record.config, indent=2)
    lines.extend(f"    {line}" if line else "" for line in config_text.rstrip().splitlines())
    out.write("\n".join(lines) + "\n")
