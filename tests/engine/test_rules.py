"""The rules of a day, one by one, on the mini story."""

from __future__ import annotations

import json

import pytest

from game.engine import CARRY_ON, ChoiceError, Game, load_story
from game.engine.clock import parse_time
from game.engine.exprtree import And, Cmp, Num, Stat
from game.engine.game import ChoiceKind


def play(game: Game, *ids: str) -> Game:
    for cid in ids:
        game.choose(cid)
    return game


def test_day_starts_at_start_scene_with_start_stats(mini_story):
    game = Game(mini_story, seed="s")
    assert game.scene_id == "wake"
    assert game.clock_text == "09:00"
    assert game.state.stats == {"energy": 5, "expertise": 3, "morale": 5}
    assert game.state.flags == {"shipped": False, "answered": False}


def test_text_interpolates_words_and_shows_variants_that_hold(mini_story):
    game = Game(mini_story, seed="s")
    assert game.paragraphs == [
        "The alarm. Priya has already posted in the channel. You feel calm.",
        "You slept well, for once.",
    ]


def test_double_braces_are_literal(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee")
    assert game.text == "The cursor blinks. It is a {normal} desk."


def test_brackets_in_text_are_kept_as_written(mini_story):
    game = Game(mini_story, seed="s")
    assert game.choices[0].text == "Make coffee [the good one]"


def test_minutes_advance_clock_and_count_in_scene_category(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee")
    assert game.clock == parse_time("09:10")
    assert game.state.minutes["break"] == 10


def test_choice_category_overrides_scene_category(mini_story):
    game = play(Game(mini_story, seed="s"), "rush")
    assert game.state.minutes["focus"] == 5
    assert game.state.minutes["break"] == 0


def test_effects_are_clamped_to_bounds(mini_story):
    game = Game(mini_story, seed="s", preset={"energy": 9})
    play(game, "coffee")
    assert game.state.stats["energy"] == 10
    game = Game(mini_story, seed="s", preset={"energy": 0})
    play(game, "rush")
    assert game.state.stats["energy"] == 0


def test_set_changes_words_and_flags(mini_story):
    game = play(Game(mini_story, seed="s"), "rush")
    assert game.state.words["mood"] == "rushed"


def test_hidden_choice_without_locked_is_not_shown(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee")
    assert "home" not in [c.id for c in game.choices]


def test_locked_choice_is_shown_with_reason_and_refused(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee")
    view = next(c for c in game.choices if c.id == "ship_now")
    assert not view.available and view.locked == "Not ready yet"
    with pytest.raises(ChoiceError, match="locked"):
        game.choose("ship_now")


def test_unknown_choice_is_refused_and_changes_nothing(mini_story):
    game = Game(mini_story, seed="s")
    before = game.snapshot()
    with pytest.raises(ChoiceError):
        game.choose("nope")
    assert game.snapshot() == before


def test_once_choice_is_gone_after_it_is_taken(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee", "read")
    # the stand-up is due at 09:30 and comes first
    assert game.scene_id == "standup"
    play(game, "crisp")
    assert game.scene_id == "desk"
    assert "read" not in [c.id for c in game.choices]


def test_appointment_is_taken_when_clock_reaches_it_and_back_resumes(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee")
    assert game.scene_id == "desk"
    play(game, "read")  # 09:10 + 20 = 09:30: stand-up is due
    assert game.scene_id == "standup" and game.arrival == "appointment"
    assert game.state.held == "desk"
    play(game, "crisp")
    assert game.scene_id == "desk" and game.arrival == "back"
    assert game.state.held is None


def test_goto_back_resumes_held_destination_after_a_chain(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee", "read", "ramble")
    assert game.scene_id == "standup_after"
    assert game.state.held == "desk"
    play(game, "stay")
    assert game.scene_id == "desk"


def test_appointment_happens_once(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee", "read", "crisp")
    assert game.state.visits["standup"] == 1
    play(game, "work")
    assert game.state.visits.get("standup") == 1


def test_nothing_interrupts_while_a_destination_is_held(mini_story):
    for seed in map(str, range(40)):
        game = play(Game(mini_story, seed=seed), "coffee", "read", "ramble")
        game.state.clock = parse_time("10:30")  # the ping is eligible now
        play(game, "stay")
        # from a held chain, `back` returns to the desk; the ping may come only after that
        assert game.scene_id in ("desk", "ping")
        if game.scene_id == "ping":
            assert game.state.held == "desk"


def test_interruptions_are_seeded(mini_story):
    def scenes(seed):
        game = play(Game(mini_story, seed=seed), "coffee", "read", "crisp", "work")
        return game.scene_id, game.state.rng

    assert scenes("alpha") == scenes("alpha")
    outcomes = {scenes(str(i))[0] for i in range(30)}
    assert outcomes == {"desk", "ping"}  # chance 0.5: both happen across seeds


def test_interruption_does_not_repeat_without_repeat(mini_story):
    for i in range(30):
        game = Game(mini_story, seed=str(i), keep_undo=False)
        seen = 0
        while not game.ended:
            if game.scene_id == "ping":
                seen += 1
            choice = (
                "answer" if game.scene_id == "ping" else ("work" if "work" in game.available else game.available[0])
            )
            game.choose(choice)
        assert seen <= 1


def test_interruption_condition_is_respected(mini_story):
    for i in range(30):
        game = play(Game(mini_story, seed=str(i)), "coffee")
        assert game.scene_id != "ping"  # before 10:00 the ping never fires


def test_conditional_goto_takes_first_branch_that_holds(mini_story):
    game = Game(mini_story, seed="s", start="desk", preset={"expertise": 5})
    play(game, "work")  # 10:00: the stand-up is due and holds the branch's destination
    assert game.scene_id == "standup" and game.state.held == "ship"
    play(game, "crisp")
    assert game.scene_id == "ship"
    game = Game(mini_story, seed="s", start="desk", preset={"expertise": 1})
    play(game, "work")
    assert game.state.held == "desk"


def test_goto_ending_id_ends_with_that_ending(mini_story):
    game = Game(mini_story, seed="s", start="ship")
    play(game, "ship")
    assert game.ended and game.ending.id == "shipped_it"
    assert game.scene_id == "shipped_it"
    assert game.choices == []


def test_goto_end_picks_first_matching_ending_in_order(mini_story):
    game = Game(mini_story, seed="s", start="desk", preset={"clock": "11:00", "energy": 1, "shipped": "true"})
    play(game, "home")
    assert game.ending.id == "tired"  # tired is listed before shipped_it
    game = Game(mini_story, seed="s", start="desk", preset={"clock": "11:00", "shipped": "true"})
    play(game, "home")
    assert game.ending.id == "shipped_it"
    game = Game(mini_story, seed="s", start="desk", preset={"clock": "11:00"})
    play(game, "home")
    assert game.ending.id == "ordinary"


def test_day_ends_when_clock_reaches_end(mini_story):
    game = Game(mini_story, seed="s", start="desk", preset={"clock": "11:30", "expertise": 0})
    play(game, "work")
    assert game.ended and game.clock_text == "12:30"
    assert game.ending.id == "ordinary"
    with pytest.raises(ChoiceError):
        game.choose("work")


def test_visit_counts_are_kept(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee", "read", "crisp")
    assert game.state.visits["desk"] == 2
    assert game.state.visits["wake"] == 1


def test_same_seed_and_choices_give_same_day(mini_story):
    def day(seed):
        game = Game(mini_story, seed=seed, keep_undo=False)
        while not game.ended:
            game.choose(game.available[-1] if game.scene_id != "desk" else "work")
        return json.dumps(game.snapshot(), sort_keys=True)

    assert day("x") == day("x")


def test_undo_goes_back_one_choice_at_a_time_to_the_start(mini_story):
    game = Game(mini_story, seed="s")
    start = game.snapshot()
    play(game, "coffee")
    after_one = game.snapshot()
    play(game, "read", "crisp")
    assert game.undo() and game.scene_id == "standup"
    assert game.undo() and game.snapshot() == after_one
    assert game.undo() and game.snapshot()["state"] == start["state"]
    assert not game.undo()
    assert not game.can_undo


def test_undo_restores_random_state_so_the_same_choice_gives_the_same_result(mini_story):
    game = play(Game(mini_story, seed="r"), "coffee", "read", "crisp")
    game.state.clock = parse_time("10:00")
    play(game, "work")
    first = game.scene_id
    game.undo()
    play(game, "work")
    assert game.scene_id == first


def test_snapshot_is_json_and_restore_round_trips(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee", "read")
    data = json.loads(json.dumps(game.snapshot()))
    other = Game.from_snapshot(mini_story, data)
    assert other.snapshot() == game.snapshot()
    assert other.scene_id == game.scene_id and other.seed == "s"
    # the restored day continues exactly like the original
    play(game, "crisp", "work")
    play(other, "crisp", "work")
    assert other.snapshot() == game.snapshot()
    assert other.undo() and game.undo()
    assert other.snapshot() == game.snapshot()


def test_dead_end_offers_carry_on_to_the_hub(story_copy):
    (story_copy / "scenes" / "trap.yaml").write_text(
        "scenes:\n  trap:\n    title: Trap\n    text: No way out.\n    choices:\n"
        "      - {id: never, text: Never, if: energy > 100, goto: desk}\n"
    )
    story = load_story(story_copy)
    game = Game(story, seed="s", start="trap")
    (way_out,) = game.choices
    assert way_out.kind is ChoiceKind.CARRY_ON and way_out.available and way_out.id == CARRY_ON
    game.choose(way_out.id)
    assert game.scene_id == "desk"
    assert game.state.history[-1].choice == CARRY_ON  # recorded under its id: saves and replays keep it
    assert {c.kind for c in game.choices} == {ChoiceKind.WRITTEN}


def test_short_day_uses_its_start_clock_sets_and_effects(mini_story):
    game = Game(mini_story, seed="s", short=True)
    assert game.scene_id == "desk" and game.clock_text == "10:30"
    assert game.state.words["mood"] == "hurried"
    assert game.state.stats["energy"] == 4
    # the 09:30 stand-up lies before the short day's start and is not due
    play(game, "read")
    assert game.scene_id != "standup"


def test_preset_rejects_unknown_names(mini_story):
    with pytest.raises(ChoiceError):
        Game(mini_story, seed="s", preset={"nonsense": 1})
    with pytest.raises(ChoiceError):
        Game(mini_story, seed="s", preset={"energy": "lots"})


def test_report_reveals_stats_minutes_and_timeline(mini_story):
    game = Game(mini_story, seed="s", start="ship")
    play(game, "ship")
    report = game.report()
    assert report.ending_id == "shipped_it"
    assert report.ending_text == "It is out. Priya buys the coffee."
    assert [s.name for s in report.stats] == ["energy", "expertise", "morale"]
    assert report.minutes["focus"] == 15
    assert [(m.clock, m.choice) for m in report.timeline] == [("09:00", "ship")]
    assert report.share_line == "Day Job: \u201cShipped\u201d \u2014 clocked out at 09:15 \u2014 seed s"
    md = report.markdown()
    assert "# Mini Day: Shipped" in md and "What did shipping cost?" in md


def test_machine_holds_the_day_scene(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee")
    assert mini_story.machine.get_model_state(game.state).name == "desk"


def test_machine_refuses_a_move_the_story_does_not_allow(mini_story):
    from game.engine.machine import MoveRefused
    from game.engine.state import Arrival

    game = Game(mini_story, seed="s")
    machine = mini_story.machine
    with pytest.raises(MoveRefused):
        machine.move(game.state, "ship", Arrival.CHOICE, "coffee")  # coffee goes to the desk, not to ship
    with pytest.raises(MoveRefused):
        machine.move(game.state, "desk", Arrival.BACK, None)  # wake has no `back` choice
    assert game.scene_id == "wake"
    machine.move(game.state, "standup", Arrival.APPOINTMENT, "coffee")  # an appointment may start anywhere
    assert game.scene_id == "standup" and game.arrival == "appointment"


def test_machine_refuses_a_locked_choice_and_runs_nothing(mini_story):
    game = play(Game(mini_story, seed="s"), "coffee")
    before = game.state.to_dict()
    ship_now = next(ch for ch in game.scene.choices if ch.id == "ship_now")
    assert mini_story.machine.take(game.state, ship_now) is False
    assert game.state.to_dict() == before
    with pytest.raises(ChoiceError, match="locked: Not ready yet"):
        game.choose("ship_now")
    assert game.state.to_dict() == before and len(game.state.history) == 1


def test_machine_does_not_grow_during_play(mini_story):
    machine = mini_story.machine

    def edges():
        return sorted(
            (e.name, t.source, str(t.dest))
            for e in machine.events.values()
            for ts in e.transitions.values()
            for t in ts
        )

    before = edges()
    for seed in ("a", "b", "c", "d"):
        game = Game(mini_story, seed=seed)
        while not game.ended:
            game.choose(game.available[-1])
    assert edges() == before


def test_machine_is_one_per_story_and_shared_by_its_days(mini_story):
    assert Game(mini_story, seed="a")._machine is Game(mini_story, seed="b")._machine is mini_story.machine


def _report_with_minutes(minutes: dict[str, int]):
    from game.engine.report import Report

    return Report(
        story_title="T",
        seed="s",
        short=True,
        ended=True,
        ending_id="e",
        ending_title="E",
        ending_text="Done.",
        debrief=[],
        clock_out="12:00",
        stats=[],
        minutes=minutes,
        category_labels={"meetings": "Meetings", "focus": "Focus"},
        reference={"label": "Surveys", "source": "A survey.", "minutes": {"meetings": 240, "focus": 300}},
        timeline=[],
    )


def test_survey_minutes_are_scaled_to_a_shorter_day_in_every_report():
    """A 3.5-hour day is compared with the survey's 9 hours scaled down, in the Markdown and plain reports too."""
    from game.plain import report_text

    report = _report_with_minutes({"meetings": 90, "focus": 120})  # 210 of the survey's 540 minutes
    assert report.reference_scale == pytest.approx(210 / 540)
    assert report.reference_minutes == {"meetings": 93, "focus": 117}
    md = report.markdown()
    assert "| | you | Surveys (scaled to your day) |" in md
    assert "| Meetings | 90 min | 93 min |" in md and "| **Total** | 210 min |  |" in md
    assert "Scaled to the length of your day (210 minutes in these categories against their 540)." in md
    text = report_text(report)
    assert "with the typical minutes from surveys, scaled to the length of your day:" in text
    assert "Meetings: 90 minutes, typical 93." in text


def test_survey_minutes_are_shown_as_they_are_for_a_day_of_about_their_length():
    report = _report_with_minutes({"meetings": 250, "focus": 260})  # 510: within a tenth of 540
    assert report.reference_scale == 1.0
    assert report.reference_minutes == {"meetings": 240, "focus": 300}
    assert "(scaled" not in report.markdown() and "Scaled" not in report.markdown()


def test_a_survey_of_some_categories_is_scaled_by_the_minutes_in_those_categories():
    """Minutes in categories the survey does not list are not compared with it (nor stretch it)."""
    report = _report_with_minutes({"meetings": 240, "focus": 300, "break": 200})
    assert report.reference_scale == 1.0 and report.reference_minutes == {"meetings": 240, "focus": 300}
    report = _report_with_minutes({"meetings": 60, "focus": 120, "break": 400})  # 180 of their 540
    assert report.reference_scale == pytest.approx(180 / 540)
    assert report.reference_minutes == {"meetings": 80, "focus": 100}


def _story_with_show_if(tmp_path):
    root = tmp_path / "s"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(
        'title: T\nstart: desk\nclock: {start: "09:00", end: "17:00"}\ncategories: [focus]\n'
        "stats:\n  energy: {start: 5, min: 0, max: 10}\nflags: [met_dpo]\n"
        "endings:\n  - id: last\n    title: The end\n    text: Over.\n"
    )
    (root / "scenes" / "a.yaml").write_text(
        "scenes:\n  desk:\n    title: Desk\n    text: Work.\n    choices:\n"
        "      - id: ask_dpo\n        text: Ask the DPO\n        show_if: met_dpo\n        if: energy >= 3\n"
        "        locked: Too tired to ask well\n        goto: end\n"
        "      - id: meet\n        text: Meet the DPO\n        effects: {energy: -3}\n        set: {met_dpo: true}\n"
        "        goto: desk\n"
        "      - id: rest\n        text: Rest\n        effects: {energy: +5}\n        goto: desk\n"
    )
    return load_story(root)


def test_show_if_hides_a_choice_and_if_greys_it_out_once_shown(tmp_path):
    story = _story_with_show_if(tmp_path)
    game = Game(story, seed="s")
    assert [c.id for c in game.choices] == ["meet", "rest"]  # not listed before the DPO is met
    with pytest.raises(ChoiceError):
        game.choose("ask_dpo")
    game.choose("meet")  # met, but energy 5 - 3 = 2: listed, greyed out with its reason
    ask = next(c for c in game.choices if c.id == "ask_dpo")
    assert not ask.available and ask.locked == "Too tired to ask well"
    with pytest.raises(ChoiceError):
        game.choose("ask_dpo")
    game.choose("rest")
    assert next(c for c in game.choices if c.id == "ask_dpo").available
    game.choose("ask_dpo")
    assert game.ended


def test_show_if_is_part_of_when_a_choice_can_be_taken_for_the_writer_tools(tmp_path):
    story = _story_with_show_if(tmp_path)
    ask = story.scenes["desk"].choices[0]
    assert ask.show is not None and ask.cond.src == "(met_dpo) and (energy >= 3)"
    assert ask.cond.tree == And((ask.show.tree, Cmp((">=",), (Stat("energy"), Num(3)))))


# chi-square's value that a fair spread stays under 999 times in 1,000, by degrees of freedom
_CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 6: 22.46, 8: 26.12, 11: 31.26, 15: 37.70, 24: 51.18}


def _chi2(counts: dict, cells: list, total: int) -> float:
    expected = total / len(cells)
    return sum((counts.get(cell, 0) - expected) ** 2 / expected for cell in cells)


def test_shuffle_picks_spread_evenly_over_seeds():
    """Over many seeds every alternative of a shuffle is as likely, on a first visit and later in any round."""
    from collections import Counter

    from game.engine.story import TextScope

    n = 6_000
    for count in (2, 3, 4, 5, 7, 12):
        for visit in (1, 2, count, count + 1, 2 * count + 2):
            got = Counter(TextScope(None, visit, "desk", f"day-{i}").pick("shuffle", "a | b", count) for i in range(n))
            assert _chi2(got, list(range(count)), n) < _CHI2_999[count - 1], (count, visit, got)


def test_shuffle_picks_of_different_sequences_salts_and_rounds_are_independent():
    """Two shuffles of one day, one shuffle under two salts, and two rounds of one shuffle pick independently:
    each pair of alternatives is as likely as any other."""
    from collections import Counter

    from game.engine.story import TextScope

    n = 9_000
    cells = [(a, b) for a in range(3) for b in range(3)]

    def spread(pair) -> float:
        return _chi2(Counter(pair(f"day-{i}") for i in range(n)), cells, n)

    assert (
        spread(
            lambda s: (
                TextScope(None, 1, "desk", s).pick("shuffle", "one | two | three", 3),
                TextScope(None, 1, "desk", s).pick("shuffle", "uno | dos | tres", 3),
            )
        )
        < _CHI2_999[8]
    )
    assert (
        spread(
            lambda s: (
                TextScope(None, 1, "desk", s).pick("shuffle", "k", 3),
                TextScope(None, 1, "desk/tea", s).pick("shuffle", "k", 3),
            )
        )
        < _CHI2_999[8]
    )
    assert (
        spread(
            lambda s: (
                TextScope(None, 1, "desk", s).pick("shuffle", "k", 3),
                TextScope(None, 4, "desk", s).pick("shuffle", "k", 3),
            )
        )
        < _CHI2_999[8]
    )


def test_a_shuffle_shows_each_alternative_once_a_round_the_same_for_the_same_seed():
    import random

    from game.engine.story import TextScope

    draw = random.Random(17)
    orders = set()
    for _ in range(400):
        count = draw.choice([1, 2, 3, 5, 9, 31, 32, 33, 100])
        seed, salt = f"seed-{draw.randrange(10**6)}", draw.choice(["desk", "desk/coffee", "hub"])
        key = draw.choice(["a | b", "Tea — or coffee? | Coffee. | “Neither.”", "x" * 700])
        for rnd in range(3):
            order = [
                TextScope(None, rnd * count + v, salt, seed).pick("shuffle", key, count) for v in range(1, count + 1)
            ]
            assert sorted(order) == list(range(count)), (seed, salt, key, count, rnd)
            again = [
                TextScope(None, rnd * count + v, salt, seed).pick("shuffle", key, count) for v in range(1, count + 1)
            ]
            assert order == again
            if count == 5:
                orders.add(tuple(order))
    assert len(orders) > 50  # many orders, not a few fixed ones
