"""What a panel of working ML engineers caught reading whole days, held so it stays fixed.

Each test plays seeded random days of the shipped story (full and short) with the real engine and
checks one class of problem that can be found mechanically.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from game.engine import Game, load_story
from tests.story.sim import shown

DAYS = 400
# The people a team brings: each has a name and is never "they" in the text that follows it.
PEOPLE = ("Tomasz", "Mia", "Jonas", "Helen", "Rahul", "Beatriz", "Ingrid", "Yusuf", "Lena", "Noor")
# "two of them", "among them" count things or groups, not a person
_THEY = re.compile(r"(?<!\bof )(?<!\bamong )\b(they|them|their|theirs|themselves)\b", re.IGNORECASE)
# sentences where the pronoun is someone else: the investors, the lines of an update
NOT_THE_PERSON = ("We tell them we use gradient boosting", "reads them out to the call")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@pytest.fixture(scope="module")
def story():
    return load_story(None)


def days(story, short: bool):
    """Yield each finished random day as a list of (clock, scene, game view) steps, lazily."""
    for i in range(DAYS):
        rng = random.Random(i)
        game = Game(story, seed=f"panel-{i}", short=short, keep_undo=False)
        steps = []
        while not game.ended:
            steps.append((game.clock, game.scene_id, game.choices, shown(game)))
            game.choose(rng.choice(game.available))
        steps.append((game.clock, "(end)", [], shown(game)))
        yield i, steps


@pytest.mark.parametrize("short", [False, True], ids=["full", "short"])
def test_no_locked_reason_is_read_twice_in_a_day(story, short):
    # a greyed-out choice repeated at every desk visit reads as nagging; say why once, then hide it
    for i, steps in days(story, short):
        seen = Counter((scene, v.id) for _, scene, views, _ in steps for v in views if not v.available)
        again = {k: n for k, n in seen.items() if n > 1}
        assert not again, f"day {i}: locked choices shown more than once: {again}"


@pytest.mark.parametrize("short", [False, True], ids=["full", "short"])
def test_named_people_are_not_they(story, short):
    # "look at it with them" about Rahul: a named colleague gets a name (or the right pronoun)
    for i, steps in days(story, short):
        for _, scene, views, paragraphs in steps:
            lines = [*paragraphs, *(v.text for v in views)]
            for sentence in (s for p in lines for s in _SENTENCE.split(p)):
                names = [n for n in PEOPLE if re.search(rf"\b{n}\b", sentence)]
                if names and _THEY.search(sentence) and not any(ok in sentence for ok in NOT_THE_PERSON):
                    pytest.fail(f"day {i}, {scene}: {names} and a 'they' in one sentence: {sentence!r}")


def played(story, short: bool):
    """Each random day as (clock, scene, choice view, arrival) per choice taken, and the finished game."""
    for i in range(DAYS):
        rng = random.Random(i)
        game = Game(story, seed=f"panel-{i}", short=short, keep_undo=False)
        taken = []
        while not game.ended:
            pick = rng.choice(game.available)
            view = next(v for v in game.choices if v.id == pick)
            taken.append((game.clock, game.scene_id, view, game.arrival))
            game.choose(pick)
        yield i, taken, game


def test_no_long_work_is_begun_late_in_the_day(story):
    # the old day let a 70-minute retrain start at 17:25, so clock-out averaged 17:49 and ran to 18:30;
    # a long choice may start after 17:15 only if its own words own up to staying late
    for i, taken, _ in played(story, short=False):
        for clock, scene, view, _ in taken:
            if clock >= 17 * 60 + 15 and view.minutes > 45:
                assert "late" in view.text.lower(), (i, scene, view.id, clock)


def test_meetings_are_not_joined_hopelessly_late(story):
    # an hour's work begun ten minutes before the design review made it start 69 minutes late
    appointments = {sid: sc for sid, sc in story.scenes.items() if sc.at is not None}
    worst = 0
    for _, taken, _ in played(story, short=False):
        for clock, scene, _, arrival in taken:
            at = appointments.get(scene)
            if at is not None and arrival.name.lower().startswith("appointment") and scene != "lunch":
                due = at.at if isinstance(at.at, int) else at.at.time
                worst = max(worst, clock - due)
    assert worst <= 45, worst


@pytest.mark.parametrize("short", [False, True], ids=["full", "short"])
def test_the_last_choice_of_a_day_gets_an_answer(story, short):
    # when the clock runs out, the scene a choice leads to is never shown: the choice needs its own reply
    unanswered = Counter()
    for _, taken, game in played(story, short):
        clock, scene, view, _ = taken[-1]
        if scene != "clock_out" and view.id != "go_home" and not game.outcome:
            unanswered[(scene, view.id)] += 1
    assert sum(unanswered.values()) <= DAYS * 0.01, unanswered.most_common(5)
