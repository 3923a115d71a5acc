"""Places in story files: a value's place in parsed data, and the problems of one load, each at its place."""

from __future__ import annotations

from typing import NamedTuple

from game.engine.errors import Problem
from game.engine.yamlsafe import Mark, load_document, mark_of

Loc = tuple[str | int, ...]  # the keys and indexes that lead from a file's root to a value


class Spot(NamedTuple):
    """A value in a parsed story file: the file as shown, its data, and the keys and indexes that lead to it."""

    path: str
    data: object
    loc: Loc = ()

    def at(self, *parts: str | int) -> Spot:
        """The value under this one at `parts`."""
        return _new_spot(Spot, (self[0], self[1], self[2] + parts))  # a compile makes ~40 a scene

    def mark(self, *, key: bool = False) -> Mark | None:
        """Where the value (or its key) stands; the nearest known place when it is missing."""
        data = self[1]
        return mark_of(data.data if isinstance(data, Tree) else data, self.loc, key=key)


_new_spot = tuple.__new__


class Tree:
    """A file's parsed data, let go once validated and parsed again from its bytes only if a place in it is
    asked for later (a problem found while compiling): all of a story's data at once cost a third of
    `check`'s peak memory (#17)."""

    __slots__ = ("_data", "_path", "_raw")

    def __init__(self, path: str, raw: bytes, data: object):
        self._path = path
        self._raw = raw
        self._data = data

    @property
    def data(self) -> object:
        if self._data is None:
            self._data = load_document(self._path, self._raw).data  # the same bytes: the same data and places
        return self._data

    def release(self) -> None:
        self._data = None


class Problems:
    """The errors and warnings of one load, and each file's text for placing them exactly."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.unshown: dict[str, int] = {}  # per file: problems the parser counted past its cap
        # each file's bytes, split into lines only when a problem in it needs placing
        self._texts: dict[str, bytes | list[str]] = {}

    def keep_text(self, path: str, raw: bytes) -> None:
        """Keep a file's bytes (valid UTF-8) to place problems found in it later."""
        self._texts[path] = raw

    def forget_text(self, path: str) -> None:
        """Nothing more will be placed in this file: its bytes may go (the file stays listed)."""
        self._texts[path] = []

    @property
    def files(self) -> tuple[str, ...]:
        """The files whose text was kept, in the order they were read."""
        return tuple(self._texts)

    def error(self, path: str, mark: Mark | None, message: str) -> None:
        line, col = mark if mark else (1, 1)
        self.errors.append(Problem(path, line, col, message))

    def warn(self, path: str, mark: Mark | None, message: str) -> None:
        line, col = mark if mark else (1, 1)
        self.warnings.append(Problem(path, line, col, message, "warning"))

    def error_at(self, spot: Spot, message: str, *, key: bool = False) -> None:
        """An error at a value (or its key) of parsed data."""
        self.error(spot.path, spot.mark(key=key), message)

    def warn_at(self, spot: Spot, message: str, *, key: bool = False) -> None:
        """A warning at a value (or its key) of parsed data."""
        self.warn(spot.path, spot.mark(key=key), message)

    def _lines(self, path: str) -> list[str] | None:
        lines = self._texts.get(path)
        if isinstance(lines, bytes):  # most files never need it
            lines = self._texts[path] = lines.decode("utf-8-sig").splitlines()
        return lines

    def find(self, path: str, mark: Mark | None, needle: str, offset: int = 0, skip: int = 0) -> Mark | None:
        """The exact place of `needle` at or after `mark` (a few lines on), else `mark`.

        `skip`: line breaks in the value before the needle; a value never spans fewer lines of its
        file than it holds breaks, so the search may start that many lines on (the right one of
        two equal needles in a `text: |` block).
        """
        lines = self._lines(path)
        if not lines or not mark or not needle:
            return mark
        first = needle.splitlines()[0] if needle.strip() else needle
        first = first or needle.strip().splitlines()[0]
        for i in range(mark[0] - 1 + skip, min(mark[0] + skip + 400, len(lines))):
            start = mark[1] - 1 if i == mark[0] - 1 else 0
            j = lines[i].find(first, start)
            if j >= 0:
                return (i + 1, j + 1 + min(offset, len(first)))
        return mark

    def place(self, path: str, mark: Mark | None, text: str, offset: int) -> Mark | None:
        """The exact line and column of `text[offset]`, a value written at `mark`: computed for a
        `|` block and a one-line scalar (and checked against the file), else searched for."""
        lines = self._lines(path)
        if not lines or not mark or not 0 < mark[0] <= len(lines):
            return mark
        row = lines[mark[0] - 1]
        lead = row[mark[1] - 1 : mark[1]]
        snippet = text[offset : offset + 12].split("\n")[0]
        candidate = None
        if lead == "|":
            indent = next(
                (len(x) - len(x.lstrip(" ")) for x in lines[mark[0] : mark[0] + 200] if x.strip()),
                0,
            )
            k = text.count("\n", 0, offset)
            line_start = text.rfind("\n", 0, offset) + 1
            candidate = (mark[0] + 1 + k, indent + 1 + offset - line_start)
        elif "\n" not in text[:offset]:
            candidate = (mark[0], mark[1] + offset + (1 if lead in ("'", '"') else 0))
        if candidate is not None and 0 < candidate[0] <= len(lines):
            got = lines[candidate[0] - 1][candidate[1] - 1 : candidate[1] - 1 + len(snippet)]
            if got == snippet:
                return candidate
        return self.find(path, mark, text[offset : offset + 20], skip=text.count("\n", 0, offset))
