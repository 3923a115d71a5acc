"""Times of day as minutes since midnight: the one parser and the one formatter of "HH:MM"."""

from __future__ import annotations

import re

TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
MINUTES_PER_DAY = 24 * 60


def parse_time(text: str) -> int | None:
    """Minutes since midnight for "HH:MM", or None."""
    m = TIME.match(text)
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def format_time(minutes: int) -> str:
    """ "HH:MM" for minutes since midnight (days wrap)."""
    minutes %= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
