"""Story text as plain strings for any front end: control characters removed, paragraphs reflowed."""

from __future__ import annotations

import re

# C0 and C1 control characters other than newline and tab: a story must never move the
# terminal's cursor or change its modes (YAML's "\e" escape can put an ESC in a string).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022>]|\d+[.)])\s")
_BACKTICKS = re.compile(r"`([^`\n]+)`")

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


def unticked(text: str) -> str:
    """Text with each matched pair of backticks on one line dropped (their code kept), as the plain player shows it."""
    return _BACKTICKS.sub(r"\1", text)
