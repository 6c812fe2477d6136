"""Presets: every shipped one loads and its claims pass; malformed files are reported with
the file and the key or line; the timeline really changes the runs."""

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len

from presets import PresetError, load_preset, preset_names, run_preset, shipped_presets
from presets.claims import condition_holds
from presets.loader import check_views
from tui.commands.check import check_command

LECTURE_CLAIMS = [
    f"{s}.{n}" for s, count in ((1, 7), (2, 3), (3, 6), (4, 5)) for n in range(1, count + 1)
]

SMALL = """
title = "Small"
snapshot_every = 5

[base]
name = "a"
data = { name = "spiral", samples = 90 }
layers = [8]
steps = 20

[variants.b]
activation = "tanh"

[[timeline]]
step = 0
caption = "intro"
caption_ko = "소개"

[[timeline]]
step = 10
run = "b"
change = { lr = 0.5 }
caption = "faster"

[[claims]]
id = "1.1"
text = "b's learning rate was raised"
left = { run = "b", metric = "train_loss" }
op = ">="
right = 0
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_presets_load_in_lecture_order():
    names = preset_names()
    assert names[0] == "default"
    assert {"vanishing-gradient", "batch-norm", "optimizer-paths"} <= set(names)
    for name in names:
        preset = load_preset(name)
        for texts in (preset.title, preset.summary, preset.section):
            assert texts.get("en") and texts.get("ko"), (name, texts)
        assert preset.captions_until(0), f"{name} has no intro caption at step 0"
        assert all(c.text["en"] and c.text["ko"] for c in preset.captions_until(10**9)), name
        configs = preset.run_configs()
        assert len({c.name for c in configs}) == len(configs)


def test_every_summary_fits_one_line_of_the_picker_in_either_language():
    """The picker at 120 columns leaves 96 cells for a summary (Hangul is 2 cells wide)."""
    for preset in shipped_presets():
        for summary in preset.summary.values():
            assert cell_len("  " + summary) <= 96, (preset.name, summary)


def test_every_shipped_claim_has_its_text_in_korean():
    for name in preset_names():
        for claim in load_preset(name).claims:
            assert re.search("[가-힣]", claim.text["ko"]), f"{name} {claim.id}: {claim.text}"


def test_every_lecture_claim_is_checked_by_some_preset():
    ids = {claim.id for name in preset_names() for claim in load_preset(name).claims}
    assert set(LECTURE_CLAIMS) <= ids


def test_variants_differ_from_the_base_and_keep_its_other_settings():
    preset = load_preset("optimizers-images")
    base, *variants = preset.run_configs()
    rmsprop = next(v for v in variants if v.name == "rmsprop")
    assert rmsprop.optimizer.name == "rmsprop" and rmsprop.layers == base.layers
    assert set(rmsprop.differences(base)) == {"optimizer.name", "optimizer.lr"}


def test_timeline_changes_apply_at_their_step_and_captions_come_in_order(tmp_path):
    preset = load_preset(write(tmp_path, SMALL))
    assert [c.text["en"] for c in preset.captions_until(9)] == ["intro"]
    assert [c.text["en"] for c in preset.captions_until(10)] == ["intro", "faster"]
    result = run_preset(preset)
    (change,) = result.final.changes
    assert (change.step, change.run, change.setting, change.new) == (10, "b", "lr", 0.5)
    assert result.final.run("b").lr == 0.5 and result.final.run("a").lr == 0.01
    assert sorted(result.snapshots) == [0, 5, 10, 15, 20]
    assert result.passed


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("layers = [8]", "layers = [8"), ["mine.toml", "line 9", "not valid TOML"]),
        (('title = "Small"', 'title = "Small"\ncolour = 3'), ["mine.toml", "colour", "title_ko"]),
        (("steps = 20", 'steps = "many"'), ["mine.toml", "base.steps", "whole number"]),
        (('activation = "tanh"', 'activation = "tahn"'), ["variants.b.activation", "relu"]),
        (
            ('activation = "tanh"', "speed = 3"),
            ["variants.b.speed", "unknown setting", " data,", " lr,", " optimizer,"],
        ),
        (('activation = "tanh"', "data = { samples = 120 }"), ["variants.b.data", "base's data"]),
        (('run = "b"', 'run = "c"'), ["timeline[1].run", "'c'", "a, b"]),
        (("change = { lr = 0.5 }", "change = { layers = [4] }"), ["change.layers", "live"]),
        (("change = { lr = 0.5 }", "change = { lr = -1 }"), ["change.lr", "greater than 0"]),
        (('left = { run = "b"', 'left = { run = "z"'), ["claims[0].left.run", "'z'"]),
        (('metric = "train_loss"', 'metric = "happiness"'), ["claims[0].left.metric"]),
        (('metric = "train_loss" }', 'metric = "grad_norm", layer = 7 }'), ["layer", "2 layers"]),
        (
            ('id = "1.1"', 'id = "1.1"\ntext_ko = 7'),
            ["mine.toml", "claims[0].text_ko", "must be text"],
        ),
        (('id = "1.1"', 'id = "1.1"\ntext_kr = "주장"'), ["claims[0].text_kr", "unknown"]),
        # Measures a run cannot give (they would read as NaN and fail, unexplained):
        (('metric = "train_loss" }', 'metric = "train_loss", at_step = 99 }'), ["20 steps"]),
        (
            ('metric = "train_loss" }', 'metric = "activation_std", layer = 2 }'),
            ["claims[0].left.layer", "hidden layers (layer 1)", "output"],
        ),
        (('metric = "train_loss" }', 'metric = "dead" }'), ["left.metric", "relu", "tanh"]),
        (('metric = "train_loss" }', 'metric = "effective_step" }'), ["adam", "uses sgd"]),
        (  # a list of runs on the left, a number on the right: the left is to blame
            ('left = { run = "b"', 'left = { run = ["a", "z"]'),
            ["claims[0].left.run", "'z'"],
        ),
    ],
)
def test_malformed_presets_name_file_and_key(tmp_path, edit, words):
    old, new = edit
    assert old in SMALL
    with pytest.raises(PresetError) as caught:
        load_preset(write(tmp_path, SMALL.replace(old, new, 1)))
    for word in words:
        assert word in str(caught.value)


def test_an_unknown_preset_name_lists_the_shipped_ones():
    with pytest.raises(PresetError, match="no such preset.*dropout"):
        load_preset("dropuot")


def test_check_exits_2_with_the_message_on_stderr_for_a_bad_preset(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = write(tmp_path, SMALL.replace('run = "b"', 'run = "nobody"'))
    assert check_command([str(path)], False, out=out, err=err) == 2
    assert "mine.toml" in err.getvalue() and "timeline[1].run" in err.getvalue()


def test_check_exits_1_when_a_claim_fails_and_shows_what_was_needed(tmp_path):
    path = write(tmp_path, SMALL.replace('op = ">="', 'op = "<"'))
    out = io.StringIO()
    assert check_command([str(path)], False, out=out) == 1
    assert "FAIL  1.1" in out.getvalue()
    assert "needs left < 0" in out.getvalue()


def test_check_exits_2_for_a_preset_whose_data_file_is_missing(tmp_path):
    path = write(
        tmp_path, SMALL.replace('name = "spiral", samples = 90', 'name = "csv", path = "gone.csv"')
    )
    out, err = io.StringIO(), io.StringIO()
    assert check_command([str(path)], False, out=out, err=err) == 2
    assert "mine.toml" in err.getvalue() and "gone.csv: file not found" in err.getvalue()


def test_check_passes_every_shipped_preset_as_json():
    """The long test: every preset trained to its end, every claim checked."""
    out = io.StringIO()
    code = check_command([], True, out=out)
    report = json.loads(out.getvalue())
    failed = [(c["id"], c["preset"], c["measured"]) for c in report["claims"] if not c["passed"]]
    assert failed == []
    assert code == 0
    assert set(LECTURE_CLAIMS) <= {c["id"] for c in report["claims"]}
    assert {p["name"] for p in report["presets"]} == set(preset_names())


def test_a_file_that_is_not_text_is_named_as_such(tmp_path):
    path = tmp_path / "photo.toml"
    path.write_bytes(b"\xff\xd8\xff\xe0 not toml")
    with pytest.raises(PresetError, match="photo.toml: not UTF-8 text"):
        load_preset(path)


def test_a_presets_relative_data_path_is_taken_from_its_own_folder(tmp_path, monkeypatch):
    folder = tmp_path / "lesson"
    folder.mkdir()
    rows = [f"{x},{y},{int(x > y)}" for x in range(10) for y in range(10)]
    (folder / "points.csv").write_text("a,b,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = 'data = { name = "csv", path = "points.csv" }'
    text = SMALL.replace('data = { name = "spiral", samples = 90 }', data)
    # a variant may repeat the base's data: the same file, so the same data
    text = text.replace('activation = "tanh"', f'activation = "tanh"\n{data}')
    (folder / "mine.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not the preset's folder
    preset = load_preset("lesson/mine.toml")
    assert {config.data.path for config in preset.run_configs()} == {"lesson/points.csv"}
    assert run_preset(preset).passed


def test_another_seed_changes_every_run_and_a_generated_datas_draw():
    preset = load_preset("dropout")  # image data: its draw does not depend on a seed
    seeded = preset.with_seed(7)
    assert {config.seed for config in seeded.run_configs()} == {7}
    assert seeded.base.data == preset.base.data
    spiral = load_preset("default").with_seed(3)
    assert {(c.seed, c.data.seed) for c in spiral.run_configs()} == {(3, 3)}
    assert load_preset("default").with_seed(0).run_configs() == load_preset("default").run_configs()


def test_check_with_seeds_prints_each_claims_pass_rate(tmp_path):
    path = write(tmp_path, SMALL)
    out = io.StringIO()
    assert check_command([str(path)], False, out=out, seeds=3) == 0
    text = out.getvalue()
    assert "mine seed 2: 1/1 claims pass" in text
    assert "1.1   3/3" in text and "1 of 1 claims hold" in text
    # a claim that fails at every seed: exit 1, and the seeds it failed at
    out = io.StringIO()
    code = check_command(
        [str(write(tmp_path, SMALL.replace('op = ">="', 'op = "<"')))], True, out=out, seeds=2
    )
    report = json.loads(out.getvalue())
    assert code == 1 and not report["passed"] and report["seeds"] == [0, 1]
    assert report["claims"][0]["passed"] == 0 and report["claims"][0]["failed_seeds"] == [0, 1]


def test_check_refuses_a_seed_count_below_1(tmp_path):
    err = io.StringIO()
    assert check_command([], False, err=err, seeds=0) == 2
    assert "--seeds: must be at least 1" in err.getvalue()


STAGED = SMALL.replace(
    'title = "Small"',
    'title = "Small"\npace = 30\n'
    'view = { tab = "gradients", run = "b", log = true, x = "seconds" }\n'
    'locked = ["optimizer", "layers"]\nhide = ["form"]',
).replace(
    'caption = "faster"',
    'caption = "faster"\n'
    'when = { left = { run = "b", metric = "train_loss" }, op = "<", right = 5 }\n'
    'view = { tab = "loss", surface = "saddle" }',
)


def test_a_preset_declares_its_pace_view_and_classroom_locks(tmp_path):
    preset = load_preset(write(tmp_path, STAGED))
    assert preset.pace == 30 and preset.locked == ("optimizer", "layers")
    assert preset.hidden == ("form",)
    assert (preset.view.tab, preset.view.run, preset.view.log, preset.view.x) == (
        "gradients",
        "b",
        True,
        "seconds",
    )
    faster = preset.captions[1]
    assert faster.view.tab == "loss" and faster.view.surface == "saddle"
    assert faster.when is not None and [v.where for v in preset.views()] == [
        "view",
        "timeline[1].view",
    ]
    assert load_preset(
        write(tmp_path, SMALL.replace('title = "Small"', 'title = "Small"\npace = "max"'))
    ).pace == float("inf")
    check_views(preset, ("loss", "gradients"), ("form", "claims"))
    with pytest.raises(PresetError, match="mine.toml: view.tab: must be one of loss"):
        check_views(preset, ("loss",), ("form",))
    with pytest.raises(PresetError, match="hide: must name parts of the screen"):
        check_views(preset, ("loss", "gradients"), ("claims",))


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("pace = 30", "pace = 0", "pace: must be a number of steps a second"),
        ('locked = ["optimizer", "layers"]', 'locked = ["colour"]', "locked: must name settings"),
        ('x = "seconds"', 'x = "minutes"', "view.x: must be one of steps, epochs"),
        ('run = "b", log', 'run = "nobody", log', "view.run: no run named 'nobody'"),
        ('surface = "saddle"', 'surface = "volcano"', "timeline[1].view.surface: must be one of"),
        (
            'op = "<", right = 5',
            'op = "<", right = 5, id = "x"',
            "timeline[1].when.id: unknown key",
        ),
        ('metric = "train_loss" }, op', 'metric = "colour" }, op', "timeline[1].when.left.metric"),
    ],
)
def test_a_bad_stage_direction_names_its_key(tmp_path, old, new, words):
    with pytest.raises(PresetError) as caught:
        load_preset(write(tmp_path, STAGED.replace(old, new, 1)))
    assert words in str(caught.value) and "mine.toml" in str(caught.value)


def test_a_captions_condition_is_read_on_the_runs_as_they_stand(tmp_path):
    preset = load_preset(write(tmp_path, STAGED))
    condition = preset.captions[1].when
    comparison = preset.comparison()
    configs = {config.name: config for config in preset.run_configs()}
    snapshot = comparison.snapshot()
    assert condition_holds(condition, snapshot, configs, comparison.n_train)  # loss < 5
    strict = replace(condition, margin=10.0)  # loss < 5 − 10: never
    assert not condition_holds(strict, snapshot, configs, comparison.n_train)
    del configs["b"]  # the student removed the run it reads
    assert not condition_holds(condition, snapshot, configs, comparison.n_train)
