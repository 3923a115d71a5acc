"""The condition language: parsed once with `ast` against a whitelist, then interpreted.

Nothing a story writes is ever given to `eval`: the parse tree is checked node
by node, turned into a small tuple tree, and that tree into closures.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

from game.engine.clock import parse_time
from game.engine.suggest import did_you_mean

MAX_LENGTH = 400
MAX_DEPTH = 12
MAX_NODES = 80
RESERVED = frozenset({"clock", "true", "false", "visited", "and", "or", "not", "back", "end"})


class ExprError(Exception):
    """An expression that cannot be used; `offset` is where in its text (0-based)."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


_CLOCK = frozenset({"clock"})


@dataclass(frozen=True)
class Env:
    """The names an expression may use."""

    stats: frozenset[str]
    flags: frozenset[str]
    scenes: frozenset[str] | None = None  # None: scene ids are checked elsewhere
    words: frozenset[str] = frozenset()  # named only to say they cannot be tested
    # compiled expressions by source, kept per Env: a shared cache keyed on (src, env) compared Envs
    # on every lookup after a reload, i.e. two frozensets of every scene id (quadratic in scenes)
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)


class Scope(Protocol):
    """What a condition reads from a day (a `DayState` has it all)."""

    @property
    def stats(self) -> Mapping[str, int]: ...
    @property
    def flags(self) -> Mapping[str, bool]: ...
    @property
    def clock(self) -> int: ...
    @property
    def visits(self) -> Mapping[str, int]: ...


# An evaluator returns the condition's value: a bool, or an int for a number-valued one such as
# `visited("x")`; callers test its truth, and some keep the value itself, hence Any.
Evaluator = Callable[[Scope], Any]


@dataclass(frozen=True)
class Expr:
    """A compiled condition: its source, its checked tree and its evaluator."""

    src: str
    tree: tuple
    fn: Evaluator
    scenes: frozenset[str]

    def __call__(self, state: Scope) -> bool:
        return bool(self.fn(state))

    def __reduce__(self) -> tuple:
        """Pickled as its checked tree (the compiled-story cache, game/engine/cache.py); read back, the
        evaluator is built again from the tree, as compiling did, without parsing or checking."""
        return (_from_tree, (self.src, self.tree, self.scenes))

    def both(self, other: Expr) -> Expr:
        """`self and other`, from two compiled conditions (each was checked, and placed, on its own)."""
        a, b = self.fn, other.fn
        return Expr(
            f"({self.src}) and ({other.src})",
            ("and", self.tree, other.tree),
            lambda s: bool(a(s)) and bool(b(s)),
            self.scenes | other.scenes,
        )


_CMP = {
    ast.Eq: ("==", operator.eq),
    ast.NotEq: ("!=", operator.ne),
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
}
_FORBIDDEN_HINTS = {
    ast.Pow: "'**' is not allowed: only + and - do arithmetic",
    ast.Mult: "'*' is not allowed: only + and - do arithmetic",
    ast.Div: "'/' is not allowed: only + and - do arithmetic",
    ast.FloorDiv: "'//' is not allowed: only + and - do arithmetic",
    ast.Mod: "'%' is not allowed: only + and - do arithmetic",
    ast.Attribute: "attributes (a.b) are not allowed",
    ast.Subscript: "subscripts (a[b]) are not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.IfExp: "'x if c else y' is not allowed; use branches in `goto` instead",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Dict: "mappings are not allowed",
    ast.Set: "sets are not allowed",
}


def compile_expr(src: object, env: Env) -> Expr:
    """Check and compile one expression; raises ExprError with an offset."""
    if isinstance(src, bool):
        src = "true" if src else "false"
    elif isinstance(src, int):
        src = str(src)
    if not isinstance(src, str):
        raise ExprError(f"a condition must be text like `energy >= 3`, not {type(src).__name__}")
    cache = env.cache
    hit = cache.get(src)
    if hit is None:
        hit = _compile_uncached(src, env)
        if len(cache) < 50_000:
            cache[src] = hit
    tree, fn, scenes = hit
    return Expr(src, tree, fn, scenes)


def _compile_uncached(src: str, env: Env) -> tuple:
    if len(src) > MAX_LENGTH:
        raise ExprError(f"the condition is {len(src)} characters long; the limit is {MAX_LENGTH}")
    if not src.strip():
        raise ExprError("the condition is empty")
    text = src.strip()
    lead = len(src) - len(src.lstrip())
    try:
        node = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        hint = _operator_hint(text)
        if hint is not None:
            raise ExprError(f"cannot read the condition: {hint[0]}", hint[1] + lead) from None
        offset = max((exc.offset or 1) - 1, 0) + lead
        raise ExprError(f"cannot read the condition: {exc.msg}", offset) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("the condition nests too deeply") from None
    if isinstance(node.body, ast.Constant) and isinstance(node.body.value, str) and text[0] in "\"'":
        raise ExprError(
            f"the whole condition is in quotes, so it reads as the text {node.body.value!r}; inside a "
            f'condition quotes mark only a time ("10:30") or a scene in visited("…"): write {node.body.value}',
            lead,
        )
    checker = _Checker(env, lead)
    tree, kind = checker.visit(node.body, 0)
    if kind not in ("bool", "int"):
        raise ExprError("the condition must be true or false", lead)
    return tree, _build(tree), frozenset(checker.scenes)


# outside quoted text: `=>`, `=<`, or a lone `=` (not part of == != <= >=)
_MISTYPED = re.compile(r"\"[^\"]*\"|'[^']*'|(=>|=<|(?<![=!<>])=(?!=))")
_MISTYPED_FIX = {
    "=>": "write `>=` (at least), not `=>`",
    "=<": "write `<=` (at most), not `=<`",
    "=": "`=` is not a comparison; to test equality write `==`",
}


def _operator_hint(text: str) -> tuple[str, int] | None:
    """A mistyped comparison in a condition that does not parse: what to write, and where."""
    for m in _MISTYPED.finditer(text):
        if m.group(1):
            return _MISTYPED_FIX[m.group(1)], m.start(1)
    return None


class _Checker:
    def __init__(self, env: Env, lead: int):
        self.env = env
        self.lead = lead
        self.count = 0
        self.scenes: set[str] = set()

    def fail(self, node: ast.AST, message: str) -> NoReturn:
        raise ExprError(message, getattr(node, "col_offset", 0) + self.lead)

    # long: one branch per node of the whitelist (#12 item 4: a typed tree will split it)
    def visit(self, node: ast.AST, depth: int) -> tuple[tuple, str]:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node, f"the condition has more than {MAX_NODES} parts; split it")
        if depth > MAX_DEPTH:
            self.fail(node, f"the condition nests deeper than {MAX_DEPTH} levels")
        d = depth + 1
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            parts = [self.visit(v, d) for v in node.values]
            for (_, k), sub in zip(parts, node.values):
                if k == "time":
                    self.fail(sub, 'a time alone is not a condition; compare it: clock >= "10:00"')
            return (op, *[t for t, _ in parts]), "bool"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                t, k = self.visit(node.operand, d)
                return ("not", t), "bool"
            if isinstance(node.op, ast.USub):
                t, k = self.visit(node.operand, d)
                if k == "bool":
                    self.fail(node, "'-' needs a number")
                if t[0] == "num":
                    return ("num", -t[1]), "int"
                return ("neg", t), "int"
            if isinstance(node.op, ast.UAdd):
                return self.visit(node.operand, d)
            self.fail(node, "'~' is not allowed")
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, (ast.Add, ast.Sub)):
                self.fail(node, _FORBIDDEN_HINTS.get(type(node.op), "only + and - do arithmetic"))
            (a, ka), (b, kb) = self.visit(node.left, d), self.visit(node.right, d)
            for k, n in ((ka, node.left), (kb, node.right)):
                if k == "bool":
                    self.fail(n, "'+' and '-' need numbers, not true/false")
            op = "add" if isinstance(node.op, ast.Add) else "sub"
            return (op, a, b), "int"
        if isinstance(node, ast.Compare):
            left, kl = self.visit(node.left, d)
            items = [(left, kl, node.left)]
            ops = []
            for cmp_op, right in zip(node.ops, node.comparators):
                if type(cmp_op) not in _CMP:
                    self.fail(node, "only == != < <= > >= compare")
                t, k = self.visit(right, d)
                items.append((t, k, right))
                ops.append(_CMP[type(cmp_op)][0])
            for i, op in enumerate(ops):
                ka, kb = items[i][1], items[i + 1][1]
                nums = {"int", "time"}
                if op in ("<", "<=", ">", ">=") and (ka == "bool" or kb == "bool"):
                    self.fail(items[i + 1][2], f"'{op}' compares numbers or times, not true/false")
                if (ka == "bool") != (kb == "bool") and not ({ka, kb} <= nums):
                    self.fail(items[i + 1][2], "this compares true/false with a number")
            return ("cmp", tuple(ops), tuple(t for t, _, _ in items)), "bool"
        if isinstance(node, ast.Name):
            name = node.id
            if name in ("true", "True"):
                return ("bool", True), "bool"
            if name in ("false", "False"):
                return ("bool", False), "bool"
            if name == "clock":
                return ("clock",), "time"
            if name in self.env.stats:
                return ("stat", name), "int"
            if name in self.env.flags:
                return ("flag", name), "bool"
            if name in self.env.words:
                self.fail(
                    node,
                    f"{name!r} is a word, and words cannot be tested in conditions; set a flag where you set "
                    f"the word (e.g. `set: {{{name}: ..., {name}_chosen: true}}`) and test the flag",
                )
            hint = did_you_mean(name, self.env.stats, self.env.flags, _CLOCK) or (
                " (declare it under `stats:` or `flags:` in story.yaml)"
            )
            self.fail(node, f"unknown name {name!r}{hint}")
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                return ("bool", v), "bool"
            if isinstance(v, int):
                if abs(v) > 10**9:
                    self.fail(node, "that number is too large")
                return ("num", v), "int"
            if isinstance(v, str):
                minutes = parse_time(v)
                if minutes is None:
                    self.fail(node, f'text {v!r} is only allowed as a time like "10:30"')
                return ("num", minutes), "time"
            self.fail(node, f"{type(v).__name__} values are not allowed; use whole numbers")
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id == "visited"):
                self.fail(node, 'the only function is visited("scene_id")')
            if (
                node.keywords
                or len(node.args) != 1
                or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))
            ):
                self.fail(node, 'visited takes one scene id in quotes: visited("standup")')
            scene = node.args[0].value
            if self.env.scenes is not None and scene not in self.env.scenes:
                hint = did_you_mean(scene, self.env.scenes)
                self.fail(node.args[0], f"visited() names unknown scene {scene!r}{hint}")
            self.scenes.add(scene)
            return ("visited", scene), "int"
        self.fail(node, _FORBIDDEN_HINTS.get(type(node), f"{type(node).__name__} is not allowed in a condition"))
        raise AssertionError  # unreachable; fail raises


def _from_tree(src: str, tree: tuple, scenes: frozenset[str]) -> Expr:
    return Expr(src, tree, _build(tree), scenes)


_BOOLEAN = frozenset({"cmp", "not", "and", "or", "bool"})  # kinds whose evaluator already returns a bool


def _build(t: tuple) -> Evaluator:
    """Closures for a checked tree; the state has stats, flags, clock and visits.

    The shapes stories use most (a flag, `not` a flag, a stat, the clock or a visit count compared with a
    number, and/or chains) get one closure each rather than one per node: conditions are evaluated
    several times a step (bench/bench_playtest.py), and each closure call was most of their cost."""
    kind = t[0]
    if kind == "num" or kind == "bool":
        value = t[1]
        return lambda s: value
    if kind == "stat":
        name = t[1]
        return lambda s: s.stats[name]
    if kind == "flag":
        name = t[1]
        return lambda s: s.flags[name]
    if kind == "clock":
        return lambda s: s.clock
    if kind == "visited":
        scene = t[1]
        return lambda s: s.visits.get(scene, 0)
    if kind == "not":
        if t[1][0] == "flag":
            name = t[1][1]
            return lambda s: not s.flags[name]
        a = _build(t[1])
        return lambda s: not a(s)
    if kind == "neg":
        a = _build(t[1])
        return lambda s: -a(s)
    if kind == "add":
        a, b = _build(t[1]), _build(t[2])
        return lambda s: a(s) + b(s)
    if kind == "sub":
        a, b = _build(t[1]), _build(t[2])
        return lambda s: a(s) - b(s)
    if kind == "and" or kind == "or":
        return _chain(kind, [_truth(x) for x in t[1:]])
    if kind == "cmp":
        ops = [_CMP_BY_NAME[o] for o in t[1]]
        if len(ops) == 1:
            return _compare(ops[0], t[2][0], t[2][1])
        fns = [_build(x) for x in t[2]]

        def chained(s):
            left = fns[0](s)
            for op, fn in zip(ops, fns[1:]):
                right = fn(s)
                if not op(left, right):
                    return False
                left = right
            return True

        return chained
    raise AssertionError(kind)


def _truth(t: tuple) -> Evaluator:
    """An evaluator of `t` that returns a bool."""
    fn = _build(t)
    if t[0] in _BOOLEAN:
        return fn
    if t[0] == "flag":
        name = t[1]
        return lambda s: bool(s.flags[name])
    return lambda s: bool(fn(s))


def _chain(kind: str, parts: list[Evaluator]) -> Evaluator:
    """`a and b and ...` (or `or`) over evaluators that return bools, left to right, stopping as Python does."""
    if len(parts) > 4:  # rare: a chain of chains
        return _chain(kind, [*parts[:3], _chain(kind, parts[3:])])
    if kind == "and":
        if len(parts) == 2:
            a, b = parts
            return lambda s: a(s) and b(s)
        if len(parts) == 3:
            a, b, c = parts
            return lambda s: a(s) and b(s) and c(s)
        a, b, c, d = parts
        return lambda s: a(s) and b(s) and c(s) and d(s)
    if len(parts) == 2:
        a, b = parts
        return lambda s: a(s) or b(s)
    if len(parts) == 3:
        a, b, c = parts
        return lambda s: a(s) or b(s) or c(s)
    a, b, c, d = parts
    return lambda s: a(s) or b(s) or c(s) or d(s)


def _compare(op: Callable[[Any, Any], bool], left: tuple, right: tuple) -> Evaluator:
    """`left op right`, with a number on one side read as a constant and a clock, stat or visit count on the
    other read straight from the state."""
    for this, other, flip in ((left, right, False), (right, left, True)):
        if other[0] != "num":
            continue
        v = other[1]
        f = _MIRROR[op] if flip else op  # `3 < x` is `x > 3`
        if this[0] == "clock":
            return lambda s: f(s.clock, v)
        if this[0] == "stat":
            name = this[1]
            return lambda s: f(s.stats[name], v)
        if this[0] == "visited":
            scene = this[1]
            return lambda s: f(s.visits.get(scene, 0), v)
    a, b = _build(left), _build(right)
    return lambda s: op(a(s), b(s))


_CMP_BY_NAME = {name: fn for name, fn in _CMP.values()}
_MIRROR = {
    operator.eq: operator.eq,
    operator.ne: operator.ne,
    operator.lt: operator.gt,
    operator.le: operator.ge,
    operator.gt: operator.lt,
    operator.ge: operator.le,
}
