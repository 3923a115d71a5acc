"""Helpers the TUI tests import: where the fixture stories are, and waiting for the story to load."""

from __future__ import annotations

import html
import re
from pathlib import Path

from rich.cells import cell_len

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


async def until(pilot, check, timeout: float = 60.0) -> None:
    """Let the app run until `check()` holds; the timeout only guards against a hang, however slow the machine."""
    import time

    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "still waiting after a minute"
        await pilot.pause(0.02)


async def palette_offers(pilot, prompt: str) -> None:
    """Wait until the command palette's search has finished with `prompt` as its highlighted hit."""
    from textual.command import CommandList

    app = pilot.app
    hits = app.screen.query_one(CommandList)

    async def offered() -> bool:
        await app.workers.wait_for_complete()  # the search runs in a worker; its hits come in batches
        await pilot.pause()
        return hits.highlighted is not None and str(hits.get_option_at_index(hits.highlighted).prompt).startswith(
            prompt
        )

    for _ in range(3000):  # a hang guard only: each round waits for the search, however slow the machine
        if await offered():
            return
    raise AssertionError(f"the palette never offered {prompt!r}")


# one run of text in Textual's SVG screenshot (Rich's export_svg): its x, its width, its line, its characters
_SVG_TEXT = re.compile(
    r'<text [^>]*?x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>'
)


def screen_text(app) -> str:
    """Everything on screen as plain text, row by row, read from the public SVG screenshot
    (`App.export_screenshot`): each run of text put back at its column, the spaces between restored."""
    rows: dict[int, list[tuple[float, str]]] = {}
    cell = 1.0
    for x, length, line, escaped in _SVG_TEXT.findall(app.export_screenshot()):
        text = html.unescape(escaped).replace("\xa0", " ").rstrip("\n")  # Rich writes spaces as &#160;
        if text:  # (the line break at a row's end is a run of its own)
            cell = float(length) / len(text)  # every run is whole cells wide
            rows.setdefault(int(line), []).append((float(x), text))
    lines = []
    for y in range(app.size.height):
        line, at = "", 0
        for x, text in sorted(rows.get(y, ())):
            column = round(x / cell)
            line += " " * max(0, column - at) + text
            at = column + cell_len(text)
        lines.append(line)
    return "\n".join(lines)


def widget_text(widget) -> str:
    """The lines a widget draws (even when scrolled out of view), right-trimmed."""
    return "\n".join(widget.render_line(y).text.rstrip() for y in range(widget.size.height))
