"""Run configurations: validated where they are made, in words a student understands, and
round-tripping through dicts and TOML."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import Comparison, ConfigError, DataConfig, OptimizerConfig, RunConfig
from nn.config import (
    ACTIVATIONS,
    DTYPES,
    INITS,
    MAX_MEMORY_BYTES,
    check_memory,
    estimate_memory,
)
from nn.optimizers import OPTIMIZERS
from presets.claims import Measure


def error_of(make) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        make()
    return caught.value


# -- validation messages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: RunConfig(layers=(100, -3)), "layers: sizes must be positive integers, got -3"),
        (lambda: RunConfig(layers=(8, 2.5)), "layers: sizes must be positive integers, got 2.5"),
        (lambda: OptimizerConfig(lr="fast"), "optimizer.lr: must be a number, got 'fast'"),
        (lambda: RunConfig.from_dict({"lr": "0.1"}), "optimizer.lr: must be a number, got '0.1'"),
        (lambda: OptimizerConfig(lr=0.0), "optimizer.lr: must be greater than 0, got 0"),
        (lambda: RunConfig(batch_size=-5), "batch_size: must be at least 1, got -5"),
        (
            lambda: RunConfig(batch_size="half"),
            "batch_size: must be a positive whole number or 'full', got 'half'",
        ),
        (lambda: RunConfig(dropout=1.0), "dropout: must be less than 1, got 1"),
        (lambda: RunConfig(l2=-0.1), "l2: must be at least 0, got -0.1"),
        (
            lambda: OptimizerConfig(name="adamw"),
            "optimizer.name: must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam; "
            "got 'adamw'",
        ),
        (
            lambda: RunConfig(output="sigmoid"),
            "loss: cross_entropy goes with a softmax output, mse with sigmoid, tanh or linear; "
            "got output 'sigmoid' with loss 'cross_entropy'",
        ),
    ],
    ids=[
        "negative-layer",
        "fractional-layer",
        "text-lr",
        "text-lr-in-dict",
        "zero-lr",
        "negative-batch",
        "word-batch",
        "dropout-one",
        "negative-l2",
        "unknown-optimizer",
        "loss-output-mismatch",
    ],
)
def test_invalid_settings_are_refused_with_a_helpful_message(make, message):
    assert str(error_of(make)) == message


def test_the_error_names_the_field_apart_from_the_reason():
    error = error_of(lambda: RunConfig(dropout=1.5))
    assert (error.field, error.reason) == ("dropout", "must be less than 1, got 1.5")
    assert isinstance(error, ValueError)


def test_an_unknown_toml_key_is_named_with_the_known_ones():
    error = error_of(lambda: RunConfig.from_toml("layerz = [3]", where="my.toml"))
    assert error.field == "my.toml: layerz"
    assert "unknown setting; known ones are activation, batch_norm, batch_size" in str(error)


def test_an_unknown_key_in_a_table_is_named_with_its_table():
    error = error_of(lambda: RunConfig.from_toml("[optimizer]\nmomentm = 0.5"))
    assert error.field.endswith("optimizer.momentm")
    assert "known ones are beta1, beta2, decay, eps, lr, momentum, name" in str(error)


def test_broken_toml_is_reported_as_such_with_the_file_name():
    error = error_of(lambda: RunConfig.from_toml("layers = [", where="my.toml"))
    assert str(error).startswith("my.toml: not valid TOML")


def test_a_bad_value_in_toml_names_file_and_field():
    error = error_of(lambda: RunConfig.from_toml("dropout = 2.0", where="my.toml"))
    assert str(error) == "my.toml: dropout: must be less than 1, got 2"


def test_with_changes_refuses_settings_that_do_not_exist():
    error = error_of(lambda: RunConfig().with_changes(learning_rate=0.1))
    assert str(error) == "learning_rate: not a setting of a run"


def test_csv_data_needs_a_path():
    error = error_of(lambda: DataConfig(name="csv"))
    assert str(error) == "data.path: a csv data set needs the path of its file"


# -- round trips --------------------------------------------------------------------------

# Names and paths without control characters (a test below covers those).
plain_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
positive = st.floats(min_value=1e-8, max_value=1e3, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=0.0, max_value=0.999, allow_nan=False)

data_configs = st.builds(
    DataConfig,
    name=st.sampled_from(["spiral", "circles", "xor", "gaussians", "moons", "probe"]),
    samples=st.integers(4, 10_000),
    noise=st.floats(min_value=0.0, max_value=5.0),
    train_ratio=st.floats(min_value=0.01, max_value=0.99),
    classes=st.integers(2, 10),
    seed=st.integers(0, 2**32),
    path=plain_text,
    train_limit=st.integers(0, 1000),
)
optimizer_configs = st.builds(
    OptimizerConfig,
    name=st.sampled_from(tuple(OPTIMIZERS)),
    lr=positive,
    momentum=fraction,
    decay=fraction,
    beta1=fraction,
    beta2=fraction,
    eps=positive,
)
run_configs = st.builds(
    RunConfig,
    name=plain_text.filter(str.strip),
    data=data_configs,
    layers=st.lists(st.integers(1, 512), max_size=6).map(tuple),
    activation=st.sampled_from(ACTIVATIONS),
    init=st.one_of(st.sampled_from(INITS), positive),
    optimizer=optimizer_configs,
    batch_size=st.one_of(st.just("full"), st.integers(1, 1024)),
    l1=st.floats(min_value=0.0, max_value=1.0),
    l2=st.floats(min_value=0.0, max_value=1.0),
    dropout=fraction,
    batch_norm=st.booleans(),
    dtype=st.sampled_from(DTYPES),
    seed=st.integers(0, 2**63 - 1),
    steps=st.integers(1, 10**6),
    epochs=st.floats(min_value=0.0, max_value=100.0),
)


@settings(max_examples=60, deadline=None)
@given(run_configs)
def test_any_valid_config_round_trips_through_toml(config):
    assert RunConfig.from_toml(config.to_toml()) == config


@settings(max_examples=60, deadline=None)
@given(run_configs)
def test_any_valid_config_round_trips_through_a_dict(config):
    assert RunConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize("name", ["pasted\r", "bell\x07", "del\x7f"])
def test_names_with_control_characters_round_trip_through_toml(name):
    config = RunConfig(name=name, data=DataConfig(path=f"C:\\data\\{name}.csv"))
    assert RunConfig.from_toml(config.to_toml()) == config


def test_a_short_dict_uses_defaults_and_the_lr_and_optimizer_shorthands():
    config = RunConfig.from_dict({"name": "fast", "optimizer": "adam", "lr": 0.003})
    assert config.optimizer == OptimizerConfig(name="adam", lr=0.003)
    assert config.layers == RunConfig().layers


@pytest.mark.parametrize(
    ("name", "lr"),
    [
        ("sgd", 0.01),
        ("momentum", 0.01),
        ("nesterov", 0.01),
        ("adagrad", 0.01),
        ("rmsprop", 0.01),
        ("adam", 0.001),
    ],
)
def test_a_left_out_learning_rate_is_the_textbooks_for_that_optimizer(name, lr):
    assert OptimizerConfig(name).lr == lr
    assert RunConfig.from_dict({"optimizer": name}).optimizer.lr == lr
    assert RunConfig.from_dict({"optimizer": {"name": name}}).optimizer.lr == lr


def test_layers_given_as_a_list_become_a_tuple():
    assert RunConfig(layers=[4, 5]).layers == (4, 5)


# -- comparing and changing ---------------------------------------------------------------


def test_differences_lists_each_changed_setting_by_dotted_name_but_not_the_name():
    base = RunConfig(name="base")
    variant = base.with_changes(name="variant", activation="tanh", lr=0.1, data={"noise": 0.3})
    assert base.differences(variant) == {
        "activation": ("relu", "tanh"),
        "optimizer.lr": (0.01, 0.1),
        "data.noise": (0.1, 0.3),
    }
    assert base.differences(base.with_changes(name="same")) == {}


def test_with_changes_accepts_an_optimizer_name_and_keeps_its_other_settings():
    base = RunConfig(optimizer=OptimizerConfig(name="sgd", lr=0.5, momentum=0.8))
    changed = base.with_changes(optimizer="momentum")
    assert changed.optimizer == OptimizerConfig(name="momentum", lr=0.5, momentum=0.8)
    assert changed.optimizer.hyper == {"momentum": 0.8}


def test_budget_in_epochs_counts_whole_batches_per_epoch():
    config = RunConfig(batch_size=16, epochs=2.0)
    assert config.budget_steps(n_train=168) == 2 * (168 // 16)
    assert RunConfig(batch_size="full", epochs=3.0).budget_steps(168) == 3
    assert RunConfig(steps=77).budget_steps(168) == 77
    # part of an epoch: up to the first step at which the epoch count gets there
    assert RunConfig(batch_size=16, epochs=2.5).budget_steps(n_train=216) == 33  # 13 a epoch


def test_a_claim_at_an_epoch_reads_the_step_at_which_the_run_counts_that_epoch():
    config = RunConfig(batch_size=32, epochs=2.5)
    assert Measure("train_loss", at_epoch=1).step_for(config, 2000) == 62  # 2000 // 32
    n_train = 216  # 13 whole batches of 16 an epoch
    config = RunConfig(batch_size=16, epochs=2.5)
    last = Measure("train_loss", at_epoch=2.5).step_for(config, n_train)
    assert last == config.budget_steps(n_train) == 33  # the run's end, not past it


# -- memory guard ---------------------------------------------------------------------------


def test_memory_estimate_grows_with_the_layers():
    small, big = RunConfig(layers=(10,)), RunConfig(layers=(1000,))
    assert estimate_memory(small, 2, 3, 100) < estimate_memory(big, 2, 3, 100)


def test_memory_guard_refuses_a_huge_config_with_a_message_instead_of_allocating(spiral):
    huge = RunConfig(layers=(20_000, 20_000))
    assert estimate_memory(huge, 2, 3, 168) > MAX_MEMORY_BYTES
    tracemalloc.start()
    try:
        error = error_of(lambda: Comparison([huge], spiral))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024**2  # refused before any big array exists
    assert error.field == "layers"
    assert "GiB of memory (the limit is 2 GiB); use fewer or smaller layers" in str(error)


def test_memory_guard_counts_all_runs_together():
    config = RunConfig(layers=(6000, 6000), dtype="float64")
    check_memory([config], 2, 3, 168)  # one fits
    with pytest.raises(ConfigError, match="GiB"):
        check_memory([config.with_changes(name=f"run {i}") for i in range(4)], 2, 3, 168)
