"""A day's state as plain data: what the machine moves, what undo keeps and what a save holds.

`DayState`'s fields are listed once, in `FIELDS`; its JSON form, its reading back (checked
field by field: types, known values, bounds, exact keys) and its copy are all derived from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple

from game.engine.errors import SaveError

MAX_COUNT = 10**7  # minutes, visits, clock and stat values a real day never comes near
MAX_STEPS = 100_000  # choices in one day's history
MAX_TEXT = 10_000  # characters of one saved id or word
# the id a dead end's "Carry on" is taken and recorded under (history, saves, replays, result files);
# a front end tells it apart by `ChoiceView.kind`, never by this id
CARRY_ON = "_carry_on"


class Arrival(StrEnum):
    """How the day came to its current scene (saved as the value)."""

    START = "start"
    CHOICE = "choice"
    APPOINTMENT = "appointment"
    INTERRUPTION = "interruption"
    BACK = "back"
    END = "end"


class Step(NamedTuple):
    """One choice in a day's history: where it was taken, which, the clock before it, how that scene began.

    A named tuple: one is made at every choice, and a frozen dataclass took twice as long to make."""

    scene: str
    choice: str
    clock: int
    arrival: Arrival

    def to_json(self) -> list[Any]:
        return [self.scene, self.choice, self.clock, self.arrival.value]

    @classmethod
    def from_json(cls, raw: object) -> Step:
        """A step from its saved form; SaveError when it is not one."""
        if not isinstance(raw, list) or len(raw) != 4:
            raise SaveError("the save is damaged (history)")
        scene, choice, clock, arrival = raw
        return cls(_text(scene, "history"), _text(choice, "history"), _count(clock, "history"), _arrival(arrival))


def damaged(what: str) -> SaveError:
    return SaveError(f"the save is damaged ({what})")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise damaged(what)
    return value


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _int(value: object, what: str, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise damaged(what)
    return value


def _count(value: object, what: str) -> int:
    return _int(value, what, 0, MAX_COUNT)


def _arrival(value: object) -> Arrival:
    if not isinstance(value, str):
        raise damaged("arrival")
    try:
        return Arrival(value)
    except ValueError:
        raise damaged("arrival") from None


def _mapping(value: object, what: str, item: Callable[[object, str], Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise damaged(what)
    return {_text(k, what): item(v, what) for k, v in value.items()}


def _stat(value: object, what: str) -> int:
    return _int(value, what, -MAX_COUNT, MAX_COUNT)


def _flag(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise damaged(what)
    return value


def _taken(value: object, what: str) -> list[tuple[str, str]]:
    if not isinstance(value, list) or len(value) > MAX_STEPS:
        raise damaged(what)
    out = []
    for item in value:
        scene, sep, choice = _text(item, what).partition("/")
        if not sep:
            raise damaged(what)
        out.append((scene, choice))
    return out


def _texts(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_STEPS:
        raise damaged(what)
    return [_text(item, what) for item in value]


def _history(value: object, what: str) -> list[Step]:
    if not isinstance(value, list) or len(value) > MAX_STEPS:
        raise damaged(what)
    return [Step.from_json(item) for item in value]


@dataclass(frozen=True)
class _Field:
    """How one field of DayState is read from a save, written to one and copied."""

    name: str
    load: Callable[[object, str], Any]
    dump: Callable[[Any], Any] = lambda v: v
    copy: Callable[[Any], Any] = lambda v: v
    default: Callable[[], Any] | None = None  # for saves from before the field existed


FIELDS: tuple[_Field, ...] = (
    _Field("scene", _text),
    _Field("stats", lambda v, w: _mapping(v, w, _stat), dict, dict),
    _Field("flags", lambda v, w: _mapping(v, w, _flag), dict, dict),
    _Field("words", lambda v, w: _mapping(v, w, _text), dict, dict),
    _Field("clock", _count),
    _Field("day_start", _count),
    _Field("day_end", _count),
    _Field("rng", lambda v, w: _int(v, w, 0, 2**64 - 1)),
    _Field("held", _optional_text, default=lambda: None),
    _Field("arrival", lambda v, w: _arrival(v), lambda a: a.value, default=lambda: Arrival.START),
    _Field("minutes", lambda v, w: _mapping(v, w, _count), dict, dict),
    _Field("visits", lambda v, w: _mapping(v, w, _count), dict, dict),
    _Field("taken", _taken, lambda t: [f"{s}/{c}" for s, c in t], list, list),
    _Field("history", _history, lambda h: [s.to_json() for s in h], list, list),
    _Field("ending", _optional_text, default=lambda: None),
    # glossary terms met: id -> the history's length when first shown (saves from before the glossary have none)
    _Field("terms", lambda v, w: _mapping(v, w, _count), dict, dict, dict),
    # format 1.1: what the last choice did, and conditional appointments off for the day
    _Field("outcome", _optional_text, default=lambda: None),
    _Field("skipped", lambda v, w: _texts(v, w), list, list, list),
)
_NAMES = frozenset(f.name for f in FIELDS)


@dataclass
class DayState:
    """Everything about a day so far, as plain data (the machine sets `scene`)."""

    scene: str
    stats: dict[str, int]
    flags: dict[str, bool]
    words: dict[str, str]
    clock: int
    day_start: int
    day_end: int
    rng: int
    held: str | None = None
    arrival: Arrival = Arrival.START
    minutes: dict[str, int] = field(default_factory=dict)
    visits: dict[str, int] = field(default_factory=dict)
    taken: list[tuple[str, str]] = field(default_factory=list)  # once-choices taken: (scene, choice)
    history: list[Step] = field(default_factory=list)
    ending: str | None = None
    terms: dict[str, int] = field(default_factory=dict)  # glossary terms met: id -> len(history) when first shown
    outcome: str | None = None  # what the last choice did, shown before the scene it led to
    skipped: list[str] = field(default_factory=list)  # conditional appointments whose `if` was false when due

    fields: ClassVar[tuple[_Field, ...]] = FIELDS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data, keys in the order of FIELDS."""
        return {f.name: f.dump(getattr(self, f.name)) for f in FIELDS}

    @classmethod
    def from_dict(cls, data: object) -> DayState:
        """A state read back from a save, checked field by field; SaveError names the first field that is wrong."""
        if not isinstance(data, dict):
            raise damaged("no state")
        unknown = sorted(str(k) for k in data if k not in _NAMES)
        if unknown:
            raise damaged("unknown " + ", ".join(unknown[:3]))
        values = {}
        for f in FIELDS:
            if f.name in data:
                values[f.name] = f.load(data[f.name], f.name)
            elif f.default is not None:
                values[f.name] = f.default()
            else:
                raise damaged(f.name)
        return cls(**values)

    def copy(self, *, history: bool = True) -> DayState:
        """A state sharing nothing mutable with this one; `history=False` starts the copy's history empty."""
        twin = DayState(**{f.name: f.copy(getattr(self, f.name)) for f in FIELDS if history or f.name != "history"})
        return twin
