"""What a condition can ever be: interval analysis over `Expr.tree` within the story's bounds.

Stats live in [min, max] (narrowed to their start when no effect ever moves them
that way), the clock in the day, flags are true or false (only false when nothing
ever sets them), visit counts are >= 0. Conjunctions narrow the ranges of the
names they constrain, disjunctions branch; past a budget the answer is "possible",
so a warning built on `never` is always sound.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.engine.clock import format_time
from game.engine.story import Story

INF = float("inf")
BUDGET = 2_000  # branches explored per question before answering "possible"

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_INT_KINDS = ("num", "stat", "clock", "visited", "add", "sub", "neg")


@dataclass(frozen=True)
class Bounds:
    """The ranges a story's names can take while a scene is on screen."""

    stats: dict[str, tuple[int, int]]
    flags: dict[str, frozenset[bool]]
    clock: tuple[float, float]
    limits: dict[str, tuple[int, int]] = field(default_factory=dict)  # declared min..max, for messages

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

    def describe(self, tree: tuple) -> str:
        """The ranges of the names a condition uses, for a warning: "energy is 0..10"."""
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


def _names(tree: tuple):
    kind = tree[0]
    if kind in ("stat", "flag"):
        yield kind, tree[1]
    elif kind == "clock":
        yield "clock", ""
    elif kind == "cmp":
        for t in tree[2]:
            yield from _names(t)
    elif kind in ("and", "or", "not", "add", "sub", "neg"):
        for t in tree[1:]:
            yield from _names(t)


class _Budget(Exception):
    """The question took too many branches; the answer is "possible"."""


class Analyzer:
    """Answers "can these conditions hold together?" for one story's bounds (answers are cached)."""

    def __init__(self, bounds: Bounds):
        self.bounds = bounds
        self._cache: dict[tuple, bool] = {}
        self._keep: list = []  # the trees behind the cache's keys, so their ids stay theirs

    def can_hold(self, tree: tuple | None) -> bool:
        return True if tree is None else self.possible([(tree, True)])

    def possible(self, goals: list[tuple[tuple, bool]]) -> bool:
        """Whether every (tree, wanted truth value) can be met at once."""
        # trees live as long as the story and equal conditions share one tree, so identity is a cheap key
        key = tuple((id(t), w) for t, w in goals)
        hit = self._cache.get(key)
        if hit is None:
            env: dict = {}
            self._steps = 0
            try:
                hit = self._sat(list(goals), env)
            except _Budget:
                hit = True
            self._cache[key] = hit
            self._keep.append(goals)
        return hit

    # -- search ---------------------------------------------------------------------------

    def _sat(self, goals: list, env: dict) -> bool:
        self._steps += 1
        if self._steps > BUDGET:
            raise _Budget
        while goals:
            tree, want = goals.pop()
            kind = tree[0]
            if kind == "bool":
                if tree[1] != want:
                    return False
            elif kind == "not":
                goals.append((tree[1], not want))
            elif kind in ("and", "or"):
                parts = tree[1:]
                if (kind == "and") == want:  # all parts must take `want`
                    goals.extend((p, want) for p in parts)
                else:  # one part taking `want` is enough: branch
                    return any(self._sat(goals + [(p, want)], dict(env)) for p in parts)
            elif kind == "flag":
                values = self._flag(env, tree[1]) & {want}
                if not values:
                    return False
                env[("flag", tree[1])] = frozenset(values)
            elif kind == "cmp":
                ops, operands = tree[1], tree[2]
                pairs = [(ops[i], operands[i], operands[i + 1]) for i in range(len(ops))]
                if want or len(pairs) == 1:
                    for op, a, b in pairs:
                        if not self._compare(op if want else _NEGATE[op], a, b, env):
                            return False
                else:  # a chain fails when any one link fails
                    return any(
                        self._sat(goals + [(("cmp", (_NEGATE[op],), (a, b)), True)], dict(env)) for op, a, b in pairs
                    )
            else:  # an integer used as a truth value: true when not zero
                lo, hi = self._interval(tree, env)
                if want and lo == hi == 0:
                    return False
                if not want and not lo <= 0 <= hi:
                    return False
        return True

    def _flag(self, env: dict, name: str) -> frozenset:
        return env.get(("flag", name), self.bounds.flags.get(name, frozenset({False, True})))

    def _truths(self, tree: tuple, env: dict) -> frozenset:
        """The truth values a boolean sub-condition can take (without narrowing anything)."""
        if tree[0] == "bool":
            return frozenset({tree[1]})
        if tree[0] == "flag":
            return self._flag(env, tree[1])
        out = set()
        for want in (True, False):
            if self._sat([(tree, want)], dict(env)):
                out.add(want)
        return frozenset(out)

    def _compare(self, op: str, a: tuple, b: tuple, env: dict) -> bool:
        if a[0] not in _INT_KINDS or b[0] not in _INT_KINDS:
            return self._compare_truths(op, a, b, env)
        ia, ib = self._interval(a, env), self._interval(b, env)
        if not _feasible(op, ia, ib):
            return False
        for var, other, o in ((a, ib, op), (b, ia, _FLIP[op])):
            key = _var_key(var)
            if key is None:
                continue
            lo, hi = _narrow(o, self._interval(var, env), other)
            holes = env.get(("!=",) + key, frozenset())
            if o == "!=" and other[0] == other[1]:
                holes = holes | {other[0]}  # an interval cannot hold a hole; remember it beside
                env[("!=",) + key] = holes
            while lo in holes:
                lo += 1
            while hi in holes:
                hi -= 1
            if lo > hi:
                return False
            env[key] = (lo, hi)
        return True

    def _compare_truths(self, op: str, a: tuple, b: tuple, env: dict) -> bool:
        ta, tb = self._truths(a, env), self._truths(b, env)
        if op == "==":
            both = ta & tb
            ok = bool(both)
        else:  # "!=" (the loader refuses < and > on true/false)
            ok = any(x != y for x in ta for y in tb)
            both = None
        if not ok:
            return False
        for var, other in ((a, tb), (b, ta)):
            if var[0] == "flag" and len(other) == 1:
                (v,) = other
                keep = self._flag(env, var[1]) & ({v} if op == "==" else {not v})
                if not keep:
                    return False
                env[("flag", var[1])] = frozenset(keep)
        return True

    def _interval(self, tree: tuple, env: dict) -> tuple[float, float]:
        kind = tree[0]
        if kind == "num":
            return tree[1], tree[1]
        if kind == "stat":
            return env.get(("stat", tree[1]), self.bounds.stats.get(tree[1], (-INF, INF)))
        if kind == "clock":
            return env.get(("clock",), self.bounds.clock)
        if kind == "visited":
            return env.get(("visited", tree[1]), (0, INF))
        if kind == "add":
            (a, b), (c, d) = self._interval(tree[1], env), self._interval(tree[2], env)
            return a + c, b + d
        if kind == "sub":
            (a, b), (c, d) = self._interval(tree[1], env), self._interval(tree[2], env)
            return a - d, b - c
        if kind == "neg":
            a, b = self._interval(tree[1], env)
            return -b, -a
        if kind == "bool":  # true/false used as a number (only == and != allow it)
            return int(tree[1]), int(tree[1])
        return 0, 1  # a truth value used as a number


def _var_key(tree: tuple) -> tuple | None:
    if tree[0] in ("stat", "visited"):
        return (tree[0], tree[1])
    if tree[0] == "clock":
        return ("clock",)
    return None


def _feasible(op: str, a: tuple, b: tuple) -> bool:
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


def _narrow(op: str, x: tuple, y: tuple) -> tuple[float, float]:
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


def value(tree: tuple, state) -> int | bool:
    """A sub-condition's value in a day's state (stats, flags, clock, visits), like the engine computes it."""
    kind = tree[0]
    if kind in ("num", "bool"):
        return tree[1]
    if kind == "stat":
        return state.stats[tree[1]]
    if kind == "flag":
        return state.flags[tree[1]]
    if kind == "clock":
        return state.clock
    if kind == "visited":
        return state.visits.get(tree[1], 0)
    if kind == "add":
        return value(tree[1], state) + value(tree[2], state)
    if kind == "sub":
        return value(tree[1], state) - value(tree[2], state)
    if kind == "neg":
        return -value(tree[1], state)
    return distance(tree, True, state) == 0


def distance(tree: tuple, want: bool, state, hint=None) -> float:
    """0 when the condition has the wanted truth value in `state`, else roughly how far it is from it.

    Numbers count in their own units (clock in half hours), so a search can prefer
    days that are closer to meeting a condition ("branch distance"). `hint(var, direction,
    state)`, when given, adds how far the day is from anything that moves `var` that way.
    """
    kind = tree[0]
    if kind == "not":
        return distance(tree[1], not want, state, hint)
    if kind in ("and", "or"):
        parts = [distance(t, want, state, hint) for t in tree[1:]]
        return sum(parts) if (kind == "and") == want else min(parts)
    if kind == "cmp":
        ops, operands = tree[1], tree[2]
        links = [
            _link(ops[i] if want else _NEGATE[ops[i]], operands[i], operands[i + 1], state, hint)
            for i in range(len(ops))
        ]
        return sum(links) if want else min(links)
    if kind in ("bool", "flag"):
        if bool(value(tree, state)) == want:
            return 0.0
        return 1.0 + (hint(tree, 1 if want else -1, state) if hint and kind == "flag" else 0.0)
    return 0.0 if (value(tree, state) != 0) == want else 1.0


def _link(op: str, a: tuple, b: tuple, state, hint=None) -> float:
    x, y = value(a, state), value(b, state)
    if isinstance(x, bool) or isinstance(y, bool):
        if (x == y) == (op == "=="):
            return 0.0
        extra = 0.0
        if hint:  # flag == true/false: move the flag to the other side's value
            for var, other in ((a, y), (b, x)):
                if var[0] == "flag":
                    extra = hint(var, 1 if (other if op == "==" else not other) else -1, state)
                    break
        return 1.0 + extra
    gap = {"<": x - y + 1, "<=": x - y, ">": y - x + 1, ">=": y - x, "==": abs(x - y), "!=": 1 if x == y else 0}[op]
    if gap <= 0:
        return 0.0
    scale = 30.0 if any(t[0] == "clock" for t in (a, b)) else 1.0
    extra = 0.0
    if hint:
        up = op in (">", ">=") or (op == "==" and x < y)  # a must rise (or b fall)
        if op == "!=":
            extra = min(hint(a, 1, state), hint(a, -1, state))
        else:
            extra = min(hint(a, 1 if up else -1, state), hint(b, -1 if up else 1, state))
    return gap / scale + extra
