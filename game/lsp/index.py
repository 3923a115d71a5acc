"""Where every scene, ending, flag, stat, word and category of a story is declared and used, by file and place.

Built from each file's parsed YAML (the last good parse of a file that no longer parses), not from the
compiled story, so that a story with errors still has its places. Lines and columns are 0-based and
count code points, as Python strings do; the server converts them for the editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from game.engine.yamlsafe import YDict, YList

# keys whose value is a condition, and keys whose value is story text
COND_KEYS = frozenset({"if", "show_if"})
TEXT_KEYS = frozenset({"title", "subtitle", "text", "again", "locked", "outcome", "debrief", "credits"})
KEYWORDS = frozenset({"and", "or", "not", "true", "false", "True", "False", "clock", "visited"})

_TOKEN = re.compile(r"\"[^\"]*\"|'[^']*'|\b([A-Za-z_][A-Za-z0-9_]*)\b")
_VISITED = re.compile(r"""visited\(\s*(["'])([A-Za-z_][A-Za-z0-9_]*)\1\s*\)""")
# in text: {word}, {^word}, {since scene}, and the condition of {if COND: ...} / {elif COND: ...}
_INSERT = re.compile(r"\{\^?([A-Za-z_][A-Za-z0-9_]*)\}")
_SINCE = re.compile(r"\{since\s+([A-Za-z_][A-Za-z0-9_]*)\s*\}")
# a condition runs to its `:`, past any quoted time in it (`clock >= "10:15" and dispute:`)
_INLINE_IF = re.compile(r"""(?:\{|\|\s*)(?:if|elif)\s+((?:[^:{}|"']|"[^"]*"|'[^']*')+):""")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Ref:
    """One place a name stands: its declaration (`decl`) or a use."""

    kind: str  # "scene" (scenes and endings), "flag", "stat", "word", "category"
    name: str
    path: Path
    line: int
    col: int
    decl: bool = False
    role: str = ""  # "goto", "set", "effect", "cond", "visited", "text", "start", "decl"
    scene: str | None = None  # the scene (or ending) it stands in
    choice: str | None = None  # the choice it stands in
    value: object = None  # for a `set` or an effect: the value given; for a "start": the manifest's key

    @property
    def end(self) -> int:
        return self.col + len(self.name)


@dataclass
class SceneInfo:
    """What hover and the outline show of a scene or an ending."""

    id: str
    path: Path
    line: int
    col: int
    title: str = ""
    text: str = ""
    kind: str = "scene"  # "scene", "appointment", "interruption", "ending"
    at: str | None = None
    choices: list[tuple[str, int, int, str]] = field(default_factory=list)  # id, line, col, text


@dataclass
class FileData:
    """One story file: its text now, and its last good parse."""

    path: Path
    text: str
    data: object  # YDict, or None if it never parsed


class StoryIndex:
    """Every declaration and use of the story's names, by kind and name and by file."""

    def __init__(self, files: list[FileData], manifest: Path):
        self.manifest = manifest
        self.refs: dict[tuple[str, str], list[Ref]] = {}
        self.by_file: dict[Path, list[Ref]] = {}
        self.scenes: dict[str, SceneInfo] = {}
        self.stats: dict[str, dict] = {}
        self.flags: list[str] = []
        self.words: dict[str, str] = {}
        self.categories: list[str] = []
        self.endings: list[str] = []
        self._lines: dict[Path, list[str]] = {}
        man = next((f for f in files if f.path == manifest), None)
        if man is not None and isinstance(man.data, YDict):
            self._declare_manifest(man)
        for f in files:
            if f.path != manifest and isinstance(f.data, YDict):
                self._declare_scenes(f)
        if man is not None and isinstance(man.data, YDict):
            self._uses_manifest(man)
        for f in files:
            if f.path != manifest and isinstance(f.data, YDict):
                self._uses_scenes(f)
        for refs in self.by_file.values():
            refs.sort(key=lambda r: (r.line, r.col))

    # -- queries --------------------------------------------------------------------------------

    def kind_of(self, name: str) -> str | None:
        """What a bare name in a condition or a `set:` stands for."""
        if name in self.stats:
            return "stat"
        if name in self.flags:
            return "flag"
        if name in self.words:
            return "word"
        return None

    def at(self, path: Path, line: int, col: int) -> Ref | None:
        """The name at a place in a file."""
        for r in self.by_file.get(path, ()):
            if r.line == line and r.col <= col <= r.end:
                return r
        return None

    def definition(self, kind: str, name: str) -> Ref | None:
        return next((r for r in self.refs.get((kind, name), ()) if r.decl), None)

    def uses(self, kind: str, name: str) -> list[Ref]:
        return self.refs.get((kind, name), [])

    def leads_to(self, sid: str) -> list[Ref]:
        """The choices (and manifest keys) that lead to a scene or an ending."""
        return [r for r in self.uses("scene", sid) if r.role in ("goto", "start")]

    # -- building -------------------------------------------------------------------------------

    def _add(self, ref: Ref) -> None:
        self.refs.setdefault((ref.kind, ref.name), []).append(ref)
        self.by_file.setdefault(ref.path, []).append(ref)

    def _lines_of(self, f: FileData) -> list[str]:
        lines = self._lines.get(f.path)
        if lines is None:
            lines = self._lines[f.path] = f.text.split("\n")
        return lines

    def _place(self, f: FileData, mark, name: str, hint: int = 0) -> tuple[int, int]:
        """0-based line and column of `name` (a whole word) at or after a 1-based mark, `hint` lines on."""
        lines = self._lines_of(f)
        if not mark:
            return (0, 0)
        line0, col0 = mark[0] - 1, mark[1] - 1
        pattern = _whole_word(name)
        for i in range(line0 + hint, min(line0 + hint + 200, len(lines))):
            m = pattern.search(lines[i], col0 if i == line0 else 0)
            if m:
                return (i, m.start())
        return (line0, col0)

    def _declare_list(self, f: FileData, names: object, kind: str, into: list[str]) -> None:
        """Each name of a manifest list (flags, categories): kept, and its place recorded as its declaration."""
        if isinstance(names, YList):
            for i, name in enumerate(names):
                if isinstance(name, str):
                    into.append(name)
                    self._name_ref(f, kind, name, names.value_marks[i], decl=True, role="decl")

    def _name_ref(self, f: FileData, kind: str, name: str, mark, **kw) -> None:
        if not isinstance(name, str) or not name:
            return
        line, col = self._place(f, mark, name)
        self._add(Ref(kind, name, f.path, line, col, **kw))

    def _declare_manifest(self, f: FileData) -> None:
        data = f.data
        assert isinstance(data, YDict)
        stats = data.get("stats")
        if isinstance(stats, YDict):
            for name, sd in stats.items():
                self.stats[name] = dict(sd) if isinstance(sd, dict) else {}
                self._name_ref(f, "stat", name, stats.key_marks[name], decl=True, role="decl")
        self._declare_list(f, data.get("flags"), "flag", self.flags)
        words = data.get("words")
        if isinstance(words, YDict):
            for name, value in words.items():
                self.words[name] = str(value)
                self._name_ref(f, "word", name, words.key_marks[name], decl=True, role="decl")
        self._declare_list(f, data.get("categories"), "category", self.categories)
        endings = data.get("endings")
        if isinstance(endings, YList):
            for i, ed in enumerate(endings):
                if isinstance(ed, YDict) and isinstance(ed.get("id"), str):
                    eid = ed["id"]
                    line, col = self._place(f, ed.value_marks["id"], eid)
                    self.endings.append(eid)
                    self.scenes.setdefault(
                        eid,
                        SceneInfo(eid, f.path, line, col, _str(ed.get("title")), _str(ed.get("text")), "ending"),
                    )
                    self._add(Ref("scene", eid, f.path, line, col, decl=True, role="decl", scene=eid))

    def _declare_scenes(self, f: FileData) -> None:
        data = f.data
        assert isinstance(data, YDict)
        scenes = data.get("scenes")
        if not isinstance(scenes, YDict):
            return
        for sid, sd in scenes.items():
            line, col = self._place(f, scenes.key_marks[sid], sid)
            self._add(Ref("scene", sid, f.path, line, col, decl=True, role="decl", scene=sid))
            if sid in self.scenes:
                continue
            info = SceneInfo(sid, f.path, line, col)
            if isinstance(sd, YDict):
                info.title, info.text = _str(sd.get("title")), _str(sd.get("text"))
                at = sd.get("at")
                if at is not None:
                    info.kind = "appointment"
                    info.at = at if isinstance(at, str) else _str(at.get("time")) if isinstance(at, dict) else None
                elif sd.get("interrupt") is not None:
                    info.kind = "interruption"
                choices = sd.get("choices")
                if isinstance(choices, YList):
                    for i, ch in enumerate(choices):
                        if isinstance(ch, YDict) and isinstance(ch.get("id"), str):
                            cl, cc = self._place(f, ch.value_marks["id"], ch["id"])
                            info.choices.append((ch["id"], cl, cc, _str(ch.get("text"))))
                        else:
                            mark = choices.value_marks[i]
                            info.choices.append((f"choice {i + 1}", mark[0] - 1, mark[1] - 1, ""))
            self.scenes[sid] = info

    def _uses_manifest(self, f: FileData) -> None:
        data = f.data
        assert isinstance(data, YDict)
        for key in ("start", "hub"):
            if isinstance(data.get(key), str):
                self._name_ref(f, "scene", data[key], data.value_marks[key], role="start", value=key)
        labels = data.get("category_labels")
        if isinstance(labels, YDict):
            for c in labels:
                self._name_ref(f, "category", c, labels.key_marks[c], role="label")
        ref = data.get("reference")
        if isinstance(ref, YDict) and isinstance(ref.get("minutes"), YDict):
            for c in ref["minutes"]:
                self._name_ref(f, "category", c, ref["minutes"].key_marks[c], role="label")
        short = data.get("short")
        if isinstance(short, YDict):
            if isinstance(short.get("start"), str):
                self._name_ref(
                    f, "scene", short["start"], short.value_marks["start"], role="start", value="short: start"
                )
            self._walk(f, short, None, None)
        endings = data.get("endings")
        if isinstance(endings, YList):
            for ed in endings:
                if isinstance(ed, YDict):
                    self._walk(f, ed, ed.get("id") if isinstance(ed.get("id"), str) else None, None)

    def _uses_scenes(self, f: FileData) -> None:
        data = f.data
        assert isinstance(data, YDict)
        scenes = data.get("scenes")
        if not isinstance(scenes, YDict):
            return
        for sid, sd in scenes.items():
            if isinstance(sd, YDict):
                self._walk(f, sd, sid, None)

    def _walk(self, f: FileData, node: YDict, sid: str | None, cid: str | None) -> None:
        """Every use of a name in a scene, a choice, an ending or the short day, by the meaning of its keys."""
        for key, value in node.items():
            mark = node.value_marks[key]
            if key == "choices" and isinstance(value, YList):
                for ch in value:
                    if isinstance(ch, YDict):
                        self._walk(f, ch, sid, ch.get("id") if isinstance(ch.get("id"), str) else None)
            elif key in COND_KEYS:
                self._condition(f, value, mark, sid, cid)
            elif key in ("goto", "to") and isinstance(value, str):
                self._name_ref(f, "scene", value, mark, role="goto", scene=sid, choice=cid)
            elif key == "goto" and isinstance(value, YList):
                for br in value:
                    if isinstance(br, YDict):
                        self._walk(f, br, sid, cid)
            elif key == "effects" and isinstance(value, YDict):
                for name, delta in value.items():
                    self._name_ref(
                        f, "stat", name, value.key_marks[name], role="effect", scene=sid, choice=cid, value=delta
                    )
            elif key == "set" and isinstance(value, YDict):
                for name, v in value.items():
                    kind = "word" if name in self.words else "flag"
                    self._name_ref(f, kind, name, value.key_marks[name], role="set", scene=sid, choice=cid, value=v)
            elif key == "category" and isinstance(value, str):
                self._name_ref(f, "category", value, mark, role="category", scene=sid, choice=cid)
            elif key in TEXT_KEYS and isinstance(value, str):
                self._text(f, value, mark, sid, cid)
            elif isinstance(value, YDict):  # interrupt: {if}, at: {time, if}
                self._walk(f, value, sid, cid)
            elif isinstance(value, YList):  # variants, outcome, debrief
                for i, item in enumerate(value):
                    if isinstance(item, YDict):
                        self._walk(f, item, sid, cid)
                    elif isinstance(item, str) and key in TEXT_KEYS:
                        self._text(f, item, value.value_marks[i], sid, cid)

    def _condition(self, f: FileData, src, mark, sid, cid) -> None:
        if not isinstance(src, str) or not mark:
            return
        lines = self._lines_of(f)
        line0, col0 = mark[0] - 1, mark[1] - 1
        found = self._names_in_condition(src, 0)
        base = lines[line0].find(src, col0) if line0 < len(lines) and "\n" not in src else -1
        if base >= 0:  # written on one line as it reads: each name at its offset
            for offset, kind, name, role in found:
                self._add(Ref(kind, name, f.path, line0, base + offset, role=role, scene=sid, choice=cid))
            return
        # over several lines, or with quotes escaped: each name found after the one before it
        seek = _Seek(lines, line0, col0)
        for _, kind, name, role in found:
            hit = seek.next(_whole_word(name))
            if hit is not None:
                self._add(Ref(kind, name, f.path, hit[0], hit[1], role=role, scene=sid, choice=cid))

    def _names_in_condition(self, src: str, start: int) -> list[tuple[int, str, str, str]]:
        """The story's names in a condition, in the order written: offset (plus `start`), kind, name, role."""
        found = [(start + v.start(2), "scene", v.group(2), "visited") for v in _VISITED.finditer(src)]
        for t in _TOKEN.finditer(src):
            name = t.group(1)
            kind = self.kind_of(name) if name and name not in KEYWORDS else None
            if kind is not None:
                found.append((start + t.start(1), kind, name, "cond"))
        return sorted(found)

    def _text(self, f: FileData, text: str, mark, sid, cid) -> None:
        """The words inserted in a text, the scenes of its {since …} and the names in its inline conditions.

        Each is looked for in the file after the one before it, so a name written twice is placed twice.
        """
        if "{" not in text or not mark:
            return
        # offset in the text, then an `{if` before the names of its condition; kind "" marks that `{if`
        found: list[tuple[int, int, str, str, str, re.Pattern]] = []
        for m in _INSERT.finditer(text):
            if m.group(1) in self.words:
                found.append((m.start(), 1, "word", m.group(1), "text", _insertion(m.group(1))))
        for m in _SINCE.finditer(text):
            found.append((m.start(), 1, "scene", m.group(1), "text", _since(m.group(1))))
        for m in _INLINE_IF.finditer(text):
            found.append((m.start(), 0, "", "", "", _INLINE_IF_HEAD))
            for offset, kind, name, role in self._names_in_condition(m.group(1), m.start(1)):
                found.append((offset, 1, kind, name, role, _whole_word(name)))
        found.sort(key=lambda x: (x[0], x[1]))
        seek = _Seek(self._lines_of(f), mark[0] - 1, mark[1] - 1)
        for _, _, kind, name, role, pattern in found:
            hit = seek.next(pattern)
            if hit is not None and kind:
                self._add(
                    Ref(
                        kind,
                        name,
                        f.path,
                        hit[0],
                        hit[1],
                        role=role,
                        scene=sid,
                        choice=None if kind == "scene" else cid,
                    )
                )


class _Seek:
    """A scalar's lines read in order: each search starts where the last match ended, and stops where the scalar does."""

    def __init__(self, lines: list[str], line: int, col: int):
        self.lines, self.line, self.col = lines, line, col
        here = lines[line] if line < len(lines) else ""
        key = here.lstrip()
        while key.startswith("- "):
            key = key[2:].lstrip()
        indent = len(here) - len(key)  # the column of the scalar's key
        end = line + 1
        while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
            end += 1  # the scalar goes on while its lines are blank or indented deeper than its key
        self.end = end

    def next(self, pattern: re.Pattern) -> tuple[int, int] | None:
        """The line and column of the next match's group 1 (or of the match, if it has no group)."""
        for i in range(self.line, self.end):
            m = pattern.search(self.lines[i], self.col if i == self.line else 0)
            if m:
                self.line, self.col = i, m.end()
                return i, m.start(1) if pattern.groups else m.start()
        return None


# a condition may start on the next line of a `|` block: `{if` at a line's end, or `elif` at a line's start
_INLINE_IF_HEAD = re.compile(r"(?:\{|\|\s*)(?:if|elif)(?:\s+|$)|^\s*elif\s")


@lru_cache(maxsize=4096)
def _insertion(name: str) -> re.Pattern:
    return re.compile(rf"\{{\^?({re.escape(name)})\}}")


@lru_cache(maxsize=4096)
def _since(name: str) -> re.Pattern:
    return re.compile(rf"\{{since\s+({re.escape(name)})\s*\}}")


@lru_cache(maxsize=4096)
def _whole_word(name: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def word_at(line: str, col: int) -> tuple[str, int] | None:
    """The name (letters, digits, _) around a column of a line, and where it starts."""
    for m in _NAME.finditer(line):
        if m.start() <= col <= m.end():
            return m.group(), m.start()
    return None
