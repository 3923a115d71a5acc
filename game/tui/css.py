"""Where the app's stylesheets live, and loading the later screens' styles before they are needed.

The app itself carries only what the title screen needs (`app.tcss`, `title.tcss`), so the first
frame parses as little as it can; each other screen names its own file in `CSS_PATH`. Textual reads
a screen's file when the screen is first shown, re-parsing every stylesheet there and then; `preload`
does that once, on the title screen, so the first scene does not pay for it on a key press.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

STYLES = Path(__file__).parent / "styles"


def preload(app: App, *screens: type[Screen]) -> None:
    """Read the stylesheets of these screen classes now (a no-op for those already read)."""
    stylesheet = app.stylesheet
    added = False
    for screen in screens:
        paths = screen.CSS_PATH or []
        for path in [paths] if isinstance(paths, (str, PurePath)) else paths:
            if not stylesheet.has_source(str(path), ""):
                stylesheet.read(path)
                added = True
    if added:
        stylesheet.reparse()
        stylesheet.update(app)
