"""The condition language: parsed once with `ast` against a whitelist, then compiled to closures.

Nothing a story writes is ever given to `eval`: the parse tree is checked node by node and turned
into the typed tree of engine/exprtree.py, and that tree into closures (`Evaluator`).
"""

from __future__ import annotations

import ast
import keyword
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, NoReturn, Protocol, TypeAlias

from game.engine.clock import parse_time
from game.engine.exprtree import (
    MIRROR,
    ORDERS,
    Add,
    And,
    Bool,
    Clock,
    Cmp,
    CmpOp,
    Flag,
    Neg,
    Node,
    Not,
    Num,
    Or,
    Stat,
    Sub,
    Visited,
    Visitor,
)
from game.engine.record import Record
from game.engine.suggest import did_you_mean
from game.engine.where import LARGE_STORY, LARGE_STORY_HINT

MAX_LENGTH = 400
MAX_DEPTH = 12
MAX_NODES = 80
# parts of all the conditions one story compiles (a condition written twice counts once): bounds what a
# hostile story's conditions cost `check` and its lint (#14); the 5,000-scene story has 52,000, the 20,000-scene
# one 198,000 (the larger cap is chosen with DAYJOB_LARGE_STORY=1, game/engine/where.py)
MAX_STORY_PARTS = 400_000 if LARGE_STORY else 120_000
RESERVED = frozenset({"clock", "true", "false", "visited", "and", "or", "not", "back", "end"})
_set = object.__setattr__  # how a frozen record's __init__ sets its fields (engine/record.py)


class ExprError(Exception):
    """An expression that cannot be used; `offset` is where in its text (0-based).

    `repeat`: the story's cap on condition parts, already reported once; not worth a problem of its own."""

    def __init__(self, message: str, offset: int = 0, *, repeat: bool = False):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.repeat = repeat


_CLOCK = frozenset({"clock"})


class Spent:
    """The parts of conditions one story has compiled so far, against MAX_STORY_PARTS."""

    __slots__ = ("parts", "told")

    def __init__(self) -> None:
        self.parts = 0
        self.told = False


class Env(Record):
    """The names an expression may use."""

    __slots__ = ("cache", "evaluators", "flags", "scenes", "spent", "stats", "words")
    __match_args__ = ("stats", "flags", "scenes", "words", "cache", "spent", "evaluators")
    COMPARED = ("stats", "flags", "scenes", "words")
    stats: frozenset[str]
    flags: frozenset[str]
    scenes: frozenset[str] | None  # None: scene ids are checked elsewhere
    words: frozenset[str]  # named only to say they cannot be tested
    # compiled expressions by source, kept per Env: a shared cache keyed on (src, env) compared Envs
    # on every lookup after a reload, i.e. two frozensets of every scene id (quadratic in scenes)
    # (the Expr itself: immutable, so equal conditions share one, made once)
    cache: dict[str, Expr]
    spent: Spent
    # False: each condition's evaluator is built on its first call, not as it is compiled (`check` calls none:
    # building them was a twentieth of its time); a day played wants them ready, its steps pay nothing
    evaluators: bool

    def __init__(
        self,
        stats: frozenset[str],
        flags: frozenset[str],
        scenes: frozenset[str] | None = None,
        words: frozenset[str] = frozenset(),
        cache: dict[str, Expr] | None = None,
        spent: Spent | None = None,
        evaluators: bool = True,
    ) -> None:
        _set(self, "stats", stats)
        _set(self, "flags", flags)
        _set(self, "scenes", scenes)
        _set(self, "words", words)
        _set(self, "cache", {} if cache is None else cache)
        _set(self, "spent", Spent() if spent is None else spent)
        _set(self, "evaluators", evaluators)


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
# `visited("x")`; callers test its truth, and some keep the value itself.
Value: TypeAlias = int | bool
Evaluator: TypeAlias = Callable[[Scope], Value]


class Compiled:
    """A checked tree with its evaluator and the scenes it names, shared by every `Expr` of one source text.

    Pickled as its tree (the compiled-story cache, engine/cache.py): read back, the evaluator is built
    again from the tree, once for all the conditions that share it, without parsing or checking."""

    __slots__ = ("_built", "fn", "lazy", "scenes", "tree")

    def __init__(self, tree: Node, scenes: frozenset[str], fn: Evaluator | None = None, *, lazy: bool = False):
        self.tree = tree
        self.scenes = scenes
        self.lazy = lazy and fn is None  # the evaluator is built on its first call
        self._built: Evaluator | None = None
        if fn is not None:
            self.fn = fn
        elif lazy:
            self.fn = self._first_use
        else:
            self.fn = _COMPILE.visit(tree, None)

    def _first_use(self, state: Scope) -> Value:
        """The evaluator of a lazily compiled condition: built from the tree on the first call, then kept."""
        fn = self._built
        if fn is None:
            fn = self._built = _COMPILE.visit(self.tree, None)
        return fn(state)

    def __reduce__(self) -> tuple[type[Compiled], tuple[Node, frozenset[str]]]:
        return (Compiled, (self.tree, self.scenes))


class Expr(Record):
    """A compiled condition: its source, its checked tree and its evaluator."""

    __slots__ = ("compiled", "fn", "scenes", "src", "tree")
    __match_args__ = ("src", "tree", "fn", "scenes", "compiled")
    COMPARED = ("src", "tree", "fn", "scenes")
    src: str
    tree: Node
    fn: Evaluator
    scenes: frozenset[str]
    compiled: Compiled

    def __init__(self, src: str, tree: Node, fn: Evaluator, scenes: frozenset[str], compiled: Compiled) -> None:
        _set(self, "src", src)
        _set(self, "tree", tree)
        _set(self, "fn", fn)
        _set(self, "scenes", scenes)
        _set(self, "compiled", compiled)

    def __call__(self, state: Scope) -> bool:
        return bool(self.fn(state))

    def __reduce__(self) -> tuple[Callable[[str, Compiled], Expr], tuple[str, Compiled]]:
        """Pickled as its source and its shared `Compiled` (which pickle keeps once however many share it)."""
        return (_expr, (self.src, self.compiled))

    def both(self, other: Expr) -> Expr:
        """`self and other`, from two compiled conditions (each was checked, and placed, on its own)."""
        a, b = self.fn, other.fn
        tree = And((self.tree, other.tree))
        src, scenes = f"({self.src}) and ({other.src})", self.scenes | other.scenes
        if self.compiled.lazy or other.compiled.lazy:  # its tree's evaluator does the same, when first called
            return _expr(src, Compiled(tree, scenes, lazy=True))
        return _expr(src, Compiled(tree, scenes, lambda s: bool(a(s)) and bool(b(s))))


def _expr(src: str, compiled: Compiled) -> Expr:
    return Expr(src, compiled.tree, compiled.fn, compiled.scenes, compiled)


_CMP: dict[type[ast.cmpop], CmpOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_FORBIDDEN_HINTS: dict[type[ast.AST], str] = {
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
        compiled = _compile_uncached(src, env)
        hit = Expr(src, compiled.tree, compiled.fn, compiled.scenes, compiled)
        if len(cache) < 50_000:
            cache[src] = hit
    return hit


def _compile_uncached(src: str, env: Env) -> Compiled:
    spent = env.spent
    if spent.parts >= MAX_STORY_PARTS:
        told, spent.told = spent.told, True
        raise ExprError(
            f"the story's conditions have more than {MAX_STORY_PARTS:,} parts in all (names, numbers and "
            "operators; a condition written twice counts once): set a flag where a long condition is decided "
            f"and test the flag instead, or split the story; {LARGE_STORY_HINT}",
            repeat=told,
        )
    if len(src) > MAX_LENGTH:
        raise ExprError(f"the condition is {len(src)} characters long; the limit is {MAX_LENGTH}")
    if not src.strip():
        raise ExprError("the condition is empty")
    text = src.strip()
    fast = _Fast.read(text, env)
    if fast is not None:  # nearly every condition a story holds; anything else, and every problem, below
        tree, count, scenes = fast
        spent.parts += count
        return Compiled(tree, scenes, lazy=not env.evaluators)
    return _compile_python(src, text, env)


def _compile_python(src: str, text: str, env: Env) -> Compiled:
    """A condition read by Python's parser and checked node by node (`text`: `src` stripped)."""
    spent = env.spent
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
    try:
        tree, kind = checker.visit(node.body, 0)
    finally:
        spent.parts += checker.count
    if kind not in ("bool", "int"):
        raise ExprError("the condition must be true or false", lead)
    return Compiled(tree, frozenset(checker.scenes), lazy=not env.evaluators)


# -- the usual condition, read without Python's parser ----------------------------------------------

# one token after optional spaces: a whole number (not run into a letter, digit, `_` or `.`), a name, a
# string in double or single quotes without escapes, or an operator the language has
_TOKEN = re.compile(
    r""" *(?:([0-9]+)(?![A-Za-z0-9_.])|([A-Za-z_][A-Za-z0-9_]*)|"([^"\\]*)"|'([^'\\]*)'|(==|!=|<=|>=|[<>+()-]))"""
)
_NUM, _NAME, _DQ, _SQ, _OP = 1, 2, 3, 4, 5
_STR = (_DQ, _SQ)
_NOT_FAST = frozenset("\n\r\t\f\v\\#")  # whatever Python reads in ways the fast path does not follow
_PY_KEYWORDS = frozenset(keyword.kwlist)
_MAX_PARENS = 40  # Python's parser refuses 200 nested; the fast path recurses a few frames a level
_CMP_OPS: dict[str, CmpOp] = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_CMP_WORDS = frozenset(_CMP_OPS)
_SIGNS = frozenset("+-")
_END = (0, "")  # after a condition's last token
_NO_SCENES: frozenset[str] = frozenset()  # shared by the conditions that name no scene
FastChecked: TypeAlias = tuple[Node, "Kind", int]  # a part's tree, kind and height (levels of Python's tree)


class _NoFast(Exception):
    """The condition is not one the fast path reads: Python's parser and `_Checker` read it."""


class _Fast:
    """Reads a condition of the usual shape straight into the tree `_Checker` makes of Python's parse of it:
    the same tree, the same parts counted (Python's nodes) and the same limits. It gives up (None) on
    anything outside that shape and on anything `_Checker` would refuse, so every problem is found, worded
    and placed as before; tests/engine/test_exprtree.py compares the two paths."""

    __slots__ = ("count", "env", "i", "scenes", "toks")

    def __init__(self, toks: list[tuple[int, str]], env: Env):
        self.toks = toks
        self.i = 0
        self.env = env
        self.count = 0
        self.scenes: set[str] = set()

    @classmethod
    def read(cls, text: str, env: Env) -> tuple[Node, int, frozenset[str]] | None:
        """(tree, parts, scenes) of a stripped condition, or None for the full path."""
        if not text.isascii() or not _NOT_FAST.isdisjoint(text) or text.count("(") > _MAX_PARENS:
            return None
        toks = []
        pos, end, match = 0, len(text), _TOKEN.match
        while pos < end:
            m = match(text, pos)
            if m is None:
                return None
            which = m.lastindex
            assert which is not None
            toks.append((which, m.group(which)))
            pos = m.end()
        toks.append(_END)  # so that the next token can always be looked at
        reader = cls(toks, env)
        try:
            tree, kind, height = reader.or_test()
        except _NoFast:
            return None
        if reader.i != len(toks) - 1 or kind == "time" or height > MAX_DEPTH + 1 or reader.count > MAX_NODES:
            return None
        return tree, reader.count, frozenset(reader.scenes) if reader.scenes else _NO_SCENES

    def is_op(self, ops: frozenset[str]) -> str | None:
        tok = self.toks[self.i]
        return tok[1] if tok[0] == _OP and tok[1] in ops else None

    def junction(self, word: str, part: Callable[[], FastChecked], kind: type[And] | type[Or]) -> FastChecked:
        """`a and b and c` (or `or`): one node of all the parts, as Python's BoolOp; a time is no part."""
        first = part()
        toks = self.toks
        tok = toks[self.i]
        if tok[0] != _NAME or tok[1] != word:
            return first
        parts = [first]
        while tok[0] == _NAME and tok[1] == word:
            self.i += 1
            parts.append(part())
            tok = toks[self.i]
        if any(k == "time" for _, k, _ in parts):
            raise _NoFast
        self.count += 1
        return kind(tuple(t for t, _, _ in parts)), "bool", 1 + max(h for _, _, h in parts)

    def or_test(self) -> FastChecked:
        return self.junction("or", self.and_test, Or)

    def and_test(self) -> FastChecked:
        return self.junction("and", self.not_test, And)

    def not_test(self) -> FastChecked:
        tok = self.toks[self.i]
        if tok[0] == _NAME and tok[1] == "not":
            self.i += 1
            tree, _, height = self.not_test()
            self.count += 1
            return Not(tree), "bool", height + 1
        return self.comparison()

    def comparison(self) -> FastChecked:
        first = self.arith()
        op = self.is_op(_CMP_WORDS)
        if op is None:
            return first
        items = [first]
        ops: list[CmpOp] = []
        while op is not None:
            self.i += 1
            ops.append(_CMP_OPS[op])
            items.append(self.arith())
            op = self.is_op(_CMP_WORDS)
        for i, cop in enumerate(ops):
            ka, kb = items[i][1], items[i + 1][1]
            if cop in ORDERS and (ka == "bool" or kb == "bool"):
                raise _NoFast
            if (ka == "bool") != (kb == "bool") and not ({ka, kb} <= _NUMERIC):
                raise _NoFast
        self.count += 1
        return Cmp(tuple(ops), tuple(t for t, _, _ in items)), "bool", 1 + max(h for _, _, h in items)

    def arith(self) -> FastChecked:
        left, kl, hl = self.factor()
        op = self.is_op(_SIGNS)
        while op is not None:
            self.i += 1
            right, kr, hr = self.factor()
            if kl == "bool" or kr == "bool":
                raise _NoFast
            self.count += 1
            left, kl, hl = (Add(left, right) if op == "+" else Sub(left, right)), "int", 1 + max(hl, hr)
            op = self.is_op(_SIGNS)
        return left, kl, hl

    def factor(self) -> FastChecked:
        op = self.is_op(_SIGNS)
        if op is None:
            return self.atom()
        self.i += 1
        tree, kind, height = self.factor()
        self.count += 1
        if op == "+":
            return tree, kind, height + 1
        if kind == "bool":
            raise _NoFast
        return (Num(-tree.value) if isinstance(tree, Num) else Neg(tree)), "int", height + 1

    def atom(self) -> FastChecked:
        which, value = self.toks[self.i]
        if not which:  # the end
            raise _NoFast
        self.i += 1
        if which == _OP:
            if value != "(":
                raise _NoFast
            inner = self.or_test()
            if self.toks[self.i] != (_OP, ")"):
                raise _NoFast
            self.i += 1
            return inner
        self.count += 1
        if which == _NUM:
            if (len(value) > 1 and value[0] == "0") or int(value) > 10**9:
                raise _NoFast
            return Num(int(value)), "int", 1
        if which in _STR:
            minutes = parse_time(value)
            if minutes is None:
                raise _NoFast
            return Num(minutes), "time", 1
        return self.name(value)

    def name(self, name: str) -> FastChecked:
        if self.toks[self.i] == (_OP, "("):
            return self.call(name)
        if name in ("true", "True"):
            return Bool(True), "bool", 1
        if name in ("false", "False"):
            return Bool(False), "bool", 1
        if name in _PY_KEYWORDS:
            raise _NoFast
        if name == "clock":
            return Clock(), "time", 1
        env = self.env
        if name in env.stats:
            return Stat(name), "int", 1
        if name in env.flags:
            return Flag(name), "bool", 1
        raise _NoFast

    def call(self, name: str) -> FastChecked:
        """`visited("scene")`: Python's Call node (its name and argument are not counted)."""
        toks, i = self.toks, self.i
        if name != "visited" or i + 2 >= len(toks) or toks[i + 1][0] not in _STR or toks[i + 2] != (_OP, ")"):
            raise _NoFast
        scene = toks[i + 1][1]
        scenes = self.env.scenes
        if scenes is not None and scene not in scenes:
            raise _NoFast
        self.i = i + 3
        self.scenes.add(scene)
        return Visited(scene), "int", 1


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


Kind: TypeAlias = Literal["bool", "int", "time"]  # what a checked part is: a time is a number written "10:30"
Checked: TypeAlias = tuple[Node, Kind]
_NUMERIC: frozenset[Kind] = frozenset({"int", "time"})


class _Checker:
    """Turns a parsed condition into a tree, refusing anything outside the language (with where and why)."""

    def __init__(self, env: Env, lead: int):
        self.env = env
        self.lead = lead
        self.count = 0
        self.scenes: set[str] = set()

    def fail(self, node: ast.AST, message: str) -> NoReturn:
        raise ExprError(message, getattr(node, "col_offset", 0) + self.lead)

    def visit(self, node: ast.AST, depth: int) -> Checked:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node, f"the condition has more than {MAX_NODES} parts; split it")
        if depth > MAX_DEPTH:
            self.fail(node, f"the condition nests deeper than {MAX_DEPTH} levels")
        d = depth + 1
        match node:
            case ast.BoolOp():
                return self.bool_op(node, d)
            case ast.UnaryOp():
                return self.unary_op(node, d)
            case ast.BinOp():
                return self.bin_op(node, d)
            case ast.Compare():
                return self.compare(node, d)
            case ast.Name():
                return self.name(node)
            case ast.Constant():
                return self.constant(node)
            case ast.Call():
                return self.call(node)
        self.fail(node, _FORBIDDEN_HINTS.get(type(node), f"{type(node).__name__} is not allowed in a condition"))

    def bool_op(self, node: ast.BoolOp, d: int) -> Checked:
        parts = [self.visit(v, d) for v in node.values]
        for (_, k), sub in zip(parts, node.values):
            if k == "time":
                self.fail(sub, 'a time alone is not a condition; compare it: clock >= "10:00"')
        trees = tuple(t for t, _ in parts)
        return (And(trees) if isinstance(node.op, ast.And) else Or(trees)), "bool"

    def unary_op(self, node: ast.UnaryOp, d: int) -> Checked:
        if isinstance(node.op, ast.Not):
            t, _ = self.visit(node.operand, d)
            return Not(t), "bool"
        if isinstance(node.op, ast.USub):
            t, k = self.visit(node.operand, d)
            if k == "bool":
                self.fail(node, "'-' needs a number")
            if isinstance(t, Num):
                return Num(-t.value), "int"
            return Neg(t), "int"
        if isinstance(node.op, ast.UAdd):
            return self.visit(node.operand, d)
        self.fail(node, "'~' is not allowed")

    def bin_op(self, node: ast.BinOp, d: int) -> Checked:
        if not isinstance(node.op, (ast.Add, ast.Sub)):
            self.fail(node, _FORBIDDEN_HINTS.get(type(node.op), "only + and - do arithmetic"))
        (a, ka), (b, kb) = self.visit(node.left, d), self.visit(node.right, d)
        for k, n in ((ka, node.left), (kb, node.right)):
            if k == "bool":
                self.fail(n, "'+' and '-' need numbers, not true/false")
        return (Add(a, b) if isinstance(node.op, ast.Add) else Sub(a, b)), "int"

    def compare(self, node: ast.Compare, d: int) -> Checked:
        left, kl = self.visit(node.left, d)
        items: list[tuple[Node, Kind, ast.expr]] = [(left, kl, node.left)]
        ops: list[CmpOp] = []
        for cmp_op, right in zip(node.ops, node.comparators):
            op = _CMP.get(type(cmp_op))
            if op is None:
                self.fail(node, "only == != < <= > >= compare")
            t, k = self.visit(right, d)
            items.append((t, k, right))
            ops.append(op)
        for i, op in enumerate(ops):
            ka, kb = items[i][1], items[i + 1][1]
            if op in ORDERS and (ka == "bool" or kb == "bool"):
                self.fail(items[i + 1][2], f"'{op}' compares numbers or times, not true/false")
            if (ka == "bool") != (kb == "bool") and not ({ka, kb} <= _NUMERIC):
                self.fail(items[i + 1][2], "this compares true/false with a number")
        return Cmp(tuple(ops), tuple(t for t, _, _ in items)), "bool"

    def name(self, node: ast.Name) -> Checked:
        name = node.id
        if name in ("true", "True"):
            return Bool(True), "bool"
        if name in ("false", "False"):
            return Bool(False), "bool"
        if name == "clock":
            return Clock(), "time"
        if name in self.env.stats:
            return Stat(name), "int"
        if name in self.env.flags:
            return Flag(name), "bool"
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

    def constant(self, node: ast.Constant) -> Checked:
        v = node.value
        if isinstance(v, bool):
            return Bool(v), "bool"
        if isinstance(v, int):
            if abs(v) > 10**9:
                self.fail(node, "that number is too large")
            return Num(v), "int"
        if isinstance(v, str):
            minutes = parse_time(v)
            if minutes is None:
                self.fail(node, f'text {v!r} is only allowed as a time like "10:30"')
            return Num(minutes), "time"
        self.fail(node, f"{type(v).__name__} values are not allowed; use whole numbers")

    def call(self, node: ast.Call) -> Checked:
        if not (isinstance(node.func, ast.Name) and node.func.id == "visited"):
            self.fail(node, 'the only function is visited("scene_id")')
        arg = node.args[0] if len(node.args) == 1 else None
        if node.keywords or not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            self.fail(node, 'visited takes one scene id in quotes: visited("standup")')
        scene = arg.value
        if self.env.scenes is not None and scene not in self.env.scenes:
            hint = did_you_mean(scene, self.env.scenes)
            self.fail(arg, f"visited() names unknown scene {scene!r}{hint}")
        self.scenes.add(scene)
        return Visited(scene), "int"


_OPERATOR: dict[CmpOp, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Evaluate(Visitor[Scope, Value]):
    """A tree's value in a day's state, walked node by node: what the language means, kept apart from the
    compiled closures (they are tested against it), and what the writer tools use to value part of a
    condition."""

    __slots__ = ()

    def visit_num(self, node: Num, ctx: Scope) -> Value:
        return node.value

    def visit_bool(self, node: Bool, ctx: Scope) -> Value:
        return node.value

    def visit_stat(self, node: Stat, ctx: Scope) -> Value:
        return ctx.stats[node.name]

    def visit_flag(self, node: Flag, ctx: Scope) -> Value:
        return ctx.flags[node.name]

    def visit_clock(self, node: Clock, ctx: Scope) -> Value:
        return ctx.clock

    def visit_visited(self, node: Visited, ctx: Scope) -> Value:
        return ctx.visits.get(node.scene, 0)

    def visit_not(self, node: Not, ctx: Scope) -> Value:
        return not self.visit(node.operand, ctx)

    def visit_neg(self, node: Neg, ctx: Scope) -> Value:
        return -self.visit(node.operand, ctx)

    def visit_add(self, node: Add, ctx: Scope) -> Value:
        return self.visit(node.left, ctx) + self.visit(node.right, ctx)

    def visit_sub(self, node: Sub, ctx: Scope) -> Value:
        return self.visit(node.left, ctx) - self.visit(node.right, ctx)

    def visit_and(self, node: And, ctx: Scope) -> Value:
        return all(self.visit(part, ctx) for part in node.parts)

    def visit_or(self, node: Or, ctx: Scope) -> Value:
        return any(self.visit(part, ctx) for part in node.parts)

    def visit_cmp(self, node: Cmp, ctx: Scope) -> Value:
        values = [self.visit(x, ctx) for x in node.operands]
        return all(_OPERATOR[op](a, b) for op, a, b in zip(node.ops, values, values[1:]))


EVALUATE = Evaluate()


def _constant(value: Value) -> Evaluator:
    return lambda s: value


class _Compile(Visitor[None, Evaluator]):
    """Closures for a checked tree; the state has stats, flags, clock and visits.

    The shapes stories use most (a flag, `not` a flag, a stat, the clock or a visit count compared with a
    number, and/or chains) get one closure each rather than one per node: conditions are evaluated
    several times a step (bench/bench_playtest.py), and each closure call was most of their cost."""

    __slots__ = ()

    def visit_num(self, node: Num, ctx: None) -> Evaluator:
        return _constant(node.value)

    def visit_bool(self, node: Bool, ctx: None) -> Evaluator:
        return _constant(node.value)

    def visit_stat(self, node: Stat, ctx: None) -> Evaluator:
        name = node.name
        return lambda s: s.stats[name]

    def visit_flag(self, node: Flag, ctx: None) -> Evaluator:
        name = node.name
        return lambda s: s.flags[name]

    def visit_clock(self, node: Clock, ctx: None) -> Evaluator:
        return lambda s: s.clock

    def visit_visited(self, node: Visited, ctx: None) -> Evaluator:
        scene = node.scene
        return lambda s: s.visits.get(scene, 0)

    def visit_not(self, node: Not, ctx: None) -> Evaluator:
        if isinstance(node.operand, Flag):
            name = node.operand.name
            return lambda s: not s.flags[name]
        a = self.visit(node.operand, None)
        return lambda s: not a(s)

    def visit_neg(self, node: Neg, ctx: None) -> Evaluator:
        a = self.visit(node.operand, None)
        return lambda s: -a(s)

    def visit_add(self, node: Add, ctx: None) -> Evaluator:
        a, b = self.visit(node.left, None), self.visit(node.right, None)
        return lambda s: a(s) + b(s)

    def visit_sub(self, node: Sub, ctx: None) -> Evaluator:
        a, b = self.visit(node.left, None), self.visit(node.right, None)
        return lambda s: a(s) - b(s)

    def visit_and(self, node: And, ctx: None) -> Evaluator:
        return _all([self.truth(x) for x in node.parts])

    def visit_or(self, node: Or, ctx: None) -> Evaluator:
        return _any([self.truth(x) for x in node.parts])

    def visit_cmp(self, node: Cmp, ctx: None) -> Evaluator:
        ops = [_OPERATOR[o] for o in node.ops]
        if len(ops) == 1:
            return _compare(node.ops[0], node.operands[0], node.operands[1])
        fns = [self.visit(x, None) for x in node.operands]

        def chained(s: Scope) -> bool:
            left = fns[0](s)
            for op, fn in zip(ops, fns[1:]):
                right = fn(s)
                if not op(left, right):
                    return False
                left = right
            return True

        return chained

    def truth(self, node: Node) -> Evaluator:
        """An evaluator of `node` that returns a bool."""
        fn = self.visit(node, None)
        if isinstance(node, (Cmp, Not, And, Or, Bool)):  # their evaluators already return a bool
            return fn
        if isinstance(node, Flag):
            name = node.name
            return lambda s: bool(s.flags[name])
        return lambda s: bool(fn(s))


_COMPILE = _Compile()


def _all(parts: list[Evaluator]) -> Evaluator:
    """`a and b and ...` over evaluators that return bools, left to right, stopping as Python does."""
    if len(parts) > 4:  # rare: a chain of chains
        return _all([*parts[:3], _all(parts[3:])])
    if len(parts) == 2:
        a, b = parts
        return lambda s: a(s) and b(s)
    if len(parts) == 3:
        a, b, c = parts
        return lambda s: a(s) and b(s) and c(s)
    a, b, c, d = parts
    return lambda s: a(s) and b(s) and c(s) and d(s)


def _any(parts: list[Evaluator]) -> Evaluator:
    """`a or b or ...` over evaluators that return bools, left to right, stopping as Python does."""
    if len(parts) > 4:
        return _any([*parts[:3], _any(parts[3:])])
    if len(parts) == 2:
        a, b = parts
        return lambda s: a(s) or b(s)
    if len(parts) == 3:
        a, b, c = parts
        return lambda s: a(s) or b(s) or c(s)
    a, b, c, d = parts
    return lambda s: a(s) or b(s) or c(s) or d(s)


def _compare(op: CmpOp, left: Node, right: Node) -> Evaluator:
    """`left op right`, with a number on one side read as a constant and a clock, stat or visit count on the
    other read straight from the state."""
    for this, other, flip in ((left, right, False), (right, left, True)):
        if not isinstance(other, Num):
            continue
        v = other.value
        f = _OPERATOR[MIRROR[op] if flip else op]  # `3 < x` is `x > 3`
        if isinstance(this, Clock):
            return lambda s: f(s.clock, v)
        if isinstance(this, Stat):
            name = this.name
            return lambda s: f(s.stats[name], v)
        if isinstance(this, Visited):
            scene = this.scene
            return lambda s: f(s.visits.get(scene, 0), v)
    a, b, fn = _COMPILE.visit(left, None), _COMPILE.visit(right, None), _OPERATOR[op]
    return lambda s: fn(a(s), b(s))
