"""Times of day as minutes since midnight: the one pattern, parser and formatter of "HH:MM"."""

from __future__ import annotations

import re

# the story format's times (engine/model.py validates them with it, and the JSON schema shows it)
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
TIME = re.compile(TIME_PATTERN)
MINUTES_PER_DAY = 24 * 60


def parse_time(text: str) -> int | None:
    """Minutes since midnight for "HH:MM", or None."""
    return int(text[:2]) * 60 + int(text[3:]) if TIME.match(text) else None


def format_time(minutes: int) -> str:
    """ "HH:MM" for minutes since midnight (days wrap)."""
    minutes %= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
