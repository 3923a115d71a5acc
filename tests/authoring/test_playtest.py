"""`dayjob playtest`: random days by the real engine, their coverage and report; failures replay exactly."""

from __future__ import annotations

import io
import json
import random
import re
import shlex
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.authoring import playtest
from game.authoring.playtest import run_days, summarize
from game.engine import Game, load_story

from .conftest import FIXTURES, SHIPPED, fixture


def _report(name: str, n: int, jobs: int, seed: str = "t") -> dict:
    story = load_story(FIXTURES / name)
    tally = run_days(story, str(FIXTURES / name), n, seed, False, jobs)
    return summarize(story, tally, n=n, seed=seed, short=False, root=str(FIXTURES / name))


def test_report_covers_scenes_choices_and_endings():
    data = _report("office", 600, jobs=1)
    cov = data["coverage"]
    assert (cov["scenes"]["reached"], cov["scenes"]["total"], cov["scenes"]["never"]) == (7, 7, [])
    assert (cov["choices"]["reached"], cov["choices"]["total"]) == (16, 16)
    assert (cov["endings"]["reached"], cov["endings"]["total"]) == (4, 4)
    assert data["finished"] == 600 and data["failures"]["count"] == {}
    assert sum(e["days"] for e in data["endings"].values()) == 600
    assert abs(sum(e["share"] for e in data["endings"].values()) - 1) < 0.01
    # the stats of the days that ended `exhausted` all meet its `if: energy <= 1`
    assert data["endings"]["exhausted"]["stats"]["energy"]["max"] <= 1
    assert data["endings"]["shipped"]["stats"]["energy"]["min"] >= 2
    length = data["length"]
    assert 1 <= length["min"] <= length["median"] <= length["max"]
    assert set(data["minutes"]) == {"focus", "meetings", "messages", "break"}
    assert data["minutes"]["meetings"] > 0  # every day has the 09:30 stand-up


def test_never_reached_ones_are_listed_with_their_place():
    data = _report("lint", 50, jobs=1)
    never = {n["id"]: n["where"] for n in data["coverage"]["scenes"]["never"]}
    assert never["orphan"] == "tests/authoring/fixtures/lint/scenes/desk.yaml:96:3"
    assert {"orphan", "ghost", "late_ping"} <= set(never)
    choices = {(c["scene"], c["id"]) for c in data["coverage"]["choices"]["never"]}
    assert ("desk", "fly") in choices and ("desk", "squint") in choices


def test_the_report_is_the_same_on_any_number_of_processes():
    one = _report("office", 300, jobs=1, seed="same")
    two = _report("office", 300, jobs=2, seed="same")
    assert one == two


def test_each_day_is_seeded_from_the_base_seed_and_its_number():
    story = load_story(FIXTURES / "office")
    tally = playtest.Tally()
    playtest.play_day(story, "base-7", False, tally, 7)
    again = playtest.Tally()
    playtest.play_day(story, "base-7", False, again, 7)
    assert tally.taken == again.taken and tally.endings == again.endings
    whole = run_days(story, None, 8, "base", False, 1)
    assert tally.taken - whole.taken == {}  # day 7 of the run is that very day


def test_a_dead_end_exits_1_with_a_command_that_replays_it(dayjob):
    code, out, _ = dayjob("playtest", fixture("deadend"), "-n", "40", "--jobs", "1")
    assert code == 1
    assert "dead end at scene 'stuck': no choice is available in scene 'stuck'" in out
    replay = next(line.split("replay: ", 1)[1] for line in out.splitlines() if "replay: " in line)
    args = shlex.split(replay)
    assert args[:3] == ["dayjob", "play", "--plain"] and "--seed" in args and "--choices" in args
    code, out, _ = dayjob(*args[1:])
    assert code == 0
    headers = re.findall(r"^\d\d:\d\d\. (.*)\.$", out, re.MULTILINE)
    assert headers[-1] == "Stuck"
    assert out.rsplit("Stuck.", 1)[1].strip().endswith("1. Carry on. 5 minutes.")


def test_a_day_that_never_ends_is_reported(dayjob):
    code, out, _ = dayjob("playtest", fixture("loop"), "-n", "3", "--jobs", "1")
    assert code == 1
    assert "too long at scene" in out and "did not end after 500 choices" in out
    assert "--format json gives the whole command" in out


def test_a_crash_exits_1_with_the_seed_and_the_choices(dayjob, monkeypatch):
    class Fragile(Game):
        def choose(self, choice_id):
            if choice_id == "reply":
                raise RuntimeError("the inbox exploded")
            super().choose(choice_id)

    monkeypatch.setattr(playtest, "Game", Fragile)
    code, out, _ = dayjob("playtest", fixture("office"), "-n", "60", "--jobs", "1", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["failures"]["count"]["crash"] >= 1
    first = data["failures"]["first"][0]
    assert first["kind"] == "crash" and first["message"] == "RuntimeError: the inbox exploded"
    assert first["choices"][-1] == "reply"
    assert first["replay"].endswith("--seed " + first["seed"] + " --choices " + ",".join(first["choices"]))


def test_json_output_has_coverage_distribution_and_timing(dayjob):
    code, out, err = dayjob("playtest", fixture("office"), "-n", "50", "--seed", "s", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["days"] == 50 and data["seed"] == "s"
    assert set(data) >= {"coverage", "endings", "minutes", "length", "failures", "timing"}
    assert data["timing"]["choices"] > 0 and data["timing"]["jobs"] >= 1
    assert "playtest [" not in err  # no progress bar when stderr is not a terminal


def test_text_report(dayjob):
    code, out, _ = dayjob("playtest", fixture("office"), "-n", "200")
    assert code == 0
    assert out.startswith("Playtest of \u201cOffice Morning\u201d: 200 days, seeds playtest-0 .. playtest-199")
    for heading in (
        "Coverage",
        "Endings (share of finished days",
        "Minutes per category (mean per day)",
        "Day length in choices: min ",
    ):
        assert heading in out
    assert "  scenes   7/7 reached (100%)" in out
    assert "No crashes and no dead ends." in out


def test_progress_bar_is_drawn_on_a_terminal(monkeypatch, capsys):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    fake = Tty()
    monkeypatch.setattr(playtest.sys, "stderr", fake)
    args = SimpleNamespace(dir=FIXTURES / "office", story=None, n=120, seed="p", jobs=1, short=False, format="json")
    assert playtest.run_playtest(args) == 0
    assert "playtest [" in fake.getvalue() and "120/120 days" in fake.getvalue()
    json.loads(capsys.readouterr().out)  # stdout stays pure JSON


def test_short_day_playtest(dayjob):
    code, out, _ = dayjob("playtest", fixture("office"), "-n", "30", "--short", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["short"] is True
    assert data["coverage"]["scenes"]["days"]["arrive"] == 0  # the short day starts at the desk


def test_usage_errors(dayjob, tmp_path):
    assert dayjob("playtest", tmp_path / "nowhere")[0] == 2
    assert dayjob("playtest", fixture("office"), "-n", "0")[0] == 2
    assert dayjob("playtest", fixture("lint"), "--short")[0] == 2  # no short day there
    code, _, err = dayjob("playtest", fixture("broken"))
    assert code == 1 and "unknown name 'enrgy'" in err


# -- the writer's figures (#13): reading, repeats, stats at day end, events ------------------------


def test_words_and_repeats_of_a_day_counted_by_hand():
    # Every day of `reading` shows: Start (1) "One two three." (3) "Four five." (2); the 09:05 stand-up:
    # Standup (1) "Quick." (1); Hub (1) "Ada waits here." (3) "Focused." (1); the 09:15 ping: Ping (1)
    # "Hello Ada." (2); Middle (1) "Four five." (2, a repeat); Hub again (5 words, both paragraphs
    # repeats); the ending: Done now (2) "Home." (1) and its question "Why so short?" (3).
    data = _report("reading", 40, jobs=1)
    rd = data["reading"]
    assert rd["words"] == {"min": 30, "median": 30, "max": 30, "mean": 30}
    assert rd["minutes"] == {"min": round(30 / 230, 1), "median": round(30 / 230, 1), "max": round(30 / 230, 1)}
    assert (rd["paragraphs"], rd["repeated"], rd["repeated_share"]) == (400, 120, 0.3)
    assert rd["repeated_share_per_day"] == {"median": 0.3, "max": 0.3}
    assert rd["repeated_in"] == {"hub": 80, "mid": 40}
    assert data["length"]["median"] == 6


def test_events_fire_as_their_rules_say():
    data = _report("reading", 40, jobs=1)
    ev = data["events"]
    assert ev["standup"] == {"kind": "appointment", "at": "09:05", "days": 40, "share": 1.0, "times": 40}
    assert ev["ping"] == {"kind": "interruption", "at": None, "days": 40, "share": 1.0, "times": 40}
    assert ev["never"]["days"] == 0 and ev["never"]["share"] == 0.0


def _picker(seed: str):
    """How playtest's random player picks: uniformly, from the day's own `random.Random(seed)`."""
    rand = random.Random(seed).random
    return lambda ids: ids[int(rand() * len(ids))]


def _recount(name: str, n: int, seed: str) -> list[Game]:
    """The same days played by a loop of its own, for figures with no answer known by hand."""
    story = load_story(FIXTURES / name)
    games = []
    for i in range(n):
        game = Game(story, f"{seed}-{i}", keep_undo=False)
        pick = _picker(f"{seed}-{i}")
        while not game.ended:
            game.choose(pick(game.available))
        games.append(game)
    return games


def test_stats_at_day_end_against_a_recount():
    data = _report("reading", 200, jobs=1)
    ups = sum(g.state.stats["energy"] == 10 for g in _recount("reading", 200, "t"))
    assert 0 < ups < 200  # both picks happen, so the shares below are not trivially 0 or 1
    energy = data["stats"]["energy"]
    assert (energy["floor"], energy["ceiling"], energy["min"], energy["max"]) == (0, 10, 0, 10)
    assert energy["at_ceiling"] == round(ups / 200, 4)
    assert energy["at_floor"] == round((200 - ups) / 200, 4)
    assert energy["median"] == (10 if ups > 100 else 0 if ups < 100 else 5)
    # focus goes from 3 to 5 on every day: never at either end of its range
    focus = data["stats"]["focus"]
    assert (focus["min"], focus["median"], focus["max"], focus["at_floor"], focus["at_ceiling"]) == (5, 5, 5, 0, 0)


def test_events_by_chance_fire_on_the_days_a_recount_finds():
    # office's interruption rolls a 0.3 chance; its stand-up is skipped on days still held elsewhere at 09:30.
    # Neither scene is reached any other way, so a day it was visited is a day it fired.
    data = _report("office", 300, jobs=2)
    games = _recount("office", 300, "t")
    story = load_story(FIXTURES / "office")
    events = [*story.appointments, *story.interrupts]
    assert {s.kind for s in events} == {"appointment", "interruption"}
    for scene in events:
        days = sum(scene.id in g.state.visits for g in games)
        assert 0 < days < 300
        assert data["events"][scene.id]["days"] == days
        assert data["events"][scene.id]["share"] == round(days / 300, 4)


def test_outcomes_return_visits_and_sequences_are_read_as_shown():
    # reading11 is `reading` in format 1.1: "You go." after Go (2 words); "Done." after the stand-up (1) and
    # again after Middle (1, a repeat); Middle shows its sequence's "First time." (2, no longer a repeat);
    # the hub's second visit shows `again`, "Ada is still here." (4, new), with "Focused." (a repeat).
    data = _report("reading11", 30, jobs=1)
    rd = data["reading"]
    assert rd["words"] == {"min": 35, "median": 35, "max": 35, "mean": 35}
    assert (rd["paragraphs"], rd["repeated"]) == (13 * 30, 2 * 30)
    assert rd["repeated_in"] == {"hub": 30, "mid/on": 30}


@pytest.mark.parametrize("where", [SHIPPED, FIXTURES / "reading11", FIXTURES / "office"])
def test_reading_figures_match_what_the_game_shows(where):
    """The playtest plans each scene's text once where it can; a day read through `Game.outcome`,
    `Game.title` and `Game.paragraphs` must give the same words and repeats."""
    story = load_story(where)
    for i in range(15):
        seed = f"read-{i}"
        tally = playtest.Tally()
        playtest.play_day(story, seed, False, tally, i)
        game = Game(story, seed, keep_undo=False)
        pick = _picker(seed)
        words = shown = repeats = 0
        seen: set[str] = set()
        while True:
            texts = [game.outcome or "", game.text]
            words += len(game.title.split()) + sum(len(t.split()) for t in texts)
            for para in (p.strip() for t in texts for p in re.split(r"\n[ \t]*\n", t)):
                if para:
                    shown += 1
                    repeats += para in seen
                    seen.add(para)
            if game.ended:
                break
            game.choose(pick(game.available))
        words += sum(len(q.split()) for q in game.ending.debrief)
        assert tally.words == {words: 1}
        assert (tally.paragraphs, tally.repeats) == (shown, repeats)


def test_text_report_shows_the_writer_figures(dayjob):
    code, out, _ = dayjob("playtest", fixture("reading"), "-n", "20", "--jobs", "1")
    assert code == 0
    assert "  words    min 30, median 30, max 30 (mean 30)" in out
    assert "read time at 230 words a minute: median 0.1 min, max 0.1 min" in out
    assert "paragraphs shown again the same day: 30.0% (60 of 200); per day median 30.0%, max 30.0%" in out
    assert "most in: hub 40, mid 20" in out
    assert re.search(r"^  focus   0\.\.10: 5, 5, 5; at 0: 0\.0%, at 10: 0\.0%$", out, re.MULTILINE)
    assert re.search(r"^  standup  appointment 09:05  100\.0%  +20$", out, re.MULTILINE)
    assert re.search(r"^  never    interruption         0\.0%  +0$", out, re.MULTILINE)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b c", " ", "\t", "\n", "\n\n", "\n \n", "é"]), max_size=30).map("".join))
def test_a_text_counts_the_same_paragraphs_and_words_stripped_or_not(text):
    """The reader counts a rendered text without stripping it first: the same paragraphs, the same words."""
    playtest._read_memo.clear()
    raw = playtest._paragraphs(text)
    playtest._read_memo.clear()
    assert raw == playtest._paragraphs(text.strip())
