"""The plain player: a seeded run of the mini story, byte for byte; every command; saves; what a screen reader hears."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import build_parser, plain_options
from game.plain import PlainPlayer, heading, please_type, report_text, run_plain

ROOT = Path(__file__).parent.parent.parent
GOLDEN = ROOT / "tests" / "golden"
MINI = "tests/fixtures/mini"
# a wrong entry, an empty line, help, the time, the stats, a repeat, a choice, an undo, a choice by id,
# a quit taken back, a number that is not there, then numbers to the end of the day
SCRIPT = "9\n\nhello\nh\nt\ns\nr\n1\nu\n2\nread\nq\n\n2\n1\n1\n1\n1\n1\n1\n1\n1\n1\n"
# what a screen reader would speak as noise: rules, bars, tildes
NOISE = ("==", "\u2588", "\u2591", "~")


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def play(*args: str, stdin: str = "") -> tuple[int, str, str]:
    """`dayjob play --plain ARGS` in this process, with `stdin` typed; returns (exit code, stdout, stderr)."""
    ns = plain_options(build_parser().parse_args(["play", "--plain", "--story", str(ROOT / MINI), *args]))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = run_plain(ns, stdin=io.StringIO(stdin), out=out)
    return code, out.getvalue(), err.getvalue()


def replies(out: str) -> list[str]:
    """The line printed right after each `Your choice:` line (what the player hears back), but the end of input."""
    lines = out.splitlines()
    said = [lines[i + 1] for i, line in enumerate(lines[:-1]) if line.startswith("Your choice:")]
    return [line for line in said if not line.startswith("End of input.")]


# -- the transcript -----------------------------------------------------------------------


def test_plain_transcript_matches_golden_byte_for_byte():
    out = run("play", "--plain", "--story", MINI, "--seed", "golden", stdin=SCRIPT)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (GOLDEN / "mini_plain.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [GOLDEN / "mini_plain.txt", ROOT / "tests" / "story" / "golden" / "day_golden.txt"])
def test_no_plain_line_holds_what_a_screen_reader_speaks_as_noise(path):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert not any(mark in line for mark in NOISE), f"{path.name}:{n}: {line}"


def test_the_report_has_no_bars_or_tildes_and_speaks_stats_and_minutes(mini_story):
    from game.engine import Game

    game = Game(mini_story, "report", start="ship")
    game.choose("ship")
    text = report_text(game.report())
    assert not any(mark in line for line in text.splitlines() for mark in NOISE)
    assert "Energy 5 out of 10." in text
    assert "Focused work: 15 minutes, typical " in text and "Messages: 0 minutes." in text


def test_the_day_opens_with_its_title_and_how_to_play():
    code, out, _ = play("--seed", "x", stdin="")
    assert code == 0
    first, second = out.splitlines()[:2]
    assert first == "Mini Day. A test of every rule."
    assert second == "Type the number of a choice and press Enter. Type h for help."


def test_headings_are_sentences_and_each_event_is_announced_once():
    code, out, _ = play("--seed", "golden", "--no-save", stdin="2\n2\n1\n1\n")
    assert code == 0
    assert "09:00. Morning." in out
    # one line for an appointment: its time, what starts, how late
    assert "10:25. On your calendar at 09:30: Stand-up. You are 55 minutes late." in out
    assert "10:35. An interruption: A ping." in out
    assert out.count("Stand-up") == 1


def test_options_are_numbered_first_and_unavailable_ones_follow_with_their_reason():
    code, out, _ = play("--seed", "x", "--no-save", stdin="1\n")
    desk = out.split("09:10. Your desk.")[1]
    assert (
        "1. Do some deep work. 60 minutes.\n2. Read the docs. 20 minutes.\nNot available:\nShip it. Not ready yet.\n"
        in desk
    )


def test_the_chosen_option_is_said_back():
    _, out, _ = play("--seed", "x", "--no-save", stdin="2\n")
    assert replies(out) == ["You chose 2: Rush in."]


def test_a_paragraph_is_one_line_and_backticks_are_dropped(tmp_path, story_copy):
    (story_copy / "scenes" / "morning.yaml").write_text(
        "scenes:\n  wake:\n    title: Morning\n    category: break\n    text: |\n"
        "      A line long enough to have been wrapped by the writer's editor, which\n"
        "      goes on here, with `kubectl get pods` in it.\n\n"
        "      09:30  Stand-up\n      11:00  Design review\n"
        "    choices:\n      - {id: coffee, text: Make coffee, minutes: 10, goto: desk}\n",
        encoding="utf-8",
    )
    ns = plain_options(build_parser().parse_args(["play", "--plain", "--story", str(story_copy), "--no-save"]))
    out = io.StringIO()
    run_plain(ns, stdin=io.StringIO(""), out=out)
    text = out.getvalue()
    assert (
        "A line long enough to have been wrapped by the writer's editor, which goes on here, "
        "with kubectl get pods in it.\n" in text
    )
    assert "09:30  Stand-up\n11:00  Design review\n" in text  # short lines stay lines


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_lines_wrap_only_when_a_width_is_asked_for_and_the_output_is_a_terminal(mini_story):
    from game.engine import Game

    long = "word " * 40
    for out, width, wrapped in ((Tty(), 30, True), (io.StringIO(), 30, False), (Tty(), 0, False)):
        player = PlainPlayer(Game(mini_story, "w"), out, width=width if isinstance(out, Tty) else 0)
        player.say(long)
        assert (max(len(line) for line in out.getvalue().splitlines()) <= 30) is wrapped
    ns = plain_options(build_parser().parse_args(["play", "--plain", "--width", "30"]))
    from game.plain import _width

    assert _width(ns, Tty()) == 30 and _width(ns, io.StringIO()) == 0


def test_heading_for_a_return_and_an_ending_title():
    from game.engine import Game, load_story

    game = Game(load_story(ROOT / MINI), "golden")
    game.replay(["coffee", "work", "crisp", "answer"])
    assert heading(game) == f"{game.clock_text}. Back to what you were doing: Your desk."


# -- commands -----------------------------------------------------------------------------


def test_help_lists_every_command():
    _, out, _ = play("--seed", "x", "--no-save", stdin="h\n?\nhelp\n")
    assert out.count("Commands:") == 3
    for command in ("r or look", "t or time", "s or stats", "u or undo", "h, help or a question mark", "q or quit"):
        assert command in out
    assert "Control D" in out
    # a lone "?" is silent in speech, so no line of help leans on one
    assert not any(" ? " in line or line.startswith("? ") for line in out.splitlines())


def test_repeat_shows_the_scene_again():
    _, out, _ = play("--seed", "x", "--no-save", stdin="r\nlook\n")
    assert out.count("09:00. Morning.") == 3
    assert out.count("1. Make coffee [the good one]. 10 minutes.") == 3


def test_time_says_the_time_the_minutes_left_and_the_minutes_so_far():
    _, out, _ = play("--seed", "x", "--no-save", stdin="t\n1\ntime\n")
    said = replies(out)
    assert said[0] == "It is 09:00. The day ends at 12:00, in 180 minutes. No minutes spent yet."
    assert said[2] == "It is 09:10. The day ends at 12:00, in 170 minutes. So far: Break 10 minutes."


def test_stats_wait_for_the_end_unless_revealed():
    _, out, _ = play("--seed", "x", "--no-save", stdin="s\n")
    assert replies(out) == [
        "The stats stay hidden until the end of the day. Play with --reveal to hear them as you go."
    ]
    _, out, _ = play("--seed", "x", "--no-save", "--reveal", stdin="stats\n1\n")
    said = replies(out)
    assert said[0] == "Energy 5 out of 10. Expertise 3 out of 10. Morale 5 out of 10."
    assert said[1] == "You chose 1: Make coffee [the good one]."
    assert "Energy up 2, to 7 out of 10. Morale up 1, to 6 out of 10." in out
    assert "[Energy" not in out and "/10" not in out


def test_undo_takes_back_the_last_choice_and_says_so_at_the_start():
    _, out, _ = play("--seed", "x", "--no-save", stdin="u\n1\nundo\n")
    said = replies(out)
    assert said[0] == "Nothing to take back: this is the start of the day."
    assert said[2] == "Taken back. It is 09:00 again."
    assert out.rstrip().endswith("End of input. Goodbye. This day was not saved.")


def test_quit_asks_first_then_stays_or_leaves():
    code, out, _ = play("--seed", "x", stdin="q\n\nq\ny\n")
    assert code == 0
    assert out.count("Quit now? Your day is saved, so you can continue it later.") == 2
    assert "Staying." in out
    assert out.rstrip().endswith("Your day is saved. Run dayjob play --plain again to continue it.")
    code, out, _ = play("--seed", "x", "--no-save", stdin="quit\nyes\n")
    assert "Quit now? This day is not being saved." in out
    assert out.rstrip().endswith("Goodbye. This day was not saved.")


def test_end_of_input_saves_and_says_so():
    code, out, err = play("--seed", "x", stdin="1\n")
    assert code == 0 and err == ""
    assert out.rstrip().endswith("End of input. Your day is saved. Run dayjob play --plain again to continue it.")


@pytest.mark.parametrize(
    ("typed", "reply"),
    [
        ("9", "Please type 1 or 2, or h for help."),
        ("0", "Please type 1 or 2, or h for help."),
        ("", "Please type 1 or 2, or h for help."),
        ("abc", "Please type 1 or 2, or h for help."),
        ("-1", "Please type 1 or 2, or h for help."),
        ("1.5", "Please type 1 or 2, or h for help."),
        ("\x1b[31m", "Please type 1 or 2, or h for help."),
    ],
)
def test_an_invalid_entry_gets_a_short_speakable_reply(typed, reply):
    _, out, _ = play("--seed", "x", "--no-save", stdin=typed + "\n")
    assert replies(out) == [reply]
    assert "\x1b" not in out


def test_the_reply_names_the_numbers_there_are():
    assert please_type(1) == "Please type 1, or h for help."
    assert please_type(3) == "Please type 1, 2 or 3, or h for help."
    assert please_type(4) == "Please type 1, 2, 3 or 4, or h for help."
    assert please_type(7) == "Please type a number from 1 to 7, or h for help."


def test_a_locked_choice_typed_by_id_says_why():
    _, out, _ = play("--seed", "x", "--no-save", stdin="1\nship_now\n")
    assert replies(out)[1] == "That choice is not available: Not ready yet."


# -- saves ----------------------------------------------------------------------------------


def test_the_day_is_saved_after_every_choice_and_continues(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path))
    play("--seed", "saved", stdin="1\n2\n")  # coffee, read; then the input ends
    (save,) = tmp_path.glob("day-*.json")
    assert [h[1] for h in json.loads(save.read_text())["state"]["history"]] == ["coffee", "read"]
    _, out, _ = play(stdin="c\nt\n")
    assert "You have a day in progress: 09:30, Stand-up." in out
    assert "It is 09:30. The day ends at 12:00, in 150 minutes." in out
    _, out, _ = play("--seed", "fresh", stdin="n\n")
    assert out.split("Type c to continue it, or n to start a new day: n\n")[1].lstrip().startswith("09:00. Morning.")
    assert json.loads(save.read_text())["seed"] == "fresh"


def test_undo_is_saved_too(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path))
    play("--seed", "u", stdin="1\nu\n")
    (save,) = tmp_path.glob("day-*.json")
    assert json.loads(save.read_text())["state"]["history"] == []


def test_no_save_reads_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path))
    play("--seed", "x", "--no-save", stdin="1\n")
    assert not list(tmp_path.iterdir())
    play("--seed", "x", "--choices", "coffee")
    play("--seed", "x", "--from", "desk", stdin="1\n")
    assert not list(tmp_path.iterdir())


def test_a_damaged_save_is_moved_aside_and_a_new_day_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path))
    play("--seed", "x", stdin="1\n")
    (save,) = tmp_path.glob("day-*.json")
    save.write_text("{ not json", encoding="utf-8")
    (tmp_path / (save.name + ".bak")).unlink(missing_ok=True)
    code, out, _ = play("--seed", "x", stdin="")
    assert code == 0 and "could not be read" in out
    assert "09:00. Morning." in out and list(tmp_path.glob("*.damaged-*"))


def test_a_finished_day_is_not_offered_to_continue(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path))
    play("--seed", "x", stdin="1\n" * 20)
    _, out, _ = play("--seed", "y", stdin="")
    assert "day in progress" not in out and "09:00. Morning." in out


# -- the CLI edges (as before) ---------------------------------------------------------------


def test_plain_has_no_colour_codes_when_piped():
    out = run("play", "--plain", "--story", MINI, "--seed", "x", "--no-save", stdin=SCRIPT)
    assert "\x1b[" not in out.stdout


def test_plain_replays_choices_then_stops():
    out = run("play", "--plain", "--story", MINI, "--seed", "x", "--choices", "coffee,read,crisp")
    assert out.returncode == 0, out.stderr
    assert "Your choice: crisp\nYou chose 1: Give a crisp update." in out.stdout
    assert out.stdout.rstrip().endswith("1. Do some deep work. 60 minutes.\nNot available:\nShip it. Not ready yet.")


def test_plain_replay_reports_a_choice_that_is_not_there():
    out = run("play", "--plain", "--story", MINI, "--seed", "x", "--choices", "coffee,fly")
    assert out.returncode == 1
    assert "choice 2 ('fly'): no choice 'fly' in scene 'desk'" in out.stderr


def test_plain_from_scene_with_presets_and_reveal():
    code, out, err = play("--from", "ship", "--set", "energy=2", "--set", "shipped=true", "--reveal", stdin="s\n1\n")
    assert code == 0, err
    assert "09:00. Ship?" in out
    assert "Energy 2 out of 10. Expertise 3 out of 10. Morale 5 out of 10." in out
    assert "The end: Shipped." in out


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
    assert "The end: Shipped." not in out.stdout


def test_plain_empty_replay_shows_the_first_scene_and_stops():
    out = run("play", "--plain", "--story", MINI, "--choices", "", stdin="1\n1\n")
    assert out.returncode == 0
    assert out.stdout.startswith("09:00. Morning.") and out.stdout.count("09:") == 1


def test_play_help_describes_the_plain_players_commands():
    out = run("play", "--help")
    for words in ("r, look", "t, time", "s, stats", "u, undo", "h, ?, help", "q, quit", "Ctrl-D", "--width"):
        assert words in out.stdout


def test_g_lists_the_terms_met_so_far_and_new_terms_are_announced(story_copy):
    (story_copy / "glossary.yaml").write_text(
        "terms:\n  docs:\n    term: docs\n    means: What the code should have said.\n"
        "  deep_work:\n    term: deep work\n    means: Focused work without interruptions\n",
        encoding="utf-8",
    )
    ns = plain_options(
        build_parser().parse_args(["play", "--plain", "--story", str(story_copy), "--no-save", "--seed", "x"])
    )
    out = io.StringIO()
    run_plain(ns, stdin=io.StringIO("g\n1\nglossary\n"), out=out)
    said = replies(out.getvalue())
    assert said[0] == "No terms from the glossary so far today."
    assert "New terms here: deep work and docs. Type g to hear what they mean.\n" in out.getvalue()
    assert said[2] == "2 terms so far today:"
    assert "deep work: Focused work without interruptions.\ndocs: What the code should have said.\n" in out.getvalue()
    _, plain_out, _ = play("--seed", "x", "--no-save", stdin="g\n")
    assert replies(plain_out) == ["This story has no glossary."]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=12), max_size=12))
def test_any_typed_lines_leave_the_player_running(lines):
    """Whatever is typed (digits of other scripts, control characters, commands), the player answers and goes on."""
    typed = "".join(line.replace("\n", " ").replace("\r", " ") + "\n" for line in lines)
    code, out, err = play("--seed", "fuzz", "--no-save", stdin=typed)
    assert code == 0 and "Traceback" not in err
    # it stops only at the end of input, on a confirmed quit, or after the day's report
    assert out.rstrip().endswith(("Goodbye. This day was not saved.", "seed fuzz"))


def test_a_digit_int_cannot_read_is_an_invalid_entry():
    _, out, _ = play("--seed", "x", "--no-save", stdin="\u00b2\n\u0661\n")
    assert replies(out) == ["Please type 1 or 2, or h for help."] * 2


def test_end_of_input_at_the_continue_question_keeps_the_save(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path))
    play("--seed", "kept", stdin="1\n")
    before = next(tmp_path.glob("day-*.json")).read_text()
    code, out, _ = play(stdin="")
    assert code == 0 and out.rstrip().endswith("End of input. Your saved day is kept for next time.")
    assert next(tmp_path.glob("day-*.json")).read_text() == before


def test_a_dead_ends_carry_on_is_offered_numbered_and_replays_by_its_recorded_id(story_copy):
    """The engine's way out of a dead end is a choice like any other to the plain player: numbered,
    taken by its number, and a replay names it by the id the day's history records."""
    (story_copy / "scenes" / "trap.yaml").write_text(
        "scenes:\n  trap:\n    title: Trap\n    text: No way out.\n    choices:\n"
        "      - {id: never, text: Never, if: energy > 100, goto: desk}\n",
        encoding="utf-8",
    )
    args = ["play", "--plain", "--story", str(story_copy), "--no-save", "--seed", "x", "--from", "trap"]
    for extra, stdin in (([], "1\n"), (["--choices", "_carry_on"], "")):
        out = io.StringIO()
        with contextlib.redirect_stderr(io.StringIO()):
            assert run_plain(plain_options(build_parser().parse_args([*args, *extra])), io.StringIO(stdin), out) == 0
        text = out.getvalue()
        assert "1. Carry on. 5 minutes.\n" in text and "You chose 1: Carry on.\n" in text
        assert "Your desk" in text  # the hub, where carrying on leads


def test_help_does_not_promise_a_save_when_the_day_is_not_saved():
    _, out, _ = play("--no-save", stdin="h\n")
    assert "q or quit: stop playing, after you confirm. Control D stops at once." in out
    assert "saves" not in out


def test_one_new_term_is_announced_in_the_singular(story_copy):
    (story_copy / "glossary.yaml").write_text(
        "terms:\n  docs:\n    term: docs\n    means: What the code should have said.\n", encoding="utf-8"
    )
    ns = plain_options(
        build_parser().parse_args(["play", "--plain", "--story", str(story_copy), "--no-save", "--seed", "x"])
    )
    out = io.StringIO()
    run_plain(ns, stdin=io.StringIO("1\n"), out=out)
    assert "New term here: docs. Type g to hear what it means.\n" in out.getvalue()
    assert "what they mean" not in out.getvalue()


class Interrupting(io.StringIO):
    """Typed lines, then Control C (a KeyboardInterrupt where the next line would be read)."""

    def readline(self, size: int = -1) -> str:
        line = super().readline(size)
        if not line:
            raise KeyboardInterrupt
        return line


def test_control_c_saves_and_says_it_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path))
    ns = plain_options(build_parser().parse_args(["play", "--plain", "--story", str(ROOT / MINI), "--seed", "c"]))
    out = io.StringIO()
    assert run_plain(ns, stdin=Interrupting("1\n"), out=out) == 0
    assert out.getvalue().rstrip().endswith("Stopped. Your day is saved. Run dayjob play --plain again to continue it.")
    (save,) = tmp_path.glob("day-*.json")
    before = save.read_text()
    # and at the question whether to continue it: the saved day is kept, and the player is told so
    out = io.StringIO()
    assert run_plain(ns, stdin=Interrupting(""), out=out) == 0
    assert out.getvalue().rstrip().endswith("Stopped. Your saved day is kept for next time.")
    assert save.read_text() == before


def test_the_title_and_how_to_play_wrap_at_the_width_asked_for_on_a_terminal():
    ns = plain_options(
        build_parser().parse_args(["play", "--plain", "--story", str(ROOT / MINI), "--no-save", "--width", "20"])
    )
    out = Tty()
    run_plain(ns, stdin=io.StringIO(""), out=out)
    head = out.getvalue().split("\n\n")[0].splitlines()
    assert head == [
        "Mini Day. A test of",
        "every rule.",
        "Type the number of a",
        "choice and press",
        "Enter. Type h for",
        "help.",
    ]
