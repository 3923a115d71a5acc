"""The scene's choices as a numbered list: digits, arrows + Enter, or a click choose one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.tui.storytext import minutes_text, prose
from game.tui.widgets.hanging import Hanging

if TYPE_CHECKING:
    from collections.abc import Callable

    from game.engine import ChoiceView

    Mark = Callable[[Content], Content]


def choice_prompt(number: int | None, view: ChoiceView, mark: Mark | None = None) -> Hanging:
    """`1  Give a crisp update      10 min`, or a greyed locked line with its reason; `mark` styles the words
    (the scene underlines a glossary term met here for the first time)."""
    mark = mark or _as_is
    text = mark(prose(" ".join(view.text.split())))
    if number is not None:
        marker = Content.styled(f"{number}", "bold $accent")
        aside = Content.styled(minutes_text(view.minutes), "$foreground-muted") if view.minutes else None
        return Hanging(marker, text, 3, aside)
    reason = mark(prose(" ".join((view.locked or "").split())))
    marker = Content.styled("\u00b7", "$foreground 30%")
    body = Content.assemble(text.stylize("strike"), ("  \u2014 locked: ", "italic"), reason.stylize("italic"))
    # the same right column as the choices that can be taken, so the reason wraps before the minutes
    aside = Content.styled(minutes_text(view.minutes) if view.minutes else "", "$foreground 30%")
    return Hanging(marker, body, 3, aside.pad_right(max(0, 6 - aside.cell_length)))


def _as_is(words: Content) -> Content:
    return words


class ChoiceList(OptionList):
    """Options whose ids are choice ids; locked choices are shown but cannot be highlighted."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 50%;
        border: none;
        padding: 0 1;
        background: transparent;
    }
    ChoiceList:focus {
        border: none;
        background-tint: transparent;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.numbered: list[str] = []  # choice ids in the order digits choose them

    def show_choices(self, views: list[ChoiceView], mark: Mark | None = None) -> None:
        """Replace the list with this scene's choices and highlight the first available one."""
        self.numbered = []
        options = []
        for view in views:
            if view.available:
                self.numbered.append(view.id)
                options.append(Option(choice_prompt(len(self.numbered), view, mark), id=view.id))
            else:
                options.append(Option(choice_prompt(None, view, mark), id=f"locked:{view.id}", disabled=True))
        self.set_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.highlighted = first
        self.scroll_home(animate=False)

    def id_for_number(self, number: int) -> str | None:
        """The choice a digit chooses, or None when there is no such number."""
        if 1 <= number <= len(self.numbered):
            return self.numbered[number - 1]
        return None
