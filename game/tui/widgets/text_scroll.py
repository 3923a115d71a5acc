"""The scene's scrolling text, whose scroll bar is decided in the layout that places the text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.widget import Widget

if TYPE_CHECKING:
    from textual._arrange import DockArrangeResult
    from textual.geometry import Size


class TextScroll(VerticalScroll):
    """A VerticalScroll with `scrollbar-gutter: stable` that shows or hides its bar in the same layout.

    Textual decides the bar after the layout (from the virtual size it stores) and, when that changes
    it, lays the screen out again a frame later just to place the bar: a second frame on every choice
    whose text starts or stops fitting. With a stable gutter the text's width does not depend on the
    bar, so the bar can be decided as soon as the text is arranged, before Textual places scroll bars.
    """

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        arrangement = super().arrange(size, optimal)
        styles = self.styles
        if optimal or not size.height or styles.overflow_y != "auto" or styles.scrollbar_gutter != "stable":
            return arrangement
        # as Textual's own rule (Widget._refresh_scrollbars): the content is taller than the window
        show = arrangement.total_region.bottom > size.height
        if show != self.show_vertical_scrollbar:
            self.set_reactive(Widget.show_vertical_scrollbar, show)
            # the rule without the refresh its property setter asks for: this layout places the bar
            self.vertical_scrollbar.styles.set_rule("display", "block" if show else "none")
        return arrangement
