"""Help: every key, by where it works."""

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
from game.tui.widgets.hanging import Hanging, Stack

if TYPE_CHECKING:
    from textual.visual import Visual

    from game.tui.options import TuiOptions

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
            ("Enter", "continue the day you left, or start a new one"),
            ("\u2191 \u2193", "move in the menu"),
            ("n", "new day with the seed shown"),
            ("c", "continue the day you left"),
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

# What keys do in a served game (dayjob serve), by (where, keys); None: that key does nothing there
SERVED: dict[tuple[str, str], str | None] = {
    ("Everywhere", "ctrl+p"): "command palette: play the day again, undo, theme, help",
    ("Everywhere", "ctrl+r"): None,
    ("Everywhere", "q"): "leave, once your day has ended (until then the day is the room's; it is not saved)",
    ("Title", "Enter"): "start the room's day, or continue it",
    ("Title", "n"): "play the room's day (the same seed for everyone)",
    ("Title", "c"): "continue your day",
    ("Title", "s"): None,
    ("The report", "s"): "download the report as a Markdown file",
    ("The report", "n"): "play the room's day again",
    ("The report", "u"): None,
}
QUIT_UNSAVED = "quit (this day is not saved)"

ABOUT = (
    "Day Job is one workday of a machine learning engineer. Your choices spend the clock; "
    "hidden stats keep score until the report. Locked choices show why they are locked. "
    "Meetings start when their time comes; messages interrupt. "
    "For a room, use --projector and your terminal's zoom."
)
ABOUT_SERVED = (
    "Day Job is one workday of a machine learning engineer. Everyone in the room plays the same day; "
    "your choices spend the clock, and hidden stats keep score until the report. "
    "Locked choices show why they are locked. Meetings start when their time comes; messages interrupt. "
    "When your day ends, the facilitator gets your result."
)


def keys_for(options: TuiOptions | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """KEYS as they are for this game: a served day has its own (no reload, no seed, q waits for the
    end of the day), and a day that is not saved does not say it is."""
    if options is None:
        return KEYS
    saving = options.save and not options.play_from_here
    out = []
    for where, rows in KEYS:
        kept = []
        for keys, what in rows:
            said: str | None = what
            if options.locked:
                said = SERVED.get((where, keys), what)
            elif (where, keys) == ("Everywhere", "q") and not saving:
                said = QUIT_UNSAVED
            if said is not None:
                kept.append((keys, said))
        out.append((where, kept))
    return out


def help_content(options: TuiOptions | None = None) -> Visual:
    """Each place's keys, what a key does wrapping beside it (never under the key)."""
    table = keys_for(options)
    width = max(len(k) for _, rows in table for k, _ in rows) + 2
    blocks: list[Visual] = []
    for where, rows in table:
        lines: list[Visual] = [Content.styled(where, "bold $accent")]
        lines += [Hanging(Content.styled(keys, "bold"), Content(what), width) for keys, what in rows]
        blocks.append(Stack(lines))
    return Stack(blocks, gap=1)


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
                options = getattr(self.app, "options", None)  # the game's app has them; a bare App does not
                about = ABOUT_SERVED if options is not None and options.locked else ABOUT
                yield Static(Content(about), id="help-about")
                yield Static(help_content(options), id="help-keys")
            yield Static(Content.styled("Esc closes", "$foreground-muted"), id="help-close")

    def action_close(self) -> None:
        self.dismiss(None)
