"""Hash functions from CPython's own hash modules, not OpenSSL's, for what runs on the way to the title screen.

Importing `hashlib` loads OpenSSL's libcrypto and initialises it: about 3 ms of CPU on every start of the
game (bench/bench_startup.py), which hashes a few hundred kilobytes (the compiled-story cache's key and
check, a save's name, a shuffle's seed). The same functions, giving the same digests, are built into
CPython as `_sha1`, `_sha256` and `_blake2`; where one is missing, `hashlib`'s is used.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, Protocol


class Hash(Protocol):
    """What the engine uses of a hash object."""

    def update(self, data: bytes, /) -> None: ...
    def digest(self) -> bytes: ...
    def hexdigest(self) -> str: ...


def _builtin(module: str, name: str) -> Callable[..., Hash]:
    """`name` from CPython's own hash module, else from hashlib (the same digests either way)."""
    try:
        found: Any = getattr(import_module(module), name)
    except (ImportError, AttributeError):  # pragma: no cover - a Python built without its own hashes
        found = getattr(import_module("hashlib"), name)
    return found  # type: ignore[no-any-return]


sha1 = _builtin("_sha1", "sha1")
sha256 = _builtin("_sha256", "sha256")
blake2b = _builtin("_blake2", "blake2b")  # keyed (`key=`), BLAKE2's own MAC mode: no HMAC construction needed

__all__ = ["Hash", "blake2b", "sha1", "sha256"]
