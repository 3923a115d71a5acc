"""What the commands share as they start: the garbage collector's policy, the story or its problems, --set values.

It lives below the CLI and every tool (authoring, workshop, tui, plain), so that none of them
imports the CLI back. The collector's policy is here and not in `load_story`: a library call
never changes the whole process; the entry points (CLI commands, the TUI, playtest workers) do.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from game.engine.record import Record

if TYPE_CHECKING:
    from game.engine import Story

# The engine is imported inside the functions (its `record` alone, a base class, is imported here): the TUI
# imports this module (parse_presets) before its first frame, and the story's modules bring pydantic and the
# YAML parser (bench/bench_startup.py).
_set = object.__setattr__  # how a frozen record's __init__ sets its fields (engine/record.py)


class DayOptions(Record):
    """What every player of a day is given (`dayjob`, `dayjob play`, `play --plain`): the command line, as given.

    A frozen record (game/engine/record.py), not a dataclass: it is made on the way to the title screen.
    """

    __slots__ = ("from_scene", "nickname", "no_save", "presets", "results", "reveal", "seed", "short", "story")
    __match_args__ = ("story", "seed", "short", "from_scene", "presets", "reveal", "results", "nickname", "no_save")
    story: Path | None  # None: the shipped day
    seed: str | None
    short: bool
    from_scene: str | None  # --from
    presets: tuple[str, ...]  # --set NAME=VALUE
    reveal: bool
    results: Path | None
    nickname: str | None
    no_save: bool

    def __init__(
        self,
        story: Path | None = None,
        seed: str | None = None,
        short: bool = False,
        from_scene: str | None = None,
        presets: tuple[str, ...] = (),
        reveal: bool = False,
        results: Path | None = None,
        nickname: str | None = None,
        no_save: bool = False,
    ) -> None:
        _set(self, "story", story)
        _set(self, "seed", seed)
        _set(self, "short", short)
        _set(self, "from_scene", from_scene)
        _set(self, "presets", presets)
        _set(self, "reveal", reveal)
        _set(self, "results", results)
        _set(self, "nickname", nickname)
        _set(self, "no_save", no_save)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off while a large heap of long-lived objects is built.

    Loading and linting make almost no garbage; left on, the collector walks the growing heap
    again and again (measured: 40-50% of a load, 4-5x the lint at 5,000 scenes; bench/).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Full collections in a game on screen: only when the player is idle (`collect_while_idle`), or after
# this many younger ones (a safety valve for keys pressed without a pause, ~7 million allocations).
FULL_COLLECTION_AFTER = 1000
_interactive = False  # set by the TUI's entry point: this process shows a game to a player


def collector_off_for_start() -> None:
    """For the TUI's entry point: no collections from the start of the process until `collector_settled`.

    Starting builds Textual's and the story's long-lived heap and almost no garbage; left on, the
    collector walks that growing heap again and again on the way to the title screen
    (bench/bench_startup.py). The app turns it back on once the title screen shows the story, with
    full collections kept for the moments the player reads (`collect_while_idle`).
    """
    global _interactive
    _interactive = True
    gc.disable()


def collector_settled(freeze: bool = True) -> None:
    """Collect once, move what is alive now out of the collector's sight (`freeze`), and turn it on.

    Called by the TUI while the player reads the title screen. Without `freeze` (a day already
    started, as with --from) the collector is only turned back on: that day's screens would stay
    frozen for good. In a process started by the TUI's entry point, full collections (22-92 ms on
    the heap a day of screens builds, each landing on a key press; bench/bench_latency.py) then run
    only from `collect_while_idle`, or after FULL_COLLECTION_AFTER younger ones.
    """
    if freeze:
        gc.collect()
        gc.freeze()
    if _interactive:
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
    gc.enable()


def collect_while_idle() -> None:
    """A full collection, for the TUI to run when no choice has been made for a while (the player reads)."""
    if _interactive and gc.isenabled():
        gc.collect()


def load_for_life(root: str | Path | None) -> Story:
    """The story, for a process that keeps it to its end (a command, a playtest worker); raises StoryError.

    It comes from the compiled-story cache when a good one is there (game/engine/cache.py).

    Everything alive after loading is moved out of the collector's sight (`gc.freeze`); otherwise
    the first collection walks the whole new heap, twice as it ages (0.6 s of a 4 s `check` on
    5,000 scenes). Not for the TUI, which reloads: a frozen story would never be freed.
    """
    from game.engine.cache import load_story_cached

    with collector_paused():
        story = load_story_cached(root)
        _ = story.scenes  # read from the cache, they are unpickled on first use: here, to be frozen with the rest
        gc.freeze()
    return story


def load_story_or_report(root: Path | None, err: TextIO | None = None, command: str = "dayjob") -> Story | None:
    """The story in `root`, or None after printing its problems (each `path:line:col: message`)."""
    from game.engine import StoryError

    err = err or sys.stderr
    try:
        return load_for_life(root)
    except StoryError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        print(f"{command}: the story has {exc.total} problem(s); run `dayjob check` and fix them first.", file=err)
        return None


def lacks_short_day(story: Story, short: bool, command: str, err: TextIO | None = None) -> bool:
    """True (after saying so) when `--short` asks for a day the story does not have."""
    if short and story.short is None:
        print(f"{command}: this story has no short day (`short:` in story.yaml)", file=err or sys.stderr)
        return True
    return False


def parse_presets(items: list[str]) -> dict[str, str]:
    """`--set NAME=VALUE` items as a mapping; ValueError for an item without `=` or a name."""
    presets = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set takes NAME=VALUE, not {item!r}")
        presets[name.strip()] = value.strip()
    return presets
