"""The compiled story, kept between runs in the user's cache folder, so a game starts without parsing it.

Where: `platformdirs.user_cache_dir("dayjob")/stories` (or `$DAYJOB_CACHE_DIR`; `DAYJOB_CACHE=off` turns
the cache off). One file per story, named by its key: a BLAKE2b digest of the engine's version and its source
files' names, sizes and times (`engine_digest`), the Python version, the caps in force
(`DAYJOB_LARGE_STORY`), the story folder's place (and the working folder, which error places are shown
relative to), and every story file's name and bytes. Editing any of them gives another key, so a stale
cache is never looked at; old files are pruned.

Format, and why: a pickle of the compiled story's fields, in which the scenes, endings and glossary
(`LATER`) are a pickle of their own (bytes), unpickled the first time one of them is used (`CachedStory`):
the title screen needs the story's title, not its scenes. Conditions are stored as their checked trees
and rebuilt into closures when read. Reading a pickle can run code, so a cache is unpickled only after a MAC
over all of its bytes (the LATER fields' too) checks out under a random key that only this user can read
(`key`, mode 0600, in the same folder, which is made 0700); the LATER fields are unpickled
later from those checked bytes in memory, never read again from disk. A file another user wrote (on a
shared machine, a cache folder that is not private), a damaged or cut-off file, or one of another engine
or Python fails the check or the header and is ignored, then written again. Files are written to a
temporary name and renamed over (atomic). A JSON or marshal form would avoid pickle altogether but would
need the story recompiled from data on every start, which is most of what the cache saves.

The MAC is keyed BLAKE2b (BLAKE2's own MAC mode, as secure a MAC as HMAC-SHA256), and the key a BLAKE2b
digest, from CPython's own hash module: `hashlib` and `hmac` load OpenSSL's libcrypto, about 3 ms of CPU
on every start, for hashing that takes under a millisecond (engine/digest.py).

`dayjob check` never reads the cache: it always parses.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
import re
import stat
import sys
import tempfile
import threading
from _operator import _compare_digest as compare_digest  # hmac's, without importing hmac (see engine/digest.py)
from functools import cache
from pathlib import Path
from typing import Any, Literal, overload

from game.engine.digest import blake2b
from game.engine.story import Story
from game.engine.where import LARGE_STORY, MAX_TOTAL_BYTES, story_files

MAGIC = b"dayjob compiled story\n"
KEEP = 32  # cache files kept; older ones are removed when a new one is written
KEY_BYTES = 32
MAC_BYTES = 32  # the first line of a cache file, before its newline


@cache
def engine_digest() -> str:
    """The engine's version and each of its source files' name, size and time: a changed engine never reads
    an old cache.

    Size and modification time (in ns), as Python itself decides that a module's bytecode is stale: hashing
    the sources took ~2 ms of every start (bench/bench_startup.py). An edit, a checkout or an install changes
    the time; a changed engine that kept both would also have to fool Python's own bytecode cache.
    """
    import game

    return sources_digest(Path(__file__).parent, f"{game.__version__}\n{sys.implementation.cache_tag}\n{sys.version}")


def sources_digest(folder: Path, version: str) -> str:
    """A digest of `version` and the name, size and modification time of each `*.py` file in `folder`."""
    h = blake2b(f"{version}\n".encode(), digest_size=32)
    with os.scandir(folder) as entries:
        sources = sorted((e.name, e.stat()) for e in entries if e.name.endswith(".py") and e.is_file())
    for name, st in sources:
        h.update(f"{name}\n{st.st_size}\n{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def cache_dir() -> Path | None:
    """The folder of this user's cached stories, or None when the cache is off."""
    if os.environ.get("DAYJOB_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    given = os.environ.get("DAYJOB_CACHE_DIR")
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_cache_dir("dayjob")) / "stories"


def story_key(root: Path) -> str | None:
    """The key of the story in `root` as it is on disk now, or None when its files cannot all be read."""
    from game.engine.glossary import GLOSSARY

    h = blake2b(engine_digest().encode(), digest_size=32)
    # a story compiled under the larger caps (DAYJOB_LARGE_STORY=1) is never read back under the default ones
    h.update(b"large caps\n" if LARGE_STORY else b"default caps\n")
    try:
        h.update(str(root.resolve()).encode("utf-8", "surrogatepass") + b"\n")
        h.update(str(Path.cwd().resolve()).encode("utf-8", "surrogatepass") + b"\n")
        total = 0
        paths = story_files(root)
        if (root / GLOSSARY).is_file():
            paths.append(root / GLOSSARY)
        for path in paths:
            with path.open("rb") as fh:  # never more than the story may hold: a huge file is not read whole
                data = fh.read(MAX_TOTAL_BYTES - total + 1)
            total += len(data)
            if total > MAX_TOTAL_BYTES:  # the loader refuses it anyway
                return None
            h.update(f"{path.relative_to(root)}\n{len(data)}\n".encode("utf-8", "surrogatepass"))
            h.update(data)
    except (OSError, ValueError):
        return None
    return h.hexdigest()


@overload
def load_story_cached(root: str | Path | None = None, *, only_cached: Literal[False] = False) -> Story: ...
@overload
def load_story_cached(root: str | Path | None = None, *, only_cached: bool) -> Story | None: ...


def load_story_cached(root: str | Path | None = None, *, only_cached: bool = False) -> Story | None:
    """The story in `root` from the cache when a good one is there, else loaded (raises StoryError) and kept.

    With `only_cached`, a miss returns None instead of parsing: the TUI reads a warm cache at once, in
    its own thread, and parses in a worker only when it must (game/tui/app.py).
    """
    if root is None:
        from game.engine.where import shipped_story_dir

        root = shipped_story_dir()
    folder = Path(root)
    where = cache_dir()
    key = story_key(folder) if where is not None else None
    secret = _secret(where) if where is not None and key is not None else None
    if where is not None and secret is not None:
        story = _read(where / f"{key}.story", secret)
        if story is not None:
            return story
    if only_cached:
        return None
    from game.engine.loader import load_story  # only on a miss: the loader brings pydantic and the parser

    story = load_story(folder)
    if where is not None and secret is not None and key is not None and story_key(folder) == key:
        _write(where, key, story, secret)  # (and not edited while it loaded)
    return story


# -- the per-user key -------------------------------------------------------------------------


def _private(st: os.stat_result) -> bool:
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def _secret(where: Path) -> bytes | None:
    """This user's cache key (made on first use), or None when the folder or key is not private to them."""
    if not hasattr(os, "getuid"):  # pragma: no cover - not Unix: no cache rather than an unchecked one
        return None
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(where)):
            return None
        path = where / "key"
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(os.urandom(KEY_BYTES))
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            if not _private(os.fstat(f.fileno())):
                return None
            secret = f.read(KEY_BYTES + 1)
    except OSError:
        return None
    return secret if len(secret) == KEY_BYTES else None


# -- reading and writing ------------------------------------------------------------------------


def _header() -> bytes:
    """The line after MAGIC: the engine and the pickle protocol the file was written with."""
    return f"engine {engine_digest()} pickle {pickle.HIGHEST_PROTOCOL}\n".encode()


def _read(path: Path, secret: bytes) -> Story | None:
    """The story in a cache file, or None when it is missing, damaged, foreign or of another engine."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            if not _private(os.fstat(f.fileno())):
                return None
            blob = f.read()
    except OSError:
        return None
    mac, sep, signed = blob[:MAC_BYTES], blob[MAC_BYTES : MAC_BYTES + 1], blob[MAC_BYTES + 1 :]
    if sep != b"\n" or not compare_digest(mac, _mac(secret, signed)):
        return None  # damaged, or not written with this user's key: never unpickled
    head = MAGIC + _header()
    if not signed.startswith(head):
        return None  # another engine or pickle version
    try:
        state = _unpickle(signed[len(head) :])
        if not isinstance(state, dict) or not isinstance(state.get(_LATER), bytes):
            return None
        story = CachedStory.__new__(CachedStory)
        story.__dict__.update(state)
    except Exception:  # noqa: BLE001 - a cache that cannot be read is rebuilt, whatever went wrong
        return None
    return story


def _mac(secret: bytes, signed: bytes) -> bytes:
    """The file's MAC: keyed BLAKE2b, 32 bytes (a MAC by design, as HMAC-SHA256 is, without OpenSSL's import)."""
    return blake2b(signed, key=secret, digest_size=MAC_BYTES).digest()


def _unpickle(data: bytes) -> Any:
    """Unpickle bytes whose MAC has checked out, with the collector off (long-lived objects, no garbage)."""
    was = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if was:
            gc.enable()


LATER = ("scenes", "endings", "glossary")  # the fields kept as a pickle of their own until first used
_LATER = "_later_pickled"
_later_lock = threading.Lock()


class _OnFirstUse:
    """A field of `CachedStory` unpickled, with the other LATER fields, from the checked cache file's bytes
    the first time any of them is read.

    The scenes are nine tenths of the file; the title screen needs none of these fields (its title, subtitle
    and short day are the story's own), the first day does (DayJobApp._settle builds the state machine
    while the player reads the title). A non-data descriptor: once read, the instance's own value wins.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, story: CachedStory | None, owner: type) -> Any:
        if story is None:
            return self
        data = story.__dict__
        with _later_lock:  # one thread unpickles; another asking meanwhile waits and finds them
            pickled = data.pop(_LATER, None)
            if pickled is not None:
                data.update(_unpickle(pickled))
        return data[self.name]


class CachedStory(Story):
    """A story read from the cache: the same fields and behaviour, its LATER fields unpickled on first use."""

    scenes = _OnFirstUse()
    endings = _OnFirstUse()
    glossary = _OnFirstUse()


def _write(where: Path, key: str, story: Story, secret: bytes) -> None:
    """Keep the story under its key: written to a temporary file, then renamed over (atomic)."""
    state = {name: getattr(story, name) for name in Story.FIELDS}  # not what cached_property added
    try:
        later = io.BytesIO()
        _Pickler(later, protocol=pickle.HIGHEST_PROTOCOL).dump({name: state.pop(name) for name in LATER})
        state[_LATER] = later.getvalue()
        out = io.BytesIO()
        _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
    except Exception:  # noqa: BLE001 - a story that cannot be kept is simply not cached
        return
    signed = MAGIC + _header() + out.getvalue()
    mac = _mac(secret, signed)
    try:
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-", suffix=".story")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(mac + b"\n" + signed)
            os.replace(tmp, where / f"{key}.story")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(where)
    except OSError:
        return


class _Pickler(pickle.Pickler):
    """Keeps a compiled regular expression (the glossary's matcher) as one compiled when first used."""

    def reducer_override(self, obj: object) -> Any:
        if isinstance(obj, re.Pattern) and isinstance(obj.pattern, str):
            return (LazyPattern, (obj.pattern, obj.flags))
        return NotImplemented


class LazyPattern:
    """A regular expression read from the cache, compiled on first use: the title screen needs none of them
    (the glossary's matcher alone takes 2-3 ms to compile), the first scene does (DayJobApp._settle)."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> object:
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)

    def __reduce__(self) -> tuple[type[LazyPattern], tuple[str, int]]:
        return (LazyPattern, self._source)


def _prune(where: Path) -> None:
    """Remove all but the KEEP newest cache files (other processes may be doing the same)."""
    dated = []
    for path in where.glob("*.story"):
        try:
            dated.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, old in sorted(dated, reverse=True)[KEEP:]:
        try:
            old.unlink(missing_ok=True)
        except OSError:
            continue


__all__ = ["CachedStory", "cache_dir", "engine_digest", "load_story_cached", "story_key"]
