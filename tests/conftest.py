"""Shared fixtures: small data sets, drawn once per session (a Dataset is read-only)."""

from __future__ import annotations

import pytest

from nn.data import Dataset, load_dataset


@pytest.fixture(autouse=True)
def own_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test keeps its sessions and run history in a folder of its own, never the
    user's (~/.local/state/trainlab, ~/.local/share/trainlab)."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("TRAINLAB_STATE", str(folder / "state"))
    monkeypatch.setenv("TRAINLAB_HISTORY", str(folder / "history.sqlite3"))


@pytest.fixture(scope="session")
def spiral() -> Dataset:
    """A small 3-class spiral: 168 training and 72 test points."""
    return load_dataset("spiral", samples=240, noise=0.1, seed=0)


@pytest.fixture(scope="session")
def probe_data() -> Dataset:
    """The activation probe of the init experiments: 1000 × 100 standard normal inputs."""
    return load_dataset("probe")
