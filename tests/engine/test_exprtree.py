"""The condition tree and its one walker: every kind of node is handled by every use, and every use agrees."""

from __future__ import annotations

import pickle
from pathlib import Path
from types import SimpleNamespace
from typing import get_args

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import game.authoring.conditions as conditions
import game.engine.codegen as codegen
import game.engine.expr as expr
import game.engine.exprtree as exprtree
from game.authoring.conditions import Analyzer, Bounds, distance
from game.engine.expr import EVALUATE, Env, compile_expr
from game.engine.exprtree import (
    NODES,
    NUMBERS,
    TRUTHS,
    Add,
    And,
    Bool,
    Clock,
    Cmp,
    Flag,
    Neg,
    Node,
    Not,
    Num,
    Or,
    Stat,
    Sub,
    Visited,
    Visitor,
    children,
    conjuncts,
    method_name,
    walk,
)
from tests.engine.meaning import meaning

# one node of each kind, children included
EXAMPLES: dict[type, Node] = {
    Num: Num(3),
    Bool: Bool(True),
    Stat: Stat("energy"),
    Flag: Flag("tired"),
    Clock: Clock(),
    Visited: Visited("desk"),
    Not: Not(Flag("tired")),
    Neg: Neg(Stat("energy")),
    Add: Add(Stat("energy"), Num(1)),
    Sub: Sub(Clock(), Num(60)),
    And: And((Flag("tired"), Bool(False))),
    Or: Or((Flag("tired"), Flag("shipped"), Bool(True))),
    Cmp: Cmp(("<", "<="), (Num(1), Stat("energy"), Num(5))),
}


def _visitors(cls: type = Visitor) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_visitors(sub)]
    return out


def test_the_node_union_lists_every_node_class_once():
    assert set(get_args(Node)) == set(NODES) == set(EXAMPLES)
    assert len(NODES) == len(set(NODES))
    assert set(NUMBERS) | set(TRUTHS) == set(NODES) and not set(NUMBERS) & set(TRUTHS)


def test_visit_calls_the_method_named_after_the_kind_of_node():
    class Names(Visitor[None, str]):
        pass

    for kind in NODES:  # each method answers its own name
        setattr(Names, method_name(kind), lambda self, node, ctx, name=method_name(kind): name)
    Names.__abstractmethods__ = frozenset()
    Names.__init_subclass__()  # the table is made when the class is, before the methods above existed
    names = Names()
    for kind, node in EXAMPLES.items():
        assert names.visit(node, None) == f"visit_{kind.__name__.lower()}"


def test_every_visitor_in_the_game_answers_every_kind_of_node():
    found = [v for v in _visitors() if v.__module__.startswith("game.")]
    # the compiler, the reference evaluator, children, the analyses' goals, intervals and distances, and the
    # generated source of the step's hot paths
    assert {v.__name__ for v in found} >= {
        "_Compile",
        "Evaluate",
        "_Children",
        "_Goals",
        "_Interval",
        "_Distance",
        "_Source",
    }
    for visitor in found:
        assert not visitor.__abstractmethods__, visitor
        for kind in NODES:
            method = visitor._methods[kind]
            assert not getattr(method, "__isabstractmethod__", False), (visitor, kind)
    assert {conditions.__name__, expr.__name__, exprtree.__name__, codegen.__name__} == {v.__module__ for v in found}


def test_a_visitor_that_misses_a_kind_of_node_cannot_be_made():
    class NoNeg(Visitor[None, int]):
        def _any(self, node: Node, ctx: None) -> int:
            return 0

        visit_num = visit_bool = visit_stat = visit_flag = visit_clock = visit_visited = _any
        visit_not = visit_add = visit_sub = visit_and = visit_or = visit_cmp = _any

    with pytest.raises(TypeError, match="visit_neg"):
        NoNeg()  # type: ignore[abstract]


def test_walk_yields_parents_before_children_left_to_right():
    tree = And((Cmp((">=",), (Add(Stat("energy"), Num(1)), Num(3))), Not(Flag("tired"))))
    assert list(walk(tree)) == [
        tree,
        tree.parts[0],
        Add(Stat("energy"), Num(1)),
        Stat("energy"),
        Num(1),
        Num(3),
        Not(Flag("tired")),
        Flag("tired"),
    ]
    assert children(tree) == tree.parts and children(Num(1)) == ()
    assert conjuncts(tree) == tree.parts and conjuncts(Flag("x")) == (Flag("x"),)


def test_nodes_of_different_kinds_with_the_same_fields_differ():
    assert Stat("x") != Flag("x") and Num(1) != Bool(True) and Not(Num(1)) != Neg(Num(1))
    assert {Stat("x"), Stat("x"), Flag("x")} == {Stat("x"), Flag("x")}


# -- random well-formed trees: the checker, the closures, the reference, the analyses agree ------------

ENV = Env(frozenset({"energy", "trust"}), frozenset({"tired", "shipped"}), frozenset({"desk", "lunch"}))
BOUNDS = Bounds(
    stats={"energy": (0, 10), "trust": (0, 10)},
    flags={"tired": frozenset({False, True}), "shipped": frozenset({False, True})},
    clock=(480, 1100),
)

_ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
_number_leaf = st.one_of(
    st.one_of(st.integers(-2, 12), st.integers(470, 1110)).map(Num),  # about a stat's values, or a time's
    st.sampled_from(["energy", "trust"]).map(Stat),
    st.just(Clock()),
    st.sampled_from(["desk", "lunch"]).map(Visited),
)
_number_part = st.recursive(
    _number_leaf,
    lambda inner: st.one_of(
        st.builds(Add, inner, inner),
        st.builds(Sub, inner, inner),
        inner.filter(lambda n: not isinstance(n, Num)).map(Neg),  # `-3` is read as the number -3
    ),
    max_leaves=4,
)
_numbers = st.one_of(_number_leaf, _number_leaf, _number_part)  # mostly the shapes stories write


def _chain(draw_ops: list[str], operands: list[Node]) -> Cmp:
    return Cmp(tuple(draw_ops), tuple(operands))  # type: ignore[arg-type]


_number_cmp = st.one_of(
    st.builds(lambda a, op, b: Cmp((op,), (a, b)), _numbers, _ops, _numbers),
    st.builds(_chain, st.lists(_ops, min_size=2, max_size=2), st.lists(_numbers, min_size=3, max_size=3)),
)
_truth_leaf = st.one_of(st.booleans().map(Bool), st.sampled_from(["tired", "shipped"]).map(Flag), _number_cmp)
_truths = st.recursive(
    _truth_leaf,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=4).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=4).map(lambda xs: Or(tuple(xs))),
        st.builds(lambda a, op, b: Cmp((op,), (a, b)), inner, st.sampled_from(["==", "!="]), inner),
    ),
    max_leaves=8,
)
_states = st.builds(
    lambda e, t, f1, f2, clock, v1, v2: SimpleNamespace(
        stats={"energy": e, "trust": t},
        flags={"tired": f1, "shipped": f2},
        clock=clock,
        visits={"desk": v1, "lunch": v2},
    ),
    st.integers(0, 10),
    st.integers(0, 10),
    st.booleans(),
    st.booleans(),
    st.integers(480, 1100),
    st.integers(0, 3),
    st.integers(0, 3),
)


def _source(node: Node) -> str:
    """The condition as a writer could write it, every part in brackets (independently of the engine)."""
    match node:
        case Num(v):
            return str(v)
        case Bool(v):
            return "true" if v else "false"
        case Stat(name) | Flag(name):
            return name
        case Clock():
            return "clock"
        case Visited(scene):
            return f'visited("{scene}")'
        case Not(x):
            return f"not ({_source(x)})"
        case Neg(x):
            return f"-({_source(x)})"
        case Add(a, b):
            return f"({_source(a)}) + ({_source(b)})"
        case Sub(a, b):
            return f"({_source(a)}) - ({_source(b)})"
        case And(parts) | Or(parts):
            word = " and " if isinstance(node, And) else " or "
            return word.join(f"({_source(p)})" for p in parts)
        case Cmp(ops, operands):
            out = f"({_source(operands[0])})"
            for op, x in zip(ops, operands[1:]):
                out += f" {op} ({_source(x)})"
            return out
    raise AssertionError(node)


def _depth(node: Node) -> int:
    return 1 + max((_depth(c) for c in children(node)), default=0)


@settings(max_examples=300, deadline=None)
@given(_truths, st.lists(_states, min_size=1, max_size=4))
def test_random_conditions_read_back_and_evaluate_alike_everywhere(tree, states):
    assume(_depth(tree) <= 10)
    # a text over the 400-character limit is refused unread (test_loader checks that); hypothesis found a 401
    assume(len(_source(tree)) <= expr.MAX_LENGTH)
    compiled = compile_expr(_source(tree), ENV)
    assert compiled.tree == tree  # the checker makes exactly this tree of its text
    again = pickle.loads(pickle.dumps(compiled))  # as the compiled-story cache keeps it
    assert again.tree == tree and again.src == compiled.src
    analyzer = Analyzer(BOUNDS)
    for s in states:
        want = meaning(tree, s)
        assert compiled.fn(s) == want and again.fn(s) == want
        assert EVALUATE.visit(tree, s) == want
        assert type(compiled.fn(s)) is bool
        assert (distance(tree, True, s) == 0) == bool(want)
        assert (distance(tree, False, s) == 0) == (not want)
        if want:  # a condition true in a day within the bounds can never be called impossible
            assert analyzer.can_hold(tree)
        else:
            assert analyzer.can_hold(Not(tree))


@settings(max_examples=200, deadline=None)
@given(_numbers, _states)
def test_random_number_parts_evaluate_alike(tree, s):
    assume(_depth(tree) <= 10)
    compiled = expr.Compiled(tree, frozenset())
    assert compiled.fn(s) == EVALUATE.visit(tree, s) == meaning(tree, s)
    lo, hi = Analyzer(BOUNDS).interval(tree, {})
    assert lo <= meaning(tree, s) <= hi


def test_conditions_of_one_text_share_their_evaluator_after_the_cache_reads_them_back():
    env = Env(frozenset({"energy"}), frozenset())
    a, b = compile_expr("energy >= 3", env), compile_expr("energy >= 3", env)
    assert a.compiled is b.compiled
    a2, b2 = pickle.loads(pickle.dumps([a, b]))
    assert a2 == a2 and a2.fn is b2.fn and a2.tree == a.tree and a2.scenes == a.scenes
    s = SimpleNamespace(stats={"energy": 4}, flags={}, clock=0, visits={})
    assert a2(s) and not a2.fn(SimpleNamespace(stats={"energy": 2}))


def test_both_is_the_and_of_two_conditions():
    env = Env(frozenset({"energy"}), frozenset({"met"}), frozenset({"desk"}))
    a, b = compile_expr("met", env), compile_expr('energy > visited("desk")', env)
    both = a.both(b)
    assert both.src == '(met) and (energy > visited("desk"))'
    assert both.tree == And((Flag("met"), Cmp((">",), (Stat("energy"), Visited("desk")))))
    assert both.scenes == frozenset({"desk"})
    for met, energy, visits in [(True, 2, 1), (True, 1, 1), (False, 2, 1)]:
        s = SimpleNamespace(stats={"energy": energy}, flags={"met": met}, clock=0, visits={"desk": visits})
        assert both(s) is (met and energy > visits)
    again = pickle.loads(pickle.dumps(both))
    assert again.tree == both.tree and again(SimpleNamespace(stats={"energy": 2}, flags={"met": True}, visits={}))


@settings(max_examples=200, deadline=None)
@given(_truths, st.lists(_states, min_size=1, max_size=3))
def test_a_condition_compiled_without_its_evaluator_builds_it_on_first_use_and_agrees(tree, states):
    """`check` compiles with `evaluators=False`: the tree is the same, the evaluator is built only when
    first called, and it gives what the evaluator built at once gives."""
    assume(_depth(tree) <= 10)
    assume(len(_source(tree)) <= expr.MAX_LENGTH)
    fresh = Env(ENV.stats, ENV.flags, ENV.scenes, evaluators=False)  # its own cache: nothing evaluated yet
    lazy = compile_expr(_source(tree), fresh)
    eager = compile_expr(_source(tree), ENV)
    assert lazy.tree == eager.tree == tree and lazy.scenes == eager.scenes
    flipped = compile_expr(_source(Not(tree)), fresh)
    assert flipped.compiled._built is None  # not built by compiling
    for s in states:
        want = meaning(tree, s)
        assert lazy.fn(s) == want and lazy(s) == eager(s) == want
        assert type(lazy.fn(s)) is bool
        assert lazy.both(flipped)(s) is False and lazy.both(lazy)(s) == eager.both(eager)(s) == want
    assert lazy.compiled._built is not None  # built once, then kept


def _conditions(story):
    out = [ch.cond for sc in story.scenes.values() for ch in sc.choices if ch.cond is not None]
    return out + [c for sc in story.scenes.values() for ch in sc.choices for c, _ in ch.goto if c is not None]


def test_check_builds_no_evaluator():
    from game.engine import load_story

    day = Path(__file__).resolve().parents[2] / "story"
    checked = _conditions(load_story(day, evaluators=False))
    assert checked and all(c.compiled._built is None and c.fn == c.compiled._first_use for c in checked)
    played = _conditions(load_story(day))  # a day to play has every evaluator ready
    assert len(played) == len(checked) and all(c.fn != c.compiled._first_use for c in played)
