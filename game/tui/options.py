"""What the player asked for on the command line, as one plain value the app and tests share."""

from __future__ import annotations

from pathlib import Path

from game.engine.record import Record

_set = object.__setattr__  # how a frozen record's __init__ sets its fields (engine/record.py)


class TuiOptions(Record):
    """How to start the game: which story, which day, what to show, where to save (a frozen record)."""

    __slots__ = (
        "from_scene",
        "locked",
        "nickname",
        "player",
        "presets",
        "projector",
        "report_dir",
        "results",
        "reveal",
        "save",
        "save_dir",
        "seed",
        "short",
        "story",
        "watch",
    )
    __match_args__ = (
        "story",
        "seed",
        "short",
        "from_scene",
        "presets",
        "reveal",
        "results",
        "nickname",
        "projector",
        "save",
        "save_dir",
        "report_dir",
        "watch",
        "locked",
        "player",
    )
    story: Path | None  # None: the shipped day
    seed: str | None
    short: bool
    from_scene: str | None  # writers: start at this scene
    presets: dict[str, str]  # writers: NAME=VALUE before play
    reveal: bool  # writers: show the hidden stats while playing
    results: Path | None  # workshops: write the finished day here
    nickname: str | None
    projector: bool
    save: bool  # --no-save turns it off
    save_dir: Path | None  # None: default_save_dir() (DAYJOB_DATA overrides)
    report_dir: Path | None  # where `s` writes the report; None: the save folder
    watch: bool  # reload the story when its files change
    locked: bool  # served games (dayjob serve): the seed is fixed, new days replay it, a short palette
    player: str | None  # served games: who plays, so a replay counts as their next attempt

    def __init__(
        self,
        story: Path | None = None,
        seed: str | None = None,
        short: bool = False,
        from_scene: str | None = None,
        presets: dict[str, str] | None = None,
        reveal: bool = False,
        results: Path | None = None,
        nickname: str | None = None,
        projector: bool = False,
        save: bool = True,
        save_dir: Path | None = None,
        report_dir: Path | None = None,
        watch: bool = False,
        locked: bool = False,
        player: str | None = None,
    ) -> None:
        _set(self, "story", story)
        _set(self, "seed", seed)
        _set(self, "short", short)
        _set(self, "from_scene", from_scene)
        _set(self, "presets", {} if presets is None else presets)
        _set(self, "reveal", reveal)
        _set(self, "results", results)
        _set(self, "nickname", nickname)
        _set(self, "projector", projector)
        _set(self, "save", save)
        _set(self, "save_dir", save_dir)
        _set(self, "report_dir", report_dir)
        _set(self, "watch", watch)
        _set(self, "locked", locked)
        _set(self, "player", player)

    @property
    def play_from_here(self) -> bool:
        """A writer's test day (--from / --set): it starts at once and never touches the player's save."""
        return bool(self.from_scene or self.presets)
