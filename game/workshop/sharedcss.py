"""Textual's parsed stylesheets, shared by every game the fork server starts.

A Textual app parses its CSS (its own files and every widget's defaults) into rule sets when it
starts: about half of a served game's start-up CPU and much of its private memory. Each app
keeps them in its own cache (`Stylesheet._parse_cache`, a private member). In the fork server
we give every stylesheet one shared cache instead, keyed by the CSS *and* the theme variables
it was parsed with, and fill it in the warm-up: forked games then find their rules already
parsed, in pages they share. Only the fork server turns this on; tests/workshop/test_tserve.py
fails loudly if Textual's stylesheet stops looking the way this relies on.
"""

from __future__ import annotations

from typing import Any

_SHARED: dict[tuple, Any] = {}
MAX_SHARED = 512  # entries: one per CSS source per theme; a served game has under a hundred


class SharedParseCache:
    """Stands in for one stylesheet's parse cache; the entries live in one dict for the process."""

    def __init__(self, stylesheet) -> None:
        self.stylesheet = stylesheet

    def _key(self, key: tuple) -> tuple:
        return (key, tuple(sorted(self.stylesheet._variables.items())))

    def __getitem__(self, key: tuple):
        return _SHARED[self._key(key)]

    def __setitem__(self, key: tuple, value) -> None:
        if len(_SHARED) < MAX_SHARED:
            _SHARED[self._key(key)] = value

    def __contains__(self, key: tuple) -> bool:
        return self._key(key) in _SHARED

    def get(self, key: tuple, default=None):
        return _SHARED.get(self._key(key), default)

    def clear(self) -> None:
        """The stylesheet's variables changed: nothing to drop, the key holds the variables."""


def share_parsed_css() -> None:
    """From now on every new Textual stylesheet in this process uses the shared parse cache."""
    from textual.css.stylesheet import Stylesheet

    if getattr(Stylesheet, "_dayjob_shared", False):
        return
    original = Stylesheet.__init__

    def __init__(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        self._parse_cache = SharedParseCache(self)

    Stylesheet.__init__ = __init__  # type: ignore[method-assign]
    Stylesheet._dayjob_shared = True  # type: ignore[attr-defined]
