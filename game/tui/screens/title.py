"""The title screen: the story's name, Continue (when a day is saved), New day with its seed, Help, Quit."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from game.tui.screens import ScreenName
from game.tui.storytext import literal
from game.tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from game.tui.app import DayJobApp
    from game.tui.session import Session


def spaced(title: str) -> str:
    """A short title letter-spaced, the way a book's title page sets it."""
    if len(title) > 24:
        return title
    return " ".join(title.upper()).replace("   ", "    ")


class TitleScreen(Screen):
    """The first thing the player sees; usable before the story has finished loading."""

    app: DayJobApp

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_day", "New day"),
        Binding("c", "continue_day", "Continue", show=False),
        Binding("s", "edit_seed", "Seed"),
        Binding("escape", "leave_seed", "Back to the menu"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_seed":  # only while the seed is being typed
            return isinstance(self.focused, Input)
        if action == "edit_seed":  # a served day's seed is the room's: no field to change it
            return not self.app.options.locked
        return True

    def __init__(self) -> None:
        super().__init__(name=ScreenName.TITLE, id="title-screen")
        self._asked_for_seed = True  # until the first time the menu is shown
        # the widgets show_session fills in, kept here: the menu's are made only once the story is in
        self._title = Static(Content.styled("Loading the day\u2026", "$foreground-muted"), id="title")
        self._subtitle = Static(id="subtitle")
        self._notice = _hidden(Static(id="title-notice"))
        self._menu_box = _hidden(Vertical(id="title-menu"))
        self._loading: LoadingIndicator | None = None
        self._menu: OptionList | None = None
        self._seed: Input | None = None

    def compose(self) -> ComposeResult:
        self._fold_for_size()
        with Vertical(id="title-page"):
            yield self._title
            yield self._subtitle
            yield self._notice
            yield self._menu_box  # filled when the story is in (show_session), in the same frame as its title
        yield QuietFooter(at_once=True)  # its keys in the first frame, never rebuilt the same

    def _fold_for_size(self) -> None:
        """The size classes (`-wide`, `-tall`...) Textual adds at its first Resize, after the first frame: set
        before it, so that frame is drawn folded as it should be and the Resize restyles nothing."""
        app = self.app
        size = app.size
        classes = {name: False for _, name in (*app.HORIZONTAL_BREAKPOINTS, *app.VERTICAL_BREAKPOINTS)}
        for dimension, points in ((size.width, app.HORIZONTAL_BREAKPOINTS), (size.height, app.VERTICAL_BREAKPOINTS)):
            # as Textual picks them (Screen._on_resize): the largest breakpoint the dimension reaches
            name = next((name for at, name in sorted(points, reverse=True) if dimension >= at), None)
            if name is not None:
                classes[name] = True
        self.update_classes(classes, update=False)

    def on_screen_resume(self) -> None:
        if self.app.session is not None:
            self.show_session(self.app.session)

    def show_loading(self) -> None:
        """The story is being parsed (no warm compiled-story cache): say so with a spinner until it is in."""
        if self._loading is None and self._menu is None:
            self._loading = LoadingIndicator(id="title-loading")
            self.query_one("#title-page").mount(self._loading, before=self._menu_box)

    # -- filling in once the story is there ----------------------------------------------

    async def show_first(self, session: Session) -> None:
        """The story is in: make and mount the menu (once), then show the session as show_session does."""
        if self._menu is None:
            self._menu = OptionList(id="menu")
            self._seed = Input(
                id="seed",
                max_length=64,
                select_on_focus=True,
                placeholder="any word",
                tooltip="The same seed and choices give the same day",
                classes="-valid",  # what its first value's check sets (no validators): not a restyle of its own
            )
            hint = Static(
                Content.styled("The same seed gives the same day: share it.", "$foreground-muted"), id="seed-hint"
            )
            # a Static, not a Label: the same look here (#seed-label sets its size), without a stylesheet of its own to
            # parse as the menu mounts (bench/bench_startup.py)
            seed_row = Horizontal(Static("Seed", id="seed-label"), self._seed, id="seed-row")
            seed_row.display = hint.display = not session.options.locked  # a served day's seed is the room's
            about = Static(
                Content.styled("One workday. Your choices spend the clock.", "$foreground-muted"), id="title-about"
            )
            # no frames while the hidden menu mounts: the next one shows it with the story's title
            with self.app.batch_update():
                await self._menu_box.mount_all([self._menu, seed_row, hint, about])
                self.show_session(session)
            return
        self.show_session(session)

    def show_session(self, session: Session) -> None:
        """Show the story's title and the menu; made by show_first, the first time."""
        menu, seed = self._menu, self._seed
        if menu is None or seed is None:
            self.call_later(self.show_first, session)
            return
        story = session.story
        if self._loading is not None:
            self._loading.remove()
            self._loading = None
        self._title.update(literal(spaced(story.title)))
        self._subtitle.update(literal(story.subtitle_for(session.options.short)))
        if session.options.locked:
            seed.value = session.options.seed or ""
            seed.disabled = True
        if not seed.value:
            from game.engine import new_seed

            seed.value = session.options.seed or new_seed()
        options = self._options(session)
        menu.set_options(options)
        menu.highlighted = 0  # Enter continues a saved day, else starts a new one
        if self._asked_for_seed and session.options.seed:  # `--seed X` asks for that day, not yesterday's
            menu.highlighted = next(i for i, o in enumerate(options) if o.id == "new")
        self._asked_for_seed = False
        self._menu_box.display = True
        self.show_notices(session.notices)
        if not isinstance(self.focused, Input):
            menu.focus()

    def _options(self, session: Session) -> list[Option]:
        """The menu: Continue or the last day's report when a day is saved, New day, Help, Quit."""
        options = []
        saved = session.saved
        if saved is not None and not saved.ended:
            options.append(
                Option(
                    Content.assemble(
                        ("Continue", "bold"),
                        ("  ", ""),
                        (saved.clock, "$accent"),
                        ("  ", ""),
                        literal(saved.title),
                    ),
                    id="continue",
                )
            )
        options.append(Option(Content.assemble(("New day", "bold")), id="new"))
        if saved is not None and saved.ended:
            options.append(
                Option(
                    Content.assemble(
                        ("Last day's report", "bold"),
                        ("  ", ""),
                        literal(saved.title),
                    ),
                    id="report",
                )
            )
        options.append(Option("Help", id="help"))
        if self.app.check_action("quit", ()):  # not while a served day is still the room's (q waits too)
            options.append(Option("Quit", id="quit"))
        return options

    def offer_seed(self, seed: str) -> None:
        """Put a new seed in the seed field (a new day after the report)."""
        if self._seed is not None:
            self._seed.value = seed

    def show_notices(self, notices: list[str]) -> None:
        if notices:
            self._notice.update(Content("\n").join(literal(n) for n in notices))
        self._notice.display = bool(notices)

    # -- actions --------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        action = {
            "continue": self.action_continue_day,
            "new": self.action_new_day,
            "report": self.app.action_last_report,
            "help": self.app.action_help,
            "quit": self.app.action_quit,
        }.get(event.option.id or "")
        if action is not None:
            self.call_later(action)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_new_day()

    def action_new_day(self) -> None:
        if self.app.session is None or self._seed is None:
            return
        self.app.start_new_day(self._seed.value)

    def action_continue_day(self) -> None:
        session = self.app.session
        if session is None or session.saved is None:
            return
        self.app.continue_day()

    def action_edit_seed(self) -> None:
        if self.app.session is not None and self._seed is not None:
            self._seed.focus()

    def action_leave_seed(self) -> None:
        if isinstance(self.focused, Input) and self._menu is not None:
            self._menu.focus()


_W = TypeVar("_W", bound=Widget)


def _hidden(widget: _W) -> _W:
    """A widget that starts hidden (set before it mounts: nothing to query once it has)."""
    widget.display = False
    return widget
