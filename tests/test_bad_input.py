"""Bad input anywhere gets a message that names the problem and the place, never a
traceback: a corpus of broken data files, configs and preset numbers, each run through
`trainlab run` (exit 2, one line on stderr naming the file); bad files given to the app
itself and to `--resume`; and the real app, in a pseudo-terminal, under signals, a dropped
line, a storm of resizes and a burst of keys (it ends as it should, and says how)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import numpy as np
import pytest
from bad_files import FILES
from pty_app import FIRST_FRAME, PtyApp

from tui.cli import main
from tui.history import HistoryStore


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


# -- the app's entry point: `trainlab FILE` and `trainlab --resume` ---------------------------


@pytest.mark.parametrize("case", FILES)
def test_a_bad_file_given_to_the_app_is_said_with_its_field_and_exit_2(tmp_path, capsys, case):
    make, words = FILES[case]
    path = make(tmp_path)
    assert main([str(path)]) == 2  # said before the app opens: the terminal is untouched
    err = capsys.readouterr().err
    assert err.startswith("trainlab: ") and words in err and "Traceback" not in err
    assert path.name in err


def test_resume_with_no_session_says_where_it_looked(capsys) -> None:
    assert main(["--resume"]) == 2
    assert "no session to resume in" in capsys.readouterr().err


def test_resume_takes_no_preset(capsys) -> None:
    assert main(["--resume", "default"]) == 2
    assert "it takes no preset (got 'default')" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content",
    [b"{ damaged", b"\xff\xfe", b"[" * 100_000, b'{"format": "trainlab-session", "version": 9}'],
    ids=["not JSON", "not UTF-8", "nested too deeply", "a newer trainlab's"],
)
def test_resume_sets_a_bad_session_aside_and_says_so(tmp_path, monkeypatch, capsys, content):
    monkeypatch.setenv("TRAINLAB_STATE", str(tmp_path))
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / "20260101-000000-abcdef.json").write_bytes(content)
    assert main(["--resume"]) == 2
    err = capsys.readouterr().err
    assert "set aside as 20260101-000000-abcdef.json." in err and "no session to resume" in err
    (aside,) = folder.iterdir()
    assert aside.read_bytes() == content  # kept as it was, for whoever wants to look


# -- the real app in a terminal: signals, a dropped line, resize storms, key bursts ------------

PLAYING = """
title = "Bad input"
[base]
name = "a"
layers = [8]
batch_size = 16
steps = 10000000
data = { name = "spiral", samples = 150 }
[variants.b]
activation = "tanh"
"""

# What Textual writes to give the terminal back: bracketed paste and mouse reporting off,
# the alternate screen left, the cursor shown again.
RESTORED = (b"\x1b[?2004l", b"\x1b[?1000l", b"\x1b[?1049l", b"\x1b[?25h")


@pytest.fixture
def playing(tmp_path: Path):
    """The app on a scenario that never ends during a test, training, and its session."""
    preset = tmp_path / "playing.toml"
    preset.write_text(PLAYING, encoding="utf-8")
    env = {"TRAINLAB_STATE": str(tmp_path / "state"), "TRAINLAB_HISTORY": str(tmp_path / "h.db")}
    folder = tmp_path / "state" / "sessions"

    def session() -> dict:
        files = list(folder.glob("*.json"))
        return json.loads(files[0].read_text(encoding="utf-8")) if files else {}

    with PtyApp(str(preset), env=env) as app:
        app.wait_for_output(FIRST_FRAME)
        app.press(" ")
        app.wait_until(lambda: session().get("step", 0) > 0, "training to start")
        yield app, session


def test_sigterm_keeps_the_session_gives_the_terminal_back_and_exits_143(playing, tmp_path) -> None:
    app, session = playing
    before = len(app.output)
    app.send(signal.SIGTERM)
    assert app.wait() == 128 + signal.SIGTERM
    tail = bytes(app.output[before:])
    for sequence in RESTORED:
        assert sequence in tail, sequence
    assert session()["ended"] == "terminated"
    with HistoryStore.open(tmp_path / "h.db") as store:  # the runs, recorded as stopped
        assert {(record.run, record.status) for record in store.runs()} == {
            ("a", "stopped"),
            ("b", "stopped"),
        }


def test_a_dropped_line_keeps_the_session_and_exits_129(playing) -> None:
    app, session = playing
    app.hang_up()  # the terminal goes away: the kernel sends SIGHUP
    assert app.wait() == 128 + signal.SIGHUP
    assert session()["ended"] == "hangup" and session()["step"] > 0


def test_a_storm_of_resizes_while_training_leaves_the_app_answering_q(playing) -> None:
    """30 resizes between 130×45 and 70×20 (below the 80×24 the app needs), read between as
    a terminal would: the app must still draw, and quit on q (it once looped for ever)."""
    app, session = playing
    for number in range(30):
        app.resize(*((70, 20) if number % 2 else (130, 45)))
        app.read(0.1)
    since = len(app.output)
    app.resize(120, 40)
    app.wait_for_output(FIRST_FRAME, since)  # laid out again at the final size
    app.press("q")
    assert app.wait() == 0
    assert session()["ended"] == "quit"


def test_a_burst_of_every_training_key_while_training_ends_cleanly_on_q(playing) -> None:
    app, session = playing
    app.press("s]]][[[aaxxdddooollLXmm12345 " * 8)  # all at once, as a held key repeats
    since = len(app.output)
    app.resize(121, 40)  # a redraw to wait for: the keys before it have been handled
    app.wait_for_output(FIRST_FRAME, since)
    app.press("q")
    assert app.wait() == 0
    kept = session()
    assert kept["ended"] == "quit" and kept["events"]  # the changes it made were kept
