"""Bars for the report and the reveal panel: labelled stats, minutes per category beside the surveys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from game.tui.storytext import bar_content, literal, minutes_text
from game.tui.widgets.hanging import Fitted

if TYPE_CHECKING:
    from game.engine.report import Report, StatLine

STAT_BAR = 6  # the narrowest stat bar; a label wider than leaves room for it wraps
MINUTES_BAR = 8  # the narrowest minutes bar (two of them beside the surveys)
LONGEST_WORD = 16  # a label's word up to this long is never split across lines


def label_column(labels: list[str], room: int) -> int:
    """The label column's width: the longest label's when it fits in `room` cells; else `room`, and labels
    wrap between words (the column kept as wide as their longest word, within reason)."""
    longest = max((literal(label).cell_length for label in labels), default=0)
    word = max((literal(w).cell_length for label in labels for w in label.split()), default=0)
    return max(1, min(longest, max(min(word, LONGEST_WORD), room)))


def label_lines(label: str, width: int) -> list[Content]:
    """A label whole, in lines of `width` cells (broken between words where it can be), each padded to `width`."""
    lines = literal(label).wrap(width) or [Content("")]
    return [line.rstrip().pad_right(width - line.rstrip().cell_length) for line in lines]


def labelled(label: list[Content], first: Content) -> list[Content]:
    """`first` beside the label's first line; the label's other lines below it, alone."""
    return [Content.assemble(label[0], "  ", first), *label[1:]]


def stat_bars(stats: list[StatLine], width: int = 40) -> Content:
    """One line per stat: label, a bar from min to max, value / max; a label too long for the width wraps."""
    if not stats:
        return Content("")
    value_w = max(len(f"{s.value}/{s.max}") for s in stats)
    label_w = label_column([s.label for s in stats], width - value_w - 4 - STAT_BAR)
    bar_w = max(STAT_BAR, min(30, width - label_w - value_w - 4))
    lines: list[Content] = []
    for s in stats:
        row = Content.assemble(
            bar_content(s.value - s.min, s.max - s.min, bar_w),
            "  ",
            (f"{s.value}/{s.max}".rjust(value_w), "bold"),
        )
        lines += labelled(label_lines(s.label, label_w), row)
    return Content("\n").join(lines)


def minutes_chart(report: Report, width: int = 70) -> Content:
    """Minutes per category as bars; with survey figures, a second bar per category on the same scale.

    The label column is as wide as the longest label, so labels show whole; only when that would
    squeeze the bars below MINUTES_BAR cells does the column narrow and a long label wrap."""
    minutes = report.minutes
    if not minutes:
        return Content("")
    ref = report.reference_minutes
    labels = {c: report.category_labels.get(c, c) for c in minutes}
    scale = max([*minutes.values(), *ref.values(), 1])
    figures = [*minutes.values(), *ref.values(), report.total_minutes, sum(ref.values())]
    num_w = max(len(f" {minutes_text(m)}") for m in figures) + 1
    if ref:  # label, 2, bar, figure, 2, bar, figure (the last one needs no space after it)
        label_w = label_column(list(labels.values()), width - 2 * num_w - 3 - 2 * MINUTES_BAR)
        bar_w = max(4, min(24, (width - label_w - 2 * num_w - 3) // 2))
    else:
        label_w = label_column(list(labels.values()), width - num_w - 4 - MINUTES_BAR)
        bar_w = max(6, min(40, width - label_w - num_w - 4))
    rows: list[Content] = []
    if ref:
        label = str((report.reference or {}).get("label") or "")
        head = literal(label if 0 < len(label) <= bar_w + num_w else "typical day")
        rows.append(
            Content.assemble(
                " " * (label_w + 2),
                ("you".ljust(bar_w + num_w + 2), "bold $accent"),
                head.stylize("bold $secondary"),
            )
        )
    for cat, mins in minutes.items():
        row: list[str | Content | tuple[str, str]] = [
            bar_content(mins, scale, bar_w),
            (f" {minutes_text(mins)}".ljust(num_w), "bold"),
        ]
        if ref:
            r = ref.get(cat)
            row += [
                "  ",
                bar_content(r or 0, scale, bar_w, style="$secondary"),
                (f" {minutes_text(r)}" if r is not None else " \u2014", "$foreground-muted"),
            ]
        rows += labelled(label_lines(labels[cat], label_w), Content.assemble(*row))
    total = report.total_minutes
    ref_total = sum(ref.values()) if ref else None
    tail: list[str | Content | tuple[str, str]] = [
        (f"{'Total'.ljust(label_w)}  ", "bold"),
        " " * bar_w,
        (f" {minutes_text(total)}".ljust(num_w), "bold"),
    ]
    if ref_total:
        tail += ["  ", " " * bar_w, (f" {minutes_text(ref_total)}", "$foreground-muted")]
    rows.append(Content.assemble(*tail))
    return Content("\n").join(rows)


class StatBars(Widget):
    """The hidden stats, as bars that fit the width they are given."""

    DEFAULT_CSS = "StatBars { height: auto; }"

    def __init__(self, stats: list[StatLine], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.stats = stats

    def render(self) -> Fitted:
        return Fitted(lambda width: stat_bars(self.stats, width=max(20, width)))


class MinutesChart(Widget):
    """Minutes per category beside the survey figures, fitted to the width it is given."""

    DEFAULT_CSS = "MinutesChart { height: auto; }"

    def __init__(self, report: Report, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.report = report

    def render(self) -> Fitted:
        return Fitted(lambda width: minutes_chart(self.report, width=max(30, width)))
