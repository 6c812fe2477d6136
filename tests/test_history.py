"""The run history: the store (tui/history.py), its recorder, and `trainlab history`.

Every database lives in a tmp folder; TRAINLAB_HISTORY points there, so that no test can
reach the real home. Nothing here depends on the machine's speed: concurrent writers
meet through the database itself, not through sleeps.
"""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import Comparison, OptimizerConfig, RunConfig
from nn.config import DataConfig
from nn.snapshot import HISTORY_FIELDS, History
from tui.cli import main
from tui.commands.history import parse_since
from tui.history import (
    MAX_POINTS,
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    Record,
    Recorder,
    default_path,
    records_from,
    scenario_of,
    thin_indices,
)

BASE = RunConfig(
    name="base",
    data=DataConfig(name="moons", samples=200),
    layers=(8,),
    optimizer=OptimizerConfig("adam", lr=0.01),
    steps=40,
)


@pytest.fixture(autouse=True)
def history_in_tmp(tmp_path, monkeypatch):
    path = tmp_path / "data" / "history.sqlite3"
    monkeypatch.setenv("TRAINLAB_HISTORY", str(path))
    return path


@pytest.fixture(scope="module")
def trained() -> tuple:
    """Three runs on moons: one with a live change, one diverging, one stopped early."""
    comparison = Comparison.from_variants(
        BASE,
        {
            "sigmoid": {"activation": "sigmoid", "init": "xavier"},
            "wild": {"optimizer": {"name": "sgd", "lr": 1e6}, "init": 30.0},
            "long": {"steps": 400},
        },
    )
    for _ in range(10):
        comparison.step(4)
        comparison.snapshot(layers=False)  # a history point every 4 steps
        if comparison.step_count == 20:
            comparison.change("sigmoid", lr=0.05, dropout=0.1)
    snapshot = comparison.snapshot(layers=False)
    configs = [run.config for run in comparison.runs]  # as they are now, as the app has them
    return snapshot, configs


def records(trained, **options) -> list[Record]:
    snapshot, configs = trained
    return records_from(snapshot, configs, scenario="moons-test", title="Moons", **options)


def same(a, b) -> bool:
    """Equal, NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


# -- where -----------------------------------------------------------------------------------


def test_the_database_lives_under_xdg_data_home_unless_pointed_elsewhere(tmp_path):
    home = Path.home()
    assert default_path({}) == home / ".local/share/trainlab/history.sqlite3"
    assert default_path({"XDG_DATA_HOME": str(tmp_path)}) == (tmp_path / "trainlab/history.sqlite3")
    relative = {"XDG_DATA_HOME": "not/absolute"}  # the XDG spec: ignore it
    assert default_path(relative) == home / ".local/share/trainlab/history.sqlite3"
    chosen = {"XDG_DATA_HOME": str(tmp_path), "TRAINLAB_HISTORY": str(tmp_path / "h.db")}
    assert default_path(chosen) == tmp_path / "h.db"


# -- thinning --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=2000),
    max_points=st.integers(min_value=2, max_value=400),
)
def test_thinning_keeps_the_first_and_last_point_and_at_most_max_points(gaps, max_points):
    steps = np.cumsum(gaps)
    keep = thin_indices(steps, max_points)
    assert keep[0] == 0 and keep[-1] == len(steps) - 1
    assert len(keep) <= max_points
    assert np.all(np.diff(keep) > 0)  # in order, no point twice
    if len(steps) <= max_points:
        assert len(keep) == len(steps)  # nothing to thin: everything kept


def test_thinning_spreads_the_points_over_the_steps():
    # Dense at the start (a snapshot a step), sparse later: thinning by index would keep
    # almost only the start; by step the kept points cover the run evenly.
    steps = np.concatenate([np.arange(1, 9001), np.arange(9010, 100_001, 10)])
    kept = steps[thin_indices(steps, 300)]
    assert 250 <= len(kept) <= 300
    assert np.max(np.diff(kept)) <= 2 * (steps[-1] - steps[0]) / 300


def test_a_long_history_is_stored_thinned_with_its_values(trained, history_in_tmp):
    snapshot, configs = trained
    n = 10_000
    long = History(
        **{name: np.linspace(0.0, 1.0, n) for name in HISTORY_FIELDS}
        | {"step": np.arange(1, n + 1), "samples_seen": 32 * np.arange(1, n + 1)}
        | {"train_r2": np.full(n, np.nan)}
    )
    run = replace(snapshot.runs[0], history=long)
    (record,) = records_from(replace(snapshot, runs=(run,)), configs, scenario="s")
    with HistoryStore.open(history_in_tmp) as store:
        (row_id,) = store.add([record])
        stored = store.get(row_id).history
    assert set(stored) == set(HISTORY_FIELDS)
    kept = stored["step"]
    assert len(kept) <= MAX_POINTS and kept[0] == 1 and kept[-1] == n
    index = kept - 1  # step k is point k-1
    for name in HISTORY_FIELDS:
        np.testing.assert_array_equal(stored[name], getattr(long, name)[index])
    assert stored["step"].dtype == np.int64 and stored["train_loss"].dtype == np.float64


# -- the store -------------------------------------------------------------------------------


def test_a_record_round_trips_with_its_values_changes_and_history(trained, history_in_tmp):
    snapshot, configs = trained
    made = records(trained, preset="moons", session="s1")
    assert [r.run for r in made] == ["base", "sigmoid", "wild", "long"]
    with HistoryStore.open(history_in_tmp) as store:
        ids = store.add(made)
        assert store.count() == 4
        for row_id, record in zip(ids, made, strict=True):
            back = store.get(row_id)
            assert back.id == row_id and back.when.endswith("+00:00")
            for name in ("scenario", "preset", "title", "run", "config", "seed", "changes"):
                assert getattr(back, name) == getattr(record, name), name
            assert (back.status, back.ended_step, back.summary) == (
                record.status,
                record.ended_step,
                record.summary,
            )
            assert all(same(back.metrics[k], v) for k, v in record.metrics.items())
            assert set(back.history) == set(HISTORY_FIELDS)
            for name, values in record.history.items():
                np.testing.assert_array_equal(back.history[name], values)
    by_run = {r.run: r for r in made}
    sigmoid = by_run["sigmoid"]
    # The config as the run started; the live changes beside it, with their step.
    assert sigmoid.run_config() == configs[1].with_changes(lr=0.01, dropout=0.0)
    assert sigmoid.config["optimizer"]["lr"] == 0.01 and sigmoid.config["dropout"] == 0.0
    assert {(c["step"], c["setting"], c["old"], c["new"]) for c in sigmoid.changes} == {
        (20, "lr", 0.01, 0.05),
        (20, "dropout", 0.0, 0.1),
    }
    assert sigmoid.summary.endswith("(+2 live changes)")
    assert by_run["base"].ended == "done" and by_run["base"].metrics["step"] == 40
    wild = by_run["wild"]
    assert wild.status == "diverged" and wild.ended == f"diverged at step {wild.ended_step}"
    assert math.isnan(wild.metrics["train_loss"])  # NaN in, NaN out (NULL in the database)
    assert by_run["long"].ended == "stopped at step 40"
    assert math.isnan(by_run["base"].metrics["test_r2"])  # a classification has no R²
    assert by_run["base"].history["step"][0] == 4 and by_run["base"].history["step"][-1] == 40


def test_runs_that_have_not_trained_or_not_finished_are_left_out_when_asked(trained):
    snapshot, configs = trained
    fresh = Comparison([BASE]).snapshot(layers=False)
    assert records_from(fresh, [BASE], scenario="s") == []
    finished = records(trained, stopped=False)
    assert [r.run for r in finished] == ["base", "sigmoid", "wild"]


def test_the_list_filters_and_orders_newest_first(trained, history_in_tmp):
    made = {r.run: r for r in records(trained, preset="moons")}
    other = replace(made["base"], scenario="/tmp/x/mine.toml", preset="mine", title="Mine")
    start = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    with HistoryStore.open(history_in_tmp) as store:
        for day, record in enumerate([made["base"], made["wild"], other, made["long"]]):
            store.add([record], when=start + timedelta(days=day))
        runs = store.runs()
        assert [r.run for r in runs] == ["long", "base", "wild", "base"]
        assert [r.preset for r in runs] == ["moons", "mine", "moons", "moons"]
        assert runs[0].history is None  # a listing leaves histories out
        assert store.runs(histories=True)[0].history is not None
        assert [r.run for r in store.runs(preset="moons")] == ["long", "wild", "base"]
        assert [r.title for r in store.runs(preset="/tmp/x/mine.toml")] == ["Mine"]
        assert [r.preset for r in store.runs(run="base")] == ["mine", "moons"]
        assert [r.run for r in store.runs(status="diverged")] == ["wild"]
        assert [r.run for r in store.runs(status="stopped")] == ["long"]
        assert [r.run for r in store.runs(since=start + timedelta(days=2))] == ["long", "base"]
        assert [r.run for r in store.runs(last=2)] == ["long", "base"]
        assert [r.run for r in store.runs(preset="moons", last=1)] == ["long"]
        assert store.runs(preset="moons", status="done", since=start + timedelta(days=1)) == []
        assert store.get(999) is None


def test_reading_never_creates_a_database(tmp_path):
    path = tmp_path / "nothing" / "history.sqlite3"
    assert HistoryStore.read(path) is None
    assert not path.exists() and not path.parent.exists()


# -- bad databases ---------------------------------------------------------------------------


def aside_files(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir() if ".corrupt-" in p.name or ".newer-" in p.name)


def test_a_corrupt_database_is_set_aside_with_a_message_and_a_fresh_one_used(
    trained, history_in_tmp
):
    history_in_tmp.parent.mkdir(parents=True)
    garbage = b"this is not an SQLite database, just bytes " * 100
    history_in_tmp.write_bytes(garbage)
    Path(f"{history_in_tmp}-wal").write_bytes(b"stale log")  # belongs to the bad file
    with HistoryStore.open(history_in_tmp) as store:
        (notice,) = map(str, store.notices)
        assert str(history_in_tmp) in notice and "is not a database" in notice
        assert "moved to history.sqlite3.corrupt-" in notice
        assert store.count() == 0
        store.add(records(trained))
        assert store.count() == 4
    aside = aside_files(history_in_tmp)
    assert [p.read_bytes() for p in aside] == [garbage, b"stale log"]  # never overwritten
    assert aside[0].name in notice and aside[1].name == aside[0].name + "-wal"
    # Again: the first set-aside file stays as it was, the second gets a name of its own.
    history_in_tmp.write_bytes(garbage[::-1])
    with HistoryStore.open(history_in_tmp) as store:
        assert len(store.notices) == 1
    contents = {p.read_bytes() for p in aside_files(history_in_tmp)}
    assert {garbage, garbage[::-1], b"stale log"} <= contents


def make_newer(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE schema (version INTEGER NOT NULL)")
    connection.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, everything TEXT)")
    connection.execute("INSERT INTO schema VALUES (?)", (SCHEMA_VERSION + 1,))
    connection.execute("INSERT INTO runs (everything) VALUES ('from the future')")
    connection.commit()
    connection.close()


def test_a_newer_database_is_set_aside_untouched(history_in_tmp):
    make_newer(history_in_tmp)
    before = history_in_tmp.read_bytes()
    with HistoryStore.open(history_in_tmp) as store:
        (notice,) = map(str, store.notices)
        assert f"schema version {SCHEMA_VERSION + 1}" in notice and "newer trainlab" in notice
        assert store.count() == 0
    (aside,) = aside_files(history_in_tmp)
    assert ".newer-" in aside.name and aside.read_bytes() == before


def test_another_programs_database_is_set_aside(history_in_tmp):
    history_in_tmp.parent.mkdir(parents=True)
    connection = sqlite3.connect(history_in_tmp)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.commit()
    connection.close()
    with HistoryStore.open(history_in_tmp) as store:
        assert "not a trainlab run history" in str(store.notices[0])
    assert len(aside_files(history_in_tmp)) == 1


def test_a_folder_where_no_database_can_be_is_an_error_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(HistoryError, match="cannot create"):
        HistoryStore.open(blocker / "history.sqlite3")


# -- the recorder (what the app calls) -------------------------------------------------------


def test_recording_returns_at_once_while_the_database_is_locked(trained, history_in_tmp):
    snapshot, configs = trained
    HistoryStore.open(history_in_tmp).close()
    holder = sqlite3.connect(history_in_tmp, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another instance, writing for as long as it likes
    recorder = Recorder("moons-test", path=history_in_tmp)
    recorder.record(snapshot, configs)  # must not wait for the lock: it would hang here
    assert holder.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    holder.execute("COMMIT")
    holder.close()
    assert recorder.close(timeout=None)
    with HistoryStore.read(history_in_tmp) as store:
        assert store.count() == 4


def test_a_run_recorded_again_keeps_its_row_and_a_changed_one_gets_its_own(trained, history_in_tmp):
    snapshot, configs = trained
    messages = []
    recorder = Recorder("moons-test", path=history_in_tmp, notify=messages.append)
    finished_only = replace(snapshot, runs=snapshot.runs[:3])
    recorder.record(finished_only, configs, stopped=False)  # runs finishing
    recorder.record(snapshot, configs)  # the session ends: the same three and a stopped one
    recorder.record(snapshot, configs)  # recorded twice: nothing new
    long = snapshot.runs[3]
    on = replace(long, step=60, history=replace(long.history))  # it trained on
    recorder.record(replace(snapshot, runs=(on,)), configs)
    changed = [c.with_changes(l2=0.01) if c.name == "base" else c for c in configs]
    recorder.record(replace(snapshot, runs=snapshot.runs[:1]), changed)  # reset, changed
    assert recorder.close(timeout=None)
    with HistoryStore.read(history_in_tmp) as store:
        rows = store.runs()
    assert sorted(r.run for r in rows) == ["base", "base", "long", "sigmoid", "wild"]
    assert {r.metrics["step"] for r in rows if r.run == "long"} == {60}
    assert len({r.session for r in rows}) == 1
    assert messages == []


def test_the_recorder_tells_of_a_database_set_aside_and_records_anyway(trained, history_in_tmp):
    snapshot, configs = trained
    make_newer(history_in_tmp)
    messages = []
    recorder = Recorder("moons-test", path=history_in_tmp, notify=messages.append)
    recorder.record(snapshot, configs)
    assert recorder.close(timeout=None)
    assert len(messages) == 1 and "newer trainlab" in str(messages[0])
    with HistoryStore.read(history_in_tmp) as store:
        assert store.count() == 4


def test_a_database_damaged_inside_is_set_aside_when_writing_fails(trained, history_in_tmp, capsys):
    snapshot, configs = trained
    with HistoryStore.open(history_in_tmp) as store:
        for _ in range(3):
            store.add(records(trained))
    data = bytearray(history_in_tmp.read_bytes())
    data[3 * 4096 : -4096 : 7] = b"Z" * len(data[3 * 4096 : -4096 : 7])  # pages scribbled on
    history_in_tmp.write_bytes(bytes(data))
    assert main(["history"]) == 2  # the reader says it cannot read, and leaves the file be
    assert history_in_tmp.read_bytes() == bytes(data)
    messages = []
    recorder = Recorder("moons-test", path=history_in_tmp, notify=messages.append)
    recorder.record(snapshot, configs)
    assert recorder.close(timeout=None)
    assert len(messages) == 1 and "is damaged" in str(messages[0])
    (aside,) = aside_files(history_in_tmp)
    assert aside.read_bytes() == bytes(data)
    with HistoryStore.read(history_in_tmp) as store:
        assert store.count() == 4


def test_prepare_opens_the_database_at_once_to_tell_of_a_bad_one(history_in_tmp):
    make_newer(history_in_tmp)
    messages = []
    recorder = Recorder("moons-test", path=history_in_tmp, notify=messages.append)
    recorder.prepare()
    assert recorder.close(timeout=None)
    assert len(messages) == 1 and "newer trainlab" in str(messages[0])
    assert len(aside_files(history_in_tmp)) == 1


def test_the_recorder_says_when_it_cannot_record_and_does_not_raise(trained, tmp_path):
    snapshot, configs = trained
    blocker = tmp_path / "file"
    blocker.write_text("")
    messages = []
    recorder = Recorder("s", path=blocker / "history.sqlite3", notify=messages.append)
    recorder.record(snapshot, configs)
    assert recorder.close(timeout=None)
    assert len(messages) == 1 and "could not be recorded" in str(messages[0])


def test_a_preset_is_known_by_name_and_a_file_by_its_path(tmp_path):
    from presets.loader import load_scenario

    assert scenario_of(load_scenario("dropout"))[:2] == ("dropout", "dropout")
    path = tmp_path / "mine.toml"
    path.write_text(BASE.to_toml())
    scenario, name, title = scenario_of(load_scenario(str(path)))
    assert (scenario, name, title) == (str(path.resolve()), "mine", "mine")


# -- two instances at once -------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from tui.history import HistoryStore, Record

    path, me, count, busy = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])

    def record(i):
        return Record(
            scenario="two", preset="two", title="Two", run=f"{me}-{i}", config={"seed": i},
            seed=i, changes=(), status="done", ended_step=i, metrics={"step": i},
            history={"step": np.arange(i + 1), "train_loss": np.linspace(1, 0, i + 1)},
            session=me,
        )

    store = HistoryStore.open(path, busy_seconds=busy)
    store.add([record(0)])
    # Both writers have begun before either goes on: from here on they write at once.
    deadline = time.monotonic() + 300
    query = "SELECT count(DISTINCT session) FROM runs"
    while store.connection.execute(query).fetchone()[0] < 2:
        if time.monotonic() > deadline:
            sys.exit("the other writer never began")
        time.sleep(0.001)
    for i in range(1, count):
        store.add([record(i)])  # one transaction each: as many turns at the lock as can be
    store.close()
    """
)


@pytest.mark.parametrize("busy_seconds", [10.0, 0.0], ids=["busy-timeout", "retries"])
def test_two_processes_writing_at_once_lose_nothing(history_in_tmp, busy_seconds):
    # With no busy timeout, every turn the other writer holds the lock is a "database is
    # locked" error, handled by retrying: nothing may be lost either way.
    count = 300
    root = Path(__file__).resolve().parent.parent
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(history_in_tmp), name, str(count)]
            + [str(busy_seconds)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err
    with HistoryStore.read(history_in_tmp) as store:
        runs = store.runs()
    assert len(runs) == 2 * count
    assert {r.run for r in runs} == {f"{w}-{i}" for w in "ab" for i in range(count)}


# -- the command -----------------------------------------------------------------------------


@pytest.fixture
def filled(trained, history_in_tmp) -> Path:
    made = records(trained, preset="moons")
    start = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    with HistoryStore.open(history_in_tmp) as store:
        for minute, record in enumerate(made):
            store.add([record], when=start + timedelta(minutes=minute))
    return history_in_tmp


def strict_json(text: str):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_history_lists_runs_newest_first_one_line_each(filled, capsys):
    assert main(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "when", "scenario", "run", "what", "it", "was", "ended"] + [
        "test"
    ]
    assert [line.split()[4] for line in lines[1:]] == ["long", "wild", "sigmoid", "base"]
    long, wild, sigmoid, base = lines[1:]
    assert "stopped at step 40" in long and "diverged at step" in wild
    assert "adam 0.01, sigmoid, init xavier, 8, batch 32 (+2 live changes)" in sigmoid
    assert "moons" in base and base.rstrip().endswith("%") and "done" in base
    assert base.split()[1].startswith("2026-11-0")  # the date, in local time


def test_history_filters_on_the_command_line(filled, capsys):
    def runs(*arguments):
        assert main(["history", *arguments]) == 0
        return [line.split()[4] for line in capsys.readouterr().out.splitlines()[1:]]

    assert runs("--status", "diverged") == ["wild"]
    assert runs("--status", "stopped") == ["long"]
    assert runs("--run", "base") == ["base"]
    assert runs("--last", "2") == ["long", "wild"]
    assert runs("--preset", "moons", "--since", "2026-11-02T09:32+00:00") == ["long", "wild"]
    assert runs("--since", "2026-11-03") == []  # "No run matches" is not a line of runs
    assert main(["history", "--preset", "dropout"]) == 0
    assert "No run matches; the history holds 4 runs." in capsys.readouterr().out


def test_history_json_is_strict_and_holds_the_full_records(filled, capsys):
    assert main(["history", "--json"]) == 0
    records = strict_json(capsys.readouterr().out)
    assert [r["run"] for r in records] == ["long", "wild", "sigmoid", "base"]
    wild = records[1]
    assert wild["status"] == "diverged" and wild["metrics"]["train_loss"] is None
    assert records[3]["metrics"]["test_r2"] is None  # NaN becomes null
    assert set(wild["history"]) == set(HISTORY_FIELDS)
    assert wild["history"]["gradient_noise"][0] is None
    assert records[2]["changes"][0]["step"] == 20
    assert RunConfig.from_dict(records[3]["config"]) == BASE
    assert main(["history", "--json", "--status", "done", "--run", "nobody"]) == 0
    assert strict_json(capsys.readouterr().out) == []


def test_history_show_prints_one_run_in_detail(filled, capsys):
    assert main(["history", "--show", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Run #2: sigmoid, of 'Moons' (moons-test)")
    assert "at step 20: lr 0.01 → 0.05" in out and "at step 20: dropout 0.0 → 0.1" in out
    assert "curves      10 points each, steps 4 … 40" in out
    assert 'activation = "sigmoid"' in out and "lr = 0.01" in out  # the config as it started
    assert main(["history", "--show", "2", "--json"]) == 0
    assert strict_json(capsys.readouterr().out)["run"] == "sigmoid"


def test_an_empty_history_says_so_and_how_to_fill_it(history_in_tmp, capsys):
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "No runs in the history yet" in out and str(history_in_tmp) in out
    assert "trainlab" in out and "space" in out
    assert not history_in_tmp.exists()  # looking made no file
    assert main(["history", "--json"]) == 0
    assert strict_json(capsys.readouterr().out) == []
    HistoryStore.open(history_in_tmp).close()  # a history with no runs in it yet
    assert main(["history"]) == 0
    assert "No runs in the history yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--last", "0"], "--last: must be at least 1, got 0"),
        (["--since", "last tuesday"], "--since: expected a date"),
        (["--show", "99"], "no run #99"),
        (["--show", "1", "--run", "base"], "takes no filters"),
        (["--status", "exploded"], "invalid choice"),
        (["--last", "many"], "invalid int value"),
        (["--colour"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(filled, capsys, arguments, message):
    try:
        code = main(["history", *arguments])
    except SystemExit as exit:  # argparse's own errors
        code = exit.code
    assert code == 2
    assert message in capsys.readouterr().err


def test_an_unreadable_database_exits_2_and_is_left_where_it_is(history_in_tmp, capsys):
    history_in_tmp.parent.mkdir(parents=True)
    history_in_tmp.write_bytes(b"garbage" * 1000)
    assert main(["history"]) == 2
    err = capsys.readouterr().err
    assert str(history_in_tmp) in err and "not a database" in err
    assert history_in_tmp.read_bytes() == b"garbage" * 1000 and aside_files(history_in_tmp) == []
    history_in_tmp.unlink()
    make_newer(history_in_tmp)
    assert main(["history", "--json"]) == 2
    assert "newer trainlab" in capsys.readouterr().err
    assert main(["history", "--db", str(history_in_tmp.parent)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_db_option_points_at_another_database(filled, tmp_path, capsys):
    other = tmp_path / "other.sqlite3"
    assert main(["history", "--db", str(other)]) == 0
    assert str(other) in capsys.readouterr().out
    assert main(["history", "--db", str(filled), "--last", "1"]) == 0
    assert "long" in capsys.readouterr().out


def test_history_help_names_the_file_and_every_filter(capsys, history_in_tmp):
    with pytest.raises(SystemExit) as exit:
        main(["history", "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert str(history_in_tmp) in out and "XDG_DATA_HOME" in out
    for option in ("--preset", "--run", "--since", "--last", "--status", "--json", "--show"):
        assert option in out


def test_since_reads_dates_times_words_and_ages():
    now = datetime(2026, 11, 30, 15, 45).astimezone()
    assert parse_since("2026-11-02", now) == datetime(2026, 11, 2).astimezone()
    assert parse_since("2026-11-02T14:00+00:00", now) == datetime(2026, 11, 2, 14, tzinfo=UTC)
    assert parse_since("today", now) == now.replace(hour=0, minute=0)
    assert parse_since("yesterday", now) == now.replace(day=29, hour=0, minute=0)
    assert parse_since("3d", now) == now - timedelta(days=3)
    assert parse_since("12h", now) == now - timedelta(hours=12)
    assert parse_since("2w", now) == now - timedelta(weeks=2)
