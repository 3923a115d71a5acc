"""`dayjob route`: a seed and choices that reach a scene or ending, replayed by `play --plain --choices`."""

from __future__ import annotations

import json
import re

import pytest

from game.authoring.route import find_route
from game.engine import load_story

from .conftest import FIXTURES, SHIPPED, fixture

HEADER = re.compile(
    r"^(\d\d:\d\d)\. (?!The end: )(?:An interruption: |Back to what you were doing: |On your calendar(?: at \d\d:\d\d)?: )?(.*?)(?:\. You are .*|\.)?$",
    re.MULTILINE,
)


def replay_reaches(dayjob, story_dir, story, route) -> bool:
    """Replays the route exactly as a writer would, and checks where the plain player stops."""
    if not route["choices"]:  # nothing to replay: the day starts there
        return route["target"] == (story.short.start if route.get("short") else story.start)
    args = ["play", "--plain", "--seed", route["seed"], "--choices", ",".join(route["choices"])]
    if story_dir is not None:
        args += ["--story", story_dir]
    if route.get("short"):
        args.append("--short")
    code, out, err = dayjob(*args)
    assert code == 0, err
    target = route["target"]
    if target in story.ending_ids:
        title = story.ending(target).title.render(story.words)
        return f". The end: {title}." in out
    title = story.scenes[target].title.render(story.words)
    return ". The end: " not in out and HEADER.findall(out)[-1][1] == title


OFFICE = load_story(FIXTURES / "office")


@pytest.mark.parametrize("target", [e.id for e in OFFICE.endings])
def test_route_to_every_ending_replays_to_it(dayjob, target):
    code, out, _ = dayjob("route", target, "--story", fixture("office"), "--format", "json")
    route = json.loads(out)
    assert code == 0 and route["found"] is True
    assert route["target"] == target and route["seed"].startswith("route-")
    assert replay_reaches(dayjob, fixture("office"), OFFICE, route)


@pytest.mark.parametrize("target", sorted(OFFICE.scenes))
def test_route_to_every_scene_replays_to_it(dayjob, target):
    route = find_route(OFFICE, target).to_dict()
    assert route["found"], route
    assert replay_reaches(dayjob, fixture("office"), OFFICE, route)


def test_short_routes_are_proven_shortest():
    route = find_route(OFFICE, "report_review")
    # straight in leaves too little energy for the review; after coffee the stand-up comes first
    assert route.choices == ["coffee", "write_report", "update"]
    assert route.shortest is True


def test_the_start_scene_needs_no_choices():
    route = find_route(OFFICE, "arrive")
    assert route.choices == [] and route.shortest


def test_route_on_the_short_day(dayjob):
    code, out, _ = dayjob("route", "shipped", "--story", fixture("office"), "--short", "--format", "json")
    route = json.loads(out)
    assert code == 0 and route["short"] is True
    assert route["choices"][0] != "coffee"  # the short day starts at the desk, not on arrival
    assert replay_reaches(dayjob, fixture("office"), OFFICE, route)


RARE = load_story(FIXTURES / "rare")


@pytest.mark.parametrize("target", ["lift", "ceo_chat", "lucky"])
def test_rare_interruptions_are_found_by_trying_seeds(dayjob, target):
    route = find_route(RARE, target).to_dict()
    assert route["found"], route
    assert replay_reaches(dayjob, fixture("rare"), RARE, route)


def test_when_chance_never_fires_within_the_budget_it_says_so(dayjob):
    code, out, _ = dayjob("route", "lift", "--story", fixture("rare"), "--budget", "30", "--format", "json")
    route = json.loads(out)
    assert code == 1 and route["found"] is False and route["choices"] is None
    assert route["reason"].startswith("'lift' is an interruption (chance 2%, if `clock >= \"10:00\"`) that never fired")


def test_a_scene_no_path_reaches_is_explained(dayjob):
    code, out, _ = dayjob("route", "orphan", "--story", fixture("lint"))
    assert code == 1
    assert out.strip() == (
        "No route to 'orphan': no day can reach scene 'orphan': no choice, appointment or "
        "interruption leads to it from 'desk' (see `dayjob check`)"
    )


def test_an_interruption_that_cannot_fire_is_explained(dayjob):
    _, out, _ = dayjob("route", "ghost", "--story", fixture("lint"))
    assert "interruption 'ghost' can never fire: its chance is 0" in out
    _, out, _ = dayjob("route", "late_ping", "--story", fixture("lint"))
    assert 'its `if` `clock >= "18:00"` never holds (clock is 09:00..12:59)' in out


def test_an_ending_whose_condition_never_holds_is_explained(dayjob):
    code, out, _ = dayjob("route", "dreamer", "--story", fixture("lint"))
    assert code == 1 and "no day can reach ending 'dreamer'" in out


def test_an_unknown_target_is_a_usage_error(dayjob):
    code, _, err = dayjob("route", "dsek", "--story", fixture("office"))
    assert code == 2
    assert "'dsek' is not a scene or an ending of this story; did you mean 'desk'?" in err


def test_text_output_shows_the_command_and_each_step(dayjob):
    code, out, _ = dayjob("route", "report_review", "--story", fixture("office"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Route to scene 'report_review': 3 choice(s), seed route-0; no shorter route exists with this seed."
    )
    assert (
        "  dayjob play --plain --story tests/authoring/fixtures/office --seed route-0 "
        "--choices coffee,write_report,update"
    ) in lines
    assert lines[4:8] == [
        "    1. 09:00 arrive: coffee",
        "    2. 09:10 desk: write_report",
        "    3. 09:55 standup (appointment): update",
        "       10:05 scene 'report_review'",
    ]


SHIPPED_STORY = load_story(SHIPPED)


@pytest.mark.parametrize("target", [e.id for e in SHIPPED_STORY.endings])
def test_route_to_every_ending_of_the_shipped_day_replays_to_it(dayjob, target):
    route = find_route(SHIPPED_STORY, target).to_dict()
    assert route["found"], route
    assert replay_reaches(dayjob, None, SHIPPED_STORY, route)
