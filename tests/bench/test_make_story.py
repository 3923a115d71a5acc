"""bench/make_story.py writes valid stories that use every feature of the format (no timings here)."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import pytest

from game.engine import Game, load_story
from game.engine.exprtree import walk

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def _make_story_module():
    spec = importlib.util.spec_from_file_location("make_story", BENCH / "make_story.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_story = _make_story_module().make_story


def _kinds(expr) -> set[str]:
    """Every node kind in a compiled expression's tree: "and", "cmp", "clock", "visited", ..."""
    return {type(node).__name__.lower() for node in walk(expr.tree)}


@pytest.fixture(scope="module")
def story_250(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic") / "s250"
    make_story(250, root)
    return root, load_story(root)


def test_cli_check_passes(story_250):
    root, _ = story_250
    proc = subprocess.run([sys.executable, "-m", "game", "check", str(root)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok: no errors" in proc.stderr


def test_command_line_writes_n_scenes(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(BENCH / "make_story.py"), "120", str(tmp_path / "s")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    story = load_story(tmp_path / "s")
    assert len(story.scenes) == 120


def test_exact_scene_count_and_files_of_about_a_hundred(story_250):
    root, story = story_250
    assert len(story.scenes) == 250
    files = sorted((root / "scenes").glob("*.yaml"))
    assert len(files) == 3
    per_file = [sum(1 for s in story.scenes.values() if s.where.path.endswith(f.name)) for f in files]
    assert per_file == [100, 100, 50]


def test_manifest_features(story_250):
    _, story = story_250
    assert story.hub == "hub" and story.start == "start"
    assert len(story.categories) > 1 and all(story.category_labels[c] for c in story.categories)
    assert story.reference is not None and set(story.reference["minutes"]) <= set(story.categories)
    assert story.short is not None and story.short.sets and story.short.effects
    assert story.short.clock_start > story.clock_start
    assert story.credits
    assert any(e.debrief for e in story.endings)
    assert story.endings[-1].cond is None and all(e.cond is not None for e in story.endings[:-1])
    assert any(e.title.names for e in story.endings)  # {word} in an ending


def test_scene_features(story_250):
    _, story = story_250
    scenes = list(story.scenes.values())
    choices = [ch for s in scenes for ch in s.choices]
    appts = [s for s in scenes if s.at is not None]
    intrs = [s for s in scenes if s.interrupt is not None]
    assert len(appts) >= 2 and len({s.at for s in appts}) >= 2
    assert len(intrs) >= 3
    assert {s.interrupt.repeat for s in intrs} == {True, False}
    assert all(s.interrupt.cond is not None and 0 < s.interrupt.chance <= 1 for s in intrs)
    assert any("clock" in _kinds(s.interrupt.cond) for s in intrs)
    assert all(s.variants for s in scenes)
    assert any(s.text.names for s in scenes) and any(s.title.names for s in scenes)
    assert any(tpl.names for s in scenes for _, tpl in s.variants)
    assert any(ch.text.names for ch in choices)
    assert any(ch.locked is not None and ch.cond is not None for ch in choices)
    assert any(ch.once for ch in choices)
    assert any(ch.effects for ch in choices)
    flags, words = set(story.flags), set(story.words)
    assert any(name in flags for ch in choices for name, _ in ch.sets)
    assert any(name in words for ch in choices for name, _ in ch.sets)
    assert any(len(ch.goto) > 1 and ch.goto[0][0] is not None for ch in choices)
    targets = {t for ch in choices for t in ch.targets}
    assert {"back", "end"} <= targets
    assert targets & story.ending_ids
    conds = (
        [ch.cond for ch in choices if ch.cond]
        + [c for ch in choices for c, _ in ch.goto if c]
        + [c for s in scenes for c, _ in s.variants]
    )
    kinds = set().union(*(_kinds(e) for e in conds))
    assert {"visited", "clock", "stat", "flag", "and", "or", "not", "cmp", "add", "sub"} <= kinds
    categories = {s.category for s in scenes} | {ch.category for ch in choices}
    assert categories == set(story.categories)
    assert any(ch.category != s.category for s in scenes for ch in s.choices)


def test_deterministic(tmp_path):
    make_story(60, tmp_path / "a")
    make_story(60, tmp_path / "b")
    for f in (tmp_path / "a").rglob("*.yaml"):
        assert f.read_bytes() == (tmp_path / "b" / f.relative_to(tmp_path / "a")).read_bytes()
    make_story(60, tmp_path / "c", seed="other")
    assert (tmp_path / "c" / "scenes" / "part0000.yaml").read_bytes() != (
        tmp_path / "a" / "scenes" / "part0000.yaml"
    ).read_bytes()


def test_smallest_story_loads(tmp_path):
    make_story(12, tmp_path / "s")
    story = load_story(tmp_path / "s")
    assert len(story.scenes) == 12
    assert len(story.appointments) == 2 and len(story.interrupts) == 3


def test_days_play_to_an_end_and_reach_the_dynamic_rules(story_250):
    _, story = story_250
    rng = random.Random(0)
    arrivals = set()
    endings = set()
    for day in range(60):
        game = Game(story, f"t{day}", keep_undo=False)
        for _ in range(400):
            if game.ended:
                break
            game.choose(rng.choice(game.available))
            arrivals.add(game.arrival)
        assert game.ended
        endings.add(game.state.ending)
    assert {"appointment", "interruption", "back", "end"} <= arrivals
    assert len(endings) >= 2


def test_short_day_plays(story_250):
    _, story = story_250
    game = Game(story, "short", short=True)
    assert game.scene_id == story.short.start
    assert game.state.flags["lunch_taken"] and game.state.words["mood"] == "rested"


def _parts(tpl) -> list:
    """Every insertion part of a text, nested ones too."""
    out = []
    for p in tpl.parts if tpl is not None else ():
        if isinstance(p, str):
            continue
        out.append(p)
        if p[0] == "if":
            for _, alt in p[1]:
                out += _parts(alt)
        elif p[0] in ("seq", "cycle", "shuffle"):
            for alt in p[2]:
                out += _parts(alt)
    return out


def test_format_11_features(story_250):
    root, story = story_250
    scenes = list(story.scenes.values())
    choices = [ch for s in scenes for ch in s.choices]
    assert (root / "story.yaml").read_text(encoding="utf-8").count('version: "1.1"') == 1
    texts = [s.text for s in scenes] + [s.again for s in scenes] + [t for s in scenes for _, t in s.variants]
    texts += [t for ch in choices for _, t in ch.outcome] + [e.text for e in story.endings]
    tags = {p[0] for t in texts for p in _parts(t)}
    assert {"if", "seq", "cycle", "shuffle", "time", "clock", "since", "W", "w"} <= tags
    assert any(len(p[1]) == 3 for t in texts for p in _parts(t) if p[0] == "if")  # an `elif`
    assert sum(1 for ch in choices if ch.outcome) > len(choices) // 2
    assert any(len(ch.outcome) > 1 and ch.outcome[0][0] is not None for ch in choices)
    assert sum(1 for s in scenes if s.again is not None) > len(scenes) // 2
    assert any(s.at_if is not None for s in scenes) and any(s.at is not None and s.at_if is None for s in scenes)
    assert any("`" in t.render(story.words) for t in texts if t is not None)


def test_format_11_features_are_played(story_250):
    _, story = story_250
    rng = random.Random(1)
    outcomes = agains = skipped = 0
    for day in range(30):
        game = Game(story, f"f{day}", keep_undo=False)
        while not game.ended:
            game.choose(rng.choice(game.available))
            outcomes += game.outcome is not None
            scene = game.scene
            agains += scene is not None and scene.again is not None and game.state.visits[scene.id] >= 2
            assert "{" not in game.text
        skipped += len(game.state.skipped)
    assert outcomes and agains and skipped
