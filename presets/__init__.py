"""The lecture as scenarios: the TOML files beside this module, and the code that reads
them, plays them without a screen and checks their claims. Imports `nn`, never the app.

    texts.py    a scenario's words in each language its file gives
    preset.py   Preset, its timeline and captions: plain data
    loader.py   finding, reading and validating preset files (and run config files)
    claims.py   the claims vocabulary: measurements, comparisons, their parsing
    player.py   the recorder of what claims read, and the headless player
    check.py    claims evaluated for one seed or many (pass rates)

The file format is documented in presets/README.md.
"""

from presets.claims import Claim, ClaimError, ClaimResult
from presets.loader import (
    PresetError,
    load_preset,
    load_scenario,
    load_shipped,
    preset_names,
    shipped_presets,
)
from presets.player import PresetRecorder, PresetResult, play, run_preset
from presets.preset import Caption, Preset, TimelineEvent
from presets.texts import Texts, english

__all__ = [
    "Caption",
    "Claim",
    "ClaimError",
    "ClaimResult",
    "Preset",
    "PresetError",
    "PresetRecorder",
    "PresetResult",
    "Texts",
    "TimelineEvent",
    "english",
    "load_preset",
    "load_scenario",
    "load_shipped",
    "play",
    "preset_names",
    "run_preset",
    "shipped_presets",
]
