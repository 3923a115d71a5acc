"""The narrative engine: story format, loading, rules of a day. Never imports textual or rich.

Its names are imported on first use, so that a front end importing one small module of the
engine (the terminal escape, prose helpers) does not load the loader, pydantic and transitions
before its first frame.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.engine.errors import ChoiceError, Problem, SaveError, StoryError
    from game.engine.game import CARRY_ON, ChoiceView, Game
    from game.engine.loader import load_story
    from game.engine.report import Report
    from game.engine.seeds import new_seed
    from game.engine.state import DayState
    from game.engine.story import Story
    from game.engine.where import shipped_story_dir

_HOME = {
    "CARRY_ON": "game",
    "ChoiceError": "errors",
    "ChoiceView": "game",
    "DayState": "state",
    "Game": "game",
    "Problem": "errors",
    "Report": "report",
    "SaveError": "errors",
    "Story": "story",
    "StoryError": "errors",
    "load_story": "loader",
    "new_seed": "seeds",
    "shipped_story_dir": "where",
}

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


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'game.engine' has no attribute {name!r}")
    value = getattr(import_module(f"game.engine.{home}"), name)
    globals()[name] = value
    return value
