"""The scene screen: the clock, the scene's title and text, and its choices."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget
from textual.widgets import OptionList, Static

from game.engine.clock import format_time
from game.tui.css import STYLES
from game.tui.screens import ScreenName
from game.tui.storytext import paragraphs, prose, shown
from game.tui.widgets.choice_list import ChoiceList
from game.tui.widgets.day_header import DayHeader
from game.tui.widgets.footer import QuietFooter
from game.tui.widgets.reveal_panel import RevealPanel
from game.tui.widgets.text_scroll import TextScroll

if TYPE_CHECKING:
    from game.engine import Game
    from game.tui.app import DayJobApp


def arrival_banner(game: Game) -> Content | None:
    """What the scene is, when it is not simply where the last choice led: a meeting, a ping, a return."""
    arrival = game.arrival
    title = prose(game.title)
    if arrival == "appointment":
        at = game.scene.at if game.scene is not None and game.scene.at is not None else game.clock
        late = game.clock - at
        when = Content.assemble((" \u25b6 ", "bold"), (f"{format_time(at)} on your calendar: ", "bold"), title)
        if late >= 5:
            return Content.assemble(when, f". You're {late} minutes late. ")
        return Content.assemble(when, " is starting. ")
    if arrival == "interruption":
        return Content.assemble((" ! ", "bold"), ("Interrupted. ", "bold"), "You'll get back to what you were doing. ")
    if arrival == "back":
        return Content.assemble((" \u21a9 ", "bold"), "Back to what you were doing. ")
    return None


MORE_TEXT = " \u2193 more text (PgDn) "
TERM_STYLE = Style(underline=True)  # a glossary term met for the first time today


class TermMarks:
    """Underlines each glossary term met for the first time today where it first appears on the screen,
    in the order the screen is read: the last choice's reply, the title, the text, then the choices."""

    def __init__(self, game: Game) -> None:
        self.glossary = game.story.glossary
        self.first = set(game.meet_terms())

    def mark(self, content: Content, clickable: bool = True) -> Content:
        """`content` with the first appearance of each term new today underlined; a click on it shows its
        meaning (not in a choice's words, where a click takes the choice: g lists them there)."""
        if not self.first:
            return content
        for start, end, tid in self.glossary.find(content.plain):
            if tid in self.first:
                self.first.discard(tid)
                explain = Style.from_meta({"@click": f"screen.explain({tid!r})"})
                content = content.stylize(TERM_STYLE + explain if clickable else TERM_STYLE, start, end)
        return content


class SceneScreen(Screen):
    """One scene of the day; choosing moves the clock and brings the next scene."""

    CSS_PATH = STYLES / "scene.tcss"

    app: DayJobApp

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(1)", "Choose", key_display="1-9"),
        *(Binding(str(n), f"choose({n})", f"Choice {n}", show=False) for n in range(2, 10)),
        Binding("u", "undo", "Undo"),
        Binding("g", "glossary", "Glossary"),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("pageup", "scroll_text(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_text(1)", "Scroll down", show=False, priority=True),
        Binding("escape", "menu", "Menu"),
    ]

    _drawn: tuple = ()
    _ready = False  # set by the first draw, once the nested widgets are mounted: show_day waits for it

    def __init__(self) -> None:
        super().__init__(name=ScreenName.SCENE)

    def compose(self) -> ComposeResult:
        yield DayHeader(id="day-header")
        with Horizontal(id="scene-body"):
            with Vertical(id="scene-column"):
                yield Static(id="outcome")
                yield Static(id="arrival")
                yield Static(id="scene-title")
                with TextScroll(id="scene-scroll"):
                    yield Static(id="scene-text")
                yield ChoiceList(id="choices")
            if self.app.options.reveal:
                yield RevealPanel(id="reveal")
        yield QuietFooter()

    def on_mount(self) -> None:
        self._first_draw()

    def _first_draw(self) -> None:
        if self._taken_down():
            return
        if not self._composed():  # a key storm or a reload can get here first: again after the next frame
            self.call_after_refresh(self._first_draw)
            return
        self._ready = True
        self.show_day()
        self.query_one(ChoiceList).focus()
        self.watch(self.query_one("#scene-scroll"), "scroll_y", self._show_more_hint, init=False)

    def _composed(self) -> bool:
        """True once the nested widgets are mounted: Mount can reach the screen before its containers' children."""
        return bool(self.query(DayHeader)) and bool(self.query("#scene-text")) and bool(self.query(ChoiceList))

    def _taken_down(self) -> bool:
        """True once keys have replaced this screen (faster than it mounts): nothing of it to draw."""
        return self not in self.app.screen_stack or not self.is_attached

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No key acts on this screen before it has mounted or after it was replaced (key storms)."""
        return self.is_mounted and not self._taken_down()

    def _show_more_hint(self, *_: object) -> None:
        """Say so on the line above the choices when the scene's text goes on below the window."""
        if self._taken_down():
            return
        scroll = self.query_one("#scene-scroll", VerticalScroll)
        more = scroll.max_scroll_y - scroll.scroll_y >= 1
        choices = self.query_one(ChoiceList)
        if more != (choices.border_title is not None):  # setting it repaints, changed or not: a frame
            choices.border_title = MORE_TEXT if more else None

    def _compositor_refresh(self) -> None:
        """Textual's frame, with the repaints the layout before it asked for drawn in it, not in a frame of their own."""
        # a layout that changes the text's length moves its scroll bar's thumb, and the "more text" hint
        # over the choices follows the bar; Textual asks for those repaints while it lays out and drew
        # them a frame later (on a long scene, a second frame: 17 ms or more to the last frame)
        if self._ready and self.is_current and not self._taken_down():
            self._show_more_hint()
            scroll = self.query_one("#scene-scroll", VerticalScroll)
            choices = self.query_one(ChoiceList)
            asked: set[Widget] = {
                w
                for w in (scroll.vertical_scrollbar, choices, choices.vertical_scrollbar)
                if w._repaint_required and w.display
            }
            if asked:
                self._compositor.update_widgets(asked)
                for widget in asked:
                    widget._repaint_required = False  # drawn below: no Update message for the next frame
        super()._compositor_refresh()

    def on_screen_resume(self) -> None:
        game = self.app.game
        if game is not None and self._drawn != _drawn_key(game):  # the day moved while covered
            self.show_day()

    def show_day(self, spent: int = 0) -> None:
        """Draw the current scene of the app's game."""
        game = self.app.game
        if game is None or game.ended or not self._ready or self._taken_down():
            return  # not mounted yet (a reload right after New day, CI): _first_draw draws the day then
        self._drawn = _drawn_key(game)
        self.query_one(DayHeader).show_game(game, spent=spent)
        marks = TermMarks(game)
        outcome = self.query_one("#outcome", Static)
        if game.outcome:  # what the last choice did, apart from the scene it led to
            outcome.update(Content("\n\n").join(marks.mark(prose(p)) for p in paragraphs(game.outcome)))
        outcome.display = bool(game.outcome)
        banner = arrival_banner(game)
        arrival = self.query_one("#arrival", Static)
        if banner is not None:  # its class styles it only while shown: restyling a hidden one cost ~1 ms a choice
            arrival.set_classes(f"-{game.arrival}")
            arrival.update(banner)
        arrival.display = banner is not None
        self.query_one("#scene-title", Static).update(marks.mark(prose(game.title)))
        text = Content("\n\n").join(marks.mark(prose(p)) for p in paragraphs(game.text))
        self.query_one("#scene-text", Static).update(text)
        self.query_one("#scene-scroll").scroll_home(animate=False)
        self.query_one(ChoiceList).show_choices(game.choices, mark=lambda words: marks.mark(words, clickable=False))
        if self.app.options.reveal:
            self.query_one(RevealPanel).show_game(game)

    # -- choosing -------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and not event.option.disabled:
            self.app.choose(event.option.id)

    def action_choose(self, number: int) -> None:
        choice_id = self.query_one(ChoiceList).id_for_number(number)
        if choice_id is None:
            self.app.bell()
            return
        self.app.choose(choice_id)

    def action_undo(self) -> None:
        self.app.undo()

    def action_glossary(self) -> None:
        from game.tui.screens.glossary import GlossaryScreen

        game = self.app.game
        if game is not None and not game.ended:
            self.app.push_screen(GlossaryScreen(game))

    def action_explain(self, term_id: str) -> None:
        """A marked term was clicked: say what it means."""
        game = self.app.game
        term = game.story.glossary.terms.get(term_id) if game is not None else None
        if term is not None:
            self.app.notify(shown(term.means), title=shown(term.term), markup=False, timeout=15)

    def action_scroll_text(self, direction: int) -> None:
        scroll = self.query_one("#scene-scroll", VerticalScroll)
        if direction < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()

    def action_menu(self) -> None:
        self.app.show_title()


def _drawn_key(game: Game) -> tuple:
    """What a drawn scene depends on: which game (a reload makes a new one), and how far it has got."""
    return (id(game), game.scene_id, game.clock, len(game.state.history))
