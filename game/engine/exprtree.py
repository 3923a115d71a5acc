"""The condition language's tree: one frozen node type per construct, and `Visitor`, the one walk over them.

Every use of a checked condition reads it through this module: `Visitor.visit` where an answer is built
node by node (the compiled closures and the reference evaluator in engine/expr.py, the writer tools'
satisfiability, intervals and distances in authoring/conditions.py), `walk` where every node is looked
at (the names lint and a warning's description read), `conjuncts` for a top-level `and` (the clock
window of an interruption, engine/story.py). A new kind of node is added here; a visitor that does not
answer for it cannot be instantiated, and mypy says so where it is made.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeAlias, TypeVar

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


def method_name(kind: type[Node]) -> str:
    """The name of a visitor's method for a kind of node: `visit_cmp` for `Cmp`."""
    return "visit_" + kind.__name__.lower()


NUMBERS = (Num, Stat, Clock, Visited, Add, Sub, Neg)  # the nodes whose value is a whole number
TRUTHS = (Bool, Flag, Not, And, Or, Cmp)  # the nodes whose value is true or false

C = TypeVar("C")  # what a visit is given beside the node (None when it needs nothing)
R = TypeVar("R")  # what a visit answers


class Visitor(ABC, Generic[C, R]):
    """An answer for each kind of node; `visit` picks the method for a node (a subclass must answer all)."""

    __slots__ = ()
    # node class -> this class's method for it, made once per subclass: one lookup a visit (a `match`
    # over thirteen classes was a quarter of `dayjob check`'s analysis time)
    _methods: ClassVar[dict[type[Node], Callable[..., Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._methods = {kind: getattr(cls, method_name(kind)) for kind in NODES}

    def visit(self, node: Node, ctx: C) -> R:
        """This visitor's answer for `node`."""
        answer: R = self._methods[node.__class__](self, node, ctx)
        return answer

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
    under = _CHILDREN._methods  # `children` without a call per node: lint walks every condition of a story
    todo = [node]
    while todo:
        here = todo.pop()
        yield here
        todo.extend(reversed(under[here.__class__](_CHILDREN, here, None)))


def conjuncts(node: Node) -> tuple[Node, ...]:
    """The parts of a top-level `and`, or the node alone."""
    return node.parts if isinstance(node, And) else (node,)
