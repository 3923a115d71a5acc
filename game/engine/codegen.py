"""Conditions and texts made into one Python function each, for the hot paths of a day (`Template.render`, the
machine's menus): a closure per node (engine/expr.py) costs a call per node, and a playtest evaluates dozens of
conditions a choice.

The generated source holds only names made here, Python's operators and whole numbers: every string from the
story (a stat's, flag's or scene's name, a text) reaches the function as a value of its namespace, never as
source, so no story can put code into it. Each function means exactly what the closures mean
(tests/engine/test_codegen.py checks it against the reference meaning).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from game.engine.exprtree import (
    Add,
    And,
    Bool,
    Clock,
    Cmp,
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


class Namespace:
    """The values a generated function reads by name: each value once, under a name made here."""

    __slots__ = ("digest", "names", "temps", "uses", "values")

    def __init__(self, **given: Any) -> None:
        self.values: dict[str, Any] = dict(given)
        self.names: dict[tuple[type, object], str] = {}
        self.digest: Callable[[str], int] = hash  # a shuffle's digest of its source (`template` gives it)
        self.uses: set[str] = set()  # what a text's function reads beside its namespace: "s", "get", "n", "shuffle"
        self.temps = 0  # local names made for picks (`temp`)

    def name(self, value: object) -> str:
        """A name the source can use for `value` (strings, tuples and objects alike: never written as source)."""
        try:
            key: tuple[type, object] = (type(value), value)
            hash(key)
        except TypeError:
            key = (type(value), id(value))
        got = self.names.get(key)
        if got is None:
            got = self.names[key] = f"_v{len(self.names)}"
            self.values[got] = value
        return got

    def temp(self) -> str:
        """A new local name for the source to bind a value to."""
        self.temps += 1
        return f"_t{self.temps}"

    def define(self, source: str, name: str) -> Callable[..., Any]:
        """Compile `source` (which defines `name`) in this namespace and return what it defines."""
        code = compile(source, f"<dayjob {name}>", "exec")
        exec(code, self.values)  # noqa: S102 - source made here from a checked tree, story strings as values only
        fn: Callable[..., Any] = self.values[name]
        return fn


def _number(value: int) -> str:
    """A whole number as source (bools are ints too, and say True or False)."""
    if type(value) is bool:
        return "True" if value else "False"
    if type(value) is not int:  # a checked tree holds nothing else; anything else is never written as source
        raise TypeError(f"not a whole number: {value!r}")
    return f"({value})"


_SYMBOL = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class _Source(Visitor[Namespace, str]):
    """A Python expression over a day `s` with the value of the node's evaluator (engine/expr.py `_Compile`)."""

    __slots__ = ()

    def visit_num(self, node: Num, ns: Namespace) -> str:
        return _number(node.value)

    def visit_bool(self, node: Bool, ns: Namespace) -> str:
        return "True" if node.value else "False"

    def visit_stat(self, node: Stat, ns: Namespace) -> str:
        return f"s.stats[{ns.name(node.name)}]"

    def visit_flag(self, node: Flag, ns: Namespace) -> str:
        return f"s.flags[{ns.name(node.name)}]"

    def visit_clock(self, node: Clock, ns: Namespace) -> str:
        return "s.clock"

    def visit_visited(self, node: Visited, ns: Namespace) -> str:
        return f"s.visits.get({ns.name(node.scene)}, 0)"

    def visit_not(self, node: Not, ns: Namespace) -> str:
        return f"(not {self.visit(node.operand, ns)})"

    def visit_neg(self, node: Neg, ns: Namespace) -> str:
        return f"(-{self.visit(node.operand, ns)})"

    def visit_add(self, node: Add, ns: Namespace) -> str:
        return f"({self.visit(node.left, ns)} + {self.visit(node.right, ns)})"

    def visit_sub(self, node: Sub, ns: Namespace) -> str:
        return f"({self.visit(node.left, ns)} - {self.visit(node.right, ns)})"

    def visit_and(self, node: And, ns: Namespace) -> str:
        return "(" + " and ".join(self.truth(p, ns) for p in node.parts) + ")"

    def visit_or(self, node: Or, ns: Namespace) -> str:
        return "(" + " or ".join(self.truth(p, ns) for p in node.parts) + ")"

    def visit_cmp(self, node: Cmp, ns: Namespace) -> str:
        # a chain as Python reads one: each operand evaluated once, stopping at the first comparison that fails
        out = [self.visit(node.operands[0], ns)]
        for op, operand in zip(node.ops, node.operands[1:]):
            out += [_SYMBOL[op], self.visit(operand, ns)]
        return "(" + " ".join(out) + ")"

    def truth(self, node: Node, ns: Namespace) -> str:
        """The node as a bool, as `and` and `or` combine their parts."""
        if isinstance(node, (Cmp, Not, And, Or, Bool, Flag)):  # already a bool (a flag's value is always one)
            return self.visit(node, ns)
        return f"({self.visit(node, ns)} != 0)"  # a whole number's truth


SOURCE = _Source()


def condition_source(tree: Node, ns: Namespace) -> str:
    """The condition as a Python expression over a day named `s`, its names kept in `ns`."""
    return SOURCE.visit(tree, ns)


def condition(tree: Node) -> Callable[[Any], Any]:
    """The condition as one function of a day, with the value its closure evaluator returns."""
    ns = Namespace()
    return ns.define(f"def _condition(s):\n    return {condition_source(tree, ns)}\n", "_condition")


# long: one source line per kind of part, in the order Template documents them
def _text_source(parts: tuple[Any, ...], literal: str | None, ns: Namespace, first: bool, keyed: bool = False) -> str:
    """A Python expression over `words`, `scope` and what `template` reads from them first (`ns.uses`), with the
    text of these parts as `Template.render` shows them with a scope; `first`: for a scope of a first visit,
    where a shuffle's pick is one multiplication (`TextScope.shuffle`), written out here with the scope's `base`;
    `keyed`: the pieces of that text as (nested) tuples, not joined (see `template`)."""
    if literal is not None:
        return ns.name(literal)
    shown = []
    for p in parts:
        if p.__class__ is str:
            shown.append(ns.name(p))
            continue
        tag = p[0]
        if tag == "w":
            ns.uses.add("get")
            shown.append(f"get({ns.name(p[1])}, _empty)")
        elif tag == "W":
            ns.uses.add("get")
            shown.append(f"_capitalise(get({ns.name(p[1])}, _empty))")
        elif tag == "if":
            then = "_empty"
            for cond, tpl in reversed(p[1]):
                text = _text_source(tpl.parts, tpl.literal, ns, first, keyed)
                if cond is not None:
                    ns.uses.add("s")
                    then = f"({text} if {condition_source(cond.tree, ns)} else {then})"
                else:
                    then = text
            shown.append(then)
        elif tag in ("seq", "cycle", "shuffle"):
            alts = p[2]
            count = len(alts)
            if tag == "seq":
                ns.uses.add("n")
                which = f"(n if n < {_number(count)} else {_number(count - 1)})"
            elif tag == "cycle" or count < 2:
                ns.uses.add("n")
                which = f"(n % {_number(count)})"
            elif first:  # TextScope.shuffle at n == 0, with the source's digest made now
                ns.uses.add("base")
                mixed = f"((base ^ {_number(ns.digest(p[1]))}) * {_number(SHUFFLE[0])}) & {_number(SHUFFLE[1])}"
                which = f"((({mixed}) * {_number(count)}) >> 30)"
            else:  # the source's digest made now, not at every pick
                ns.uses.add("shuffle")
                which = f"shuffle({_number(ns.digest(p[1]))}, {_number(count)})"
            if all(tpl.literal is not None for tpl in alts):
                shown.append(f"{ns.name(tuple(tpl.literal for tpl in alts))}[{which}]")
            elif count == 1:  # the pick is always the first
                shown.append(_text_source(alts[0].parts, alts[0].literal, ns, first, keyed))
            else:  # each alternative written out here, with the same scope, the pick bound once
                picked = ns.temp()
                texts = [_text_source(tpl.parts, tpl.literal, ns, first, keyed) for tpl in alts]
                chain = texts[-1]
                for i in range(count - 2, 0, -1):
                    chain = f"{texts[i]} if {picked} == {_number(i)} else {chain}"
                shown.append(f"({texts[0]} if ({picked} := {which}) == 0 else {chain})")
        else:  # a clock phrase
            ns.uses.add("s")
            shown.append(f"_said({ns.name(p)}, s.clock)")
    if not shown:
        return "_empty"
    if len(shown) == 1:
        return shown[0]
    if keyed:
        return "(" + ", ".join(shown) + ")"
    return "_join((" + ", ".join(shown) + "))"


SHUFFLE = (0x2C1B3C6D, (1 << 30) - 1)  # TextScope.shuffle's multiplier and mask (story.py checks they agree)


def template(
    parts: tuple[Any, ...],
    capitalise: Callable[[str], str],
    said: Callable[[Any, int], str],
    digest: Callable[[str], int],
    keyed: bool = False,
) -> Any:
    """A text's parts (see `Template`) as one function of (words, scope) that renders them as `_emit` does with
    that scope: `said` says a clock phrase, `digest` is a shuffle's digest of its source (`TextScope.shuffle`).

    `keyed`: the function returns the text's pieces instead, a string or a tuple of pieces (strings and such
    tuples) that joined in order give the text, without joining them: a tuple of pieces is hashed from its
    pieces' hashes, which strings keep, where a new text is hashed character by character (the playtest's
    reader looks up what it read by them)."""
    ns = Namespace(_empty="", _join="".join, _capitalise=capitalise, _said=said)
    ns.digest = digest
    later = _text_source(parts, None, ns, False, keyed)
    head = ["def _render(words, scope):"]  # only what the body reads
    for name, line in (("s", "s = scope.state"), ("get", "get = words.get"), ("n", "n = scope.n")):
        if name in ns.uses:
            head.append(f"    {line}")
    if "shuffle" in ns.uses:  # a first visit's picks written out; later visits ask the scope
        first = _text_source(parts, None, ns, True, keyed)
        if "n" not in ns.uses:
            head.append("    n = scope.n")
        head += [
            "    if n == 0:",
            "        base = scope.base",
            "        if base is None:",
            "            base = scope.seeded()",
            f"        return {first}",
            "    shuffle = scope.shuffle",
        ]
    return ns.define("\n".join(head) + f"\n    return {later}\n", "_render")


def _guard_source(once: object, show: Node | None, cond: Node | None, ns: Namespace) -> str:
    """Whether a choice can be taken (machine.py `_Condition.holds`): not a spent `once`, listed, its `if`."""
    tests = []
    if once is not None:
        tests.append(f"{ns.name(once)} not in s.taken")
    tests += [SOURCE.truth(tree, ns) for tree in (show, cond) if tree is not None]
    return " and ".join(tests) if tests else "True"


def guard(once: object, show: Node | None, cond: Node | None) -> Callable[[Any], bool]:
    """`_Condition.holds` for one choice as one function of a day."""
    ns = Namespace()
    return ns.define(f"def _holds(s):\n    return {_guard_source(once, show, cond, ns)}\n", "_holds")


def menu(guards: list[tuple[str, object, Node | None, Node | None]]) -> Callable[[Any], list[str]]:
    """The ids of a scene's choices that can be taken (machine.py `SceneMachine.available`), in the story's
    order, as one function of a day; `guards` are each choice's (id, once key or None, show_if, if)."""
    ns = Namespace()
    lines = ["def _menu(s):", "    out = []"]
    for cid, once, show, cond in guards:
        lines += [f"    if {_guard_source(once, show, cond, ns)}:", f"        out.append({ns.name(cid)})"]
    lines.append("    return out\n")
    return ns.define("\n".join(lines), "_menu")


SPLITMIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)  # the day's random numbers (`starts`)


def below(chance: float) -> int:
    """The whole number N for which a 64-bit number x is under `chance` as a fraction of 2**64
    (`x / 18446744073709551616.0 < chance`, the float division) exactly when x < N: a comparison of two
    ints where the division made a float from a number of three digits of the int type, at every roll.

    The float division is monotone in x (rounding to the nearest float keeps order), so the numbers under
    `chance` are those below the first that is not, found here by halving [0, 2**64]."""
    lo, hi = 0, 1 << 64  # the first x that is not under `chance` is in [lo, hi]; 2**64 if none is
    while lo < hi:
        mid = (lo + hi) // 2
        if mid / 18446744073709551616.0 < chance:
            lo = mid + 1
        else:
            hi = mid
    return lo


# long: the appointments, then the interruptions' rolls, one block each
def starts(
    due: tuple[tuple[int, str, Node | None], ...],
    open_now: tuple[tuple[str, bool, Node | None, float], ...],
    appointment: object,
    interruption: object,
) -> Callable[[Any, int, str, Any], tuple[str, Any] | None]:
    """What starts after a choice (`Game._route`), as one function of (day, clock, destination, visits): (its id,
    `appointment`) for an appointment, (its id, `interruption`) for an interruption, or None.

    The appointments first, `due` giving each one's (at, id, `if` or None) in the order of their times: the
    first that has come due (it and every one before it in that order), is not held yet today, is not the
    destination and is not before the day's start (a short day), and whose `if` holds; an `if` is read once, when
    it comes due, and an appointment whose `if` is false then is off for the day (`s.skipped`).

    When none starts, the interruptions open at this minute (`open_now`: id, repeats, `if`, chance), in the
    story's order: each one that is not the destination, not already visited unless it repeats, and whose `if`
    holds takes the day's next random number (splitmix64 over `s.rng`: tiny state, the same stream on every
    platform) and starts when that number, as a fraction of 2**64, is under its chance (`below`)."""
    ns = Namespace()
    lines = ["def _starts(s, clock, target, visits):"]
    latest = None
    for at, aid, cond in due:
        latest = at if latest is None else max(latest, at)  # as a loop that stops at the first not yet due
        name, when = ns.name(aid), _number(at)
        lines.append(
            f"    if clock >= {_number(latest)} and {name} not in visits and {name} != target"
            f" and {when} >= s.day_start:"
        )
        started = ns.name((aid, appointment))
        if cond is None:
            lines.append(f"        return {started}")
        else:
            lines += [
                f"        if {name} not in s.skipped:",
                f"            if {condition_source(cond, ns)}:",
                f"                return {started}",
                f"            s.skipped.append({name})",
            ]
    mask = "0xFFFFFFFFFFFFFFFF"
    for iid, repeat, cond, chance in open_now:
        if type(chance) is not float and type(chance) is not int:  # a checked story has nothing else here
            raise TypeError(f"not a chance: {chance!r}")
        name = ns.name(iid)
        tests = [f"{name} != target"]
        if not repeat:
            tests.append(f"{name} not in visits")
        if cond is not None:
            tests.append(condition_source(cond, ns))
        lines += [
            f"    if {' and '.join(tests)}:",
            f"        s.rng = z = (s.rng + {SPLITMIX[0]}) & {mask}",
            f"        z = ((z ^ (z >> 30)) * {SPLITMIX[1]}) & {mask}",
            f"        z = ((z ^ (z >> 27)) * {SPLITMIX[2]}) & {mask}",
            f"        if (z ^ (z >> 31)) < {_number(below(chance))}:",
            f"            return {ns.name((iid, interruption))}",
        ]
    lines.append("    return None\n")
    return ns.define("\n".join(lines), "_starts")


def _value(value: object, ns: Namespace) -> str:
    """A whole number written as source; anything else passed as a value of the namespace."""
    return _number(value) if type(value) is int or type(value) is bool else ns.name(value)


def effects(
    changes: tuple[tuple[str, int, int, int], ...],
    flags: tuple[tuple[str, bool], ...],
    words: tuple[tuple[str, Any], ...],
    once: object,
    minutes: int,
    category: str,
) -> Callable[[Any], None]:
    """A choice's consequences (machine.py `_Effects.apply`) as one function of a day, in its order: each stat
    changed and kept within its bounds (`min(max(value, lo), hi)`), flags, words, the `once` key, the minutes."""
    ns = Namespace()
    lines = ["def _apply(day):", *_effects_lines(changes, flags, words, once, minutes, category, ns), ""]
    return ns.define("\n".join(lines), "_apply")


def _effects_lines(
    changes: tuple[tuple[str, int, int, int], ...],
    flags: tuple[tuple[str, bool], ...],
    words: tuple[tuple[str, Any], ...],
    once: object,
    minutes: int,
    category: str,
    ns: Namespace,
    day: str = "day",
) -> list[str]:
    """The statements of `effects`, over a day named `day`."""
    lines = []
    if changes:
        lines.append(f"    values = {day}.stats")
        for name, delta, lo, hi in changes:
            key = ns.name(name)
            lines += [
                f"    value = values[{key}] + {_value(delta, ns)}",
                f"    if value < {_value(lo, ns)}:",
                f"        value = {_value(lo, ns)}",
                f"    if value > {_value(hi, ns)}:",
                f"        value = {_value(hi, ns)}",
                f"    values[{key}] = value",
            ]
    if flags:
        lines.append(f"    {day}.flags.update({ns.name(flags)})")
    if words:
        lines.append(f"    {day}.words.update({ns.name(words)})")
    if once is not None:
        lines.append(f"    {day}.taken.append({ns.name(once)})")
    spent, where = _value(minutes, ns), ns.name(category)
    lines += [
        f"    {day}.clock += {spent}",
        f"    spent = {day}.minutes",
        f"    spent[{where}] = spent.get({where}, 0) + {spent}",
    ]
    return lines


# a choice's consequences as `effects` takes them: (stat changes, flags, words, once key, minutes, category)
Consequences = tuple[
    tuple[tuple[str, int, int, int], ...], tuple[tuple[str, bool], ...], tuple[tuple[str, Any], ...], object, int, str
]


# long: a choice's guard, consequences, outcomes and branches, each as the functions above write them
def step(
    guard: tuple[object, Node | None, Node | None],
    consequences: Consequences,
    outcomes: tuple[Node | None, ...],
    goto: tuple[tuple[Node | None, str], ...],
) -> Callable[[Any], tuple[str, int] | None]:
    """Taking a choice (machine.py `Steps.go`) as one function of a day: None, with nothing done, when its guard
    (`guard`: once key, show_if, if) does not hold; else its consequences (`effects`), then (where it leads,
    which outcome is shown), both read after them: the first of its branches (`goto`: condition or None,
    destination) whose condition holds, or the last (the loader makes the last unconditional); the index of
    the first of its outcomes' conditions (None always holds) that holds, or -1."""
    if not goto:
        raise ValueError("a choice leads somewhere: it has one branch at least")
    ns = Namespace()
    lines = [
        "def _go(s):",
        f"    if not ({_guard_source(*guard, ns)}):",
        "        return None",
        *_effects_lines(*consequences, ns, "s"),
    ]
    tests: list[tuple[str, int]] = []
    for i, cond in enumerate(outcomes):
        if cond is None:
            otherwise = _number(i)
            break
        tests.append((SOURCE.truth(cond, ns), i))
    else:
        otherwise = "(-1)"
    for k, (test, i) in enumerate(tests):
        lines += [f"    {'elif' if k else 'if'} {test}:", f"        which = {_number(i)}"]
    lines += ["    else:", f"        which = {otherwise}"] if tests else [f"    which = {otherwise}"]
    for cond, target in goto:
        if cond is None:
            break
        lines += [f"    if {SOURCE.truth(cond, ns)}:", f"        return ({ns.name(target)}, which)"]
    lines += [f"    return ({ns.name(target)}, which)", ""]
    return ns.define("\n".join(lines), "_go")
