"""A corpus of bad preset and config files, each with words its message must hold: opened
with `trainlab FILE` (tests/test_bad_input.py) and in the preset picker
(tests/ui/test_bad_files.py), every one is said, naming the file and the field, and
neither crashes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

PRESET = 'title = "x"\n[base]\nname = "a"\nlayers = [4]\nsteps = 5\n'


def text(content: str | bytes) -> Callable[[Path], Path]:
    """A maker of the file `bad.toml` with `content`."""

    def make(folder: Path) -> Path:
        path = folder / "bad.toml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return make


def folder_named_toml(folder: Path) -> Path:
    (folder / "bad.toml").mkdir()
    return folder / "bad.toml"


def npy_renamed_npz(folder: Path) -> Path:
    np.save(folder / "data.npy", np.zeros((5, 2)))
    (folder / "data.npy").rename(folder / "data.npz")
    return text('layers = [4]\n[data]\nname = "npz"\npath = "data.npz"\n')(folder)


def csv_with_a_hole(folder: Path) -> Path:
    (folder / "data.csv").write_text("a,b,label\n1,2,x\n3,,y\n", encoding="utf-8")
    return text('layers = [4]\n[data]\nname = "csv"\npath = "data.csv"\n')(folder)


FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "no such file": (lambda folder: folder / "bad.toml", "cannot read the file"),
    "a folder": (folder_named_toml, "cannot read the file"),
    "over 1 MB": (text("# " + "x" * (2 << 20) + "\n"), "at most 1 MB"),
    "not UTF-8": (text(b"\xff\xfe\x00bad"), "not UTF-8 text"),
    "a NUL in a string": (text('title = "x\x00"\n'), "Illegal character"),
    "a table left open": (text('title = "x"\n[base\n'), "not valid TOML: line 2"),
    "arrays nested 100,000 deep": (
        text("a = " + "[" * 100_000 + "]" * 100_000 + "\n"),
        "nested too deeply",
    ),
    "inline tables nested 50,000 deep": (
        text("a = " + "{b=" * 50_000 + "1" + "}" * 50_000 + "\n"),
        "nested too deeply",
    ),
    "an unknown key": (text("colour = 3\n[base]\nlayers = [4]\n"), "colour: unknown key"),
    "an unknown setting": (text(PRESET + "learning = 3\n"), "base.learning: unknown setting"),
    "layers not a list": (
        text(PRESET.replace("[4]", '"many"')),
        "base.layers: must be a list of sizes",
    ),
    "a layer of 0 units": (text(PRESET.replace("[4]", "[0]")), "base.layers: sizes must be"),
    "lr nan": (text(PRESET + "lr = nan\n"), "base.optimizer.lr: must be a finite number"),
    "lr inf": (text(PRESET + "lr = inf\n"), "base.optimizer.lr: must be a finite number"),
    "a negative seed": (text(PRESET + "seed = -1\n"), "base.seed: must be at least 0"),
    "a batch of 0": (text(PRESET + "batch_size = 0\n"), "base.batch_size: must be at least 1"),
    "an unknown activation": (text(PRESET + 'activation = "swish9"\n'), "base.activation"),
    "dropout of 1.5": (text(PRESET + "dropout = 1.5\n"), "base.dropout: must be less than 1"),
    "variants not a table": (text("variants = 3\n" + PRESET), "variants: must be a table"),
    "a negative pace": (text("pace = -3\n" + PRESET), "pace: must be a number"),
    "reached before the start": (text("reached = -4\n" + PRESET), "reached: must be"),
    "a timeline step before the start": (
        text(PRESET + "[[timeline]]\nstep = -3\nchange = { lr = 0.1 }\n"),
        "timeline[0].step",
    ),
    "a timeline lr in words": (
        text(PRESET + '[[timeline]]\nstep = 3\nchange = { lr = "fast" }\n'),
        "timeline[0].change.lr: must be a number",
    ),
    "a timeline change that cannot be live": (
        text(PRESET + "[[timeline]]\nstep = 3\nchange = { layers = [3] }\n"),
        "timeline[0].change.layers: cannot change while training",
    ),
    "a timeline for no such run": (
        text(PRESET + '[[timeline]]\nstep = 3\nrun = "zz"\nchange = { lr = 0.1 }\n'),
        "timeline[0].run: no run named 'zz'",
    ),
    "a timeline event of nothing": (
        text(PRESET + "[[timeline]]\nstep = 3\n"),
        "timeline[0]: an event needs a change",
    ),
    "a config of a billion steps": (text("steps = 1000000000\n"), "steps: at most 10,000,000"),
    "a generated set of 1e8 samples": (
        text('[data]\nname = "spiral"\nsamples = 100000000\n'),
        "data.samples: at most 1,000,000",
    ),
    "negative samples": (
        text('[data]\nname = "spiral"\nsamples = -5\n'),
        "data.samples: must be at least 4",
    ),
    "a data file that is not there": (
        text('[data]\nname = "csv"\npath = "nothere.csv"\n'),
        "nothere.csv: file not found",
    ),
    "an .npy renamed .npz": (npy_renamed_npz, "holds a single array"),
    "a CSV with a hole": (csv_with_a_hole, "data.csv line 3, column 'b'"),
}
