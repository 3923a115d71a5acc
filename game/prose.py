"""Story text as plain strings for any front end (the TUI and the plain player): control characters removed, paragraphs reflowed.

It lives beside the tools, not in the engine, so the TUI can import it before the first frame without the engine.
"""

from __future__ import annotations

import re

# C0 and C1 control characters other than newline and tab: a story must never move the
# terminal's cursor or change its modes (YAML's "\e" escape can put an ESC in a string).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022>]|\d+[.)])\s")

WRAPPED = 50  # a line at least this long that goes on in the next one was wrapped by the writer's editor


def clean(text: str) -> str:
    """Text with control characters removed (tabs become spaces)."""
    return _CONTROL.sub("", text.replace("\t", "    ").replace("\r\n", "\n"))


def reflow(paragraph: str) -> str:
    """Join a paragraph's hard-wrapped lines so it wraps to the window; keep short lines, lists, indents."""
    lines = paragraph.split("\n")
    out: list[str] = []
    for line in lines:
        if (
            out
            and line.strip()
            and len(out[-1]) >= WRAPPED
            and not _LIST_ITEM.match(line)
            and not line.startswith("  ")
        ):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each reflowed."""
    return [reflow(p.strip("\n")) for p in re.split(r"\n\s*\n", clean(text)) if p.strip()]


_CODE = re.compile(r"`([^`\n]+)`")


def code_spans(text: str) -> list[tuple[str, bool]]:
    """The text in pieces, each marked True where it was written between a matched pair of backticks
    on one line (the backticks themselves dropped); a lone backtick stays as written."""
    if "`" not in text:
        return [(text, False)]
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _CODE.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(1), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def unticked(text: str) -> str:
    """Text with each matched pair of backticks on one line dropped (their code kept), as the plain player shows it."""
    return "".join(part for part, _ in code_spans(text))
