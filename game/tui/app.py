"""The Textual app: one factory for the CLI and the tests; the story loads in a worker after the first frame."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

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
from game.tui.screens import ScreenName
from game.tui.screens.title import TitleScreen
from game.tui.themes import DARK, PROJECTOR, THEMES, next_theme

if TYPE_CHECKING:
    from textual.theme import Theme

    from game.engine import Game
    from game.tui.session import Session


class DayJobApp(App[int]):
    """Day Job in a terminal: title, scenes, report."""

    TITLE = "Day Job"
    # the screen under every other, for the app's whole life; the day's screens come and go (show_game)
    SCREENS: ClassVar[dict[str, Callable[[], Screen[Any]]]] = {ScreenName.TITLE: TitleScreen}
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
        self._settled = False  # _settle ran: once, after the first story is on the title screen
        for theme in THEMES.values():
            self.register_theme(theme)
        self.theme = PROJECTOR if self.options.projector else DARK

    def refresh_css(self, animate: bool = True) -> None:
        """Textual's, except before the first screen: the theme set in __init__ asks for it before any CSS is used."""
        if not self.screen_stack:
            # new variables are all the stylesheet needs: Textual's own refresh would parse it here, then
            # (the variables having emptied its cache) again as the first screen mounts (bench/bench_startup.py)
            self.stylesheet.set_variables(self.get_css_variables())
            return
        super().refresh_css(animate)

    @property
    def game(self) -> Game | None:
        return self.session.game if self.session is not None else None

    # -- start-up -------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return self.title_screen

    @property
    def title_screen(self) -> TitleScreen:
        """The title screen, by its name in SCREENS (it is always at the bottom of the stack)."""
        return self.get_screen(ScreenName.TITLE, TitleScreen)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._theme_changed(self.current_theme)

    async def on_ready(self) -> None:
        """The first frame is on screen (Textual's Ready): now the story; the first frame never waits for it."""
        await self._open_story()

    def _theme_changed(self, theme: Theme) -> None:
        self.set_class(theme.name == PROJECTOR, "-projector")

    async def _open_story(self) -> None:
        """After the first frame: the story from a warm compiled-story cache at once, here; else parsed in a worker."""
        from game.tui.session import Session

        session = Session.open_cached(self.options)
        if session is None:
            self.title_screen.show_loading()
            self._parse_story()
            return
        await self._story_in(session)

    @work(thread=True, exclusive=True, group="story")
    def _parse_story(self) -> None:
        from game.engine import StoryError
        from game.tui.session import Session

        try:
            session = Session.open(self.options)
        except StoryError as exc:
            self.post_message(StoryFailed(exc))
            return
        # the screens the day needs are imported by _settle, once the title shows the story
        self.post_message(StoryLoaded(session))

    async def on_story_loaded(self, message: StoryLoaded) -> None:
        if self.screen.name == ScreenName.PROBLEMS:  # the story reads again: close its problem list
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
            self.show_game(rebuilt=True)
            return
        await self._story_in(session)

    async def _story_in(self, session: Session) -> None:
        """The first story is in: the title shows it (its menu, title and seed in one frame), or --from starts."""
        self.session = session
        self._remember_files()
        if self.options.watch and self._watch_timer is None:
            self._watch_timer = self.set_interval(1.0, self.check_files)
        if self.options.play_from_here:
            collector_settled(freeze=False)  # the day's screens come next: nothing to freeze
            self._settled = True
            self._start(lambda: session.new_day(self.options.seed))
            return
        if self.screen is self.title_screen:
            await self.title_screen.show_first(session)  # its title, menu and seed in one frame
            # what the first day needs waits for the frame that shows the title: the next layout of the
            # screen draws it (call_after_refresh can run before that layout when the screen was idle)
            self.title_screen.screen_layout_refresh_signal.subscribe(self, self._title_drawn, immediate=True)
        else:
            self.call_after_refresh(self._settle)
        session.notices = []

    def _title_drawn(self, screen: Screen) -> None:
        """Called within the screen's refresh, once its frame is out (immediate: once, however many follow)."""
        screen.screen_layout_refresh_signal.unsubscribe(self)
        self.call_later(self._settle)  # not within the screen's refresh; not with --from (no title)

    def _settle(self) -> None:
        """On the title screen, once the story is in: what the first day needs, then the heap (see _settle_heap)."""
        if self._settled or self.session is None:
            return
        self._settled = True
        from importlib import import_module

        from game.tui.css import preload
        from game.tui.screens.help import HelpScreen
        from game.tui.screens.report import ReportScreen
        from game.tui.screens.scene import SceneScreen

        preload(self, SceneScreen, ReportScreen, HelpScreen)
        import_module("game.engine.game")  # the rules of a day: imported while the player reads, not on a key
        story = self.session.story
        _ = story.machine  # built while the player reads, not on the first choice
        story.glossary.find("")  # its matcher, compiled on first use when read from the cache (engine/cache.py)
        _settle_heap()

    def on_story_failed(self, message: StoryFailed) -> None:
        from game.tui.screens.problems import ProblemsScreen

        if not gc.isenabled():  # the start failed: no title to settle on (game/startup.py)
            collector_settled(freeze=False)
        if self.screen.name == ScreenName.PROBLEMS:
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

    def _start(self, begin: Callable[[], Game]) -> None:
        from game.engine import ChoiceError

        if not self._settled:  # a day asked for before the title's frame (a key typed ahead): settle first,
            self.title_screen.screen_layout_refresh_signal.unsubscribe(self)  # before the day's screens exist
            self._settle()
        try:
            begin()
        except (ChoiceError, ValueError) as exc:
            self.notify(str(exc), title="Cannot start the day", severity="error", markup=False, timeout=10)
            return
        self.show_game(fresh=True)

    def show_game(self, *, spent: int = 0, fresh: bool = False, rebuilt: bool = False) -> None:
        """The one place that puts up the screen `screen_for` names for the session's day.

        `fresh`: a day begins (or is resumed, or the round stopped it): its screen goes straight on the
        title screen. Otherwise the day changed (a choice, an undo: `spent` is the minutes the choice
        took, for the header) or the story was `rebuilt` by a reload, and only a day's screen on top
        follows it: the title screen shows the session again; a dialog over the day (help, glossary,
        problems, the palette) is left alone, and the scene under it redraws when it shows again.
        """
        self._collect_when_idle()
        want = screen_for(self.session)
        have = self.screen.name
        if fresh and want in DAY_SCREENS:
            self._pop_to_title()
            self.push_screen(self._day_screen(want))
        elif have == ScreenName.TITLE:
            self._refresh_title()
        elif have not in DAY_SCREENS:
            return
        elif want == ScreenName.TITLE:  # the day did not survive a story edit
            self.show_title()
        elif have != want or (rebuilt and want == ScreenName.REPORT):
            # only ever a day's screen is switched out: it was pushed, so it has the result callback
            # Textual pops; the title screen, Textual's first, has none (IndexError, docs/security.md)
            self.switch_screen(self._day_screen(want))
        else:
            from game.tui.screens.scene import SceneScreen

            scene = self.screen
            if isinstance(scene, SceneScreen):  # have == want == scene: draw the day's new scene on it
                scene.show_day(spent=spent)

    def _day_screen(self, name: ScreenName) -> Screen:
        """A new screen of the day, by the name `screen_for` gave it."""
        from game.tui.screens.report import ReportScreen
        from game.tui.screens.scene import SceneScreen

        session = self.session
        assert session is not None and session.game is not None  # a day's screens show a day
        if name == ScreenName.REPORT:
            return ReportScreen(session.report(), stopped=session.unfinished and not session.game.ended)
        return SceneScreen()

    def _pop_to_title(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

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
        if session.day_is_in:
            self.notify(DAY_IS_IN, markup=False, timeout=5)
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
        """A choice or an undo changed the day: say if the autosave failed, then show the day."""
        if self.session is not None and self.session.save_problem:
            self.notify(self.session.save_problem, severity="warning", markup=False)
            self.session.save_problem = None
        self.show_game(spent=spent)

    def _collect_when_idle(self) -> None:
        """The collector's full pass once no screen of the day has changed for IDLE_COLLECT seconds (game/startup.py)."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
        self._idle_timer = self.set_timer(IDLE_COLLECT, collect_while_idle, name="collect-while-idle")

    def show_title(self, new_seed: bool = False) -> None:
        """Back to the title screen (Esc, `n` on the report, the palette's New day)."""
        self._collect_when_idle()
        self._pop_to_title()
        if new_seed and self.session is not None:
            from game.engine import new_seed as make_seed

            self.title_screen.offer_seed(make_seed())
        self._refresh_title()

    def _refresh_title(self) -> None:
        """The title screen shows the session: the day in progress offered to continue, where it is now."""
        session = self.session
        if session is None:
            return
        if self.game is not None and not self.game.ended:
            session.keep_for_continue()
        self.title_screen.show_session(session)

    def save_report(self) -> Path | None:
        session = self.session
        if session is None or self.game is None:
            return None
        if self.is_web:  # in a browser (dayjob serve) the report is a download, not a file on the server
            import io

            report = session.report()
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit":  # hidden from the footer while it would throw away a served day
            return not self._room_holds_the_day()
        return True

    async def action_quit(self) -> None:
        """Quit; but a served day still being played is the room's (the title menu's Quit comes here too)."""
        if self._room_holds_the_day():
            self.notify(ROOM_HOLDS_THE_DAY, markup=False, timeout=5)
            return
        await super().action_quit()

    def _room_holds_the_day(self) -> bool:
        """True while a served game (dayjob serve) has a day in play: quitting would lose it, unsaved,
        before the round could count it. Once the day has ended (or the round stopped it), q quits."""
        session = self.session
        game = self.game
        return (
            self.options.locked
            and session is not None
            and game is not None
            and not game.ended
            and not session.unfinished
        )

    def action_help(self) -> None:
        from game.tui.screens.help import HelpScreen

        if self.screen.name != ScreenName.HELP:
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

    def check_files(self) -> None:
        """Reload the story if any of its files changed (what the --watch timer does once a second)."""
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


DAY_SCREENS = (ScreenName.SCENE, ScreenName.REPORT)
ROOM_HOLDS_THE_DAY = "Your day is still being played: q quits once it has ended."
DAY_IS_IN = "Your day is in: the facilitator has its result. Press n to play the day again."
IDLE_COLLECT = 1.0  # seconds: a player reads a scene for longer; a full collection takes 20-90 ms


def screen_for(session: Session | None) -> ScreenName:
    """The name of the screen that shows the session's day: the title before a day, its scene during
    it, the report once it has ended or the workshop's round stopped it."""
    game = session.game if session is not None else None
    if session is None or game is None:
        return ScreenName.TITLE
    return ScreenName.REPORT if game.ended or session.unfinished else ScreenName.SCENE


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
