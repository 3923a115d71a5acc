"""The story could not be loaded: every problem as path:line:col: message, inside the app."""

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

if TYPE_CHECKING:
    from game.engine import StoryError


class ProblemsScreen(ModalScreen[None]):
    """Shown instead of a crash; ctrl+r tries again after the files are fixed."""

    CSS_PATH = STYLES / "dialogs.tcss"
    AUTO_FOCUS = "#problems-scroll"  # Textual focuses it as the screen shows; a query in on_mount raced under load

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "app.reload_story", "Reload"),
        Binding("escape", "close", "Close"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, error: StoryError, *, can_close: bool) -> None:
        super().__init__(name=ScreenName.PROBLEMS)
        self.error = error
        self.can_close = can_close  # False when there is no story to go back to

    def compose(self) -> ComposeResult:
        n = self.error.total or len(self.error.problems)
        with Vertical(id="problems-box"):
            yield Static(
                Content.styled(f"The story has {n} problem{'s' if n != 1 else ''}", "bold $error"),
                id="problems-title",
            )
            with VerticalScroll(id="problems-scroll"):
                yield Static(self.problem_lines(), id="problems-list")
            hint = "Fix the files, then press ctrl+r to reload."
            hint += " Esc goes back to the day as it was." if self.can_close else " q quits."
            yield Static(Content.styled(hint, "$foreground-muted"), id="problems-hint")

    def problem_lines(self) -> Content:
        lines = []
        for p in self.error.problems:
            place = literal(f"{p.path}:{p.line}:{p.col}:").stylize("bold")
            tag = Content.styled(f" {p.severity}:", "$warning") if p.severity in ("warning", "note") else Content("")
            lines.append(Content.assemble(place, tag, " ", literal(p.message)))
        return Content("\n\n").join(lines)

    def action_close(self) -> None:
        if self.can_close:
            self.dismiss(None)
        else:
            self.app.bell()
