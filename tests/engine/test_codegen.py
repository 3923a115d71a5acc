"""The generated functions of engine/codegen.py mean what the closures and the reference mean, and hold no story text."""

from __future__ import annotations

import pickle
import random
from pathlib import Path
from types import SimpleNamespace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import game.engine.codegen as codegen
from game.engine import Game, load_story
from game.engine.exprtree import Add, And, Cmp, Flag, Node, Not, Num, Stat, Visited
from game.engine.story import _KEYED, _MASK30, _MULTIPLIER, _ROUND, Template, TextScope, _digest30, _emit
from tests.engine.meaning import meaning
from tests.engine.test_exprtree import _depth, _states, _truths

STORY = Path(__file__).resolve().parents[2] / "story"
_numbers = st.one_of(st.integers(0, 10).map(Num), st.sampled_from(["energy", "trust"]).map(Stat))


@settings(max_examples=300, deadline=None)
@given(_truths, st.lists(_states, min_size=1, max_size=4))
def test_a_generated_condition_has_the_value_of_the_reference(tree, states):
    assume(_depth(tree) <= 10)
    fn = codegen.condition(tree)
    for s in states:
        got, want = fn(s), meaning(tree, s)
        assert got == want and type(got) is type(want)


@settings(max_examples=200, deadline=None)
@given(_numbers, _numbers, _states)
def test_a_number_valued_condition_keeps_its_number(a, b, s):
    # `visited("desk")` alone is a count, and a sum is a number: the generated function returns it as is
    for tree in (Visited("desk"), Add(a, b)):
        assert codegen.condition(tree)(s) == meaning(tree, s)


@settings(max_examples=200, deadline=None)
@given(
    st.booleans(),
    st.one_of(st.none(), _truths),
    st.one_of(st.none(), _truths, st.sampled_from([Visited("desk"), Stat("energy")])),
    _states,
    st.booleans(),
)
def test_a_generated_guard_and_menu_decide_as_the_rule_says(once, show, cond, s, spent):
    """Taken when not a spent `once`, listed (`show_if` true) and its `if` true; a number's truth is not zero."""
    key = ("desk", "c") if once else None
    s.taken = [("desk", "c")] if spent else []
    want = (
        not (key is not None and key in s.taken)
        and (show is None or bool(meaning(show, s)))
        and (cond is None or bool(meaning(cond, s)))
    )
    assert codegen.guard(key, show, cond)(s) is want
    assert codegen.menu([("first", None, None, None), ("c", key, show, cond)])(s) == ["first", "c"][: 1 + want]


def test_no_story_text_is_ever_written_into_the_source():
    """Names with quotes, backslashes, newlines and Python keywords reach the function as values only."""
    odd = ["x'y", 'a"b', "back\\slash", "new\nline", "None", "import os"]
    tree: Node = And(tuple(Cmp(("==",), (Visited(name), Num(0))) for name in odd) + (Not(Flag("None")),))
    ns = codegen.Namespace()
    source = codegen.condition_source(tree, ns)
    assert not any(name in source for name in odd)
    assert "'" not in source and '"' not in source and "\\" not in source
    s = SimpleNamespace(stats={}, flags={"None": False}, clock=0, visits={"x'y": 1})
    assert codegen.condition(tree)(s) is False
    s.visits = {}
    assert codegen.condition(tree)(s) is True


def test_only_whole_numbers_are_written_as_numbers():
    ns = codegen.Namespace()
    try:
        codegen.condition_source(Num("1) or (1"), ns)  # type: ignore[arg-type]  # what a checked tree never holds
    except TypeError:
        pass
    else:
        raise AssertionError("a number that is not an int was written into the source")


def _old_pick(scope: TextScope, kind: str, key: str, count: int) -> int:
    """`TextScope.pick` as it was before the shuffle got its own method: the reference for the picks."""
    n = scope.visit - 1 if scope.visit > 1 else 0
    if kind == "seq":
        return n if n < count else count - 1
    if kind == "cycle" or count < 2:
        return n % count
    seeded, salted = _digest30(scope.seed), _digest30(scope.salt)
    base = seeded ^ salted
    keyed = _digest30(key)
    if n < count:
        z = ((base ^ keyed) * _MULTIPLIER) & _MASK30
        if n == 0:
            return (z * count) >> 30
    else:
        rnd, n = divmod(n, count)
        z = ((base ^ keyed ^ (rnd * _ROUND & _MASK30)) * _MULTIPLIER) & _MASK30
    order = list(range(count))
    for i in range(n + 1):
        j = i + ((z * (count - i)) >> 30)
        order[i], order[j] = order[j], order[i]
        z = (z * 0x0019660D + 0x3C6EF35F) & _MASK30
    return order[n]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["seq", "cycle", "shuffle"]),
    st.text(max_size=20),
    st.integers(1, 7),
    st.integers(1, 30),
    st.text(max_size=8),
    st.text(max_size=8),
)
def test_the_picks_are_the_ones_they_were(kind, key, count, visit, seed, salt):
    scope = TextScope(SimpleNamespace(), visit, salt, seed)
    assert scope.pick(kind, key, count) == _old_pick(TextScope(SimpleNamespace(), visit, salt, seed), kind, key, count)
    if kind == "shuffle":
        assert scope.shuffle(_digest30(key), count) == _old_pick(scope, kind, key, count)
    assert len(_KEYED) <= 8192


def _texts(story) -> list[Template]:
    out = []
    for part in (*story.scenes.values(), *story.endings):
        out += [part.title, part.text, *(tpl for _, tpl in part.variants)]
        if getattr(part, "again", None) is not None:
            out.append(part.again)
        for ch in getattr(part, "choices", ()):
            out += [tpl for _, tpl in ch.outcome]
    return [t for t in out if t.literal is None]


def _joined(pieces) -> str:
    """A text from its pieces (`Template.pieces`), by a walk of its own: strings, and tuples of pieces."""
    if isinstance(pieces, str):
        return pieces
    assert isinstance(pieces, tuple)
    return "".join(_joined(p) for p in pieces)


def test_every_text_of_the_shipped_day_renders_as_the_reference_walk_does():
    """Along random days, each text at each step: the generated functions (the text, and its pieces unjoined)
    and `_emit` give the same text."""
    story = load_story(STORY)
    texts = _texts(story)
    assert any(not t.plain for t in texts)  # the day has sequences, conditions and clock phrases to compare
    compared = 0
    keyed = {id(tpl): tpl.pieces() for tpl in texts}
    for day in range(40):
        game = Game(story, f"codegen-{day}", keep_undo=False)
        rand = random.Random(day)
        while not game.ended:
            st_ = game.state
            for visit in (1, 2, 5):
                scope = TextScope(st_, visit, "desk", game.seed)
                for tpl in texts:
                    out: list[str] = []
                    _emit(tpl.parts, st_.words, TextScope(st_, visit, "desk", game.seed), out)
                    assert tpl.renderer()(st_.words, scope) == "".join(out), tpl
                    assert tpl.render(st_.words, scope) == "".join(out), tpl  # either way, once shown often or not
                    assert _joined(keyed[id(tpl)](st_.words, scope)) == "".join(out), tpl  # its pieces, in order
                    compared += 1
            ids = game.available
            game.choose(ids[int(rand.random() * len(ids))])
    assert compared > 10_000


def test_a_template_pickles_without_its_generated_function():
    story = load_story(STORY)
    game = Game(story, "pickle", keep_undo=False)
    scope = TextScope(game.state, 1, "desk", game.seed)
    for tpl in _texts(story):
        shown = tpl.render(game.state.words, scope)  # its function is made now
        again = pickle.loads(pickle.dumps(tpl))
        # (a condition read back has a new evaluator, so the copy is not `==`: it shows the same text)
        assert again.parts.__class__ is tuple and again.render(game.state.words, scope) == shown


def _old_rolls(open_now, s, target, visits):
    """`Game._route`'s loop over the interruptions open, as it was before it was generated: the reference."""
    for iid, repeat, cond, chance in open_now:
        if iid == target or (not repeat and iid in visits):
            continue
        if cond is not None and not meaning(cond, s):
            continue
        s.rng = z = (s.rng + 0x9E3779B97F4A7C15) & ((1 << 64) - 1)
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & ((1 << 64) - 1)
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & ((1 << 64) - 1)
        if (z ^ (z >> 31)) / 18446744073709551616.0 < chance:
            return iid
    return None


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(st.floats(0, 1), st.sampled_from([0, 1, 0.5, 1e-300, 5e-324, 1 - 2**-53])),
    st.integers(0, 2**64 - 1),
)
def test_a_roll_is_under_its_chance_exactly_when_the_float_division_says_so(chance, x):
    edge = codegen.below(chance)
    # the edges where the answer turns (the float division rounds there), and a number anywhere
    for n in (edge - 1, edge, edge + 1, x):
        if 0 <= n < 2**64:
            assert (n < edge) == (n / 18446744073709551616.0 < chance), (chance, n)


def _old_due(due, s, clock, target, visits):
    """`Game._route`'s loop over the appointments, as it was before it was generated: the reference."""
    for at, aid, cond in due:
        if at > clock:
            break
        if aid in visits or aid == target or at < s.day_start:
            continue
        if cond is not None and (aid in s.skipped or not meaning(cond, s)):
            if aid not in s.skipped:
                s.skipped.append(aid)
            continue
        return aid
    return None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([480, 540, 600, 750, 900, 1020]),
            st.sampled_from(["desk", "lunch", "sync", "dentist"]),
            st.one_of(st.none(), _truths),
        ),
        max_size=4,
        unique_by=lambda a: a[1],
    ).map(lambda due: tuple(sorted(due, key=lambda a: a[0]))),
    _states,
    st.sampled_from(["desk", "lunch", "sync", "elsewhere"]),
    st.lists(st.sampled_from(["lunch", "sync", "dentist"]), unique=True),
    st.sampled_from([480, 540, 600, 700]),  # at times an appointment's own (a short day)
)
def test_the_generated_appointments_start_what_the_loop_started_and_skip_the_same(due, s, target, skipped, start):
    assume(all(cond is None or _depth(cond) <= 8 for _, _, cond in due))
    s.day_start = start
    s.skipped = list(skipped)
    want = _old_due(due, s, s.clock, target, s.visits)
    want_skipped = s.skipped
    s.skipped = list(skipped)
    got = codegen.starts(due, (), "appointment", "interruption")(s, s.clock, target, s.visits)
    assert got == (None if want is None else (want, "appointment"))
    assert s.skipped == want_skipped  # an `if` false when due: off for the day, as before


_open_sets = st.lists(
    st.tuples(
        st.sampled_from(["desk", "lunch", "ping", "drill"]),
        st.booleans(),
        st.one_of(st.none(), _truths),
        st.one_of(st.floats(0, 1), st.sampled_from([0, 1, 0.5])),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda it: it[0],
)


@settings(max_examples=300, deadline=None)
@given(_open_sets, _states, st.integers(0, 2**64 - 1), st.sampled_from(["desk", "lunch", "ping", "elsewhere"]))
def test_the_generated_rolls_start_what_the_loop_started_and_draw_as_many_numbers(open_now, s, rng, target):
    assume(all(cond is None or _depth(cond) <= 8 for _, _, cond, _ in open_now))
    s.rng = rng
    want = _old_rolls(open_now, s, target, s.visits)
    drawn = s.rng
    s.rng = rng
    got = codegen.starts((), tuple(open_now), "appointment", "interruption")(s, s.clock, target, s.visits)
    assert got == (None if want is None else (want, "interruption"))
    assert s.rng == drawn  # the same random numbers taken: the rest of the day draws the same ones


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["energy", "trust"]), st.integers(-12, 12), st.integers(-3, 8), st.integers(-3, 12))
    ),
    st.lists(st.tuples(st.sampled_from(["tired", "shipped"]), st.booleans()), max_size=2),
    st.lists(st.tuples(st.sampled_from(["lead"]), st.text(max_size=5)), max_size=1),
    st.booleans(),
    st.integers(0, 90),
    _states,
)
def test_generated_effects_change_the_day_as_the_loop_did(changes, flags, words, once, minutes, s):
    """Each stat kept within its bounds as `min(max(value, lo), hi)` (even bounds the wrong way round), then
    flags, words, the `once` key, the clock and the category's minutes."""
    s.words, s.taken, s.minutes = {"lead": "Sam"}, [], {"focus": 5}
    twin = SimpleNamespace(
        **{k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v) for k, v in vars(s).items()}
    )
    key = ("desk", "c") if once else None
    codegen.effects(tuple(changes), tuple(flags), tuple(words), key, minutes, "focus")(s)
    for name, delta, lo, hi in changes:
        twin.stats[name] = min(max(twin.stats[name] + delta, lo), hi)
    twin.flags.update(flags)
    twin.words.update(words)
    if key is not None:
        twin.taken.append(key)
    twin.clock += minutes
    twin.minutes["focus"] = twin.minutes.get("focus", 0) + minutes
    assert vars(s) == vars(twin)


@settings(max_examples=300, deadline=None)
@given(
    st.booleans(),
    st.one_of(st.none(), _truths),
    st.one_of(st.none(), _truths, st.sampled_from([Visited("desk"), Stat("energy")])),
    st.lists(st.tuples(st.sampled_from(["energy", "trust"]), st.integers(-3, 3), st.just(0), st.just(10)), max_size=2),
    st.lists(st.one_of(st.none(), _truths, st.sampled_from([Visited("desk"), Stat("trust")])), max_size=3),
    st.lists(st.tuples(st.one_of(_truths, st.sampled_from([Visited("lunch"), Stat("trust")])), st.text(max_size=4))),
    st.text(max_size=4),
    st.integers(0, 60),
    st.booleans(),
    _states,
)
def test_a_generated_step_refuses_or_takes_a_choice_as_the_loops_did(
    once, show, cond, changes, outcomes, branches, last, minutes, spent, s
):
    """Refused (None, the day untouched) unless not a spent `once`, listed and its `if` true; else its
    consequences, then the first branch whose condition holds after them, or the last (unconditional) one,
    and the first outcome whose condition holds after them (None always does), or -1."""
    trees = (show, cond, *outcomes, *(c for c, _ in branches))
    assume(all(_depth(tree) <= 8 for tree in trees if tree is not None))
    key = ("desk", "c") if once else None
    s.words, s.taken, s.minutes = {}, [("desk", "c")] if spent else [], {}
    twin = SimpleNamespace(
        **{k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v) for k, v in vars(s).items()}
    )
    goto = (*branches, (None, last))
    got = codegen.step((key, show, cond), (tuple(changes), (), (), key, minutes, "focus"), tuple(outcomes), goto)(s)
    holds = (
        not (key is not None and key in twin.taken)
        and (show is None or bool(meaning(show, twin)))
        and (cond is None or bool(meaning(cond, twin)))
    )
    want = None
    if holds:
        codegen.effects(tuple(changes), (), (), key, minutes, "focus")(twin)  # compared with the loop above
        target = next(target for tree, target in goto if tree is None or meaning(tree, twin))
        which = next((i for i, tree in enumerate(outcomes) if tree is None or meaning(tree, twin)), -1)
        want = (target, which)
    assert got == want
    assert vars(s) == vars(twin)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([480, 600, 750, 900]), st.sampled_from(["lunch", "sync"]), st.one_of(st.none(), _truths)
        ),
        max_size=2,
        unique_by=lambda a: a[1],
    ),
    _open_sets,
    _states,
    st.integers(0, 2**64 - 1),
    st.sampled_from(["desk", "lunch", "ping", "elsewhere"]),
)
def test_an_appointment_due_starts_before_any_interruption_is_rolled_for(due, open_now, s, rng, target):
    """As `Game._route` did: the appointments' loop, and the rolls only when no appointment starts."""
    assume(all(cond is None or _depth(cond) <= 8 for _, _, cond in due))
    assume(all(cond is None or _depth(cond) <= 8 for _, _, cond, _ in open_now))
    s.day_start, s.skipped, s.rng = 480, [], rng
    want = _old_due(due, s, s.clock, target, s.visits)
    if want is not None:
        want = (want, "appointment")
    else:
        rolled = _old_rolls(open_now, s, target, s.visits)
        want = None if rolled is None else (rolled, "interruption")
    after = (s.rng, list(s.skipped))
    s.rng, s.skipped = rng, []
    assert (
        codegen.starts(tuple(due), tuple(open_now), "appointment", "interruption")(s, s.clock, target, s.visits) == want
    )
    assert (s.rng, s.skipped) == after  # as many numbers drawn, the same appointments off for the day
