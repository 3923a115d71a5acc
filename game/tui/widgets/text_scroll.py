"""A scrolling column (the scene's text, the report) whose scroll bar is decided in the layout that places it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.widget import Widget

if TYPE_CHECKING:
    from textual._arrange import DockArrangeResult
    from textual.geometry import Size


class TextScroll(VerticalScroll):
    """A VerticalScroll that shows or hides its vertical bar in the same layout that arranges its content.

    Textual decides the bar after the layout (from the virtual size it stores) and, when that changes
    it, lays the screen out again a frame later just to place the bar: a second layout and frame on
    every choice whose text starts or stops fitting, and on the report, which always starts without.
    Here the bar is decided as soon as the content is arranged, before Textual places scroll bars.
    With a stable gutter (the scene's text) the content's width does not depend on the bar; otherwise
    (the report) the content is arranged again at the width the bar leaves, as Textual's second
    layout would have.
    """

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        arrangement = super().arrange(size, optimal)
        styles = self.styles
        if optimal or not size.height or styles.overflow_y != "auto":
            return arrangement
        # as Textual's own rule (Widget._refresh_scrollbars): the content is taller than the window
        show = arrangement.total_region.bottom > size.height
        if show == self.show_vertical_scrollbar:
            return arrangement
        if styles.scrollbar_gutter != "stable":
            # `size` left room for the bar as it was: arrange for the room it leaves now (a narrower
            # column is no shorter, a wider one no taller, so the decision stands)
            bar = styles.scrollbar_size_vertical
            arrangement = super().arrange(size.with_width(max(0, size.width + (-bar if show else bar))), optimal)
        self.set_reactive(Widget.show_vertical_scrollbar, show)
        # the rule without the refresh its property setter asks for: this layout places the bar
        self.vertical_scrollbar.styles.set_rule("display", "block" if show else "none")
        return arrangement
