"""A comparison saved to one file and brought back, to go on bit for bit.

Replaying a session's steps would give the same runs (training is deterministic), but an
hour of training takes a while to replay; a checkpoint holds what the next step depends on
instead: parameters, optimizer state, batch-norm statistics, random streams, the place in
the epoch, and every run's history. One NumPy .npz file: the arrays, and the rest as JSON
in `meta`. Written to a temporary file and renamed, so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from nn.comparison import Comparison
from nn.data import Dataset
from nn.errors import Explained

VERSION = 1


class CheckpointError(Explained, ValueError):
    """A checkpoint file cannot be read back: corrupt, truncated or of a newer version."""


def save(comparison: Comparison, path: str | Path, extra: dict[str, Any] | None = None) -> None:
    """Write the comparison's state to `path` atomically (temp file, then rename), with
    `extra`: plain data of the caller's (JSON), which `read` gives back."""
    meta, arrays = comparison.state()
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            text = json.dumps({"version": VERSION, **meta, "extra": extra or {}})
            np.savez(handle, meta=np.array(text), **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def load(path: str | Path, dataset: Dataset | None = None) -> Comparison:
    """The comparison saved at `path` (CheckpointError if it cannot be read back)."""
    return read(path, dataset)[0]


def read(path: str | Path, dataset: Dataset | None = None) -> tuple[Comparison, dict[str, Any]]:
    """The comparison saved at `path` and the caller's `extra` saved with it."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            arrays = {name: stored[name] for name in stored.files if name != "meta"}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise CheckpointError(
            f"{path}: not a readable checkpoint ({error})",
            "checkpoint_unreadable",
            where=str(path),
            problem=str(error),
        ) from None
    version = meta.pop("version", None)
    extra = meta.pop("extra", {})
    if version != VERSION:
        raise CheckpointError(
            f"{path}: a checkpoint of version {version}; this trainlab reads version {VERSION}",
            "checkpoint_version",
            where=str(path),
            version=version,
            supported=VERSION,
        )
    try:
        return Comparison.from_state(meta, arrays, dataset), extra
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(
            f"{path}: the checkpoint does not fit together ({error})",
            "checkpoint_mismatch",
            where=str(path),
            problem=str(error),
        ) from None
