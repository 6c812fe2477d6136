"""Bad input anywhere gets a message that names the problem and the place, never a
traceback: a corpus of broken data files, configs and preset numbers, each run through
`trainlab run` (exit 2, one line on stderr naming the file)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tui.cli import main


def npy_named_npz(folder: Path) -> Path:
    path = folder / "data.npz"
    np.save(folder / "data.npy", np.zeros((5, 2)))
    (folder / "data.npy").rename(path)
    return path


def npz(folder: Path, **arrays: np.ndarray) -> Path:
    path = folder / "data.npz"
    np.savez(path, **arrays)
    return path


DATA_FILES = {
    "an .npy renamed .npz": (npy_named_npz, "holds a single array"),
    "an npz with no rows": (
        lambda f: npz(f, x=np.zeros((0, 2)), y=np.zeros(0, int)),
        "'x' has no rows",
    ),
    "samples with no features": (
        lambda f: npz(f, x=np.zeros((10, 0)), y=np.arange(10) % 2),
        "its samples have no features",
    ),
    "images with no pixels": (
        lambda f: npz(f, x=np.zeros((10, 0, 5)), y=np.arange(10) % 2),
        "its samples have no features",
    ),
    "a text file named .npz": (
        lambda f: (f / "data.npz").write_text("x,y\n1,2\n") and f / "data.npz",
        "not a readable .npz file",
    ),
    "an empty file": (lambda f: (f / "data.npz").write_bytes(b"") or f / "data.npz", "data.npz"),
}


@pytest.mark.parametrize("case", DATA_FILES)
def test_a_broken_data_file_is_named_not_a_traceback(tmp_path, capsys, case):
    make, words = DATA_FILES[case]
    make(tmp_path)
    config = tmp_path / "run.toml"
    config.write_text('layers = [4]\nsteps = 5\n[data]\nname = "npz"\npath = "data.npz"\n')
    assert main(["run", str(config)]) == 2
    err = capsys.readouterr().err
    assert words in err and "run.toml" in err and "Traceback" not in err


CONFIGS = {
    "a huge generated set is refused before it is drawn": (
        'steps = 5\n[data]\nname = "spiral"\nsamples = 100000000\n',
        "data.samples: at most 1,000,000",
    ),
    "a budget of a billion steps": ("steps = 1000000000\n", "steps: at most 10,000,000"),
    "a budget of a billion epochs": ("epochs = 1e9\n", "epochs: must be at most 100000"),
}


@pytest.mark.parametrize("case", CONFIGS)
def test_a_config_out_of_bounds_is_refused_with_its_field(tmp_path, capsys, case):
    text, words = CONFIGS[case]
    config = tmp_path / "run.toml"
    config.write_text(text)
    assert main(["run", str(config)]) == 2
    assert words in capsys.readouterr().err


PRESET = """
title = "Bounds"
[base]
name = "a"
layers = [4]
steps = 10
data = {{ name = "spiral", samples = 60 }}
[[claims]]
id = "1.1"
text = "bounded"
left = {left}
right = 1
"""

PRESET_NUMBERS = {
    "a path of 1e8 updates": (
        '{ metric = "sign_changes", path = { optimizer = "sgd", lr = 0.1, steps = 100000000 } }',
        "claims[0].left.path.steps: at most 10,000 updates",
    ),
    "an epoch before the start": (
        '{ run = "a", metric = "train_loss", at_epoch = -1 }',
        "claims[0].left.at_epoch: must be between 0 and",
    ),
}


@pytest.mark.parametrize("case", PRESET_NUMBERS)
def test_a_preset_number_out_of_bounds_is_refused_with_its_key(tmp_path, capsys, case):
    left, words = PRESET_NUMBERS[case]
    preset = tmp_path / "mine.toml"
    preset.write_text(PRESET.format(left=left))
    assert main(["check", str(preset)]) == 2
    err = capsys.readouterr().err
    assert "mine.toml" in err and words in err


def test_a_full_disk_names_the_file_being_written(capsys):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    assert main(["run", "default", "--steps", "3", "--csv", "/dev/full"]) == 2
    assert "cannot write /dev/full: No space left on device" in capsys.readouterr().err
