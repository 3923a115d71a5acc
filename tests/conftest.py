"""Shared fixtures: story folders the tests can read or copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _isolated_saves(tmp_path_factory, monkeypatch):
    """No test reads or writes the player's real save folder."""
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path_factory.mktemp("saves")))
    # nor the real compiled-story cache (tests/engine/test_cache.py tests it in folders of its own)
    monkeypatch.setenv("DAYJOB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _unfrozen_heap():
    """The app and the one-shot commands gc.freeze() what is alive once a story loads; in one test
    process that would keep every earlier test's app. Each test gives it back to the collector."""
    import gc

    yield
    gc.unfreeze()


@pytest.fixture
def mini_story():
    from game.engine import load_story

    return load_story(MINI)


@pytest.fixture
def story_copy(tmp_path):
    """A writable copy of the mini story; returns its folder."""
    target = tmp_path / "story"
    shutil.copytree(MINI, target)
    return target
