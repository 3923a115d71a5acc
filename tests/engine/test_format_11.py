"""Story format 1.1: outcomes, return visits, inline conditions, sequences, clock phrases,
capitalised insertions and conditional appointments, in the engine and the loader."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine import Game, StoryError, load_story
from game.engine.story import Template, TextRules
from game.engine.text import number_words, time_words

MANIFEST = """\
version: "1.1"
title: T
start: desk
clock: {start: "09:00", end: "17:00"}
categories: [focus, meetings]
stats:
  energy: {start: 5, min: 0, max: 10}
flags: [dispute, done]
words: {lead: sam, team: the platform team}
endings:
  - id: last
    title: The end
    text: "{^lead} waves at {time}."
"""

SCENES = """\
scenes:
  desk:
    title: Desk
    text: |
      Your desk: two monitors, thirty-one tabs, and a plant.
      {if energy < 3: You yawn. | elif energy < 6: You are fine. | else: You could run.}
    again: "Back at your desk. {clock}. {seq: First return. | Second return. | Later returns.}"
    variants:
      - if: done
        text: "{cycle: Tick. | Tock.}"
    choices:
      - id: work
        text: Work
        minutes: 30
        effects: {energy: -1}
        outcome:
          - if: energy <= 2
            text: You push through, barely.
          - text: It goes well. {^lead} nods.
        goto: desk
      - id: open
        text: Open a dispute
        minutes: 10
        set: {dispute: true}
        outcome: You file it.
        goto: desk
      - id: finish
        text: Finish
        set: {done: true}
        goto: end
  sync:
    at: "10:00"
    title: Sync
    text: "The sync started {late} minutes ago. {^late} minutes, {lead} says."
    choices:
      - id: sit
        text: Sit
        minutes: 20
        outcome: "You sit through it ({since sync} minutes in all)."
        goto: back
  quota:
    at: {time: "10:30", if: dispute}
    title: Quota call
    text: Quota.
    choices:
      - id: ok
        text: OK
        minutes: 5
        goto: back
"""


def make(tmp_path: Path, scenes: str = SCENES, manifest: str = MANIFEST) -> Path:
    root = tmp_path / "s"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(textwrap.dedent(manifest))
    (root / "scenes" / "a.yaml").write_text(textwrap.dedent(scenes))
    return root


def problems(tmp_path: Path, scenes: str = SCENES, manifest: str = MANIFEST) -> list[str]:
    try:
        load_story(make(tmp_path, scenes, manifest))
    except StoryError as exc:
        return [str(p).split("/s/", 1)[1] for p in exc.problems]
    return []


@pytest.fixture
def story(tmp_path):
    return load_story(make(tmp_path))


def test_outcome_shows_after_the_choice_and_picks_the_first_that_holds(story):
    game = Game(story, "seed")
    assert game.outcome is None
    game.choose("work")
    assert game.outcome == "It goes well. Sam nods."
    game.preset({"energy": 3})
    game.choose("work")  # energy 2
    assert game.outcome == "You push through, barely."
    game.choose("sit")
    assert game.outcome == "You sit through it (twenty minutes in all)."
    game.choose("finish")  # no outcome: the last one is gone
    assert game.ended and game.outcome is None


def test_an_appointment_that_fires_next_does_not_swallow_the_outcome(story):
    game = Game(story, "seed")
    game.choose("work")
    game.choose("work")  # 10:00: the sync is due
    assert game.scene_id == "sync" and game.arrival == "appointment"
    assert game.outcome == "It goes well. Sam nods."


def test_return_visits_show_again_text_and_variants_still_apply(story):
    game = Game(story, "seed")
    assert game.paragraphs[0].startswith("Your desk: two monitors")
    game.choose("open")
    assert game.paragraphs == ["Back at your desk. 09:10. First return."]  # the first return: the first
    game.choose("open")
    assert game.paragraphs[0] == "Back at your desk. 09:20. Second return."
    game.choose("open")
    game.choose("open")
    assert game.paragraphs[0] == "Back at your desk. 09:40. Later returns."  # a seq stops at its last


def test_inline_conditions_pick_one_alternative(story):
    game = Game(story, "seed")
    assert "You are fine." in game.text and "You yawn" not in game.text
    game.preset({"energy": 1})
    assert "You yawn." in game.text
    game.preset({"energy": 9})
    assert "You could run." in game.text


def test_clock_phrases_late_and_since(story):
    game = Game(story, "seed", start="desk")
    game.choose("work")
    game.choose("open")
    game.choose("open")  # 09:50
    game.choose("open")  # 10:00 -> sync, on time
    assert game.scene_id == "sync"
    assert game.text == "The sync started zero minutes ago. Zero minutes, sam says."
    game.undo()
    game.choose("work")  # 10:20: twenty minutes late
    assert game.text == "The sync started twenty minutes ago. Twenty minutes, sam says."
    game.choose("sit")
    assert game.outcome == "You sit through it (forty minutes in all)."


def test_conditional_appointment_happens_only_when_its_if_holds_as_it_comes_due(story):
    game = Game(story, "seed")
    game.replay(["work", "work", "sit"])  # sync at 10:00, back at 10:20
    game.choose("work")  # 10:50: the quota call is due, but no dispute was opened
    assert game.scene_id == "desk"
    assert game.state.skipped == ["quota"]
    game.choose("open")  # the dispute is opened now: too late, the call is off for the day
    assert game.scene_id == "desk"
    other = Game(story, "seed")
    other.replay(["open", "work", "work", "sit"])
    assert other.scene_id == "quota" and other.arrival == "appointment"


def test_shuffles_follow_the_seed(tmp_path):
    scenes = SCENES.replace(
        "{seq: First return. | Second return. | Later returns.}", "{shuffle: a | b | c | d | e | f}"
    ).replace("minutes: 10\n        set: {dispute: true}", "minutes: 1\n        set: {dispute: true}")
    story = load_story(make(tmp_path, scenes))

    def day(seed: str) -> list[str]:
        game = Game(story, seed)
        seen = []
        for _ in range(12):
            game.choose("open")
            seen.append(game.paragraphs[0].rsplit(" ", 1)[1])
        return seen

    first = day("A")
    assert first == day("A")
    assert sorted(first[:6]) == list("abcdef") and sorted(first[6:]) == list("abcdef")  # each once a round
    assert any(day(s) != first for s in ("B", "C", "D"))


def test_rendering_reads_the_day_but_never_changes_it(story):
    game = Game(story, "seed")
    game.choose("open")
    before = json.dumps(game.snapshot(), sort_keys=True)
    assert game.text == game.text
    assert json.dumps(game.snapshot(), sort_keys=True) == before


def test_a_save_from_before_format_11_still_loads(story):
    game = Game(story, "seed")
    game.choose("open")
    data = game.snapshot()
    for state in [data["state"], *data["undo"]]:
        del state["outcome"], state["skipped"]
    again = Game.from_snapshot(story, data)
    assert again.outcome is None and again.state.skipped == []
    assert again.scene_id == "desk"
    again.choose("work")
    assert again.outcome == "It goes well. Sam nods."


def test_outcome_and_skipped_survive_a_save_and_undo(story):
    game = Game(story, "seed")
    game.replay(["work", "work", "sit", "work"])
    game.choose("open")
    again = Game.from_snapshot(story, json.loads(json.dumps(game.snapshot())))
    assert again.outcome == "You file it." and again.state.skipped == ["quota"]
    again.undo()
    assert again.outcome == "You push through, barely." and again.state.skipped == ["quota"]


def test_ending_text_uses_capitals_and_the_clock(story):
    game = Game(story, "seed")
    game.choose("finish")
    assert game.ended and game.text == "Sam waves at nine o'clock."


def test_a_format_10_story_loads_unchanged_and_asks_for_11_for_new_features(tmp_path):
    old = MANIFEST.replace('version: "1.1"\n', "").replace("{^lead} waves at {time}.", "Over.")
    plain = """\
    scenes:
      desk:
        title: Desk
        text: "A {lead} and a | bar and {{braces}}."
        choices:
          - {id: go, text: Go, goto: end}
    """
    story = load_story(make(tmp_path, plain, old))
    assert Game(story, "s").text == "A sam and a | bar and {braces}."
    out = problems(tmp_path / "x", SCENES, old)
    assert 'scenes/a.yaml:7:5: `again:` is story format 1.1; add `version: "1.1"` to story.yaml' in out
    assert 'scenes/a.yaml:25:9: `outcome:` is story format 1.1; add `version: "1.1"` to story.yaml' in out
    assert 'scenes/a.yaml:6:7: this insertion is story format 1.1; add `version: "1.1"` to story.yaml' in out
    assert (
        'scenes/a.yaml:42:5: `at` with `time:` and `if:` is story format 1.1; add `version: "1.1"` to story.yaml' in out
    )


def test_versions_read_as_written(tmp_path):
    for written in ("1", "1.0", '"1.0"', '"1.1"', "1.1"):
        assert problems(tmp_path / written, manifest=MANIFEST.replace('"1.1"', written)) == [] or written in (
            "1",
            "1.0",
            '"1.0"',
        )
    out = problems(tmp_path / "bad", manifest=MANIFEST.replace('"1.1"', '"2.0"'))
    assert out == ['story.yaml:1:10: `version`: the story format version is "1.0" or "1.1" in quotes, not \'2.0\'']


# -- located errors inside text ---------------------------------------------------------------


def block(text: str) -> str:
    """SCENES with the desk's text replaced by `text` in a `|` block (its first line is line 5)."""
    body = textwrap.indent(textwrap.dedent(text), " " * 6)
    return SCENES.replace(
        "      Your desk: two monitors, thirty-one tabs, and a plant.\n"
        "      {if energy < 3: You yawn. | elif energy < 6: You are fine. | else: You could run.}\n",
        body,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "First line.\nThen {if enrgy < 3: tired}.\n",
            "scenes/a.yaml:6:16: in `enrgy < 3`: unknown name 'enrgy'; did you mean 'energy'?",
        ),
        (
            "One.\n  Two {if energy < 3 tired}.\n",
            "scenes/a.yaml:6:13: `if` needs ':' after its condition, as in {if energy < 3: text | else: text}",
        ),
        (
            "A {if done: x | else: y | else: z}.\n",
            "scenes/a.yaml:5:33: `else:` is the last alternative of an inline condition; nothing can follow it",
        ),
        (
            "A {if done: x | y}.\n",
            "scenes/a.yaml:5:23: after ' | ' an inline condition goes on with `elif COND:` or `else:`; write {|} for a literal bar",
        ),
        ("A\nB {laed}.\n", "scenes/a.yaml:6:9: {laed} is not a declared word; did you mean 'lead'?"),
        ("A {Lead}.\n", "scenes/a.yaml:5:9: {Lead} is not a declared word; for a capital first letter write {^lead}"),
        (
            "A {a | b}.\n",
            "scenes/a.yaml:5:9: cannot read '{a | b}': alternatives need `if COND:`, `seq:`, `cycle:` or `shuffle:` first",
        ),
        ("A {seq a | b}.\n", "scenes/a.yaml:5:9: '{seq a | b}': a seq needs ':' after its name, {seq: a | b}"),
        (
            "A {else: b}.\n",
            "scenes/a.yaml:5:9: '{else: b}': `else` belongs after ' | ' inside an inline condition, {if COND: a | else: b}",
        ),
        ("A {since desk}.\n", "scenes/a.yaml:5:16: {since desk} needs an appointment (a scene with `at`)"),
        (
            "A {since snyc}.\n",
            "scenes/a.yaml:5:16: {since snyc} needs an appointment (a scene with `at`); did you mean 'sync'?",
        ),
        (
            "A {late}.\n",
            "scenes/a.yaml:5:9: {late} is only for an appointment's text (a scene with `at`); elsewhere write {since SCENE}",
        ),
        (
            "A {if done: x\n",
            "scenes/a.yaml:5:9: '{' opens an insertion that is never closed; write '{{' for a literal brace",
        ),
        (
            "{if done: {if done: {if done: {if done: {if done: {if done: {if done: x}}}}}}}\n",
            "scenes/a.yaml:5:67: insertions nest more than 6 deep here; simplify the text",
        ),
    ],
)
def test_a_mistake_inside_text_is_placed_at_its_own_line_and_column(tmp_path, text, expected):
    assert problems(tmp_path, block(text)) == [expected]


def test_a_mistake_in_a_one_line_text_is_placed_on_its_line(tmp_path):
    scenes = SCENES.replace("outcome: You file it.", 'outcome: "You file {if dispte: it}."')
    assert problems(tmp_path, scenes) == [
        "scenes/a.yaml:25:32: in `dispte`: unknown name 'dispte'; did you mean 'dispute'?"
    ]


def test_titles_and_choices_take_words_only(tmp_path):
    scenes = SCENES.replace("text: Work\n", 'text: "Work {if done: hard}"\n')
    assert problems(tmp_path, scenes) == [
        "scenes/a.yaml:13:21: an inline condition can be used in a scene's, an outcome's or an ending's text, "
        "not in a choice's text"
    ]


def test_conditional_appointment_errors_are_placed(tmp_path):
    scenes = SCENES.replace('at: {time: "10:30", if: dispute}', 'at: {time: "10:30", if: dispte}')
    assert problems(tmp_path, scenes) == [
        "scenes/a.yaml:42:29: in `dispte`: unknown name 'dispte'; did you mean 'dispute'?"
    ]
    scenes = SCENES.replace('at: {time: "10:30", if: dispute}', 'at: {time: "19:30", if: dispute}')
    assert problems(tmp_path / "b", scenes) == [
        "scenes/a.yaml:42:16: appointment at 19:30 is outside the day (09:00–17:00)"
    ]
    scenes = SCENES.replace('at: {time: "10:30", if: dispute}', 'at: {time: "10:30", whne: dispute}')
    assert problems(tmp_path / "d", scenes) == [
        "scenes/a.yaml:42:25: unknown key 'whne' in scene 'quota', `at` (allowed: time, if)"
    ]
    scenes = SCENES.replace('at: {time: "10:30", if: dispute}', "at: [10]")
    assert problems(tmp_path / "c", scenes) == [
        'scenes/a.yaml:42:9: scene \'quota\', `at`: at is a time in quotes like "15:00", or {time: "15:00", if: CONDITION}'
    ]


def test_outcome_shapes(tmp_path):
    scenes = SCENES.replace("outcome: You file it.", "outcome: {text: x}")
    assert problems(tmp_path, scenes) == [
        "scenes/a.yaml:25:18: choice 'open' of scene 'desk', `outcome`: outcome is a text, or a list of {if, text} "
        "where the first that holds is shown"
    ]
    scenes = SCENES.replace("outcome: You file it.", "outcome: []")
    assert problems(tmp_path / "e", scenes) == [
        "scenes/a.yaml:25:18: choice 'open' of scene 'desk', `outcome`: needs at least one entry"
    ]
    scenes = SCENES.replace("outcome: You file it.", "outcome: [{if: done}]")
    assert problems(tmp_path / "b", scenes) == [
        "scenes/a.yaml:25:19: choice 'open' of scene 'desk', `outcome.0` needs `text`"
    ]


# -- the text functions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "said"),
    [
        ("15:10", "ten past three"),
        ("15:00", "three o'clock"),
        ("15:15", "quarter past three"),
        ("15:30", "half past three"),
        ("15:45", "quarter to four"),
        ("15:53", "seven minutes to four"),
        ("09:01", "one minute past nine"),
        ("12:00", "noon"),
        ("11:40", "twenty to noon"),
        ("00:00", "midnight"),
        ("13:05", "five past one"),
    ],
)
def test_time_words(clock, said):
    h, m = map(int, clock.split(":"))
    assert time_words(h * 60 + m) == said


def test_number_words():
    assert [number_words(n) for n in (0, 7, 21, 40, 100, 130, 999)] == [
        "zero",
        "seven",
        "twenty-one",
        "forty",
        "a hundred",
        "a hundred and thirty",
        "nine hundred and ninety-nine",
    ]


def test_bars_and_braces_stay_literal():
    rules = TextRules(frozenset({"w"}), None, where="a title")
    tpl, problems = Template.parse("a | b {{x}} c}", rules)
    assert problems == [] and tpl.render({}) == "a | b {x} c}"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}|: ^abifelsqcy\n", max_size=40))
def test_any_text_parses_to_a_template_or_problems_never_a_crash(text):
    from game.engine.expr import Env

    rules = TextRules(frozenset({"a", "b"}), Env(frozenset(), frozenset({"b", "c"})), {"s": 600}, 540)
    tpl, problems = Template.parse(text, rules)
    for offset, message in problems:
        assert 0 <= offset <= len(text) and message
    tpl.render({"a": "x"})
