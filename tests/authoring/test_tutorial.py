"""The tutorial in docs/writing.md, followed literally on a copy of a story: it checks clean and plays."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from game.authoring.check import check_story
from game.authoring.route import find_route
from game.cli import build_parser
from game.engine import Game, load_story

from .conftest import FIXTURES, ROOT, SHIPPED

GUIDE = ROOT / "docs" / "writing.md"
STEP = re.compile(r"<!-- tutorial: (?P<what>[\w-]+)(?: (?P<arg>\S+))? -->\n```yaml\n(?P<yaml>.*?)```", re.DOTALL)


def steps() -> list[tuple[str, str | None, str]]:
    return [(m["what"], m["arg"], m["yaml"]) for m in STEP.finditer(GUIDE.read_text(encoding="utf-8"))]


def follow_tutorial(story: Path) -> None:
    """Does what the tutorial says, with its YAML exactly as printed."""
    done = []
    for what, arg, text in steps():
        if what == "new-file":
            (story / arg).write_text(text, encoding="utf-8")
        elif what == "set-version":  # "if it has no `version:` line, add this one at the top"
            assert text == 'version: "1.1"\n'
            manifest = story / "story.yaml"
            lines = manifest.read_text(encoding="utf-8").split("\n")
            versions = [i for i, line in enumerate(lines) if line.startswith("version:")]
            if versions:
                assert lines[versions[0]] == text.rstrip("\n"), "the story says another version"
            else:
                lines.insert(0, text.rstrip("\n"))
                manifest.write_text("\n".join(lines), encoding="utf-8")
        elif what == "add-flag":  # "add `printer_fixed` to the `flags:` list": the block's second line
            header, item = text.rstrip("\n").split("\n")
            assert header == "flags:"
            manifest = story / "story.yaml"
            lines = manifest.read_text(encoding="utf-8").split("\n")
            at = next(i for i, line in enumerate(lines) if line.startswith("flags:"))
            lines.insert(at + 1, item)
            manifest.write_text("\n".join(lines), encoding="utf-8")
        elif what == "add-choice":  # "under `choices:` of the scene `desk`", as printed
            path = next(
                p
                for p in (story / "scenes").glob("*.yaml")
                if re.search(rf"^  {arg}:$", p.read_text(encoding="utf-8"), re.MULTILINE)
            )
            lines = path.read_text(encoding="utf-8").split("\n")
            start = lines.index(f"  {arg}:")
            at = next(i for i in range(start, len(lines)) if lines[i] == "    choices:")
            lines[at + 1 : at + 1] = text.rstrip("\n").split("\n")
            path.write_text("\n".join(lines), encoding="utf-8")
        else:
            raise AssertionError(f"unknown tutorial step {what!r}")
        done.append(what)
    assert done == ["new-file", "set-version", "add-flag", "add-choice"]


def play_the_new_scene(story_dir: Path) -> None:
    story = load_story(story_dir)
    game = Game(story, "tutorial", start="desk", preset={"energy": 2})
    assert "print" in game.available
    game.choose("print")
    assert game.scene_id == "printer"
    assert "{lead}" not in game.text and "likes paper" in game.text
    assert "You stare at the blinking light until it feels personal." in game.paragraphs  # energy <= 3
    assert game.available == ["fix_it", "share_screen"]
    game.choose("fix_it")
    assert game.state.flags["printer_fixed"] is True
    assert game.outcome is not None and game.outcome.startswith("Three drawers, one crumpled page")
    assert "{lead}" not in game.outcome
    if game.scene_id == "desk":  # unless an appointment or interruption came first
        assert "print" not in game.available
    back = Game(story, "tutorial", start="desk")  # give up once, then come back: the short text
    back.replay(["print", "share_screen"])
    assert back.outcome == "You will share your screen. Nobody has ever missed paper."
    if back.scene_id == "desk" and "print" in back.available:
        back.choose("print")
        assert back.paragraphs[0] == 'The printer still says PAPER JAM. The note still says "don\'t".'
    route = find_route(story, "printer")
    assert route.found
    replay = Game(story, route.seed)
    replay.replay(route.choices)
    assert replay.scene_id == "printer"


@pytest.mark.parametrize("source", [FIXTURES / "office", SHIPPED], ids=["fixture", "shipped"])
def test_the_tutorial_works_as_written(tmp_path, source):
    story = tmp_path / "story"
    shutil.copytree(source, story)
    before = {p.message for p in check_story(story)[1]}
    follow_tutorial(story)
    errors, warnings = check_story(story)
    assert errors == []
    assert {p.message for p in warnings} == before  # the new scene adds no warning
    play_the_new_scene(story)


def test_the_new_file_names_the_schema_like_the_shipped_ones():
    new_file = next(text for what, _, text in steps() if what == "new-file")
    shipped = (SHIPPED / "scenes").glob("*.yaml")
    assert new_file.split("\n")[0] == next(shipped).read_text(encoding="utf-8").split("\n")[0]


def test_every_command_in_the_guide_parses():
    parser = build_parser()
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line.startswith("dayjob ") and "[" not in line and "ID,ID" not in line:
                commands.append(line)
    assert len(commands) >= 10
    for line in commands:
        args = [a for a in shlex.split(line)[1:] if a != "..."]
        if "|" in args:
            args = args[: args.index("|")]
        parser.parse_args(args)  # exits (fails the test) on an option the CLI does not have


def test_the_guide_shows_real_output(dayjob):
    """Each example that starts with `$ dayjob ...` prints exactly what the tool prints."""
    text = GUIDE.read_text(encoding="utf-8")
    examples = re.findall(r"```\n\$ (dayjob [^\n]+)\n(.*?)```", text, re.DOTALL)
    assert len(examples) >= 2
    for command, shown in examples:
        _code, out, _ = dayjob(*shlex.split(command)[1:])
        assert out == shown, command


def test_the_guide_quotes_real_warnings_and_problems(dayjob):
    text = GUIDE.read_text(encoding="utf-8")
    _, lint, _ = dayjob("check", "tests/authoring/fixtures/lint")
    quoted = [line for line in text.splitlines() if line.startswith("tests/authoring/fixtures/lint/")]
    assert len(quoted) >= 4 and set(quoted) <= set(lint.splitlines())
    _, dead, _ = dayjob("playtest", "tests/authoring/fixtures/deadend", "-n", "100")
    block = text.split("PROBLEMS:", 1)[1].split("```", 1)[0]
    assert "PROBLEMS:" + block.rstrip("\n") in dead
    for target, story in (("orphan", "lint"), ("lift", "rare")):
        budget = ["--budget", "30"] if target == "lift" else []
        _, out, _ = dayjob("route", target, "--story", f"tests/authoring/fixtures/{story}", *budget)
        assert out.strip() in text


def test_a_writer_in_a_folder_with_its_own_story_is_told_which_day_the_tools_read(dayjob, tmp_path, monkeypatch):
    """With a non-editable install the default is the packaged day, not ./story: a writer who just added a
    scene there and ran `dayjob check` would see "ok" for a story that is not theirs."""
    shutil.copytree(FIXTURES / "office", tmp_path / "story")
    monkeypatch.chdir(tmp_path)
    for args in (["check"], ["graph"], ["play", "--plain", "--choices", "x"]):
        _, _, err = dayjob(*args)
        assert "using the shipped day in" in err and "add --story story to use yours" in err, args
    _, _, err = dayjob("check", "story")
    assert "shipped day" not in err
    monkeypatch.chdir(ROOT)  # the checkout's own story/ is the shipped day: nothing to say
    _, _, err = dayjob("graph")
    assert "shipped day" not in err


def test_a_misspelt_name_in_play_from_here_suggests_the_right_one(dayjob):
    """Step 6 of the tutorial, mistyped: the scene, the stat and the choice each name the closest right one."""
    office = str(FIXTURES / "office")
    _, _, err = dayjob("play", "--plain", "--story", office, "--from", "dsk")
    assert "dayjob: no scene 'dsk' in this story; did you mean 'desk'?" in err
    _, _, err = dayjob("play", "--plain", "--story", office, "--from", "desk", "--set", "enrgy=2")
    assert "dayjob: 'enrgy' is not a stat, flag or word of this story; did you mean 'energy'?" in err
    _, _, err = dayjob("play", "--plain", "--story", office, "--from", "desk", "--choices", "write_reprot")
    assert "no choice 'write_reprot' in scene 'desk'; did you mean 'write_report'?" in err
