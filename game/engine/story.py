"""A compiled story: scenes, choices and endings ready to play, with where each was written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from game.engine.expr import Expr

if TYPE_CHECKING:
    from game.engine.machine import SceneMachine

RESERVED_TARGETS = ("back", "end")


@dataclass(frozen=True)
class Where:
    """The place in a story file a thing was written."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


_SLOT = re.compile(r"\{\{|\}\}|\{([^{}]*)\}?")


@dataclass(frozen=True)
class Template:
    """Text with `{word}` insertions; everything else is literal."""

    parts: tuple  # str, or ("w", name)

    @staticmethod
    def parse(text: str) -> tuple[Template, list[tuple[int, str]]]:
        """The template and any (offset, problem) found in the text."""
        if "{" not in text and "}" not in text:  # most text: one literal part
            return Template((text,) if text else ()), []
        parts: list = []
        problems: list[tuple[int, str]] = []
        buf: list[str] = []
        pos = 0
        for m in _SLOT.finditer(text):
            buf.append(text[pos : m.start()])
            token = m.group(0)
            if token == "{{":
                buf.append("{")
            elif token == "}}":
                buf.append("}")
            elif not token.endswith("}"):
                problems.append(
                    (m.start(), "'{' opens an insertion that is never closed; write '{{' for a literal brace")
                )
                buf.append(token)
            else:
                name = m.group(1).strip()
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(("w", name))
            pos = m.end()
        buf.append(text[pos:])
        tail = "".join(buf)
        if tail:
            parts.append(tail)
        return Template(tuple(parts)), problems

    @property
    def names(self) -> list[str]:
        return [p[1] for p in self.parts if not isinstance(p, str)]

    def render(self, words: dict[str, str]) -> str:
        return "".join(p if isinstance(p, str) else words.get(p[1], "") for p in self.parts)


@dataclass(frozen=True)
class Choice:
    id: str
    text: Template
    cond: Expr | None
    locked: Template | None
    minutes: int
    effects: tuple[tuple[str, int], ...]
    sets: tuple[tuple[str, object], ...]
    once: bool
    goto: tuple[tuple[Expr | None, str], ...]  # branches; a plain goto is one branch without a condition
    category: str
    where: Where
    # `show_if`: the choice is listed at all only when this holds. `cond` is then `show_if and if`,
    # when the choice can be taken, which is what every analysis of the story needs.
    show: Expr | None = None

    @property
    def targets(self) -> list[str]:
        return [t for _, t in self.goto]


@dataclass(frozen=True)
class Interrupt:
    chance: float
    cond: Expr | None
    repeat: bool


@dataclass(frozen=True)
class Scene:
    id: str
    title: Template
    at: int | None
    category: str
    text: Template
    variants: tuple[tuple[Expr, Template], ...]
    choices: tuple[Choice, ...]
    interrupt: Interrupt | None
    where: Where

    @property
    def kind(self) -> str:
        if self.at is not None:
            return "appointment"
        if self.interrupt is not None:
            return "interruption"
        return "scene"


@dataclass(frozen=True)
class Ending:
    id: str
    cond: Expr | None
    title: Template
    text: Template
    debrief: tuple[str, ...]
    where: Where
    variants: tuple[tuple[Expr, Template], ...] = ()  # extra paragraphs, as a scene's


@dataclass(frozen=True)
class Stat:
    name: str
    start: int
    min: int
    max: int
    label: str


@dataclass(frozen=True)
class ShortDay:
    start: str
    clock_start: int
    clock_end: int
    sets: tuple[tuple[str, object], ...]
    effects: tuple[tuple[str, int], ...]


@dataclass
class Story:
    """Everything a day needs, checked; built by `load_story`."""

    root: Path
    title: str
    subtitle: str
    start: str
    hub: str
    clock_start: int
    clock_end: int
    categories: tuple[str, ...]
    category_labels: dict[str, str]
    stats: dict[str, Stat]
    flags: tuple[str, ...]
    words: dict[str, str]
    endings: tuple[Ending, ...]
    scenes: dict[str, Scene]
    credits: str
    reference: dict | None
    short: ShortDay | None
    hash: str
    files: tuple[str, ...]
    warnings: list = field(default_factory=list)

    @cached_property
    def appointments(self) -> tuple[Scene, ...]:
        timed = [(s.at, s) for s in self.scenes.values() if s.at is not None]
        return tuple(s for _, s in sorted(timed, key=lambda pair: pair[0]))

    @cached_property
    def interrupts(self) -> tuple[Scene, ...]:
        return tuple(s for s in self.scenes.values() if s.interrupt is not None)

    @cached_property
    def interrupt_plan(self) -> tuple[tuple[Scene, int, int], ...]:
        """Each interruption with the clock window its `if` needs ([lo, hi)); outside it, the `if` is false."""
        return tuple((s, *clock_window(s.interrupt.cond)) for s in self.scenes.values() if s.interrupt is not None)

    @cached_property
    def ending_ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.endings)

    @cached_property
    def written_edges(self) -> dict[tuple[str, str], list[str]]:
        """(scene, destination) -> the ids of the choices whose goto names it, in story order."""
        edges: dict[tuple[str, str], list[str]] = {}
        for scene in self.scenes.values():
            for choice in scene.choices:
                for target in choice.targets:
                    if target in self.scenes or target in self.ending_ids:
                        edges.setdefault((scene.id, target), []).append(choice.id)
        return edges

    @cached_property
    def machine(self) -> SceneMachine:
        from game.engine.machine import build_machine

        return build_machine(self)

    def ending(self, ending_id: str) -> Ending:
        for e in self.endings:
            if e.id == ending_id:
                return e
        raise KeyError(ending_id)


_NEVER = 10**9


def clock_window(cond: Expr | None) -> tuple[int, int]:
    """[lo, hi): clock bounds implied by comparisons of `clock` with a number at the top `and` level."""
    lo, hi = -_NEVER, _NEVER
    if cond is None:
        return lo, hi
    tree = cond.tree
    parts = tree[1:] if tree[0] == "and" else (tree,)
    for part in parts:
        if part[0] != "cmp":
            continue
        ops, operands = part[1], part[2]
        for op, a, b in zip(ops, operands, operands[1:]):
            if a == ("clock",) and b[0] == "num":
                n, flip = b[1], False
            elif b == ("clock",) and a[0] == "num":
                n, flip = a[1], True
            else:
                continue
            if flip:
                op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
            if op == ">=":
                lo = max(lo, n)
            elif op == ">":
                lo = max(lo, n + 1)
            elif op == "<":
                hi = min(hi, n)
            elif op == "<=":
                hi = min(hi, n + 1)
            elif op == "==":
                lo, hi = max(lo, n), min(hi, n + 1)
    return lo, hi
