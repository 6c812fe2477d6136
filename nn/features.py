"""Input features: what a run sees of a low-dimensional sample, as in TensorFlow Playground.

A 2-D point (x₁, x₂) can be shown to a network as more than its two coordinates: their
squares, their product, their sines. With x₁² and x₂² a network with no hidden layer
draws a circle, which it cannot do from x₁ and x₂ alone: a better representation makes
a small net enough. Each run chooses its features (`RunConfig.features`); an empty
choice means the data's own columns, whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feature:
    """One input a run can see, made from the sample's first one or two columns."""

    name: str  # as a config writes it
    columns: int  # how many of the sample's columns it needs (x₂ needs two)
    compute: Callable[[np.ndarray], np.ndarray]  # (n, columns) → (n,)


FEATURES: dict[str, Feature] = {
    feature.name: feature
    for feature in (
        Feature("x1", 1, lambda x: x[:, 0]),
        Feature("x2", 2, lambda x: x[:, 1]),
        Feature("x1_sq", 1, lambda x: x[:, 0] ** 2),  # x₁²
        Feature("x2_sq", 2, lambda x: x[:, 1] ** 2),  # x₂²
        Feature("x1_x2", 2, lambda x: x[:, 0] * x[:, 1]),  # x₁x₂
        # sin(π·x): our coordinates span about [-1, 1], so one period across the data
        Feature("sin_x1", 1, lambda x: np.sin(np.pi * x[:, 0])),
        Feature("sin_x2", 2, lambda x: np.sin(np.pi * x[:, 1])),
    )
}


def columns_needed(features: tuple[str, ...]) -> int:
    """How many columns a sample must have for these features (0 for the data's own)."""
    return max((FEATURES[name].columns for name in features), default=0)


def transform(x: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    """The samples `x` (n, columns) as the run sees them: one column per feature, in the
    order given (the data itself when `features` is empty)."""
    if not features:
        return x
    return np.column_stack([FEATURES[name].compute(x) for name in features]).astype(x.dtype)
