"""Story text made safe to show: always literal Content, never markup; paragraphs reflowed."""

from __future__ import annotations

from textual.content import Content

from game.prose import WRAPPED, clean, code_spans, paragraphs, reflow


def shown(text: str) -> str:
    """Story text as the TUI shows it: control characters dropped (`clean`), and the bidi marks and
    overrides that would reorder what is read written as visible escapes, as the plain player and CLI do."""
    from game.engine.safetext import terminal_safe  # here, not before the first frame: it draws no story text

    return terminal_safe(clean(text))


def literal(text: str, style: str = "") -> Content:
    """Story text exactly as written: `[/]` or `[@click=...]` are characters, not markup."""
    content = Content(shown(text))
    return content.stylize(style) if style else content


CODE_STYLE = "$text-secondary on $boost"


def prose(text: str, style: str = "") -> Content:
    """Story text shown literally, except that `code` between a matched pair of backticks on one
    line is styled as code (the backticks dropped), as the story format says."""
    spans = code_spans(shown(text))
    if len(spans) == 1 and not spans[0][1]:
        return literal(text, style)
    content = Content.assemble(*((part, CODE_STYLE) if code else part for part, code in spans))
    return content.stylize(style) if style else content


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


__all__ = [
    "WRAPPED",
    "bar",
    "bar_content",
    "clean",
    "literal",
    "minutes_text",
    "paragraphs",
    "prose",
    "reflow",
    "shown",
]
