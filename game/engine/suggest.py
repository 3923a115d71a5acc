""" "Did you mean …?" for an unknown name, at a bounded cost however many names and typos a story has."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Collection

CUTOFF = 0.6  # difflib's default: below this similarity nothing is suggested
MAX_CANDIDATES = 100  # names compared with one unknown name
MAX_NAME = 64  # longer unknown names get no suggestion (the comparison is quadratic in length)
# Per story load (see `new_budget`), across every unknown name: the sum of len(unknown) * len(candidate)
# compared (measured: about 0.3 microseconds each, worst case). Past it nothing more is suggested; a story
# with that many typos needs its first ones fixed.
BUDGET = 3_000_000
_NEIGHBOURS = 6  # names taken on each side of an unknown one, per length and per order
_KEPT = 16  # indexes of recent name sets (a load asks a few sets many times)


class _Index:
    """One set of names by length, each length sorted forwards and by reversed spelling, with what was asked."""

    def __init__(self, names: frozenset[str]):
        self.forwards: dict[int, list[str]] = {}
        for n in sorted(names):
            self.forwards.setdefault(len(n), []).append(n)
        self.backwards = {size: sorted(n[::-1] for n in group) for size, group in self.forwards.items()}
        self.lengths = sorted(self.forwards)
        self.answers: dict[str, str | None] = {}

    def candidates(self, name: str) -> list[str]:
        """Up to MAX_CANDIDATES names that could reach CUTOFF: of the nearest lengths first, and of each
        length the neighbours of `name` in spelling order and in reversed-spelling order (a typo keeps
        the start or the end of a name), also without its first or last letter (one typed too many)."""
        size = len(name)
        # ratio = 2 * matches / (len(a) + len(b)), and matches <= the shorter length: that bounds the other's
        low, high = size * CUTOFF / (2 - CUTOFF), size * (2 - CUTOFF) / CUTOFF
        window = self.lengths[bisect.bisect_left(self.lengths, low) : bisect.bisect_right(self.lengths, high)]
        window.sort(key=lambda n: (abs(n - size), n))
        picked: dict[str, None] = {}
        forward_probes = (name, name[1:])
        backward_probes = (name[::-1], name[:-1][::-1])
        for length in window:
            forwards, backwards = self.forwards[length], self.backwards[length]
            for probe in forward_probes:
                at = bisect.bisect_left(forwards, probe)
                picked.update(dict.fromkeys(forwards[max(0, at - _NEIGHBOURS) : at + _NEIGHBOURS]))
            for probe in backward_probes:
                at = bisect.bisect_left(backwards, probe)
                picked.update(dict.fromkeys(n[::-1] for n in backwards[max(0, at - _NEIGHBOURS) : at + _NEIGHBOURS]))
            if len(picked) >= MAX_CANDIDATES:
                break
        return list(picked)[:MAX_CANDIDATES]

    def closest(self, name: str) -> str | None:
        if name in self.answers:
            return self.answers[name]
        if len(name) > MAX_NAME or _budget[0] <= 0:
            return None  # not remembered: the next load's allowance may answer it
        pool = self.candidates(name)
        _budget[0] -= len(name) * sum(len(c) for c in pool)
        close = difflib.get_close_matches(name, pool, n=1, cutoff=CUTOFF)
        answer = self.answers[name] = close[0] if close else None
        return answer


_indexes: dict[tuple[frozenset[str], ...], _Index] = {}
_budget = [BUDGET]


def new_budget() -> None:
    """Start a new load's allowance of comparisons (answers already given are kept)."""
    _budget[0] = BUDGET


def closest(name: object, *known: Collection[str]) -> str | None:
    """The known name most like `name` (from any of the `known` collections), or None."""
    # frozensets cache their hash, so asking again with the same sets costs no walk over them
    key = tuple(k if isinstance(k, frozenset) else frozenset(k) for k in known)
    index = _indexes.get(key)
    if index is None:
        if len(_indexes) >= _KEPT:
            del _indexes[next(iter(_indexes))]
        index = _indexes[key] = _Index(frozenset().union(*key))
    return index.closest(str(name))


def did_you_mean(name: object, *known: Collection[str]) -> str:
    """`; did you mean 'desk'?`, or nothing when no known name is close."""
    close = closest(name, *known)
    return f"; did you mean {close!r}?" if close else ""
