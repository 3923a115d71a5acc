"""`dayjob check`: errors from the loader, warnings from lint, each at its place; exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from game.authoring.conditions import Analyzer, Bounds
from game.engine import load_story
from game.engine.expr import Env, compile_expr

from .conftest import FIXTURES, ROOT, fixture

LINT = "tests/authoring/fixtures/lint"
EXPECTED_LINT = [
    f"{LINT}/scenes/desk.yaml:2:3: warning: variant 1 of scene 'desk' is never shown: its `if` `morale > 20` never holds (morale is 5..10: no effect lowers it)",
    f"{LINT}/scenes/desk.yaml:9:9: warning: branch 1 (to 'meeting_room') of choice 'work' in scene 'desk' is never taken: its `if` `clock < \"08:00\"` never holds (clock is 09:00..12:59)",
    f"{LINT}/scenes/desk.yaml:17:9: warning: choice 'fly' in scene 'desk' can never be taken: its `if` `energy > 10` never holds (energy is 0..5: no effect raises it)",
    f"{LINT}/scenes/desk.yaml:22:9: warning: choice 'squint' in scene 'desk' can never be taken: its `if` `energy >= 5 and energy < 3` never holds (energy is 0..5: no effect raises it)",
    f"{LINT}/scenes/desk.yaml:27:9: warning: choice 'deep_focus' in scene 'desk' can never be taken: its `if` `focus >= 8` never holds (focus is 0..5: no effect raises it)",
    f"{LINT}/scenes/desk.yaml:32:9: warning: choice 'secret' in scene 'desk' can never be taken: its `if` `read_only` never holds (read_only is never set to true)",
    f"{LINT}/scenes/desk.yaml:50:3: warning: scene 'meeting_room' has no unconditional way out: every choice has an `if`, and they can all be false at once; the player would only get \u201cCarry on\u201d, which goes to 'desk' (give one choice no `if`)",
    f"{LINT}/scenes/desk.yaml:81:3: warning: scene 'once_only' has no unconditional way out: every choice is `once`, and the scene can be visited again; the player would only get \u201cCarry on\u201d, which goes to 'desk' (give one choice no `if` and no `once`)",
    f"{LINT}/scenes/desk.yaml:96:3: warning: scene 'orphan' is never reached: no choice, appointment or interruption leads to it from 'desk'",
    f"{LINT}/scenes/desk.yaml:105:3: warning: interruption 'ghost' can never fire: its chance is 0",
    f"{LINT}/scenes/desk.yaml:114:3: warning: interruption 'late_ping' can never fire: its `if` `clock >= \"18:00\"` never holds (clock is 09:00..12:59)",
    f"{LINT}/story.yaml:12:5: warning: flag 'unused_flag' is declared but never set or read",
    f"{LINT}/story.yaml:13:5: warning: flag 'set_only' is set (at {LINT}/scenes/desk.yaml:9:9) but no `if` ever reads it",
    f"{LINT}/story.yaml:14:5: warning: flag 'read_only' is read but never set to true, so it is always false",
    f"{LINT}/story.yaml:17:3: warning: word 'unused_word' is never used in any text as {{unused_word}}",
    f"{LINT}/story.yaml:19:5: warning: ending 'dreamer' is never reached: its `if` `energy > 10` never holds (energy is 0..5: no effect raises it)",
]


def test_clean_story_checks_with_no_warnings(dayjob):
    code, out, err = dayjob("check", fixture("office"))
    assert code == 0
    assert out == ""
    assert "ok: no errors, 0 warning(s)" in err


def test_every_warning_is_reported_at_its_place(dayjob):
    code, out, err = dayjob("check", LINT)
    assert code == 0  # warnings alone do not fail a check
    assert out.splitlines() == EXPECTED_LINT
    assert "ok: no errors, 16 warning(s)" in err


def test_conditions_that_cover_every_case_are_not_a_dead_end(dayjob):
    _, out, _ = dayjob("check", LINT)
    assert "'balanced'" not in out  # `energy >= 5` and `energy < 5` always leave a way out


def test_story_folder_can_be_given_with_story_option(dayjob):
    code, out, _ = dayjob("check", "--story", LINT)
    assert code == 0
    assert out.splitlines() == EXPECTED_LINT


def test_errors_exit_1_each_at_its_place(dayjob):
    code, out, err = dayjob("check", fixture("broken"))
    assert code == 1
    assert out.splitlines() == [
        "tests/authoring/fixtures/broken/scenes/desk.yaml:8:13: in `enrgy >= 3`: unknown name 'enrgy'; did you mean 'energy'?",
        "tests/authoring/fixtures/broken/scenes/desk.yaml:10:15: goto 'dsek' in scene 'desk' is not a scene, an ending, `back` or `end`; did you mean 'desk'?",
    ]
    assert "2 error(s)" in err


def test_json_format_prints_only_json(dayjob):
    code, out, _ = dayjob("check", LINT, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["ok"] is True and data["errors"] == []
    assert len(data["warnings"]) == len(EXPECTED_LINT)
    first = data["warnings"][0]
    assert first == {
        "path": f"{LINT}/scenes/desk.yaml",
        "line": 2,
        "col": 3,
        "severity": "warning",
        "message": "variant 1 of scene 'desk' is never shown: its `if` `morale > 20` never holds "
        "(morale is 5..10: no effect lowers it)",
    }
    code, out, _ = dayjob("check", fixture("broken"), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and len(data["errors"]) == 2


@pytest.mark.parametrize(("story", "fmt"), [(LINT, "text"), ("broken", "text"), (LINT, "json"), ("broken", "json")])
def test_the_command_as_a_process_prints_what_it_does_in_process(dayjob, story, fmt):
    """`dayjob check` typed in a shell ends its process as soon as its output is flushed (game/authoring/
    check.py): the same lines, the same exit code, nothing lost in a pipe."""
    path = LINT if story == LINT else str(fixture(story))
    code, out, err = dayjob("check", path, "--format", fmt)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output buffered, as in a pipe
    proc = subprocess.run(
        [sys.executable, "-m", "game", "check", path, "--format", fmt],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (code, out, err)
    assert code == (0 if story == LINT else 1) and out.strip()


def test_a_folder_that_is_not_there_is_a_usage_error(dayjob, tmp_path):
    code, _, err = dayjob("check", tmp_path / "nowhere")
    assert code == 2
    assert "is not a folder" in err


def test_an_unknown_option_is_a_usage_error(dayjob):
    code, _, _ = dayjob("check", "--colour")
    assert code == 2


def test_the_shipped_day_checks_without_errors(dayjob):
    code, out, err = dayjob("check")
    assert code == 0, out
    assert "ok: no errors" in err


# -- the interval analysis behind "can never hold" ------------------------------------------------


@pytest.fixture(scope="module")
def office_analyzer():
    story = load_story(FIXTURES / "office")
    env = Env(frozenset(story.stats), frozenset(story.flags), frozenset(story.scenes))
    an = Analyzer(Bounds.of(story))
    return lambda src: an.can_hold(compile_expr(src, env).tree)


@pytest.mark.parametrize(
    "src",
    [
        "energy > 10",
        "energy < 0",
        "3 <= energy <= 2",
        "not (energy >= 0)",
        "energy + 5 > 15",
        "energy == 3 and energy != 3",
        "energy >= 5 and energy < 3",
        "(energy > 10 or morale > 10)",
        'clock >= "13:00"',
        'clock < "09:00"',
        'visited("desk") < 0',
        "energy - morale > 5",
        "not (energy <= 4 or energy >= 4)",
        "report_done and not report_done",
        "report_done == true and not report_done",
        "energy != 0 and energy <= 0",
        "energy != 10 and energy != 9 and energy >= 9",
    ],
)
def test_conditions_that_can_never_hold(office_analyzer, src):
    assert office_analyzer(src) is False


@pytest.mark.parametrize(
    "src",
    [
        "energy >= 10",
        "energy == 0",
        "3 <= energy <= 3",
        "energy >= 5 or energy < 3",
        'clock >= "12:59"',
        'visited("desk") >= 7',
        "energy - morale >= 5",
        "energy != 3 and energy != 4",
        "report_done",
        "not report_done",
        "report_done == false",
        "energy + morale == 20",
        "(energy > 8 and morale < 2) or trust == 10",
    ],
)
def test_conditions_that_can_hold(office_analyzer, src):
    assert office_analyzer(src) is True


def test_a_flag_nothing_sets_is_always_false(tmp_path):
    story = load_story(FIXTURES / "lint")
    env = Env(frozenset(story.stats), frozenset(story.flags), frozenset(story.scenes))
    an = Analyzer(Bounds.of(story))
    assert an.can_hold(compile_expr("read_only", env).tree) is False
    assert an.can_hold(compile_expr("not read_only", env).tree) is True
    assert an.can_hold(compile_expr("set_only", env).tree) is True


def _tiny_story(root, choices: str, flags: str = "", ending: str = "") -> None:
    """One scene `a` with these choice lines, an energy stat (always 5) and one ending `last`."""
    (root / "scenes").mkdir()
    (root / "story.yaml").write_text(
        'title: T\nstart: a\nclock: {start: "09:00", end: "12:00"}\ncategories: [focus]\n'
        f"stats:\n  energy: {{start: 5, min: 0, max: 10}}\n{flags}"
        f"endings:\n  - id: last\n    title: The end\n    text: Over.\n{ending}"
    )
    (root / "scenes" / "a.yaml").write_text("scenes:\n  a:\n    title: A\n    text: Hi.\n    choices:\n" + choices)


def test_an_ending_variant_that_can_never_hold_at_day_end_is_a_warning(tmp_path):
    from game.authoring.check import check_story

    _tiny_story(
        tmp_path,
        "      - {id: go, text: Go, set: {done: true}, goto: end}\n      - {id: rest, text: Rest, goto: end}\n",
        flags="flags: [done]\n",
        ending="    variants:\n      - if: done\n        text: Done.\n      - if: energy > 10\n        text: Never.\n",
    )
    errors, warnings = check_story(tmp_path)
    assert errors == []
    assert [w.message for w in warnings] == [
        "variant 2 of ending 'last' is never shown: its `if` `energy > 10` never holds at the end of a day "
        "(energy is always 5: no effect changes it)"
    ]
    assert (warnings[0].line, warnings[0].col) == (9, 5)


def test_a_flood_of_errors_is_counted_in_full_and_listed_in_part(dayjob, tmp_path):
    import shutil

    story = tmp_path / "flood"
    shutil.copytree(fixture("office"), story)
    scene_file = next((story / "scenes").glob("*.yaml"))
    scene_file.write_text(scene_file.read_text() + "".join(f"  extra_{i}:\n    title: X\n" for i in range(150)))
    code, out, err = dayjob("check", str(story))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 101 and ": note: ... and 200 more problems in this file after the first 100" in lines[-1]
    assert "300 error(s)" in err  # each extra scene lacks `text` and `choices`
    code, out, _ = dayjob("check", str(story), "--format", "json")
    data = json.loads(out)
    assert len(data["errors"]) == 100 and all(e["severity"] == "error" for e in data["errors"])
    assert list(data["unlisted"].values()) == [200]


def test_a_flood_of_warnings_is_counted_in_full_and_listed_in_part(dayjob, tmp_path):
    import shutil

    story = tmp_path / "flood"
    shutil.copytree(fixture("office"), story)
    scene_file = next((story / "scenes").glob("*.yaml"))
    scene_file.write_text(
        scene_file.read_text()
        + "".join(
            f"  island_{i}:\n    title: X\n    text: x\n    choices:\n      - {{id: go, text: Go, goto: end}}\n"
            for i in range(150)
        )
    )
    code, out, err = dayjob("check", str(story))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 101
    assert lines[-1].endswith(": note: ... and 50 more warnings in this file after the first 100, not listed")
    assert "ok: no errors, 150 warning(s)" in err  # the total counts every warning
    code, out, _ = dayjob("check", str(story), "--format", "json")
    data = json.loads(out)
    assert len(data["warnings"]) == 100 and all(w["severity"] == "warning" for w in data["warnings"])
    assert list(data["unlisted_warnings"].values()) == [50]


def test_a_show_if_that_never_holds_is_named_in_the_warning(tmp_path):
    from game.authoring.check import check_story

    _tiny_story(
        tmp_path,
        "      - {id: fly, text: Fly, show_if: energy > 10, goto: end}\n"
        "      - {id: dash, text: Dash, show_if: energy > 1, if: energy > 20, locked: Too slow, goto: end}\n"
        "      - {id: go, text: Go, goto: end}\n",
    )
    errors, warnings = check_story(tmp_path)
    assert errors == []
    assert [(w.line, w.message) for w in warnings] == [
        (
            6,
            "choice 'fly' in scene 'a' can never be taken: its `show_if` `energy > 10` never holds "
            "(energy is always 5: no effect changes it)",
        ),
        (
            7,
            "choice 'dash' in scene 'a' can never be taken: its `show_if` and `if` `(energy > 1) and (energy > 20)` "
            "never holds (energy is always 5: no effect changes it)",
        ),
    ]
    bad = (tmp_path / "scenes" / "a.yaml").read_text().replace("show_if: energy > 10", "show_if: enrgy > 10")
    (tmp_path / "scenes" / "a.yaml").write_text(bad)
    errors, _ = check_story(tmp_path)
    assert [(e.line, e.col, e.message) for e in errors] == [
        (6, 39, "in `enrgy > 10`: unknown name 'enrgy'; did you mean 'energy'?")
    ]
