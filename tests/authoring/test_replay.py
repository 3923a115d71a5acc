"""`dayjob play --plain --choices ...` replays a route or bug report exactly; `--from` and `--set` start anywhere."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT, fixture

HEADER = re.compile(
    r"^(\d\d:\d\d)\. (?!The end: )(?:An interruption: |Back to what you were doing: |On your calendar(?: at \d\d:\d\d)?: )?(.*?)(?:\. You are .*|\.)?$",
    re.MULTILINE,
)
OFFICE = str(fixture("office"))


def test_choices_replay_then_stop_at_the_scene_they_reach(dayjob):
    code, out, _ = dayjob("play", "--plain", "--story", OFFICE, "--seed", "s1", "--choices", "coffee,write_report")
    assert code == 0
    assert HEADER.findall(out) == [("09:00", "Arriving"), ("09:10", "Your desk"), ("09:55", "Stand-up")]
    assert "Your choice: coffee" in out and "Your choice: write_report" in out
    assert "09:55. On your calendar at 09:30: Stand-up. You are 25 minutes late." in out
    assert out.rstrip().endswith("2. Ramble about the dashboard. 20 minutes.")  # stops there, asks nothing


def test_a_replay_is_the_same_every_time(dayjob):
    args = (
        "play",
        "--plain",
        "--story",
        OFFICE,
        "--seed",
        "same",
        "--choices",
        "coffee,messages,reply,update,write_report,publish",
    )
    first = dayjob(*args)
    assert first == dayjob(*args)
    assert first[0] == 0


def test_a_choice_that_is_not_there_stops_the_replay_with_exit_1(dayjob):
    code, _out, err = dayjob("play", "--plain", "--story", OFFICE, "--seed", "s", "--choices", "coffee,nope")
    assert code == 1
    assert "dayjob: choice 2 ('nope'): no choice 'nope' in scene 'desk'" in err


def test_a_locked_choice_stops_the_replay_with_its_reason(dayjob):
    code, _, err = dayjob("play", "--plain", "--story", OFFICE, "--seed", "s", "--choices", "coffee,lunch_early")
    assert code == 1
    assert "choice 'lunch_early' is locked: Not in this mood" in err


def test_a_replay_to_the_end_prints_the_report(dayjob):
    code, out, _ = dayjob(
        "play",
        "--plain",
        "--story",
        OFFICE,
        "--seed",
        "a",
        "--from",
        "desk",
        "--set",
        "energy=1",
        "--set",
        "clock=12:00",
        "--choices",
        "leave",
    )
    assert code == 0
    assert "12:05. The end: Exhausted." in out
    assert "Priya sends you home before lunch." in out


def test_from_a_scene_with_flags_set(dayjob):
    code, out, err = dayjob(
        "play",
        "--plain",
        "--story",
        OFFICE,
        "--seed",
        "a",
        "--from",
        "report_review",
        "--set",
        "clock=12:30",
        "--choices",
        "publish,update,leave",
    )
    assert code == 0, err
    # the stand-up has not happened yet on this day, so it starts as soon as the clock allows
    assert HEADER.findall(out) == [("12:30", "The report, reviewed"), ("12:40", "Stand-up"), ("12:50", "Your desk")]
    assert ". The end: Report shipped." in out
    code, out, _ = dayjob(
        "play",
        "--plain",
        "--story",
        OFFICE,
        "--seed",
        "a",
        "--from",
        "desk",
        "--set",
        "report_done=true",
        "--choices",
        "messages",
    )
    assert "Work on the report" not in out  # its `if: not report_done` no longer holds


def test_set_changes_words_in_the_text(dayjob):
    code, out, _ = dayjob(
        "play", "--plain", "--story", OFFICE, "--seed", "a", "--set", "lead=Sam", "--choices", "coffee"
    )
    assert code == 0
    assert "Sam waves." in out and "Priya" not in out


def test_reveal_shows_the_hidden_stats(dayjob):
    code, out, _ = dayjob(
        "play", "--plain", "--story", OFFICE, "--seed", "a", "--reveal", "--set", "energy=3", "--choices", "coffee"
    )
    assert code == 0
    assert "You chose 1: Get a coffee first.\nEnergy up 2, to 5 out of 10. Morale up 1, to 6 out of 10.\n" in out


def _dayjob_process(*args: str) -> subprocess.CompletedProcess:
    # a separate process: the plain player binds sys.stderr when it is imported
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True, cwd=ROOT, check=False)


def test_usage_errors_exit_2():
    done = _dayjob_process("play", "--plain", "--story", OFFICE, "--set", "bogus=1", "--choices", "coffee")
    assert done.returncode == 2 and "'bogus' is not a stat, flag or word" in done.stderr
    done = _dayjob_process("play", "--plain", "--story", OFFICE, "--set", "energy", "--choices", "coffee")
    assert done.returncode == 2 and "--set takes NAME=VALUE" in done.stderr
    done = _dayjob_process("play", "--plain", "--story", OFFICE, "--from", "nowhere", "--choices", "coffee")
    assert done.returncode == 2 and "no scene 'nowhere'" in done.stderr
    done = _dayjob_process("play", "--story", OFFICE, "--choices", "coffee")
    assert done.returncode == 2 and "add --plain" in done.stderr
