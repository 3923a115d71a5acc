"""Earned endings: the flags say what happened, and a day that posted a leak, committed an inflated number or
promised a date without taking it back never gets a warm ending. Checked on thousands of seeded random days, and
from the states the project's own `route` search reaches."""

from __future__ import annotations

import random

import pytest

from game.authoring.route import find_route
from game.engine import Game, load_story
from tests.story.sim import SENSIBLE, SENSIBLE_HUB, scripted_day

COLD = {"leak_returns", "number_comes_back"}
WARM = {"shipped_it", "boring_wins", "documentation_hero", "firefighter", "best_job", "ordinary_good_day"}
DAYS = 3000


@pytest.fixture(scope="module")
def story():
    return load_story(None)


def bad_faith(flags: dict) -> bool:
    """A posted leak never retracted, or a committed number or promised date never corrected."""
    leak = flags["leak_posted"] and not flags["leak_retracted"]
    number = (flags["ballpark_sent"] or flags["date_promised"]) and not flags["number_corrected"]
    return leak or number


def finish_randomly(game: Game, rng: random.Random) -> Game:
    while not game.ended:
        game.choose(rng.choice(game.available))
    return game


@pytest.fixture(scope="module")
def days(story):
    return [finish_randomly(Game(story, seed=f"e{i}", keep_undo=False), random.Random(i)) for i in range(DAYS)]


def test_the_warm_and_cold_endings_are_the_story_s_endings(story):
    assert COLD | WARM <= set(story.ending_ids)


def test_bad_faith_always_ends_cold(days):
    seen = 0
    for game in days:
        if bad_faith(game.state.flags):
            seen += 1
            assert game.state.ending in COLD, (game.seed, game.state.ending)
    assert seen >= DAYS // 20  # random days do post leaks and commit numbers, so the rule is exercised


def test_cold_endings_only_follow_bad_faith(days):
    for game in days:
        flags = game.state.flags
        if game.state.ending == "leak_returns":
            assert flags["leak_posted"] and not flags["leak_retracted"], game.seed
        if game.state.ending == "number_comes_back":
            assert (flags["ballpark_sent"] or flags["date_promised"]) and not flags["number_corrected"], game.seed


def test_honest_convergence_posted_leak_and_shipped_baseline_are_different_facts(story, days):
    for game in days:
        flags = game.state.flags
        if flags["model_converged"]:
            assert flags["data_leak_found"], game.seed  # converged honestly means the leak was found first
        if game.state.ending == "shipped_it":
            assert flags["model_converged"] and not flags["leak_posted"] or flags["leak_retracted"], game.seed
    setters = {
        name: {(s.id, c.id) for s in story.scenes.values() for c in s.choices if (name, True) in c.sets}
        for name in ("model_converged", "leak_posted", "baseline_shipped", "ballpark_sent")
    }
    for a in setters:
        for b in setters:
            if a != b:
                assert not setters[a] & setters[b], (a, b)


@pytest.mark.parametrize("target, bad_choice", [("leak_returns", "celebrate"), ("number_comes_back", None)])
def test_routes_through_bad_faith_never_reach_a_warm_ending(story, target, bad_choice):
    """`route` finds a way to the cold ending; from the moment of bad faith on that route, 300 random
    continuations never end warm."""
    route = find_route(story, target, seeds=20)
    assert route.found, route.reason
    game = Game(story, seed=route.seed, keep_undo=False)
    game.replay(route.choices)
    assert game.state.ending == target
    # replay up to the first moment the day is in bad faith
    probe = Game(story, seed=route.seed, keep_undo=False)
    for cid in route.choices:
        probe.choose(cid)
        if bad_faith(probe.state.flags):
            break
    assert bad_faith(probe.state.flags)
    if bad_choice:
        assert bad_choice in [step.choice for step in probe.state.history]
    snap = probe.snapshot()
    endings = set()
    for i in range(300):
        game = Game.from_snapshot(story, snap, keep_undo=False)
        endings.add(finish_randomly(game, random.Random(i)).state.ending)
    warm_without_correction = endings & WARM
    if warm_without_correction:  # only a later correction may lead back to a warm ending
        for i in range(300):
            game = finish_randomly(Game.from_snapshot(story, snap, keep_undo=False), random.Random(i))
            if game.state.ending in WARM:
                assert not bad_faith(game.state.flags), (i, game.state.ending)


def test_there_is_an_ending_where_the_number_comes_back(story):
    ending = story.ending("number_comes_back")
    assert "36-point" in ending.text.render(story.words)


def test_ignoring_people_costs_trust(story):
    """A player who never opens the messages and turns every request away ends with less trust than at 9."""
    prefs = dict(
        SENSIBLE,
        arrive=["async_standup"],
        standup_thread=["stay_away"],
        colleague_env=["after_lunch"],
        ping_lead=["ignore_it"],
        unanswered=["defend_focus"],
        analyst_dashboard=["guess_timezones"],
        design_review=["leave_early"],
        stakeholder_sync=["in_writing"],
        stakeholder_sync_after=["walk_first"],
        coffee=["quick_instant"],
        support_case=["reassign", "send_back"],
        staging_storm=["mute_channel"],
        drift_alert=["ack_and_snooze"],
    )
    hub = ["model", "data", "page", "go_home"]
    start = story.stats["trust"].start
    for team in ("startup", "bigco", "lab"):
        for k in range(3):
            game = scripted_day(prefs, hub, team, "fraud", f"ignore-{team}-{k}", story=story)
            assert game.state.stats["trust"] < start, (game.seed, game.state.stats)
            assert game.state.ending != "firefighter"


def test_expertise_can_fall(story):
    """Confidently wrong answers and copied fixes cost expertise: some choices lower it, and a day of them ends lower."""
    lowering = {
        (s.id, c.id) for s in story.scenes.values() for c in s.choices if dict(c.effects).get("expertise", 0) < 0
    }
    assert {("cluster_ticket", "copy_fix"), ("analyst_dashboard", "guess_timezones")} <= lowering
    game = Game(story, seed="expertise", keep_undo=False)
    game.replay(["just_go_in", "lab", "fraud", "postpone_updates", "cluster_ticket", "copy_fix"])
    assert game.state.stats["expertise"] < story.stats["expertise"].start


def test_stats_rarely_end_at_their_extremes(story, days):
    """Over random days, no stat ends at its floor or its ceiling in more than 15% of days."""
    for name, stat in story.stats.items():
        at_max = sum(g.state.stats[name] == stat.max for g in days) / len(days)
        at_min = sum(g.state.stats[name] == stat.min for g in days) / len(days)
        assert at_max <= 0.15 and at_min <= 0.15, (name, at_min, at_max)


def test_a_sensible_day_is_never_cold(story):
    for team in ("startup", "bigco", "lab"):
        for domain in ("fraud", "recsys", "forecast"):
            game = scripted_day(SENSIBLE, SENSIBLE_HUB, team, domain, f"s-{team}-{domain}", story=story)
            assert game.state.ending not in COLD, game.seed
