"""The glossary: the terms of the job met so far today, those in the scene on screen first."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from game.tui.css import STYLES
from game.tui.screens import ScreenName
from game.tui.storytext import literal
from game.tui.widgets.hanging import Hanging, Stack

if TYPE_CHECKING:
    from textual.visual import Visual

    from game.engine import Game
    from game.engine.glossary import Term

EMPTY = "No terms yet today. A term of the job is underlined where it first appears; click it for its meaning."


def term_rows(terms: list[Term]) -> Visual:
    """Each term in bold, its meaning beside it, wrapping under itself."""
    return Stack(
        [Hanging(literal(t.term).stylize("bold $accent"), literal(t.means), 18) for t in terms],
        gap=1,
    )


def glossary_sections(game: Game) -> list[tuple[str, list[Term]]]:
    """("In this scene", terms), ("Earlier today", terms): the terms met, those on screen first."""
    glossary = game.story.glossary
    here = [t for t in game.terms_here() if t in game.state.terms]
    earlier = [t for t in game.state.terms if t not in here and t in glossary.terms]
    sections = [("In this scene", here), ("Earlier today", earlier)]
    return [(name, [glossary.terms[t] for t in ids]) for name, ids in sections if ids]


class GlossaryScreen(ModalScreen[None]):
    """The terms met so far today, with what they mean; any of Esc, g or q closes it."""

    CSS_PATH = STYLES / "dialogs.tcss"
    AUTO_FOCUS = "#glossary-scroll"  # Textual focuses it as the screen shows; a query in on_mount raced under load

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("g", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, game: Game) -> None:
        super().__init__(name=ScreenName.GLOSSARY)
        self.game = game

    def compose(self) -> ComposeResult:
        sections = glossary_sections(self.game)
        with Vertical(id="glossary-box"):
            yield Static(Content.styled("Glossary: the terms of the job met today", "bold"), id="glossary-title")
            with VerticalScroll(id="glossary-scroll"):
                if not sections:
                    yield Static(Content.styled(EMPTY, "$foreground-muted"), id="glossary-empty")
                for name, terms in sections:
                    yield Static(Content.styled(name, "bold $secondary"), classes="glossary-section")
                    yield Static(term_rows(terms), classes="glossary-terms")
            yield Static(Content.styled("Esc closes", "$foreground-muted"), id="glossary-close")

    def action_close(self) -> None:
        self.dismiss(None)
