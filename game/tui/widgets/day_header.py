"""The line at the top of the day: where you are, the clock, how much of the day is gone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from game.engine.clock import format_time
from game.tui.storytext import minutes_text, shown

if TYPE_CHECKING:
    from game.engine import Game


class DayHeader(Widget):
    """Story title, the clock as a chip, the day as a progress line, and the minutes the last choice took."""

    DEFAULT_CSS = """
    DayHeader {
        height: 1;
        background: $panel;
        color: $foreground-muted;
    }
    """

    clock: reactive[int] = reactive(0)
    day_start: reactive[int] = reactive(0)
    day_end: reactive[int] = reactive(0)
    spent: reactive[int] = reactive(0)  # minutes the last choice took; 0 hides it
    label: reactive[str] = reactive("")  # story title, and "short day" when it is one
    seed: reactive[str] = reactive("")

    def show_day(self, *, clock: int, day_start: int, day_end: int, label: str, seed: str, spent: int = 0) -> None:
        """Set everything at once (one refresh)."""
        with self.prevent():
            self.set_reactive(DayHeader.clock, clock)
            self.set_reactive(DayHeader.day_start, day_start)
            self.set_reactive(DayHeader.day_end, day_end)
            self.set_reactive(DayHeader.label, shown(label))
            self.set_reactive(DayHeader.seed, shown(seed))
            self.set_reactive(DayHeader.spent, spent)
        self.refresh()

    def show_game(self, game: Game, spent: int = 0) -> None:
        """Show a day's clock, its window, its label and seed."""
        self.show_day(
            clock=game.clock,
            day_start=game.state.day_start,
            day_end=game.state.day_end,
            label=day_label(game),
            seed=game.seed,
            spent=spent,
        )

    def render(self) -> Content:
        width = self.size.width
        clock = Content.styled(f" {format_time(self.clock)} ", "bold reverse $accent")
        spent = Content.styled(f"+{minutes_text(self.spent)}", "$accent") if self.spent else Content("")
        seed = Content.styled(f"seed {self.seed}", "$foreground-muted") if self.seed else Content("")
        label = Content(self.label)
        total = self.day_end - self.day_start
        # the clock rides along the day's line, from its start to its end
        fixed = 1 + label.cell_length + 3 + 6 + clock.cell_length + 6 + 2 + 9 + 2
        if width - fixed - seed.cell_length < 12:  # the seed gives way to the day's line
            seed = Content("")
        bar_room = min(48, width - fixed - seed.cell_length)
        if bar_room >= 6 and total > 0:
            done = max(0, min(self.clock - self.day_start, total))
            filled = round(bar_room * done / total)
            # at (or past) either end of the day the chip stands in that end's place: "17:35 17:30"
            # or "09:00 09:00" read as two clocks
            end = "" if self.clock >= self.day_end else " " + format_time(self.day_end)
            start = "" if self.clock <= self.day_start else format_time(self.day_start) + " "
            line = Content.assemble(
                (start, "$foreground-muted"),
                ("\u2501" * filled, "$accent"),
                clock,
                ("\u2500" * (bar_room - filled), "$foreground 30%"),
                (end, "$foreground-muted"),
            )
            right = Content.assemble("  ", spent.pad_right(9 - spent.cell_length), seed)
        elif width >= label.cell_length + clock.cell_length + 12:
            line, right = clock, Content.assemble("  ", spent)
        else:  # very narrow: the clock matters most
            return Content.assemble(
                " ",
                label.truncate(max(0, width - clock.cell_length - 3), ellipsis=True),
                " ",
                clock,
            ).rstrip()
        left = Content.assemble(" ", label, "   ")
        body = Content.assemble(left, line, right)
        if body.cell_length >= width:
            return body.truncate(width)
        if seed.cell_length and right.plain.endswith(seed.plain):  # keep the seed against the right edge
            gap = width - body.cell_length - 1
            body = Content.assemble(left, line, right[: len(right.plain) - len(seed.plain)], " " * gap, seed)
        return body


def day_label(game: Game) -> str:
    """The story's title, and which day it is when it is the short one."""
    return f"{game.story.title} \u00b7 short day" if game.short else game.story.title
