"""A compiled story: scenes, choices and endings ready to play, with where each was written."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from game.engine import codegen
from game.engine.clock import format_time
from game.engine.digest import sha256
from game.engine.errors import Problem
from game.engine.expr import Env, Expr, ExprError, Scope, compile_expr
from game.engine.exprtree import MIRROR, Clock, Cmp, CmpOp, Num, conjuncts
from game.engine.glossary import Glossary
from game.engine.record import Record
from game.engine.suggest import closest, did_you_mean
from game.engine.text import capitalise, number_words, time_words

if TYPE_CHECKING:
    from game.engine.machine import SceneMachine

_set = object.__setattr__  # how a frozen record's __init__ sets its fields (engine/record.py)


class Where(Record):
    """The place in a story file a thing was written."""

    __slots__ = ("col", "line", "path")
    __match_args__ = ("path", "line", "col")
    path: str
    line: int
    col: int

    def __init__(self, path: str, line: int, col: int) -> None:
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "col", col)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


MAX_NESTING = 6  # insertions inside alternatives inside insertions...
SEQUENCES = ("seq", "cycle", "shuffle")
CLOCK_PHRASES = ("time", "clock", "late")
_sha256 = sha256  # CPython's own: the same digests, without loading OpenSSL (engine/digest.py)
_SPACE = re.compile(r"\s*")
_NONSPACE = re.compile(r"\S")
_WORDS_ONLY = re.compile(r"\{(\^?)([A-Za-z_][A-Za-z0-9_]*)\}")
_NOT_WORD_BRACE = re.compile(r"\{(?!\^?[A-Za-z_][A-Za-z0-9_]*\})")  # a `{` that _WORDS_ONLY cannot match
_SENTENCE_END = re.compile(r"(?:[.!?][\"'\u201d\u2019)\]]*\s+|\n[ \t]*\n\s*)$")
_STOPS_AND_CLOSERS = frozenset(".!?\"'\u201d\u2019)]")  # what ends _SENTENCE_END's first kind before its white space
_HEAD = re.compile(r"\s*(\^?)\s*([A-Za-z_][A-Za-z0-9_]*)")
_INSERTION_HELP = (
    "an insertion is a word like {lead} or {^lead}, {time}, {clock}, {late}, {since SCENE}, "
    "{if COND: text | else: text}, {seq: a | b}, {cycle: a | b} or {shuffle: a | b}; write '{{' for a literal brace"
)

Insertion: TypeAlias = tuple[Any, ...]  # an insertion in a text: its first item says which (see `Template`)
Part: TypeAlias = str | Insertion  # a part of a text: a literal string or an insertion
Found: TypeAlias = tuple[int, Insertion]  # where an insertion is in its text, and the insertion


class TextRules(Record):
    """What a text may use where it is written: the loader makes one per kind of text."""

    __slots__ = ("appointments", "at", "env", "lower", "version_ok", "where", "words")
    __match_args__ = ("words", "env", "appointments", "at", "where", "version_ok", "lower")
    words: frozenset[str]
    env: Env | None  # None: no inline conditions, sequences or clock phrases here (titles, choices)
    appointments: Mapping[str, int]  # scene id -> its `at`, for {since}
    at: int | None  # the scene's own `at`, for {late}
    where: str  # for messages: "a title", "a choice's text"
    version_ok: bool  # False: a 1.0 file; format 1.1 insertions ask for `version: "1.1"`
    lower: frozenset[str]  # words whose text starts in lower case (for `starts`)

    def __init__(
        self,
        words: frozenset[str] = frozenset(),
        env: Env | None = None,
        appointments: Mapping[str, int] | None = None,
        at: int | None = None,
        where: str = "here",
        version_ok: bool = True,
        lower: frozenset[str] = frozenset(),
    ) -> None:
        _set(self, "words", words)
        _set(self, "env", env)
        _set(self, "appointments", {} if appointments is None else appointments)
        _set(self, "at", at)
        _set(self, "where", where)
        _set(self, "version_ok", version_ok)
        _set(self, "lower", lower)


class TextScope:
    """What a text reads when shown: the day (conditions, clock, words), which visit, the seed."""

    __slots__ = ("base", "n", "salt", "seed", "state", "visit")

    def __init__(self, state: Scope, visit: int, salt: str, seed: str):
        self.state = state
        self.visit = visit
        self.n = visit - 1 if visit > 1 else 0  # the sequences' step: 0 on the first visit
        self.salt = salt
        self.seed = seed
        self.base: int | None = None  # the shuffles' digest of seed and salt, made at the first pick

    def pick(self, kind: str, key: str, count: int) -> int:
        """Which alternative a sequence shows on this visit (a shuffle: each once per round, in a
        seeded order, so the same seed gives the same text)."""
        n = self.n
        if kind == "seq":
            return n if n < count else count - 1
        if kind == "cycle" or count < 2:
            return n % count
        keyed = _KEYED.get(key)
        if keyed is None:
            keyed = _digest30(key)
        return self.shuffle(keyed, count)

    def seeded(self) -> int:
        """The shuffles' digest of the seed and the salt (`base`), made at the first pick and kept."""
        seeded, salted = _KEYED.get(self.seed), _KEYED.get(self.salt)
        if seeded is None or salted is None:
            seeded, salted = _digest30(self.seed), _digest30(self.salt)
        self.base = base = seeded ^ salted
        return base

    def shuffle(self, keyed: int, count: int) -> int:
        """`pick` for a shuffle of `count` alternatives whose source's digest (`_digest30`) is `keyed`."""
        # 30-bit digests of the seed, the salt and the sequence's source, each made once and remembered, set
        # apart by round and mixed by a multiplication (values under 2**30 are Python's quickest ints); a
        # round's order is then a Fisher-Yates shuffle with a linear congruential stream
        base = self.base
        if base is None:
            base = self.seeded()
        n = self.n
        if n == 0:  # the first visit: most picks
            return ((((base ^ keyed) * _MULTIPLIER) & _MASK30) * count) >> 30
        if count < 2:
            return 0
        if n < count:  # the first round
            z = ((base ^ keyed) * _MULTIPLIER) & _MASK30
        else:
            rnd, n = divmod(n, count)
            z = ((base ^ keyed ^ (rnd * _ROUND & _MASK30)) * _MULTIPLIER) & _MASK30
        order = list(range(count))
        for i in range(n + 1):
            j = i + ((z * (count - i)) >> 30)
            order[i], order[j] = order[j], order[i]
            z = (z * _STEP + _INCREMENT) & _MASK30
        return order[n]


_MASK30 = (1 << 30) - 1
_MULTIPLIER = 0x2C1B3C6D  # odd: multiplying by it permutes 30-bit values, carrying every bit upwards
_ROUND = 0x1B873593  # sets each round apart
_STEP, _INCREMENT = 0x0019660D, 0x3C6EF35F  # a full-period linear congruential stream mod 2**30 (Numerical Recipes)
_KEYED: dict[str, int] = {}  # a seed, salt or sequence's source -> its digest (TextScope.pick)
assert codegen.SHUFFLE == (_MULTIPLIER, _MASK30)  # the generated first picks multiply as `shuffle` does


def shuffle_digest(text: str) -> int:
    """The 30 bits of a seed, a salt or a sequence's source that shuffles mix (`TextScope.seeded`: a scope's
    `base` is its seed's digest XOR its salt's), remembered."""
    return _digest30(text)


def _digest30(text: str) -> int:
    """30 bits of the text's SHA-256, remembered: the same on every platform and Python (unlike `hash`)."""
    got = _KEYED.get(text)
    if got is None:
        if len(_KEYED) >= 8192:  # many seeds in one process, or stories edited and reloaded: keep it bounded
            _KEYED.clear()
        got = _KEYED[text] = int.from_bytes(_sha256(text.encode()).digest()[:4], "big") & _MASK30
    return got


class _Parser:
    """Reads one text into parts; problems are (offset, message) pairs."""

    def __init__(self, text: str, rules: TextRules, starts: list[Found] | None = None):
        self.s = text
        self.rules = rules
        self.problems: list[tuple[int, str]] = []
        self.new_syntax: int | None = None  # offset of the first format 1.1 insertion
        # (offset, part) of each lower-case insertion that starts a sentence, when asked for (lint)
        self.starts = starts
        # where the insertion being read is, to work out (only when asked) whether it starts a sentence
        self.open_at: tuple[int, int, bool] = (0, 0, True)
        self.opens: bool | None = True

    def opening(self) -> bool:
        """Whether the insertion being read starts a sentence."""
        if self.opens is None:
            self.opens = _opens(self.s, *self.open_at)
        return self.opens

    def newer(self, at: int) -> None:
        if self.new_syntax is None:
            self.new_syntax = at

    # long: one loop over a text's literal runs and insertions, its stops found by str.find
    def text(self, pos: int, depth: int, opens: bool = True) -> tuple[list[Part], int, str]:
        """Parts from `pos` up to the end, or (inside alternatives) a `}` or a ` | `; returns
        (parts, position after the stop, what stopped it: "end", "}" or "|"). `opens`: the text
        starts a sentence (an alternative does when its insertion does)."""
        s = self.s
        begin = pos
        parts: list[Part] = []
        buf: list[str] = []
        end = len(s)
        # the next `{`, `}` and (inside alternatives) `|` at or after `pos`, each found again only once
        # passed (str.find runs at memchr's speed; a regex character class tests every character)
        find = s.find
        next_open = next_close = next_bar = -1
        while True:
            if next_open < pos:
                next_open = find("{", pos)
                if next_open < 0:
                    next_open = end
            if next_close < pos:
                next_close = find("}", pos)
                if next_close < 0:
                    next_close = end
            at = next_open if next_open < next_close else next_close
            if depth:
                if next_bar < pos:
                    next_bar = find("|", pos)
                    if next_bar < 0:
                        next_bar = end
                if next_bar < at:
                    at = next_bar
            if at >= end:
                buf.append(s[pos:])
                stop, pos = "end", end
                break
            buf.append(s[pos:at])
            ch = s[at]
            nxt = s[at + 1 : at + 2]
            if ch == "|":  # a separator when it has whitespace on both sides, else a literal bar
                if at > begin and s[at - 1].isspace() and nxt.isspace() and nxt:
                    buf[-1] = buf[-1].rstrip()
                    stop, pos = "|", _skip(s, at + 1)
                    break
                buf.append("|")
                pos = at + 1
            elif ch == "{" and nxt == "{":
                buf.append("{")
                pos = at + 2
            elif ch == "}":
                if depth:  # inside alternatives a `}` closes them
                    stop, pos = "}", at + 1
                    break
                if nxt != "}" and self.starts is not None:  # a `}` that closes nothing: likely a mistake (lint)
                    self.starts.append((at, STRAY_CLOSE))
                buf.append("}")
                pos = at + 2 if nxt == "}" else at + 1
            else:  # an insertion
                if self.starts is not None:
                    self.open_at, self.opens = (begin, at, opens), None
                part, pos = self.insertion(at, depth)
                if self.starts is not None and isinstance(part, tuple):
                    lower = part[1] in self.rules.lower if part[0] == "w" else part[0] in ("time", "since")
                    if lower and part[-1] is not True and self.opening():
                        self.starts.append((at, part))
                if isinstance(part, str):
                    buf.append(part)
                elif part is not None:
                    if buf:
                        parts.append("".join(buf))
                        buf = []
                    parts.append(part)
        tail = "".join(buf)
        if tail:
            parts.append(tail)
        return parts, pos, stop

    def close(self, start: int, pos: int) -> int:
        """Past the `}` that ends a broken insertion (or the end of the text)."""
        end = self.s.find("}", pos)
        return len(self.s) if end < 0 else end + 1

    def insertion(self, start: int, depth: int) -> tuple[Part | None, int]:
        """The insertion whose `{` is at `start`: a part (or a literal string), and where it ends."""
        s = self.s
        if s.startswith("|}", start + 1):
            self.newer(start)
            return "|", start + 3
        if depth >= MAX_NESTING:
            self.problems.append((start, f"insertions nest more than {MAX_NESTING} deep here; simplify the text"))
            return None, self.close(start, start + 1)
        head = _HEAD.match(s, start + 1)
        if head is None:
            return self.broken(start, "")
        cap, name = head.group(1) == "^", head.group(2)
        after = head.end()
        rest = _skip(s, after)
        nxt = s[rest : rest + 1]
        if name == "if" and not cap and after < len(s) and s[after].isspace():
            return self.condition(start, after, depth)
        if name in SEQUENCES and not cap and nxt == ":":
            return self.sequence(start, name, rest + 1, depth)
        if name == "since" and after < len(s) and s[after].isspace():
            target = _HEAD.match(s, after)
            if target is not None and not target.group(1) and s[_skip(s, target.end()) :][:1] == "}":
                end = _skip(s, target.end()) + 1
                return self.since(start, target.start(2), target.group(2), cap), end
        if nxt == "}":
            return self.word(start, name, cap), rest + 1
        return self.broken(start, name)

    def word(self, start: int, name: str, cap: bool) -> Part | None:
        """`{name}` or `{^name}`: a declared word, a clock phrase, or a problem."""
        rules = self.rules
        if name in rules.words:
            if cap:
                self.newer(start)
            return _word_part(cap, name)
        if name in CLOCK_PHRASES:
            return self.clock_phrase(start, name, cap)
        if cap and name.lower() in rules.words:
            hint = f"; did you mean '^{name.lower()}'?"
        elif not cap and name[:1].isupper() and name.lower() in rules.words:
            hint = f"; for a capital first letter write {{^{name.lower()}}}"
        else:
            close = closest(name, rules.words, CLOCK_PHRASES if rules.env is not None else ())
            if close:
                hint = f"; did you mean {('^' if cap else '') + close!r}?"
            else:
                hint = " (declare it under `words:` in story.yaml, or write '{{' for a literal brace)"
        self.problems.append((start, f"{{{'^' if cap else ''}{name}}} is not a declared word{hint}"))
        return None

    def broken(self, start: int, name: str) -> tuple[Part | None, int]:
        """An insertion that is none of the kinds there are (`name`: the word it starts with, if any)."""
        s = self.s
        end = self.close(start, start + 1)
        if end >= len(s) and not s.endswith("}"):
            return self.unclosed(start)
        shown = s[start:end]
        if name in ("elif", "else"):
            message = f"{shown!r}: `{name}` belongs after ' | ' inside an inline condition, {{if COND: a | {name}: b}}"
        elif name in SEQUENCES:
            message = f"{shown!r}: a {name} needs ':' after its name, {{{name}: a | b}}"
        elif name and (" | " in shown or "\n|" in shown):
            message = f"cannot read {shown!r}: alternatives need `if COND:`, `seq:`, `cycle:` or `shuffle:` first"
        else:
            message = _unreadable(shown)
        self.problems.append((start, message))
        return None, end

    def unclosed(self, start: int) -> tuple[Part | None, int]:
        self.problems.append((start, "'{' opens an insertion that is never closed; write '{{' for a literal brace"))
        return None, len(self.s)

    def allowed(self, start: int, what: str) -> bool:
        """Whether format 1.1 text features may be used here; says why not when they may not."""
        self.newer(start)
        if self.rules.env is None:
            self.problems.append(
                (start, f"{what} can be used in a scene's, an outcome's or an ending's text, not in {self.rules.where}")
            )
            return False
        return True

    def clock_phrase(self, start: int, name: str, cap: bool) -> Part | None:
        if not self.allowed(start, f"{{{name}}}"):
            return None
        if name == "late":
            if self.rules.at is None:
                self.problems.append(
                    (
                        start,
                        "{late} is only for an appointment's text (a scene with `at`); elsewhere write {since SCENE}",
                    )
                )
                return None
            return ("since", self.rules.at, cap)
        return (name, cap)

    def since(self, start: int, name_at: int, scene: str, cap: bool) -> Part | None:
        if not self.allowed(start, "{since SCENE}"):
            return None
        at = self.rules.appointments.get(scene)
        if at is None:
            hint = did_you_mean(scene, frozenset(self.rules.appointments))
            self.problems.append((name_at, f"{{since {scene}}} needs an appointment (a scene with `at`){hint}"))
            return None
        return ("since", at, cap)

    def alternatives(self, pos: int, depth: int) -> tuple[list[list[Part]], int, str]:
        """Alternatives separated by ' | ' up to the closing `}`."""
        opening = self.opening() if self.starts is not None else True
        alts = []
        while True:
            parts, pos, stop = self.text(pos, depth + 1, opening)
            alts.append(parts)
            if stop != "|":
                return alts, pos, stop

    def sequence(self, start: int, kind: str, pos: int, depth: int) -> tuple[Part | None, int]:
        ok = self.allowed(start, f"{{{kind}: ...}}")
        pos = _skip(self.s, pos)
        alts, end, stop = self.alternatives(pos, depth)
        if stop == "end":
            return self.unclosed(start)
        if not ok:
            return None, end
        return (kind, self.s[start:end], tuple(_tpl(a) for a in alts)), end

    def condition(self, start: int, pos: int, depth: int) -> tuple[Part | None, int]:
        """`{if C: a | elif C: b | else: c}`; `pos` is just after `if`."""
        ok = self.allowed(start, "an inline condition")
        opening = self.opening() if self.starts is not None else True
        s = self.s
        branches: list[tuple[Expr | None, Template]] = []
        keyword = "if"
        while True:
            colon = _colon(s, pos)
            if colon is None:
                end = self.close(start, pos)
                if end >= len(s) and not s.endswith("}"):
                    return self.unclosed(start)
                self.problems.append(
                    (start, f"`{keyword}` needs ':' after its condition, as in {{if energy < 3: text | else: text}}")
                )
                return None, end
            cond = None
            if keyword != "else":
                cond = self.compile(s[pos:colon], pos) if ok else None
                ok = ok and cond is not None
            parts, pos, stop = self.text(_skip(s, colon + 1), depth + 1, opening)
            branches.append((cond, _tpl(parts)))
            if stop == "end":
                return self.unclosed(start)
            if stop == "}":
                break
            if keyword == "else":
                self.problems.append(
                    (pos, "`else:` is the last alternative of an inline condition; nothing can follow it")
                )
                return None, self.skip_to_close(pos, depth)
            head = _HEAD.match(s, pos)
            word = head.group(2) if head is not None and not head.group(1) else ""
            after = head.end() if head is not None else pos
            if word == "elif" and after < len(s) and s[after].isspace():
                keyword, pos = "elif", after
            elif word == "else" and s[_skip(s, after) :][:1] == ":":
                keyword, pos = "else", _skip(s, after)
            else:
                self.problems.append(
                    (
                        pos,
                        "after ' | ' an inline condition goes on with `elif COND:` or `else:`; "
                        "write {|} for a literal bar",
                    )
                )
                return None, self.skip_to_close(pos, depth)
        return (("if", tuple(branches)) if ok else None), pos

    def skip_to_close(self, pos: int, depth: int) -> int:
        """After a problem inside alternatives: past the `}` that closes them (nesting counted)."""
        _, pos, _ = self.alternatives(pos, depth)
        return pos

    def compile(self, src: str, at: int) -> Expr | None:
        env = self.rules.env
        assert env is not None
        src = src.replace("\n", " ")  # a condition the writer's editor wrapped (same length: offsets hold)
        bare = src.strip()  # compiled once per condition however it is spaced (the compiler's cache)
        at += len(src) - len(src.lstrip())
        try:
            return compile_expr(bare, env)
        except ExprError as exc:
            if not exc.repeat:
                self.problems.append((at + exc.offset, f"in `{bare}`: {exc.message}"))
            return None


def _unreadable(shown: str) -> str:
    """What to say about an insertion that is none of the kinds there are."""
    if not any(c.isspace() or c in ":|" for c in shown):  # one odd word, like {lead.name} or {0}
        return f"{shown} is not a declared word (a word is letters, digits and _; {_INSERTION_HELP})"
    return f"cannot read {shown!r}: {_INSERTION_HELP}"


def _skip(s: str, pos: int) -> int:
    """Past any whitespace from `pos`."""
    m = _SPACE.match(s, pos)
    return m.end() if m is not None else pos


def _colon(s: str, pos: int) -> int | None:
    """The ':' ending a condition that starts at `pos` (a time in quotes has its own colon)."""
    quoted = False
    for i in range(pos, len(s)):
        ch = s[i]
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == ":":
            return i
        elif ch in "{}|":
            return None
    return None


def _opens(s: str, begin: int, at: int, first: bool = True) -> bool:
    """Whether an insertion at `at` starts a sentence, in text that starts at `begin` (where a
    sentence starts when `first`)."""
    if _NONSPACE.search(s, begin, at) is None:
        return first
    # _SENTENCE_END's two endings close with white space after a stop (or closing quote), or after two line
    # breaks: most insertions ("Then {tool} comes") have neither, told without the regex's search
    if not s[at - 1].isspace():
        return False
    lo = max(begin, at - 40)
    window = s[lo:at]
    body = window.rstrip()
    if body and body[-1] not in _STOPS_AND_CLOSERS and window.count("\n", len(body)) < 2:
        return False
    return _SENTENCE_END.search(s, lo, at) is not None


def _words_only(text: str, rules: TextRules | None, starts: list[Found] | None) -> Template | None:
    """The template of a text whose braces are all declared `{word}`s, `{^word}`s, `{time}` or `{clock}`
    (most text with insertions), without the parser; None when it needs the parser (anything else,
    or a problem to report)."""
    if rules is None or _NOT_WORD_BRACE.search(text) is not None:  # a `{` opening no {word}: the parser reads it
        return None
    words = rules.words
    clock_ok = rules.env is not None and rules.version_ok
    parts: list[Part] = []
    pos = 0
    for m in _WORDS_ONLY.finditer(text):
        at = m.start()
        cap, name = m.group(1), m.group(2)
        if name in words:
            if cap and not rules.version_ok:
                return None
            part = _word_part(bool(cap), name)
        elif clock_ok and (name == "time" or name == "clock"):
            part = _CLOCK_PARTS[name, bool(cap)]
        else:
            return None
        if at > pos:
            parts.append(text[pos:at])
        parts.append(part)
        if starts is not None and not cap and (name == "time" or name in rules.lower) and _opens(text, 0, at):
            starts.append((at, part))
        pos = m.end()
    n = len(parts) - sum(1 for p in parts if p.__class__ is str)
    if not n or n != text.count("{") or n != text.count("}"):
        if starts:
            del starts[:]  # the parser will note them again
        return None
    if pos < len(text):
        parts.append(text[pos:])
    return _tpl(parts)


STRAY_CLOSE: Insertion = ("}",)  # noted in `starts` for a lone `}` outside any insertion (shown as written)
_WORD_PARTS: dict[tuple[bool, str], Insertion] = {}  # ("w", name) or ("W", name), one of each for all texts
_CLOCK_PARTS = {(name, cap): (name, cap) for name in ("time", "clock") for cap in (False, True)}


def _word_part(cap: bool, name: str) -> Insertion:
    """The part of a `{name}` (`{^name}` when `cap`): one tuple, and one name, shared by every text that has it."""
    part = _WORD_PARTS.get((cap, name))
    if part is None:
        if len(_WORD_PARTS) >= 8192:  # many stories in one process: keep it bounded
            _WORD_PARTS.clear()
        part = _WORD_PARTS[cap, name] = ("W" if cap else "w", name)
    return part


def _tpl(parts: list[Part]) -> Template:
    if not parts:
        return Template((), "")
    if len(parts) == 1 and isinstance(parts[0], str):
        return Template((parts[0],), parts[0])
    return Template(tuple(parts), None)


class Template:
    """Text with insertions, read once at load: literal strings and insertion parts.

    A part is a string, or a tuple: ("w", word) / ("W", word) capitalised, ("time", cap), ("clock", cap),
    ("since", at, cap), ("if", ((cond or None, Template), ...)), or (kind, source, (Template, ...)) for
    a sequence kind in SEQUENCES. `literal` is the whole text when it has no insertions (the fast path).
    A plain class with slots: a story has tens of thousands, made at load (`check` time counts)."""

    __slots__ = ("_inserts", "_render", "_uses", "literal", "parts")

    def __init__(self, parts: tuple[Part, ...], literal: str | None = None):
        self.parts = parts
        self.literal = literal
        self._inserts: tuple[Insertion, ...] | None = None
        self._render: Callable[[Mapping[str, str], TextScope], str] | None = None  # made once shown _HOT times
        self._uses = 0

    def __reduce__(self) -> tuple[type[Template], tuple[tuple[Part, ...], str | None]]:
        """Pickled as its parts (the compiled-story cache): what is worked out from them is made again."""
        return (Template, (self.parts, self.literal))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Template) and (self.parts, self.literal) == (other.parts, other.literal)

    def __hash__(self) -> int:
        return hash((self.parts, self.literal))

    def __repr__(self) -> str:
        return f"Template({self.parts!r})"

    @staticmethod
    def parse(
        text: str, rules: TextRules | None = None, starts: list[Found] | None = None
    ) -> tuple[Template, list[tuple[int, str]]]:
        """The template and any (offset, problem) found in the text; `starts`, when given, gets the
        (offset, part) of each insertion that starts a sentence and may be in lower case."""
        if "{" not in text and "}" not in text:  # most text: one literal part
            return Template((text,) if text else (), text), []
        fast = _words_only(text, rules, starts)
        if fast is not None:
            return fast, []
        parser = _Parser(text, rules or TextRules(frozenset(), where="a word"), starts)
        parts, _, _ = parser.text(0, 0)
        problems = parser.problems
        if parser.new_syntax is not None and not parser.rules.version_ok:
            problems.append(
                (parser.new_syntax, 'this insertion is story format 1.1; add `version: "1.1"` to story.yaml')
            )
        return _tpl(parts), problems

    @property
    def inserts(self) -> tuple[Insertion, ...]:
        """Every insertion part of the text, nested ones too, in order (worked out once)."""
        if self._inserts is not None:
            return self._inserts
        if self.literal is not None:
            self._inserts = ()
            return ()
        out: list[Insertion] = []
        for p in self.parts:
            if isinstance(p, str):
                continue
            out.append(p)
            if p[0] == "if":
                for _, tpl in p[1]:
                    out.extend(tpl.inserts)
            elif p[0] in SEQUENCES:
                for tpl in p[2]:
                    out.extend(tpl.inserts)
        self._inserts = found = tuple(out)
        return found

    @property
    def names(self) -> list[str]:
        """Every word the text inserts, inside alternatives too."""
        return [p[1] for p in self.inserts if p[0] in ("w", "W")]

    @property
    def conditions(self) -> list[Expr]:
        """Every inline condition in the text, nested ones too."""
        return [cond for p in self.inserts if p[0] == "if" for cond, _ in p[1] if cond is not None]

    @property
    def plain(self) -> bool:
        """True when the text needs nothing but words to show (no conditions, sequences or clock)."""
        return all(isinstance(p, str) or p[0] in ("w", "W") for p in self.parts)

    def renderer(self) -> Callable[[Mapping[str, str], TextScope], str]:
        """`render` with a scope as one generated function of (words, scope) (engine/codegen.py), made once."""
        fn = self._render
        if fn is None:
            if self.literal is not None:
                literal = self.literal
                fn = self._render = lambda words, scope: literal
            else:
                fn = self._render = codegen.template(self.parts, capitalise, _said, _digest30)
        return fn

    def pieces(self) -> Callable[[Mapping[str, str], TextScope], str | tuple[Any, ...]]:
        """A new generated function of (words, scope) giving the pieces `renderer`'s function joins, not joined
        (engine/codegen.py `template`, keyed): for a reader that looks texts up, not one that shows them."""
        if self.literal is not None:
            literal = self.literal
            return lambda words, scope: literal
        fn: Callable[[Mapping[str, str], TextScope], str | tuple[Any, ...]]
        fn = codegen.template(self.parts, capitalise, _said, _digest30, keyed=True)
        return fn

    def render(self, words: Mapping[str, str], scope: TextScope | None = None) -> str:
        """The text to show; without a scope, conditions are false and sequences show their first."""
        if self.literal is not None:
            return self.literal
        if scope is not None:  # what a day shows: one generated function per text once shown often (codegen.py)
            fn = self._render
            if fn is None:
                self._uses += 1
                if self._uses < _HOT:
                    shown: list[str] = []
                    _emit(self.parts, words, scope, shown)
                    return "".join(shown)
                fn = self.renderer()
            return fn(words, scope)
        out: list[str] = []
        _emit(self.parts, words, scope, out)
        return "".join(out)


def _emit(parts: tuple[Part, ...], words: Mapping[str, str], scope: TextScope | None, out: list[str]) -> None:
    # a game renders text at every step: `__class__ is` is the quickest test of a part, the tags are tested in
    # the order of how often the shipped day shows them, and mypy narrows a union only on isinstance, so the
    # part is read untyped
    p: Any
    append = out.append
    for p in parts:
        if p.__class__ is str:
            append(p)
            continue
        tag = p[0]
        if tag == "shuffle" or tag == "cycle" or tag == "seq":
            alts = p[2]
            tpl = alts[scope.pick(tag, p[1], len(alts)) if scope is not None else 0]
            if tpl.literal is not None:
                append(tpl.literal)
            else:
                _emit(tpl.parts, words, scope, out)
        elif tag == "w":
            append(words.get(p[1], ""))
        elif tag == "W":
            append(capitalise(words.get(p[1], "")))
        elif tag == "if":
            for cond, tpl in p[1]:
                if cond is None or (scope is not None and cond.fn(scope.state)):
                    if tpl.literal is not None:
                        append(tpl.literal)
                    else:
                        _emit(tpl.parts, words, scope, out)
                    break
        else:
            append(_said(p, scope.state.clock if scope is not None else 0))


def _said(p: Insertion, clock: int) -> str:
    """A clock phrase at this minute: said the same way every time at the same minute, so remembered."""
    tag = p[0]
    said = (tag, max(clock - p[1], 0) if tag == "since" else clock, p[-1])
    shown = _SAID.get(said)
    if shown is None:
        if tag == "time":
            shown = time_words(clock)
        elif tag == "clock":
            shown = format_time(clock)
        else:  # since
            shown = number_words(said[1])
        if p[-1]:
            shown = capitalise(shown)
        if len(_SAID) < 20_000:  # minutes of a day (or a few), each said four ways: bounded anyway
            _SAID[said] = shown
    return shown


_HOT = 16  # the shows after which a text gets its generated function (machine.py HOT says why)
_SAID: dict[tuple[str, int, bool], str] = {}  # (clock phrase, minutes, capitalised) -> the words (`_said`)


class Choice(Record):
    """A choice in a scene, compiled: its conditions, what it costs and changes, and where it goes."""

    __slots__ = (
        "category",
        "cond",
        "effects",
        "goto",
        "id",
        "locked",
        "minutes",
        "once",
        "outcome",
        "sets",
        "show",
        "text",
        "where",
    )
    __match_args__ = (
        "id",
        "text",
        "cond",
        "locked",
        "minutes",
        "effects",
        "sets",
        "once",
        "goto",
        "category",
        "where",
        "show",
        "outcome",
    )
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
    show: Expr | None
    # `outcome`: what happened, shown before the next scene; the first whose condition holds (None: always)
    outcome: tuple[tuple[Expr | None, Template], ...]

    def __init__(
        self,
        id: str,
        text: Template,
        cond: Expr | None,
        locked: Template | None,
        minutes: int,
        effects: tuple[tuple[str, int], ...],
        sets: tuple[tuple[str, object], ...],
        once: bool,
        goto: tuple[tuple[Expr | None, str], ...],
        category: str,
        where: Where,
        show: Expr | None = None,
        outcome: tuple[tuple[Expr | None, Template], ...] = (),
    ) -> None:
        _set(self, "id", id)
        _set(self, "text", text)
        _set(self, "cond", cond)
        _set(self, "locked", locked)
        _set(self, "minutes", minutes)
        _set(self, "effects", effects)
        _set(self, "sets", sets)
        _set(self, "once", once)
        _set(self, "goto", goto)
        _set(self, "category", category)
        _set(self, "where", where)
        _set(self, "show", show)
        _set(self, "outcome", outcome)

    @property
    def targets(self) -> list[str]:
        return [t for _, t in self.goto]


class Interrupt(Record):
    """How an interruption breaks into the day: its chance a minute, its condition, whether it comes back."""

    __slots__ = ("chance", "cond", "repeat")
    __match_args__ = ("chance", "cond", "repeat")
    chance: float
    cond: Expr | None
    repeat: bool

    def __init__(self, chance: float, cond: Expr | None, repeat: bool) -> None:
        _set(self, "chance", chance)
        _set(self, "cond", cond)
        _set(self, "repeat", repeat)


class SceneKind(StrEnum):
    """What starts a scene."""

    SCENE = "scene"
    APPOINTMENT = "appointment"
    INTERRUPTION = "interruption"


class Scene(Record):
    """A scene, compiled: its texts, its choices, and what starts it (a goto, the clock or chance)."""

    # __weakref__: a scene may be watched to see that a dropped story is freed (tests/bench/test_engine_fast_paths.py)
    __slots__ = (
        "again",
        "at",
        "at_if",
        "category",
        "choices",
        "id",
        "interrupt",
        "text",
        "title",
        "variants",
        "where",
        "__weakref__",
    )
    __match_args__ = (
        "id",
        "title",
        "at",
        "category",
        "text",
        "variants",
        "choices",
        "interrupt",
        "where",
        "again",
        "at_if",
    )
    id: str
    title: Template
    at: int | None
    category: str
    text: Template
    variants: tuple[tuple[Expr, Template], ...]
    choices: tuple[Choice, ...]
    interrupt: Interrupt | None
    where: Where
    again: Template | None  # shown in place of `text` from the second visit on
    at_if: Expr | None  # an appointment with a condition: skipped for the day when false as it comes due

    def __init__(
        self,
        id: str,
        title: Template,
        at: int | None,
        category: str,
        text: Template,
        variants: tuple[tuple[Expr, Template], ...],
        choices: tuple[Choice, ...],
        interrupt: Interrupt | None,
        where: Where,
        again: Template | None = None,
        at_if: Expr | None = None,
    ) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "at", at)
        _set(self, "category", category)
        _set(self, "text", text)
        _set(self, "variants", variants)
        _set(self, "choices", choices)
        _set(self, "interrupt", interrupt)
        _set(self, "where", where)
        _set(self, "again", again)
        _set(self, "at_if", at_if)

    @property
    def kind(self) -> SceneKind:
        """What starts this scene: a choice's goto, the clock (`at`) or chance (`interrupt`); the loader allows one."""
        if self.at is not None:
            return SceneKind.APPOINTMENT
        if self.interrupt is not None:
            return SceneKind.INTERRUPTION
        return SceneKind.SCENE


class Ending(Record):
    """An ending of the day: the first whose condition holds when the day ends is shown."""

    __slots__ = ("cond", "debrief", "id", "text", "title", "variants", "where")
    __match_args__ = ("id", "cond", "title", "text", "debrief", "where", "variants")
    id: str
    cond: Expr | None
    title: Template
    text: Template
    debrief: tuple[str, ...]
    where: Where
    variants: tuple[tuple[Expr, Template], ...]  # extra paragraphs, as a scene's

    def __init__(
        self,
        id: str,
        cond: Expr | None,
        title: Template,
        text: Template,
        debrief: tuple[str, ...],
        where: Where,
        variants: tuple[tuple[Expr, Template], ...] = (),
    ) -> None:
        _set(self, "id", id)
        _set(self, "cond", cond)
        _set(self, "title", title)
        _set(self, "text", text)
        _set(self, "debrief", debrief)
        _set(self, "where", where)
        _set(self, "variants", variants)


class Stat(Record):
    """A hidden stat: where it starts, its bounds, and its name in the report."""

    __slots__ = ("label", "max", "min", "name", "start")
    __match_args__ = ("name", "start", "min", "max", "label")
    name: str
    start: int
    min: int
    max: int
    label: str

    def __init__(self, name: str, start: int, min: int, max: int, label: str) -> None:
        _set(self, "name", name)
        _set(self, "start", start)
        _set(self, "min", min)
        _set(self, "max", max)
        _set(self, "label", label)


class ShortDay(Record):
    """The short workshop day: where it starts, its clock, and what it sets first."""

    __slots__ = ("clock_end", "clock_start", "effects", "sets", "start", "subtitle")
    __match_args__ = ("start", "clock_start", "clock_end", "sets", "effects", "subtitle")
    start: str
    clock_start: int
    clock_end: int
    sets: tuple[tuple[str, object], ...]
    effects: tuple[tuple[str, int], ...]
    subtitle: str  # the line under the title for the short day (empty: the story's subtitle)

    def __init__(
        self,
        start: str,
        clock_start: int,
        clock_end: int,
        sets: tuple[tuple[str, object], ...],
        effects: tuple[tuple[str, int], ...],
        subtitle: str = "",
    ) -> None:
        _set(self, "start", start)
        _set(self, "clock_start", clock_start)
        _set(self, "clock_end", clock_end)
        _set(self, "sets", sets)
        _set(self, "effects", effects)
        _set(self, "subtitle", subtitle)


class Story:
    """Everything a day needs, checked; built by `load_story`.

    A plain class, compared and shown by its fields (`FIELDS`) as the dataclass it was, written out for
    the start's sake (engine/record.py); not slotted: its derived tables are `cached_property`s.
    """

    FIELDS = (
        "root",
        "title",
        "subtitle",
        "start",
        "hub",
        "clock_start",
        "clock_end",
        "categories",
        "category_labels",
        "stats",
        "flags",
        "words",
        "endings",
        "scenes",
        "credits",
        "reference",
        "short",
        "hash",
        "files",
        "warnings",
        "glossary",
    )
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
    reference: dict[str, Any] | None
    short: ShortDay | None
    hash: str
    files: tuple[str, ...]
    warnings: list[Problem]
    glossary: Glossary  # story/glossary.yaml; empty when there is none

    def __init__(
        self,
        root: Path,
        title: str,
        subtitle: str,
        start: str,
        hub: str,
        clock_start: int,
        clock_end: int,
        categories: tuple[str, ...],
        category_labels: dict[str, str],
        stats: dict[str, Stat],
        flags: tuple[str, ...],
        words: dict[str, str],
        endings: tuple[Ending, ...],
        scenes: dict[str, Scene],
        credits: str,
        reference: dict[str, Any] | None,
        short: ShortDay | None,
        hash: str,
        files: tuple[str, ...],
        warnings: list[Problem] | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.root = root
        self.title = title
        self.subtitle = subtitle
        self.start = start
        self.hub = hub
        self.clock_start = clock_start
        self.clock_end = clock_end
        self.categories = categories
        self.category_labels = category_labels
        self.stats = stats
        self.flags = flags
        self.words = words
        self.endings = endings
        self.scenes = scenes
        self.credits = credits
        self.reference = reference
        self.short = short
        self.hash = hash
        self.files = files
        self.warnings = [] if warnings is None else warnings
        self.glossary = Glossary() if glossary is None else glossary

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value: unhashable, as the dataclass was

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__qualname__}({shown})"

    def subtitle_for(self, short: bool) -> str:
        """The line under the title: the short day's own when it has one (its length is not the full day's)."""
        if short and self.short is not None and self.short.subtitle:
            return self.short.subtitle
        return self.subtitle

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

    def interrupts_open(self, clock: int) -> tuple[Scene, ...]:
        """The interruptions whose clock window holds `clock`, in the plan's order (remembered per minute)."""
        got = self._open.get(clock)
        if got is None:
            got = self._open[clock] = tuple(s for s, lo, hi in self.interrupt_plan if lo <= clock < hi)
        return got

    @cached_property
    def _open(self) -> dict[int, tuple[Scene, ...]]:
        return {}

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
    for part in conjuncts(cond.tree):
        if not isinstance(part, Cmp):
            continue
        operands = part.operands
        for op, a, b in zip(part.ops, operands, operands[1:]):
            if isinstance(a, Clock) and isinstance(b, Num):
                lo, hi = _narrow_window(op, b.value, lo, hi)
            elif isinstance(b, Clock) and isinstance(a, Num):
                lo, hi = _narrow_window(MIRROR[op], a.value, lo, hi)  # `600 <= clock` is `clock >= 600`
    return lo, hi


def _narrow_window(op: CmpOp, n: int, lo: int, hi: int) -> tuple[int, int]:
    """[lo, hi) narrowed to the clock values for which `clock op n` can hold (`!=` leaves it whole)."""
    if op == ">=":
        return max(lo, n), hi
    if op == ">":
        return max(lo, n + 1), hi
    if op == "<":
        return lo, min(hi, n)
    if op == "<=":
        return lo, min(hi, n + 1)
    if op == "==":
        return max(lo, n), min(hi, n + 1)
    return lo, hi
