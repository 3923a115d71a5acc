"""Shared pieces for the TUI tests: fixture stories, a fresh save folder, a steady cursor, the app factory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_helpers import FIXTURES, SEED

from game.tui.app import DayJobApp, make_app
from game.tui.options import TuiOptions


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursor, so snapshots do not depend on when they are taken."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture(autouse=True)
def save_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty user data folder (DAYJOB_DATA), never the real one."""
    folder = tmp_path / "data"
    monkeypatch.setenv("DAYJOB_DATA", str(folder))
    return folder


@pytest.fixture
def editable_story(tmp_path: Path):
    """A writable copy of a fixture story, for tests that edit it while the game runs."""

    def copy(name: str = "office") -> Path:
        target = tmp_path / "stories" / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every notification the app shows the player, as (title, message), recorded through Textual's
    public `App.notify` (screens and widgets notify through it too)."""
    said: list[tuple[str, str]] = []
    notify = DayJobApp.notify

    def recording(self: DayJobApp, message: str, *, title: str = "", **options) -> None:
        said.append((str(title), str(message)))
        notify(self, message, title=title, **options)

    monkeypatch.setattr(DayJobApp, "notify", recording)
    return said


@pytest.fixture
def build(tmp_path: Path):
    """The real app, as the CLI builds it, on a fixture story with a fixed seed."""

    def make(story: str | Path = "office", **options) -> DayJobApp:
        path = story if isinstance(story, Path) else FIXTURES / story
        options.setdefault("seed", SEED)
        options.setdefault("report_dir", tmp_path / "reports")
        return make_app(TuiOptions(story=path, **options))

    return make
