"""Reading saved days back: checked field by field, then fitted to the story as it is now."""

from __future__ import annotations

from typing import Any

from game.engine.errors import SaveError
from game.engine.state import MAX_STEPS, MAX_TEXT, Arrival, DayState, damaged
from game.engine.story import Story

SAVE_VERSION = 1
_KEYS = frozenset({"save_version", "story_hash", "story_title", "seed", "short", "state", "undo"})


def migrate(story: Story, data: object) -> tuple[DayState, list[DayState], list[str]]:
    """The state and undo points to resume, fitted to `story`, and notices saying what changed. Raises SaveError."""
    if not isinstance(data, dict):
        raise damaged("not a mapping")
    version = data.get("save_version")
    if version != SAVE_VERSION or isinstance(version, bool):
        raise SaveError(f"the save has version {version!r:.40}; this game reads version {SAVE_VERSION}")
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise damaged("unknown " + ", ".join(unknown[:3]))
    _check_header(data)
    state = DayState.from_dict(data.get("state"))
    undo = data.get("undo", [])
    if not isinstance(undo, list) or len(undo) > MAX_STEPS:
        raise damaged("undo")
    points = [DayState.from_dict(p) for p in undo]
    notices: list[str] = []
    state = _fit(story, state, notices)
    if data.get("story_hash") != story.hash:
        if points:
            notices.append("The story changed since this day was saved: undo starts from here.")
        return state, [], notices
    past = []
    for point in points:
        said: list[str] = []
        fitted = _fit(story, point, said)
        if said or fitted != point or state.history[: len(point.history)] != point.history:
            raise damaged("undo")  # the story is the one it was saved with: nothing of it may have gone
        past.append(fitted)
    return state, past, notices


def _check_header(data: dict[str, Any]) -> None:
    seed = data.get("seed")
    if not isinstance(seed, str) or len(seed) > MAX_TEXT:
        raise damaged("seed")
    for key in ("story_hash", "story_title"):
        if key in data and not isinstance(data[key], str):
            raise damaged(key)
    if "short" in data and not isinstance(data["short"], bool):
        raise damaged("short")


def _fit(story: Story, state: DayState, notices: list[str]) -> DayState:
    """A copy of the state brought in line with the story as it is now."""
    fitted = state.copy()
    if fitted.ending is not None and fitted.ending not in story.ending_ids:
        fitted.ending = story.endings[-1].id
        notices.append("The ending this day reached no longer exists; showing the last ending instead.")
    if fitted.ending is not None:
        fitted.scene = fitted.ending
    elif fitted.scene not in story.scenes:
        notices.append(f"The scene you were in ({fitted.scene}) is gone from the story; you are back at {story.hub}.")
        fitted.scene = story.hub
        fitted.arrival = Arrival.BACK
    if fitted.held is not None and fitted.held not in story.machine.resumable:
        fitted.held = story.hub
    stats = {}
    for name, s in story.stats.items():
        value = fitted.stats.get(name)
        if value is None:
            notices.append(f"New stat {s.label} starts at {s.start}.")
            value = s.start
        stats[name] = min(max(value, s.min), s.max)
    dropped = sorted(set(fitted.stats) - set(stats))
    if dropped:
        notices.append("Stats no longer in the story were dropped: " + ", ".join(dropped) + ".")
    fitted.stats = stats
    fitted.flags = {f: fitted.flags.get(f, False) for f in story.flags}
    fitted.words = {w: fitted.words.get(w, v) for w, v in story.words.items()}
    fitted.minutes = {c: fitted.minutes.get(c, 0) for c in story.categories} | {
        c: v for c, v in fitted.minutes.items() if c not in story.categories
    }
    fitted.taken = [t for t in fitted.taken if t[0] in story.scenes]
    fitted.terms = {t: at for t, at in fitted.terms.items() if t in story.glossary.terms}
    return fitted
