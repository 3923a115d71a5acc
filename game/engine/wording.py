"""Pydantic's validation errors in a writer's words, each at the place of the value it is about."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from game.engine import model as m
from game.engine.located import Loc, Problems, Spot
from game.engine.yamlsafe import YDict, YList

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


def report_validation(problems: Problems, spot: Spot, exc: ValidationError, kind: str) -> None:
    """Every error of `exc` (a model validated from `spot`'s file, at `spot.loc`) once, at its place.

    `kind`: "story" for story.yaml, "scenes" for a scene file (the words for its places differ).
    """
    base = _value_at(spot.data, spot.loc)
    found = [(spot.loc + _model_loc(err, base), err) for err in exc.errors(include_url=False)]
    others = [loc for loc, err in found if err["type"] != "string_type"]
    seen: set[Loc] = set()
    data = spot.data
    for loc, err in found:
        # a union of text and a list or mapping: when the value is a list or mapping, what is
        # wrong with it as one says more than "expected text"
        if (
            err["type"] == "string_type"
            and isinstance(_value_at(data, loc), (YDict, YList))
            and any(o[: len(loc)] == loc for o in others)
        ):
            continue
        # a union reports once per member; the first says enough
        if any(loc[: len(s)] == s for s in seen):
            continue
        seen.add(loc)
        _report_one(problems, Spot(spot.path, data, loc), err, kind)


def _model_loc(err: ErrorDetails, data: object) -> Loc:
    """The keys and indexes of an error's value, without the names pydantic gives union members (a key of
    the data itself is kept whatever it looks like: a writer's `c[ategories:` is a key, not a member)."""
    out: list[str | int] = []
    node = data
    for p in err["loc"]:
        if (
            isinstance(p, str)
            and not (isinstance(node, dict) and p in node)
            and ("[" in p or p.startswith(("constrained-", "function-")) or p in ("str", "list", "At"))
        ):
            continue
        out.append(p)
        node = _value_at(node, (p,))
    return tuple(out)


def _report_one(problems: Problems, spot: Spot, err: ErrorDetails, kind: str) -> None:
    loc, data, typ = spot.loc, spot.data, err["type"]
    if typ == "extra_forbidden":
        field, owner = loc[-1], loc[:-1]
        allowed = _allowed_keys(owner, kind)
        close = difflib.get_close_matches(str(field), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else (f" (allowed: {', '.join(allowed)})" if allowed else "")
        problems.error_at(spot, f"unknown key {field!r} in {_describe(owner, data, kind)}{hint}", key=True)
    elif typ == "missing":
        problems.error_at(Spot(spot.path, data, loc[:-1]), f"{_describe(loc[:-1], data, kind)} needs `{loc[-1]}`")
    else:
        problems.error_at(spot, f"{_describe(loc, data, kind)}: {_friendly(err, _value_at(data, loc))}")


def _fields(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


_STORY_PARTS: dict[tuple[str, ...], type[BaseModel]] = {
    (): m.Manifest,
    ("clock",): m.Clock,
    ("endings",): m.EndingDef,
    ("endings", "variants"): m.Variant,
    ("short",): m.ShortDay,
    ("short", "clock"): m.Clock,
    ("reference",): m.Reference,
}
_SCENE_PARTS: dict[tuple[str, ...], type[BaseModel]] = {
    (): m.SceneDef,
    ("choices",): m.ChoiceDef,
    ("variants",): m.Variant,
    ("interrupt",): m.Interrupt,
    ("choices", "goto"): m.Branch,
    ("choices", "outcome"): m.Outcome,
    ("at",): m.At,
}


def _allowed_keys(owner: Loc, kind: str) -> list[str]:
    shape = [p for p in owner if isinstance(p, str)]
    if kind == "story":
        if shape[:1] == ["stats"] and len(shape) == 2:
            return _fields(m.StatDef)
        model = _STORY_PARTS.get(tuple(shape))
        return _fields(model) if model else []
    if shape == []:
        return _fields(m.SceneFile)
    if shape[:1] == ["scenes"]:
        model = _SCENE_PARTS.get(tuple(shape[2:]))
        return _fields(model) if model else []
    return []


def _describe(loc: Loc, data: object, kind: str) -> str:
    """Words for a place in a story file: "choice 'crisp' of scene 'standup'"."""
    if kind == "scenes" and len(loc) >= 2 and loc[0] == "scenes":
        scene = f"scene {loc[1]!r}"
        rest = loc[2:]
        if not rest:
            return scene
        if rest[0] == "choices" and len(rest) >= 2 and isinstance(rest[1], int):
            cid = _value_at(data, loc[:4] + ("id",))
            what = f"choice {cid!r}" if isinstance(cid, str) else f"choice {rest[1] + 1}"
            tail = ".".join(str(p) for p in rest[2:])
            return f"{what} of {scene}" + (f", `{tail}`" if tail else "")
        return f"{scene}, `{'.'.join(str(p) for p in rest)}`"
    if kind == "story" and len(loc) >= 2 and loc[0] == "endings" and isinstance(loc[1], int):
        eid = _value_at(data, ("endings", loc[1], "id"))
        what = f"ending {eid!r}" if isinstance(eid, str) else f"ending {loc[1] + 1}"
        tail = ".".join(str(p) for p in loc[2:])
        return what + (f", `{tail}`" if tail else "")
    if not loc:
        return "story.yaml" if kind == "story" else "the scene file"
    return f"`{'.'.join(str(p) for p in loc)}`"


def _value_at(data: object, loc: Loc) -> object:
    node = data
    for part in loc:
        if (
            isinstance(node, dict)
            and part in node
            or isinstance(node, list)
            and isinstance(part, int)
            and 0 <= part < len(node)
        ):
            node = node[part]  # type: ignore[index]
        else:
            return None
    return node


_YAML11 = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF"}
_RANGE = ("greater_than_equal", "less_than_equal", "greater_than", "less_than")


def _friendly(err: ErrorDetails, value: object) -> str:
    """What is wrong with a value, for a writer: by the kind of error, the value shown as written."""
    typ = err["type"]
    if typ == "bool_type":
        if isinstance(value, str) and value in _YAML11:
            return (
                f"write true or false, not {value!r} (YAML 1.1 would read it as a boolean; this format does not guess)"
            )
        return f"write true or false, not {value!r}"
    if typ in ("int_type", "int_parsing", "int_from_float"):
        if typ != "int_from_float" and isinstance(value, str) and ":" in value:
            return f"expected a whole number, got {value!r}; a time belongs in quotes where a time is asked for"
        return f"expected a whole number, got {value!r}"
    if typ in _STRING_ERRORS:
        return _STRING_ERRORS[typ](err, value)
    if typ in _RANGE:
        return f"{value!r} is out of range: {err['msg'].lower()}"
    if typ in _SHAPE_ERRORS:
        return _SHAPE_ERRORS[typ].format(shape=shape(value), value=repr(value))
    if typ == "value_error":
        return err["msg"].removeprefix("Value error, ")
    return err["msg"]


def _string_type(err: ErrorDetails, value: object) -> str:
    return f"expected text, got {value!r}" + (" (put it in quotes)" if value is not None else " (the value is empty)")


def _pattern(err: ErrorDetails, value: object) -> str:
    ctx: dict[str, Any] = err.get("ctx", {})
    if ctx.get("pattern", "") == m.TIME:
        return f'{value!r} is not a time; write it as "HH:MM" in quotes, like "09:30"'
    return f"{value!r} must be letters, digits and _ and start with a letter"


def _too_long(err: ErrorDetails, value: object) -> str:
    ctx: dict[str, Any] = err.get("ctx", {})
    return f"the text is too long (limit {ctx.get('max_length')} characters)"


_STRING_ERRORS = {"string_type": _string_type, "string_pattern_mismatch": _pattern, "string_too_long": _too_long}
_SHAPE_ERRORS = {
    "dict_type": "expected a mapping of keys, got {shape}",
    "model_type": "expected a mapping of keys, got {shape}",
    "model_attributes_type": "expected a mapping of keys, got {shape}",
    "list_type": "expected a list, got {shape}",
    "too_short": "needs at least one entry",
    "float_type": "expected a number, got {value}",
    "float_parsing": "expected a number, got {value}",
}


def shape(value: object) -> str:
    """A value's kind in words, or the value itself when it is a scalar."""
    if isinstance(value, YDict):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "nothing (the value is empty)"
    return repr(value)
