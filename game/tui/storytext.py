"""Story text made safe to show: always literal Content, never markup; paragraphs reflowed."""

from __future__ import annotations

import re

from textual.content import Content

# C0 and C1 control characters other than newline and tab: a story must never move the
# terminal's cursor or change its modes (YAML's "\e" escape can put an ESC in a string).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022>]|\d+[.)])\s")


def clean(text: str) -> str:
    """Text with control characters removed (tabs become spaces)."""
    return _CONTROL.sub("", text.replace("\t", "    ").replace("\r\n", "\n"))


def literal(text: str, style: str = "") -> Content:
    """Story text exactly as written: `[/]` or `[@click=...]` are characters, not markup."""
    content = Content(clean(text))
    return content.stylize(style) if style else content


WRAPPED = 50  # a line at least this long that goes on in the next one was wrapped by the writer's editor


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


def bar(value: int, total: int, width: int) -> tuple[str, str]:
    """A bar in two parts (filled, empty) of `width` cells together."""
    if width <= 0:
        return "", ""
    if total <= 0:
        return "", "\u2591" * width
    filled = round(width * max(0, min(value, total)) / total)
    return "\u2588" * filled, "\u2591" * (width - filled)


def bar_content(value: int, total: int, width: int, style: str = "$accent", empty: str = "$foreground 30%") -> Content:
    full, rest = bar(value, total, width)
    return Content.assemble((full, style), (rest, empty))


def minutes_text(minutes: int) -> str:
    """`25 min`, `1 h 05`."""
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"
