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
MAX_FOLDER_BYTES = 64_000_000  # a debrief reads at most this much in all (a room of 100 writes under 1 MB)
MAX_FOLDER_FILES = 5_000
MAX_NICKNAME = 40
MAX_PLAYER = 32
MAX_NUMBER = 1_000_000  # stats and minutes beyond this are not from a day of ours
MAX_ATTEMPT = 1_000
UNFINISHED = "unfinished"  # the ending id of a day the round stopped before its end


def result_data(game, nickname: str | None = None, *, player: str | None = None, attempt: int | None = None) -> dict:
    """What a day leaves behind: the ending, stats, minutes, choices; nothing personal but a nickname.

    A day the workshop round stopped before its end has `unfinished: true` and the ending
    `unfinished`; a served player's days carry a random player id and their attempt number.
    """
    report = game.report()
    ending = (
        {"id": report.ending_id, "title": report.ending_title}
        if game.ended
        else {"id": UNFINISHED, "title": f"Unfinished at {game.clock_text}"}
    )
    data = {
        "result_version": RESULT_VERSION,
        "story_title": report.story_title,
        "story_hash": game.story.hash,
        "seed": report.seed,
        "short": report.short,
        "ending": ending,
        "stats": {s.name: s.value for s in report.stats},
        "minutes": dict(report.minutes),
        "choices": list(report.choices),
        # where each choice was made, so the debrief can tell choice points apart without replaying
        "scenes": [step.scene for step in game.state.history],
        # each category's minutes by the scene that spent them, with the choices taken there that spent them
        # ([scene, minutes, [choice ids in the order taken]], first spent first)
        "spent": {
            c: [[row.scene, row.minutes, list(row.choice_ids)] for row in rows]
            for c, rows in report.spent.items()
            if rows
        },
        "terms": [t.id for t in report.terms],  # the glossary terms the day used, in the order met
        "finished_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    if not game.ended:
        data["unfinished"] = True
    nick = clean_nickname(nickname)
    if nick:
        data["nickname"] = nick
    if player:
        data["player"] = str(player)[:MAX_PLAYER]
        data["attempt"] = max(1, min(int(attempt or 1), MAX_ATTEMPT))
    return data


def clean_nickname(nickname: str | None) -> str | None:
    """A nickname as stored: one line of printable text, trimmed to MAX_NICKNAME characters."""
    if not nickname:
        return None
    text = "".join(ch if ch.isprintable() else " " for ch in str(nickname))
    text = " ".join(text.split())[:MAX_NICKNAME]
    return text or None


def write_result(
    game,
    folder: str | Path,
    nickname: str | None = None,
    *,
    player: str | None = None,
    attempt: int | None = None,
    unfinished: bool = False,
) -> Path:
    """Write the day's result file in `folder` (made if missing) under a unique name; return its path.

    Only a finished day leaves a result, unless `unfinished` says the round stopped it.
    """
    if not game.ended and not unfinished:
        raise ValueError("the day is not over yet; only finished days leave a result")
    folder = Path(folder)
    data = result_data(game, nickname, player=player, attempt=attempt)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
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
    player: str | None = None  # served games: one id per browser tab, so replays count as attempts
    attempt: int = 1
    unfinished: bool = False
    terms: tuple[str, ...] = ()  # the glossary terms the day used (files from before the glossary have none)

    @property
    def who(self) -> str:
        """The participant: their player id, else (files from before ids, or played at home) the file."""
        return self.player or f"file:{self.path.name}"


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


def _text(data: dict, key: str, *, limit: int = 500) -> str:
    """A required text field."""
    value = _str(data, key, limit=limit)
    assert value is not None  # _str raises for a missing required field
    return value


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
    for name, number in value.items():
        if not -MAX_NUMBER <= number <= MAX_NUMBER:
            raise NotAResult(f"{key!r}: {name[:40]!r} is out of range ({_short_number(number)})")
    return dict(value)


def _short_number(number: int) -> str:
    """A number as a few characters, however many digits it has (10**400 prints without converting it whole)."""
    if -(10**12) < number < 10**12:
        return str(number)
    digits = number.bit_length() * 30103 // 100000 + 1  # about log10(2) digits per bit
    return f"{'-' if number < 0 else ''}a {digits}-digit number"


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
    choices = _id_list(data, "choices") or ()
    scenes = _id_list(data, "scenes", required=False)
    if scenes is not None and len(scenes) != len(choices):
        raise NotAResult("'scenes' and 'choices' should be the same length")
    player = _str(data, "player", required=False, limit=MAX_PLAYER)
    attempt = data.get("attempt", 1)
    if not _is_int(attempt) or not 1 <= attempt <= MAX_ATTEMPT:
        raise NotAResult("'attempt' should be a whole number from 1 to 1000")
    unfinished = data.get("unfinished", False)
    if not isinstance(unfinished, bool):
        raise NotAResult("'unfinished' should be true or false")
    return Result(
        path=path,
        story_title=_text(data, "story_title"),
        story_hash=_text(data, "story_hash"),
        seed=_text(data, "seed"),
        short=data["short"],
        ending_id=ending["id"][:64],
        ending_title=ending["title"][:500],
        stats=_int_map(data, "stats"),
        minutes=minutes,
        choices=choices,
        scenes=scenes,
        nickname=clean_nickname(_str(data, "nickname", required=False)),
        finished_at=_text(data, "finished_at", limit=64),
        player=player,
        attempt=attempt,
        unfinished=unfinished,
        terms=_id_list(data, "terms", required=False) or (),
    )


def read_result(path: Path) -> Result:
    """Read and check one result file; raises NotAResult with a short reason."""
    try:
        size = path.stat().st_size
        if size > MAX_RESULT_BYTES:
            raise NotAResult(f"too large for a result file ({size:,} bytes)")
        with path.open("rb") as fh:
            raw = fh.read(MAX_RESULT_BYTES + 1)  # never more than the cap, even if the file grew since
        if len(raw) > MAX_RESULT_BYTES:
            raise NotAResult("too large for a result file")
    except OSError as exc:
        raise NotAResult(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        # ints are read as text first: a 5,000-digit number would cost the parser quadratic time
        data = json.loads(raw.decode("utf-8"), parse_int=_parse_int)
    except UnicodeDecodeError:
        raise NotAResult("not UTF-8 text") from None
    except RecursionError:
        raise NotAResult("nested too deeply to be a result") from None
    except NotAResult:
        raise
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise NotAResult(f"damaged JSON{where}") from None
    return parse_result(data, path)


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > 12:
        raise NotAResult(f"a number is out of range ({len(text.lstrip('-'))} digits)")
    return int(text)


def read_results(folder: Path) -> ResultSet:
    """Every result in `folder`, and every other file named with the reason it was skipped.

    At most MAX_FOLDER_FILES files and MAX_FOLDER_BYTES in all are read; the rest are named as skipped.
    """
    out = ResultSet()
    total = files = 0
    for path in sorted(folder.iterdir()):
        # hidden files are in-flight atomic writes (.name.json.tmp) or the system's own
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() != ".json":
            out.skipped.append(Skipped(path, "not a .json result file"))
            continue
        files += 1
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if files > MAX_FOLDER_FILES or total + size > MAX_FOLDER_BYTES:
            out.skipped.append(Skipped(path, "not read: the debrief reads at most 5,000 files and 64 MB in all"))
            continue
        total += size
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
