"""Text made safe for a terminal: control, bidi and unencodable characters shown as visible escapes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any, TextIO

# C0 controls but tab and newline, DEL, C1 (U+009B is an 8-bit CSI to some terminals), the bidi
# marks, embeddings, overrides and isolates (they reorder what is shown: "Trojan Source"), line and
# paragraph separators, and lone surrogates (undecodable bytes in a file name: printing one raises).
UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"


@cache
def _unsafe(one_line: bool) -> re.Pattern[str]:
    """The pattern of what is escaped, compiled on first use: compiling both took ~2 ms of every start of
    the TUI, which imports this module with the story (bench/bench_startup.py) and prints nothing."""
    return re.compile(f"[{UNSAFE}\n]" if one_line else f"[{UNSAFE}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: object, *, one_line: bool = False) -> str:
    """`text` with every character that could steer a terminal written as a visible `\\x1b`-style escape."""
    s = text if isinstance(text, str) else str(text)
    if s.isprintable():  # every character escaped, and the line break, is one `isprintable` refuses
        return s  # most text: no pattern to compile (on the title screen) or run
    return _unsafe(one_line).sub(_visible, s)


class SafeStream:
    """A text stream that passes every write through `terminal_safe`; everything else goes to `raw`."""

    def __init__(self, raw: TextIO):
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)
