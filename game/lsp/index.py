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
_INLINE_IF = re.compile(r"(?:\{|\|\s*)(?:if|elif)\s+([^:{}|]+):")
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
    value: object = None  # for a `set` or an effect: the value given

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
                self._name_ref(f, "scene", data[key], data.value_marks[key], role="start")
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
                self._name_ref(f, "scene", short["start"], short.value_marks["start"], role="start")
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

    def _condition(self, f: FileData, src, mark, sid, cid, hint: int = 0) -> None:
        if not isinstance(src, str):
            return
        lines = self._lines_of(f)
        line0, col0 = mark[0] - 1 + hint, mark[1] - 1 if not hint else 0
        base = lines[line0].find(src, col0) if line0 < len(lines) and "\n" not in src else -1
        for m in _VISITED.finditer(src):
            self._cond_ref(f, "scene", m.group(2), m.start(2), base, line0, mark, hint, sid, cid, "visited")
        for m in _TOKEN.finditer(src):
            name = m.group(1)
            if not name or name in KEYWORDS:
                continue
            kind = self.kind_of(name)
            if kind is not None:
                self._cond_ref(f, kind, name, m.start(1), base, line0, mark, hint, sid, cid, "cond")

    def _cond_ref(self, f, kind, name, offset, base, line0, mark, hint, sid, cid, role) -> None:
        if base >= 0:
            self._add(Ref(kind, name, f.path, line0, base + offset, role=role, scene=sid, choice=cid))
        else:
            line, col = self._place(f, mark, name, hint)
            self._add(Ref(kind, name, f.path, line, col, role=role, scene=sid, choice=cid))

    def _text(self, f: FileData, text: str, mark, sid, cid) -> None:
        if "{" not in text:
            return
        lines = self._lines_of(f)
        block = mark[0] - 1 < len(lines) and lines[mark[0] - 1][mark[1] - 1 : mark[1]] in ("|", ">")
        for m in _INSERT.finditer(text):
            name = m.group(1)
            if name in self.words:
                hint = text.count("\n", 0, m.start()) + (1 if block else 0)
                line, col = self._place(f, mark, "{" + text[m.start() + 1 : m.end()], hint)
                self._add(
                    Ref("word", name, f.path, line, col + m.start(1) - m.start(), role="text", scene=sid, choice=cid)
                )
        for m in _SINCE.finditer(text):
            hint = text.count("\n", 0, m.start()) + (1 if block else 0)
            line, col = self._place(f, mark, m.group(0), hint)
            self._add(Ref("scene", m.group(1), f.path, line, col + m.start(1) - m.start(), role="text", scene=sid))
        for m in _INLINE_IF.finditer(text):
            hint = text.count("\n", 0, m.start()) + (1 if block else 0)
            cond = m.group(1)
            line, col = self._place(f, mark, m.group(0).lstrip("{| "), hint)
            lines_here = self._lines_of(f)
            j = lines_here[line].find(cond, col) if line < len(lines_here) else -1
            for t in _TOKEN.finditer(cond):
                name = t.group(1)
                kind = self.kind_of(name) if name and name not in KEYWORDS else None
                if kind is not None and j >= 0:
                    self._add(Ref(kind, name, f.path, line, j + t.start(1), role="cond", scene=sid, choice=cid))
            for v in _VISITED.finditer(cond):
                if j >= 0:
                    self._add(Ref("scene", v.group(2), f.path, line, j + v.start(2), role="visited", scene=sid))


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
