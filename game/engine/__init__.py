"""The narrative engine: story format, loading, rules of a day. Never imports textual or rich."""

from game.engine.errors import ChoiceError, Problem, SaveError, StoryError
from game.engine.game import CARRY_ON, ChoiceView, DayState, Game, new_seed
from game.engine.loader import load_story, shipped_story_dir
from game.engine.report import Report
from game.engine.story import Story

__all__ = [
    "CARRY_ON",
    "ChoiceError",
    "ChoiceView",
    "DayState",
    "Game",
    "Problem",
    "Report",
    "SaveError",
    "Story",
    "StoryError",
    "load_story",
    "new_seed",
    "shipped_story_dir",
]
