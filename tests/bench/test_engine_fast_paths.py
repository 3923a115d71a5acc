"""The engine's shortcuts found by the benchmarks change nothing a player could see (no timings here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from game.engine import Game, StoryError, load_story
from game.engine.expr import Env, compile_expr
from game.engine.story import clock_window

ROOT = Path(__file__).resolve().parents[2]


def _make_story():
    spec = importlib.util.spec_from_file_location("make_story", ROOT / "bench" / "make_story.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_story


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("fast") / "s300"
    _make_story()(300, root)
    return load_story(root)


ENV = Env(frozenset({"energy", "trust"}), frozenset({"tired"}), frozenset({"desk"}))


@pytest.mark.parametrize(
    "src, window",
    [
        ('clock >= "10:00"', (600, 10**9)),
        ('clock >= "10:00" and clock < "11:00"', (600, 660)),
        ('"10:00" <= clock < "11:00"', (600, 660)),
        ('clock > "10:00" and clock <= "11:00" and energy >= 2', (601, 661)),
        ('"12:00" > clock', (-(10**9), 720)),
        ('clock == "09:30"', (570, 571)),
        ('clock >= "10:00" or energy > 3', (-(10**9), 10**9)),  # an `or` bounds nothing
        ('not clock < "10:00"', (-(10**9), 10**9)),
        ('clock + 30 >= "10:00"', (-(10**9), 10**9)),
        ('clock != "10:00"', (-(10**9), 10**9)),
        ("energy >= 3", (-(10**9), 10**9)),
    ],
)
def test_clock_window(src, window):
    assert clock_window(compile_expr(src, ENV)) == window
    assert clock_window(None) == (-(10**9), 10**9)


def _holds_only_inside(story) -> None:
    """Outside its window an interruption's `if` is false at every minute of the day, whatever else holds."""
    game = Game(story, "window")
    st = game.state
    for scene, lo, hi in story.interrupt_plan:
        cond = scene.interrupt.cond
        if cond is None:
            assert (lo, hi) == (-(10**9), 10**9)
            continue
        for energy in (0, 5, 10):
            for flag_value in (False, True):
                st.stats = {k: energy for k in st.stats}
                st.flags = {k: flag_value for k in st.flags}
                for minute in range(0, 24 * 60, 5):
                    st.clock = minute
                    if cond(st):
                        assert lo <= minute < hi, (scene.id, cond.src, minute)


def test_windows_are_necessary_in_the_synthetic_story(synthetic):
    assert any(hi < 10**9 for _, _, hi in synthetic.interrupt_plan)
    _holds_only_inside(synthetic)


def test_windows_are_necessary_in_the_shipped_story():
    _holds_only_inside(load_story(None))


def test_reloading_compiles_afresh_with_the_same_result(synthetic):
    again = load_story(synthetic.root)
    a = {sid: [c.cond.src if c.cond else None for c in s.choices] for sid, s in synthetic.scenes.items()}
    b = {sid: [c.cond.src if c.cond else None for c in s.choices] for sid, s in again.scenes.items()}
    assert a == b
    env1 = Env(frozenset({"energy"}), frozenset(), frozenset({"desk"}))
    env2 = Env(frozenset({"energy"}), frozenset(), frozenset({"desk"}))
    assert env1 == env2
    assert compile_expr("energy > 1", env1).tree == compile_expr("energy > 1", env2).tree


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_leaves_the_garbage_collector_as_it_was(synthetic, tmp_path, enabled):
    """A library call changes nothing process-wide: the collector's policy is the entry points' (game/startup.py)."""
    import gc

    frozen = gc.get_freeze_count()
    (gc.enable if enabled else gc.disable)()
    try:
        load_story(synthetic.root)
        with pytest.raises(StoryError):
            load_story(tmp_path)  # no story here: the error path too
        assert gc.isenabled() is enabled and gc.get_freeze_count() == frozen
    finally:
        gc.enable()


def test_a_story_kept_for_life_is_still_freed_when_dropped():
    """`load_for_life` hides the story from the cyclic collector, so it must hold no reference cycles:
    dropped, reference counting alone frees it (else a worker that reloads would leak)."""
    import gc
    import weakref

    from game.startup import load_for_life

    try:
        story = load_for_life(None)
        gone = weakref.ref(story)
        scene = weakref.ref(next(iter(story.scenes.values())))
        del story
        assert gone() is None and scene() is None
    finally:
        gc.unfreeze()
