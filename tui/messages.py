"""Every custom message of the app, in one place, so the flow of data is easy to follow.

The training process's relay (tui/training/trainer.py) posts `SnapshotReady`,
`TrainingProgress`, `TrainerNotice` and `ClaimsReady`; widgets post the rest.
Messages carry plain, immutable data (snapshots, frozen configs), never live arrays.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from presets.claims import ClaimResult
from tui.training.protocol import SnapshotNews


class SnapshotReady(Message):
    """The training process measured the runs: what the table, charts and caption draw.
    `news` is as the process sent it, but with each run's history whole again."""

    def __init__(self, news: SnapshotNews) -> None:
        super().__init__()
        self.news = news
        self.snapshot = news.snapshot
        self.boundary = news.boundary
        self.step = news.step  # the comparison's step count (the timeline's clock)
        self.playing = news.playing
        self.done = news.done


class TrainingProgress(Message):
    """The step count between two snapshots, when those are slow (spaced to keep training
    going): enough to move the timeline's captions on time."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step


class TrainerNotice(Message):
    """Something the user should read: a refused command, a failed reset. `key` names the
    notice in the catalogue (`notice.KEY`, tui/i18n.py); `detail` is the core's error (said
    in the user's language from its code) or, for an unexpected one, its text."""

    def __init__(
        self, key: str, detail: str | Exception = "", severity: str = "information"
    ) -> None:
        super().__init__()
        self.key = key
        self.detail = detail
        self.severity = severity


class RunSelected(Message):
    """The runs table's cursor moved to another run."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class SettingsEdited(Message):
    """The setup form holds a valid new value: apply it to `run` (or to all runs)."""

    def __init__(self, run: str, changes: dict[str, Any], apply_all: bool, field: str) -> None:
        super().__init__()
        self.run = run
        self.changes = changes
        self.apply_all = apply_all
        self.field = field  # the form's field (its label key): one field may change two settings


class ApplyAllChanged(Message):
    """The form's "apply to all" switch was flipped by the user."""

    def __init__(self, value: bool) -> None:
        super().__init__()
        self.value = value


class ClaimsReady(Message):
    """Every run is done and the preset's claims were checked, as `trainlab check` does.
    `modified`: the user changed the lecture's setup, so the verdicts are about their own."""

    def __init__(self, claims: list[ClaimResult], modified: bool) -> None:
        super().__init__()
        self.claims = claims
        self.modified = modified


class PictureDrawn(Message):
    """A chart's worker thread drew a picture: its lines, for the chart to paint."""

    def __init__(
        self, chart: Widget, key: tuple[int, int, int], picture: Text, lines: list[Strip]
    ) -> None:
        super().__init__()
        self.chart = chart
        self.key = key  # (width, height, data version) it was drawn for
        self.picture = picture
        self.lines = lines  # one Strip per row
