"""Saves on disk: atomic writes, the previous save kept as .bak, damaged files moved aside."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.engine.digest import sha1
from game.engine.errors import SaveError

if TYPE_CHECKING:
    from game.engine.game import Game
    from game.engine.story import Story

SAVE_NAME = "day.json"


def default_save_dir() -> Path:
    """The platform's user data folder for Day Job (DAYJOB_DATA overrides it)."""
    override = os.environ.get("DAYJOB_DATA")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("dayjob", appauthor=False)


def write_atomic(path: Path, text: str, *, keep_backup: bool = True) -> None:
    """Write `text` so that a crash at any moment leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if keep_backup and path.exists():
            try:
                os.replace(path, path.with_name(path.name + ".bak"))
            except OSError:
                pass
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class SaveSlot:
    """One save file and its backup in a folder."""

    def __init__(self, folder: Path | None = None, name: str = SAVE_NAME):
        self.folder = Path(folder) if folder is not None else default_save_dir()
        self.path = self.folder / name
        self.backup = self.folder / (name + ".bak")

    def exists(self) -> bool:
        return self.path.exists() or self.backup.exists()

    def write(self, data: dict[str, Any]) -> None:
        import json  # here: the title screen without a save never needs it (bench/bench_startup.py)

        write_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def read(self) -> tuple[dict[str, Any] | None, str | None]:
        """The saved data (from the save, else its backup) and a one-line notice if something was wrong."""
        moved: list[str] = []
        for path in (self.path, self.backup):
            if not path.exists():
                continue
            try:
                data = read_save_file(path)
            except SaveError:
                moved.append(self.move_aside(path).name)
                continue
            if moved:
                return (
                    data,
                    f"The last save could not be read, so the one before it is used; it was moved to {moved[0]}.",
                )
            return data, None
        if moved:
            return None, f"Your saved day could not be read; it was kept aside as {' and '.join(moved)}."
        return None, None

    def move_aside(self, path: Path) -> Path:
        """Rename a bad save so it is kept for a look but never read again."""
        target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        n = 1
        while target.exists():
            target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{n}")
            n += 1
        try:
            os.replace(path, target)
        except OSError:
            pass
        return target


def save_name(root: Path) -> str:
    """One save per story folder, so the TUI and the plain player continue each other's day; the shipped day keeps the plain name."""
    from game.engine.where import shipped_story_dir  # not the loader's: that brings pydantic and the parser

    try:
        if root.resolve() == shipped_story_dir().resolve():
            return SAVE_NAME
        key = str(root.resolve())
    except OSError:
        key = str(root)
    return f"day-{sha1(key.encode('utf-8')).hexdigest()[:10]}.json"


def read_save_file(path: Path) -> dict[str, Any]:
    """A save file's JSON object; SaveError when it cannot be read or is not one."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise SaveError(f"the save could not be read ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise SaveError("the save could not be read (not a save)")
    return data


def resume_saved(slot: SaveSlot, story: Story) -> tuple[Game | None, list[str]]:
    """The day saved in `slot` (else in its backup), fitted to `story`, and one-line notices.

    A file that cannot be read or resumed is moved aside, and the backup is tried before
    the player is offered a new day.
    """
    failed: list[tuple[str, str, bool]] = []  # (moved to, why, could it be read at all)
    for path in (slot.path, slot.backup):
        if not path.exists():
            continue
        from game.engine.game import Game  # only with a save: the title screen without one needs just the story

        readable = False
        try:
            data = read_save_file(path)
            readable = True
            game = Game.from_snapshot(story, data)
        except SaveError as exc:
            failed.append((slot.move_aside(path).name, _one_line(exc), readable))
            continue
        notices = [_fallback_notice(failed)] if failed else []
        if not game.ended:  # how a finished day fits an edited story is of no interest to the player
            notices.extend(game.notices)
        return game, notices
    if not failed:
        return None, []
    if all(not readable for _, _, readable in failed):
        return None, [
            f"Your saved day could not be read; it was kept aside as {' and '.join(m for m, _, _ in failed)}."
        ]
    moved, why, _ = failed[0]
    return None, [f"The saved day could not be resumed ({why}); it was moved to {moved}."]


def _fallback_notice(failed: list[tuple[str, str, bool]]) -> str:
    moved, why, readable = failed[0]
    if not readable:
        return f"The last save could not be read, so the one before it is used; it was moved to {moved}."
    return f"The last save could not be resumed ({why}), so the one before it is used; it was moved to {moved}."


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


__all__ = ["SaveError", "SaveSlot", "default_save_dir", "resume_saved", "save_name", "write_atomic"]
