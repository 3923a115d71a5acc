"""Help: every key, by where it works."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from game.tui.css import STYLES
from game.tui.screens import ScreenName

# (where, [(keys, what they do)]); a test checks every binding of every screen is listed here
KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Everywhere",
        [
            ("? or F1", "this help"),
            ("ctrl+p", "command palette: new day, undo, theme, reload\u2026"),
            ("t", "next theme: dark, light, projector"),
            ("ctrl+r", "reload the story from disk (for writers)"),
            ("q", "quit (the day is saved after every choice)"),
        ],
    ),
    (
        "Title",
        [
            ("Enter", "continue the saved day, or start a new one"),
            ("\u2191 \u2193", "move in the menu"),
            ("n", "new day with the seed shown"),
            ("c", "continue the saved day"),
            ("s", "type a seed (Enter starts the day, Esc goes back)"),
        ],
    ),
    (
        "A scene",
        [
            ("1 \u2026 9", "take that choice"),
            ("\u2191 \u2193 Enter", "move to a choice and take it (or click it)"),
            ("u or ctrl+z", "undo the last choice"),
            ("g", "glossary: the terms of the job met today (click an underlined term for its meaning)"),
            ("PgUp PgDn", "scroll the scene's text (or use the mouse wheel)"),
            ("Esc", "back to the title screen"),
        ],
    ),
    (
        "The glossary",
        [
            ("Esc, g or q", "close it"),
        ],
    ),
    (
        "The report",
        [
            ("s", "save the report as a Markdown file"),
            ("c", "copy the share line"),
            ("n", "a new day"),
            ("u", "undo the last choice and go back into the day"),
            ("\u2191 \u2193 PgUp PgDn", "scroll"),
            ("Esc", "back to the title screen"),
        ],
    ),
]

ABOUT = (
    "Day Job is one workday of a machine learning engineer. Your choices spend the clock; "
    "hidden stats keep score until the report. Locked choices show why they are locked. "
    "Meetings start when their time comes; messages interrupt. "
    "For a room, use --projector and your terminal's zoom."
)


def help_content() -> Content:
    width = max(len(k) for _, rows in KEYS for k, _ in rows) + 2
    blocks = []
    for where, rows in KEYS:
        lines = [Content.styled(where, "bold $accent")]
        lines += [Content.assemble((keys.ljust(width), "bold"), what) for keys, what in rows]
        blocks.append(Content("\n").join(lines))
    return Content("\n\n").join(blocks)


class HelpScreen(ModalScreen[None]):
    """Keys and a few words on how a day works; any of Esc, ?, F1 or q closes it."""

    CSS_PATH = STYLES / "dialogs.tcss"
    AUTO_FOCUS = "#help-scroll"  # Textual focuses it as the screen shows; a query in on_mount raced under load

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("f1", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(name=ScreenName.HELP)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content.styled("Help", "bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(Content(ABOUT), id="help-about")
                yield Static(help_content(), id="help-keys")
            yield Static(Content.styled("Esc closes", "$foreground-muted"), id="help-close")

    def action_close(self) -> None:
        self.dismiss(None)
