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
