"""The server's pages: HTML files next to this module, with {{name}} slots filled in (values escaped by the caller)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"
_SLOT = re.compile(r"\{\{(\w+)\}\}")


@cache
def _read(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def page(name: str, **values: object) -> str:
    """The page `name` with every {{slot}} filled; a slot without a value is an error, not a blank."""
    return _SLOT.sub(lambda m: str(values[m.group(1)]), _read(name))


def font_face(static: str) -> str:
    """The page's monospace font from the server's own static files (rooms may have no internet)."""
    return "".join(
        f"@font-face{{font-family:'Roboto Mono';font-style:{style};font-weight:100 700;"
        f"src:url('{static}fonts/{name}') format('truetype')}}"
        for style, name in (
            ("normal", "RobotoMono-VariableFont_wght.ttf"),
            ("italic", "RobotoMono-Italic-VariableFont_wght.ttf"),
        )
    )
