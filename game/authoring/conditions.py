"""What a condition can ever be: interval analysis over `Expr.tree` within the story's bounds.

Stats live in [min, max] (narrowed to their start when no effect ever moves them
that way), the clock in the day, flags are true or false (only false when nothing
ever sets them), visit counts are >= 0. Conjunctions narrow the ranges of the
names they constrain, disjunctions branch; past a budget the answer is "possible",
so a warning built on `never` is always sound. The budget is per question and per story
(STORY_BUDGET), so a story of hostile conditions costs lint a bounded time (#14).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from game.engine.clock import format_time
from game.engine.expr import EVALUATE, Scope, Value
from game.engine.exprtree import (
    MIRROR,
    NEGATE,
    NUMBERS,
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
    walk,
)
from game.engine.story import Story
from game.engine.where import LARGE_STORY

INF = float("inf")
BUDGET = 2_000  # branches explored per question before answering "possible"
# goals taken up by all the questions about one story (the 5,000-scene story takes 54,000, the 20,000-scene one
# 215,000, the shipped day 1,255): past it every answer is "possible", which costs a huge story some warnings,
# never a wrong one (a branch's cost is the goals it starts with: up to 80 parts each); the larger budget
# goes with the larger caps that DAYJOB_LARGE_STORY=1 chooses (game/engine/where.py)
STORY_BUDGET = 500_000 if LARGE_STORY else 150_000

Interval: TypeAlias = tuple[float, float]
Goal: TypeAlias = tuple[Node, bool]  # a condition and the truth value it must take
# what a search has narrowed so far: a variable's interval, a flag's possible values, the values a
# variable may not take ("!=" + its key)
Narrowed: TypeAlias = dict[tuple[str, ...], Any]
# how far (on the story's map) a day is from anything that moves a variable up (1) or down (-1)
Hint: TypeAlias = Callable[[Node, int, Any], float]


def variable(node: Node) -> tuple[str, str] | None:
    """("stat", name), ("flag", name), ("visited", scene) or ("clock", "") for a node that reads the day."""
    if isinstance(node, Stat):
        return "stat", node.name
    if isinstance(node, Flag):
        return "flag", node.name
    if isinstance(node, Visited):
        return "visited", node.scene
    if isinstance(node, Clock):
        return "clock", ""
    return None


@dataclass(frozen=True)
class Bounds:
    """The ranges a story's names can take while a scene is on screen."""

    stats: dict[str, tuple[int, int]]
    flags: dict[str, frozenset[bool]]
    clock: tuple[float, float]
    limits: dict[str, tuple[int, int]] = field(default_factory=dict)  # declared min..max, for messages
    # descriptions by tree (kept beside, so an id is never another's): a story may repeat one condition
    # thousands of times, and equal conditions share one tree
    _described: dict[int, tuple[Node, str]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, story: Story, *, at_day_end: bool = False) -> Bounds:
        """Bounds from the declarations and from what choices can change; `at_day_end` for endings."""
        up: set[str] = set()
        down: set[str] = set()
        can_be_true: set[str] = set()
        starts = {s.name: {s.start} for s in story.stats.values()}
        effect_lists = [ch.effects for sc in story.scenes.values() for ch in sc.choices]
        set_lists = [ch.sets for sc in story.scenes.values() for ch in sc.choices]
        if story.short is not None:
            for name, delta in story.short.effects:  # applied once at the start of the short day
                s = story.stats[name]
                starts[name].add(min(max(s.start + delta, s.min), s.max))
            set_lists.append(story.short.sets)
        for effects in effect_lists:
            for name, delta in effects:
                (up if delta > 0 else down if delta < 0 else set()).add(name)
        for sets in set_lists:
            for name, value in sets:
                if value is True:
                    can_be_true.add(name)
        stats = {}
        for s in story.stats.values():
            lo = s.min if s.name in down else min(starts[s.name])
            hi = s.max if s.name in up else max(starts[s.name])
            stats[s.name] = (lo, hi)
        flags = {f: frozenset({False, True}) if f in can_be_true else frozenset({False}) for f in story.flags}
        begin = min([story.clock_start] + ([story.short.clock_start] if story.short else []))
        end = max([story.clock_end] + ([story.short.clock_end] if story.short else []))
        # a scene is only on screen before the day ends; endings are chosen at or after it
        clock = (begin, INF) if at_day_end else (begin, end - 1)
        limits = {s.name: (s.min, s.max) for s in story.stats.values()}
        return cls(stats, flags, clock, limits)

    def describe(self, tree: Node) -> str:
        """The ranges of the names a condition uses, for a warning: "energy is 0..10"."""
        known = self._described.get(id(tree))
        if known is not None and known[0] is tree:
            return known[1]
        text = self._describe(tree)
        self._described[id(tree)] = (tree, text)
        return text

    def _describe(self, tree: Node) -> str:
        parts = []
        for kind, name in sorted(set(_names(tree))):
            if kind == "stat":
                lo, hi = self.stats[name]
                dmin, dmax = self.limits.get(name, (lo, hi))
                if lo == hi and (dmin, dmax) != (lo, hi):
                    parts.append(f"{name} is always {lo}: no effect changes it")
                elif (lo, hi) == (dmin, dmax):
                    parts.append(f"{name} is {lo}..{hi}")
                else:
                    why = "no effect raises it" if hi < dmax else "no effect lowers it"
                    parts.append(f"{name} is {lo}..{hi}: {why}")
            elif kind == "flag":
                if self.flags.get(name) == frozenset({False}):
                    parts.append(f"{name} is never set to true")
            elif kind == "clock":
                begin, until = self.clock
                until_text = "the end of the day" if until == INF else format_time(int(until))
                parts.append(f"clock is {format_time(int(begin))}..{until_text}")
        return ", ".join(parts)


def _names(tree: Node) -> Iterator[tuple[str, str]]:
    """The stats, flags and clock a condition reads (the clock as ("clock", ""))."""
    for node in walk(tree):
        var = variable(node)
        if var is not None:
            yield var


class _Budget(Exception):
    """The question took too many branches; the answer is "possible"."""


class Analyzer:
    """Answers "can these conditions hold together?" for one story's bounds (answers are cached)."""

    def __init__(self, bounds: Bounds):
        self.bounds = bounds
        self._cache: dict[tuple[tuple[int, bool], ...], bool] = {}
        self._keep: list[list[Goal]] = []  # the trees behind the cache's keys, so their ids stay theirs
        self._steps = 0
        self._goals = 0  # goals taken up by this question
        self._left = STORY_BUDGET  # goals the questions still to come may take up
        self._goal = _Goals(self)
        # the values a sub-condition can take within what a search has narrowed (bound once: called per link)
        self.interval: Callable[[Node, Narrowed], Interval] = _Interval(bounds).visit

    def can_hold(self, tree: Node | None) -> bool:
        return True if tree is None else self.possible([(tree, True)])

    def possible(self, goals: list[Goal]) -> bool:
        """Whether every (tree, wanted truth value) can be met at once."""
        # trees live as long as the story and equal conditions share one tree, so identity is a cheap key
        key = tuple((id(t), w) for t, w in goals)
        hit = self._cache.get(key)
        if hit is None:
            self._steps = self._goals = 0
            try:
                hit = self.search(list(goals), {}) if self._left > 0 else True
            except _Budget:
                hit = True
            self._left -= self._goals
            self._cache[key] = hit
            self._keep.append(goals)
        return hit

    # -- search ---------------------------------------------------------------------------

    def search(self, goals: list[Goal], env: Narrowed) -> bool:
        """Whether the goals can all be met within what `env` has narrowed (`goals` and `env` are used up)."""
        self._steps += 1
        self._goals += len(goals)
        if self._steps > BUDGET or self._goals > self._left:
            raise _Budget
        visit = self._goal.visit
        while goals:
            tree, want = goals.pop()
            done = visit(tree, (want, goals, env))
            if done is not None:
                return done
        return True

    def branch(self, goals: list[Goal], env: Narrowed, options: Iterator[Goal]) -> bool:
        """Whether the goals can be met together with any one of the options (each tried on its own)."""
        return any(self.search([*goals, option], dict(env)) for option in options)

    def flag(self, env: Narrowed, name: str) -> frozenset[bool]:
        got: frozenset[bool] = env.get(("flag", name), self.bounds.flags.get(name, frozenset({False, True})))
        return got

    def _truths(self, tree: Node, env: Narrowed) -> frozenset[bool]:
        """The truth values a boolean sub-condition can take (without narrowing anything)."""
        if isinstance(tree, Bool):
            return frozenset({tree.value})
        if isinstance(tree, Flag):
            return self.flag(env, tree.name)
        return frozenset(want for want in (True, False) if self.search([(tree, want)], dict(env)))

    def compare(self, op: CmpOp, a: Node, b: Node, env: Narrowed) -> bool:
        """Whether `a op b` can hold; narrows what it constrains in `env`."""
        if not isinstance(a, NUMBERS) or not isinstance(b, NUMBERS):
            return self._compare_truths(op, a, b, env)
        ia, ib = self.interval(a, env), self.interval(b, env)
        if not _feasible(op, ia, ib):
            return False
        for var, other, o in ((a, ib, op), (b, ia, MIRROR[op])):
            key = variable(var)
            if key is None:
                continue
            lo, hi = _narrow(o, self.interval(var, env), other)
            holes = env.get(("!=", *key), frozenset())
            if o == "!=" and other[0] == other[1]:
                holes = holes | {other[0]}  # an interval cannot hold a hole; remember it beside
                env["!=", *key] = holes
            while lo in holes:
                lo += 1
            while hi in holes:
                hi -= 1
            if lo > hi:
                return False
            env[key] = (lo, hi)
        return True

    def _compare_truths(self, op: CmpOp, a: Node, b: Node, env: Narrowed) -> bool:
        ta, tb = self._truths(a, env), self._truths(b, env)
        if op == "==":
            ok = bool(ta & tb)
        else:  # "!=" (the loader refuses < and > on true/false)
            ok = any(x != y for x in ta for y in tb)
        if not ok:
            return False
        for var, other in ((a, tb), (b, ta)):
            if isinstance(var, Flag) and len(other) == 1:
                (v,) = other
                keep = self.flag(env, var.name) & ({v} if op == "==" else {not v})
                if not keep:
                    return False
                env["flag", var.name] = frozenset(keep)
        return True


Search: TypeAlias = tuple[bool, list[Goal], Narrowed]  # the truth value wanted, the goals left, the narrowing


class _Goals(Visitor[Search, "bool | None"]):
    """One goal of a search: None when it is met (or left for later), else whether the search succeeds."""

    def __init__(self, an: Analyzer):
        self.an = an

    def visit_bool(self, node: Bool, ctx: Search) -> bool | None:
        return None if node.value == ctx[0] else False

    def visit_not(self, node: Not, ctx: Search) -> bool | None:
        ctx[1].append((node.operand, not ctx[0]))
        return None

    def _junction(self, node: And | Or, ctx: Search) -> bool | None:
        want, goals, env = ctx
        if isinstance(node, And) == want:  # all parts must take `want`
            goals.extend((p, want) for p in node.parts)
            return None
        return self.an.branch(goals, env, ((p, want) for p in node.parts))  # one part is enough

    visit_and = visit_or = _junction

    def visit_flag(self, node: Flag, ctx: Search) -> bool | None:
        want, _, env = ctx
        values = self.an.flag(env, node.name) & {want}
        if not values:
            return False
        env["flag", node.name] = frozenset(values)
        return None

    def visit_cmp(self, node: Cmp, ctx: Search) -> bool | None:
        want, goals, env = ctx
        links = list(zip(node.ops, node.operands, node.operands[1:]))
        if want or len(links) == 1:
            for op, a, b in links:
                if not self.an.compare(op if want else NEGATE[op], a, b, env):
                    return False
            return None
        # a chain fails when any one link fails
        return self.an.branch(goals, env, ((Cmp((NEGATE[op],), (a, b)), True) for op, a, b in links))

    def _number(self, node: Num | Stat | Clock | Visited | Add | Sub | Neg, ctx: Search) -> bool | None:
        """An integer used as a truth value: true when not zero."""
        want, _, env = ctx
        lo, hi = self.an.interval(node, env)
        if want and lo == hi == 0:
            return False
        if not want and not lo <= 0 <= hi:
            return False
        return None

    visit_num = visit_stat = visit_clock = visit_visited = visit_add = visit_sub = visit_neg = _number


class _Interval(Visitor[Narrowed, Interval]):
    """The values a sub-condition can take, within the bounds and what a search has narrowed."""

    def __init__(self, bounds: Bounds):
        self.bounds = bounds

    def visit_num(self, node: Num, ctx: Narrowed) -> Interval:
        return node.value, node.value

    def visit_stat(self, node: Stat, ctx: Narrowed) -> Interval:
        got: Interval = ctx.get(("stat", node.name), self.bounds.stats.get(node.name, (-INF, INF)))
        return got

    def visit_clock(self, node: Clock, ctx: Narrowed) -> Interval:
        got: Interval = ctx.get(("clock", ""), self.bounds.clock)
        return got

    def visit_visited(self, node: Visited, ctx: Narrowed) -> Interval:
        got: Interval = ctx.get(("visited", node.scene), (0, INF))
        return got

    def visit_add(self, node: Add, ctx: Narrowed) -> Interval:
        (a, b), (c, d) = self.visit(node.left, ctx), self.visit(node.right, ctx)
        return a + c, b + d

    def visit_sub(self, node: Sub, ctx: Narrowed) -> Interval:
        (a, b), (c, d) = self.visit(node.left, ctx), self.visit(node.right, ctx)
        return a - d, b - c

    def visit_neg(self, node: Neg, ctx: Narrowed) -> Interval:
        a, b = self.visit(node.operand, ctx)
        return -b, -a

    def visit_bool(self, node: Bool, ctx: Narrowed) -> Interval:  # true/false used as a number (== and != only)
        return int(node.value), int(node.value)

    def _truth(self, node: Flag | Not | And | Or | Cmp, ctx: Narrowed) -> Interval:
        return 0, 1  # a truth value used as a number

    visit_flag = visit_not = visit_and = visit_or = visit_cmp = _truth


def _feasible(op: CmpOp, a: Interval, b: Interval) -> bool:
    """Whether some x in a and y in b satisfy `x op y` (integers)."""
    if op == "<":
        return a[0] < b[1]
    if op == "<=":
        return a[0] <= b[1]
    if op == ">":
        return a[1] > b[0]
    if op == ">=":
        return a[1] >= b[0]
    if op == "==":
        return max(a[0], b[0]) <= min(a[1], b[1])
    return not (a[0] == a[1] == b[0] == b[1])  # "!="


def _narrow(op: CmpOp, x: Interval, y: Interval) -> Interval:
    """x's interval, keeping only values for which some y in `y` makes `x op y` hold."""
    lo, hi = x
    if op == "<":
        hi = min(hi, y[1] - 1)
    elif op == "<=":
        hi = min(hi, y[1])
    elif op == ">":
        lo = max(lo, y[0] + 1)
    elif op == ">=":
        lo = max(lo, y[0])
    elif op == "==":
        lo, hi = max(lo, y[0]), min(hi, y[1])
    elif y[0] == y[1]:  # "!=" a single value: trim it from either end
        if lo == y[0]:
            lo += 1
        if hi == y[0]:
            hi -= 1
    return lo, hi


# -- concrete values: how far a real day's state is from making a condition hold ------------------


def value(tree: Node, state: Scope) -> Value:
    """A sub-condition's value in a day's state (stats, flags, clock, visits), as the engine computes it."""
    return _value(tree, state)


_value = EVALUATE.visit  # bound once: a route's search values every link of its goal at every state it scores


def distance(tree: Node, want: bool, state: Scope, hint: Hint | None = None) -> float:
    """0 when the condition has the wanted truth value in `state`, else roughly how far it is from it.

    Numbers count in their own units (clock in half hours), so a search can prefer
    days that are closer to meeting a condition ("branch distance"). `hint(var, direction,
    state)`, when given, adds how far the day is from anything that moves `var` that way.
    """
    return _DISTANCE.visit(tree, (want, state, hint))


Aim: TypeAlias = tuple[bool, Scope, "Hint | None"]  # the truth value wanted, the day, the hint


class _Distance(Visitor[Aim, float]):
    """`distance`, node by node."""

    def visit_not(self, node: Not, ctx: Aim) -> float:
        want, state, hint = ctx
        return self.visit(node.operand, (not want, state, hint))

    def _junction(self, node: And | Or, ctx: Aim) -> float:
        parts = [self.visit(t, ctx) for t in node.parts]
        return sum(parts) if isinstance(node, And) == ctx[0] else min(parts)

    visit_and = visit_or = _junction

    def visit_cmp(self, node: Cmp, ctx: Aim) -> float:
        want, state, hint = ctx
        operands = node.operands
        links = [
            _link(op if want else NEGATE[op], a, b, state, hint) for op, a, b in zip(node.ops, operands, operands[1:])
        ]
        return sum(links) if want else min(links)

    def _truth(self, node: Bool | Flag, ctx: Aim) -> float:
        want, state, hint = ctx
        if bool(_value(node, state)) == want:
            return 0.0
        return 1.0 + (hint(node, 1 if want else -1, state) if hint and isinstance(node, Flag) else 0.0)

    visit_bool = visit_flag = _truth

    def _number(self, node: Num | Stat | Clock | Visited | Add | Sub | Neg, ctx: Aim) -> float:
        want, state, _ = ctx
        return 0.0 if (_value(node, state) != 0) == want else 1.0

    visit_num = visit_stat = visit_clock = visit_visited = visit_add = visit_sub = visit_neg = _number


_DISTANCE = _Distance()


def _link(op: CmpOp, a: Node, b: Node, state: Scope, hint: Hint | None = None) -> float:
    x, y = _value(a, state), _value(b, state)
    if isinstance(x, bool) or isinstance(y, bool):
        if (x == y) == (op == "=="):
            return 0.0
        extra = 0.0
        if hint:  # flag == true/false: move the flag to the other side's value
            for var, other in ((a, y), (b, x)):
                if isinstance(var, Flag):
                    extra = hint(var, 1 if (other if op == "==" else not other) else -1, state)
                    break
        return 1.0 + extra
    gap = {"<": x - y + 1, "<=": x - y, ">": y - x + 1, ">=": y - x, "==": abs(x - y), "!=": 1 if x == y else 0}[op]
    if gap <= 0:
        return 0.0
    scale = 30.0 if isinstance(a, Clock) or isinstance(b, Clock) else 1.0
    extra = 0.0
    if hint:
        up = op in (">", ">=") or (op == "==" and x < y)  # a must rise (or b fall)
        if op == "!=":
            extra = min(hint(a, 1, state), hint(a, -1, state))
        else:
            extra = min(hint(a, 1 if up else -1, state), hint(b, -1 if up else 1, state))
    return gap / scale + extra
