"""The text parser's shortcuts give what their plain forms give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine.expr import Env
from game.engine.story import _NONSPACE, _SENTENCE_END, TextRules, _opens


def _opens_by_regex(s: str, begin: int, at: int, first: bool = True) -> bool:
    """`_opens` as it was: the sentence-end regex searched over the 40 characters before the insertion."""
    if _NONSPACE.search(s, begin, at) is None:
        return first
    return _SENTENCE_END.search(s, max(begin, at - 40), at) is not None


# the characters that decide it: stops, closing quotes and brackets, white space of every kind, and letters
_TEXT = st.text(alphabet=st.sampled_from(list("ab .!?\"')]\u201d\u2019 \t\n\r\u2028\u00a0\u3000x")), max_size=60)


@settings(max_examples=3000, deadline=None)
@given(_TEXT, st.data(), st.booleans())
def test_whether_an_insertion_starts_a_sentence_is_told_as_the_regex_tells_it(text, data, first):
    at = data.draw(st.integers(0, len(text)))
    begin = data.draw(st.integers(0, at))
    assert _opens(text, begin, at, first) == _opens_by_regex(text, begin, at, first)


def test_the_usual_cases():
    assert _opens("Done. {x}", 0, 6) and _opens("Done.\u201d {x}", 0, 7) and _opens("a\n\n {x}", 0, 4)
    assert not _opens("Then {x}", 0, 5) and not _opens("a\n {x}", 0, 3) and not _opens("Done.{x}", 0, 5)
    assert _opens("  {x}", 0, 2) and not _opens("  {x}", 0, 2, first=False)


_RULES = TextRules(
    frozenset({"lead", "team"}), Env(frozenset({"energy"}), frozenset()), lower=frozenset({"team"}), where="a scene"
)
_BRACED = st.sampled_from(["{", "}", "^", "lead", "team", "time", "x", "if energy: a", " | ", ". ", " "])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_BRACED, max_size=12).map("".join))
def test_a_text_with_a_brace_no_word_opens_goes_to_the_parser_as_before(text):
    """`_words_only` gives way at once on a `{` that opens no `{word}`: what it gives, and the sentence
    starts it notes, are what its whole loop gave."""
    import re

    import game.engine.story as story

    starts: list = []
    got = story._words_only(text, _RULES, starts)
    real = story._NOT_WORD_BRACE
    story._NOT_WORD_BRACE = re.compile(r"(?!)")  # never finds one: the loop alone decides
    try:
        before: list = []
        want = story._words_only(text, _RULES, before)
    finally:
        story._NOT_WORD_BRACE = real
    assert got == want and starts == before
