"""Reading a story folder's files within caps: how many, how large, how many values, and only inside it."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from game.engine.errors import Problem
from game.engine.where import LARGE_STORY_HINT, MAX_FILES, SCENES_DIR, story_files
from game.engine.where import MANIFEST as MANIFEST  # re-exported: where its readers look for it
from game.engine.where import MAX_TOTAL_BYTES as MAX_TOTAL_BYTES
from game.engine.yamlsafe import MAX_FILE_BYTES, MAX_TOTAL_NODES, Document, load_document


def display_path(path: Path) -> str:
    """A path as a writer would type it: relative to the working folder when inside it (a link named as
    itself, not as the file it points to, which may be anywhere)."""
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


class Unreadable(Exception):
    """A file that is not read, with the reason a writer is shown."""


def read_capped(path: Path, cap: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes; its size is checked before reading and at most `cap` + 1 bytes are read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # replaced by a FIFO or a device since it was listed
            raise Unreadable("not a regular file; a story file is a .yaml text file")
        if info.st_size > cap:
            raise Unreadable(_too_large(info.st_size))
        try:
            raw = fh.read(cap + 1)  # a file that grows, or reports no size (/proc), still stops here
        except OSError as exc:
            raise Unreadable(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > cap:
        raise Unreadable(_too_large(None))
    return raw


def _too_large(size: int | None) -> str:
    what = f"the file is {size / 1e6:.1f} MB" if size is not None else "the file is larger than that"
    return (
        f"{what}; a story file may be at most {MAX_FILE_BYTES / 1e6:.0f} MB — split it into several files under scenes/"
    )


@dataclass
class StoryFiles:
    """What reading a story's files found: its problems, and whether a cap stopped the reading."""

    problems: list[Problem] = field(default_factory=list)
    unshown: dict[str, int] = field(default_factory=dict)  # per file: problems the parser only counted
    digest: str = ""
    # Reading stopped at a cap before every file was read: what was read cannot be checked against
    # what was not (every goto into an unread file would be reported), so the loader stops too.
    cut_off: bool = False


# long: reading the files with every cap, in the order docs/security.md states them
def read_story_files(
    root: Path,
    overlay: Mapping[str, str | bytes] | Mapping[Path, str | bytes] | None = None,
    parses: dict[str, tuple[bytes, Document]] | None = None,
    each: Callable[[str, Document], None] | None = None,
) -> StoryFiles:
    """Parse the manifest and scene files of `root`, within every cap; never raises for bad input.

    `each` is given every file's (shown path, document) in order as soon as it is parsed, and the
    document is not kept here: a caller can check a file and let its data go before the next is read.
    Only reading's problems are in the result (a cut-off story is judged on those alone).
    `overlay`: the contents of some files by path, read instead of the disk (unsaved editor buffers);
    a scene file only in the overlay is read too. `parses`: each file's last (bytes, document), reused
    while its bytes are the same (the parse is never changed by the loader).
    """
    out = StoryFiles()
    files, buffers = _with_overlay(root, story_files(root), overlay)
    if len(files) > MAX_FILES:
        out.problems.append(
            Problem(display_path(root), 1, 1, f"more than {MAX_FILES:,} story files; the limit is {MAX_FILES:,}")
        )
        out.cut_off = True
        return out
    try:
        inside = root.resolve()
    except OSError:
        inside = root
    digest = hashlib.sha256()
    total_bytes = 0
    nodes_left = MAX_TOTAL_NODES
    for path in files:
        shown = display_path(path)
        real = _inside(inside, path)
        if isinstance(real, str):  # why it may not be read
            problem = Problem(shown, 1, 1, real)
            out.problems.append(problem)
            if each is not None:
                each(shown, Document(shown, problems=[problem]))
            continue
        buffer = buffers.get(real) if buffers else None
        try:
            size = path.stat().st_size if buffer is None else len(buffer)
        except OSError:
            size = 0  # read_capped says why it cannot be read
        if size <= MAX_FILE_BYTES and total_bytes + size > MAX_TOTAL_BYTES:  # a larger file: read_capped refuses it
            out.problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    f"the story is larger than {MAX_TOTAL_BYTES // 1_000_000} MB in all (reached at this file); "
                    f"nothing after it was read, so nothing else was checked; {LARGE_STORY_HINT}",
                )
            )
            out.cut_off = True
            break
        try:
            raw = read_capped(path) if buffer is None else _capped(buffer)
        except Unreadable as exc:
            problem = Problem(shown, 1, 1, str(exc))
            out.problems.append(problem)
            if each is not None:
                each(shown, Document(shown, problems=[problem]))
            continue
        total_bytes += len(raw)
        # the same bytes as name + NUL + raw + NUL, without copying the file to join them (13 MB: 13 ms of a check)
        digest.update(os.fsencode(path.relative_to(root)) + b"\0")
        digest.update(raw)
        digest.update(b"\0")
        kept = parses.get(shown) if parses is not None else None
        if kept is not None and kept[0] == raw and kept[1].nodes <= nodes_left:
            doc = kept[1]
        else:
            doc = load_document(shown, raw, nodes_left=nodes_left)
            if parses is not None:
                parses[shown] = (raw, doc)
        nodes_left -= doc.nodes
        out.problems.extend(doc.problems)
        if doc.unshown:
            out.unshown[shown] = doc.unshown
        if nodes_left < 0:
            out.cut_off = True  # load_document said where
            break
        if each is not None:
            each(shown, doc)
    out.digest = digest.hexdigest()[:16]
    return out


def _inside(inside: Path, path: Path) -> Path | str:
    """The file's real path inside the (resolved) story folder, or why it may not be read: it links out."""
    try:
        real: Path | None = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        real = None
    if real is not None and real.is_relative_to(inside):
        return real
    # A link out of the folder would let a shared story read (and show) any file the player can
    return (
        f"this links to {real if real is not None else 'a link loop'}, outside the story folder; "
        "story files must be inside it (copy the file in instead of linking it)"
    )


def outside_folder(root: Path, path: Path) -> str | None:
    """Why `path` may not be read as part of the story in `root`: it links out of the folder (None if not)."""
    try:
        inside = root.resolve()
    except OSError:
        inside = root
    real = _inside(inside, path)
    return real if isinstance(real, str) else None


def _with_overlay(
    root: Path, files: list[Path], overlay: Mapping[str, str | bytes] | Mapping[Path, str | bytes] | None
) -> tuple[list[Path], dict[Path, bytes]]:
    """The files to read, those only in the overlay included, and the overlay's bytes by real path."""
    if not overlay:
        return files, {}
    buffers = {
        Path(p).resolve(): t.encode("utf-8", "surrogatepass") if isinstance(t, str) else t for p, t in overlay.items()
    }
    scenes = (root / SCENES_DIR).resolve()
    listed = {p.resolve() for p in files}
    extra = [p for p in buffers if p not in listed and p.is_relative_to(scenes) and p.suffix in (".yaml", ".yml")]
    return [files[0], *sorted([*files[1:], *(root / SCENES_DIR / p.relative_to(scenes) for p in extra)])], buffers


def _capped(buffer: bytes) -> bytes:
    """An editor's buffer, within the size of a file."""
    if len(buffer) > MAX_FILE_BYTES:
        raise Unreadable(_too_large(len(buffer)))
    return buffer
