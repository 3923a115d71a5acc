"""What the player asked for on the command line, as one plain value the app and tests share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class TuiOptions:
    """How to start the game: which story, which day, what to show, where to save."""

    story: Path | None = None  # None: the shipped day
    seed: str | None = None
    short: bool = False
    from_scene: str | None = None  # writers: start at this scene
    presets: dict[str, str] = field(default_factory=dict)  # writers: NAME=VALUE before play
    reveal: bool = False  # writers: show the hidden stats while playing
    results: Path | None = None  # workshops: write the finished day here
    nickname: str | None = None
    projector: bool = False
    save: bool = True  # --no-save turns it off
    save_dir: Path | None = None  # None: default_save_dir() (DAYJOB_DATA overrides)
    report_dir: Path | None = None  # where `s` writes the report; None: the save folder
    watch: bool = False  # reload the story when its files change
    locked: bool = False  # served games (dayjob serve): the seed is fixed, new days replay it, a short palette
    player: str | None = None  # served games: who plays, so a replay counts as their next attempt

    @property
    def play_from_here(self) -> bool:
        """A writer's test day (--from / --set): it starts at once and never touches the player's save."""
        return bool(self.from_scene or self.presets)
