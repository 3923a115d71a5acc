"""A story file's values read into plain records: at once when they are right, else from the models.

The models (engine/model.py) are the format's contract and word every error a writer can make. Nearly
every file a writer checks is right, though, and for a right file the models only confirm what a few
type and length tests see: `read_manifest` and `read_scene` make those tests and give the records the
loader compiles, or None when they are not sure, and then the models validate the value, report what is
wrong and give the same records. A check of a right story then never imports pydantic nor builds its
models (0.14 s of every `dayjob check`, 5% of one on 5,000 scenes; bench/bench_check.py).
tests/engine/test_shapes.py holds the two readings equal.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from game.engine.clock import TIME_PATTERN

# the models' constraints (engine/model.py uses these)
ID = r"^[A-Za-z][A-Za-z0-9_]*$"
ID_MAX = 64
TEXT_MAX = 20_000
CONDITION_MAX = 2_000
MINUTES_MAX = 24 * 60
VERSIONS = ("1.0", "1.1")

# pydantic matches a pattern with Rust's regex, where `$` is the end of the text: a full match here
_ID = re.compile(ID.strip("^$")).fullmatch
_TIME = re.compile(TIME_PATTERN.strip("^$")).fullmatch


def version(value: Any) -> Any:
    """`version: "1.1"`; 1, 1.0 and "1" (format 1.0 as written before) are read as "1.0"."""
    if isinstance(value, bool):
        raise ValueError(f'the story format version is "1.0" or "1.1" in quotes, not {value!r}')
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {1: "1.0", 1.1: "1.1"}.get(value, str(value))
    if isinstance(value, str):
        value = {"1": "1.0"}.get(value.strip(), value.strip())
        if value in VERSIONS:
            return value
    raise ValueError(f'the story format version is "1.0" or "1.1" in quotes, not {value!r}')


# -- the records ---------------------------------------------------------------------------------


class Text(NamedTuple):
    """A variant or an outcome: a text and its condition."""

    if_: str | None
    text: str


class Branch(NamedTuple):
    if_: str | None
    to: str


class At(NamedTuple):
    time: str
    if_: str | None


class Interrupt(NamedTuple):
    chance: float
    if_: str | None
    repeat: bool


class Choice(NamedTuple):
    id: str
    text: str
    if_: str | None
    show_if: str | None
    locked: str | None
    minutes: int
    effects: dict[str, int]
    set: dict[str, Any]
    once: bool
    goto: str | tuple[Branch, ...]
    category: str | None
    outcome: str | tuple[Text, ...] | None


class Scene(NamedTuple):
    title: str
    at: str | At | None
    category: str | None
    text: str
    again: str | None
    variants: tuple[Text, ...]
    choices: tuple[Choice, ...]
    interrupt: Interrupt | None


class SceneFile(NamedTuple):
    """A scene file's scenes that validated, and its own version (None: the manifest's)."""

    scenes: dict[str, Scene]
    version: str | None


class Clock(NamedTuple):
    start: str
    end: str


class StatDef(NamedTuple):
    start: int
    min: int
    max: int
    label: str | None


class EndingDef(NamedTuple):
    id: str
    if_: str | None
    title: str
    text: str
    variants: tuple[Text, ...]
    debrief: tuple[str, ...]


class ShortDay(NamedTuple):
    start: str | None
    clock: Clock | None
    set: dict[str, Any]
    effects: dict[str, int]
    subtitle: str


class Reference(NamedTuple):
    label: str
    source: str
    minutes: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """As the compiled story keeps it (what the model's `model_dump` gives)."""
        return {"label": self.label, "source": self.source, "minutes": dict(self.minutes)}


class Manifest(NamedTuple):
    version: str
    title: str
    subtitle: str
    start: str
    hub: str | None
    clock: Clock
    categories: tuple[str, ...]
    category_labels: dict[str, str]
    stats: dict[str, StatDef]
    flags: tuple[str, ...]
    words: dict[str, str]
    endings: tuple[EndingDef, ...]
    credits: str
    reference: Reference | None
    short: ShortDay | None


# -- reading a right value at once ----------------------------------------------------------------


class _NotSure(Exception):
    """The value may be wrong: the models decide, and word what is."""


_NOT_SURE = _NotSure()


def _text(v: object, most: int = TEXT_MAX) -> str:
    if type(v) is str and len(v) <= most:
        return v
    raise _NOT_SURE


def _cond(v: object) -> str | None:
    if v is None:
        return None
    if type(v) is str and len(v) <= CONDITION_MAX:
        return v
    raise _NOT_SURE


def _id(v: object) -> str:
    if type(v) is str and len(v) <= ID_MAX and _ID(v):
        return v
    raise _NOT_SURE


def _time(v: object) -> str:
    if type(v) is str and _TIME(v):
        return v
    raise _NOT_SURE


def _int(v: object) -> int:
    if type(v) is int:  # (not a bool: the models are strict)
        return v
    raise _NOT_SURE


def _bool(v: object) -> bool:
    if type(v) is bool:
        return v
    raise _NOT_SURE


def _str(v: object) -> str:
    if type(v) is str:
        return v
    raise _NOT_SURE


def _mapping(v: object, keys: frozenset[str], needs: frozenset[str]) -> dict[str, Any]:
    """A mapping with only these keys (`if_` for `if` too is left to the models) and those it needs."""
    if isinstance(v, dict) and v.keys() <= keys and needs <= v.keys():
        return v
    raise _NOT_SURE


def _list(v: object, least: int = 0) -> list[Any]:
    if isinstance(v, list) and len(v) >= least:
        return v
    raise _NOT_SURE


def _keyed(v: object, kind: type | None = None) -> dict[str, Any]:
    """A mapping of string keys (and values of exactly `kind`, when given), copied."""
    if isinstance(v, dict):
        for k, x in v.items():
            if type(k) is not str or (kind is not None and type(x) is not kind):
                raise _NOT_SURE
        return dict(v)
    raise _NOT_SURE


_TEXT_KEYS = frozenset({"if", "text"})  # a variant needs both; an outcome only `text`
_NEEDS_TEXT = frozenset({"text"})
_BRANCH_KEYS = frozenset({"if", "to"})
_NEEDS_TO = frozenset({"to"})
_AT_KEYS = frozenset({"time", "if"})
_NEEDS_TIME = frozenset({"time"})
_INTERRUPT_KEYS = frozenset({"chance", "if", "repeat"})
_NEEDS_CHANCE = frozenset({"chance"})
_CHOICE_KEYS = frozenset(
    {"id", "text", "if", "show_if", "locked", "minutes", "effects", "set", "once", "goto", "category", "outcome"}
)
_NEEDS_CHOICE = frozenset({"id", "text", "goto"})
_SCENE_KEYS = frozenset({"title", "at", "category", "text", "again", "variants", "choices", "interrupt"})
_NEEDS_SCENE = frozenset({"title", "text", "choices"})


def _variants(v: object) -> tuple[Text, ...]:
    out = []
    for d in _list(v):
        d = _mapping(d, _TEXT_KEYS, _TEXT_KEYS)
        cond = d["if"]
        if cond is None:
            raise _NOT_SURE
        out.append(Text(_cond(cond), _text(d["text"])))
    return tuple(out)


def _choice(v: object) -> Choice:
    d = _mapping(v, _CHOICE_KEYS, _NEEDS_CHOICE)
    get = d.get
    goto = d["goto"]
    if type(goto) is str:
        goto = _id(goto)
    else:
        branches = []
        for b in _list(goto):
            b = _mapping(b, _BRANCH_KEYS, _NEEDS_TO)
            branches.append(Branch(_cond(b.get("if")), _id(b["to"])))
        goto = tuple(branches)
    outcome = get("outcome")
    if outcome is not None:
        if type(outcome) is str:
            outcome = _text(outcome)
        else:
            texts = []
            for o in _list(outcome, 1):
                o = _mapping(o, _TEXT_KEYS, _NEEDS_TEXT)
                texts.append(Text(_cond(o.get("if")), _text(o["text"])))
            outcome = tuple(texts)
    minutes = _int(get("minutes", 0))
    if not 0 <= minutes <= MINUTES_MAX:
        raise _NOT_SURE
    locked, category = get("locked"), get("category")
    return Choice(
        _id(d["id"]),
        _text(d["text"]),
        _cond(get("if")),
        _cond(get("show_if")),
        None if locked is None else _text(locked),
        minutes,
        _keyed(d["effects"], int) if "effects" in d else {},
        _keyed(d["set"]) if "set" in d else {},
        _bool(get("once", False)),
        goto,
        None if category is None else _id(category),
        outcome,
    )


def read_scene(v: object) -> Scene | None:
    """A scene's record, when it is right beyond doubt; None when the models must judge it."""
    try:
        d = _mapping(v, _SCENE_KEYS, _NEEDS_SCENE)
        get = d.get
        at = get("at")
        if at is not None:
            if type(at) is str:
                at = _time(at)
            else:
                a = _mapping(at, _AT_KEYS, _NEEDS_TIME)
                at = At(_time(a["time"]), _cond(a.get("if")))
        interrupt = get("interrupt")
        if interrupt is not None:
            i = _mapping(interrupt, _INTERRUPT_KEYS, _NEEDS_CHANCE)
            chance = i["chance"]
            if type(chance) is int:  # `chance: 1`: the models take an int as a float
                chance = float(chance)
            if type(chance) is not float or not 0.0 <= chance <= 1.0:  # (not NaN either)
                raise _NOT_SURE
            interrupt = Interrupt(chance, _cond(i.get("if")), _bool(i.get("repeat", False)))
        category, again = get("category"), get("again")
        return Scene(
            _text(d["title"]),
            at,
            None if category is None else _id(category),
            _text(d["text"]),
            None if again is None else _text(again),
            _variants(d["variants"]) if "variants" in d else (),
            tuple([_choice(c) for c in _list(d["choices"], 1)]),
            interrupt,
        )
    except _NotSure:
        return None


_CLOCK_KEYS = frozenset({"start", "end"})
_STAT_KEYS = frozenset({"start", "min", "max", "label"})
_NEEDS_START = frozenset({"start"})
_ENDING_KEYS = frozenset({"id", "if", "title", "text", "variants", "debrief"})
_NEEDS_ENDING = frozenset({"id", "title", "text"})
_SHORT_KEYS = frozenset({"start", "clock", "set", "effects", "subtitle"})
_REFERENCE_KEYS = frozenset({"label", "source", "minutes"})
_NEEDS_REFERENCE = frozenset({"label", "minutes"})
_MANIFEST_KEYS = frozenset(
    {
        "version",
        "title",
        "subtitle",
        "start",
        "hub",
        "clock",
        "categories",
        "category_labels",
        "stats",
        "flags",
        "words",
        "endings",
        "credits",
        "reference",
        "short",
    }
)
_NEEDS_MANIFEST = frozenset({"title", "start", "clock", "categories", "endings"})
_NONE: frozenset[str] = frozenset()


def _clock(v: object) -> Clock:
    d = _mapping(v, _CLOCK_KEYS, _CLOCK_KEYS)
    return Clock(_time(d["start"]), _time(d["end"]))


def _stat(v: object) -> StatDef:
    d = _mapping(v, _STAT_KEYS, _NEEDS_START)
    label = d.get("label")
    return StatDef(
        _int(d["start"]), _int(d.get("min", 0)), _int(d.get("max", 10)), None if label is None else _str(label)
    )


def _ending(v: object) -> EndingDef:
    d = _mapping(v, _ENDING_KEYS, _NEEDS_ENDING)
    return EndingDef(
        _id(d["id"]),
        _cond(d.get("if")),
        _text(d["title"]),
        _text(d["text"]),
        _variants(d["variants"]) if "variants" in d else (),
        tuple([_text(t) for t in _list(d["debrief"])]) if "debrief" in d else (),
    )


def _short(v: object) -> ShortDay:
    d = _mapping(v, _SHORT_KEYS, _NONE)
    start, clock = d.get("start"), d.get("clock")
    return ShortDay(
        None if start is None else _id(start),
        None if clock is None else _clock(clock),
        _keyed(d["set"]) if "set" in d else {},
        _keyed(d["effects"], int) if "effects" in d else {},
        _text(d.get("subtitle", "")),
    )


def _reference(v: object) -> Reference:
    d = _mapping(v, _REFERENCE_KEYS, _NEEDS_REFERENCE)
    return Reference(_str(d["label"]), _str(d.get("source", "")), _keyed(d["minutes"], int))


def read_manifest(v: object) -> Manifest | None:
    """story.yaml's record, when it is right beyond doubt; None when the models must judge it."""
    try:
        d = _mapping(v, _MANIFEST_KEYS, _NEEDS_MANIFEST)
        get = d.get
        try:
            ver = version(d["version"]) if "version" in d else "1.0"
        except ValueError:
            raise _NOT_SURE from None
        hub, reference, short = get("hub"), get("reference"), get("short")
        return Manifest(
            ver,
            _text(d["title"]),
            _text(get("subtitle", "")),
            _id(d["start"]),
            None if hub is None else _id(hub),
            _clock(d["clock"]),
            tuple([_id(c) for c in _list(d["categories"], 1)]),
            _keyed(d["category_labels"], str) if "category_labels" in d else {},
            _stats(d["stats"]) if "stats" in d else {},
            tuple([_id(f) for f in _list(d["flags"])]) if "flags" in d else (),
            _keyed(d["words"], str) if "words" in d else {},
            tuple([_ending(e) for e in _list(d["endings"], 1)]),
            _text(get("credits", "")),
            None if reference is None else _reference(reference),
            None if short is None else _short(short),
        )
    except _NotSure:
        return None


def _stats(v: object) -> dict[str, StatDef]:
    if not isinstance(v, dict):
        raise _NOT_SURE
    out = {}
    for k, s in v.items():
        if type(k) is not str:
            raise _NOT_SURE
        out[k] = _stat(s)
    return out
