"""Command palette entries (ctrl+p): new day, undo, save report, theme, reload story, help."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from game.tui.themes import LABELS, ORDER

if TYPE_CHECKING:
    from game.tui.app import DayJobApp


class DayJobCommands(Provider):
    """The game's own commands, offered only when they can do something."""

    @property
    def _app(self) -> DayJobApp:
        return self.app  # type: ignore[return-value]

    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self._app
        out: list[tuple[str, str, Callable[[], object]]] = []
        if app.session is not None:
            out.append(("New day", "Start a new day with a fresh seed", lambda: app.show_title(new_seed=True)))
        game = app.game
        if game is not None and game.can_undo:
            out.append(("Undo last choice", "Take back the last choice (u)", app.undo))
        if game is not None and game.ended:
            out.append(("Save report", "Write the end-of-day report as a Markdown file", app.save_report))
        for name in ORDER:
            out.append((f"Theme: {LABELS[name]}", "Switch the look of the game", _setter(app, name)))
        out.append(("Reload story", "Read the story files again, keeping your place (ctrl+r)", app.action_reload_story))
        out.append(("Help", "Every key, and how a day works (?)", app.action_help))
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)


def _setter(app: DayJobApp, name: str) -> Callable[[], None]:
    def set_theme() -> None:
        app.theme = name

    return set_theme
