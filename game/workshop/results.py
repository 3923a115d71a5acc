"""Result files: one small JSON per finished day, written atomically, read back and checked."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from game.engine.saves import write_atomic

RESULT_VERSION = 1
MAX_RESULT_BYTES = 1_000_000  # a real result is a few KB; anything bigger is not one of ours
MAX_NICKNAME = 40


def result_data(game, nickname: str | None = None) -> dict:
    """What a finished day leaves behind: the ending, stats, minutes, choices; nothing personal but a nickname."""
    report = game.report()
    data = {
        "result_version": RESULT_VERSION,
        "story_title": report.story_title,
        "story_hash": game.story.hash,
        "seed": report.seed,
        "short": report.short,
        "ending": {"id": report.ending_id, "title": report.ending_title},
        "stats": {s.name: s.value for s in report.stats},
        "minutes": dict(report.minutes),
        "choices": list(report.choices),
        # where each choice was made, so the debrief can tell choice points apart without replaying
        "scenes": [h[0] for h in game.state.history],
        # each category's minutes by the scene that spent them ([scene, minutes], first spent first)
        "spent": {c: [[row.scene, row.minutes] for row in rows] for c, rows in report.spent.items() if rows},
        "finished_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    nick = clean_nickname(nickname)
    if nick:
        data["nickname"] = nick
    return data


def clean_nickname(nickname: str | None) -> str | None:
    """A nickname as stored: one line of printable text, trimmed to MAX_NICKNAME characters."""
    if not nickname:
        return None
    text = "".join(ch if ch.isprintable() else " " for ch in str(nickname))
    text = " ".join(text.split())[:MAX_NICKNAME]
    return text or None


def write_result(game, folder: str | Path, nickname: str | None = None) -> Path:
    """Write the finished day's result file in `folder` (made if missing) under a unique name; return its path."""
    if not game.ended:
        raise ValueError("the day is not over yet; only finished days leave a result")
    folder = Path(folder)
    text = json.dumps(result_data(game, nickname), ensure_ascii=False, indent=1) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}.json"
        path = folder / name
        if not path.exists():
            break
    write_atomic(path, text, keep_backup=False)
    return path


# -- reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One player's finished day, as read from its file."""

    path: Path
    story_title: str
    story_hash: str
    seed: str
    short: bool
    ending_id: str
    ending_title: str
    stats: dict[str, int]
    minutes: dict[str, int]
    choices: tuple[str, ...]
    scenes: tuple[str, ...] | None
    nickname: str | None
    finished_at: str


@dataclass
class Skipped:
    """A file in the results folder that is not a usable result, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.reason}"


@dataclass
class ResultSet:
    results: list[Result] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class NotAResult(ValueError):
    """A file that is damaged or is not a Day Job result; the message says why in a few words."""


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str(data: dict, key: str, *, required: bool = True, limit: int = 500) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise NotAResult(f"{key!r} should be text")
    if len(value) > limit:
        raise NotAResult(f"{key!r} is too long")
    return value


def _int_map(data: dict, key: str) -> dict[str, int]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(k, str) and _is_int(v) for k, v in value.items()):
        raise NotAResult(f"{key!r} should map names to whole numbers")
    if len(value) > 200:
        raise NotAResult(f"{key!r} has too many entries")
    return dict(value)


def _id_list(data: dict, key: str, *, required: bool = True) -> tuple[str, ...] | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and len(v) <= 64 for v in value):
        raise NotAResult(f"{key!r} should be a list of ids")
    if len(value) > 10_000:
        raise NotAResult(f"{key!r} is too long")
    return tuple(value)


def parse_result(data: object, path: Path) -> Result:
    """A Result from decoded JSON; raises NotAResult saying what is wrong."""
    if not isinstance(data, dict) or "result_version" not in data:
        raise NotAResult("not a Day Job result file")
    version = data["result_version"]
    if not _is_int(version):
        raise NotAResult("'result_version' should be a whole number")
    if version != RESULT_VERSION:
        raise NotAResult(f"result version {version} is not one this version of Day Job reads ({RESULT_VERSION})")
    ending = data.get("ending")
    if (
        not isinstance(ending, dict)
        or not isinstance(ending.get("id"), str)
        or not isinstance(ending.get("title"), str)
    ):
        raise NotAResult("'ending' should have an id and a title")
    if not isinstance(data.get("short"), bool):
        raise NotAResult("'short' should be true or false")
    minutes = _int_map(data, "minutes")
    if any(v < 0 for v in minutes.values()):
        raise NotAResult("'minutes' should not be negative")
    choices = _id_list(data, "choices")
    scenes = _id_list(data, "scenes", required=False)
    if scenes is not None and len(scenes) != len(choices):
        raise NotAResult("'scenes' and 'choices' should be the same length")
    return Result(
        path=path,
        story_title=_str(data, "story_title"),
        story_hash=_str(data, "story_hash"),
        seed=_str(data, "seed"),
        short=data["short"],
        ending_id=ending["id"][:64],
        ending_title=ending["title"][:500],
        stats=_int_map(data, "stats"),
        minutes=minutes,
        choices=choices,
        scenes=scenes,
        nickname=clean_nickname(_str(data, "nickname", required=False)),
        finished_at=_str(data, "finished_at", limit=64),
    )


def read_result(path: Path) -> Result:
    """Read and check one result file; raises NotAResult with a short reason."""
    try:
        size = path.stat().st_size
        if size > MAX_RESULT_BYTES:
            raise NotAResult(f"too large for a result file ({size:,} bytes)")
        raw = path.read_bytes()
    except OSError as exc:
        raise NotAResult(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotAResult("not UTF-8 text") from None
    except RecursionError:
        raise NotAResult("nested too deeply to be a result") from None
    except ValueError as exc:
        where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise NotAResult(f"damaged JSON{where}") from None
    return parse_result(data, path)


def read_results(folder: Path) -> ResultSet:
    """Every result in `folder`, and every other file named with the reason it was skipped."""
    out = ResultSet()
    for path in sorted(folder.iterdir()):
        # hidden files are in-flight atomic writes (.name.json.tmp) or the system's own
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() != ".json":
            out.skipped.append(Skipped(path, "not a .json result file"))
            continue
        try:
            out.results.append(read_result(path))
        except NotAResult as exc:
            out.skipped.append(Skipped(path, str(exc)))
    return out


__all__ = [
    "RESULT_VERSION",
    "NotAResult",
    "Result",
    "ResultSet",
    "Skipped",
    "read_result",
    "read_results",
    "result_data",
    "write_result",
]
