"""One open story folder: the editor's unsaved buffers over the files on disk, its problems and its index."""

from __future__ import annotations

import asyncio
from pathlib import Path

from game.engine import Problem, StoryError, load_story
from game.engine.glossary import GLOSSARY
from game.engine.storyfiles import MANIFEST, SCENES_DIR, story_files
from game.engine.yamlsafe import load_document
from game.lsp.index import FileData, StoryIndex
from game.startup import collector_paused


def find_root(path: Path, open_paths=()) -> Path | None:
    """The story folder a file belongs to: story.yaml or glossary.yaml itself, or a file under the folder's scenes/."""
    path = path.resolve()
    for parent in path.parents:
        manifest = parent / MANIFEST
        if manifest.is_file() or manifest in open_paths:
            if path in (manifest, parent / GLOSSARY) or path.is_relative_to(parent / SCENES_DIR):
                return parent
    return None


class Folder:
    """A story folder as the editor sees it now."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.manifest = self.root / MANIFEST
        self.buffers: dict[Path, str] = {}  # open documents, by resolved path
        self.files: dict[Path, FileData] = {}  # each file's text and last good parse
        self.stale: set[Path] = set()  # files that do not parse now (the index has their last good parse)
        self.published: set[Path] = set()  # files that were last sent problems
        self.disk: dict[Path, str] = {}  # files not open, as last read
        self.parses: dict = {}  # the loader's parse of each file, kept while its bytes are the same
        self._lines: dict[Path, tuple[str, list[str]]] = {}
        self.index = StoryIndex([], self.manifest)
        self.indexed = 0  # the generation (edit count) the index was built from
        self.generation = 0  # bumped on every edit; a check of an older one is not published
        self.lock = asyncio.Lock()  # one check at a time
        self.running: asyncio.Task | None = None  # the check under way, never cancelled

    def paths(self) -> list[Path]:
        """The story's files: on disk, and open but not yet saved."""
        found = [p.resolve() for p in story_files(self.root)]
        scenes = self.root / SCENES_DIR
        extra = [
            p for p in self.buffers if p not in found and p.is_relative_to(scenes) and p.suffix in (".yaml", ".yml")
        ]
        return found + sorted(extra)

    def text(self, path: Path) -> str:
        """A file as the editor has it: its buffer if open, else the disk ("" if unreadable)."""
        if path in self.buffers:
            return self.buffers[path]
        text = self.disk.get(path)
        if text is None:
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                text = ""
            self.disk[path] = text
        return text

    def lines(self, path: Path) -> list[str]:
        """The file's lines as the editor has it, split once per version of its text."""
        text = self.text(path)
        cached = self._lines.get(path)
        if cached is not None and cached[0] is text:
            return cached[1]
        lines = text.split("\n")
        self._lines[path] = (text, lines)
        return lines

    def disk_changed(self) -> None:
        """Files were saved or changed outside the editor: read them again when next needed."""
        self.disk.clear()

    def build_index(self, texts: dict[Path, str] | None = None) -> StoryIndex:
        """The index of every name, from each file's last good parse (a broken file keeps its old one)."""
        texts = texts if texts is not None else {p: self.text(p) for p in self.paths()}
        files = {}
        stale = set()
        for path, text in texts.items():
            old = self.files.get(path)
            if old is not None and old.text == text:
                files[path] = old
                continue
            doc = load_document(str(path), text.encode("utf-8", "surrogatepass"))
            if doc.data is not None:
                files[path] = FileData(path, text, doc.data)
            elif old is not None:
                files[path] = old  # half-typed: the other features go on from the last good parse
                stale.add(path)
            else:
                files[path] = FileData(path, text, None)
                stale.add(path)
        self.files, self.stale = files, stale
        return StoryIndex(list(files.values()), self.manifest)

    def check(self, buffers: dict[Path, str]) -> dict[Path, list[Problem]]:
        """Everything `dayjob check` reports for the folder with these buffers, by file."""
        from game.authoring.lint import lint

        # the collector paused while the heap is built, as `check` does (a whole collection per check
        # otherwise); on again afterwards, since the server lives on and each check leaves garbage
        with collector_paused():
            try:
                story = load_story(self.root, overlay=buffers, parses=self.parses)
            except StoryError as exc:
                problems = list(exc.problems)
            else:
                problems = sorted(set(story.warnings) | set(lint(story)))
        out: dict[Path, list[Problem]] = {}
        cwd = Path.cwd().resolve()
        where: dict[str, Path] = {}  # problems are shown relative to the working folder: back to files
        for p in problems:
            path = where.get(p.path)
            if path is None:
                shown = Path(p.path)
                path = where[p.path] = (shown if shown.is_absolute() else cwd / shown).resolve()
            out.setdefault(path, []).append(p)
        return out
