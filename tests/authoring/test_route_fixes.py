"""`route` on interruptions that fire right after the choice that enables them, and with `--from`/`--set` (#16)."""

from __future__ import annotations

import json
import shutil

from game.authoring.route import find_route
from game.engine import Game, load_story

from .conftest import FIXTURES, SHIPPED, fixture


def _replays_to(story, route) -> Game:
    game = Game(story, route.seed, start=route.start, preset=route.preset, keep_undo=False)
    game.replay(route.choices)
    return game


def test_an_interruption_enabled_by_the_last_choice_is_found(tmp_path):
    """The issue's reproduction: restart_updates at chance 0.5 with no time window."""
    story_dir = tmp_path / "story"
    shutil.copytree(SHIPPED, story_dir)
    scenes = story_dir / "scenes" / "interruptions.yaml"
    text = scenes.read_text()
    old = 'interrupt: {chance: 0.21, if: updates_postponed and clock >= "15:45" and clock < "17:00", repeat: false}'
    assert old in text
    scenes.write_text(text.replace(old, "interrupt: {chance: 0.5, if: updates_postponed, repeat: false}"))
    story = load_story(story_dir)
    route = find_route(story, "restart_updates", seeds=10)
    assert route.found, route.reason
    assert route.choices[-1] == "postpone_updates"  # it fires right after the choice that sets its flag
    assert _replays_to(story, route).scene_id == "restart_updates"


def _appointment_story(root) -> None:
    """A chance-1 interruption used as a conditional appointment: at 10:00, only if the report is done."""
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(
        'title: T\nstart: desk\nclock: {start: "09:00", end: "12:00"}\ncategories: [focus]\n'
        "flags: [report_done]\nendings:\n  - id: last\n    title: The end\n    text: Over.\n"
    )
    (root / "scenes" / "a.yaml").write_text(
        "scenes:\n"
        "  desk:\n    title: Desk\n    text: Work.\n    choices:\n"
        "      - {id: write, text: Write the report, minutes: 30, set: {report_done: true}, goto: desk}\n"
        "      - {id: wait, text: Wait, minutes: 20, goto: desk}\n"
        "  review:\n    title: Review\n    text: They read it.\n"
        '    interrupt: {chance: 1, if: report_done and clock >= "10:00", repeat: false}\n'
        "    choices:\n      - {id: done, text: Done, goto: back}\n"
    )


def test_a_chance_1_interruption_used_as_a_conditional_appointment_is_found(tmp_path):
    _appointment_story(tmp_path)
    story = load_story(tmp_path)
    route = find_route(story, "review", seeds=3)
    assert route.found, route.reason
    assert "write" in route.choices and _replays_to(story, route).scene_id == "review"


OFFICE = load_story(FIXTURES / "office")


def test_route_from_a_scene_with_presets_replays_with_the_same_options(dayjob):
    code, out, _ = dayjob(
        "route", "shipped", "--story", fixture("office"), "--from", "desk", "--set", "trust=7", "--format", "json"
    )
    route = json.loads(out)
    assert code == 0 and route["from"] == "desk" and route["set"] == {"trust": "7"}
    game = Game(OFFICE, route["seed"], start="desk", preset={"trust": "7"}, keep_undo=False)
    game.replay(route["choices"])
    assert game.state.ending == "shipped"
    code, out, _ = dayjob("route", "shipped", "--story", fixture("office"), "--from", "desk", "--set", "trust=7")
    assert "--from desk --set trust=7 --seed" in out


def test_done_past_keeps_earlier_appointments_from_starting(dayjob):
    late = find_route(OFFICE, "report_review", start="desk", preset={"clock": "10:00"})
    assert late.found and "update" in late.choices  # the 09:30 stand-up still starts first
    done = find_route(OFFICE, "report_review", start="desk", preset={"clock": "10:00", "done": "past"})
    assert done.found and done.choices == ["write_report"]
    code, out, _ = dayjob(
        "play",
        "--plain",
        "--story",
        fixture("office"),
        "--from",
        "desk",
        "--set",
        "clock=10:00",
        "--set",
        "done=past",
        "--seed",
        done.seed,
        "--choices",
        "write_report",
    )
    assert code == 0 and "Stand-up" not in out


def test_route_refuses_an_unknown_preset(dayjob):
    code, _, err = dayjob("route", "shipped", "--story", fixture("office"), "--set", "nothing=1")
    assert code == 2 and "'nothing' is not a stat, flag or word" in err
    code, _, err = dayjob("route", "shipped", "--story", fixture("office"), "--set", "done=desk")
    assert code == 2 and "'desk' is not an appointment" in err
