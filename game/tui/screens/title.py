"""The title screen: the story's name, Continue (when a day is saved), New day with its seed, Help, Quit."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from game.tui.screens import ScreenName
from game.tui.storytext import literal

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

    def compose(self) -> ComposeResult:
        with Vertical(id="title-page"):
            yield Static(id="title")
            yield Static(id="subtitle")
            yield Static(id="title-notice")
            yield LoadingIndicator(id="title-loading")
            yield Vertical(id="title-menu")  # filled after the first frame: _add_menu
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#title-menu").display = False
        self.query_one("#title-notice").display = False
        self.query_one("#title", Static).update(Content.styled("Loading the day\u2026", "$foreground-muted"))
        if self.app.session is not None:
            self.show_session(self.app.session)
        else:  # the menu is hidden until the story is in: the first frame does not wait for it
            self.call_after_refresh(self._add_menu)

    def _add_menu(self) -> None:
        """Mount the menu, the seed row and the hints (once)."""
        menu = self.query_one("#title-menu", Vertical)
        if menu.children:
            return
        menu.mount_all(
            [
                Center(OptionList(id="menu")),
                Center(
                    Horizontal(
                        Label("Seed", id="seed-label"),
                        Input(
                            id="seed",
                            max_length=64,
                            select_on_focus=True,
                            placeholder="any word",
                            tooltip="The same seed and choices give the same day",
                        ),
                        id="seed-row",
                    ),
                    id="seed-center",
                ),
                Static(
                    Content.styled("The same seed gives the same day: share it.", "$foreground-muted"),
                    id="seed-hint",
                ),
                Static(
                    Content.styled(
                        "One workday. Your choices spend the clock.",
                        "$foreground-muted",
                    ),
                    id="title-about",
                ),
            ]
        )

    def on_screen_resume(self) -> None:
        if self.app.session is not None:
            self.show_session(self.app.session)

    # -- filling in once the story is there ----------------------------------------------

    def show_session(self, session: Session) -> None:
        self._add_menu()
        story = session.story
        self.query_one("#title-loading").display = False
        self.query_one("#title", Static).update(literal(spaced(story.title)))
        self.query_one("#subtitle", Static).update(literal(story.subtitle_for(session.options.short)))
        seed = self.query_one("#seed", Input)
        if session.options.locked:
            seed.value = session.options.seed or ""
            seed.disabled = True
            self.query_one("#seed-center").display = False
            self.query_one("#seed-hint").display = False
        if not seed.value:
            from game.engine import new_seed

            seed.value = session.options.seed or new_seed()
        menu = self.query_one("#menu", OptionList)
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
        menu.set_options(options)
        menu.highlighted = 0  # Enter continues a saved day, else starts a new one
        if self._asked_for_seed and session.options.seed:  # `--seed X` asks for that day, not yesterday's
            menu.highlighted = next(i for i, o in enumerate(options) if o.id == "new")
        self._asked_for_seed = False
        self.query_one("#title-menu").display = True
        self.show_notices(session.notices)
        if not isinstance(self.focused, Input):
            menu.focus()

    def offer_seed(self, seed: str) -> None:
        """Put a new seed in the seed field (a new day after the report)."""
        self.query_one("#seed", Input).value = seed

    def show_notices(self, notices: list[str]) -> None:
        notice = self.query_one("#title-notice", Static)
        if notices:
            notice.update(Content("\n").join(literal(n) for n in notices))
        notice.display = bool(notices)

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
        if self.app.session is None:
            return
        self.app.start_new_day(self.query_one("#seed", Input).value)

    def action_continue_day(self) -> None:
        session = self.app.session
        if session is None or session.saved is None:
            return
        self.app.continue_day()

    def action_edit_seed(self) -> None:
        if self.app.session is not None:
            self.query_one("#seed", Input).focus()

    def action_leave_seed(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#menu").focus()
