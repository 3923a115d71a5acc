"""Reading saved days back, including days saved under an earlier version of the story."""

from __future__ import annotations

from typing import Any

from game.engine.errors import SaveError
from game.engine.story import Story

SAVE_VERSION = 1


def _need(cond: bool, what: str) -> None:
    if not cond:
        raise SaveError(f"the save is damaged ({what})")


def _mapping(value: object, what: str) -> dict[str, Any]:
    """`value` as a mapping; anything else is a damaged save, like a failed `_need`."""
    if not isinstance(value, dict):
        raise SaveError(f"the save is damaged ({what})")
    return value


def _check_state(state: object) -> dict:
    state = _mapping(state, "no state")
    ints = ("clock", "day_start", "day_end", "rng")
    for key in ints:
        _need(isinstance(state.get(key), int) and not isinstance(state.get(key), bool), key)
    _need(isinstance(state.get("scene"), str), "scene")
    for key in ("stats", "flags", "words", "minutes", "visits"):
        _need(isinstance(state.get(key), dict), key)
    _need(all(isinstance(v, int) and not isinstance(v, bool) for v in state["stats"].values()), "stats")
    _need(all(isinstance(v, bool) for v in state["flags"].values()), "flags")
    _need(all(isinstance(v, str) for v in state["words"].values()), "words")
    _need(all(isinstance(v, int) for v in state["minutes"].values()), "minutes")
    _need(all(isinstance(v, int) for v in state["visits"].values()), "visits")
    _need(isinstance(state.get("taken", []), list) and all(isinstance(t, str) for t in state.get("taken", [])), "taken")
    hist = state.get("history", [])
    _need(isinstance(hist, list) and all(isinstance(h, list) and len(h) == 4 for h in hist), "history")
    _need(state.get("held") is None or isinstance(state.get("held"), str), "held")
    _need(state.get("ending") is None or isinstance(state.get("ending"), str), "ending")
    _need(isinstance(state.get("arrival", "start"), str), "arrival")
    # format 1.1 fields: a save made before them has neither, and gets their defaults
    _need(state.get("outcome") is None or isinstance(state.get("outcome"), str), "outcome")
    skipped = state.get("skipped", [])
    _need(isinstance(skipped, list) and all(isinstance(t, str) for t in skipped), "skipped")
    _need(0 <= state["rng"] < 2**64, "rng")
    return state


def migrate(story: Story, data: object) -> tuple[dict, list[dict], list[str]]:
    """The state and undo history to resume, fitted to `story`, and notices saying what changed."""
    data = _mapping(data, "not a mapping")
    version = data.get("save_version")
    if version != SAVE_VERSION:
        raise SaveError(f"the save has version {version!r}; this game reads version {SAVE_VERSION}")
    _need(isinstance(data.get("seed"), str), "seed")
    state = _fit(story, _check_state(data.get("state")), notices := [])
    undo = data.get("undo", [])
    _need(isinstance(undo, list), "undo")
    if data.get("story_hash") == story.hash:
        past = [_check_state(p) for p in undo]
    else:
        past = []
        if undo:
            notices.append("The story changed since this day was saved: undo starts from here.")
    return state, past, notices


def _fit(story: Story, state: dict, notices: list[str]) -> dict:
    """Bring a saved state in line with the story as it is now."""
    state = {
        "scene": state["scene"],
        "stats": dict(state["stats"]),
        "flags": dict(state["flags"]),
        "words": dict(state["words"]),
        "clock": state["clock"],
        "day_start": state["day_start"],
        "day_end": state["day_end"],
        "rng": state["rng"],
        "held": state.get("held"),
        "arrival": state.get("arrival", "start"),
        "minutes": dict(state["minutes"]),
        "visits": dict(state["visits"]),
        "taken": list(state.get("taken", [])),
        "history": [list(h) for h in state.get("history", [])],
        "ending": state.get("ending"),
        "outcome": state.get("outcome"),
        "skipped": list(state.get("skipped", [])),
    }
    if state["ending"] is not None and state["ending"] not in story.ending_ids:
        state["ending"] = story.endings[-1].id
        notices.append("The ending this day reached no longer exists; showing the last ending instead.")
    if state["ending"] is not None:
        state["scene"] = state["ending"]
    elif state["scene"] not in story.scenes:
        notices.append(f"The scene you were in ({state['scene']}) is gone from the story; you are back at {story.hub}.")
        state["scene"] = story.hub
        state["arrival"] = "back"
    if state["held"] is not None and state["held"] not in story.machine.resumable:
        state["held"] = story.hub
    stats = {}
    for name, s in story.stats.items():
        value = state["stats"].get(name)
        if value is None:
            notices.append(f"New stat {s.label} starts at {s.start}.")
            value = s.start
        stats[name] = min(max(value, s.min), s.max)
    dropped = sorted(set(state["stats"]) - set(stats))
    if dropped:
        notices.append("Stats no longer in the story were dropped: " + ", ".join(dropped) + ".")
    state["stats"] = stats
    state["flags"] = {f: bool(state["flags"].get(f, False)) for f in story.flags}
    state["words"] = {w: state["words"].get(w, v) for w, v in story.words.items()}
    state["minutes"] = {c: state["minutes"].get(c, 0) for c in story.categories} | {
        c: v for c, v in state["minutes"].items() if c not in story.categories
    }
    state["taken"] = [t for t in state["taken"] if t.split("/")[0] in story.scenes]
    return state
