"""`dayjob schema`: one JSON Schema (2020-12) for every story file, from the engine's pydantic models.

Editors with the YAML language server read the `# yaml-language-server: $schema=...`
line at the top of each story file and then complete keys, show these descriptions
on hover and underline mistakes. The schema keeps to keywords that draft-07 tools
also understand (`if`/`then`/`else`, `$ref` into `$defs`), since most editors
validate YAML with a draft-07 engine.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from game.engine import model as m
from game.engine.expr import MAX_LENGTH, RESERVED

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "story.schema.json"

_TIME = 'a time of day in quotes, "HH:MM" (24-hour), like "09:30"'
_COND = (
    'a condition: numbers, true/false, "HH:MM" times, stat and flag names, `clock`, '
    '`visited("scene")`, `and` `or` `not`, comparisons, `+` `-`, parentheses; e.g. `energy >= 3 and not cluster_fixed`'
)

MODELS = {
    "Manifest": "story.yaml: the day's title, clock, categories, stats, flags, words and endings.",
    "SceneFile": "A scene file (scenes/*.yaml): any number of scenes under `scenes:`.",
    "StatDef": "A hidden stat: a whole number kept between min and max, shown in the end-of-day report.",
    "Clock": "When the day starts and ends.",
    "EndingDef": "An ending. When the day ends, the first ending whose `if` holds is chosen; the last has no `if`.",
    "ShortDay": "The short workshop day (`dayjob --short`): where it starts, its clock, what is already set.",
    "Reference": "Survey figures shown beside the player's minutes in the report.",
    "SceneDef": "A scene: text, variants and choices. With `at` it is an appointment; with `interrupt` an interruption.",
    "ChoiceDef": "A choice the player can take: its minutes, effects and flags, and where it goes.",
    "Branch": "One conditional destination: the first branch whose `if` holds is taken; the last has no `if`.",
    "Variant": "An extra paragraph shown after the scene's text when its `if` holds.",
    "Outcome": "One outcome of a choice: shown when its `if` holds; the first that holds is shown.",
    "At": "An appointment that happens only on days where its `if` holds when its time comes.",
    "Interrupt": "Makes the scene an interruption: after each choice it may break in, with this chance, when its `if` holds.",
}

FIELDS = {
    ("Manifest", "version"): 'The story format version: "1.1" (outcomes, return visits, inline conditions, '
    'sequences, clock phrases, {^word}, conditional appointments) or "1.0" (the default).',
    ("Manifest", "title"): "The game's title, shown on the title screen and the report.",
    ("Manifest", "subtitle"): "A line under the title.",
    ("Manifest", "start"): "The id of the first scene of the day.",
    ("Manifest", "hub"): "The scene the day returns to: where `back` goes when nothing is on hold, and where "
    "\u201cCarry on\u201d leads from a scene with no available choice. Defaults to `start`.",
    ("Manifest", "clock"): "When the day starts and ends; at `end` the day is over and an ending is chosen.",
    (
        "Manifest",
        "categories",
    ): "Where minutes are counted (meetings, focus, ...). A scene's `category` defaults to the first.",
    ("Manifest", "category_labels"): "How each category is named in the report, e.g. `focus: Focused work`.",
    ("Manifest", "stats"): "Hidden stats, by name: {start, min, max, label}. Choices change them with `effects`.",
    (
        "Manifest",
        "flags",
    ): "Flag names: true/false, false at the start. Choices set them with `set`; conditions read them.",
    (
        "Manifest",
        "words",
    ): "Words by name, with their starting text. Text inserts them as {name}; choices change them with `set`.",
    ("Manifest", "endings"): "The endings, in order: the first whose `if` holds when the day ends is chosen.",
    ("Manifest", "credits"): "Credits and sources, shown from the title screen and the report.",
    ("Manifest", "reference"): "Survey minutes per category, shown beside the player's in the report.",
    ("Manifest", "short"): "The short workshop day.",
    ("StatDef", "start"): "The value at the start of the day.",
    ("StatDef", "min"): "The lowest value; effects are clamped to it. Default 0.",
    ("StatDef", "max"): "The highest value; effects are clamped to it. Default 10.",
    ("StatDef", "label"): "The name shown in the report (default: the stat's name, capitalised).",
    ("Clock", "start"): f"When the day starts: {_TIME}.",
    ("Clock", "end"): f"When the day ends: {_TIME}.",
    ("EndingDef", "id"): "The ending's id: letters, digits and _, starting with a letter. `goto` may name it.",
    ("EndingDef", "if"): f"When this ending is chosen; {_COND}. The last ending has no `if`.",
    ("EndingDef", "title"): "The ending's title. May insert {words}.",
    ("EndingDef", "text"): "The ending's text. May insert {words}.",
    ("EndingDef", "variants"): "Extra paragraphs, each shown after the text when its `if` holds at the end of the day.",
    ("EndingDef", "debrief"): "Questions for the workshop debrief, shown with this ending.",
    ("ShortDay", "start"): "The scene the short day starts at (default: the story's `start`).",
    ("ShortDay", "clock"): "The short day's clock (default: the story's).",
    ("ShortDay", "set"): "Flags (true/false) and words (text) already set when the short day starts.",
    ("ShortDay", "effects"): "Changes to stats at the start of the short day, e.g. `energy: -2`.",
    ("ShortDay", "subtitle"): "The line under the title for the short day (default: the story's `subtitle`).",
    ("Reference", "label"): "The column heading for the figures in the report.",
    ("Reference", "source"): "Where the figures come from.",
    ("Reference", "minutes"): "Minutes per category.",
    ("SceneFile", "version"): 'The story format of this file, "1.0" or "1.1" (default: story.yaml\'s).',
    ("SceneFile", "scenes"): "Scenes by id (letters, digits and _, starting with a letter).",
    ("SceneDef", "title"): "The scene's title. May insert {words}.",
    ("SceneDef", "at"): "Makes the scene an appointment, taken once as soon as the clock reaches it: "
    f"{_TIME}; or {{time, if}} for one that happens only when its `if` holds as its time comes (format 1.1).",
    ("SceneDef", "again"): "Text shown in place of `text` on the second and later visits (format 1.1); "
    "variants still apply.",
    ("SceneDef", "category"): "Where the minutes of this scene's choices are counted (default: the first category).",
    (
        "SceneDef",
        "text",
    ): "The scene's text. Blank lines separate paragraphs; {word} inserts a word; {{ and }} are literal braces. "
    "Format 1.1: {^word}, {if COND: a | else: b}, {seq: a | b}, {cycle: a | b}, {shuffle: a | b}, {time}, "
    "{clock}, {late}, {since SCENE}; `code` in backticks.",
    ("SceneDef", "variants"): "Extra paragraphs, each shown when its `if` holds.",
    ("SceneDef", "choices"): "The choices, in the order shown. At least one.",
    ("SceneDef", "interrupt"): "Makes the scene an interruption: {chance, if, repeat}.",
    ("ChoiceDef", "id"): "A stable id, unique in the scene: saves, replays, routes and the debrief use it.",
    ("ChoiceDef", "text"): "What the player reads. May insert {words}.",
    ("ChoiceDef", "if"): f"Shown only when this holds; {_COND}.",
    (
        "ChoiceDef",
        "locked",
    ): "When `if` does not hold, show the choice greyed out with this reason instead of hiding it.",
    (
        "ChoiceDef",
        "show_if",
    ): "List the choice at all only when this holds (a condition); when listed, `if` and `locked` "
    "decide whether it can be taken or is greyed out.",
    ("ChoiceDef", "minutes"): "How long it takes; the clock moves on by this much. Default 0.",
    ("ChoiceDef", "effects"): "Stat changes, e.g. `{energy: -1, trust: +2}`; clamped to each stat's min and max.",
    ("ChoiceDef", "set"): "Flags (true/false) and words (text) to set, e.g. `{cluster_fixed: true, lead: Priya}`.",
    ("ChoiceDef", "once"): "Gone from this scene once taken.",
    (
        "ChoiceDef",
        "goto",
    ): "Where it leads: a scene id, `back` (resume what an appointment or interruption put on hold), "
    "`end` (end the day now), an ending id, or a list of {if, to} branches.",
    ("ChoiceDef", "category"): "Count this choice's minutes here instead of the scene's category.",
    ("ChoiceDef", "outcome"): "What happened, shown after the choice and before the next scene (format 1.1): "
    "a text, or a list of {if, text} where the first that holds is shown.",
    ("Outcome", "if"): f"Show this outcome when it holds; {_COND}. The last may have none.",
    ("Outcome", "text"): "One to three sentences in reply to the choice. May insert as a scene's text does.",
    ("At", "time"): f"When the appointment is due: {_TIME}.",
    ("At", "if"): f"It happens only if this holds when its time comes, else it is skipped for the day; {_COND}.",
    ("Branch", "if"): f"Take this branch when it holds; {_COND}. The last branch has none.",
    ("Branch", "to"): "A scene id, `back`, `end` or an ending id.",
    ("Variant", "if"): f"Show the paragraph when this holds; {_COND}.",
    ("Variant", "text"): "The paragraph. May insert {words}.",
    ("Interrupt", "chance"): "The chance (0 to 1) it breaks in after each choice while its `if` holds, e.g. 0.3.",
    ("Interrupt", "if"): f"When it may break in; {_COND}.",
    ("Interrupt", "repeat"): "Whether it can happen more than once a day. Default false.",
}

_FLAG_OR_WORD = {"type": ["boolean", "string"], "description": "true/false for a flag, text for a word."}
# the names a story declares: an id, and none of the condition language's words. One pattern (not a
# `not`) so that editors show the message below: yaml-language-server reads `patternErrorMessage`.
assert m.ID.startswith("^")
_NOT_RESERVED = {
    "pattern": "^(?!(?:" + "|".join(sorted(RESERVED)) + ")$)" + m.ID[1:],
    "patternErrorMessage": "An id is letters, digits and _, starting with a letter, and not a reserved word ("
    + ", ".join(sorted(RESERVED))
    + ").",
}
_ID_NAMES = {**_NOT_RESERVED, "maxLength": 64}
# text may not hold terminal control characters (tab and newline are text); as the loader refuses them
_NO_CONTROL = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$"
_NO_CONTROL_MESSAGE = (
    "A control character (such as ESC or BEL) is in this text; story text may not hold terminal control codes: "
    "delete it."
)
# what only a manifest has: a file with none of these is read as a scene file (so `scnees:` is named)
_MANIFEST_ONLY = ("title", "start", "clock", "categories", "endings")


def _tighten(node, text_max: int) -> None:
    """Text fields (the models' 20,000-character strings) refuse control characters."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("maxLength") == text_max and "pattern" not in node:
            node["pattern"] = _NO_CONTROL
            node["patternErrorMessage"] = _NO_CONTROL_MESSAGE
        for value in node.values():
            _tighten(value, text_max)
    elif isinstance(node, list):
        for value in node:
            _tighten(value, text_max)


def _conditions(defs: dict) -> None:
    """A condition's cap is the condition language's (check's), not the models' generous one."""
    for schema in defs.values():
        for name, prop in schema.get("properties", {}).items():
            if name in ("if", "show_if"):
                for part in [prop, *prop.get("anyOf", [])]:
                    if part.get("type") == "string":
                        part["maxLength"] = MAX_LENGTH


def _constraints(defs: dict) -> None:
    """What check enforces and the models cannot say: reserved names, unique flags, `goto: []`, `at` with `interrupt`."""
    for owner, field in (("ChoiceDef", "id"), ("EndingDef", "id")):
        defs[owner]["properties"][field].update(_NOT_RESERVED)
    for field in ("flags", "categories"):
        prop = defs["Manifest"]["properties"][field]
        prop["items"].update(_NOT_RESERVED)
        prop["uniqueItems"] = True
    for part in defs["ChoiceDef"]["properties"]["goto"]["anyOf"]:
        if part.get("type") == "array":
            part["minItems"] = 1
    # as `if`/`then` (not a `not`) so that an editor names the key and says why
    defs["SceneDef"]["if"] = {"required": ["at"]}
    defs["SceneDef"]["then"] = {
        "properties": {
            "interrupt": {
                "type": "null",
                "errorMessage": "A scene has `at` (an appointment) or `interrupt` (an interruption), not both: "
                "remove one.",
            }
        }
    }


def build_schema() -> dict:
    """The schema as a dict: the manifest or a scene file, told apart by the `scenes` key."""
    defs: dict = {}
    for model in (m.Manifest, m.SceneFile):
        part = model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}", mode="validation")
        defs.update(part.pop("$defs", {}))
        defs[model.__name__] = part
    for name, schema in defs.items():
        schema.pop("title", None)
        if name in MODELS:
            schema["description"] = MODELS[name]
        fields = getattr(m, name).model_fields
        for field, prop in schema.get("properties", {}).items():
            prop.pop("title", None)
            info = fields.get(field) or fields.get(field + "_")  # `if` is the field `if_`
            if info is not None and info.default_factory in (dict, list):  # an empty default, shown as one
                prop.setdefault("default", info.default_factory())
            text = FIELDS.get((name, field))
            if text:
                prop["description"] = text
    # the loader accepts only these shapes; say so where pydantic says "anything"
    for owner in ("ChoiceDef", "ShortDay"):
        defs[owner]["properties"]["set"]["additionalProperties"] = _FLAG_OR_WORD
    defs["SceneFile"]["properties"]["scenes"]["propertyNames"] = _ID_NAMES
    for key in ("stats", "words", "category_labels"):
        defs["Manifest"]["properties"][key]["propertyNames"] = _ID_NAMES
    defs["ChoiceDef"]["properties"]["goto"]["examples"] = ["desk", "back", "end"]
    for owner in ("Manifest", "SceneFile"):  # the loader also reads 1 and 1.0 (as written before 1.1) as "1.0"
        version = defs[owner]["properties"]["version"]
        version.pop("type", None)
        version.pop("anyOf", None)
        version["enum"] = [*m.VERSIONS, 1]
    _constraints(defs)
    _conditions(defs)
    text_field = get_args(m.Text)[1]  # Annotated[str, Field(...)]: the Field
    _tighten(defs, next(c.max_length for c in text_field.metadata if hasattr(c, "max_length")))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Day Job story file",
        "description": "A Day Job story file: the manifest (story.yaml) or a scene file (scenes/*.yaml). "
        "See docs/writing.md.",
        "if": {"type": "object", "anyOf": [{"required": [k]} for k in _MANIFEST_ONLY]},
        "then": {"$ref": "#/$defs/Manifest"},
        "else": {"$ref": "#/$defs/SceneFile"},
        "$defs": {k: defs[k] for k in sorted(defs)},
    }


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


SCHEMA_FILE = "story.schema.json"
MODELINE = "# yaml-language-server: $schema="


def modeline(story_file: Path, schema: Path) -> str:
    """The first line that points an editor from a story file to the schema (a path relative to the file)."""
    rel = os.path.relpath(schema.resolve(), story_file.resolve().parent)
    return MODELINE + Path(rel).as_posix()


def write_beside(root: Path) -> tuple[Path, list[Path]]:
    """Writes ROOT/story.schema.json and points each story file's modeline at it; returns what changed."""
    from game.engine.storyfiles import story_files

    schema = root / SCHEMA_FILE
    schema.write_text(schema_text(), encoding="utf-8")
    changed = []
    for path in story_files(root):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig")
        line = modeline(path, schema)
        first, sep, rest = text.partition("\n")
        if first.startswith("# yaml-language-server:"):
            new = line + sep + rest
        else:
            new = line + "\n" + text
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return schema, changed


@dataclass(frozen=True)
class SchemaOptions:
    """`dayjob schema`'s command line."""

    out: Path | None = None  # write the schema here instead of printing it
    write: Path | None = None  # a story folder: the schema beside it, its files' modelines pointed at it


def run_schema(opts: SchemaOptions) -> int:
    text = schema_text()
    root = opts.write
    if root is not None:
        if not (Path(root) / "story.yaml").is_file():
            print(f"dayjob schema: {root} is not a story folder (no story.yaml)", file=sys.stderr)
            return 2
        try:
            schema, changed = write_beside(Path(root))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"dayjob schema: cannot write into {root}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            return 1
        print(f"wrote {schema}", file=sys.stderr)
        for path in changed:
            print(f"pointed {path} at it", file=sys.stderr)
        return 0
    out = opts.out
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"dayjob schema: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}", file=sys.stderr)
    return 0
