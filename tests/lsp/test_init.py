"""`dayjob init` and `dayjob schema --write`: a story folder anywhere on disk, with its editor set-up."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import yaml

from game.authoring.check import check_story
from game.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_init_makes_a_story_that_checks_with_no_problems(tmp_path, capsys):
    root = tmp_path / "anywhere" / "my story"
    assert main(["init", str(root)]) == 0
    errors, warnings = check_story(root)
    assert errors == [] and warnings == []
    schema = json.loads((root / "story.schema.json").read_text())
    for path, line in [
        (root / "story.yaml", "story.schema.json"),
        (root / "scenes" / "desk.yaml", "../story.schema.json"),
    ]:
        text = path.read_text()
        assert text.splitlines()[0] == f"# yaml-language-server: $schema={line}"
        assert (path.parent / line).resolve() == (root / "story.schema.json").resolve()
        jsonschema.validate(yaml.safe_load(text), schema)
    assert main(["init", str(root)]) == 1  # never over a story
    assert "already exists" in capsys.readouterr().err


def test_schema_write_puts_the_schema_beside_a_story_and_points_the_modelines_there(tmp_path):
    story = tmp_path / "story"
    shutil.copytree(ROOT / "tests" / "authoring" / "fixtures" / "office", story)
    scene = story / "scenes" / "desk.yaml"
    before = scene.read_text()
    assert before.startswith("# yaml-language-server: $schema=../../../../../docs/story.schema.json")
    manifest = story / "story.yaml"
    manifest.write_text(manifest.read_text().split("\n", 1)[1])  # one file without a modeline
    manifest_before = manifest.read_text()
    assert main(["schema", "--write", str(story)]) == 0
    assert (story / "story.schema.json").read_text() == (ROOT / "docs" / "story.schema.json").read_text()
    assert scene.read_text() == "# yaml-language-server: $schema=../story.schema.json\n" + before.split("\n", 1)[1]
    assert manifest.read_text() == "# yaml-language-server: $schema=story.schema.json\n" + manifest_before
    errors, _ = check_story(story)
    assert errors == []
    assert main(["schema", "--write", str(tmp_path / "nothing")]) == 2


def test_lsp_help_configures_three_editors(capsys):
    try:
        main(["lsp", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "glspc.server.command" in out and 'vim.lsp.config("dayjob"' in out and "[language-server.dayjob]" in out
