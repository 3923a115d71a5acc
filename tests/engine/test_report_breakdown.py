"""Minutes traced to choices: each category's minutes by the scenes that spent them, and what moved each stat."""

from __future__ import annotations

import random

import pytest

from game.engine import Game, load_story, shipped_story_dir
from game.engine.report import EARLIER
from game.engine.state import Arrival, Step


def random_day(story, seed: str, short: bool = False) -> Game:
    game = Game(story, seed, short=short)
    pick = random.Random(seed)
    while not game.ended:
        game.choose(pick.choice(game.available))
    return game


@pytest.fixture(scope="module")
def shipped():
    return load_story(shipped_story_dir())


@pytest.mark.parametrize("short", [False, True])
def test_the_breakdown_adds_up_to_each_categorys_minutes(shipped, short):
    for n in range(40):
        report = random_day(shipped, f"spent-{n}", short).report()
        for cat, total in report.minutes.items():
            rows = report.spent.get(cat, [])
            assert sum(r.minutes for r in rows) == total, (n, cat)
            assert all(r.minutes > 0 and r.title != EARLIER for r in rows), (n, cat)


def test_the_breakdown_names_the_scenes_and_choices_that_spent_the_minutes(mini_story):
    game = Game(mini_story, "golden")
    game.replay(["coffee", "work", "ramble", "stay", "answer"])
    report = game.report()
    meetings = report.spent["meetings"]
    assert [(r.title, r.minutes, r.choices) for r in meetings] == [
        ("Stand-up", 20, ["Ramble"]),
        ("Two more minutes", 15, ["Stay on"]),
    ]
    assert report.spent_line("meetings") == "Stand-up 20, Two more minutes 15"
    assert [(r.title, r.minutes) for r in report.spent["focus"]] == [("Your desk", 60)]


def test_a_scene_visited_twice_is_one_line_with_both_choices(mini_story):
    game = Game(mini_story, "x", start="desk")
    game.replay(["read", "work"])
    (desk,) = [r for r in game.report().spent["focus"] if r.scene == "desk"]
    assert desk.minutes == 80 and desk.choices == ["Read the docs", "Do some deep work"]


def test_each_scenes_choices_are_told_once_with_how_often_they_were_taken(mini_story):
    from game.plain import report_text

    game = Game(mini_story, "x", start="desk")
    game.state.history = [Step("desk", cid, 540, Arrival.CHOICE) for cid in ("work", "read", "work")]
    game.state.minutes["focus"] = 140
    (desk,) = game.report().spent["focus"]
    assert desk.taken() == [("Do some deep work", 2), ("Read the docs", 1)]
    assert game.report().spent_line("focus", choices=True) == "Your desk 140 (Do some deep work ×2; Read the docs)"
    assert "Your desk, 140 minutes: Do some deep work, twice, then Read the docs." in report_text(game.report())


def test_minutes_the_edited_story_can_no_longer_place_still_add_up(mini_story):
    game = Game(mini_story, "x")
    game.replay(["coffee", "read"])
    game.state.history[1] = game.state.history[1]._replace(choice="gone")  # as if the story lost that choice
    rows = game.report().spent["focus"]
    assert rows[-1].title == EARLIER and rows[-1].minutes == 20
    assert sum(r.minutes for r in rows) == game.state.minutes["focus"]


def test_the_report_names_the_choices_that_moved_each_stat_most(mini_story):
    game = Game(mini_story, "golden")
    game.replay(["coffee", "work", "ramble", "stay", "answer"])
    movers = game.report().movers
    assert [(m.choice, m.delta, m.times) for m in movers["energy"]] == [("coffee", 2, 1), ("work", -2, 1)]
    assert [(m.choice, m.delta) for m in movers["morale"]] == [("coffee", 1), ("ramble", -1)]
    assert movers["expertise"][0].choice_text == "Do some deep work" and movers["expertise"][0].clock == "09:10"


def test_a_change_the_limits_swallowed_is_not_a_move(mini_story):
    from game.engine.report import stat_movers

    game = Game(mini_story, "x", start="desk")
    game.state.history = [Step("desk", "work", 540 + 60 * n, Arrival.CHOICE) for n in range(4)]
    # energy starts at 5: -2, -2, then -1 at the floor of 0, then nothing
    moves = stat_movers(mini_story, game.state, short=False)["energy"]
    # one choice taken four times is one line: its moves added up, counted, at its first time
    (work,) = moves
    assert (work.delta, work.times, work.clock) == (-5, 3, "09:00")


def test_markdown_plain_and_results_carry_the_breakdown(mini_story, tmp_path):
    from game.plain import report_text
    from game.workshop.results import result_data

    game = Game(mini_story, "golden")
    game.replay(["coffee", "work", "ramble", "stay", "answer", "work"])
    report = game.report()
    md = report.markdown()
    assert "- **Meetings** 35 min: Stand-up 20 (Ramble), Two more minutes 15 (Stay on)" in md
    assert "- **Focused work** 120 min: Your desk 120 (Do some deep work ×2)" in md
    assert "- **Energy**: Do some deep work (×2) (Your desk) -4; Make coffee [the good one] (Morning) +2" in md
    text = report_text(report)
    assert (
        "\nMeetings: 35 minutes, typical 39. Stand-up, 20 minutes: Ramble. Two more minutes, 15 minutes: Stay on.\n"
        in text
    )
    assert "\nFocused work: 120 minutes, typical 116. Your desk, 120 minutes: Do some deep work, twice.\n" in text
    # a line for each move: the choice's own words may hold commas and semicolons
    assert (
        "\nEnergy down 4 from Do some deep work, twice, in Your desk.\n"
        "Energy up 2 from Make coffee [the good one], in Morning.\n" in text
    )
    data = result_data(game)
    assert data["spent"]["meetings"] == [["standup", 20, ["ramble"]], ["standup_after", 15, ["stay"]]]
    assert data["spent"]["focus"] == [["desk", 120, ["work", "work"]]]
