"""A preset: one scenario of the lecture, as plain data.

A base run, variants that each change one thing, a timeline (at step N: change a setting,
show a caption) and claims (presets/claims.py). The texts a student reads (title, section,
summary, captions, claims) come in every language the file was written in, as `Texts`; the
app picks one through its language catalogue, and the command line prints English.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from nn.comparison import Comparison, load_data
from nn.config import ConfigError, RunConfig
from nn.data import Dataset
from presets.claims import Claim
from presets.texts import Texts

GENERATED_DATA = ("spiral", "circles", "xor", "gaussians", "moons", "probe")


X_AXES = ("steps", "epochs", "samples", "seconds")  # what a chart's x axis may count


@dataclass(frozen=True)
class View:
    """Where the app should look: a chart tab, the run it follows, its scales. A preset
    opens on its view and a caption may name one; the student can still move away. Tab
    names are the app's (checked where the app loads a preset: `check_views`)."""

    tab: str | None = None
    run: str | None = None  # the selected run (its row, its activations, its boundary)
    log: bool | None = None  # a log y axis on the curves
    x: str | None = None  # one of X_AXES
    surface: str | None = None  # the paths tab's surface
    where: str = field(default="view", compare=False)  # its key in the file, for messages


@dataclass(frozen=True)
class Caption:
    """A line of narration, due from `step` on, once `when` holds (if it has one). A
    caption whose condition stops holding (the student changed something) is no longer
    shown as fact."""

    step: int
    text: Texts
    when: Claim | None = None  # a condition on the runs as they stand (claims vocabulary)
    view: View | None = None


@dataclass(frozen=True)
class TimelineEvent:
    """At `step`: apply `changes` to run `run` (None: every run) and/or show a caption."""

    step: int
    run: str | None
    changes: dict[str, Any]
    caption: Caption | None


@dataclass(frozen=True)
class Preset:
    name: str  # the file stem, e.g. "vanishing-gradient"
    title: Texts
    section: Texts  # the lecture's section, e.g. {"en": "2. Vanishing gradients", ...}
    summary: Texts
    base: RunConfig
    variants: dict[str, dict[str, Any]]  # run name -> overrides of the base
    timeline: tuple[TimelineEvent, ...]
    claims: tuple[Claim, ...]
    snapshot_every: int  # steps between snapshots when checking headless
    path: str = ""  # where it was loaded from
    pace: float | None = None  # steps a second to play at (inf: as fast as it goes)
    view: View | None = None  # where the app opens
    locked: tuple[str, ...] = ()  # settings the student may not change (a classroom)
    hidden: tuple[str, ...] = ()  # parts of the screen not shown (names are the app's)
    reached: int = 0  # a saved session's step: the app trains up to it, paused, on opening
    source: str = field(default="", repr=False, compare=False)  # the file's text, as read

    def run_configs(self) -> list[RunConfig]:
        """The base run first, then one run per variant."""
        return [self.base] + [
            variant_config(self.base, name, overrides) for name, overrides in self.variants.items()
        ]

    def comparison(self, configs: list[RunConfig] | None = None) -> Comparison:
        """The runs side by side (or `configs` in their place: the same runs with another
        budget, say), with the timeline's changes scheduled at their steps."""
        comparison = Comparison(self.run_configs() if configs is None else configs)
        self.schedule(comparison)
        return comparison

    def schedule(self, comparison: Comparison) -> None:
        """Schedule the timeline's changes at their steps (on a comparison restored from a
        checkpoint, say, which does not keep them)."""
        for event in self.timeline:
            if event.changes:
                comparison.at_step(event.step, event.run, **event.changes)

    @property
    def captions(self) -> list[Caption]:
        """Every caption, in timeline order."""
        return [e.caption for e in self.timeline if e.caption is not None]

    def views(self) -> list[View]:
        """Every view the preset names: where it opens, and its captions'."""
        found = [self.view] if self.view is not None else []
        return found + [caption.view for caption in self.captions if caption.view is not None]

    def captions_until(self, step: int) -> list[Caption]:
        """Captions due by `step`, in order (the one at step 0 is the intro)."""
        return [e.caption for e in self.timeline if e.caption is not None and e.step <= step]

    def user_dataset(self) -> Dataset | None:
        """The user's own data (a file or folder given by `path`, or the full image set),
        read now, so that a bad file is reported before anything starts (DataError);
        None for shipped data, which cannot be bad."""
        data = self.base.data
        return load_data(self.base) if data.path or data.full else None

    def with_seed(self, seed: int) -> Preset:
        """The same scenario with another seed: every run's (initial weights, batch order,
        dropout masks) and, for generated data, the data's draw. A claim must hold for any
        seed, not only for the one a preset ships with (`trainlab check --seeds`)."""
        data = {"seed": seed} if self.base.data.name in GENERATED_DATA else {}
        base = self.base.with_changes(seed=seed, data=data)
        variants = {
            name: {**overrides, "seed": seed} if "seed" in overrides else overrides
            for name, overrides in self.variants.items()
        }
        return replace(self, base=base, variants=variants)


def variant_config(base: RunConfig, name: str, overrides: dict[str, Any]) -> RunConfig:
    """The base with a variant's overrides, validated like any run (RunConfig.from_dict)."""
    overrides = dict(overrides)
    if isinstance(overrides.get("optimizer"), str):  # a new optimizer keeps the base's lr
        overrides["optimizer"] = {"name": overrides["optimizer"]}
    values = base.to_dict()
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
    values["name"] = name
    return run_config(values, f"variants.{name}")


def run_config(values: dict[str, Any], table: str) -> RunConfig:
    """RunConfig.from_dict, with the key of a bad setting given as a dotted path."""
    try:
        return RunConfig.from_dict(values)
    except ConfigError as error:
        raise error.at(f"{table}.{error.field}") from None
