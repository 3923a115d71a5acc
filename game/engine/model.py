"""The story format, versions 1.0 and 1.1, as typed models: the writers' contract in code."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from game.engine.clock import TIME_PATTERN
from game.engine.shapes import CONDITION_MAX, ID, ID_MAX, MINUTES_MAX, TEXT_MAX
from game.engine.shapes import VERSIONS as VERSIONS  # where the schema looks for them
from game.engine.shapes import version as _version

TIME = TIME_PATTERN
Id = Annotated[str, Field(pattern=ID, max_length=ID_MAX)]
Time = Annotated[str, Field(pattern=TIME)]
Text = Annotated[str, Field(max_length=TEXT_MAX)]
Condition = Annotated[str, Field(max_length=CONDITION_MAX)]


Version = Annotated[str, BeforeValidator(_version)]


class Strict(BaseModel):
    """A part of a story file: unknown keys are mistakes, types are not guessed."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, frozen=True)


class StatDef(Strict):
    start: int
    min: int = 0
    max: int = 10
    label: str | None = None


class Clock(Strict):
    start: Time
    end: Time


class Variant(Strict):
    if_: Condition = Field(alias="if")
    text: Text


class EndingDef(Strict):
    id: Id
    if_: Condition | None = Field(None, alias="if")
    title: Text
    text: Text
    variants: list[Variant] = Field(default_factory=list)
    debrief: list[Text] = Field(default_factory=list)


class ShortDay(Strict):
    """The workshop's short day: where it starts, its clock, what is already set."""

    start: Id | None = None
    clock: Clock | None = None
    set: dict[str, Any] = Field(default_factory=dict)
    effects: dict[str, int] = Field(default_factory=dict)
    subtitle: Text = ""


class Reference(Strict):
    """Survey figures shown beside the player's minutes in the report."""

    label: str
    source: str = ""
    minutes: dict[str, int]


class Manifest(Strict):
    version: Version = "1.0"
    title: Text
    subtitle: Text = ""
    start: Id
    hub: Id | None = None
    clock: Clock
    categories: list[Id] = Field(min_length=1)
    category_labels: dict[str, str] = Field(default_factory=dict)
    stats: dict[str, StatDef] = Field(default_factory=dict)
    flags: list[Id] = Field(default_factory=list)
    words: dict[str, str] = Field(default_factory=dict)
    endings: list[EndingDef] = Field(min_length=1)
    credits: Text = ""
    reference: Reference | None = None
    short: ShortDay | None = None


class Branch(Strict):
    if_: Condition | None = Field(None, alias="if")
    to: Id


class Outcome(Strict):
    """One outcome of a choice: shown when its `if` holds (the first that holds is shown)."""

    if_: Condition | None = Field(None, alias="if")
    text: Text


class ChoiceDef(Strict):
    id: Id
    text: Text
    if_: Condition | None = Field(None, alias="if")
    show_if: Condition | None = None
    locked: Text | None = None
    minutes: int = Field(0, ge=0, le=MINUTES_MAX)
    effects: dict[str, int] = Field(default_factory=dict)
    set: dict[str, Any] = Field(default_factory=dict)
    once: bool = False
    goto: Id | list[Branch]
    category: Id | None = None
    outcome: Text | Annotated[list[Outcome], Field(min_length=1)] | None = None

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome_shape(cls, value: Any) -> Any:
        if value is None or isinstance(value, (str, list)):
            return value
        hint = ""
        if isinstance(value, dict) and not {"if", "text"} & set(value):  # `outcome: {seq: a | b}`, unquoted
            hint = "; a text starting with '{' must be in quotes (YAML reads it as a mapping)"
        raise ValueError(f"outcome is a text, or a list of {{if, text}} where the first that holds is shown{hint}")

    @field_validator("goto", mode="before")
    @classmethod
    def _goto_shape(cls, value: Any) -> Any:
        if isinstance(value, str) or isinstance(value, list):
            return value
        raise ValueError("goto is a scene id, `back`, `end`, an ending id, or a list of {if, to} branches")


class Interrupt(Strict):
    chance: float = Field(ge=0.0, le=1.0)
    if_: Condition | None = Field(None, alias="if")
    repeat: bool = False

    @field_validator("chance")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("chance must be a number from 0 to 1")
        return value


class At(Strict):
    """An appointment that happens only on days where its `if` holds when its time comes."""

    time: Time
    if_: Condition | None = Field(None, alias="if")


class SceneDef(Strict):
    title: Text
    at: Time | At | None = None
    category: Id | None = None
    text: Text
    again: Text | None = None
    variants: list[Variant] = Field(default_factory=list)
    choices: list[ChoiceDef] = Field(min_length=1)
    interrupt: Interrupt | None = None

    @field_validator("at", mode="before")
    @classmethod
    def _at_shape(cls, value: Any) -> Any:
        if value is None or isinstance(value, (str, dict)):
            return value
        raise ValueError('at is a time in quotes like "15:00", or {time: "15:00", if: CONDITION}')


class SceneFile(Strict):
    version: Version | None = None  # None: the manifest's
    scenes: dict[str, SceneDef]
