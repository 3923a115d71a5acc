"""The condition language's tree: one frozen node type per construct, and `Visitor`, the one walk over them.

Every use of a checked condition walks it through `Visitor.visit`: the evaluator's closures and the
reference evaluator (engine/expr.py), the clock windows of interruptions (engine/story.py), the writer
tools' analyses (authoring/conditions.py) and lint's search for unused names (through `walk`). A new
kind of node is added here, and mypy names every visitor that does not answer for it yet.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, Literal, TypeAlias, TypeVar, assert_never

CmpOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
ORDERS: frozenset[CmpOp] = frozenset({"<", "<=", ">", ">="})  # the comparisons that need numbers
MIRROR: dict[CmpOp, CmpOp] = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}  # `3 < x` is `x > 3`
NEGATE: dict[CmpOp, CmpOp] = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}  # `not x < 3`


class _Node:
    """What every node shares: pickled as its class and fields (the compiled-story cache, engine/cache.py)."""

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type[_Node], tuple[object, ...]]:
        # the class called with its fields is about twice as fast to read back as a dataclass's default
        return (type(self), tuple(getattr(self, name) for name in self.__match_args__))


@dataclass(frozen=True, slots=True)
class Num(_Node):
    """A whole number; a time of day written "10:30" is its minutes since midnight."""

    value: int


@dataclass(frozen=True, slots=True)
class Bool(_Node):
    """`true` or `false`."""

    value: bool


@dataclass(frozen=True, slots=True)
class Stat(_Node):
    """A declared stat's value."""

    name: str


@dataclass(frozen=True, slots=True)
class Flag(_Node):
    """A declared flag's value."""

    name: str


@dataclass(frozen=True, slots=True)
class Clock(_Node):
    """`clock`: the time of day in minutes since midnight."""


@dataclass(frozen=True, slots=True)
class Visited(_Node):
    """`visited("scene")`: how many times the day has entered a scene."""

    scene: str


@dataclass(frozen=True, slots=True)
class Not(_Node):
    """`not x`."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Neg(_Node):
    """`-x` (of anything but a number, which is read as a negative number)."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Add(_Node):
    """`a + b`."""

    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Sub(_Node):
    """`a - b`."""

    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class And(_Node):
    """`a and b and ...` (two or more parts)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or(_Node):
    """`a or b or ...` (two or more parts)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Cmp(_Node):
    """`a < b` or a chain `a <= b < c`: one operator between each two operands."""

    ops: tuple[CmpOp, ...]
    operands: tuple[Node, ...]


Node: TypeAlias = Num | Bool | Stat | Flag | Clock | Visited | Not | Neg | Add | Sub | And | Or | Cmp
NODES: tuple[type[Node], ...] = (Num, Bool, Stat, Flag, Clock, Visited, Not, Neg, Add, Sub, And, Or, Cmp)
NUMBERS = (Num, Stat, Clock, Visited, Add, Sub, Neg)  # the nodes whose value is a whole number
TRUTHS = (Bool, Flag, Not, And, Or, Cmp)  # the nodes whose value is true or false

C = TypeVar("C")  # what a visit is given beside the node (None when it needs nothing)
R = TypeVar("R")  # what a visit answers


class Visitor(ABC, Generic[C, R]):
    """An answer for each kind of node; `visit` picks the method for a node (a subclass must answer all)."""

    __slots__ = ()

    def visit(self, node: Node, ctx: C) -> R:
        """This visitor's answer for `node` (the most common kinds are tried first)."""
        match node:
            case Cmp():
                return self.visit_cmp(node, ctx)
            case Flag():
                return self.visit_flag(node, ctx)
            case Stat():
                return self.visit_stat(node, ctx)
            case Num():
                return self.visit_num(node, ctx)
            case And():
                return self.visit_and(node, ctx)
            case Not():
                return self.visit_not(node, ctx)
            case Or():
                return self.visit_or(node, ctx)
            case Clock():
                return self.visit_clock(node, ctx)
            case Visited():
                return self.visit_visited(node, ctx)
            case Bool():
                return self.visit_bool(node, ctx)
            case Add():
                return self.visit_add(node, ctx)
            case Sub():
                return self.visit_sub(node, ctx)
            case Neg():
                return self.visit_neg(node, ctx)
            case _:
                assert_never(node)

    @abstractmethod
    def visit_num(self, node: Num, ctx: C) -> R: ...
    @abstractmethod
    def visit_bool(self, node: Bool, ctx: C) -> R: ...
    @abstractmethod
    def visit_stat(self, node: Stat, ctx: C) -> R: ...
    @abstractmethod
    def visit_flag(self, node: Flag, ctx: C) -> R: ...
    @abstractmethod
    def visit_clock(self, node: Clock, ctx: C) -> R: ...
    @abstractmethod
    def visit_visited(self, node: Visited, ctx: C) -> R: ...
    @abstractmethod
    def visit_not(self, node: Not, ctx: C) -> R: ...
    @abstractmethod
    def visit_neg(self, node: Neg, ctx: C) -> R: ...
    @abstractmethod
    def visit_add(self, node: Add, ctx: C) -> R: ...
    @abstractmethod
    def visit_sub(self, node: Sub, ctx: C) -> R: ...
    @abstractmethod
    def visit_and(self, node: And, ctx: C) -> R: ...
    @abstractmethod
    def visit_or(self, node: Or, ctx: C) -> R: ...
    @abstractmethod
    def visit_cmp(self, node: Cmp, ctx: C) -> R: ...


_LEAF: tuple[Node, ...] = ()


class _Children(Visitor[None, tuple[Node, ...]]):
    """The nodes directly under a node, left to right."""

    __slots__ = ()

    def _leaf(self, node: Num | Bool | Stat | Flag | Clock | Visited, ctx: None) -> tuple[Node, ...]:
        return _LEAF

    def _one(self, node: Not | Neg, ctx: None) -> tuple[Node, ...]:
        return (node.operand,)

    def _two(self, node: Add | Sub, ctx: None) -> tuple[Node, ...]:
        return (node.left, node.right)

    def _parts(self, node: And | Or, ctx: None) -> tuple[Node, ...]:
        return node.parts

    def visit_cmp(self, node: Cmp, ctx: None) -> tuple[Node, ...]:
        return node.operands

    visit_num = visit_bool = visit_stat = visit_flag = visit_clock = visit_visited = _leaf
    visit_not = visit_neg = _one
    visit_add = visit_sub = _two
    visit_and = visit_or = _parts


_CHILDREN = _Children()


def children(node: Node) -> tuple[Node, ...]:
    """The nodes directly under `node`, left to right."""
    return _CHILDREN.visit(node, None)


def walk(node: Node) -> Iterator[Node]:
    """`node` and every node under it, parents before children, left to right."""
    todo = [node]
    while todo:
        here = todo.pop()
        yield here
        todo.extend(reversed(children(here)))


def conjuncts(node: Node) -> tuple[Node, ...]:
    """The parts of a top-level `and`, or the node alone."""
    return node.parts if isinstance(node, And) else (node,)
