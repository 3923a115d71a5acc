"""A new day's seed: short enough to read aloud and type; apart from the rules so the title screen needs no more."""

from __future__ import annotations

import secrets

SEED_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0 or 1: nothing to mistake when read aloud


def new_seed() -> str:
    """A short seed people can read aloud and type: six letters and digits."""
    return "".join(secrets.choice(SEED_ALPHABET) for _ in range(6))
