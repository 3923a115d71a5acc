"""The Textual app: one factory for the CLI and the tests; the story loads in a worker after the first frame."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from game.startup import collect_while_idle, collector_settled
from game.tui.commands import KEPT_SYSTEM_COMMANDS, game_commands
from game.tui.css import STYLES
from game.tui.messages import StoryFailed, StoryLoaded
from game.tui.options import TuiOptions
from game.tui.screens.title import TitleScreen
from game.tui.themes import DARK, PROJECTOR, THEMES, next_theme

if TYPE_CHECKING:
    from textual.theme import Theme

    from game.engine import Game
    from game.tui.session import Session


class DayJobApp(App[int]):
    """Day Job in a terminal: title, scenes, report."""

    TITLE = "Day Job"
    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES / "app.tcss", STYLES / "title.tcss"]  # the rest: each screen's
    ENABLE_COMMAND_PALETTE = True
    # classes on the screen, so the .tcss can fold the layout as the window shrinks
    HORIZONTAL_BREAKPOINTS = [
        (0, "-tiny"),
        (44, "-narrow"),
        (72, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("f1", "help", "Help", show=False),
        Binding("t", "cycle_theme", "Theme", show=False),
        Binding("ctrl+r", "reload_story", "Reload story", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, options: TuiOptions | None = None) -> None:
        super().__init__()
        self.options = options or TuiOptions()
        self.session: Session | None = None
        self._watched: dict[Path, tuple[int, int]] = {}
        self._watch_timer: Timer | None = None
        self._idle_timer: Timer | None = None
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = PROJECTOR if self.options.projector else DARK

    @property
    def game(self) -> Game | None:
        return self.session.game if self.session is not None else None

    # -- start-up -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return TitleScreen(id="title-screen")

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._theme_changed(self.current_theme)
        self.call_after_refresh(self._open_story)  # the first frame never waits for the story

    def _theme_changed(self, theme: Theme) -> None:
        self.set_class(theme.name == PROJECTOR, "-projector")

    @work(thread=True, exclusive=True, group="story")
    def _open_story(self) -> None:
        from game.engine import StoryError
        from game.tui.session import Session

        try:
            session = Session.open(self.options)
        except StoryError as exc:
            self.post_message(StoryFailed(exc))
            return
        # the screens the day needs are imported by _settle, once the title shows the story
        self.post_message(StoryLoaded(session))

    def on_story_loaded(self, message: StoryLoaded) -> None:
        from game.tui.screens.problems import ProblemsScreen

        if isinstance(self.screen, ProblemsScreen):  # the story reads again: close its problem list
            self.pop_screen()
        session = message.session
        if message.story is not None:  # a reload: carry the day over here, between two key presses
            # the first story was frozen with the heap (_settle_heap); give it back to the collector so
            # it and its state machine (which has reference cycles) can go once the day moves over
            gc.unfreeze()
            notices = session.adopt(message.story)
            self._remember_files()
            self.notify("Story reloaded.", markup=False, timeout=3)
            for notice in notices:
                self.notify(notice, markup=False, severity="warning", timeout=8)
            self._redraw()
            return
        self.session = session
        self._remember_files()
        if self.options.watch and self._watch_timer is None:
            self._watch_timer = self.set_interval(1.0, self._check_files)
        if self.options.play_from_here:
            collector_settled(freeze=False)  # the day's screens come next: nothing to freeze
            self._start(lambda: session.new_day(self.options.seed))
            return
        if isinstance(self.screen, TitleScreen):
            self.screen.show_session(session)
        session.notices = []
        self.call_after_refresh(self._settle)  # not with --from: that day's screens would be frozen too

    def _settle(self) -> None:
        """On the title screen, once the story is in: what the first day needs, then the heap (see _settle_heap)."""
        from importlib import import_module

        from game.tui.css import preload
        from game.tui.screens.help import HelpScreen
        from game.tui.screens.report import ReportScreen
        from game.tui.screens.scene import SceneScreen

        preload(self, SceneScreen, ReportScreen, HelpScreen)
        import_module("game.engine.game")  # the rules of a day: imported while the player reads, not on a key
        if self.session is not None:
            _ = self.session.story.machine  # built while the player reads, not on the first choice
        _settle_heap()

    def on_story_failed(self, message: StoryFailed) -> None:
        from game.tui.screens.problems import ProblemsScreen

        if not gc.isenabled():  # the start failed: no title to settle on (game/startup.py)
            collector_settled(freeze=False)
        if isinstance(self.screen, ProblemsScreen):
            self.pop_screen()
        self.push_screen(ProblemsScreen(message.error, can_close=self.session is not None))

    # -- playing --------------------------------------------------------------------------

    def start_new_day(self, seed: str | None) -> None:
        session = self.session
        if session is not None:
            self._start(lambda: session.new_day(seed))

    def continue_day(self) -> None:
        session = self.session
        if session is not None and session.saved is not None:
            self._start(session.continue_day)

    def _start(self, begin) -> None:
        from game.engine import ChoiceError

        try:
            game = begin()
        except (ChoiceError, ValueError) as exc:
            self.notify(str(exc), title="Cannot start the day", severity="error", markup=False, timeout=10)
            return
        self._show_day(game)

    def _show_day(self, game: Game) -> None:
        """A day begins (or is resumed): its screen goes on top of the title screen."""
        self.show_game(fresh=True)

    def show_game(self, *, spent: int = 0, fresh: bool = False, rebuilt: bool = False) -> None:
        """The one place that decides which screen shows the day: `screen_for` names it, this puts it up.

        `fresh`: a day begins, its screen goes straight on the title screen. `rebuilt`: the story was
        reloaded, so a report is made again. `spent`: the minutes the last choice took, for the header.
        """
        self._collect_when_idle()
        game = self.game
        want = screen_for(game)
        screen = self.screen
        have = _screen_name(screen)
        if have == "title" and not fresh:
            if isinstance(screen, TitleScreen) and self.session is not None:
                screen.show_session(self.session)
            return
        if want == "title":  # on a day's screen, but the day did not survive a story edit
            self.show_title()
            return
        assert game is not None  # a day's screens show a day
        if fresh:
            while len(self.screen_stack) > 1:
                self.pop_screen()
            self.push_screen(_make_screen(want, game))
        elif have != want:
            self.switch_screen(_make_screen(want, game))
        elif want == "scene":
            screen.show_day(spent=spent)  # type: ignore[attr-defined]  # have == "scene": a SceneScreen
        elif rebuilt:
            self.switch_screen(_make_screen(want, game))

    def choose(self, choice_id: str) -> None:
        """Take a choice in the current day; autosaves; shows the report when the day ends."""
        from game.engine import ChoiceError

        session = self.session
        game = self.game
        if session is None or game is None or game.ended:
            return
        before = game.clock
        try:
            session.choose(choice_id)
        except ChoiceError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._after_change(spent=game.clock - before)
        if game.ended:
            line = session.write_result()
            if line and self.is_web and line.startswith("Result written"):
                line = "Your day is in: the facilitator has your result."  # the server's path means nothing here
            if line:
                self.notify(line, markup=False, timeout=8)

    def undo(self) -> None:
        session = self.session
        if session is None or self.game is None:
            return
        if not session.undo():
            self.notify("Nothing to undo: this is the start of the day.", markup=False, timeout=3)
            return
        self.notify(
            f"Took back your last choice. It is {self.game.clock_text} again.",
            markup=False,
            timeout=3,
        )
        self._after_change()

    def _after_change(self, spent: int = 0) -> None:
        if self.game is None:
            return
        if self.session is not None and self.session.save_problem:
            self.notify(self.session.save_problem, severity="warning", markup=False)
            self.session.save_problem = None
        if _screen_name(self.screen) in DAY_SCREENS:
            self.show_game(spent=spent)

    def _redraw(self) -> None:
        """After a reload: show the day again in its (possibly new) story."""
        if _screen_name(self.screen) is not None:  # not over help or the problem list
            self.show_game(rebuilt=True)

    def _collect_when_idle(self) -> None:
        """The collector's full pass once no screen of the day has changed for IDLE_COLLECT seconds (game/startup.py)."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
        self._idle_timer = self.set_timer(IDLE_COLLECT, collect_while_idle, name="collect-while-idle")

    def show_title(self, new_seed: bool = False) -> None:
        self._collect_when_idle()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        title = self.screen
        if isinstance(title, TitleScreen) and self.session is not None:
            if new_seed:
                from game.engine import new_seed as make_seed

                title.offer_seed(make_seed())
            if self.game is not None and not self.game.ended:
                self.session.keep_for_continue()
            title.show_session(self.session)

    def save_report(self) -> Path | None:
        session = self.session
        if session is None or self.game is None:
            return None
        if self.is_web:  # in a browser (dayjob serve) the report is a download, not a file on the server
            import io

            report = self.game.report()
            name = f"day-job-{report.ending_id or 'unfinished'}.md"
            self.deliver_text(io.StringIO(report.markdown()), save_filename=name, mime_type="text/markdown")
            self.notify(f"Your report is downloading as {name}", markup=False, timeout=8)
            return None
        try:
            path = session.write_report()
        except OSError as exc:
            self.notify(f"Could not save the report: {exc}", severity="error", markup=False)
            return None
        self.copy_to_clipboard(str(path))
        self.notify(f"Report saved as {path.name}\nin {path.parent}", markup=False, timeout=8)
        return path

    # -- keys everywhere ------------------------------------------------------------------

    def action_help(self) -> None:
        from game.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_cycle_theme(self) -> None:
        self.theme = next_theme(self.theme)
        self.notify(f"Theme: {self.theme.removeprefix('dayjob-')}", markup=False, timeout=2)

    def action_last_report(self) -> None:
        session = self.session
        if session is not None and session.saved is not None and session.saved.ended:
            self._start(session.continue_day)

    def action_reload_story(self) -> None:
        if not self.options.locked:  # a served game plays the story the room was started with
            self._reload()

    @work(thread=True, exclusive=True, group="story")
    def _reload(self) -> None:
        from game.engine import StoryError
        from game.tui.session import Session

        session = self.session
        try:
            if session is None:  # the first load failed: this is the first load again
                self.post_message(StoryLoaded(Session.open(self.options)))
                return
            story = session.read_story()
        except StoryError as exc:
            self.post_message(StoryFailed(exc))
            return
        self.post_message(StoryLoaded(session, story))

    # -- watching the files (--watch) -----------------------------------------------------

    def _remember_files(self) -> None:
        if self.session is None or not self.options.watch:
            return
        self._watched = _mtimes(self.session.story_files())

    def _check_files(self) -> None:
        if self.session is None:
            return
        now = _mtimes(self.session.story_files())
        if now != self._watched:
            self._watched = now
            self._reload()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette: the game's commands first, then Quit and Screenshot."""
        for title, help_text, callback in game_commands(self):
            yield SystemCommand(title, help_text, callback)
        if self.options.locked:  # served: no Quit, no Screenshot (a file on the server), no reload
            return
        for command in super().get_system_commands(screen):
            if command.title in KEPT_SYSTEM_COMMANDS:
                yield command


def _mtimes(paths: list[Path]) -> dict[Path, tuple[int, int]]:
    """What changes when a writer saves a file: its time and its size (a file added or gone shows too)."""
    out = {}
    for path in paths:
        try:
            st = path.stat()
            out[path] = (st.st_mtime_ns, st.st_size)
        except OSError:
            out[path] = (-1, -1)
    return out


def make_app(options: TuiOptions | None = None) -> DayJobApp:
    """The app as the CLI and the tests build it."""
    return DayJobApp(options)


DAY_SCREENS = ("scene", "report")
IDLE_COLLECT = 1.0  # seconds: a player reads a scene for longer; a full collection takes 20-90 ms


def screen_for(game: Game | None) -> str:
    """The name of the screen that shows `game`: the title before a day, its scene during it, the report after."""
    if game is None:
        return "title"
    return "report" if game.ended else "scene"


def _screen_name(screen: Screen) -> str | None:
    """The name `screen_for` gives this screen, or None for one over the day (help, problems, glossary)."""
    from game.tui.screens.report import ReportScreen
    from game.tui.screens.scene import SceneScreen

    names: tuple[tuple[type[Screen], str], ...] = (
        (TitleScreen, "title"),
        (SceneScreen, "scene"),
        (ReportScreen, "report"),
    )
    return next((name for cls, name in names if isinstance(screen, cls)), None)


def _make_screen(name: str, game: Game) -> Screen:
    from game.tui.screens.report import ReportScreen
    from game.tui.screens.scene import SceneScreen

    return ReportScreen(game.report()) if name == "report" else SceneScreen()


def _settle_heap() -> None:
    """Collect once and move what is alive now (Textual, the app, the story) out of the collector's sight.

    Until then the collector is off if the entry point turned it off (game/startup.py); it is on after.
    Left in the oldest generation, that heap is walked by every full collection: 30-160 ms, a
    few times a day, each landing on some key press (bench/bench_latency.py). Done once, on the
    title screen after the story has loaded, while the player reads; garbage made later is collected
    as usual. A reload unfreezes everything (the first story's state machine has reference cycles)
    and does not freeze again: the day being played would be frozen with it.
    """
    collector_settled()
