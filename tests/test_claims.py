"""Claims evaluated on small, hand-built comparisons: what should pass passes, what should
fail fails, and malformed claims say which key is wrong."""

import math
from pathlib import Path

import pytest

from nn import Comparison, RunConfig
from presets.claims import ClaimError, metrics_table, parse_claim

SPIRAL = {"name": "spiral", "samples": 120}


@pytest.fixture(scope="module")
def trained() -> Comparison:
    """A good learning rate beside one far too small, 150 updates on a small spiral."""
    base = RunConfig.from_dict(
        {"name": "good", "data": SPIRAL, "layers": [16, 16], "lr": 0.1, "steps": 150}
    )
    comparison = Comparison.from_variants(base, {"tiny": {"lr": 1e-5}})
    comparison.snapshot()
    comparison.step(150)
    return comparison


def claim(**table) -> object:
    return parse_claim({"id": "9.9", "text": "a test claim", **table}, "claims[0]")


def test_a_true_comparison_between_runs_passes(trained):
    result = claim(
        left={"run": "good", "metric": "train_loss"}, op="<", right={"run": "tiny"}
    ).evaluate(trained)
    assert result.passed
    assert result.measured["good train_loss"] < result.measured["tiny train_loss"]


def test_the_same_comparison_turned_around_fails(trained):
    result = claim(
        left={"run": "tiny", "metric": "train_loss"}, op="<", right={"run": "good"}
    ).evaluate(trained)
    assert not result.passed


def test_a_margin_makes_a_claim_stricter(trained):
    measured = claim(
        left={"run": "good", "metric": "train_accuracy"}, op=">", right={"run": "tiny"}
    ).evaluate(trained)
    gap = measured.measured["good train_accuracy"] - measured.measured["tiny train_accuracy"]
    assert measured.passed and gap > 0
    too_much = claim(
        left={"run": "good", "metric": "train_accuracy"},
        op=">",
        right={"run": "tiny"},
        margin=gap + 0.01,
    )
    assert not too_much.evaluate(trained).passed


def test_a_number_and_a_time_from_history(trained):
    # The tiny learning rate barely moved: its loss at the end is within 1 % of step 0.
    barely = claim(
        left={"run": "tiny", "metric": "train_loss"}, op=">", right={"at_step": 0}, factor=0.99
    )
    assert barely.evaluate(trained).passed
    moved = claim(
        left={"run": "good", "metric": "train_loss"}, op=">", right={"at_step": 0}, factor=0.99
    )
    assert not moved.evaluate(trained).passed


def test_a_step_past_the_runs_budget_reads_nan_and_fails(trained):
    """Not the last value: a run that was never going to reach step 500 has none there."""
    late = claim(left={"run": "good", "metric": "train_loss", "at_step": 500}, op=">", right=0)
    result = late.evaluate(trained)
    assert not result.passed
    assert math.isnan(result.measured["good train_loss at step 500"])


def test_layer_metrics_and_equality_within_a_margin(trained):
    no_dead = claim(left={"run": "good", "metric": "dead", "layer": "first"}, op="<=", right=1)
    assert no_dead.evaluate(trained).passed
    equal = claim(
        left={"run": "good", "metric": "grad_norm", "layer": 1}, op="==", right=-1.0, margin=0.5
    )
    assert not equal.evaluate(trained).passed


def test_several_runs_on_the_left_must_each_hold(trained):
    both = claim(left={"run": ["good", "tiny"], "metric": "diverged"}, op="==", right=0)
    result = both.evaluate(trained)
    assert result.passed and len(result.measured) == 2
    one_fails = claim(
        left={"run": ["good", "tiny"], "metric": "train_loss"}, op="<", right={"run": "tiny"}
    )
    assert not one_fails.evaluate(trained).passed


def test_path_claims_need_no_network():
    sgd = {"optimizer": "sgd", "lr": 0.95, "start": [-7.0, 2.0], "steps": 30}
    zigzag = claim(left={"metric": "sign_changes", "path": sgd}, op=">=", right=25)
    assert zigzag.evaluate(None).passed
    momentum = {"optimizer": "momentum", "lr": 0.1, "momentum": 0.9}
    fewer = claim(
        left={"metric": "sign_changes", "path": momentum}, op=">", right={"path": sgd}
    )  # the right side inherits the start; Momentum zig-zags less, so this fails
    assert not fewer.evaluate(None).passed
    diverges = claim(
        left={"metric": "path_diverged", "path": {**sgd, "lr": 20.0, "steps": 200}},
        op="==",
        right=1,
    )
    assert diverges.evaluate(None).passed


@pytest.mark.parametrize(
    ("table", "key", "words"),
    [
        ({"left": {"run": "a", "metric": "loss"}, "right": 1}, "claims[0].left.metric", "one of"),
        ({"left": {"run": "a", "metric": "train_loss"}, "right": 1, "op": "!="}, "op", "one of"),
        (
            {"left": {"run": "a", "metric": "train_loss", "colour": 1}, "right": 1},
            "colour",
            "unknown",
        ),
        (
            {"left": {"run": "a", "metric": "train_loss", "layer": 2}, "right": 1},
            "layer",
            "not measured per layer",
        ),
        ({"left": {"run": "a", "metric": "gradient_noise"}, "right": 1}, "batch_size", "needs"),
        ({"left": {"metric": "sign_changes"}, "right": 1}, "path", "give one"),
        ({"left": {"run": "a", "metric": "train_loss"}, "right": "big"}, "right", "number"),
        (
            {"left": {"run": ["a", "b"], "metric": "train_loss"}, "right": {"run": ["c"]}},
            "right.run",
            "needs 2",
        ),
        (
            {"left": {"run": "a", "metric": "train_loss"}, "right": 1, "text_ko": 3},
            "text_ko",
            "must be text, got 3",
        ),
        (
            {"left": {"run": "a", "metric": "train_loss"}, "right": 1, "text_kr": "주장"},
            "text_kr",
            "unknown",
        ),
    ],
)
def test_malformed_claims_name_the_key(table, key, words):
    with pytest.raises(ClaimError) as caught:
        claim(**table)
    assert key in caught.value.key
    assert words in str(caught.value)


def test_the_korean_text_is_optional_and_reaches_the_result():
    zigzag = {"left": {"metric": "sign_changes", "path": {"optimizer": "sgd", "lr": 0.95}}}
    english_only = claim(**zigzag, op=">=", right=0)
    assert english_only.text == {"en": "a test claim"}
    assert english_only.evaluate(None).text == {"en": "a test claim"}
    korean = claim(**zigzag, op=">=", right=0, text_ko="시험용 주장")
    assert korean.text == {"en": "a test claim", "ko": "시험용 주장"}
    result = korean.evaluate(None)
    assert result.text == {"en": "a test claim", "ko": "시험용 주장"}
    # the JSON report of `trainlab check` keeps its shape: English only
    assert result.to_dict()["text"] == "a test claim" and "text_ko" not in result.to_dict()


def test_the_readme_documents_every_metric_as_the_registry_does():
    readme = (Path(__file__).parent.parent / "presets" / "README.md").read_text(encoding="utf-8")
    assert metrics_table() in readme
