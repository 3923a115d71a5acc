"""Words for numbers and times, capitals, and code spans: text helpers the engine and front ends share."""

from __future__ import annotations

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
    # remembered: a day capitalises the same few words and phrases at every step
    got = _CAPITALISED.get(text)
    if got is None:
        got = _capitalised(text)
        if len(_CAPITALISED) < 4096:  # words set by choices take a few values each; bounded all the same
            _CAPITALISED[text] = got
    return got


def _capitalised(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if not ch.isspace() and ch not in "\"'\u201c\u2018(":
            return text
    return text


_CAPITALISED: dict[str, str] = {}  # a text -> the same with its first letter in capitals (`capitalise`)
