"""Where the app's stylesheets live, and loading the later screens' styles before they are needed.

The app itself carries only what the title screen needs (`app.tcss`, `title.tcss`), so the first
frame parses as little as it can; each other screen names its own file in `CSS_PATH`. Textual reads
a screen's file when the screen is first shown, re-parsing every stylesheet there and then; `preload`
does that once, on the title screen, so the first scene does not pay for it on a key press.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from types import SimpleNamespace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

STYLES = Path(__file__).parent / "styles"


def preload(app: App, *screens: type[Screen]) -> None:
    """Read the stylesheets of these screen classes now (a no-op for those already read), and the default
    CSS of the widgets a screen lists in `PRELOAD_WIDGETS` (Textual adds it when the first one mounts,
    re-parsing every stylesheet then: ~7 ms of a day's last press, for the report's buttons)."""
    stylesheet = app.stylesheet
    added = False
    for screen in screens:
        paths = screen.CSS_PATH or []
        for path in [paths] if isinstance(paths, (str, PurePath)) else paths:
            if not stylesheet.has_source(str(path), ""):
                stylesheet.read(path)
                added = True
        for widget in getattr(screen, "PRELOAD_WIDGETS", ()):
            known = len(stylesheet.source)
            # as Widget._post_register adds it, for an instance of the class (only its bases are read)
            bases = SimpleNamespace(_node_bases=widget._css_bases(widget))
            for read_from, css, tie_breaker, scope in widget._get_default_css(bases):  # type: ignore[arg-type]
                stylesheet.add_source(
                    css, read_from=read_from, is_default_css=True, tie_breaker=tie_breaker, scope=scope
                )
            added = added or len(stylesheet.source) > known
    if added:
        stylesheet.reparse()
        stylesheet.update(app)
