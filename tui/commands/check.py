"""`trainlab check`: play presets headless and report every claim, PASS or FAIL.

The program's own proof that the lecture happens: each claim is printed with the values
it measured. With `--seeds N`, each preset is played with seeds 0 to N-1 and each claim's
pass rate is printed: a claim must hold for any seed, not only for the shipped one.
Exit status 0 when every claim passes (with --seeds: passes for at least 90 % of the
seeds), 1 when one does not, 2 when a preset cannot be loaded (the message, on stderr,
names the file and the key or line).
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from nn.config import ConfigError
from nn.data import DataError
from presets.check import MIN_PASS_RATE, PassRate, SeedResult, check_preset, pass_rates, play_seeds
from presets.claims import ClaimResult
from presets.loader import PresetError, load_preset, located, preset_names
from presets.player import PresetResult
from presets.texts import english

EXIT_OK, EXIT_FAILED, EXIT_BAD_PRESET = 0, 1, 2


def check_command(
    names: list[str],
    as_json: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    seed: int | None = None,
    seeds: int | None = None,
    jobs: int = 1,
) -> int:
    """Run the named presets (all shipped ones when none) and print their claims; with
    `seeds`, play each with seeds 0 … seeds-1 and print each claim's pass rate."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        for option, value, low in (("--seeds", seeds, 1), ("--seed", seed, 0), ("--jobs", jobs, 1)):
            if value is not None and value < low:
                raise ConfigError(option, f"must be at least {low}, got {value}")
        presets = [load_preset(name) for name in (names or preset_names())]
    except (PresetError, ConfigError) as error:
        print(f"trainlab check: {error}", file=err)
        return EXIT_BAD_PRESET
    if seeds is not None:
        return _check_seeds(presets, seeds, jobs, as_json, out, err)
    results = []
    for preset in presets:
        try:
            result = check_preset(preset, seed)
        except (DataError, ConfigError) as error:  # e.g. its CSV is missing, or too big
            print(f"trainlab check: {located(error, preset.path)}", file=err)
            return EXIT_BAD_PRESET
        results.append(result)
        if not as_json:
            _print_preset(result, out)
    if as_json:
        json.dump(_as_json(results), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_summary(results, out)
    return EXIT_OK if all(result.passed for result in results) else EXIT_FAILED


def _print_preset(result: PresetResult, out: TextIO) -> None:
    preset = result.preset
    out.write(f"{preset.name} — {english(preset.title)} ({result.seconds:.1f} s)\n")
    for claim, checked in zip(preset.claims, result.claims, strict=True):
        out.write(f"  {_verdict(checked)}  {checked.id:<4} {english(checked.text)}\n")
        for label, value in checked.measured.items():
            out.write(f"              {label} = {value:.4g}\n")
        out.write(f"              needs {claim.describe()}\n")
    out.flush()


def _verdict(claim: ClaimResult) -> str:
    return "PASS" if claim.passed else "FAIL"


def _print_summary(results: list[PresetResult], out: TextIO) -> None:
    claims = [claim for result in results for claim in result.claims]
    failed = [claim for claim in claims if not claim.passed]
    seconds = sum(result.seconds for result in results)
    ids = sorted({claim.id for claim in claims}, key=_id_key)
    out.write(
        f"\n{len(claims)} checks in {len(results)} presets ({seconds:.1f} s): "
        f"{len(claims) - len(failed)} passed, {len(failed)} failed\n"
    )
    out.write(f"lecture claims checked: {', '.join(ids)}\n")
    for claim in failed:
        out.write(f"FAILED {claim.id} ({claim.preset}): {english(claim.text)}\n")


def _id_key(claim_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in claim_id.split(".") if part.isdigit())


def _as_json(results: list[PresetResult]) -> dict:
    return {
        "passed": all(result.passed for result in results),
        "claims": [claim.to_dict() for result in results for claim in result.claims],
        "presets": [_preset_json(result) for result in results],
    }


def _preset_json(result: PresetResult) -> dict:
    preset = result.preset
    return {
        "name": preset.name,
        "title": english(preset.title),
        "section": english(preset.section),
        "seconds": round(result.seconds, 2),
        "passed": result.passed,
    }


# -- many seeds ------------------------------------------------------------------------


def _check_seeds(
    presets: list, count: int, jobs: int, as_json: bool, out: TextIO, err: TextIO
) -> int:
    """Play every preset with seeds 0 … count-1; print each claim's pass rate."""
    seeds = list(range(count))
    results: list[SeedResult] = []
    try:
        for result in play_seeds(presets, seeds, jobs):
            results.append(result)
            if not as_json:
                passed = sum(claim.passed for claim in result.claims)
                out.write(
                    f"{result.preset} seed {result.seed}: {passed}/{len(result.claims)} "
                    f"claims pass ({result.seconds:.1f} s)\n"
                )
                out.flush()
    except (DataError, ConfigError) as error:
        print(f"trainlab check: {error}", file=err)
        return EXIT_BAD_PRESET
    rates = pass_rates(results)
    if as_json:
        json.dump(
            {"seeds": seeds, "passed": _all_hold(rates), "claims": [_rate_json(r) for r in rates]},
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
    else:
        _print_rates(rates, len(seeds), out)
    return EXIT_OK if _all_hold(rates) else EXIT_FAILED


def _all_hold(rates: list[PassRate]) -> bool:
    return all(rate.rate >= MIN_PASS_RATE for rate in rates)


def _print_rates(rates: list[PassRate], count: int, out: TextIO) -> None:
    out.write(f"\npass rate over seeds 0–{count - 1} (each claim needs ≥ {MIN_PASS_RATE:.0%}):\n")
    width = max((len(rate.preset) for rate in rates), default=6)
    for rate in rates:
        mark = "ok  " if rate.rate >= MIN_PASS_RATE else "LOW "
        failed = ", ".join(map(str, rate.failed_seeds))
        note = f"  fails at seed {failed}" if failed else ""
        out.write(
            f"  {mark} {rate.preset:<{width}}  {rate.claim.id:<4} "
            f"{sum(rate.passed):>2}/{len(rate.passed)}{note}\n"
            f"         {english(rate.claim.text)}\n"
        )
    low = [rate for rate in rates if rate.rate < MIN_PASS_RATE]
    out.write(f"\n{len(rates) - len(low)} of {len(rates)} claims hold for ≥ {MIN_PASS_RATE:.0%}\n")


def _rate_json(rate: PassRate) -> dict:
    return {
        "preset": rate.preset,
        "id": rate.claim.id,
        "text": english(rate.claim.text),
        "passed": sum(rate.passed),
        "seeds": len(rate.passed),
        "failed_seeds": list(rate.failed_seeds),
    }
