"""What the condition language means, written out once more without the engine's walker: the tests' reference."""

from __future__ import annotations

import operator
from typing import Any

from game.engine.exprtree import Add, And, Bool, Clock, Cmp, Flag, Neg, Node, Not, Num, Or, Stat, Sub, Visited

_PY = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def meaning(node: Node, s: Any) -> object:
    """The tree's value for a scope `s` with `stats`, `flags`, `clock` and `visits`, by walking it."""
    match node:
        case Num(v) | Bool(v):
            return v
        case Stat(name):
            return s.stats[name]
        case Flag(name):
            return s.flags[name]
        case Clock():
            return s.clock
        case Visited(scene):
            return s.visits.get(scene, 0)
        case Not(x):
            return not meaning(x, s)
        case Neg(x):
            return -meaning(x, s)
        case Add(a, b):
            return meaning(a, s) + meaning(b, s)
        case Sub(a, b):
            return meaning(a, s) - meaning(b, s)
        case And(parts):
            return all(meaning(p, s) for p in parts)
        case Or(parts):
            return any(meaning(p, s) for p in parts)
        case Cmp(ops, operands):
            values = [meaning(x, s) for x in operands]
            return all(_PY[op](a, b) for op, a, b in zip(ops, values, values[1:]))
    raise AssertionError(node)
