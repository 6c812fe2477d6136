"""Checking the lecture: play presets headless and evaluate their claims, for one seed or
for many (a claim must hold for any seed, not only for the one a preset ships with).

The command line (`trainlab check`, tui/commands/check.py) prints what this returns.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from presets.claims import ClaimResult
from presets.loader import load_preset
from presets.player import PresetResult, run_preset
from presets.preset import Preset

MIN_PASS_RATE = 0.9  # a shipped claim passes for at least 9 seeds in 10


def check_preset(preset: Preset, seed: int | None = None) -> PresetResult:
    """Play the preset (with another seed, if given) and evaluate its claims."""
    return run_preset(preset if seed is None else preset.with_seed(seed))


@dataclass(frozen=True)
class SeedResult:
    """One preset played with one seed: its claims' verdicts and values, and the time."""

    preset: str
    seed: int
    claims: tuple[ClaimResult, ...]
    seconds: float


@dataclass(frozen=True)
class PassRate:
    """One claim over many seeds."""

    preset: str
    index: int  # the claim's place in its preset (several claims share a lecture id)
    claim: ClaimResult  # its verdict at the first seed, for the id and the text
    passed: tuple[bool, ...]  # by seed, in the order played
    seeds: tuple[int, ...]

    @property
    def rate(self) -> float:
        return sum(self.passed) / len(self.passed)

    @property
    def failed_seeds(self) -> tuple[int, ...]:
        return tuple(seed for seed, ok in zip(self.seeds, self.passed, strict=True) if not ok)


def _play_seed(target: str, seed: int) -> SeedResult:
    """In a worker process: one preset, one seed (by name or path: a Preset is rebuilt
    there rather than sent)."""
    result = check_preset(load_preset(target), seed)
    return SeedResult(result.preset.name, seed, tuple(result.claims), result.seconds)


def play_seeds(
    presets: Sequence[Preset], seeds: Sequence[int], jobs: int = 1
) -> Iterator[SeedResult]:
    """Every preset with every seed, as each finishes (in `jobs` processes at once)."""
    tasks = [(preset.path or preset.name, seed) for preset in presets for seed in seeds]
    targets = {preset.path or preset.name: preset for preset in presets}
    if jobs <= 1:
        for target, seed in tasks:
            result = check_preset(targets[target], seed)
            yield SeedResult(result.preset.name, seed, tuple(result.claims), result.seconds)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        yield from pool.map(_play_seed, *zip(*tasks, strict=True))


def pass_rates(results: Sequence[SeedResult]) -> list[PassRate]:
    """Each claim's verdicts across the seeds played, in preset and claim order."""
    by_claim: dict[tuple[str, int], list[tuple[int, ClaimResult]]] = {}
    for result in results:
        for index, claim in enumerate(result.claims):
            by_claim.setdefault((result.preset, index), []).append((result.seed, claim))
    rates = []
    for (preset, index), verdicts in by_claim.items():
        verdicts.sort(key=lambda item: item[0])
        rates.append(
            PassRate(
                preset,
                index,
                verdicts[0][1],
                tuple(claim.passed for _, claim in verdicts),
                tuple(seed for seed, _ in verdicts),
            )
        )
    return rates
