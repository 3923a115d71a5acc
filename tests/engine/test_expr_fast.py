"""The fast reading of a condition makes exactly what Python's parser and the checker make, or gives way to them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import game.engine.expr as expr
from game.engine import load_story
from game.engine.expr import Env, ExprError, _Fast
from tests.engine.test_exprtree import _depth, _source, _truths

ROOT = Path(__file__).resolve().parents[2]
# names as a story may declare them: `visited` a stat, `match` (a soft keyword of Python's) and `is` and `None`
# (keywords: Python cannot read them as names) flags
ENV = Env(
    frozenset({"energy", "trust", "visited"}),
    frozenset({"tired", "shipped", "match", "is", "None"}),
    frozenset({"desk", "lunch"}),
)


def _full(text: str, env: Env) -> tuple[object, int, frozenset[str]] | str:
    """What Python's parser and the checker make of a stripped condition: (tree, parts, scenes), or the problem."""
    fresh = Env(env.stats, env.flags, env.scenes, env.words)  # its own count of parts
    try:
        compiled = expr._compile_python(text, text, fresh)
    except ExprError as exc:
        return f"{exc.offset}: {exc.message}"
    return compiled.tree, fresh.spent.parts, compiled.scenes


def _agrees(text: str, env: Env = ENV) -> bool:
    """Whether the fast path agrees with the full one on `text`; True when it read it, False when it gave way."""
    fast = _Fast.read(text, env)
    if fast is None:
        return False
    assert _full(text, env) == fast, text
    return True


@settings(max_examples=400, deadline=None)
@given(_truths)
def test_random_conditions_read_fast_as_python_reads_them(tree):
    text = _source(tree)
    if len(text) <= expr.MAX_LENGTH and _depth(tree) <= 6 and text.count("(") <= 40:
        assert _agrees(text)  # these are all within the language and its limits: read fast
    else:
        _agrees(text)


# pieces a writer might type, right or wrong: names (declared or not, Python's keywords), numbers Python
# reads differently (leading zeros, floats, too large), times and texts, operators of the language and
# others, brackets, commas, comments, escapes
_PIECES = st.sampled_from(
    [
        "energy", "trust", "tired", "shipped", "match", "visited", "clock", "true", "false", "True", "False",
        "None", "lead", "is", "in", "if", "else", "lambda", "and", "or", "not", "x",
        "0", "00", "007", "3", "12", "1000000000", "1000000001", "3.5", "1e3", "1_000", "3and",
        '"10:30"', "'09:00'", '"25:00"', '""', '"desk"', "'lunch'", '"nowhere"', 'r"10:30"', '"a\\"b"',
        "==", "!=", "<", "<=", ">", ">=", "=>", "=<", "=", "<>", "+", "-", "*", "/", "**", "%", "~",
        "(", ")", ",", ".", "#", "\\", "\t", "\n", "é", "visited(", ")(",
    ]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.sampled_from(["", " ", "  "])), min_size=1, max_size=9))
def test_any_run_of_pieces_is_read_fast_only_as_python_reads_it(pieces):
    text = "".join(p + gap for p, gap in pieces).strip()
    if text:
        _agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "energy >= 3",
        "not tired and energy + trust - 2 >= 6",
        'visited("desk") >= 1 or clock >= "11:30"',
        "-3 < energy <= - -4",
        "+energy == -(trust)",
        "(tired or shipped) and (tired or (shipped and true))",
        "tired == false",
        "True != shipped",
        'clock - 30 > "09:00"',
        "visited < 3 and match",
        "energy",
        "0 == 00 or energy > 1000000000",
    ],
)
def test_the_shapes_stories_write_are_read_fast(text):
    # (`00` and a number past 10**9 give way; everything else here is read fast)
    assert _agrees(text) == (text != "0 == 00 or energy > 1000000000")


@pytest.mark.parametrize(
    "text",
    [
        "energy >= 3 and",
        "energy => 3",
        "energy = 3",
        "energy >= 3.5",
        "energy >= 1e3",
        "energy >= 007",
        "lead == 3",
        "is",
        "None or tired",
        "energy is 3",
        "energy in 3",
        "not",
        "clock",
        '"10:30"',
        'visited("nowhere")',
        'visited("desk", "lunch")',
        "visited(desk)",
        "tired + 1 > 2",
        "-tired < 2",
        "tired < shipped",
        "tired == 1",
        'clock > "25:00"',
        "energy > 1000000001",
        "(energy > 3",
        "energy > 3)",
        "()",
        "(energy, 3)",
        "energy > 3 # why",
        "energy >\n3",
        "énergie > 3",
        'clock or "10:30"',
        "not " * 13 + "tired",
        "(" * 41 + "tired" + ")" * 41,
    ],
)
def test_anything_else_gives_way_to_python(text):
    assert _Fast.read(text, ENV) is None


def test_every_condition_of_the_shipped_day_and_the_fixtures_is_read_fast():
    seen = 0
    for folder in [ROOT / "story", ROOT / "tests" / "fixtures" / "mini11"]:
        story = load_story(folder)
        env = Env(frozenset(story.stats), frozenset(story.flags), frozenset(story.scenes), frozenset(story.words))
        conds = [c for sc in story.scenes.values() for ch in sc.choices for c in [ch.cond, *(g for g, _ in ch.goto)]]
        conds += [c for sc in story.scenes.values() for c, _ in sc.variants] + [e.cond for e in story.endings]
        for cond in conds:
            if cond is not None:
                assert _agrees(cond.src.strip(), env), cond.src
                seen += 1
    assert seen > 100
