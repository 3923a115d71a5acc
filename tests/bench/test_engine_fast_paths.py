"""The engine's shortcuts found by the benchmarks change nothing a player could see (no timings here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from game.engine import Game, StoryError, load_story
from game.engine.expr import Env, compile_expr
from game.engine.exprtree import And, Cmp, Not, Or
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


def _days(story, n: int, seed: str) -> list:
    import random

    out = []
    for i in range(n):
        game = Game(story, f"{seed}-{i}", keep_undo=True)
        pick = random.Random(i)
        while not game.ended:
            game.choose(pick.choice(game.available))
            if pick.random() < 0.05:
                game.undo()
        out.append(game.snapshot())
    return out


@pytest.mark.parametrize("which", ["shipped", "synthetic"])
def test_the_machines_direct_path_plays_as_the_library_does(which, synthetic):
    """SceneMachine takes a direct path through its events when it uses none of the library's extras; the same
    days played through the library's own trigger give the same saves, undo points included."""
    story = load_story(ROOT / "story") if which == "shipped" else synthetic
    machine = story.machine
    assert machine.plain
    direct = _days(story, 40, "direct")
    machine.plain = False
    try:
        library = _days(story, 40, "direct")
    finally:
        machine.plain = True
    assert direct == library


def test_the_direct_path_refuses_what_the_library_refuses():
    from transitions import MachineError

    from game.engine.machine import MoveRefused
    from game.engine.state import Arrival

    story = load_story(ROOT / "story")
    machine = story.machine
    start = story.scenes[story.start]
    written = next(ch for ch in start.choices if ch.targets[0] in story.scenes)  # an edge the story wrote
    dest = written.targets[0]
    ordinary = next(s.id for s in story.scenes.values() if s.at is None and s.interrupt is None and s.id != dest)
    outcomes = []
    for plain in (True, False):
        machine.plain = plain
        try:
            game = Game(story, "refuse")
            got = []
            for how, to, choice in [
                (Arrival.BACK, story.hub, None),  # not a return from here
                (Arrival.CHOICE, dest, "no-such-choice"),  # the written edge, but not after its choice
                (Arrival.INTERRUPTION, dest, written.id),  # the written edge, arriving the wrong way
                (Arrival.CHOICE, ordinary, written.id),  # no edge at all
            ]:
                with pytest.raises(MoveRefused):
                    machine.move(game.state, to, how, choice)
                got.append(game.state.scene)
            with pytest.raises(MachineError):  # this event has no transition from the first scene
                machine.events["take:" + story.scenes[story.hub].choices[0].id].trigger(game.state, choice="x")
            game.state.flags = {f: False for f in game.state.flags}
            guarded = [ch for ch in start.choices if ch.cond is not None and not ch.cond.fn(game.state)]
            got += [machine.take(game.state, ch) for ch in guarded]  # each guard refuses: False
            machine.move(game.state, dest, Arrival.CHOICE, written.id)  # and the written move is taken
            got.append(game.state.scene)
            outcomes.append(got)
        finally:
            machine.plain = True
    assert outcomes[0] == outcomes[1] == [story.start] * 4 + [False] * (len(outcomes[0]) - 5) + [dest]


def test_a_move_allowed_once_is_remembered_without_allowing_its_neighbours():
    """The plain machine remembers each (source, destination, arrival, choice) it allowed; the same edge after
    another choice, arriving another way, or from another scene is still tested, and refused."""
    from game.engine.machine import MoveRefused
    from game.engine.state import Arrival

    story = load_story(ROOT / "story")
    machine = story.machine
    start = story.scenes[story.start]
    written = next(ch for ch in start.choices if ch.targets[0] in story.scenes)
    dest = written.targets[0]
    other = next(s.id for s in story.scenes.values() if s.at is None and s.interrupt is None and s.id != dest)
    game = Game(story, "remember")
    st = game.state
    for _ in range(2):  # the second time from what the first remembered
        st.scene = story.start
        machine.move(st, dest, Arrival.CHOICE, written.id)
        assert (st.scene, st.arrival) == (dest, Arrival.CHOICE)
    assert (story.start, dest, Arrival.CHOICE, written.id) in machine._allowed
    for source, how, choice in [
        (story.start, Arrival.CHOICE, "no-such-choice"),
        (story.start, Arrival.INTERRUPTION, written.id),
        (other, Arrival.CHOICE, written.id),
    ]:
        st.scene = source
        with pytest.raises(MoveRefused):
            machine.move(st, dest, how, choice)
        assert st.scene == source


def test_a_machine_with_callbacks_takes_the_librarys_path(synthetic):
    story = load_story(ROOT / "story")
    machine = story.machine
    assert machine.check_plain()
    seen = []
    machine.states[story.hub].on_enter.append(lambda event: seen.append(event.state.name))
    assert not machine.check_plain()


# -- compiled conditions: the specialised closures evaluate as the tree says ----------------------

from types import SimpleNamespace  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402

from tests.engine.meaning import meaning  # noqa: E402

_ENV = Env(frozenset({"energy", "trust"}), frozenset({"tired", "shipped"}), frozenset({"desk", "lunch"}))
_OPS = ["==", "!=", "<", "<=", ">", ">="]


_number = hs.sampled_from(["energy", "trust", "clock", 'visited("desk")', 'visited("lunch")', "3", '"10:30"', "0"])
_atom = hs.one_of(
    hs.sampled_from(["tired", "shipped", "not tired", "true", "false"]),
    hs.builds(lambda a, op, b: f"{a} {op} {b}", _number, hs.sampled_from(_OPS), _number),
    hs.builds(
        lambda a, o1, b, o2, c: f"{a} {o1} {b} {o2} {c}",
        _number,
        hs.sampled_from(_OPS),
        _number,
        hs.sampled_from(_OPS),
        _number,
    ),
    hs.builds(lambda a, b, op, c: f"{a} + {b} {op} {c}", _number, _number, hs.sampled_from(_OPS), _number),
)
_cond = hs.recursive(
    _atom,
    lambda inner: hs.one_of(
        hs.builds(lambda xs: " and ".join(f"({x})" for x in xs), hs.lists(inner, min_size=2, max_size=6)),
        hs.builds(lambda xs: " or ".join(f"({x})" for x in xs), hs.lists(inner, min_size=2, max_size=6)),
        hs.builds(lambda x: f"not ({x})", inner),
    ),
    max_leaves=8,
)
_state = hs.builds(
    lambda e, t, f1, f2, clock, v1, v2: SimpleNamespace(
        stats={"energy": e, "trust": t},
        flags={"tired": f1, "shipped": f2},
        clock=clock,
        visits={"desk": v1} if v1 else {"lunch": v2},
    ),
    hs.integers(0, 10),
    hs.integers(0, 10),
    hs.booleans(),
    hs.booleans(),
    hs.integers(480, 1100),
    hs.integers(0, 3),
    hs.integers(0, 3),
)


@settings(max_examples=400, deadline=None)
@given(_cond, hs.lists(_state, min_size=1, max_size=5))
def test_compiled_conditions_evaluate_as_the_tree_says(src, states):
    expr = compile_expr(src, _ENV)
    for s in states:
        got, want = expr.fn(s), meaning(expr.tree, s)
        assert got == want, (src, expr.tree, got, want)
        if isinstance(expr.tree, (And, Or, Not, Cmp)):
            assert type(got) is bool, (src, got)


@pytest.mark.parametrize("op", _OPS)
@pytest.mark.parametrize("leaf", ["energy", "clock", 'visited("desk")', "energy + 1"])
def test_each_comparison_shape_evaluates_as_the_tree_says(op, leaf):
    constant = '"10:30"' if leaf == "clock" else "3"
    values = range(625, 636) if leaf == "clock" else range(0, 7)
    for src in (f"{leaf} {op} {constant}", f"{constant} {op} {leaf}", f"not {leaf} {op} {constant}"):
        expr = compile_expr(src, _ENV)
        for v in values:
            s = SimpleNamespace(stats={"energy": v, "trust": 0}, flags={}, clock=v, visits={"desk": v})
            assert expr.fn(s) is meaning(expr.tree, s), (src, v)
