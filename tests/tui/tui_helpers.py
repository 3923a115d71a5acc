"""Helpers the TUI tests import: where the fixture stories are, and waiting for the story to load."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SEED = "test-seed"


async def ready(pilot) -> None:
    """Wait until the story has loaded (or failed to) and the screen has settled."""
    from game.tui.screens.problems import ProblemsScreen

    app = pilot.app
    for _ in range(500):
        await pilot.pause()
        if app.session is not None or isinstance(app.screen, ProblemsScreen):
            break
        await pilot.pause(0.01)
    await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app) -> str:
    """Everything on the active screen as plain text, row by row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def widget_text(widget) -> str:
    """The lines a widget draws (even when scrolled out of view), right-trimmed."""
    return "\n".join(widget.render_line(y).text.rstrip() for y in range(widget.size.height))
