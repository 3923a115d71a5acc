"""Everything `dayjob serve` takes from textual-serve, in one place, for the versions it was tested with.

We use its page assets (xterm.js and textual.js under `static/`) and its binary decoder for
file chunks (`_binary_encode`, a private module). We no longer subclass its server or app
service, nor use its download manager (it never forgets a cancelled download). tests/workshop/test_tserve.py fails loudly when any of
these moves or changes shape; pyproject.toml pins the same range.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

TESTED = ((1, 1, 3), (1, 2, 0))  # from, up to but not including; keep in step with pyproject.toml


def installed_version() -> tuple[int, ...] | None:
    try:
        text = version("textual-serve")
    except PackageNotFoundError:
        return None
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def version_problem() -> str | None:
    """Why the installed textual-serve is not one we were tested with, or None."""
    found = installed_version()
    low, high = TESTED
    if found is None:
        return "textual-serve is not installed (pip install 'textual-serve>=1.1.3,<1.2')"
    if not low <= found < high:
        shown = ".".join(map(str, found))
        return f"textual-serve {shown} is installed; dayjob serve is tested with 1.1.3 up to 1.2"
    return None


def static_dir() -> Path:
    """The folder of the page's JavaScript, CSS and fonts."""
    import textual_serve

    return Path(textual_serve.__file__).resolve().parent / "static"


def decode_packed(payload: bytes) -> object:
    """A `P` packet from a game (a file chunk), decoded."""
    from textual_serve._binary_encode import load

    return load(payload)
