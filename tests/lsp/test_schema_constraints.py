"""The schema catches what `check` rejects cheaply (issue #16 item 4), checked with the `jsonschema` library."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from game.authoring.check import check_story
from game.authoring.schema import build_schema

SCHEMA = build_schema()
VALIDATORS = [jsonschema.Draft202012Validator(SCHEMA), jsonschema.Draft7Validator(SCHEMA)]

MANIFEST = {
    "title": "T",
    "start": "a",
    "clock": {"start": "09:00", "end": "12:00"},
    "categories": ["focus"],
    "stats": {"energy": {"start": 5}},
    "flags": ["done"],
    "words": {"lead": "Priya"},
    "endings": [{"id": "last", "title": "The end", "text": "Over."}],
}
SCENES = {
    "scenes": {
        "a": {
            "title": "A",
            "text": "Hi.",
            "choices": [{"id": "go", "text": "Go", "if": "energy > 1", "set": {"done": True}, "goto": "end"}],
        }
    }
}


def _flat(errors):
    for e in errors:
        yield e.message
        yield from _flat(e.context or ())


def messages(doc) -> list[list[str]]:
    """Per validator (2020-12 and draft-07, as editors run), every message, those inside anyOf/if included."""
    return [sorted(_flat(v.iter_errors(doc))) for v in VALIDATORS]


def test_the_base_files_are_valid():
    assert messages(MANIFEST) == [[], []] and messages(SCENES) == [[], []]


def _scene(**change):
    doc = copy.deepcopy(SCENES)
    doc["scenes"]["a"].update(change)
    return doc


def _choice(**change):
    doc = copy.deepcopy(SCENES)
    doc["scenes"]["a"]["choices"][0].update(change)
    return doc


def _manifest(**change):
    doc = copy.deepcopy(MANIFEST)
    doc.update(change)
    return doc


RESERVED_ID = "An id is letters, digits and _, starting with a letter, and not a reserved word"
NO_CONTROL = "A control character (such as ESC or BEL) is in this text"
AT_AND_INTERRUPT = "A scene has `at` (an appointment) or `interrupt` (an interruption), not both"


@pytest.mark.parametrize(
    "doc, says, editor_says",
    [
        (_choice(**{"if": "energy > 1 and " + "x" * 400}), "is too long", None),
        (_choice(show_if="e" * 401), "is too long", None),
        (_scene(variants=[{"if": "done or " + "y" * 400, "text": "V"}]), "is too long", None),
        (_choice(id="end"), "does not match", RESERVED_ID),
        (_choice(id="c" * 65), "is too long", None),
        (_manifest(flags=["done", "back"]), "does not match", RESERVED_ID),
        (_manifest(categories=["focus", "not"]), "does not match", RESERVED_ID),
        (_manifest(stats={"visited": {"start": 1}}), "does not match", RESERVED_ID),
        (_manifest(words={"w" * 65: "x"}), "is too long", None),
        ({"scenes": {"clock": SCENES["scenes"]["a"]}}, "does not match", RESERVED_ID),
        ({"scenes": {"s" * 65: SCENES["scenes"]["a"]}}, "is too long", None),
        (_manifest(endings=[{"id": "or", "title": "T", "text": "X"}]), "does not match", RESERVED_ID),
        (_scene(at="10:00", interrupt={"chance": 0.5}), "is not of type 'null'", AT_AND_INTERRUPT),
        (_choice(goto=[]), "should be non-empty", None),
        (_manifest(flags=["done", "done"]), "non-unique", None),
        (_scene(text="Bell \x07 rings"), "does not match", NO_CONTROL),
        (_choice(text="\x1b[31mred"), "does not match", NO_CONTROL),
        (_manifest(title="T\x9b"), "does not match", NO_CONTROL),
    ],
)
def test_each_new_constraint_is_caught(doc, says, editor_says):
    for found in messages(doc):
        assert any(says in m for m in found), found
    if editor_says is not None:  # what yaml-language-server shows instead of "Matches a schema that is not allowed"
        for validator in VALIDATORS:
            shown = {e.schema.get("patternErrorMessage") or e.schema.get("errorMessage") for e in _all(validator, doc)}
            assert any(m and m.startswith(editor_says) for m in shown), shown


def _all(validator, doc):
    stack = list(validator.iter_errors(doc))
    while stack:
        e = stack.pop()
        yield e
        stack.extend(e.context or ())


def test_words_that_merely_start_like_a_reserved_one_are_ids():
    doc = _manifest(flags=["done", "ending", "nothing", "backlog", "clockwork", "visited_desk", "order"])
    assert messages(doc) == [[], []]


def test_an_appointment_may_say_it_is_no_interruption():
    assert messages(_scene(at="10:00", interrupt=None)) == [[], []]


def test_text_with_tabs_and_newlines_is_still_text():
    assert messages(_scene(text="one\n\ttwo\n")) == [[], []]


def test_a_condition_of_400_characters_is_still_allowed():
    assert messages(_choice(**{"if": "energy > 1" + " " * 390})) == [[], []]


def test_a_misspelt_scenes_key_is_named_not_read_as_a_manifest():
    doc = {"scnees": SCENES["scenes"]}
    for found in messages(doc):
        assert any("'scnees'" in m and "not allowed" in m for m in found), found
        assert any("'scenes' is a required property" in m for m in found), found
        assert not any("'title'" in m or "'clock'" in m for m in found), found


def test_a_manifest_with_a_misspelt_key_is_still_read_as_a_manifest():
    doc = _manifest(titel="x")
    del doc["title"]
    for found in messages(doc):
        assert any("'titel'" in m for m in found) and any("'title' is a required property" in m for m in found)


def _story(root, manifest_extra: str = "", choice: str = "{id: go, text: Go, goto: end}", scene_id: str = "a"):
    (root / "scenes").mkdir()
    (root / "story.yaml").write_text(
        'title: T\nstart: a\nclock: {start: "09:00", end: "12:00"}\ncategories: [focus]\n'
        f"{manifest_extra}endings:\n  - id: last\n    title: The end\n    text: Over.\n"
    )
    (root / "scenes" / "a.yaml").write_text(
        f"scenes:\n  {scene_id}:\n    title: A\n    text: Hi.\n    choices:\n      - {choice}\n"
    )


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"manifest_extra": "words: {not: x}\n"}, "'not' is a reserved word; name the word differently"),
        ({"manifest_extra": "stats:\n  " + "s" * 65 + ": {start: 1}\n"}, "characters long; ids are at most 64"),
        ({"choice": "{id: back, text: Go, goto: end}"}, "'back' is a reserved word; name the choice differently"),
        ({"scene_id": "a" * 65}, "scene id 'aaaaaaaaaaaaaaaaaaaa'... is 65 characters long; ids are at most 64"),
    ],
)
def test_check_enforces_id_length_and_reserved_words_as_the_docs_promise(tmp_path, kw, message):
    _story(tmp_path, **kw)
    errors, _ = check_story(tmp_path)
    assert any(message in e.message for e in errors), errors
