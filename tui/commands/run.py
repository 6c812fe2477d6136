"""`trainlab run`: train a scenario without a screen and print what happened.

Everything the app shows, the core can compute alone; this command proves it (the playing
is presets.player's; here are the progress bar, the table and the JSON/CSV files). Exit
status 0 on success, 2 on bad input (the message names the file and the field), 1 on
an internal error.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from nn.config import ConfigError
from nn.data import DataError
from nn.snapshot import Snapshot
from presets.loader import PresetError, load_scenario, located
from presets.player import play
from tui.export import csv_text, json_text, run_row

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


class Progress:
    """A progress bar with ETA on a terminal; a plain line every 10 % otherwise."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.total = out, 1
        self.tty = out.isatty()
        self.start = time.perf_counter()
        self.last_tenth = -1

    def update(self, step: int, total: int) -> None:
        self.total = max(total, 1)
        fraction = min(step / self.total, 1.0)
        elapsed = time.perf_counter() - self.start
        eta = elapsed / fraction - elapsed if fraction > 0 else float("nan")
        if self.tty:
            filled = int(fraction * 30)
            bar = "█" * filled + "·" * (30 - filled)
            self.out.write(
                f"\r{bar} {fraction:4.0%}  step {step}/{self.total}  ETA {_duration(eta)} "
            )
        elif int(fraction * 10) > self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self.out.write(f"step {step}/{self.total} ({fraction:.0%}), ETA {_duration(eta)}\n")
        self.out.flush()

    def finish(self) -> None:
        if self.tty:
            self.out.write("\n")


def _duration(seconds: float) -> str:
    if seconds != seconds:  # NaN: not known yet
        return "?"
    return f"{seconds:.0f}s" if seconds < 90 else f"{seconds / 60:.1f}min"


def _cell(value: object, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def print_table(rows: list[dict[str, object]], out: TextIO) -> None:
    with_penalty = any(row["penalty"] for row in rows)  # a column only where L1/L2 is on
    regression = any(row["test_r2"] is not None for row in rows)
    score, name, spec = ("r2", "R²", ".3f") if regression else ("accuracy", "acc", ".1%")
    headers = ("run", "differs", "steps", "train loss", f"train {name}", "test loss")
    headers += (f"test {name}",) + (("penalty",) if with_penalty else ()) + ("status", "steps/s")
    lines = [
        (
            str(row["name"]),
            str(row["differs"]),
            str(row["step"]),
            _cell(row["train_loss"], ".4f"),
            _cell(row[f"train_{score}"], spec),
            _cell(row["test_loss"], ".4f"),
            _cell(row[f"test_{score}"], spec),
            *((_cell(row["penalty"], ".4f"),) if with_penalty else ()),
            str(row["status"]),
            _cell(row["steps_per_second"], ".0f"),
        )
        for row in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    for line in (headers, *lines):
        out.write("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        out.write("\n")


def write_csv(snapshot: Snapshot, path: Path) -> None:
    """Every run's metrics at every snapshot, one row each (tui/export.py's CSV)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(csv_text(snapshot))


def run_command(
    target: str,
    steps: int | None = None,
    epochs: float | None = None,
    json_path: str | None = None,
    csv_path: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Train TARGET (a preset name, a preset file or a run config file) and report."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        if steps is not None and steps < 1:
            raise ConfigError("--steps", f"must be at least 1, got {steps}")
        if epochs is not None and not epochs > 0:
            raise ConfigError("--epochs", f"must be greater than 0, got {epochs}")
        preset = load_scenario(target)
        progress = Progress(out)
        snapshot, seconds = play(preset, steps, epochs, progress.update)
        progress.finish()
    except (PresetError, ConfigError, DataError) as error:
        err.write(f"trainlab run: {located(error, target)}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        err.write("\ntrainlab run: interrupted\n")
        return EXIT_INTERNAL
    except BrokenPipeError:  # `trainlab run … | head`: not our error; the caller handles it
        raise
    except Exception as error:  # a bug of ours, not bad input: say so plainly
        err.write(f"trainlab run: internal error: {type(error).__name__}: {error}\n")
        return EXIT_INTERNAL
    rows = [run_row(run, seconds) for run in snapshot.runs]
    print_table(rows, out)
    try:
        writing = json_path
        if json_path:
            text = json_text(target, snapshot, seconds)
            Path(json_path).write_text(text, encoding="utf-8")
        writing = csv_path
        if csv_path:
            write_csv(snapshot, Path(csv_path))
    except OSError as error:  # a full disk names no file: the one being written is known
        where = error.filename or writing
        err.write(f"trainlab run: cannot write {where}: {error.strerror}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK
