"""`dayjob lsp`: a language server for story folders, over stdio (pygls).

Diagnostics come from the real loader and lint (the same messages as `dayjob check`), on the
editor's unsaved buffers, a moment after the writer stops typing. Completion, hover, definition,
references, rename and the outline read a `StoryIndex` of every file's last good parse, so a
half-typed file never takes them away.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Set as AbstractSet
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from game.engine import Problem
from game.engine import model as m
from game.engine.expr import RESERVED
from game.engine.glossary import GLOSSARY
from game.lsp.folder import Folder, find_root
from game.lsp.index import COND_KEYS, Ref, StoryIndex, word_at

DEBOUNCE = 0.05  # seconds of quiet after an edit before the story is checked again
HOVER_LINE = 160  # characters of a scene's first line shown on hover
log = logging.getLogger(__name__)

_SEVERITY = {
    "error": t.DiagnosticSeverity.Error,
    "warning": t.DiagnosticSeverity.Warning,
    "note": t.DiagnosticSeverity.Information,
}
_ID = re.compile(m.ID)
# what a problem's place underlines: a name, a {word} or {since scene}, a quoted string, or one character
_TOKEN_AT = re.compile(r"""[A-Za-z0-9_]+|\{\^?[A-Za-z0-9_ ]*\}|"[^"]*"|'[^']*'|\S""")


class StoryServer(LanguageServer):
    """The server and its open story folders."""

    def __init__(self) -> None:
        super().__init__("dayjob-lsp", "1", text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.folders: dict[Path, Folder] = {}
        self.pending: dict[Path, asyncio.Task] = {}

    # -- folders --------------------------------------------------------------------------------

    def folder_of(self, uri: str) -> tuple[Folder, Path] | None:
        fs = to_fs_path(uri)
        if fs is None:
            return None
        path = Path(fs).resolve()
        opened = {p for f in self.folders.values() for p in f.buffers}
        root = find_root(path, opened | {path})
        if root is None:
            return None
        folder = self.folders.get(root)
        if folder is None:
            folder = self.folders[root] = Folder(root)
            folder.index = folder.build_index()
        return folder, path

    def lines(self, folder: Folder, path: Path) -> list[str]:
        return folder.lines(path)

    def position(self, folder: Folder, path: Path, line: int, col: int) -> t.Position:
        """A 0-based code-point place as the client counts it (UTF-16 unless agreed otherwise).

        Places from the last good parse of a file edited since may lie past its end: kept inside it.
        """
        lines = self.lines(folder, path)
        line = min(max(line, 0), len(lines) - 1)
        col = min(max(col, 0), len(lines[line]))
        return self.workspace.position_codec.position_to_client_units(lines, t.Position(line=line, character=col))

    def span(self, folder: Folder, path: Path, line: int, col: int, end: int) -> t.Range:
        return t.Range(start=self.position(folder, path, line, col), end=self.position(folder, path, line, end))

    def location(self, folder: Folder, ref: Ref) -> t.Location:
        return t.Location(
            uri=from_fs_path(str(ref.path)) or "", range=self.span(folder, ref.path, ref.line, ref.col, ref.end)
        )

    def cursor(self, folder: Folder, path: Path, pos: t.Position) -> tuple[int, int]:
        """A client position as a 0-based line and code-point column."""
        p = self.workspace.position_codec.position_from_client_units(self.lines(folder, path), pos)
        return p.line, p.character

    # -- checking -------------------------------------------------------------------------------

    def schedule(self, folder: Folder, delay: float = DEBOUNCE) -> None:
        """Check the folder once the writer pauses: a newer edit cancels the check still waiting."""
        folder.generation += 1
        old = self.pending.get(folder.root)
        if old is not None and not old.done() and old is not folder.running:
            old.cancel()  # still waiting out its debounce; a check under way is left to finish
        self.pending[folder.root] = asyncio.get_running_loop().create_task(self._check_later(folder, delay))

    async def _check_later(self, folder: Folder, delay: float) -> None:
        await asyncio.sleep(delay)
        # One check at a time per folder: two would only share the one interpreter and both be late.
        async with folder.lock:
            folder.running = asyncio.current_task()
            try:
                await self._check(folder)
            finally:
                folder.running = None

    async def _check(self, folder: Folder) -> None:
        generation = folder.generation
        buffers = dict(folder.buffers)
        folder.disk_changed()  # the loader reads the disk afresh; so does the index (a `git checkout` too)
        try:
            problems = await asyncio.to_thread(folder.check, buffers)
        except Exception:  # a bug in a check must not take the editor's server down
            log.exception("checking %s failed", folder.root)
            return
        if generation != folder.generation:
            return  # edited meanwhile: the check of the newer text is waiting for the lock
        self.publish(folder, problems)
        texts = {p: buffers.get(p, folder.text(p)) for p in folder.paths()}
        try:
            index = await asyncio.to_thread(folder.build_index, texts)
        except Exception:
            log.exception("indexing %s failed", folder.root)
            return
        if generation == folder.generation:
            folder.index, folder.indexed = index, generation

    def publish(self, folder: Folder, problems: dict[Path, list[Problem]]) -> None:
        for path in set(problems) | folder.published | set(folder.buffers):  # an open file hears it is clean
            lines = self.lines(folder, path)
            diags = [self.diagnostic(lines, p) for p in problems.get(path, [])]
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=from_fs_path(str(path)) or "", diagnostics=diags)
            )
        folder.published = set(problems)

    def diagnostic(self, lines: list[str], p: Problem) -> t.Diagnostic:
        line, col = max(p.line - 1, 0), max(p.col - 1, 0)
        text = lines[line] if line < len(lines) else ""
        m_ = _TOKEN_AT.match(text, col) if col < len(text) else None
        end = m_.end() if m_ else col + 1
        codec = self.workspace.position_codec
        rng = t.Range(
            start=codec.position_to_client_units(lines, t.Position(line=line, character=col)),
            end=codec.position_to_client_units(lines, t.Position(line=line, character=end)),
        )
        return t.Diagnostic(range=rng, message=p.message, severity=_SEVERITY.get(p.severity), source="dayjob check")


server = StoryServer()


# -- documents ----------------------------------------------------------------------------------


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: StoryServer, params: t.DidOpenTextDocumentParams) -> None:
    found = ls.folder_of(params.text_document.uri)
    if found is None:
        return
    folder, path = found
    folder.buffers[path] = params.text_document.text
    ls.schedule(folder, 0)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: StoryServer, params: t.DidChangeTextDocumentParams) -> None:
    found = ls.folder_of(params.text_document.uri)
    if found is None:
        return
    folder, path = found
    folder.buffers[path] = ls.workspace.get_text_document(params.text_document.uri).source
    ls.schedule(folder)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: StoryServer, params: t.DidSaveTextDocumentParams) -> None:
    found = ls.folder_of(params.text_document.uri)
    if found is not None:
        found[0].disk_changed()
        ls.schedule(found[0])


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: StoryServer, params: t.DidCloseTextDocumentParams) -> None:
    found = ls.folder_of(params.text_document.uri)
    if found is None:
        return
    folder, path = found
    folder.buffers.pop(path, None)
    folder.disk_changed()  # closed without saving: the disk's version is the file again
    ls.schedule(folder)


@server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def files_changed(ls: StoryServer, params: t.DidChangeWatchedFilesParams) -> None:
    """A story file changed on disk (a `git pull`, `dayjob schema --write`): check its folder again, if it is open."""
    for change in params.changes:
        fs = to_fs_path(change.uri)
        root = find_root(Path(fs)) if fs is not None else None
        folder = ls.folders.get(root) if root is not None else None
        if folder is not None:  # a folder nobody opened stays unchecked: no problems for files never shown
            folder.disk_changed()
            ls.schedule(folder)


@server.feature(t.INITIALIZED)
async def initialized(ls: StoryServer, params: t.InitializedParams) -> None:
    """Ask the editor, where it can be asked, to say when YAML files change on disk."""
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace is not None else None
    if watched is None or not watched.dynamic_registration:
        return
    watchers = [t.FileSystemWatcher(glob_pattern=f"**/*.{ext}") for ext in ("yaml", "yml")]
    try:
        await ls.client_register_capability_async(
            t.RegistrationParams(
                registrations=[
                    t.Registration(
                        id="dayjob-story-files",
                        method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=t.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                    )
                ]
            )
        )
    except Exception:  # an editor that refuses: edits and saves still bring new problems
        log.warning("the editor did not agree to report changed files")


# -- completion ---------------------------------------------------------------------------------

_VALUE = re.compile(r"(?:^|[\s{,])-?\s*([A-Za-z_]+):\s*(\S[^,{}]*|)$")
_FLOW_MAP = re.compile(r"\b(effects|set):\s*\{([^{}]*)$")
_VISITED_OPEN = re.compile(r"""visited\(\s*["']([A-Za-z0-9_]*)$""")
_INSERTION_OPEN = re.compile(r"\{\^?([A-Za-z0-9_]*)$")
_INLINE_IF_OPEN = re.compile(r"(?:\{|\|\s*)(?:if|elif)\s+[^:{}|]*$")  # the condition of {if …: …} in text


def _indent_path(lines: list[str], line: int) -> tuple[list[str], int]:
    """The keys that enclose a line, outermost first ("[]" for a list item), and the line's key indent."""
    here = lines[line]
    stripped = here.lstrip()
    cur = len(here) - len(stripped)
    path: list[str] = []
    if stripped.startswith("- "):
        path.append("[]")
        cur_key = cur + 2
    else:
        cur_key = cur
    key_indent = cur_key
    for i in range(line - 1, -1, -1):
        text = lines[i]
        body = text.lstrip()
        if not body or body.startswith("#"):
            continue
        d = len(text) - len(body)
        if body.startswith("- "):
            item = body[2:]
            k = d + 2 + (len(item) - len(item.lstrip()))
            if k < cur_key:
                key = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*$", item.lstrip())
                if key:
                    path.append(key.group(1))
                path.append("[]")
                cur_key = d
            elif d < cur_key:
                path.append("[]")
                cur_key = d
        elif d < cur_key:
            key = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*:", body)
            if key:
                path.append(key.group(1))
            cur_key = d
        if cur_key == 0:
            break
    return path[::-1], key_indent


_BLOCK_START = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*[|>][-+0-9]*\s*(#.*)?$")


def _block_key(lines: list[str], line: int) -> str | None:
    """The key of the `|` or `>` block a line stands inside (`text`, `if`, …), or None."""
    here = lines[line]
    indent = len(here) - len(here.lstrip()) if here.strip() else 10**6
    for i in range(line - 1, -1, -1):
        body = lines[i].strip()
        if not body:
            continue
        d = len(lines[i]) - len(lines[i].lstrip())
        if d < indent:
            block = _BLOCK_START.search(lines[i])
            return block.group(1) if block else None
    return None


def _siblings(lines: list[str], line: int, indent: int) -> set[str]:
    """The keys already written in the mapping the line stands in."""
    keys = set()
    for step in (-1, 1):
        i = line + step
        while 0 <= i < len(lines):
            text = lines[i]
            body = text.lstrip()
            if body and not body.startswith("#"):
                d = len(text) - len(body)
                if body.startswith("- "):
                    if d + 2 == indent and step < 0:
                        k = re.match(r"-\s+([A-Za-z_][A-Za-z0-9_]*)\s*:", body)
                        if k:
                            keys.add(k.group(1))
                        break
                    if d < indent:
                        break
                elif d < indent:
                    break
                elif d == indent:
                    k = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\s*:", body)
                    if k:
                        keys.add(k.group(1))
            i += step
    return keys


def _model_for(path: list[str], manifest: bool):
    """The model whose keys belong at this place of a story file."""
    p = list(path)
    if manifest:
        table = {
            (): m.Manifest,
            ("clock",): m.Clock,
            ("endings", "[]"): m.EndingDef,
            ("endings", "[]", "variants", "[]"): m.Variant,
            ("short",): m.ShortDay,
            ("short", "clock"): m.Clock,
            ("reference",): m.Reference,
        }
        if len(p) == 2 and p[0] == "stats":
            return m.StatDef
        return table.get(tuple(p))
    if not p:
        return m.SceneFile
    if p[0] != "scenes" or len(p) < 2:
        return None
    rest = tuple(p[2:])
    table = {
        (): m.SceneDef,
        ("choices", "[]"): m.ChoiceDef,
        ("choices", "[]", "goto", "[]"): m.Branch,
        ("choices", "[]", "outcome", "[]"): m.Outcome,
        ("at",): m.At,
        ("variants", "[]"): m.Variant,
        ("interrupt",): m.Interrupt,
    }
    return table.get(rest)


def _fields(model) -> list[tuple[str, bool]]:
    """A model's keys as written, each with whether it is required."""
    return [(f.alias or n, f.is_required()) for n, f in model.model_fields.items()]


def _item(label: str, kind: t.CompletionItemKind, detail: str = "", sort: str = "") -> t.CompletionItem:
    return t.CompletionItem(label=label, kind=kind, detail=detail or None, sort_text=sort or None)


def _targets(ix: StoryIndex, with_specials: bool) -> list[t.CompletionItem]:
    out = []
    for sid, info in ix.scenes.items():
        kind = t.CompletionItemKind.EnumMember if info.kind == "ending" else t.CompletionItemKind.Class
        detail = f"{info.kind}: {info.title}" if info.title else info.kind
        out.append(_item(sid, kind, detail, "1" + sid))
    if with_specials:
        out.append(
            _item("back", t.CompletionItemKind.Keyword, "resume what an appointment or interruption put on hold", "2")
        )
        out.append(_item("end", t.CompletionItemKind.Keyword, "end the day now", "2"))
    return out


def _condition_items(ix: StoryIndex) -> list[t.CompletionItem]:
    out = []
    for name, sd in ix.stats.items():
        out.append(_item(name, t.CompletionItemKind.Variable, f"stat, {sd.get('min', 0)}..{sd.get('max', 10)}", "1"))
    for name in ix.flags:
        out.append(_item(name, t.CompletionItemKind.Constant, "flag: true or false", "1"))
    out.append(_item("clock", t.CompletionItemKind.Keyword, 'the time of day: clock >= "10:00"', "2"))
    for sid in ix.scenes:
        if ix.scenes[sid].kind != "ending":
            item = _item(
                f'visited("{sid}")', t.CompletionItemKind.Function, "times the day has been in this scene", "3"
            )
            out.append(item)
    for word in ("and", "or", "not", "true", "false"):
        out.append(_item(word, t.CompletionItemKind.Keyword, "", "4"))
    return out


def complete(ix: StoryIndex, lines: list[str], line: int, col: int, manifest: bool) -> list[t.CompletionItem]:
    """What may be written at a place: names of the story, or the keys a mapping still lacks."""
    text = lines[line] if line < len(lines) else ""
    before = text[:col]
    v = _VISITED_OPEN.search(before)
    if v:
        return [_item(s, t.CompletionItemKind.Class, i.title) for s, i in ix.scenes.items() if i.kind != "ending"]
    if _INLINE_IF_OPEN.search(before):
        return _condition_items(ix)
    block = _block_key(lines, line)
    if block in COND_KEYS:  # a condition written over several lines (`if: >-`)
        return _condition_items(ix)
    ins = _INSERTION_OPEN.search(before)
    if ins and (block is not None or not re.search(r"(^|[:\-\[,])\s*$", before[: ins.start()])):
        return [_item(w, t.CompletionItemKind.Variable, f"word: {value}") for w, value in ix.words.items()]
    if block is not None:
        return []
    flow = _FLOW_MAP.search(before)
    if flow and ":" not in flow.group(2).rsplit(",", 1)[-1]:
        return _set_or_effect(ix, flow.group(1), set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*:", flow.group(2))))
    val = _VALUE.search(before)
    if val:
        key = val.group(1)
        if key in ("goto", "to"):
            return _targets(ix, True)
        if key in ("start", "hub"):
            return [i for i in _targets(ix, False) if ix.scenes[i.label].kind != "ending"]
        if key in COND_KEYS:
            return _condition_items(ix)
        if key == "category":
            return [_item(c, t.CompletionItemKind.EnumMember, "category") for c in ix.categories]
        path, _ = _indent_path(lines, line)
        if path and path[-1] in ("effects", "set") and not val.group(2):
            return _set_or_effect(ix, path[-1])
        return []
    # a key, or nothing yet, on this line
    path, indent = _indent_path(lines, line)
    if path and path[-1] in ("effects", "set"):
        return _set_or_effect(ix, path[-1], _siblings(lines, line, indent))
    if path and path[-1] == "[]" and len(path) >= 2 and path[-2] in ("flags", "categories"):
        return []
    model = _model_for(path, manifest)
    return [] if model is None else _missing_keys(model, _siblings(lines, line, indent))


def _missing_keys(model, have: set[str]) -> list[t.CompletionItem]:
    """The keys of a model not yet written, required ones first, each with its description."""
    out = []
    for key, required in _fields(model):
        if key in have:
            continue
        info = model.model_fields.get(key) or model.model_fields.get(key + "_")
        doc = (info.description if info is not None else None) or ""
        out.append(
            t.CompletionItem(
                label=key,
                kind=t.CompletionItemKind.Property,
                detail="required" if required else "optional",
                documentation=doc or None,
                insert_text=f"{key}: ",
                sort_text=("0" if required else "1") + key,
            )
        )
    return out


def _set_or_effect(ix: StoryIndex, key: str, have: AbstractSet[str] = frozenset()) -> list[t.CompletionItem]:
    """The stats an `effects:` may change, or the flags and words a `set:` may set, less those it already has."""
    if key == "effects":
        return [_item(s, t.CompletionItemKind.Variable, "stat") for s in ix.stats if s not in have]
    return [_item(f, t.CompletionItemKind.Constant, "flag: true or false") for f in ix.flags if f not in have] + [
        _item(w, t.CompletionItemKind.Variable, f"word (now {v!r})") for w, v in ix.words.items() if w not in have
    ]


@server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", '"', "{", ":", ","]))
def completion(ls: StoryServer, params: t.CompletionParams) -> t.CompletionList | None:
    found = ls.folder_of(params.text_document.uri)
    if found is None:
        return None
    folder, path = found
    if path == folder.root / GLOSSARY:
        return None  # its keys are the schema's business; it names no scene, flag or stat
    lines = ls.lines(folder, path)
    line, col = ls.cursor(folder, path, params.position)
    items = complete(folder.index, lines, line, col, path == folder.manifest)
    return t.CompletionList(is_incomplete=False, items=items)


# -- hover, definition, references, rename ------------------------------------------------------


def _ref_at(ls: StoryServer, uri: str, pos: t.Position, guess: bool = True) -> tuple[Folder, Ref] | None:
    """The name at a place; with `guess`, also a known name the index did not place there (hover, definition)."""
    found = ls.folder_of(uri)
    if found is None:
        return None
    folder, path = found
    line, col = ls.cursor(folder, path, pos)
    ref = folder.index.at(path, line, col)
    if ref is None and guess:  # a name the index did not place (a key of `set:` written since): read the word
        lines = ls.lines(folder, path)
        hit = word_at(lines[line], col) if line < len(lines) else None
        if hit is None:
            return None
        name, start = hit
        ix = folder.index
        kind = "scene" if name in ix.scenes else ix.kind_of(name)
        if kind is None:
            return None
        ref = Ref(kind, name, path, line, start)
    return (folder, ref) if ref is not None else None


def _where(folder: Folder, ref: Ref) -> str:
    try:
        shown = ref.path.relative_to(folder.root)
    except ValueError:
        shown = ref.path
    return f"{shown}:{ref.line + 1}"


def hover_text(folder: Folder, ref: Ref) -> str:
    """Markdown for a name: what it is, where it is declared, and where it is used."""
    ix = folder.index
    decl = ix.definition(ref.kind, ref.name)
    lines: list[str] = []
    if ref.kind == "scene" and ref.name in ix.scenes:
        info = ix.scenes[ref.name]
        what = {"appointment": f"appointment at {info.at}", "interruption": "interruption", "ending": "ending"}.get(
            info.kind, "scene"
        )
        lines.append(f"**{ref.name}** ({what}): {info.title}")
        first = next((x.strip() for x in info.text.splitlines() if x.strip()), "")
        if first:  # a line of {shuffle: …} alternatives can run to a page: its start is enough to know the scene
            lines.append(f"> {first if len(first) <= HOVER_LINE else first[: HOVER_LINE - 1].rstrip() + '…'}")
        lines.append(f"Defined in `{_where(folder, decl) if decl else info.path.name}`")
        leads = ix.leads_to(ref.name)
        if leads:
            shown = [f"`{r.scene}` → `{r.choice}`" if r.choice else f"`story.yaml` → `{r.value}`" for r in leads[:12]]
            more = f" and {len(leads) - 12} more" if len(leads) > 12 else ""
            lines.append("Led to by: " + ", ".join(shown) + more)
        elif info.kind == "scene":
            lines.append("No choice leads here.")
    elif ref.kind == "stat":
        sd = ix.stats.get(ref.name, {})
        lines.append(
            f"**{ref.name}** (stat): starts at {sd.get('start', '?')}, kept in {sd.get('min', 0)}..{sd.get('max', 10)}"
        )
        if decl:
            lines.append(f"Declared in `{_where(folder, decl)}`")
        changes = [r for r in ix.uses("stat", ref.name) if r.role == "effect"]
        if changes:
            lines.append(
                "Changed by: " + ", ".join(f"`{r.scene}` → `{r.choice}` ({_signed(r.value)})" for r in changes[:12])
            )
    elif ref.kind in ("flag", "word"):
        if ref.kind == "word":
            lines.append(f"**{ref.name}** (word): starts as {ix.words.get(ref.name, '')!r}")
        else:
            lines.append(f"**{ref.name}** (flag): false at the start of the day")
        if decl:
            lines.append(f"Declared in `{_where(folder, decl)}`")
        sets = [r for r in ix.uses(ref.kind, ref.name) if r.role == "set"]
        if sets:
            lines.append(
                "Set by: "
                + ", ".join(
                    f"`{r.scene or 'short day'}` → `{r.choice or 'set'}` ({str(r.value).lower() if isinstance(r.value, bool) else repr(r.value)})"
                    for r in sets[:12]
                )
            )
        else:
            lines.append("Never set.")
        reads = [r for r in ix.uses(ref.kind, ref.name) if r.role in ("cond", "text")]
        lines.append(f"Read in {len(reads)} place(s).")
    elif ref.kind == "category":
        lines.append(f"**{ref.name}** (category)")
        if decl:
            lines.append(f"Declared in `{_where(folder, decl)}`")
    return "\n\n".join(lines)


def _signed(value) -> str:
    return f"+{value}" if isinstance(value, int) and value > 0 else str(value)


@server.feature(t.TEXT_DOCUMENT_HOVER)
def hover(ls: StoryServer, params: t.HoverParams) -> t.Hover | None:
    hit = _ref_at(ls, params.text_document.uri, params.position)
    if hit is None:
        return None
    folder, ref = hit
    text = hover_text(folder, ref)
    if not text:
        return None
    return t.Hover(
        contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text),
        range=ls.span(folder, ref.path, ref.line, ref.col, ref.end),
    )


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
def definition(ls: StoryServer, params: t.DefinitionParams) -> t.Location | None:
    hit = _ref_at(ls, params.text_document.uri, params.position)
    if hit is None:
        return None
    folder, ref = hit
    decl = folder.index.definition(ref.kind, ref.name)
    return ls.location(folder, decl) if decl is not None else None


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
def references(ls: StoryServer, params: t.ReferenceParams) -> list[t.Location] | None:
    hit = _ref_at(ls, params.text_document.uri, params.position)
    if hit is None:
        return None
    folder, ref = hit
    include = params.context.include_declaration
    return [ls.location(folder, r) for r in folder.index.uses(ref.kind, ref.name) if include or not r.decl]


_RENAMEABLE = ("scene", "flag", "stat", "word")


def _fresh(ls: StoryServer, uri: str) -> Folder | None:
    """The folder of a file, its index built from the text as it is now (never places from before a keystroke)."""
    found = ls.folder_of(uri)
    if found is None:
        return None
    folder = found[0]
    if folder.indexed != folder.generation:
        folder.index, folder.indexed = folder.build_index(), folder.generation
    return folder


@server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: StoryServer, params: t.PrepareRenameParams) -> t.Range | None:
    _fresh(ls, params.text_document.uri)
    # only a name the index placed: the word "desk" in a scene's prose is not the scene, and a rename
    # from there would leave it as it is
    hit = _ref_at(ls, params.text_document.uri, params.position, guess=False)
    if hit is None or hit[1].kind not in _RENAMEABLE:
        return None
    folder, ref = hit
    return ls.span(folder, ref.path, ref.line, ref.col, ref.end)


def rename_problem(ix: StoryIndex, ref: Ref, new: str) -> str | None:
    """Why a name cannot be renamed to `new`, or None."""
    if ref.kind not in _RENAMEABLE:
        return f"only scenes, endings, flags, stats and words can be renamed, not a {ref.kind}"
    if not _ID.match(new) or len(new) > 64:
        return f"{new!r} must be letters, digits and _, start with a letter, and be at most 64 long"
    if new in RESERVED:
        return f"{new!r} is a reserved word"
    taken = new in ix.scenes if ref.kind == "scene" else ix.kind_of(new) is not None
    if taken and new != ref.name:
        return f"{new!r} is already used in this story"
    return None


@server.feature(t.TEXT_DOCUMENT_RENAME)
def rename(ls: StoryServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
    folder = _fresh(ls, params.text_document.uri)
    if folder is not None and folder.stale:
        # its places are those of its last good parse: edits there would land on other text
        broken = min(folder.stale)
        shown = broken.relative_to(folder.root) if broken.is_relative_to(folder.root) else broken
        raise ValueError(
            f"cannot rename: {shown} does not parse now; fix its YAML first, or the rename would miss or "
            "misplace its uses"
        )
    hit = _ref_at(ls, params.text_document.uri, params.position, guess=False)
    if hit is None:
        return None
    folder, ref = hit
    why = rename_problem(folder.index, ref, params.new_name)
    if why is not None:
        raise ValueError(f"cannot rename {ref.name!r}: {why}")
    changes: dict[str, list[t.TextEdit]] = {}
    for r in folder.index.uses(ref.kind, ref.name):
        uri = from_fs_path(str(r.path)) or ""
        changes.setdefault(uri, []).append(
            t.TextEdit(range=ls.span(folder, r.path, r.line, r.col, r.end), new_text=params.new_name)
        )
    return t.WorkspaceEdit(changes=changes)


# -- quick fixes --------------------------------------------------------------------------------

_DID_YOU_MEAN = re.compile(r"did you mean '(\^?[A-Za-z_][A-Za-z0-9_]*)'\?")
_NAME_IN = re.compile(r"\^?[A-Za-z_][A-Za-z0-9_]*")


def quick_fix(line: str, start: int, end: int, message: str) -> tuple[int, int, str] | None:
    """For a problem underlining line[start:end] that says "did you mean 'x'?": the span of the misspelt name, and x.

    The name is the one the message quotes ('dsek', {caht}), so only it changes, not the braces or
    quotes around it.
    """
    m_ = _DID_YOU_MEAN.search(message)
    if m_ is None:
        return None
    for name in _NAME_IN.finditer(line, start, end):
        bare = name.group().lstrip("^")
        if any(quoted in message for quoted in (f"'{name.group()}'", f"{{{name.group()}}}", f"'{bare}'")):
            return name.start(), name.end(), m_.group(1)
    return None


@server.feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
def code_actions(ls: StoryServer, params: t.CodeActionParams) -> list[t.CodeAction] | None:
    """A problem that says "did you mean 'x'?" offers to write x in place of the name it is about."""
    found = ls.folder_of(params.text_document.uri)
    if found is None:
        return None
    folder, path = found
    lines = ls.lines(folder, path)
    out = []
    for diag in params.context.diagnostics:
        line, start = ls.cursor(folder, path, diag.range.start)
        end_line, end = ls.cursor(folder, path, diag.range.end)
        if line != end_line or line >= len(lines):
            continue
        fix = quick_fix(lines[line], start, end, diag.message)
        if fix is None:
            continue
        col, stop, new = fix
        out.append(
            t.CodeAction(
                title=f"Change to '{new}'",
                kind=t.CodeActionKind.QuickFix,
                diagnostics=[diag],
                is_preferred=True,
                edit=t.WorkspaceEdit(
                    changes={
                        params.text_document.uri: [
                            t.TextEdit(range=ls.span(folder, path, line, col, stop), new_text=new)
                        ]
                    }
                ),
            )
        )
    return out or None


# -- outline ------------------------------------------------------------------------------------


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: StoryServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol] | None:
    found = ls.folder_of(params.text_document.uri)
    if found is None:
        return None
    folder, path = found
    lines = ls.lines(folder, path)
    here = sorted((i for i in folder.index.scenes.values() if i.path == path), key=lambda i: i.line)
    out = []
    for n, info in enumerate(here):
        last = min((here[n + 1].line - 1) if n + 1 < len(here) else len(lines) - 1, len(lines) - 1)
        while last > info.line and not lines[last].strip():
            last -= 1
        children = [
            t.DocumentSymbol(
                name=cid,
                detail=text or None,
                kind=t.SymbolKind.Method,
                range=ls.span(folder, path, cl, cc, len(lines[cl]) if cl < len(lines) else cc),
                selection_range=ls.span(folder, path, cl, cc, cc + len(cid)),
            )
            for cid, cl, cc, text in info.choices
            if info.line <= cl <= last
        ]
        kind = {"ending": t.SymbolKind.EnumMember, "appointment": t.SymbolKind.Event}.get(info.kind, t.SymbolKind.Class)
        out.append(
            t.DocumentSymbol(
                name=info.id,
                detail=info.title or None,
                kind=kind,
                range=t.Range(
                    start=ls.position(folder, path, info.line, 0),
                    end=ls.position(folder, path, last, len(lines[last]) if last < len(lines) else 0),
                ),
                selection_range=ls.span(folder, path, info.line, info.col, info.col + len(info.id)),
                children=children or None,
            )
        )
    return out


@server.feature(t.WORKSPACE_SYMBOL)
def workspace_symbols(ls: StoryServer, params: t.WorkspaceSymbolParams) -> list[t.SymbolInformation]:
    """Scenes and endings of every open story folder whose id or title holds the query (any case)."""
    query = params.query.lower()
    out = []
    for folder in ls.folders.values():
        for info in folder.index.scenes.values():
            if query in info.id.lower() or query in info.title.lower():
                kind = {"ending": t.SymbolKind.EnumMember, "appointment": t.SymbolKind.Event}.get(
                    info.kind, t.SymbolKind.Class
                )
                out.append(
                    t.SymbolInformation(
                        name=info.id,
                        kind=kind,
                        location=t.Location(
                            uri=from_fs_path(str(info.path)) or "",
                            range=ls.span(folder, info.path, info.line, info.col, info.col + len(info.id)),
                        ),
                        container_name=info.title or None,
                    )
                )
    return out[:500]


class _UnreadableMessages(logging.Filter):
    """A message from the editor that is not JSON is the editor's mistake, not a bug here: pygls logs it
    with a traceback of its JSON decoder; this says it in one line (and the server goes on, as pygls does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if record.name.startswith("pygls") and isinstance(exc, ValueError):  # JSONDecodeError, or not UTF-8
            record.msg = f"a message from the editor is not JSON ({exc}); it was ignored"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def run_lsp() -> int:
    """Serve over stdin and stdout until the editor says exit."""
    logging.basicConfig(level=logging.WARNING, format="dayjob lsp: %(message)s")
    for handler in logging.getLogger().handlers:  # on the handler: pygls logs through more than one logger
        handler.addFilter(_UnreadableMessages())
    server.start_io()
    return 0
