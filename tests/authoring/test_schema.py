"""`dayjob schema`: one JSON Schema that every story file validates against, committed in docs/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.authoring.schema import SCHEMA_PATH, build_schema, schema_text
from game.engine.loader import story_files
from game.engine.yamlsafe import load_document

from .conftest import FIXTURES, ROOT, SHIPPED
from .schema_check import errors

SCHEMA = build_schema()
MODELINE = "# yaml-language-server: $schema="


def _data(path: Path):
    doc = load_document(str(path), path.read_bytes())
    assert not doc.problems, doc.problems
    return doc.data


def _files(root: Path) -> list[Path]:
    return story_files(root)


def test_the_committed_schema_is_the_generated_one():
    assert SCHEMA_PATH == ROOT / "docs" / "story.schema.json"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "run: dayjob schema --out docs/story.schema.json"


def test_it_is_a_2020_12_schema_with_descriptions():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    choice = SCHEMA["$defs"]["ChoiceDef"]["properties"]
    assert set(choice) == {
        "id",
        "text",
        "if",
        "show_if",
        "locked",
        "minutes",
        "effects",
        "set",
        "once",
        "goto",
        "category",
        "outcome",
    }
    assert all(p.get("description") for p in choice.values())
    manifest = SCHEMA["$defs"]["Manifest"]["properties"]
    assert {"hub", "category_labels", "credits", "reference", "short"} <= set(manifest)
    assert all(p.get("description") for p in manifest.values())


@pytest.mark.parametrize("path", _files(SHIPPED), ids=lambda p: p.name)
def test_every_shipped_file_validates(path):
    assert errors(_data(path), SCHEMA) == []


@pytest.mark.parametrize(
    "path", [p for d in sorted(FIXTURES.iterdir()) for p in _files(d)], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_fixture_file_validates(path):
    assert errors(_data(path), SCHEMA) == []


@pytest.mark.parametrize("path", _files(SHIPPED), ids=lambda p: p.name)
def test_every_shipped_file_names_the_schema_on_its_first_line(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE)
    target = (path.parent / first[len(MODELINE) :].strip()).resolve()
    assert target == SCHEMA_PATH


SCENE = {
    "scenes": {
        "desk": {
            "title": "Desk",
            "text": "A desk.",
            "choices": [{"id": "work", "text": "Work", "minutes": 5, "goto": "desk"}],
        }
    }
}


def _scene_with(**choice) -> dict:
    data = json.loads(json.dumps(SCENE))
    data["scenes"]["desk"]["choices"][0].update(choice)
    return data


@pytest.mark.parametrize(
    "data, problem",
    [
        (_scene_with(choises=1), "unknown key 'choises'"),
        (_scene_with(minutes=-5), "below 0"),
        (_scene_with(minutes="ten"), "expected integer"),
        (_scene_with(set={"lead": 3}), "expected boolean/string"),
        (_scene_with(goto=[{"if": "energy > 2"}]), "missing 'to'"),
        (_scene_with(once="yes"), "expected boolean"),
        ({"scenes": {"desk": {"title": "Desk", "text": "x", "choices": []}}}, "fewer than 1 items"),
        (
            {
                "scenes": {
                    "desk": {"title": "D", "at": "9:30", "text": "x", "choices": SCENE["scenes"]["desk"]["choices"]}
                }
            },
            "'9:30' does not match",
        ),
        ({"scenes": {"2fast": SCENE["scenes"]["desk"]}}, "'2fast' does not match"),
        ({"scenes": {"desk": dict(SCENE["scenes"]["desk"], interrupt={"chance": 2})}}, "above 1"),
        (
            {
                "title": "T",
                "start": "a",
                "clock": {"start": "09:00"},
                "categories": ["x"],
                "endings": [{"id": "e", "title": "E", "text": "t"}],
            },
            "missing 'end'",
        ),
        (
            {
                "title": "T",
                "start": "a",
                "clock": {"start": "09:00", "end": "17:00"},
                "categories": ["x"],
                "endings": [{"id": "e", "title": "E", "text": "t"}],
                "flag": ["x"],
            },
            "unknown key 'flag'",
        ),
    ],
)
def test_mistakes_do_not_validate(data, problem):
    found = errors(data, SCHEMA)
    assert any(problem in e for e in found), found


def test_schema_command_prints_or_writes_it(dayjob, tmp_path):
    code, out, _ = dayjob("schema")
    assert code == 0 and json.loads(out) == SCHEMA
    target = tmp_path / "story.schema.json"
    code, out, _err = dayjob("schema", "--out", target)
    assert code == 0 and out == "" and json.loads(target.read_text()) == SCHEMA
