"""Choices whose reply an appointment cuts off: the choice has no outcome shown, and the next scene is an
appointment instead of the scene the choice leads to. Run `python -m tests.story.cutoffs [N] [--short]`."""

from __future__ import annotations

import random
import sys
from collections import Counter

from game.engine import Game, load_story
from game.engine.state import Arrival


def cutoffs(story, n: int, short: bool = False) -> Counter:
    """(scene, choice, appointment) for each cut-off reply, over n random days."""
    found: Counter = Counter()
    for i in range(n):
        rng = random.Random(i)
        game = Game(story, seed=f"r{i}", short=short, keep_undo=False)
        while not game.ended:
            scene, choice = game.scene_id, rng.choice(game.available)
            game.choose(choice)
            if not game.ended and game.arrival == Arrival.APPOINTMENT and not game.outcome:
                found[scene, choice, game.scene_id] += 1
    return found


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    found = cutoffs(load_story("story"), int(args[0]) if args else 1000, short="--short" in sys.argv)
    for (scene, choice, appointment), count in found.most_common():
        print(f"{count:5d}  {scene}/{choice} -> {appointment}")
