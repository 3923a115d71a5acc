"""A new day's seed: short enough to read aloud and type; apart from the rules so the title screen needs no more."""

from __future__ import annotations

import os

SEED_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0 or 1: nothing to mistake when read aloud
assert len(SEED_ALPHABET) == 32  # a random byte's low five bits pick a letter, each as likely as the others


def new_seed() -> str:
    """A short seed people can read aloud and type: six letters and digits, from the system's random bytes.

    `os.urandom`, as `secrets` reads it, without importing `secrets` (and `random`) on the title screen.
    """
    return "".join(SEED_ALPHABET[b & 31] for b in os.urandom(6))
