"""The day being played in the app: the story, the game, its autosave, reloads and files written.

Plain Python (no Textual) so the rules of saving and reloading are testable on their own;
it is imported only after the first frame, from the loading worker.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from game.engine.cache import load_story_cached as load_story  # the forkserver replaces this name
from game.engine.errors import ChoiceError, SaveError
from game.engine.saves import SaveSlot, default_save_dir, resume_saved, write_atomic
from game.engine.saves import save_name as engine_save_name
from game.engine.where import shipped_story_dir
from game.startup import collector_paused
from game.tui.options import TuiOptions

if TYPE_CHECKING:  # the title screen needs only the story: the rules of a day are imported with the first day
    from game.engine.game import Game
    from game.engine.report import Report
    from game.engine.story import Story


class SavedDay:
    """What the title screen offers to continue."""

    __slots__ = ("clock", "ended", "game", "title")

    def __init__(self, game: Game, clock: str, title: str, ended: bool) -> None:
        self.game = game
        self.clock = clock
        self.title = title
        self.ended = ended


class Session:
    """One story and the day in progress, saved after every change.

    Written out rather than made by `@dataclass`: it is made on the way to the title screen, and making a
    dataclass compiles its methods as the module is imported (engine/record.py says how much that costs).
    """

    def __init__(self, options: TuiOptions, story: Story, root: Path) -> None:
        self.options = options
        self.story = story
        self.root = root
        self.game: Game | None = None
        self.slot: SaveSlot | None = None
        self.saved: SavedDay | None = None
        self.notices: list[str] = []  # one-line things to tell the player once
        self.save_problem: str | None = None  # why the last autosave failed, until someone shows it
        self.attempts = 0  # days started in this session: a served player's replay is their next attempt
        self.unfinished = False  # the workshop round ended this day before its end

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, options: TuiOptions) -> Session:
        """Load the story (raises StoryError) and look for a saved day of it."""
        root = Path(options.story) if options.story is not None else shipped_story_dir()
        with collector_paused():  # a heap of long-lived objects and no garbage (game/startup.py)
            story = load_story(root)  # its state machine is built on the title screen (DayJobApp._settle)
        return cls._opened(options, story, root)

    @classmethod
    def open_cached(cls, options: TuiOptions) -> Session | None:
        """The session, if its story is in the compiled-story cache (game/engine/cache.py); else None, unparsed."""
        root = Path(options.story) if options.story is not None else shipped_story_dir()
        with collector_paused():
            story = load_story(root, only_cached=True)
        return None if story is None else cls._opened(options, story, root)

    @classmethod
    def _opened(cls, options: TuiOptions, story: Story, root: Path) -> Session:
        session = cls(options, story, root)
        if options.save and not options.play_from_here:
            session.slot = SaveSlot(options.save_dir or default_save_dir(), save_name(story, root))
            session.read_save()
        return session

    def read_save(self) -> None:
        """Find the saved day; a damaged one is moved aside with a one-line notice."""
        self.saved = None
        if self.slot is None:
            return
        game, notices = resume_saved(self.slot, self.story)
        self.notices.extend(notices)
        if game is None:
            return
        self.saved = SavedDay(game, game.clock_text, game.title, game.ended)

    # -- playing ------------------------------------------------------------------------

    def new_day(self, seed: str | None = None) -> Game:
        """A fresh day (raises ChoiceError or ValueError for a bad --from / --set)."""
        opts = self.options
        seed = (seed or "").strip()[:MAX_SEED] or None
        if opts.locked:
            seed = opts.seed
        self.attempts += 1
        self.unfinished = False
        from game.engine.game import Game

        self.game = Game(
            self.story,
            seed,
            short=opts.short,
            start=opts.from_scene,
            preset=dict(opts.presets) or None,
        )
        self.saved = None
        self.autosave()
        return self.game

    def continue_day(self) -> Game:
        """Resume the saved day exactly where it was left."""
        if self.saved is None:
            raise SaveError("there is no saved day")
        self.game = self.saved.game
        self.saved = None
        return self.game

    def choose(self, choice_id: str) -> Game:
        game = self._need_game()
        game.choose(choice_id)
        self.autosave()
        return game

    @property
    def day_is_in(self) -> bool:
        """A served day that has ended (or the round stopped): its result is the room's, so it stays as it is."""
        game = self.game
        return self.options.locked and game is not None and (game.ended or self.unfinished)

    def undo(self) -> bool:
        game = self._need_game()
        if self.day_is_in:  # undone and finished again, it would be a second result the player never asked for
            return False
        if not game.undo():
            return False
        self.autosave()
        return True

    def autosave(self) -> None:
        """Write the day to the save slot; if the disk says no, `save_problem` says why."""
        if self.slot is None or self.game is None:
            return
        try:
            self.slot.write(self.game.snapshot())
        except OSError as exc:
            self.save_problem = f"Could not save the day ({one_line(exc)}); playing on without saving."

    def keep_for_continue(self) -> None:
        """Offer the day in progress as Continue (going back to the title screen mid-day)."""
        game = self.game
        if game is not None:
            self.saved = SavedDay(game, game.clock_text, game.title, game.ended)

    def report(self) -> Report:
        """The day's report; a day the workshop's round stopped is titled so, not "The day is not over"."""
        game = self._need_game()
        report = game.report()
        if self.unfinished and not game.ended:
            report = replace(report, ending_title=f"The round ended at {report.clock_out}")
        return report

    def _need_game(self) -> Game:
        if self.game is None:
            raise ChoiceError("no day has started")
        return self.game

    # -- writers ------------------------------------------------------------------------

    def read_story(self) -> Story:
        """Read and compile the story again from disk (raises StoryError); safe in a worker thread."""
        with collector_paused():
            story = load_story(self.root)
            _ = story.machine
        return story

    def adopt(self, story: Story) -> list[str]:
        """Carry the day (and any day offered to continue) over to a reloaded story; returns notices."""
        notices: list[str] = []
        saved = self.saved.game if self.saved is not None else None
        game = self.game or saved
        if game is not None:
            from game.engine.game import Game

            moved: Game | None = None
            try:
                moved = Game.from_snapshot(story, game.snapshot())
                notices.extend(moved.notices)
            except SaveError as exc:
                notices.append(f"The day could not carry over to the edited story ({one_line(exc)}); start a new day.")
            if self.game is not None:
                self.game = moved
            if saved is not None:
                self.saved = SavedDay(moved, moved.clock_text, moved.title, moved.ended) if moved else None
        self.story = story
        return notices

    def story_files(self) -> list[Path]:
        """The files --watch looks at: the manifest, the scene files and the glossary."""
        from game.engine.glossary import GLOSSARY
        from game.engine.loader import story_files

        return [*story_files(self.root), self.root / GLOSSARY]  # a glossary added later is noticed too

    # -- files --------------------------------------------------------------------------

    def write_report(self) -> Path:
        """Write the day's report as Markdown; returns where (raises OSError)."""
        game = self._need_game()
        report = self.report()
        folder = self.options.report_dir
        if folder is None:
            folder = self.slot.folder if self.slot is not None else (self.options.save_dir or Path.cwd())
        stem = f"day-job-{file_safe(game.seed) or 'day'}-{report.ending_id or 'unfinished'}"
        path = Path(folder) / f"{stem}.md"
        write_atomic(path, report.markdown(), keep_backup=False)
        return path.resolve()

    def write_result(self) -> str:
        """For workshops (--results): write the finished day's result file; returns a line to show."""
        opts = self.options
        game = self._need_game()
        if opts.results is None or not game.ended:
            return ""
        from game.workshop.results import write_result

        try:
            path = write_result(
                game, opts.results, nickname=opts.nickname, player=opts.player, attempt=self.attempts or 1
            )
        except OSError as exc:
            return f"Could not write the result ({one_line(exc)})."
        return f"Result written to {path}"


def save_name(story: Story, root: Path) -> str:
    """One save per story folder (shared with the plain player): the shipped day keeps the plain name."""
    return engine_save_name(root)


MAX_SEED = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def file_safe(text: str) -> str:
    """Text fit for a file name: letters, digits, - and _ only."""
    return _UNSAFE.sub("-", text.strip())[:40].strip("-")


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


__all__ = ["MAX_SEED", "SavedDay", "Session", "file_safe", "one_line", "save_name"]
