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
from dataclasses import FrozenInstanceError
from typing import Any, ClassVar, Generic, Literal, TypeAlias, TypeVar

CmpOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
ORDERS: frozenset[CmpOp] = frozenset({"<", "<=", ">", ">="})  # the comparisons that need numbers
MIRROR: dict[CmpOp, CmpOp] = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}  # `3 < x` is `x > 3`
NEGATE: dict[CmpOp, CmpOp] = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}  # `not x < 3`


class _Node:
    """What every node shares: frozen, compared and hashed by its fields, and pickled as its class and fields
    (the compiled-story cache, engine/cache.py).

    Written out rather than made by `@dataclass(frozen=True, slots=True)`, which behaves the same: making
    thirteen dataclasses took ~8 ms of every start, on the way to the title screen (bench/bench_startup.py).
    """

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())  # as a frozen dataclass hashes

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[_Node], tuple[object, ...]]:
        # the class called with its fields is about twice as fast to read back as a dataclass's default
        return (type(self), self._fields())


class Num(_Node):
    """A whole number; a time of day written "10:30" is its minutes since midnight."""

    __slots__ = ("value",)
    __match_args__ = ("value",)
    value: int

    def __init__(self, value: int) -> None:
        object.__setattr__(self, "value", value)


class Bool(_Node):
    """`true` or `false`."""

    __slots__ = ("value",)
    __match_args__ = ("value",)
    value: bool

    def __init__(self, value: bool) -> None:
        object.__setattr__(self, "value", value)


class Stat(_Node):
    """A declared stat's value."""

    __slots__ = ("name",)
    __match_args__ = ("name",)
    name: str

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)


class Flag(_Node):
    """A declared flag's value."""

    __slots__ = ("name",)
    __match_args__ = ("name",)
    name: str

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "name", name)


class Clock(_Node):
    """`clock`: the time of day in minutes since midnight."""

    __slots__ = ()
    __match_args__ = ()


class Visited(_Node):
    """`visited("scene")`: how many times the day has entered a scene."""

    __slots__ = ("scene",)
    __match_args__ = ("scene",)
    scene: str

    def __init__(self, scene: str) -> None:
        object.__setattr__(self, "scene", scene)


class Not(_Node):
    """`not x`."""

    __slots__ = ("operand",)
    __match_args__ = ("operand",)
    operand: Node

    def __init__(self, operand: Node) -> None:
        object.__setattr__(self, "operand", operand)


class Neg(_Node):
    """`-x` (of anything but a number, which is read as a negative number)."""

    __slots__ = ("operand",)
    __match_args__ = ("operand",)
    operand: Node

    def __init__(self, operand: Node) -> None:
        object.__setattr__(self, "operand", operand)


class Add(_Node):
    """`a + b`."""

    __slots__ = ("left", "right")
    __match_args__ = ("left", "right")
    left: Node
    right: Node

    def __init__(self, left: Node, right: Node) -> None:
        object.__setattr__(self, "left", left)
        object.__setattr__(self, "right", right)


class Sub(_Node):
    """`a - b`."""

    __slots__ = ("left", "right")
    __match_args__ = ("left", "right")
    left: Node
    right: Node

    def __init__(self, left: Node, right: Node) -> None:
        object.__setattr__(self, "left", left)
        object.__setattr__(self, "right", right)


class And(_Node):
    """`a and b and ...` (two or more parts)."""

    __slots__ = ("parts",)
    __match_args__ = ("parts",)
    parts: tuple[Node, ...]

    def __init__(self, parts: tuple[Node, ...]) -> None:
        object.__setattr__(self, "parts", parts)


class Or(_Node):
    """`a or b or ...` (two or more parts)."""

    __slots__ = ("parts",)
    __match_args__ = ("parts",)
    parts: tuple[Node, ...]

    def __init__(self, parts: tuple[Node, ...]) -> None:
        object.__setattr__(self, "parts", parts)


class Cmp(_Node):
    """`a < b` or a chain `a <= b < c`: one operator between each two operands."""

    __slots__ = ("ops", "operands")
    __match_args__ = ("ops", "operands")
    ops: tuple[CmpOp, ...]
    operands: tuple[Node, ...]

    def __init__(self, ops: tuple[CmpOp, ...], operands: tuple[Node, ...]) -> None:
        object.__setattr__(self, "ops", ops)
        object.__setattr__(self, "operands", operands)


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
