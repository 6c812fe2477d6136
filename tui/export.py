"""Files written for the user: the runs' results and curves (the format of `trainlab run
--json/--csv`, which the app's export writes too), a chart as text or SVG, and the paths a
student types for them, checked with a message for each way a path can be wrong.

One module for both: `trainlab run` and the app write the same rows, the same CSV, the same
JSON, so that a file from either reads the same.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import threading
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from nn.errors import Explained
from nn.snapshot import DIVERGED, RunSnapshot, Snapshot

# The columns of the CSV: every run's metrics at every point of its history.
CSV_FIELDS = ("step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")


class WriteError(Explained, OSError):
    """A path the user typed that cannot be written; the message names it and says why."""


# -- what is written ----------------------------------------------------------------------------


def run_row(run: RunSnapshot, training_seconds: float) -> dict[str, Any]:
    """A run's line of the report. Losses are the data loss; an L1/L2 penalty is apart.
    A diverged run has no loss and no rate (it stopped early): None, null in JSON."""
    has_rate = run.status != DIVERGED and training_seconds > 0
    return {
        "name": run.name,
        "differs": run.differences,
        "step": run.step,
        "epoch": round(run.epoch, 3),
        "train_loss": finite(run.train_loss),
        "train_accuracy": finite(run.train_accuracy),
        "test_loss": finite(run.test_loss),
        "test_accuracy": finite(run.test_accuracy),
        "train_r2": finite(run.train_r2),  # regression only (accuracy is for classes)
        "test_r2": finite(run.test_r2),
        "penalty": finite(run.penalty),
        "status": run.status_text,
        "steps_per_second": run.step / training_seconds if has_rate else None,
    }


def finite(value: float) -> float | None:
    """JSON has no NaN or infinity: a strict reader (a browser's JSON.parse) rejects them."""
    return value if math.isfinite(value) else None


def json_text(target: str, snapshot: Snapshot, training_seconds: float) -> str:
    """The results as `trainlab run --json` writes them: the runs, and the live changes as
    they were applied (a preset's timeline and the student's own)."""
    changes = [
        {"step": c.step, "run": c.run, "setting": c.setting, "old": c.old, "new": c.new}
        for c in snapshot.changes
    ]
    document = {
        "target": target,
        "training_seconds": training_seconds,
        "runs": [run_row(run, training_seconds) for run in snapshot.runs],
        "changes": changes,
    }
    return json.dumps(document, indent=2, allow_nan=False, default=_plain) + "\n"


def _plain(value: Any) -> Any:
    """A live change's value that JSON lacks a form for (a tuple is a list already)."""
    return str(value)


def csv_text(snapshot: Snapshot) -> str:
    """Every run's metrics at every snapshot, one row each."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(("run", *CSV_FIELDS))
    for run in snapshot.runs:
        columns = [getattr(run.history, name) for name in CSV_FIELDS]
        for values in zip(*columns, strict=True):
            writer.writerow((run.name, *(f"{v:.6g}" for v in values)))
    return out.getvalue()


def training_seconds(snapshot: Snapshot) -> float:
    """Seconds of training the runs took: the longest run's (they train side by side)."""
    seconds = [float(run.history.seconds[-1]) for run in snapshot.runs if len(run.history.step)]
    return max(seconds, default=0.0)


def chart_svg(picture: Text, width: int, title: str) -> str:
    """A chart's picture (as drawn on screen, colours and all) as an SVG image."""
    console = Console(
        record=True, width=max(width, 20), file=io.StringIO(), color_system="truecolor"
    )
    console.print(picture, crop=False, soft_wrap=False)
    return console.export_svg(title=title)


# -- where it is written -------------------------------------------------------------------------


def target(typed: str, kinds: tuple[str, ...]) -> Path:
    """The file a student typed, if it can be written: WriteError otherwise (no path, a
    folder, a folder that is not there, a device or a pipe, a kind of file not in `kinds`:
    endings such as ".csv"). `~` is the home folder; a relative path is from the folder
    trainlab was started in."""
    text = typed.strip()
    if not text:
        raise WriteError("give the path of a file", "path_empty")
    path = Path(text).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    where = str(path)
    if path.is_dir():
        raise WriteError(f"{where} is a folder; give a file's path", "path_folder", where=where)
    if not path.parent.is_dir():
        folder = str(path.parent)
        raise WriteError(
            f"{where}: there is no folder {folder}", "path_no_folder", where=where, folder=folder
        )
    if path.exists() and not path.is_file():
        raise WriteError(
            f"{where} is not a regular file (a device or a pipe, say)",
            "path_not_file",
            where=where,
        )
    suffix = path.suffix.lower()
    if suffix not in kinds:
        names = ", ".join(kinds)
        if not suffix:
            raise WriteError(
                f"{where}: the name has no ending; give a name ending in {names}",
                "path_no_kind",
                where=where,
                kinds=names,
            )
        raise WriteError(
            f"{where}: a {suffix} file cannot be written; give a name ending in {names}",
            "path_kind",
            where=where,
            suffix=suffix,
            kinds=names,
        )
    return path


def write(path: Path, text: str) -> None:
    """Write `text` to `path` (see `write_atomically`); WriteError saying why not."""
    try:
        write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        where, strerror = str(path), error.strerror or str(error)
        raise WriteError(
            f"cannot write {where}: {strerror}",
            "path_unwritable",
            where=where,
            strerror=strerror,
        ) from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that the file is always whole: the old one or the new one
    (a temporary file beside it, flushed to disk, then renamed over it). Only for regular
    files (`target` refuses the others): a rename would replace a device."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
