"""Runs side by side: stacking, determinism, divergence, live changes and the comparison API.

Every comparison here trains small float64 nets on the session's 168-point spiral.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nn import Change, Comparison, ConfigError, DataConfig, RunConfig, RunSnapshot
from nn.comparison import BatchSampler
from nn.data import Dataset

STACK_TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}


def config(name: str = "base", **changes) -> RunConfig:
    """A small float64 run; `changes` as RunConfig.with_changes takes them (lr=…, …)."""
    base = RunConfig(name=name, layers=(8, 8), dtype="float64", batch_size=16, steps=10_000)
    return base.with_changes(**changes)


def flat_parameters(comparison: Comparison, name: str) -> np.ndarray:
    return np.concatenate([array.ravel() for array in comparison.parameters(name).values()])


def all_parameters(comparison: Comparison) -> dict[str, np.ndarray]:
    return {name: flat_parameters(comparison, name) for name in comparison.names}


def measured(run: RunSnapshot) -> dict:
    """Everything a snapshot measures about a run, except timing and history."""
    scalars = ("step", "status", "train_loss", "test_loss", "train_accuracy", "test_accuracy")
    layer_fields = (
        "activation_hist",
        "activation_mean",
        "activation_std",
        "grad_norm",
        "weight_hist",
        "near_zero",
        "update_ratio",
        "saturated",
        "dead",
    )
    values = {key: getattr(run, key) for key in (*scalars, "penalty")}
    for layer in run.layers:
        values.update({f"{key}{layer.index}": getattr(layer, key) for key in layer_fields})
    return values


def assert_identical(first: Comparison, second: Comparison) -> None:
    """Bit-identical parameters and snapshot measurements, run by run (NaN equals NaN)."""
    assert first.names == second.names
    for name in first.names:
        assert np.array_equal(flat_parameters(first, name), flat_parameters(second, name)), name
    ours, theirs = first.snapshot(), second.snapshot()
    for mine, other in zip(ours.runs, theirs.runs, strict=True):
        np.testing.assert_equal(measured(mine), measured(other), err_msg=mine.name)


# -- stacked equals one by one --------------------------------------------------------------

MIXED_RUNS = [
    config("sgd-tanh", optimizer="sgd", lr=0.1, activation="tanh"),
    config("momentum-relu", optimizer="momentum", lr=0.05, activation="relu", dropout=0.3),
    config("adam-sigmoid", optimizer="adam", lr=0.01, activation="sigmoid", dropout=0.1),
    config("rmsprop-leaky", optimizer="rmsprop", lr=0.005, activation="leaky_relu", dropout=0.5),
    config("nesterov-bn", optimizer="nesterov", lr=0.02, batch_norm=True, l2=0.01, l1=0.001),
]


def test_stacked_runs_train_exactly_as_each_run_alone(spiral):
    stacked = Comparison(MIXED_RUNS, spiral)
    assert len(stacked.groups) == 1 and stacked.groups[0].network.n_runs == len(MIXED_RUNS)
    stacked.step(30)
    together = stacked.snapshot()
    for run_config in MIXED_RUNS:
        alone = Comparison([run_config], spiral)
        alone.step(30)
        name = run_config.name
        np.testing.assert_allclose(
            flat_parameters(stacked, name), flat_parameters(alone, name), **STACK_TOLERANCE
        )
        mine, other = together.run(name), alone.snapshot().run(name)
        for metric in ("train_loss", "test_loss", "train_accuracy", "penalty"):
            assert getattr(mine, metric) == pytest.approx(getattr(other, metric), rel=1e-9)


# -- determinism ----------------------------------------------------------------------------

NOISY_RUNS = [
    config("dropout", dropout=0.3, optimizer="adam", lr=0.01),
    config("bn", batch_norm=True, activation="tanh", optimizer="momentum"),
]


def test_same_seed_gives_a_bit_identical_run_however_often_snapshots_are_taken(spiral):
    often, once = Comparison(NOISY_RUNS, spiral), Comparison(NOISY_RUNS, spiral)
    for steps in (1, 6, 5, 8):
        often.step(steps)
        often.snapshot()
    once.step(20)
    assert_identical(often, once)


def test_different_seeds_give_different_runs(spiral):
    first = Comparison(NOISY_RUNS, spiral)
    second = Comparison([run.with_changes(seed=1) for run in NOISY_RUNS], spiral)
    first.step(5)
    second.step(5)
    for name in first.names:
        assert not np.array_equal(flat_parameters(first, name), flat_parameters(second, name))


# -- divergence -----------------------------------------------------------------------------


def test_a_diverging_run_is_stopped_and_marked_while_the_others_train_on(spiral):
    runs = [config("calm"), config("wild", lr=1e4, activation="linear"), config("tanh")]
    comparison = Comparison(runs, spiral)
    assert len(comparison.groups) == 1  # the wild run shares the stack with the calm ones
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        comparison.step(40)
        snapshot = comparison.snapshot()
    wild = snapshot.run("wild")
    assert wild.status == "diverged"
    assert wild.diverged_step is not None and wild.diverged_step < 40
    assert wild.status_text == f"diverged at step {wild.diverged_step}"
    assert wild.step == wild.diverged_step  # stopped there
    for name in ("calm", "tanh"):
        run = snapshot.run(name)
        assert (run.status, run.step, run.diverged_step) == ("training", 40, None)
        assert np.isfinite(flat_parameters(comparison, name)).all()
        assert np.isfinite([run.train_loss, run.test_loss]).all()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_diverged_run_leaves_the_runs_stacked_with_it_bit_identical(spiral, dtype):
    """Its NaN scores must not send the healthy runs down another arithmetic path."""
    calm = config("calm", dtype=dtype)
    alone = Comparison([calm], spiral)
    stacked = Comparison([calm, config("wild", lr=1e6, activation="linear", dtype=dtype)], spiral)
    alone.step(60)
    stacked.step(60)
    assert stacked.snapshot().run("wild").status == "diverged"
    np.testing.assert_array_equal(flat_parameters(stacked, "calm"), flat_parameters(alone, "calm"))


def test_the_diverged_step_is_the_first_with_a_non_finite_loss(spiral):
    comparison = Comparison([config("wild", lr=1e4, activation="linear")], spiral)
    first_bad = None
    with np.errstate(all="ignore"):
        for step in range(1, 40):
            comparison.step(1)
            if first_bad is None and not np.isfinite(comparison.run("wild").last_loss):
                first_bad = step
    assert first_bad is not None
    assert comparison.snapshot().run("wild").status_text == f"diverged at step {first_bad}"


def test_weights_that_become_non_finite_mark_the_run_diverged(spiral):
    comparison = Comparison([config("a"), config("b")], spiral)
    comparison.step(3)
    weights = comparison.parameters("b")["W2"]
    weights[0, 0] = np.inf
    comparison.set_parameters("b", {"W2": weights})
    snapshot = comparison.snapshot()
    assert snapshot.run("b").status_text == "diverged at step 3"
    assert snapshot.run("a").status == "training"


# -- live changes ---------------------------------------------------------------------------

PAIR = [config("a"), config("b", optimizer="momentum")]


def test_a_live_change_applies_before_the_next_step_and_is_recorded(spiral):
    changed, unchanged = Comparison(PAIR, spiral), Comparison(PAIR, spiral)
    changed.step(5)
    unchanged.step(5)
    changed.change("b", dropout=0.5)
    assert changed.snapshot().changes == (Change(5, "b", "dropout", 0.0, 0.5),)
    assert_identical(changed, unchanged)  # nothing trained differently yet
    changed.step(1)
    unchanged.step(1)
    assert changed.run("b").config.dropout == 0.5
    assert not np.array_equal(flat_parameters(changed, "b"), flat_parameters(unchanged, "b"))
    assert np.array_equal(flat_parameters(changed, "a"), flat_parameters(unchanged, "a"))


def test_a_change_without_a_run_changes_every_run(spiral):
    comparison = Comparison(PAIR, spiral)
    comparison.step(2)
    comparison.change(None, lr=0.5)
    comparison.step(1)
    snapshot = comparison.snapshot()
    assert [run.lr for run in snapshot.runs] == [0.5, 0.5]
    assert [comparison.run(name).optimizer.lr for name in comparison.names] == [0.5, 0.5]
    assert snapshot.changes == (
        Change(2, "a", "lr", 0.01, 0.5),
        Change(2, "b", "lr", 0.01, 0.5),
    )


@pytest.mark.parametrize(
    "changes", [{"activation": "tanh"}, {"layers": (4,)}, {"batch_size": 8}, {"init": "xavier"}]
)
def test_settings_that_cannot_change_live_are_refused(spiral, changes):
    comparison = Comparison(PAIR, spiral)
    with pytest.raises(ConfigError, match="cannot change while training"):
        comparison.change("a", **changes)


def test_an_invalid_live_value_is_refused_in_the_callers_thread(spiral):
    comparison = Comparison(PAIR, spiral)
    with pytest.raises(ConfigError, match="dropout: must be less than 1"):
        comparison.change("a", dropout=1.0)
    with pytest.raises(KeyError, match="no run named 'c'"):
        comparison.change("c", lr=0.1)
    comparison.step(1)
    assert comparison.snapshot().changes == ()


def test_scheduled_changes_fire_at_their_step(spiral):
    comparison = Comparison(PAIR, spiral)
    comparison.at_step(3, "b", lr=0.2)
    comparison.at_step(7, None, optimizer="adam")
    comparison.step(10)
    assert comparison.snapshot().changes == (
        Change(3, "b", "lr", 0.01, 0.2),
        Change(7, "a", "optimizer", "sgd", "adam"),
        Change(7, "b", "optimizer", "momentum", "adam"),
    )
    assert comparison.run("b").optimizer.name == "adam"
    assert comparison.run("b").optimizer.lr == 0.2


def test_a_replay_of_the_recorded_changes_is_bit_identical(spiral):
    live = Comparison(NOISY_RUNS, spiral)
    for steps, run, changes in [
        (4, "dropout", {"dropout": 0.5}),
        (3, None, {"lr": 0.05}),
        (2, "bn", {"optimizer": "adam"}),
        (0, "bn", {"batch_norm": False}),
        (6, "dropout", {"l1": 0.001, "l2": 0.01}),
    ]:
        live.step(steps)
        live.change(run, **changes)
    live.step(5)
    recorded = live.snapshot().changes

    replay = Comparison(NOISY_RUNS, spiral)
    for change in recorded:
        replay.at_step(change.step, change.run, **{change.setting: change.new})
    replay.step(live.step_count)
    assert replay.snapshot().changes == recorded
    assert_identical(live, replay)


# -- groups, adding, removing, resetting --------------------------------------------------------


def test_runs_of_different_shapes_form_separate_groups_and_all_train(spiral):
    runs = [config("wide"), config("narrow", layers=(5,)), config("other-seed", seed=3)]
    comparison = Comparison(runs, spiral)
    assert len(comparison.groups) == 3
    before = all_parameters(comparison)
    comparison.step(10)
    for run in comparison.snapshot().runs:
        assert run.step == 10
        assert not np.array_equal(before[run.name], flat_parameters(comparison, run.name))


def test_a_run_added_before_the_first_step_joins_the_stack(spiral):
    comparison = Comparison(PAIR, spiral)
    comparison.add_run(config("c", activation="tanh"))
    assert len(comparison.groups) == 1 and comparison.groups[0].network.n_runs == 3


def test_a_run_added_later_starts_at_step_0_in_its_own_group_as_if_alone(spiral):
    comparison = Comparison(PAIR, spiral)
    comparison.step(6)
    late = config("late", activation="tanh", dropout=0.2)
    comparison.add_run(late)
    assert len(comparison.groups) == 2
    comparison.step(4)
    assert [run.step for run in comparison.snapshot().runs] == [10, 10, 4]
    alone = Comparison([late], spiral)
    alone.step(4)
    np.testing.assert_allclose(
        flat_parameters(comparison, "late"), flat_parameters(alone, "late"), **STACK_TOLERANCE
    )


def test_removing_a_run_keeps_the_others_and_their_training(spiral):
    runs = [config("gone"), *NOISY_RUNS]
    comparison = Comparison(runs, spiral)
    comparison.step(5)
    kept = {name: flat_parameters(comparison, name) for name in ("dropout", "bn")}
    comparison.remove_run("gone")
    assert comparison.names == ["dropout", "bn"]
    for name, parameters in kept.items():
        assert np.array_equal(flat_parameters(comparison, name), parameters)
    comparison.step(5)
    never_had_it = Comparison(NOISY_RUNS, spiral)
    never_had_it.step(10)
    for name in kept:
        expected = flat_parameters(never_had_it, name)
        np.testing.assert_allclose(flat_parameters(comparison, name), expected, **STACK_TOLERANCE)


def test_the_last_run_cannot_be_removed(spiral):
    comparison = Comparison([config("only")], spiral)
    with pytest.raises(ConfigError, match="at least one run"):
        comparison.remove_run("only")


def test_a_change_queued_before_its_run_is_removed_is_recorded_not_lost(spiral):
    """The app's keys can change a run and remove it before the next step."""
    comparison = Comparison([config("kept"), config("gone")], spiral)
    comparison.change("gone", dropout=0.2)
    comparison.remove_run("gone")
    comparison.step(2)
    assert comparison.names == ["kept"]
    assert [(c.run, c.setting, c.step) for c in comparison.changes] == [("gone", "dropout", 0)]


def test_reset_returns_to_step_0_and_reproduces_the_same_first_steps(spiral):
    comparison = Comparison(NOISY_RUNS, spiral)
    start = all_parameters(comparison)
    comparison.step(3)
    after_three = all_parameters(comparison)
    comparison.step(7)
    comparison.reset()
    assert comparison.step_count == 0
    assert [run.step for run in comparison.snapshot().runs] == [0, 0]
    for name, parameters in start.items():
        assert np.array_equal(flat_parameters(comparison, name), parameters)
    comparison.step(3)
    for name, parameters in after_three.items():
        assert np.array_equal(flat_parameters(comparison, name), parameters)


# -- budgets and batches --------------------------------------------------------------------------


def test_a_budget_in_epochs_stops_the_run_after_that_many_passes(spiral):
    comparison = Comparison([config("two epochs", epochs=2.0), config("long")], spiral)
    expected = 2 * (168 // 16)
    comparison.step(expected + 5)
    short = comparison.snapshot().run("two epochs")
    assert (short.budget, short.step, short.status) == (expected, expected, "done")
    assert short.epoch == pytest.approx(2.0)  # an epoch is one pass through one shuffle
    assert comparison.snapshot().run("long").step == expected + 5
    assert not comparison.done


def test_all_runs_done_stops_stepping(spiral):
    comparison = Comparison([config("short", steps=3)], spiral)
    comparison.step(10)
    assert comparison.done and comparison.step_count == 3


def test_full_batch_is_gradient_descent_on_the_whole_training_set(spiral):
    comparison = Comparison([config("gd", batch_size="full", lr=0.5)], spiral)
    network = comparison.groups[0].network
    start = network.params[0].copy()
    network.loss_and_gradients(spiral.x_train, spiral.y_train)
    expected = start - 0.5 * network.grads[0]
    comparison.step(1)
    np.testing.assert_allclose(network.params[0], expected, rtol=1e-12, atol=1e-15)
    comparison.step(4)
    snapshot = comparison.snapshot().run("gd")
    assert snapshot.epoch == snapshot.step == 5
    assert snapshot.samples_seen == 5 * len(spiral.y_train)


def test_mini_batches_cover_each_epoch_without_repeats():
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    sampler = BatchSampler(x, y, rows=3, rng=np.random.default_rng(0))
    for _ in range(2):  # two epochs of three whole batches; the partial batch is skipped
        seen = np.concatenate([sampler.next()[1] for _ in range(3)])
        assert len(set(seen)) == 9
    assert BatchSampler(x, y, rows=10, rng=np.random.default_rng(0)).next()[1] is y


# -- parameters, decision regions, gradient noise --------------------------------------------


def test_parameters_round_trip_between_runs(spiral):
    trained = Comparison([config("a", activation="tanh")], spiral)
    trained.step(10)
    fresh = Comparison([config("b", activation="tanh", seed=5)], spiral)
    fresh.set_parameters("b", trained.parameters("a"))
    assert np.array_equal(flat_parameters(fresh, "b"), flat_parameters(trained, "a"))
    assert fresh.snapshot().run("b").test_loss == trained.snapshot().run("a").test_loss


def test_parameters_are_copies_and_bad_ones_are_refused(spiral):
    comparison = Comparison([config("a")], spiral)
    parameters = comparison.parameters("a")
    assert set(parameters) == {"W1", "W2", "W3", "b1", "b2", "b3", "gamma1", "gamma2"} | {
        "beta1",
        "beta2",
    }
    assert parameters["W1"].shape == (2, 8) and parameters["b3"].shape == (1, 3)
    parameters["W1"][...] = 0
    assert np.any(comparison.parameters("a")["W1"] != 0)
    with pytest.raises(KeyError, match="no parameter 'W9'"):
        comparison.set_parameters("a", {"W9": np.zeros(3)})
    with pytest.raises(ValueError, match="W1: expected shape"):
        comparison.set_parameters("a", {"W1": np.zeros((3, 3))})


def test_decision_grid_covers_the_data_with_class_probabilities(spiral):
    comparison = Comparison([config("a")], spiral)
    comparison.step(5)
    xs, ys, probabilities = comparison.decision_grid("a", resolution=(12, 7))
    assert xs.shape == (12,) and ys.shape == (7,)
    assert probabilities.shape == (7, 12, 3)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, rtol=1e-12)
    points = np.concatenate([spiral.x_train, spiral.x_test])
    assert xs[0] < points[:, 0].min() and xs[-1] > points[:, 0].max()
    assert ys[0] < points[:, 1].min() and ys[-1] > points[:, 1].max()


def test_decision_grid_needs_two_dimensional_data(probe_data):
    comparison = Comparison([config("a", layers=(4,))], probe_data)
    with pytest.raises(ValueError, match="2-D data"):
        comparison.decision_grid("a")


def test_larger_batches_give_gradients_closer_to_the_full_gradient(spiral):
    comparison = Comparison([config("a")], spiral)
    comparison.step(20)
    cosines = comparison.gradient_noise("a", [2, 16, 128, 1000])
    assert list(cosines) == [2, 16, 128, 1000]
    assert cosines[2] < cosines[16] < cosines[128] < 1.0
    assert cosines[1000] == pytest.approx(1.0)  # a batch of everything is the full gradient


def test_measuring_gradient_noise_does_not_change_the_run(spiral):
    measured_run, untouched = Comparison(NOISY_RUNS, spiral), Comparison(NOISY_RUNS, spiral)
    measured_run.step(5)
    untouched.step(5)
    for name in measured_run.names:
        measured_run.gradient_noise(name, [4, 32], batches=3)
    assert_identical(measured_run, untouched)
    measured_run.step(5)
    untouched.step(5)
    assert_identical(measured_run, untouched)


def test_the_history_can_be_drawn_over_steps_epochs_samples_or_seconds(spiral):
    """Every snapshot records the x axes a chart may choose, and the effective step of an
    adaptive optimizer without per-layer statistics (so its curve has every point)."""
    comparison = Comparison(
        [config("sgd"), config("adam", optimizer="adam", batch_size="full")], spiral
    )
    for _ in range(4):
        comparison.step(5)
        comparison.snapshot(layers=False)
    sgd, adam = (comparison.snapshot(layers=False).run(name).history for name in ("sgd", "adam"))
    assert sgd.step.tolist() == [5, 10, 15, 20]  # (the same step measured again: one point)
    assert sgd.samples_seen.tolist() == [16 * step for step in sgd.step]
    assert adam.samples_seen.tolist() == [168 * step for step in adam.step]
    assert np.all(np.diff(sgd.seconds) >= 0) and sgd.seconds[-1] > 0
    assert np.isnan(sgd.effective_step).all()
    assert np.isfinite(adam.effective_step).all() and np.all(np.diff(adam.effective_step[:4]) < 0)
    assert np.isnan(sgd.gradient_noise).all()  # measured only when asked


def test_gradient_noise_is_measured_per_run_at_its_batch_size_when_asked(spiral):
    comparison = Comparison([config("small", batch_size=4), config("big", batch_size=128)], spiral)
    comparison.step(50)
    before = all_parameters(comparison)
    snapshot = comparison.snapshot(noise=True)
    small, big = (snapshot.run(name).history.gradient_noise[-1] for name in ("small", "big"))
    assert -1 <= small < big <= 1 and big > 0.8  # a big batch follows the full gradient
    after = all_parameters(comparison)
    assert all(np.array_equal(before[name], after[name]) for name in before)  # changed nothing
    comparison.step(1)  # and training goes on as it would have
    fresh = Comparison([config("small", batch_size=4), config("big", batch_size=128)], spiral)
    fresh.step(51)
    assert_identical(comparison, fresh)


def test_squared_input_features_let_a_linear_model_solve_circles():
    """Claim of TensorFlow Playground: a better representation makes a small net enough."""
    data = DataConfig(name="circles", samples=400, noise=0.05)
    base = RunConfig(name="raw", layers=(), data=data, steps=600).with_changes(
        optimizer="adam", lr=0.05
    )
    comparison = Comparison.from_variants(base, {"squares": {"features": ["x1_sq", "x2_sq"]}})
    comparison.step(600)
    raw, squares = comparison.snapshot().runs
    assert raw.test_accuracy < 0.7 < 0.95 < squares.test_accuracy


def test_features_are_refused_where_the_data_has_too_few_columns(spiral):
    with pytest.raises(ConfigError, match="features: sine has 1 input column"):
        RunConfig(data=DataConfig(name="sine"), features=("x2",))
    with pytest.raises(ConfigError, match="features: must be one of"):
        RunConfig(features=("x3",))
    rng = np.random.default_rng(0)
    one_column = Dataset(
        "one.npz",
        rng.random((8, 1)),
        np.arange(8) % 2,
        rng.random((4, 1)),
        np.arange(4) % 2,
        2,
        ("a", "b"),
    )
    file = DataConfig(name="npz", path="one.npz")  # a file's columns are known once read
    with pytest.raises(ConfigError, match="need\\(s\\) 2 input columns; this data set has 1"):
        Comparison([RunConfig(features=("x1_x2",), data=file)], one_column)


@pytest.mark.parametrize("name", ["plane", "mixture", "sine"])
def test_a_regression_set_trains_with_mse_and_reports_r2(name):
    config = RunConfig(
        name="fit",
        layers=(16, 16),
        activation="tanh",
        init="xavier",
        data=DataConfig(name=name, samples=300, noise=0.05),
        steps=1500,
    ).with_changes(optimizer="adam", lr=0.01)
    assert (config.output, config.loss) == ("linear", "mse")  # the task's defaults
    comparison = Comparison([config])
    comparison.step(1500)
    run = comparison.snapshot().run("fit")
    assert run.test_r2 > 0.9 and np.isnan(run.test_accuracy)
    assert np.isfinite(run.history.test_r2).all()
    xs, ys, values = comparison.decision_grid("fit")
    assert values.shape == (len(ys), len(xs), 1)
    _, _, layers = comparison.unit_grids("fit")
    columns = 1 if name == "sine" else 2
    assert [layer.shape[0] for layer in layers] == [columns, 16, 16, 1]


def test_regression_refuses_cross_entropy():
    with pytest.raises(ConfigError, match="loss: a regression set's targets are numbers"):
        RunConfig(data=DataConfig(name="plane"), output="softmax", loss="cross_entropy")


def test_a_scheduled_change_for_a_run_removed_meanwhile_is_dropped(spiral):
    """A preset's timeline may name a run the student has removed: training goes on."""
    comparison = Comparison([config("a"), config("b")], spiral)
    comparison.at_step(5, "b", lr=0.1)
    comparison.at_step(5, None, dropout=0.2)
    comparison.step(2)
    comparison.remove_run("b")
    comparison.step(10)
    assert comparison.step_count == 12 and comparison.run("a").config.dropout == 0.2
