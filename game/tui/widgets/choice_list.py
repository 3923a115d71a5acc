"""The scene's choices as a numbered list: digits, arrows + Enter, or a click choose one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
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
        self._filling = False  # new options going in: the list's height is still the last scene's
        self._wrapped_at = -1  # the width the options' lines were wrapped at

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
        self._filling = True
        try:
            self.set_options(options)
        finally:
            self._filling = False
        self._wrapped_at = self.scrollable_content_region.width
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.highlighted = first
        self.scroll_home(animate=False)
        # the layout decides the scroll bar from the new height; this catches the one case it does not
        # look (the height did not change) once the new scene is on screen
        self.call_after_refresh(self._refresh_scrollbars)

    def _refresh_scrollbars(self) -> None:
        """Textual's scroll bar decision, except while new options go in (game/tui/palette_guard.py).

        Decided then, from the last scene's height, a longer list got a scroll bar for one frame (its
        minutes cut to "10 m"), and a second layout and frame to take it away again.
        """
        if not self._filling:
            super()._refresh_scrollbars()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the wrapped options when only the height changed (OptionList re-wraps on every resize).

        The list's height follows each scene's choices; re-wrapping then cost a repaint and a frame.
        """
        width = self.scrollable_content_region.width
        if width == self._wrapped_at:
            event.prevent_default()  # OptionList's own handler would clear the lines and repaint
        self._wrapped_at = width

    def id_for_number(self, number: int) -> str | None:
        """The choice a digit chooses, or None when there is no such number."""
        if 1 <= number <= len(self.numbered):
            return self.numbered[number - 1]
        return None
