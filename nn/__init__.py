"""trainlab's training core: NumPy only, no screen, no scenarios, no language.

    config.py       a run's settings, validated, to and from TOML
    data/           the data sets: 2-D shapes, the probe, Fashion-MNIST, the user's files
    layers.py       each layer's forward and backward pass
    network.py      a stack of runs' networks as one computation
    optimizers.py   SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam (one registry)
    comparison.py   runs side by side, fed the same mini-batches; live changes
    network_view.py every unit's picture over the input plane, for the Network tab
    checkpoint.py   a comparison saved to a file and loaded again, to go on bit for bit
    measure.py      what a snapshot measures: layer statistics, decision grid, noise
    snapshot.py     what a comparison reports: plain, immutable data
    surfaces.py     2-D loss surfaces and the paths optimizers walk on them
    errors.py       user errors: an English message, and a code the app says in any language

The short way in::

    from nn import Comparison, RunConfig

    base = RunConfig(layers=(16, 16), activation="relu", steps=500)
    comparison = Comparison.from_variants(base, {"sigmoid": {"activation": "sigmoid"}})
    comparison.step(500)
    for run in comparison.snapshot().runs:
        print(run.name, run.test_accuracy)
"""

from nn import checkpoint
from nn.comparison import Comparison
from nn.config import ConfigError, DataConfig, OptimizerConfig, RunConfig
from nn.snapshot import Change, History, LayerStats, RunSnapshot, Snapshot

__all__ = [
    "Change",
    "checkpoint",
    "Comparison",
    "ConfigError",
    "DataConfig",
    "History",
    "LayerStats",
    "OptimizerConfig",
    "RunConfig",
    "RunSnapshot",
    "Snapshot",
]
