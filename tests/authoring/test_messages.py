"""Messages that suggest the fix, with their exact text and place (issue #16, item 5)."""

from __future__ import annotations

import pytest

from game.authoring.check import check_story
from game.engine.expr import Env, ExprError, compile_expr
from game.engine.yamlsafe import load_document

ENV = Env(frozenset({"energy"}), frozenset({"done"}), None, frozenset({"lead"}))


@pytest.mark.parametrize(
    "src, message, offset",
    [
        ("energy => 3", "cannot read the condition: write `>=` (at least), not `=>`", 7),
        ("energy =< 3", "cannot read the condition: write `<=` (at most), not `=<`", 7),
        ("done and energy = 3", "cannot read the condition: `=` is not a comparison; to test equality write `==`", 16),
        (
            '"energy >= 3"',
            "the whole condition is in quotes, so it reads as the text 'energy >= 3'; inside a condition quotes "
            'mark only a time ("10:30") or a scene in visited("…"): write energy >= 3',
            0,
        ),
        (
            'lead == "Priya"',
            "'lead' is a word, and words cannot be tested in conditions; set a flag where you set the word "
            "(e.g. `set: {lead: ..., lead_chosen: true}`) and test the flag",
            0,
        ),
    ],
)
def test_condition_messages_suggest_the_fix(src, message, offset):
    with pytest.raises(ExprError) as exc:
        compile_expr(src, ENV)
    assert exc.value.message == message
    assert exc.value.offset == offset


def test_comparisons_written_right_still_compile():
    assert compile_expr('energy >= 3 and energy <= 5 and energy == 4 and energy != 2 and clock >= "10:00"', ENV)


def test_a_value_starting_with_a_quote_explains_quoting():
    doc = load_document("a.yaml", b'scenes:\n  a:\n    if: "10:00" <= clock\n')
    [p] = doc.problems
    assert (p.line, p.col) == (3, 9)
    assert p.message == (
        "YAML syntax: while parsing a block mapping did not find expected key; a value that starts with a quote "
        "ends at the closing quote, so YAML cannot read the rest; put the whole value in single quotes: "
        "'\"10:00\" <= clock'"
    )


@pytest.mark.parametrize(
    "src, place, hint",
    [
        (  # a key one space short of its siblings (the tutorial's printer, as a writer mistypes it)
            "scenes:\n  a:\n    title: A\n    text: Hi {lead}.\n   again: Hi.\n",
            (5, 4),
            "; line 5 is indented 3 spaces, unlike every line above it: line it up with the keys it belongs "
            "with (2 or 4 spaces)",
        ),
        (
            "scenes:\n  a:\n    choices:\n      - id: go\n        text: Go\n       minutes: 5\n",
            (6, 8),
            "; line 6 is indented 7 spaces, unlike every line above it: line it up with the keys it belongs "
            "with (6 or 8 spaces)",
        ),
        (
            "scenes:\n  a:\n    choices:\n      - id: go\n\tminutes: 5\n",
            (5, 1),
            "; YAML does not allow tabs in indentation: indent with spaces",
        ),
    ],
)
def test_a_layout_mistake_says_what_is_wrong_with_the_layout(src, place, hint):
    doc = load_document("a.yaml", src.encode())
    [p] = doc.problems
    assert (p.line, p.col) == place
    assert p.message.startswith("YAML syntax: ") and p.message.endswith(hint)
    assert "insertion" not in p.message  # the {lead} above is not the problem


def test_control_characters_are_placed_where_they_were_written():
    doc = load_document("a.yaml", 'scenes:\n  a:\n    title: "Café \\e[31m red"\n'.encode())
    [p] = doc.problems
    assert (p.line, p.col, p.message) == (
        3,
        18,
        "control character U+001B in the text; story text may not hold terminal control codes",
    )
    doc = load_document("a.yaml", b"scenes:\n  a:\n    title: ring\x07\n")
    [p] = doc.problems
    assert (p.line, p.col, p.message) == (
        3,
        16,
        "control character U+0007 in the file; story text may not hold terminal control codes",
    )


def _story(root, scene: str) -> None:
    (root / "scenes").mkdir()
    (root / "story.yaml").write_text(
        'title: T\nstart: a\nclock: {start: "09:00", end: "12:00"}\ncategories: [focus]\n'
        "stats:\n  energy: {start: 5, min: 0, max: 10}\nflags: [done]\nwords: {lead: Priya}\n"
        "endings:\n  - id: last\n    title: The end\n    text: Over.\n"
    )
    (root / "scenes" / "a.yaml").write_text(scene)


def test_unknown_names_in_effects_and_set_say_where_to_declare_them(tmp_path):
    _story(
        tmp_path,
        "scenes:\n  a:\n    title: A\n    text: Hi.\n    choices:\n"
        "      - {id: go, text: Go, set: {dne: true, shipped: true}, effects: {focus: 1, enrgy: 1}, goto: end}\n",
    )
    errors, _ = check_story(tmp_path)
    assert [e.message for e in errors] == [
        "unknown flag or word 'dne'; did you mean 'done'? (or declare it under flags: in story.yaml)",
        "unknown flag or word 'shipped'; declare it under flags: in story.yaml",
        "unknown stat 'focus'; declare it under stats: in story.yaml",
        "unknown stat 'enrgy'; did you mean 'energy'? (or declare it under stats: in story.yaml)",
    ]


def test_errors_in_a_text_block_are_placed_on_their_line(tmp_path):
    _story(
        tmp_path,
        "scenes:\n  a:\n    title: A\n    text: |\n      First {lead} line.\n      Second {nope} and {lead} here.\n"
        "      Third }} and { broken\n    choices:\n      - {id: go, text: Go, goto: end}\n",
    )
    errors, _ = check_story(tmp_path)
    assert [(e.line, e.col) for e in errors] == [(6, 14), (7, 20)]
    assert "{nope} is not a declared word" in errors[0].message


def test_a_zero_minute_choice_back_to_its_own_scene_is_a_warning(tmp_path):
    _story(
        tmp_path,
        "scenes:\n  a:\n    title: A\n    text: Hi.\n    choices:\n      - {id: look, text: Look around, goto: a}\n"
        "      - {id: peek, text: Peek, once: true, goto: a}\n      - {id: wait, text: Wait, minutes: 5, goto: a}\n"
        "      - {id: go, text: Go, goto: end}\n",
    )
    errors, warnings = check_story(tmp_path)
    assert errors == []
    assert [(w.line, w.message) for w in warnings if "own scene" in w.message] == [
        (
            6,
            "choice 'look' in scene 'a' leads back to its own scene and takes 0 minutes, so a player can take it "
            "forever without the clock moving (give it `minutes:` or `once: true`)",
        )
    ]


def test_an_unquoted_outcome_starting_with_a_brace_says_to_quote_it(tmp_path):
    _story(
        tmp_path,
        'version: "1.1"\nscenes:\n  a:\n    title: A\n    text: Hi.\n    choices:\n'
        "      - id: go\n        text: Go\n        outcome: {seq: First. | Again.}\n        goto: end\n",
    )
    errors, _ = check_story(tmp_path)
    [e] = errors
    assert (e.line, e.col) == (9, 18)
    assert e.message.endswith("; a text starting with '{' must be in quotes (YAML reads it as a mapping)")


@pytest.mark.parametrize(
    ("src", "place", "message"),
    [
        (
            'scenes:\n  a:\n    text: "Get some work done\n    minutes: 5\n    outcome: "Done."\n',
            (3, 11),
            "YAML syntax: while parsing a block mapping did not find expected key (at line 5); the quote opened "
            'on line 3 is not closed on its line, so YAML read on to the next quote in the file: end the value with "',
        ),
        (
            "scenes:\n  a:\n    - text: 'it''s open\n    - text: 'closed'\n",
            (3, 13),
            "YAML syntax: while parsing a block mapping did not find expected key (at line 4); the "
            "quote opened on line 3 is not closed on its line, so YAML read on to the next quote in the file: "
            "end the value with '",
        ),
        (
            'scenes:\n  a:\n    text: "never closed\n    minutes: 5\n',
            (3, 11),
            "YAML syntax: while scanning a quoted scalar found unexpected end of stream: the quote opened here is "
            'never closed; end the value with "',
        ),
    ],
)
def test_an_unclosed_quote_is_placed_where_it_opens(src, place, message):
    doc = load_document("a.yaml", src.encode())
    [p] = doc.problems
    assert ((p.line, p.col), p.message) == (place, message)


def test_a_quoted_value_over_two_lines_is_not_blamed_for_a_mistake_elsewhere():
    src = 'scenes:\n  a:\n    text: "one\n      two"\n    minutes: 5\n  b:\n   title: x\n    text: y\n'
    doc = load_document("a.yaml", src.encode())
    [p] = doc.problems
    assert p.line == 8 and "quote" not in p.message
