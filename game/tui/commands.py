"""Command palette entries (ctrl+p): new day, undo, save report, theme, reload story, help."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from game.tui.palette_guard import guard_textual
from game.tui.themes import LABELS, ORDER

if TYPE_CHECKING:
    from game.tui.app import DayJobApp

Command = tuple[str, str, Callable[[], object]]  # title, help, what it does

guard_textual()  # before any palette opens: key storms with Ctrl+P must not end the game


def game_commands(app: DayJobApp) -> list[Command]:
    """The game's own commands, offered only when they can do something."""
    out: list[Command] = []
    locked = app.options.locked  # a served game offers only what cannot harm the room's day or the server
    if app.session is not None and locked:
        out.append(("Play the day again", "Back to the menu to replay the room's day", app.show_title))
    elif app.session is not None:
        out.append(("New day", "Start a new day with a fresh seed", lambda: app.show_title(new_seed=True)))
    game = app.game
    if game is not None and game.can_undo and not (app.session is not None and app.session.day_is_in):
        out.append(("Undo last choice", "Take back the last choice (u)", app.undo))
    if game is not None and game.ended:
        out.append(("Save report", "Write the end-of-day report as a Markdown file (s)", app.save_report))
    for name in ORDER:
        out.append((f"Theme: {LABELS[name]}", "Switch the look of the game (t)", _theme_setter(app, name)))
    if locked:
        out.append(("Help", "Every key, and how a day works (?)", app.action_help))
        return out
    out.append(
        (
            "Reload story",
            "Read the story files again, keeping your place (ctrl+r)",
            app.action_reload_story,
        )
    )
    out.append(("Help", "Every key, and how a day works (?)", app.action_help))
    return out


# Textual's own entries worth keeping; its theme list (every built-in theme) and key panel are replaced
KEPT_SYSTEM_COMMANDS = ("Quit", "Screenshot")


def _theme_setter(app: DayJobApp, name: str) -> Callable[[], None]:
    def set_theme() -> None:
        app.theme = name

    return set_theme
