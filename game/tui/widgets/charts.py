"""Bars for the report and the reveal panel: labelled stats, minutes per category beside the surveys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widget import Widget

from game.tui.storytext import bar_content, literal, minutes_text

if TYPE_CHECKING:
    from game.engine.report import Report, StatLine


def stat_bars(stats: list[StatLine], width: int = 40) -> Content:
    """One line per stat: label, a bar from min to max, value / max."""
    if not stats:
        return Content("")
    label_w = min(max(len(s.label) for s in stats), 18)
    value_w = max(len(f"{s.value}/{s.max}") for s in stats)
    bar_w = max(6, min(30, width - label_w - value_w - 4))
    lines = []
    for s in stats:
        lines.append(
            Content.assemble(
                literal(s.label).truncate(label_w, ellipsis=True, pad=True),
                "  ",
                bar_content(s.value - s.min, s.max - s.min, bar_w),
                "  ",
                (f"{s.value}/{s.max}".rjust(value_w), "bold"),
            )
        )
    return Content("\n").join(lines)


def minutes_chart(report: Report, width: int = 70) -> Content:
    """Minutes per category as bars; with survey figures, a second bar per category on the same scale."""
    minutes = report.minutes
    if not minutes:
        return Content("")
    ref = report.reference_minutes
    labels = {c: report.category_labels.get(c, c) for c in minutes}
    label_w = min(max(len(v) for v in labels.values()), 22)
    scale = max([*minutes.values(), *ref.values(), 1])
    num_w = 9
    if ref:
        bar_w = max(4, min(24, (width - label_w - 2 * num_w - 6) // 2))
    else:
        bar_w = max(6, min(40, width - label_w - num_w - 4))
    rows = []
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
            literal(labels[cat]).truncate(label_w, ellipsis=True, pad=True),
            "  ",
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
        rows.append(Content.assemble(*row))
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

    def render(self) -> Content:
        return stat_bars(self.stats, width=max(20, self.content_size.width or 40))


class MinutesChart(Widget):
    """Minutes per category beside the survey figures, fitted to the width it is given."""

    DEFAULT_CSS = "MinutesChart { height: auto; }"

    def __init__(self, report: Report, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.report = report

    def render(self) -> Content:
        return minutes_chart(self.report, width=max(30, self.content_size.width or 66))
