"""Words for numbers and times, code spans, and wrapping: text helpers every front end shares."""

from __future__ import annotations

import re
import textwrap

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """A whole number as it is said: 7 -> "seven", 42 -> "forty-two", 130 -> "a hundred and thirty"."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "a hundred" if hundreds == 1 else f"{_ONES[hundreds]} hundred"
        return head + (f" and {number_words(rest)}" if rest else "")
    return f"{n:,}"


def _hour_words(hour: int) -> str:
    return _ONES[hour % 12 or 12]


def time_words(minutes: int) -> str:
    """The time as a person says it: "ten past three", "quarter to four", "half past eight", "noon"."""
    minutes %= 24 * 60
    hour, minute = divmod(minutes, 60)
    if minute == 0:
        if hour == 12:
            return "noon"
        if hour == 0:
            return "midnight"
        return f"{_hour_words(hour)} o'clock"
    if minute <= 30:
        amount, word, of = minute, "past", hour
    else:
        amount, word, of = 60 - minute, "to", hour + 1
    if amount == 15:
        spoken = "quarter"
    elif amount == 30:
        spoken = "half"
    elif amount % 5 == 0:
        spoken = number_words(amount)
    else:
        spoken = f"{number_words(amount)} minute" + ("s" if amount != 1 else "")
    target = "noon" if of % 24 == 12 else "midnight" if of % 24 == 0 else _hour_words(of)
    return f"{spoken} {word} {target}"


def capitalise(text: str) -> str:
    """The text with its first letter in capitals (the rest as it is)."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if not ch.isspace() and ch not in "\"'\u201c\u2018(":
            return text
    return text


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


def drop_backticks(text: str) -> str:
    """Text with its code spans' backticks removed (how a player without styles reads it)."""
    if "`" not in text:
        return text
    return _CODE.sub(r"\1", text)


_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022>]|\d+[.)])\s")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
WRAPPED = 50  # a line at least this long that goes on in the next one was wrapped by the writer's editor


def paragraph_lines(paragraph: str) -> list[str]:
    """A paragraph's lines as written to be read: lines the writer's editor wrapped are joined again;
    short lines (a chat log, an address), list items and indented lines keep their own line."""
    out: list[str] = []
    for line in paragraph.split("\n"):
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
    return out


def wrap(text: str, width: int) -> str:
    """Text (already rendered: words inserted, conditions picked) wrapped to `width` columns.

    Wrapping happens after insertion, so an inserted word can never push a line past the width;
    paragraphs stay apart, a writer's hard-wrapped lines are joined first, list items and indented
    lines start their own line. A width below 1 leaves every paragraph on one line."""
    out: list[str] = []
    for para in _PARAGRAPHS.split(text.strip("\n")):
        if not para.strip():
            continue
        lines: list[str] = []
        for line in paragraph_lines(para):
            if width < 1 or len(line) <= width:
                lines.append(line)
                continue
            indent = line[: len(line) - len(line.lstrip())]
            item = _LIST_ITEM.match(line)
            hang = " " * len(item.group(0)) if item else indent
            lines.extend(
                textwrap.wrap(
                    line.strip(),
                    width,
                    initial_indent=indent,
                    subsequent_indent=hang,
                    break_long_words=True,
                    break_on_hyphens=False,
                )
                or [""]
            )
        out.append("\n".join(lines))
    return "\n\n".join(out)
