"""What the commands share as they start (game/startup.py): the collector's policy, and a title path that loads only the story."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from game import startup

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def collector_restored(monkeypatch):
    """Each test may change the collector process-wide: give it back as it was."""
    monkeypatch.setattr(startup, "_interactive", False)
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


def test_the_tui_entry_point_leaves_full_collections_to_the_moments_a_player_reads(collector_restored):
    startup.collector_off_for_start()
    assert not gc.isenabled()
    startup.collector_settled(freeze=False)
    assert gc.isenabled()
    assert gc.get_threshold()[2] == startup.FULL_COLLECTION_AFTER


def test_settling_outside_the_tui_keeps_the_collectors_thresholds(collector_restored):
    before = gc.get_threshold()
    startup.collector_settled(freeze=False)
    assert gc.isenabled() and gc.get_threshold() == before


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.mark.parametrize("interactive", [True, False])
def test_an_idle_collection_runs_only_in_a_game_on_screen(collector_restored, monkeypatch, interactive):
    monkeypatch.setattr(startup, "_interactive", interactive)
    gc.disable()  # no automatic collection may free the cycle behind the test's back
    cycle = _Cycle()
    gone = weakref.ref(cycle)
    del cycle
    gc.enable()
    gc.set_threshold(0)  # automatic collections off, the collector itself on
    startup.collect_while_idle()
    assert (gone() is None) is interactive
    gc.collect()


def test_a_saved_day_is_resumed_without_openssls_hashes(tmp_path):
    """A player's saved day is read with the rules of a day; those rules hash the seed as the cache does,
    with CPython's own SHA-256 (the same digests: tests/story/golden), not by loading libcrypto."""
    code = (
        "import sys\n"
        "from game.tui.options import TuiOptions\n"
        "from game.tui.session import Session\n"
        "s = Session.open(TuiOptions(save=True))\n"
        "if s.saved is None:\n"
        "    s.new_day('seed')\n"
        "print(s.saved is not None, '_hashlib' in sys.modules)\n"
    )
    env = {**_env(), "DAYJOB_CACHE_DIR": str(tmp_path / "cache"), "DAYJOB_DATA": str(tmp_path / "saves")}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_a_new_seed_is_six_of_its_letters_each_as_likely_and_needs_no_secrets_module():
    from collections import Counter

    from game.engine.seeds import SEED_ALPHABET, new_seed

    seeds = [new_seed() for _ in range(2000)]
    assert all(len(s) == 6 and set(s) <= set(SEED_ALPHABET) for s in seeds)
    counts = Counter("".join(seeds))
    assert set(counts) == set(SEED_ALPHABET)
    assert max(counts.values()) < 2 * min(counts.values())  # 375 expected each; a biased pick would show
    code = "import sys, game.engine.seeds as s; s.new_seed(); print('secrets' in sys.modules, 'random' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_title_screen_loads_the_story_without_the_rules_of_a_day_or_the_parser(tmp_path):
    """With a warm compiled-story cache, opening the TUI's session (what the title screen waits for) imports
    neither the rules of a day (game, machine, transitions) nor the loader, pydantic or yaml; nor does
    a save folder with no save in it. Nor OpenSSL's hashes (`_hashlib`, through hashlib or hmac): loading
    libcrypto took ~3 ms of CPU for hashing that takes under one (game/engine/digest.py)."""
    heavy = (
        "game.engine.game",
        "game.engine.machine",
        "game.engine.loader",
        "transitions",
        "pydantic",
        "yaml",
        "_hashlib",
        "secrets",
    )
    code = (
        "import sys\n"
        "from game.tui.options import TuiOptions\n"
        "from game.tui.session import Session\n"
        "Session.open(TuiOptions(save=True))\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    env = {
        **_env(),
        "DAYJOB_CACHE_DIR": str(tmp_path / "cache"),
        "DAYJOB_DATA": str(tmp_path / "saves"),
    }
    warm = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "game.engine.loader" in warm.stdout  # the first start parses the story and fills the cache
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("DAYJOB_")}
