"""Problems with a place in a story file, and the error that carries them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter

from game.engine.record import Record
from game.engine.safetext import terminal_safe

_set = object.__setattr__  # how a frozen record's __init__ sets its fields (engine/record.py)


class Problem(Record):
    """One thing wrong (or worth a look) at one place in one file; ordered by its fields, in this order."""

    __slots__ = ("col", "line", "message", "more", "path", "severity")
    __match_args__ = ("path", "line", "col", "message", "severity", "more")
    ORDERED = True
    path: str
    line: int
    col: int
    message: str
    severity: str  # "error", "warning", or "note" (a line about the others: see StoryError)
    more: int  # a note's count of problems not listed

    def __init__(self, path: str, line: int, col: int, message: str, severity: str = "error", more: int = 0) -> None:
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "col", col)
        _set(self, "message", message)
        _set(self, "severity", severity)
        _set(self, "more", more)

    def __str__(self) -> str:
        tag = f"{self.severity}: " if self.severity in ("warning", "note") else ""
        # one line, whatever a file name or a quoted story value holds
        return terminal_safe(f"{self.path}:{self.line}:{self.col}: {tag}{self.message}", one_line=True)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
        }


MAX_PROBLEMS_PER_FILE = 100  # past this, one line says how many more a file has


def count_errors(problems: list[Problem]) -> int:
    """How many errors a list stands for, those a note says were not listed included."""
    return sum(1 for p in problems if p.severity == "error") + sum(p.more for p in problems if p.severity == "note")


_ORDER = attrgetter(*Problem.__match_args__)  # the order of `<` on problems


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems sorted as `sorted` sorts them, with one key each instead of a Python `<` per pair (a hostile
    story has hundreds of thousands of warnings)."""
    return sorted(problems, key=_ORDER)


def listed_per_file(
    problems: Iterable[Problem], note: Callable[[int], str], unshown: dict[str, int] | None = None
) -> tuple[list[Problem], dict[str, int]]:
    """Problems (in file order) to list: at most MAX_PROBLEMS_PER_FILE of a file, each file's excess (and its
    `unshown`, dropped before) counted in a note after its last listed problem, worded by `note(count)`;
    with those counts by file. One mistake repeated can give a file thousands of the same problem."""
    per_file: dict[str, int] = {}
    more = dict(unshown or {})
    kept: list[Problem] = []
    for p in problems:
        n = per_file[p.path] = per_file.get(p.path, 0) + 1
        if n <= MAX_PROBLEMS_PER_FILE:
            kept.append(p)
        else:
            more[p.path] = more.get(p.path, 0) + 1
    more = {path: n for path, n in more.items() if n}
    listed: list[Problem] = []
    for i, p in enumerate(kept):  # in file order: a file's problems are together, so its note follows its last
        listed.append(p)
        if p.path in more and (i + 1 == len(kept) or kept[i + 1].path != p.path):
            listed.append(Problem(p.path, p.line, p.col, note(more[p.path]), "note", more[p.path]))
    for path, n in more.items():  # a file whose problems were all dropped before: its note comes last
        if path not in per_file:
            listed.append(Problem(path, 1, 1, note(n), "note", n))
    return listed, more


class StoryError(Exception):
    """A story that cannot be played, with its problems in file order: at most MAX_PROBLEMS_PER_FILE
    of one file, then a note counting the rest (`unshown`: those already dropped while parsing).
    `total` counts them all."""

    def __init__(self, problems: list[Problem], unshown: dict[str, int] | None = None):
        ordered = sorted(problems, key=lambda p: (p.path, p.line, p.col, p.message))
        self.problems, _ = listed_per_file(
            ordered,
            lambda n: (
                f"... and {n:,} more problems in this file after the first "
                f"{MAX_PROBLEMS_PER_FILE}, not listed; fix these and check again"
            ),
            unshown,
        )
        self.total = count_errors(self.problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ChoiceError(ValueError):
    """A choice that is not available in the current scene."""


class ReplayError(ChoiceError):
    """A replay that stopped: at choice `n` (1-based), `choice`, because of `reason` (or because the day had ended)."""

    def __init__(self, message: str, n: int, choice: str, reason: str, *, ended: bool):
        super().__init__(message)
        self.n, self.choice, self.reason, self.ended = n, choice, reason, ended


class SaveError(Exception):
    """A save that cannot be read; the message says what happened to it."""
