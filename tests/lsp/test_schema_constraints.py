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


@pytest.mark.parametrize(
    "doc, says",
    [
        (_choice(**{"if": "energy > 1 and " + "x" * 400}), "is too long"),
        (_choice(show_if="e" * 401), "is too long"),
        (_scene(variants=[{"if": "done or " + "y" * 400, "text": "V"}]), "is too long"),
        (_choice(id="end"), "should not be valid"),
        (_choice(id="c" * 65), "is too long"),
        (_manifest(flags=["done", "back"]), "should not be valid"),
        (_manifest(categories=["focus", "not"]), "should not be valid"),
        (_manifest(stats={"visited": {"start": 1}}), "should not be valid"),
        (_manifest(words={"w" * 65: "x"}), "is too long"),
        ({"scenes": {"clock": SCENES["scenes"]["a"]}}, "should not be valid"),
        ({"scenes": {"s" * 65: SCENES["scenes"]["a"]}}, "is too long"),
        (_manifest(endings=[{"id": "or", "title": "T", "text": "X"}]), "should not be valid"),
        (_scene(at="10:00", interrupt={"chance": 0.5}), "should not be valid"),
        (_choice(goto=[]), "should be non-empty"),
        (_manifest(flags=["done", "done"]), "non-unique"),
        (_scene(text="Bell \x07 rings"), "does not match"),
        (_choice(text="\x1b[31mred"), "does not match"),
        (_manifest(title="T\x9b"), "does not match"),
    ],
)
def test_each_new_constraint_is_caught(doc, says):
    for found in messages(doc):
        assert any(says in m for m in found), found


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
