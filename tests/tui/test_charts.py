"""The report's bars: every label shown whole, on one line when the width allows, wrapped between words when not."""

from __future__ import annotations

import pytest

from game.engine.report import Report, StatLine
from game.tui.widgets.charts import minutes_chart, stat_bars

# the shipped story's labels: the longest is 33 characters
LABELS = {
    "meetings": "Meetings (at a screen)",
    "focus": "Focused work (at a screen)",
    "messages": "Messages and email (at a screen)",
    "support": "Support and helping (at a screen)",
    "break": "Away from the screen",
}


def report(reference: bool = True) -> Report:
    minutes = {"meetings": 155, "focus": 0, "messages": 235, "support": 35, "break": 76}
    survey = {"label": "typical day", "minutes": {"meetings": 115, "focus": 110, "messages": 35, "support": 25}}
    return Report(
        story_title="Day Job",
        seed="s",
        short=False,
        ended=True,
        ending_id="e",
        ending_title="E",
        ending_text="",
        debrief=[],
        clock_out="17:30",
        stats=[],
        minutes=minutes,
        category_labels=LABELS,
        reference=survey if reference else None,
        timeline=[],
    )


@pytest.mark.parametrize("reference", [True, False])
def test_at_eighty_columns_every_label_is_whole_on_its_own_line(reference):
    # the report's chart is 70 cells wide in an 80-column terminal
    lines = minutes_chart(report(reference), width=70).plain.splitlines()
    assert "\u2026" not in "\n".join(lines)
    for label in LABELS.values():
        assert any(line.startswith(label + "  ") for line in lines), label
    assert max(len(line.rstrip()) for line in lines) <= 70


@pytest.mark.parametrize("width", [44, 50, 60])
def test_a_narrow_chart_wraps_labels_between_words_and_keeps_every_word(width):
    lines = minutes_chart(report(), width=width).plain.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= width
    words = " ".join(line.split("  ")[0].strip() for line in lines[1:] if line.strip())
    for label in LABELS.values():
        assert label in words, label  # its words in order, none cut
    assert "\u2026" not in "\n".join(lines)
    # the bars stay on the label's first line: one row of bars per category, and the total
    assert sum("\u2591" in line or "\u2588" in line for line in lines) == len(LABELS)


def test_a_long_stat_label_is_shown_whole():
    stats = [StatLine("trust", "Trust of the people you work with", 5, 0, 10), StatLine("energy", "Energy", 7, 0, 10)]
    text = stat_bars(stats, width=70).plain
    assert "Trust of the people you work with  " in text and "\u2026" not in text
    narrow = stat_bars(stats, width=26).plain.splitlines()
    assert max(len(line.rstrip()) for line in narrow) <= 26
    assert " ".join(line.split("  ")[0].strip() for line in narrow).startswith("Trust of the people you work with")
