"""The stacked network (initialization, parameter layout, forward modes) and what a
snapshot reports about each of its layers."""

from __future__ import annotations

import numpy as np
import pytest

from nn import Comparison, RunConfig
from nn.config import DataConfig
from nn.layers import Dropout
from nn.network import StackedNetwork


def make_network(
    sizes: tuple[int, ...] = (3, 6, 5, 3),
    activations: tuple[str, ...] = ("relu", "tanh"),
    init: str | float = "he",
    seed: int = 0,
) -> StackedNetwork:
    runs = len(activations)
    rngs = [np.random.default_rng([seed, run]) for run in range(runs)]
    network = StackedNetwork(sizes, list(activations), "softmax", "cross_entropy", "float64", rngs)
    init_rng = np.random.default_rng(seed)
    for run in range(runs):
        network.initialize(run, init, init_rng)
    return network


def batch(network: StackedNetwork, rows: int = 32, seed: int = 1):
    rng = np.random.default_rng(seed)
    x = 1.0 + 2.0 * rng.standard_normal((rows, network.sizes[0]))
    return x, rng.integers(0, network.sizes[-1], size=rows)


def switch(network: StackedNetwork, **settings) -> None:
    """Set per-run arrays (dropout_rates=[…], batch_norm=[…], l1=…, l2=…) and refresh."""
    for name, value in settings.items():
        getattr(network, name)[...] = value
    network.refresh()


# -- initialization and layout --------------------------------------------------------------


@pytest.mark.parametrize(
    ("init", "expected_std"),
    [("normal", 1.0), ("small", 0.01), ("xavier", 1 / np.sqrt(400)), ("he", np.sqrt(2 / 400))],
    ids=["normal", "small", "xavier", "he"],
)
def test_initial_weights_have_the_scheme_standard_deviation(init, expected_std):
    network = make_network((400, 300, 10), ("relu",), init=init)
    weights = network.parameters(0)["W1"]
    assert weights.std() == pytest.approx(expected_std, rel=0.01)
    assert abs(weights.mean()) < 0.01 * expected_std


def test_a_number_as_init_is_a_fixed_standard_deviation_and_extras_start_neutral():
    network = make_network((400, 300, 10), ("relu",), init=0.5)
    parameters = network.parameters(0)
    assert parameters["W1"].std() == pytest.approx(0.5, rel=0.01)
    assert parameters["W2"].std() == pytest.approx(0.5, rel=0.01)
    assert np.all(parameters["b1"] == 0) and np.all(parameters["beta1"] == 0)
    assert np.all(parameters["gamma1"] == 1)


def test_all_weights_come_first_in_a_parameter_row():
    network = make_network()
    weights = [network.slots[name] for name in ("W1", "W2", "W3")]
    assert weights[0].start == 0 and weights[-1].stop == network.n_weights
    assert all(a.stop == b.start for a, b in zip(weights, weights[1:], strict=False))
    assert network.params.shape == network.grads.shape == (2, network.n_params)
    assert network.n_params == (3 * 6 + 6 * 5 + 5 * 3) + (6 + 5 + 3) + 2 * (6 + 5)


def test_penalty_is_l1_plus_half_l2_of_the_weights_only():
    network = make_network()
    network.params[:, network.n_weights :] = 3.0  # biases, γ, β: not penalized
    switch(network, l1=[0.1, 0.0], l2=[0.0, 0.2])
    weights = network.params[:, : network.n_weights]
    expected = [0.1 * np.abs(weights[0]).sum(), 0.5 * 0.2 * (weights[1] ** 2).sum()]
    np.testing.assert_allclose(network.penalty(), expected, rtol=1e-12)


def test_set_parameters_writes_one_run_only():
    network = make_network()
    other_before = network.params[1].copy()
    network.set_parameters(0, {"W2": np.full((6, 5), 0.25), "b3": np.ones(3)})
    assert np.all(network.parameters(0)["W2"] == 0.25)
    assert np.all(network.parameters(0)["b3"] == 1.0)
    assert np.array_equal(network.params[1], other_before)


# -- forward modes ---------------------------------------------------------------------------


def test_dropout_acts_in_training_only():
    network = make_network()
    switch(network, dropout_rates=[0.5, 0.0])
    x, _ = batch(network)
    evaluated = network.forward(x, "eval")
    assert np.array_equal(network.forward(x, "eval"), evaluated)
    assert np.array_equal(network.forward(x, "probe"), evaluated)
    trained = network.forward(x, "train")
    assert not np.array_equal(trained[0], evaluated[0])  # run 0 drops units
    assert np.array_equal(trained[1], evaluated[1])  # run 1 has no dropout
    assert not np.array_equal(network.forward(x, "train")[0], trained[0])  # other units now


def test_inverted_dropout_drops_the_rate_and_scales_the_rest():
    rates = np.array([0.25, 0.0])
    dropout = Dropout(rates, [np.random.default_rng(run) for run in range(2)])
    dropout.active = True
    out = dropout.forward(np.ones((2, 400, 50)), training=True)
    assert set(np.unique(out[0])) == {0.0, 1 / 0.75}
    assert (out[0] == 0).mean() == pytest.approx(0.25, abs=0.01)
    assert np.all(out[1] == 1.0)


def test_dropout_draws_a_fresh_mask_at_every_training_step():
    """Claim 4.4: a random fraction is dropped *at every step*, not one fixed sub-network."""
    dropout = Dropout(np.array([0.5]), [np.random.default_rng(0)])
    dropout.active = True
    masks = [dropout.forward(np.ones((64, 32)), training=True) != 0 for _ in range(5)]
    for earlier, later in zip(masks, masks[1:], strict=False):
        assert not np.array_equal(earlier, later)
        assert 0.3 < (earlier != later).mean() < 0.7  # independent draws differ about half


def test_batch_norm_training_updates_running_statistics_and_probing_does_not():
    network = make_network()
    switch(network, batch_norm=[True, False])
    x, _ = batch(network)
    norm = network.norms[0]
    network.forward(x, "probe")
    network.forward(x, "eval")
    assert np.all(norm.running_mean == 0) and np.all(norm.running_var == 1)
    network.forward(x, "train")
    assert not np.all(norm.running_mean == 0)


def test_evaluation_uses_the_running_statistics():
    """With momentum 0 the running statistics are the last batch's, so evaluating that
    batch gives exactly what training on it gave."""
    network = make_network()
    switch(network, batch_norm=[True, True])
    for norm in network.norms:
        norm.momentum = 0.0
    x, _ = batch(network)
    trained = network.forward(x, "train")
    np.testing.assert_allclose(network.forward(x, "eval"), trained, rtol=1e-12)
    shifted = network.forward(x[:5] + 1.0, "eval")
    assert not np.allclose(shifted, network.forward(x[:5] + 1.0, "probe"))


def test_batch_norm_switched_off_for_a_run_leaves_that_run_untouched():
    network = make_network()
    x, _ = batch(network)
    plain = network.forward(x, "train")
    switch(network, batch_norm=[False, True])
    normalized = network.forward(x, "train")
    assert np.array_equal(normalized[0], plain[0])
    assert not np.allclose(normalized[1], plain[1])


def test_probe_keeps_every_hidden_output_with_the_run_axis():
    for activations in (("relu",), ("relu", "tanh")):
        network = make_network(activations=activations)
        x, _ = batch(network, rows=7)
        network.forward(x, "probe")
        shapes = [h.shape for h in network.hidden_outputs]
        assert shapes == [(len(activations), 7, 6), (len(activations), 7, 5)]


def test_taking_runs_keeps_their_parameters_and_running_statistics():
    network = make_network(activations=("relu", "tanh", "sigmoid"))
    switch(network, batch_norm=[True, True, True])
    x, _ = batch(network)
    network.forward(x, "train")
    taken = network.take([2, 0], [np.random.default_rng(run) for run in range(2)])
    assert taken.activation_names == ["sigmoid", "relu"]
    assert np.array_equal(taken.params, network.params[[2, 0]])
    np.testing.assert_array_equal(taken.forward(x, "eval"), network.forward(x, "eval")[[2, 0]])


# -- snapshots --------------------------------------------------------------------------------

WIDE = (100, 100, 100, 100, 100)


@pytest.fixture(scope="module")
def init_snapshot(probe_data):
    """The init experiment: 5 × 100 units on the 1000 × 100 probe, before any training."""
    base = RunConfig(
        name="sigmoid N(0,1)",
        data=DataConfig(name="probe"),
        layers=WIDE,
        activation="sigmoid",
        init="normal",
    )
    variants = {
        "sigmoid xavier": {"init": "xavier"},
        "relu he": {"activation": "relu", "init": "he"},
    }
    return Comparison.from_variants(base, variants, probe_data).snapshot()


def test_a_snapshot_has_stats_for_every_dense_layer(init_snapshot):
    for run in init_snapshot.runs:
        assert [layer.index for layer in run.layers] == [1, 2, 3, 4, 5, 6]
        assert all(layer.activation_hist is not None for layer in run.layers[:-1])
        assert run.layers[-1].activation_hist is None  # the output layer has no activation


def test_activation_histograms_count_every_probe_value(init_snapshot):
    for run in init_snapshot.runs:
        for layer, units in zip(run.layers, WIDE, strict=False):
            assert layer.activation_hist.sum() == 1000 * units
            assert len(layer.activation_edges) == len(layer.activation_hist) + 1


def test_weight_histograms_count_every_weight(init_snapshot):
    sizes = (100, *WIDE, 10)
    for run in init_snapshot.runs:
        for layer, n_in, n_out in zip(run.layers, sizes[:-1], sizes[1:], strict=True):
            assert layer.weight_hist.sum() == n_in * n_out


def test_sigmoid_with_unit_normal_init_saturates_and_xavier_does_not(init_snapshot):
    saturated = [layer.saturated for layer in init_snapshot.run("sigmoid N(0,1)").layers[:-1]]
    assert np.mean(saturated) > 0.5 and min(saturated) > 0.4
    xavier = [layer.saturated for layer in init_snapshot.run("sigmoid xavier").layers[:-1]]
    assert max(xavier) < 0.01


def test_sigmoid_histograms_span_zero_to_one(init_snapshot):
    layer = init_snapshot.run("sigmoid N(0,1)").layers[0]
    assert (layer.activation_edges[0], layer.activation_edges[-1]) == (0.0, 1.0)
    assert layer.dead is None


def test_relu_reports_dead_units_not_saturation(init_snapshot):
    for layer in init_snapshot.run("relu he").layers[:-1]:
        assert layer.saturated is None and 0.0 <= layer.dead < 0.1


def small_comparison(spiral, **changes) -> Comparison:
    config = RunConfig(name="run", layers=(20, 20), dtype="float64", batch_size=16)
    return Comparison([config.with_changes(**changes)], spiral)


def test_dead_fraction_counts_units_silent_for_the_whole_probe(spiral):
    comparison = small_comparison(spiral, activation="relu")
    assert comparison.snapshot().run("run").layers[0].dead == 0.0
    biases = comparison.parameters("run")["b1"]
    biases[0, :5] = -100.0  # five units that no input can wake
    comparison.set_parameters("run", {"b1": biases})
    assert comparison.snapshot().run("run").layers[0].dead == 5 / 20


def test_near_zero_is_the_fraction_of_tiny_weights(spiral):
    comparison = small_comparison(spiral, init="he")
    weights = comparison.parameters("run")["W2"]
    weights[:5] = 1e-4  # 5 of 20 rows
    comparison.set_parameters("run", {"W2": weights})
    layers = comparison.snapshot().run("run").layers
    assert layers[1].near_zero == pytest.approx(0.25, abs=0.01)
    assert layers[0].near_zero < 0.05


def test_max_weight_is_the_largest_absolute_weight_of_each_layer(spiral):
    comparison = small_comparison(spiral, init="he")
    weights = comparison.parameters("run")["W2"]
    weights[2, 3] = -7.5
    comparison.set_parameters("run", {"W2": weights})
    layers = comparison.snapshot().run("run").layers
    assert layers[1].max_weight == 7.5
    first = np.abs(comparison.parameters("run")["W1"]).max()
    assert layers[0].max_weight == pytest.approx(first)
    # a layer of zeros (strong L1) has 0, not the histogram's made-up range; NaN stays NaN
    comparison.set_parameters("run", {"W2": np.zeros_like(weights)})
    assert comparison.snapshot().run("run").layers[1].max_weight == 0.0
    weights[0, 0] = np.nan
    comparison.set_parameters("run", {"W2": weights})
    assert np.isnan(comparison.snapshot().run("run").layers[1].max_weight)


def test_gradient_and_update_statistics_appear_after_a_step(spiral):
    comparison = small_comparison(spiral)
    comparison.step(1)
    for layer in comparison.snapshot().run("run").layers:
        assert layer.grad_norm > 0 and 0 < layer.update_ratio < 1


@pytest.mark.parametrize(
    ("optimizer", "adaptive"),
    [
        ("sgd", False),
        ("momentum", False),
        ("nesterov", False),
        ("adagrad", True),
        ("rmsprop", True),
        ("adam", True),
    ],
)
def test_effective_step_is_reported_for_adaptive_optimizers_only(spiral, optimizer, adaptive):
    comparison = small_comparison(spiral, optimizer=optimizer)
    comparison.step(2)
    run = comparison.snapshot().run("run")
    steps = [layer.effective_step for layer in run.layers]
    if adaptive:
        assert all(step is not None and step > 0 for step in steps)
        assert run.history.effective_step[-1] > 0
    else:
        assert steps == [None] * len(steps)
        assert np.isnan(run.history.effective_step[-1])


def test_history_grows_with_each_snapshot_and_finds_steps(spiral):
    comparison = small_comparison(spiral)
    for steps in (0, 3, 4):
        comparison.step(steps)
        comparison.snapshot(layers=False)
    history = comparison.snapshot(layers=False).run("run").history
    assert list(history.step) == [0, 3, 7]  # a second snapshot at step 7 replaced the first
    assert len(history.train_loss) == len(history.test_accuracy) == 3
    assert [history.at_step(s) for s in (0, 2, 3, 6, 7, 100)] == [0, 0, 1, 1, 2, 2]
