"""trainlab's training core: NumPy only, no screen.

The short way in::

    from nn import Comparison, RunConfig

    base = RunConfig(layers=(16, 16), activation="relu", steps=500)
    comparison = Comparison.from_variants(base, {"sigmoid": {"activation": "sigmoid"}})
    comparison.step(500)
    for run in comparison.snapshot().runs:
        print(run.name, run.test_accuracy)
"""

from nn.comparison import Comparison
from nn.config import ConfigError, DataConfig, OptimizerConfig, RunConfig
from nn.snapshot import Change, History, LayerStats, RunSnapshot, Snapshot

__all__ = [
    "Change",
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
