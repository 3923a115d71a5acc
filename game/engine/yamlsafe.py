"""Strict YAML reading: plain data with the place of every value, and nothing executed.

The builder reads parser events (libyaml's C parser when present) and composes
dicts and lists itself, so aliases, merge keys, duplicate keys, non-string keys
and tags are refused where they stand, and caps on size, depth and node count
hold before any object is made.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import yaml
from yaml import events as ev

from game.engine.errors import MAX_PROBLEMS_PER_FILE, Problem
from game.engine.where import LARGE_STORY, LARGE_STORY_HINT

try:  # libyaml is about seven times faster than the pure-Python parser
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 100_000
# in all the files of a story together: 5,000 generated scenes hold 0.45 million, 20,000 hold 1.79 million (the
# larger cap is chosen with DAYJOB_LARGE_STORY=1, game/engine/where.py)
MAX_TOTAL_NODES = 2_000_000 if LARGE_STORY else 600_000
MAX_INT_DIGITS = 15  # beyond, no story number means anything (and past 4,300 Python will not read it)

Mark = tuple[int, int]  # 1-based line, column


class StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe loader whose documents are built by `build`, never by a constructor."""


# A place is kept packed in one int (0-based line << 22 | 0-based column; a file of at most 2 MB has
# fewer lines and columns than that), two per mapping key in one array: a tuple a place cost eight times
# the memory (#17: `check` on 20,000 scenes).
_COL_BITS = 22
_COL_MASK = (1 << _COL_BITS) - 1


def _unpack(packed: int) -> Mark:
    return ((packed >> _COL_BITS) + 1, (packed & _COL_MASK) + 1)


def _pack(mark: Mark) -> int:
    return (mark[0] - 1) << _COL_BITS | (mark[1] - 1)


class _DictMarks(Mapping[str, Mark]):
    """The places of a mapping's keys (or of their values), read from its packed array."""

    __slots__ = ("_of", "_which")

    def __init__(self, of: YDict, which: int):
        self._of = of
        self._which = which

    def __getitem__(self, key: str) -> Mark:
        return _unpack(self._of._places[2 * self._of._position(key) + self._which])

    def __iter__(self) -> Iterator[str]:
        return iter(self._of)

    def __len__(self) -> int:
        return len(self._of)

    def __contains__(self, key: object) -> bool:
        return key in self._of


class _ListMarks(Sequence[Mark]):
    """The places of a sequence's items, read from its packed array."""

    __slots__ = ("_of",)

    def __init__(self, of: YList):
        self._of = of

    @overload
    def __getitem__(self, index: int) -> Mark: ...
    @overload
    def __getitem__(self, index: slice) -> list[Mark]: ...
    def __getitem__(self, index: int | slice) -> Mark | list[Mark]:
        if isinstance(index, slice):
            return [_unpack(p) for p in self._of._places[index]]
        return _unpack(self._of._places[index])

    def __len__(self) -> int:
        return len(self._of._places)


class YDict(dict[str, Any]):
    """A mapping that remembers where it, its keys and its values stand."""

    __slots__ = ("_at", "_index", "_places")

    def __init__(self, at: int):
        super().__init__()
        self._at = at  # packed
        self._places = array("q")  # per key, in order: the key's place, then its value's (packed)
        self._index: dict[str, int] | None = None  # key -> position, made on the first look-up in a large mapping

    @property
    def mark(self) -> Mark:
        return _unpack(self._at)

    @property
    def key_marks(self) -> Mapping[str, Mark]:
        return _DictMarks(self, 0)

    @property
    def value_marks(self) -> Mapping[str, Mark]:
        return _DictMarks(self, 1)

    def place_of(self, key: str, *, of_key: bool = False) -> Mark:
        """Where the value at `key` (or the key itself) stands."""
        return _unpack(self._places[2 * self._position(key) + (0 if of_key else 1)])

    def _position(self, key: str) -> int:
        if len(self) <= 16:  # most mappings of a story: a scan is cheaper than an index kept
            for i, k in enumerate(self):
                if k == key:
                    return i
            raise KeyError(key)
        index = self._index
        if index is None or len(index) != len(self):
            index = self._index = {k: i for i, k in enumerate(self)}
        return index[key]


class YList(list[Any]):
    """A sequence that remembers where it and its items stand."""

    __slots__ = ("_at", "_places")

    def __init__(self, at: int):
        super().__init__()
        self._at = at  # packed
        self._places = array("q")  # per item, packed

    @property
    def mark(self) -> Mark:
        return _unpack(self._at)

    @property
    def value_marks(self) -> Sequence[Mark]:
        return _ListMarks(self)


@dataclass
class Document:
    """One file's data, or the problems that kept it from being read."""

    path: str
    data: object = None
    problems: list[Problem] = field(default_factory=list)
    raw: bytes = b""
    unshown: int = 0  # problems past the cap, counted only
    nodes: int = 0  # values read (all of them when a cap stopped the reading)


# In a value: every C0 control but tab and newline (a carriage return too: it can only come from an
# escape such as "\r", and it would move a terminal's cursor), DEL and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# In a file's text, where CR (and CRLF) are line breaks the reader turns into "\n".
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The bytes that can start a character _RAW_CONTROL finds in UTF-8 (C1 controls are 0xC2 0x80-0x9F): a file
# without any (nearly every file) needs no search of its text
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2])
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def _raw_control(raw: bytes, text: str) -> bool:
    """Whether a file's text (decoded from `raw`) holds a character _RAW_CONTROL finds."""
    if not raw.translate(None, _NOT_CONTROL_BYTES):  # one C pass over the bytes, ten times a regex's speed
        return False
    return _RAW_CONTROL.search(text) is not None


_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {
    ".inf": float("inf"),
    ".Inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_STD_TAGS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": bool,
    "tag:yaml.org,2002:null": type(None),
    "tag:yaml.org,2002:map": dict,
    "tag:yaml.org,2002:seq": list,
}


# A plain scalar is a number only when it starts with one of these (or "" for an empty one: null); else
# it is null or a boolean only when it is one of _WORDS (prose starting with "The" or "Finally" is text
# without a call: a third of a story's values start with t, n or f)
_NUMBER_START = frozenset("0123456789+-.") | {""}
_WORDS = frozenset(_NULL | _TRUE | _FALSE) - {""}


def resolve_plain(value: str) -> object:
    """Read an unquoted scalar by YAML 1.2's core schema: `yes`, `on` and `12:30` stay text."""
    if value[:1] not in _NUMBER_START and value not in _WORDS:  # most story values: prose, ids, names
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        if len(value.lstrip("+-0")) > MAX_INT_DIGITS:
            raise _NumberTooLarge(value)
        return int(value)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value)
    if value in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[value]
    return value


class _NumberTooLarge(ValueError):
    """A whole number with more digits than a story can mean (see MAX_INT_DIGITS)."""

    def __init__(self, text: str):
        digits = len(text.lstrip("+-0"))
        super().__init__(
            f"the number {text[:12]}{'…' if len(text) > 12 else ''} has {digits:,} digits; a story's numbers have "
            f"at most {MAX_INT_DIGITS} (put it in quotes if it is text)"
        )


def _mark(m: yaml.Mark) -> Mark:
    return (m.line + 1, m.column + 1)


class _Refused(Exception):
    """Stop building: the file breaks a cap or cannot be parsed."""

    def __init__(self, mark: Mark, message: str):
        self.mark = mark
        self.message = message


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Text of a story file: UTF-8 (a BOM is allowed), or a located problem."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [
            Problem(path, line, col, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")
        ]


# long: the strict loader's checks, in the order the parser reports
def load_document(path: str, raw: bytes, nodes_left: int = MAX_NODES) -> Document:
    """Parse one story file strictly, with at most `nodes_left` values (the story's own cap); never raises
    for bad input."""
    doc = Document(path, raw=raw)
    if len(raw) > MAX_FILE_BYTES:
        doc.problems.append(
            Problem(
                path,
                1,
                1,
                f"the file is {len(raw) / 1e6:.1f} MB; a story file may be at most "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB — split it into several files under scenes/",
            )
        )
        return doc
    text, problems = decode(path, raw)
    if text is None:
        doc.problems.extend(problems)
        return doc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        doc.problems.append(Problem(path, line, 1, "the file holds a NUL character; is it really a YAML file?"))
        return doc
    # The reader refuses control characters written into the file and reads NEL as a line break,
    # so only a double-quoted escape (such as "\e") can put one into a value: only those values are
    # searched. Should a file hold one anyway (another parser), every value is searched.
    builder = _Builder(path, every_scalar=_raw_control(raw, text), text=text, nodes_left=nodes_left)
    loader = StrictLoader(text)
    try:
        doc.data = builder.build(loader)
    except _Refused as exc:
        builder.problems.append(Problem(path, exc.mark[0], exc.mark[1], exc.message))
        doc.data = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(s for s in (exc.context, exc.problem) if s)
        quoted = _quoted_start(text, line)
        unclosed = _unclosed_quote(text, mark) if quoted is None else None
        if quoted is not None:
            line, col, what = line, quoted[0], f"{what}; {quoted[1]}"
        elif unclosed is not None:
            line, col, what = unclosed[0], unclosed[1], f"{what} (at line {line}); {unclosed[2]}"
        elif exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
            opened = exc.context_mark
            rows = text.splitlines()
            quote = (
                "'" if opened.line < len(rows) and rows[opened.line][opened.column : opened.column + 1] == "'" else '"'
            )
            line, col = opened.line + 1, opened.column + 1
            what = f"{what}: the quote opened here is never closed; end the value with {quote}"
        else:
            what += _layout_hint(text, mark, what) or _insertion_hint(text, mark)
        builder.problems.append(Problem(path, line, col, f"YAML syntax: {what}"))
        doc.data = None
    except yaml.reader.ReaderError as exc:  # a control character written into the file: placed by position
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        builder.problems.append(
            Problem(
                path,
                line,
                col,
                f"control character U+{exc.character if isinstance(exc.character, int) else ord(exc.character):04X} "
                "in the file; story text may not hold terminal control codes",
            )
        )
        doc.data = None
    except yaml.YAMLError as exc:
        builder.problems.append(Problem(path, 1, 1, f"YAML: {exc}"))
        doc.data = None
    except RecursionError:  # pure-Python parser on absurd nesting
        builder.problems.append(Problem(path, 1, 1, f"the file nests deeper than {MAX_DEPTH} levels"))
        doc.data = None
    finally:
        loader.dispose()
    doc.problems.extend(builder.problems)
    doc.unshown = builder.unshown
    doc.nodes = builder.nodes
    return doc


# `key: "quoted" more` or `- key: 'quoted' more`: a value that starts with a quote and goes on after it
_QUOTED_START = re.compile(r"""^\s*(?:-\s+)?[\w-]+:\s+((["'])(?:(?!\2).)*\2\s*[^\s#].*)$""")


def _quoted_start(text: str, line: int) -> tuple[int, str] | None:
    """For a syntax error on a line whose value starts with a quote: where the value starts, and how to quote it."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    m = _QUOTED_START.match(lines[line - 1])
    if m is None:
        return None
    value = m.group(1).rstrip()
    other = "'" if m.group(2) == '"' else '"'
    fixed = value.replace("'", "''") if other == "'" else value
    return (
        m.start(1) + 1,
        f"a value that starts with a quote ends at the closing quote, so YAML cannot read the rest; "
        f"put the whole value in {'single' if other == chr(39) else 'double'} quotes: {other}{fixed}{other}",
    )


_OPENS_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[\w-]+:\s+)?(["'])""")
_QUOTE_ENDS = {'"': re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL), "'": re.compile(r"(?:[^']|'')*'(?!')", re.DOTALL)}


def _unclosed_quote(text: str, mark: yaml.Mark | None) -> tuple[int, int, str] | None:
    """For a syntax error just after a quote: the line above whose value opened the quoted text that the
    quote closed, when that value does not close on its own line (YAML read on to the next quote in the file)."""
    if mark is None:
        return None
    lines = text.splitlines()
    for row in range(min(mark.line, len(lines)) - 1, max(mark.line - 60, 0) - 1, -1):
        m = _OPENS_QUOTE.match(lines[row])
        if m is None:
            continue
        quote = m.group(1)
        rest = "\n".join(lines[row : mark.line + 1])[m.end() :]
        end = _QUOTE_ENDS[quote].match(rest)
        if end is None or "\n" not in end.group() or end.group().count("\n") != mark.line - row:
            return None  # the nearest quoted value above closes on its line, or not where YAML stumbled
        return (
            row + 1,
            m.start(1) + 1,
            f"the quote opened on line {row + 1} is not closed on its line, so YAML read on to the next "
            f"quote in the file: end the value with {quote}",
        )
    return None


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_SIMPLE_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    "N": "\x85",
}


def _control_mark(event: ev.ScalarEvent, char: str, buffer: str) -> Mark:
    """Where a control character in a scalar was written: its escape in a double-quoted value, else its start."""
    start, end = event.start_mark, event.end_mark
    if event.style == '"':
        lines = buffer.split("\n")  # marks count lines and characters (libyaml's index counts bytes)
        begin = sum(len(x) + 1 for x in lines[: start.line]) + start.column
        stop = sum(len(x) + 1 for x in lines[: end.line]) + end.column
        for m in _ESCAPE.finditer(buffer, begin, stop):
            code = m.group(1)
            decoded = chr(int(code[1:], 16)) if len(code) > 1 else _SIMPLE_ESCAPES.get(code)
            if decoded == char:
                before = buffer[: m.start()]
                return (before.count("\n") + 1, m.start() - (before.rfind("\n") + 1) + 1)
    return _mark(start)


class _Builder:
    """Composes plain data from parser events, iteratively, with caps."""

    def __init__(self, path: str, every_scalar: bool = True, text: str = "", nodes_left: int = MAX_NODES):
        self.path = path
        self.text = text  # the file's text, to place a control character at its escape
        self.problems: list[Problem] = []
        self.unshown = 0  # problems past MAX_PROBLEMS_PER_FILE, counted, not kept
        self.nodes = 0  # in the whole file, every document of it
        self.max_nodes = min(MAX_NODES, nodes_left)
        self.file_cap = MAX_NODES <= nodes_left  # which cap a refusal names
        self.every_scalar = every_scalar  # search every scalar for control characters

    def too_many(self) -> str:
        if self.file_cap:
            return f"the file has more than {MAX_NODES:,} values; split it into several files"
        return (
            f"the story has more than {MAX_TOTAL_NODES:,} values in all files together (reached here); "
            f"nothing after this was read, so nothing else was checked; {LARGE_STORY_HINT}"
        )

    def problem(self, mark: Mark, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS_PER_FILE:  # the rest are only counted (see StoryError)
            self.problems.append(Problem(self.path, mark[0], mark[1], message))
        else:
            self.unshown += 1

    def build(self, loader: StrictLoader) -> object:
        get = loader.get_event
        event = get()  # StreamStart
        event = get()
        if isinstance(event, ev.StreamEndEvent):
            return None
        result = None
        documents = 0
        while isinstance(event, ev.DocumentStartEvent):
            documents += 1
            if documents == 2:
                self.problem(_mark(event.start_mark), "a story file holds one YAML document; remove the second '---'")
            value = self._document(get)
            if documents == 1:
                result = value
            event = get()  # DocumentEnd was consumed by _document; this is the next start or StreamEnd
        return result

    def _scalar(self, event: ev.ScalarEvent) -> object:
        value = event.value
        if self.every_scalar or event.style == '"':
            bad = _CONTROL.search(value)
            if bad:
                self.problem(
                    _control_mark(event, bad.group(), self.text),
                    f"control character U+{ord(bad.group()):04X} in the text; "
                    "story text may not hold terminal control codes",
                )
        tag = event.tag
        if tag is None and event.anchor is None:  # nearly every scalar of a story
            return resolve_plain(value) if event.implicit[0] else value
        if event.anchor is not None:
            self.problem(
                _mark(event.start_mark),
                f"anchors (&{event.anchor}) are not allowed in story files; write the value out",
            )
        if tag is not None and tag != "!":
            kind = _STD_TAGS.get(tag)
            if kind is None:
                self.problem(_mark(event.start_mark), f"the tag {_short(tag)!r} is not allowed in story files")
                return event.value
            value = resolve_plain(event.value) if kind is not str else event.value
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                self.problem(
                    _mark(event.start_mark), f"{event.value!r} is not a valid {kind.__name__} for tag {_short(tag)!r}"
                )
                return event.value
            return value
        if event.implicit[0]:  # plain scalar
            return resolve_plain(event.value)
        return event.value

    # long: one branch per kind of YAML event, in one loop for speed (the rare cases are methods)
    def _document(self, get: Callable[[], ev.Event]) -> object:
        # stack entries: [container, pending_key, key_mark]; at the bottom, a list that gets the root
        root = YList(0)
        stack: list[list[Any]] = [[root, _NO_KEY, None]]
        nodes = self.nodes
        max_nodes = self.max_nodes
        scalar_event, mapping_start, sequence_start = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
        every_scalar = self.every_scalar
        number_start, words = _NUMBER_START, _WORDS
        event = None
        try:
            while True:
                event = get()
                cls = type(event)
                if cls is scalar_event:
                    sm = event.start_mark
                    mark = sm.line << 22 | sm.column  # packed (_COL_BITS)
                    if event.tag is None and event.anchor is None and not every_scalar and event.style != '"':
                        # the usual case; plain prose and ids are text without a call
                        value = event.value
                        if event.implicit[0] and (value[:1] in number_start or value in words):
                            value = resolve_plain(value)
                    else:
                        value = self._scalar(event)
                    is_container = False
                elif cls is mapping_start or cls is sequence_start:
                    sm = event.start_mark
                    mark = sm.line << 22 | sm.column
                    value = self._container(event, mark, len(stack) - 1)
                    is_container = True
                elif cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
                    stack.pop()
                    continue
                elif cls is ev.DocumentEndEvent:
                    self.nodes = nodes
                    return root[0] if root else None
                else:
                    mark, value, is_container = self._alias(event), None, False
                nodes += 1
                if nodes > max_nodes:
                    self.nodes = nodes
                    raise _Refused(_unpack(mark), self.too_many())

                top = stack[-1]
                parent = top[0]
                if type(parent) is YList:
                    parent.append(value)
                    parent._places.append(mark)
                elif top[1] is not _NO_KEY:  # this value is the pending key's
                    key = top[1]
                    if key is not _BAD_KEY:
                        parent[key] = value
                        places = parent._places
                        places.append(top[2])
                        places.append(mark)
                    top[1] = _NO_KEY
                else:  # this value is a key
                    top[2] = mark
                    if type(value) is str and value not in parent and value != "<<":
                        top[1] = value
                        continue
                    top[1] = self._bad_key(parent, value, event, mark, is_container)
                    if not is_container:
                        continue
                if is_container:
                    stack.append([value, _NO_KEY, None])

        except _NumberTooLarge as exc:  # raised by resolve_plain, so the usual path pays nothing for it
            raise _Refused(_mark(event.start_mark) if event is not None else (1, 1), str(exc)) from None

    def _container(self, event: ev.Event, mark: int, depth: int) -> YDict | YList:
        """A new mapping or sequence at `mark` (packed), its anchor and tag refused, its depth capped."""
        if depth >= MAX_DEPTH:
            raise _Refused(_unpack(mark), f"the file nests deeper than {MAX_DEPTH} levels")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.problem(_unpack(mark), f"anchors (&{anchor}) are not allowed in story files; write the value out")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _STD_TAGS:
            self.problem(_unpack(mark), f"the tag {_short(tag)!r} is not allowed in story files")
        return YDict(mark) if type(event) is ev.MappingStartEvent else YList(mark)

    def _alias(self, event: ev.Event) -> int:
        """An alias, refused where it stands (its packed place); anything else the parser sent is a bug."""
        if type(event) is not ev.AliasEvent:  # pragma: no cover - the parser emits nothing else inside a document
            raise _Refused(_mark(event.start_mark), f"unexpected YAML event {type(event).__name__}")
        self.problem(
            _mark(event.start_mark),
            f"aliases (*{getattr(event, 'anchor', None)}) are not allowed in story files; write the value out",
        )
        return _pack(_mark(event.start_mark))

    def _bad_key(self, parent: YDict, value: object, event: ev.Event, mark: int, is_container: bool) -> object:
        """The pending key for a key that is not plain, new text: `_BAD_KEY` when refused (the usual text
        `<<` written quoted is a key like any other)."""
        scalar = type(event) is ev.ScalarEvent
        if is_container:
            self.problem(_unpack(mark), "a key must be plain text, not a list or mapping")
        elif type(value) is not str:
            shown = getattr(event, "value", None) if scalar else "an alias"
            self.problem(_unpack(mark), f"the key {shown!r} is read as {_kind(value)}, not text; put it in quotes")
        elif value == "<<" and scalar and getattr(event, "implicit", (False,))[0]:
            self.problem(_unpack(mark), "merge keys (<<) are not allowed in story files; write the keys out")
        elif value in parent:
            first = parent.key_marks[value]
            self.problem(
                _unpack(mark),
                f"duplicate key {value!r} (first at line {first[0]}); YAML would silently keep only the last",
            )
        else:
            return value
        return _BAD_KEY


_NO_KEY = object()
_BAD_KEY = object()


_INSERTION = re.compile(r"\{\s*\^?\s*(?:if\s|seq\s*:|cycle\s*:|shuffle\s*:|[A-Za-z_]\w*\s*\})")


def _insertion_hint(text: str, mark: yaml.Mark | None) -> str:
    """A hint when the line YAML stumbled on holds a text insertion: `: ` inside `{if x: y}`, or a
    value starting with `{`, reads as YAML mapping syntax unless the text is quoted or a `|` block."""
    if mark is None:
        return ""
    lines = text.splitlines()
    rows = lines[max(mark.line - 1, 0) : mark.line + 1]
    if any(_INSERTION.search(row) for row in rows):
        return "; text holding an insertion such as {if …: …} or starting with '{' goes in quotes or a `|` block"
    return ""


def _layout_hint(text: str, mark: yaml.Mark | None, what: str) -> str:
    """A hint when YAML stumbled on the page's layout: a tab in the indentation, or a line indented by a
    number of spaces no line above it uses (a key one space off its siblings)."""
    if "tab character" in what:
        return "; YAML does not allow tabs in indentation: indent with spaces"
    if mark is None:
        return ""
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines) or not lines[mark.line].strip():
        return ""
    row = lines[mark.line]
    indent = len(row) - len(row.lstrip(" "))
    above = {
        len(r) - len(r.lstrip(" "))
        for r in lines[max(0, mark.line - 200) : mark.line]
        if r.strip() and not r.lstrip().startswith("#")
    }
    if not above or indent in above:
        return ""
    near = sorted(above, key=lambda n: (abs(n - indent), n))[:2]
    spaces = " or ".join(str(n) for n in sorted(near))
    return (
        f"; line {mark.line + 1} is indented {indent} spaces, unlike every line above it: "
        f"line it up with the keys it belongs with ({spaces} spaces)"
    )


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    return type(value).__name__


@overload
def mark_of(
    data: YDict | YList, loc: tuple[str | int, ...], *, key: bool = False
) -> Mark: ...  # built data has a place
@overload
def mark_of(data: object, loc: tuple[str | int, ...], *, key: bool = False) -> Mark | None: ...
def mark_of(data: object, loc: tuple[str | int, ...], *, key: bool = False) -> Mark | None:
    """The place of the value (or key) at `loc` inside built data; the nearest known place."""
    node = data
    best: Mark | None = data.mark if isinstance(data, (YDict, YList)) else None
    last = len(loc) - 1
    for i, part in enumerate(loc):
        if isinstance(node, YDict) and isinstance(part, str) and part in node:
            best = node.place_of(part, of_key=key and i == last)
            node = node[part]
        elif isinstance(node, YList) and isinstance(part, int) and 0 <= part < len(node):
            best = _unpack(node._places[part])
            node = node[part]
        else:
            break
    return best


def _short(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag
