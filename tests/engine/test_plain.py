"""The plain player: a seeded run of the mini story, byte for byte, and its edges."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent.parent / "golden"
MINI = "tests/fixtures/mini"
# a wrong entry, an undo, a choice by id, then numbers to the end of the day
SCRIPT = "9\nhello\n1\nu\n2\nread\n2\n1\n1\n1\n1\n1\n1\n1\n1\n1\n"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent.parent,
    )


def test_plain_transcript_matches_golden_byte_for_byte():
    out = run("play", "--plain", "--story", MINI, "--seed", "golden", stdin=SCRIPT)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (GOLDEN / "mini_plain.txt").read_text(encoding="utf-8")


def test_plain_eof_leaves_quietly():
    out = run("play", "--plain", "--story", MINI, "--seed", "x", stdin="1\n")
    assert out.returncode == 0 and out.stderr == ""
    assert "== 09:10 | Your desk ==" in out.stdout


def test_plain_has_no_colour_codes_when_piped():
    out = run("play", "--plain", "--story", MINI, "--seed", "x", stdin=SCRIPT)
    assert "\x1b[" not in out.stdout


def test_plain_replays_choices_then_stops():
    out = run("play", "--plain", "--story", MINI, "--seed", "x", "--choices", "coffee,read,crisp")
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip().endswith("  1. Do some deep work (60 min)\n  -  Ship it (locked: Not ready yet)")


def test_plain_replay_reports_a_choice_that_is_not_there():
    out = run("play", "--plain", "--story", MINI, "--seed", "x", "--choices", "coffee,fly")
    assert out.returncode == 1
    assert "choice 2 ('fly'): no choice 'fly' in scene 'desk'" in out.stderr


def test_plain_from_scene_with_presets_and_reveal():
    out = run(
        "play",
        "--plain",
        "--story",
        MINI,
        "--from",
        "ship",
        "--set",
        "energy=2",
        "--set",
        "shipped=true",
        "--reveal",
        stdin="1\n",
    )
    assert out.returncode == 0, out.stderr
    assert "== 09:00 | Ship? ==" in out.stdout
    assert "[Energy 2/10, Expertise 3/10, Morale 5/10]" in out.stdout
    assert "== The end: Shipped ==" in out.stdout


def test_plain_bad_story_prints_located_problems_not_a_traceback(tmp_path):
    (tmp_path / "scenes").mkdir()
    (tmp_path / "story.yaml").write_text("title: x\nstart: a\n")
    out = run("play", "--plain", "--story", str(tmp_path))
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "story.yaml:1:1: story.yaml needs `clock`" in out.stderr


def test_check_exit_codes(tmp_path):
    assert run("check", MINI).returncode == 0
    (tmp_path / "story.yaml").write_text("title: [\n")
    bad = run("check", str(tmp_path))
    assert bad.returncode == 1 and "story.yaml:2:1: YAML syntax" in bad.stdout
    assert run("check", "--format", "xml").returncode == 2


def test_plain_replay_says_which_choices_were_left_after_the_day_ended():
    out = run("play", "--plain", "--story", MINI, "--from", "ship", "--choices", "ship,work,read")
    assert out.returncode == 1
    assert "the day ended after choice 1; not played: work, read" in out.stderr
    assert "== The end: Shipped ==" not in out.stdout


def test_plain_empty_replay_shows_the_first_scene_and_stops():
    out = run("play", "--plain", "--story", MINI, "--choices", "", stdin="1\n1\n")
    assert out.returncode == 0
    assert out.stdout.count("== ") == 1 and "Morning" in out.stdout
