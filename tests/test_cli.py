"""The `trainlab` command line: run, presets, help, and its exit codes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

SMALL_CONFIG = """
name = "mine"
layers = [8, 8]
optimizer = "adam"
lr = 0.01
steps = 60
[data]
name = "moons"
samples = 200
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(SMALL_CONFIG, encoding="utf-8")
    return path


def test_run_trains_a_config_and_prints_a_table(config_file, capsys):
    assert main(["run", str(config_file)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("run "))
    assert "test acc" in header and "steps/s" in header
    row = next(line for line in out.splitlines() if line.startswith("mine "))
    assert " 60 " in row and "done" in row


def test_run_writes_json_and_csv(config_file, tmp_path, capsys):
    json_path, csv_path = tmp_path / "out.json", tmp_path / "out.csv"
    code = main(
        ["run", str(config_file), "--steps", "30", "--json", str(json_path)]
        + ["--csv", str(csv_path)]
    )
    assert code == 0
    document = json.loads(json_path.read_text())
    (run,) = document["runs"]
    assert run["name"] == "mine" and run["step"] == 30 and run["status"] == "done"
    assert 0.0 <= run["test_accuracy"] <= 1.0
    rows = list(csv.DictReader(csv_path.open()))
    assert rows[0]["run"] == "mine"
    assert [int(r["step"]) for r in rows] == list(range(1, 31))  # a point per chunk of 1


def test_a_diverged_run_is_reported_in_strict_json_and_a_dash_in_the_table(tmp_path, capsys):
    preset = tmp_path / "wild.toml"
    preset.write_text(
        'title = "Wild"\n[base]\nname = "calm"\nlayers = [8]\nl2 = 0.01\nsteps = 30\n'
        '[base.data]\nname = "moons"\nsamples = 200\n'
        '[variants.wild]\nactivation = "linear"\noptimizer = "sgd"\nlr = 1e6\nl2 = 0.0\n',
        encoding="utf-8",
    )
    json_path = tmp_path / "out.json"
    assert main(["run", str(preset), "--json", str(json_path)]) == 0

    def no_nan(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    document = json.loads(json_path.read_text(), parse_constant=no_nan)
    runs = {r["name"]: r for r in document["runs"]}
    assert runs["wild"]["status"].startswith("diverged at step")
    assert runs["wild"]["train_loss"] is None and runs["wild"]["steps_per_second"] is None
    assert runs["calm"]["penalty"] > 0 and runs["calm"]["steps_per_second"] > 0
    table = capsys.readouterr().out
    assert "penalty" in table.splitlines()[-3]  # the header: L1/L2 is on for a run
    wild_row = table.splitlines()[-1]
    assert wild_row.startswith("wild ") and wild_row.rstrip().endswith("—")


def test_the_json_report_lists_the_timelines_live_changes(tmp_path, capsys):
    json_path = tmp_path / "out.json"
    assert main(["run", "learning-rate", "--json", str(json_path)]) == 0
    changes = json.loads(json_path.read_text())["changes"]
    assert changes == [
        {"step": 800, "run": "lr-0.0001", "setting": "lr", "old": 0.0001, "new": 0.1}
    ]


def test_run_on_a_terminal_draws_a_bar_with_an_eta(config_file, capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    main(["run", str(config_file)])
    out = capsys.readouterr().out
    last_frame = out.split("\n")[0].split("\r")[-1]  # the bar rewrites one line
    assert last_frame.startswith("█" * 30 + " 100%  step 60/60  ETA ")


def test_a_relative_data_path_is_taken_from_the_config_files_folder(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "project"
    folder.mkdir()
    rows = [f"{x},{y},{int(x > y)}" for x in range(10) for y in range(10)]
    (folder / "points.csv").write_text("a,b,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (folder / "mine.toml").write_text(
        'layers = [4]\nsteps = 10\n[data]\nname = "csv"\npath = "points.csv"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # not the config's folder
    assert main(["run", "project/mine.toml"]) == 0
    assert "done" in capsys.readouterr().out


def test_slow_snapshots_are_taken_less_often_than_every_chunk(config_file, monkeypatch):
    """Measuring may take a small share of the time only (MEASURING_SHARE): here, on a
    clock of the test's own, a snapshot costs a second and training nothing, so the
    history has the first chunk's point and the last."""
    from nn.comparison import Comparison
    from presets import load_scenario, play

    now = [0.0]
    snapshot = Comparison.snapshot

    def costly_snapshot(self, *args, **kwargs):
        now[0] += 1.0
        return snapshot(self, *args, **kwargs)

    monkeypatch.setattr(Comparison, "snapshot", costly_snapshot)
    final, _ = play(load_scenario(str(config_file)), clock=lambda: now[0])  # 60 steps, 60 chunks
    assert final.runs[0].history.step.tolist() == [1, 60]


def test_run_without_a_terminal_prints_plain_progress_lines(config_file, capsys):
    main(["run", str(config_file)])
    out = capsys.readouterr().out
    assert "\r" not in out
    assert "step 60/60 (100%)" in out


def test_epochs_override_the_budget(config_file, tmp_path, capsys):
    json_path = tmp_path / "out.json"
    assert main(["run", str(config_file), "--epochs", "2", "--json", str(json_path)]) == 0
    (run,) = json.loads(json_path.read_text())["runs"]
    assert run["epoch"] == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("layers = [8, -3]\n", "layers: sizes must be positive integers, got -3"),
        ("lr = 'fast'\n", "optimizer.lr: must be a number, got 'fast'"),
        ("batch = 3\n", "batch: unknown setting"),
        ("layers = [8\n", "not valid TOML"),
        ("[data]\nname = 'csv'\npath = 'nowhere.csv'\n", "nowhere.csv"),
    ],
)
def test_bad_input_exits_2_naming_the_file_and_field(tmp_path, capsys, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and expected in err


def test_unknown_preset_exits_2_and_lists_the_shipped_ones(capsys):
    assert main(["run", "no-such-preset"]) == 2
    err = capsys.readouterr().err
    assert "no such preset" in err and "dropout" in err


def test_steps_must_be_positive(config_file, capsys):
    assert main(["run", str(config_file), "--steps", "0"]) == 2
    assert "--steps: must be at least 1" in capsys.readouterr().err


def test_internal_error_exits_1(config_file, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("tui.commands.run.play", broken)
    assert main(["run", str(config_file)]) == 1
    assert "internal error: RuntimeError: boom" in capsys.readouterr().err


def test_presets_lists_every_shipped_preset(capsys):
    from presets.loader import preset_names

    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    for name in preset_names():
        assert name in out


@pytest.mark.parametrize("args", [["--lang", "ko", "presets"], ["presets", "--lang=ko"]])
def test_presets_speak_korean_when_asked(capsys, args):
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "1. 학습 속도 문제" in out and "Training is slow" not in out


def test_run_and_check_speak_english_only(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "ko", "check", "dropout"])
    assert "unrecognized arguments: --lang ko" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["presets"], ["run", "default", "--steps", "20"]])
def test_a_reader_that_stops_early_gets_no_traceback(args):
    """`trainlab presets | head -1`: the pipe closes before the output is written. Both
    with stdout buffered (as a user has it) and unbuffered (PYTHONUNBUFFERED=1)."""
    command = [sys.executable, "-c", "import sys; from tui.cli import main; sys.exit(main())"]
    for unbuffered in (False, True):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
        if unbuffered:
            env["PYTHONUNBUFFERED"] = "1"
        process = subprocess.Popen(
            [*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        process.stdout.close()  # long before Python has started and printed anything
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
        assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()


def test_help_lists_every_option():
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--help"], capture_output=True, text=True, check=True
    )
    for option in ("PRESET_OR_CONFIG", "--lang", "run", "check"):
        assert option in result.stdout
    run_help = subprocess.run(
        [sys.executable, "-m", "tui.cli", "run", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--steps", "--epochs", "--json", "--csv"):
        assert option in run_help


def test_opening_a_bad_scenario_exits_2_without_starting_the_app(capsys):
    assert main(["no-such-preset"]) == 2
    assert "no such preset" in capsys.readouterr().err


def test_opening_the_app_on_a_bad_csv_exits_2_naming_the_file_line_and_column(tmp_path, capsys):
    data = tmp_path / "mine.csv"
    data.write_text("a,b,label\n1,2,0\n3,x,1\n")
    config = tmp_path / "mine.toml"
    config.write_text(f'name = "mine"\nlayers = [8]\ndata = {{ name = "csv", path = "{data}" }}\n')
    assert main([str(config)]) == 2
    err = capsys.readouterr().err
    assert "mine.toml" in err and "mine.csv line 3, column 'b'" in err and "not a number" in err
