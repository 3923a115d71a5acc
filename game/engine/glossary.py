"""The story's glossary: the job's terms, each explained once, found in text wherever they appear.

`story/glossary.yaml` (optional) holds `terms:`, a mapping of term id to `{term, means, also}`,
and `jargon:`, words that the writers' lint counts as jargon besides its own list. A term is
found in text case-insensitively, as a whole word (its first and last characters not joined to
other letters, digits or `_`), by its `term` or any of its `also` forms; where two forms overlap,
the longer wins.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from game.engine.record import Record

if TYPE_CHECKING:
    from pydantic import ValidationError

    from game.engine.yamlsafe import YDict

GLOSSARY = "glossary.yaml"
LONG_MEANING = 320  # characters: about two sentences, read in passing
_set = object.__setattr__  # how a frozen record's __init__ sets its fields (engine/record.py)


@cache
def _file_model() -> Any:
    """The file's schema, made when a glossary is first read: a story (from the compiled-story cache, on
    the title screen) is built without pydantic (bench/bench_startup.py)."""
    from pydantic import BaseModel, ConfigDict, Field

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    TermText = Annotated[str, Field(min_length=1, max_length=120)]

    class TermDef(_Strict):
        """One entry as a writer writes it."""

        term: TermText
        means: Annotated[str, Field(min_length=1, max_length=2_000)]
        also: list[TermText] = Field(default_factory=list)

    class GlossaryFile(_Strict):
        """The whole file as a writer writes it."""

        version: str | int | None = None
        terms: dict[Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)], TermDef] = Field(
            default_factory=dict
        )
        jargon: list[TermText] = Field(default_factory=list)

    return GlossaryFile


class Term(Record):
    """A term of the job and what it means, with the place it is defined."""

    __slots__ = ("also", "col", "id", "line", "means", "path", "term")
    __match_args__ = ("id", "term", "means", "also", "path", "line", "col")
    id: str
    term: str
    means: str
    also: tuple[str, ...]
    path: str
    line: int
    col: int

    def __init__(
        self,
        id: str,
        term: str,
        means: str,
        also: tuple[str, ...] = (),
        path: str = GLOSSARY,
        line: int = 1,
        col: int = 1,
    ) -> None:
        _set(self, "id", id)
        _set(self, "term", term)
        _set(self, "means", means)
        _set(self, "also", also)
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "col", col)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.also)


class Glossary:
    """The terms of a story and a matcher that finds them in text; compared and shown by its three fields."""

    terms: dict[str, Term]
    jargon: tuple[str, ...]  # the writers' additions to the lint's list of jargon
    path: str | None  # where it was read from, if anywhere

    def __init__(self, terms: dict[str, Term] | None = None, jargon: tuple[str, ...] = (), path: str | None = None):
        self.terms = {} if terms is None else terms
        self.jargon = jargon
        self.path = path
        self._matcher()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.terms, self.jargon, self.path) == (other.terms, other.jargon, other.path)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value: unhashable

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(terms={self.terms!r}, jargon={self.jargon!r}, path={self.path!r})"

    def _matcher(self) -> None:
        forms = {_key(form): t.id for t in self.terms.values() for form in t.forms}
        self._by_form = forms
        # longest first, so "CrashLoopBackOff" wins over "CrashLoop" where both would match; a space
        # in a term matches any run of spaces and line breaks, as a hard-wrapped text has them
        alternatives = "|".join(
            r"\s+".join(re.escape(word) for word in f.split(" ")) for f in sorted(forms, key=len, reverse=True)
        )
        # the lookahead on the forms' first letters lets the engine skip most positions at once (3x faster)
        first = re.escape("".join(sorted({c for f in forms for c in (f[0].lower(), f[0].upper())})))
        self._pattern = (
            re.compile(rf"(?=[{first}])(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE) if forms else None
        )

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Every place a term appears in `text`: (start, end, term id), in order, never overlapping."""
        if self._pattern is None:
            return []
        return [(m.start(), m.end(), self._by_form[_key(m.group(0))]) for m in self._pattern.finditer(text)]

    def ids_in(self, text: str) -> list[str]:
        """The ids of the terms in `text`, each once, in the order they first appear."""
        return list(dict.fromkeys(tid for _, _, tid in self.find(text)))

    def defines(self, word: str) -> bool:
        """True when `word` is one of the terms (or one of their other forms)."""
        return _key(word) in self._by_form


def _key(form: str) -> str:
    """A form as the matcher compares it: lower case, each run of spaces one space."""
    return " ".join(form.split()).lower()


Report = Callable[[str, "tuple[int, int] | None", str], None]  # (path, 1-based place or None, message)


def _glossary_bytes(root: Path, shown: str, error: Report) -> bytes | None:
    """The glossary file's bytes, read as a scene file is: within the size cap, and never through a link out
    of the folder, which would let a shared story read (and quote in its errors) any file of the player's."""
    from game.engine.storyfiles import Unreadable, outside_folder, read_capped

    path = root / GLOSSARY
    if not path.is_file():
        return None
    outside = outside_folder(root, path)
    if outside is not None:
        error(shown, (1, 1), outside)
        return None
    try:
        return read_capped(path)
    except Unreadable as exc:
        error(shown, (1, 1), str(exc))
        return None


def read_glossary(root: Path, shown: str, error: Report, warn: Report, buffer: bytes | None = None) -> Glossary:
    """The glossary in `root` (empty when there is none), or `buffer` (an editor's unsaved copy of it);
    every problem reported at its place."""
    raw = buffer if buffer is not None else _glossary_bytes(root, shown, error)
    if raw is None:
        return Glossary()
    from pydantic import ValidationError

    from game.engine.yamlsafe import YDict, load_document, mark_of

    doc = load_document(shown, raw)
    for problem in doc.problems:
        error(problem.path, (problem.line, problem.col), problem.message)
    data = doc.data
    if doc.problems:
        return Glossary()
    if data is None:
        warn(shown, (1, 1), "the file is empty")
        return Glossary(path=shown)
    if not isinstance(data, YDict):
        error(shown, getattr(data, "mark", None), "glossary.yaml must be a mapping with `terms:` (and `jargon:`)")
        return Glossary()
    try:
        model = _file_model().model_validate(data)
    except ValidationError as exc:
        _report_validation(shown, data, exc, error)
        return Glossary()
    terms: dict[str, Term] = {}
    seen: dict[str, str] = {}  # each form, lowered, to the term that has it
    for tid, td in model.terms.items():
        line, col = mark_of(data, ("terms", tid), key=True)
        for i, form in enumerate((td.term, *td.also)):
            where = mark_of(data, ("terms", tid, "term") if i == 0 else ("terms", tid, "also", i - 1))
            key = form.strip().lower()
            if form != form.strip() or not key:
                error(shown, where, f"term {tid!r}: {form!r} has spaces at its ends; write it without them")
            elif key in seen:
                error(shown, where, f"term {tid!r}: {form!r} is already a form of term {seen[key]!r}")
            else:
                seen[key] = tid
        if len(td.means) > LONG_MEANING:
            warn(
                shown,
                mark_of(data, ("terms", tid, "means")),
                f"term {tid!r}: `means` is {len(td.means)} characters; a player reads it in passing, "
                f"so keep it to one or two sentences (under {LONG_MEANING})",
            )
        means = " ".join(td.means.split())
        terms[tid] = Term(tid, td.term, means, tuple(td.also), shown, line, col)
    return Glossary(terms, tuple(model.jargon), shown)


def _report_validation(shown: str, data: YDict, exc: ValidationError, error: Report) -> None:
    from game.engine.yamlsafe import mark_of

    fields = {
        (): ["version", "terms", "jargon"],
        ("terms",): ["term", "means", "also"],
    }
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("[", "constrained-"))))
        loc = tuple(p for p in loc if p not in ("[key]",))
        typ = err["type"]
        shape = ("terms",) if len(loc) >= 3 and loc[0] == "terms" else ()
        where = _describe(loc)
        if typ == "extra_forbidden":
            allowed = fields[shape]
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(allowed)})"
            error(shown, mark_of(data, loc, key=True), f"unknown key {loc[-1]!r} in {_describe(loc[:-1])}{hint}")
        elif typ == "missing":
            error(shown, mark_of(data, loc[:-1]), f"{_describe(loc[:-1])} needs `{loc[-1]}`")
        elif typ == "string_pattern_mismatch":
            error(
                shown,
                mark_of(data, loc[:2], key=True),
                f"term id {loc[1]!r} must be letters, digits and _ and start with a letter",
            )
        elif typ == "string_too_short":
            error(shown, mark_of(data, loc), f"{where} is empty")
        elif typ == "string_too_long":
            error(shown, mark_of(data, loc), f"{where} is too long ({err.get('ctx', {}).get('max_length')} at most)")
        elif typ == "string_type":
            error(shown, mark_of(data, loc), f"{where}: expected text (put it in quotes)")
        elif typ in ("list_type", "dict_type", "model_type"):
            what = "a list" if typ == "list_type" else "a mapping of keys"
            error(shown, mark_of(data, loc), f"{where}: expected {what}")
        else:
            error(shown, mark_of(data, loc), f"{where}: {err['msg']}")


def _describe(loc: tuple[int | str, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "terms":
        rest = ".".join(str(p) for p in loc[2:])
        return f"term {loc[1]!r}" + (f", `{rest}`" if rest else "")
    if not loc:
        return "glossary.yaml"
    return f"`{'.'.join(str(p) for p in loc)}`"


__all__ = ["GLOSSARY", "Glossary", "Term", "read_glossary"]
