"""`trainlab check`: play presets headless and report every claim, PASS or FAIL.

The program's own proof that the lecture happens: each claim is printed with the values
it measured. Exit status 0 when every claim passes, 1 when one fails, 2 when a preset
cannot be loaded (the message, on stderr, names the file and the key or line).
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from nn.claims import ClaimResult
from nn.config import ConfigError
from nn.data import DataError
from nn.presets import (
    Preset,
    PresetError,
    PresetResult,
    load_preset,
    located,
    preset_names,
    run_preset,
)

EXIT_OK, EXIT_FAILED, EXIT_BAD_PRESET = 0, 1, 2


def check_command(
    names: list[str], as_json: bool, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the named presets (all shipped ones when none) and print their claims."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        presets = [load_preset(name) for name in (names or preset_names())]
    except PresetError as error:
        print(f"trainlab check: {error}", file=err)
        return EXIT_BAD_PRESET
    results = []
    for preset in presets:
        try:
            result = run_preset(preset)
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
    out.write(f"{preset.name} — {preset.title} ({result.seconds:.1f} s)\n")
    for claim, checked in zip(preset.claims, result.claims, strict=True):
        out.write(f"  {_verdict(checked)}  {checked.id:<4} {checked.text}\n")
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
        out.write(f"FAILED {claim.id} ({claim.preset}): {claim.text}\n")


def _id_key(claim_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in claim_id.split(".") if part.isdigit())


def _as_json(results: list[PresetResult]) -> dict:
    return {
        "passed": all(result.passed for result in results),
        "claims": [claim.to_dict() for result in results for claim in result.claims],
        "presets": [_preset_json(result.preset, result) for result in results],
    }


def _preset_json(preset: Preset, result: PresetResult) -> dict:
    return {
        "name": preset.name,
        "title": preset.title,
        "section": preset.section,
        "seconds": round(result.seconds, 2),
        "passed": result.passed,
    }
