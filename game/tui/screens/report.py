"""The end-of-day report: the ending, the hidden stats revealed, where the minutes went, the day, the debrief."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from game.tui.css import STYLES
from game.tui.screens import ScreenName, fold_for_size
from game.tui.storytext import literal, paragraphs, prose
from game.tui.widgets.charts import MinutesChart, StatBars
from game.tui.widgets.day_header import DayHeader
from game.tui.widgets.footer import QuietFooter
from game.tui.widgets.hanging import Hanging, Stack
from game.tui.widgets.text_scroll import TextScroll

if TYPE_CHECKING:
    from textual.visual import Visual

    from game.engine.report import Report
    from game.tui.app import DayJobApp


def timeline_content(report: Report) -> Visual:
    """Each choice of the day at its time: the scene (and what kind), then what you chose."""
    rows: list[Visual] = []
    for m in report.timeline:
        tag = {
            "appointment": ("  meeting", "$secondary"),
            "interruption": ("  interruption", "$warning"),
        }.get(m.kind)
        body = Content.assemble(
            literal(m.title).stylize("bold"),
            tag or "",
            "\n",
            literal(m.choice_text).stylize("$foreground-muted"),
        )
        rows.append(Hanging(Content.styled(m.clock, "bold $accent"), body, 7))
    if not rows:
        return Content.styled("No choices were made.", "$foreground-muted")
    return Stack(rows)


def debrief_content(questions: list[str]) -> Visual:
    return Stack(
        [Hanging(Content.styled(f"{i}.", "bold $accent"), literal(q), 4) for i, q in enumerate(questions, 1)],
        gap=1,
    )


def movers_content(report: Report) -> Visual | None:
    """For each stat, the choices that moved it most: the change, what you chose, where."""
    rows: list[Visual] = []
    for stat in report.stats:
        moves = report.movers.get(stat.name) or []
        if not moves:
            continue
        lines = [
            Content.assemble(
                (f"{m.delta:+d} ", "bold $success" if m.delta > 0 else "bold $error"),
                literal(m.choice_text),
                (f" (×{m.times})" if m.times > 1 else "", "$foreground-muted"),
                (" · ", "$foreground-muted"),
                literal(m.title).stylize("$foreground-muted"),
            )
            for m in moves
        ]
        rows.append(Hanging(literal(stat.label).stylize("bold"), Content("\n").join(lines), 12))
    return Stack(rows) if rows else None


def spent_content(report: Report) -> Visual | None:
    """Each category's minutes ("Meetings 80"), and under it the scenes that spent them with the choices
    made there ("Stand-up 15 · Give a crisp update")."""
    rows: list[Visual] = []
    muted = "$foreground-muted"
    for cat, mins in report.minutes.items():
        spent = report.spent.get(cat) or []
        if not spent:
            continue
        label = literal(report.category_labels.get(cat, cat)).stylize("bold")
        rows.append(Content.assemble(label, (f" {mins}", "bold $accent")))
        for row in spent:
            taken = Content("; ").join(
                Content.assemble(literal(text), (f" \u00d7{n}" if n > 1 else "", muted)) for text, n in row.taken()
            )
            parts: list[Content | tuple[str, str]] = [literal(row.title), (f" {row.minutes}", "bold")]
            if row.choices:
                parts += [(" \u00b7 ", muted), taken.stylize(muted)]
            rows.append(Hanging(Content(""), Content.assemble(*parts), 2))
    return Stack(rows) if rows else None


def reference_note(report: Report) -> Content | None:
    """Under the chart: what the second column is and where its figures come from."""
    ref = report.reference or {}
    if not ref:
        return None
    parts = [literal(str(ref.get("label") or "Surveys")).stylize("bold")]
    if report.reference_scale != 1.0:
        parts.append(Content(", scaled to the length of your day"))
    parts.append(Content(". "))
    source = " ".join(str(ref.get("source") or "").split())
    if source:
        parts.append(literal(source))
    return Content.assemble(*parts).stylize("italic $foreground-muted")


class ReportScreen(Screen):
    """The day is over: what happened, revealed, and what to talk about."""

    CSS_PATH = STYLES / "report.tcss"

    app: DayJobApp

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "save_report", "Save report"),
        Binding("c", "copy_share", "Copy line"),
        Binding("n", "new_day", "New day"),
        Binding("u", "undo", "Undo", show=False),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("escape", "menu", "Menu", show=False),
    ]

    # mounted first here: their default CSS is read on the title screen (game/tui/css.py)
    PRELOAD_WIDGETS: ClassVar[tuple[type[Widget], ...]] = (Button, StatBars, MinutesChart)

    _resumed = False
    _resized = False

    def __init__(self, report: Report, *, stopped: bool = False) -> None:
        super().__init__(name=ScreenName.REPORT)
        self.report = report
        self.stopped = stopped  # the workshop's round ended the day before the day did

    def compose(self) -> ComposeResult:
        fold_for_size(self)
        r = self.report
        yield DayHeader(id="day-header")
        with TextScroll(id="report-scroll"), Vertical(id="report-column"):
            if r.outcome:  # what the last choice did, before the ending it led to
                yield Static(Content("\n\n").join(prose(p) for p in paragraphs(r.outcome)), id="outcome")
            kicker = "The round is over" if self.stopped else "The end of the day"
            yield Static(Content.styled(kicker, "$foreground-muted"), id="report-kicker")
            yield Static(prose(r.ending_title), id="ending-title")
            yield Static(
                Content("\n\n").join(prose(p) for p in paragraphs(r.ending_text)),
                id="ending-text",
            )
            yield Static(literal(r.share_line), id="share-line")
            yield Static(
                Content.styled(
                    "\u2193 Below: the hidden stats, where your minutes went, your day, questions to talk about.",
                    "$foreground-muted",
                ),
                id="report-below",
            )
            yield from self._details()
        yield QuietFooter(at_once=True)

    def _details(self):
        """The charts, timeline and questions, below the ending (in the same layout and frame: mounted after
        it, they cost more, in layouts and frames of their own, than they saved)."""
        r = self.report
        yield Static("How you ended the day", classes="section")
        yield Static(
            Content.styled("The stats the game kept hidden while you played.", "$foreground-muted"),
            classes="section-note",
        )
        yield StatBars(r.stats, id="stat-bars", classes="chart")
        movers = movers_content(r)
        if movers is not None:
            yield Static(Content.styled("What moved them most", "bold"), classes="subsection")
            yield Static(movers, id="stat-movers")
        yield Static("Where the minutes went", classes="section")
        yield MinutesChart(r, id="minutes-chart", classes="chart")
        note = reference_note(r)
        if note is not None:
            yield Static(note, classes="section-note")
        spent = spent_content(r)
        if spent is not None:
            yield Static(Content.styled("Where each category's minutes came from", "bold"), classes="subsection")
            yield Static(spent, id="minutes-spent")
        yield Static("Your day", classes="section")
        yield Static(timeline_content(r), id="timeline")
        if r.terms:
            yield Static("Terms you met", classes="section")
            yield Static(
                Content.styled("The words of the job this day used, and what they mean.", "$foreground-muted"),
                classes="section-note",
            )
            yield Static(
                Stack([Hanging(literal(t.term).stylize("bold $accent"), literal(t.means), 18) for t in r.terms], gap=1),
                id="report-terms",
            )
        if r.debrief:
            yield Static("To talk about", classes="section")
            yield Static(debrief_content(r.debrief), id="debrief")
        saved = Static(id="report-saved")
        saved.display = False  # until a report is saved
        yield saved
        yield Horizontal(
            Button("Save report", id="save-report", variant="primary"),
            Button("New day", id="new-day"),
            Button("Quit", id="quit"),
            id="report-buttons",
        )

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Before Textual's own handler: the first time, the screen was styled as it mounted, just now."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False  # restyling all of it again cost ~6 ms before the first frame

    async def _on_resize(self, event: events.Resize) -> None:
        """Before Textual's own handler, which lays this screen (and the title under it) out again at the
        size they were just laid out at when the screen's own first layout sends it its first Resize."""
        if not self._resized and event.size == self._compositor.size:
            event.prevent_default()  # its size classes were set in compose; a layout asked for meanwhile is
            event.stop()  # done on the next frame, as always
        self._resized = True

    def on_mount(self) -> None:
        game = self.app.game
        if game is not None:
            self.query_one(DayHeader).show_game(game)
        self.query_one("#report-scroll").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {
            "save-report": self.action_save_report,
            "new-day": self.action_new_day,
            "quit": lambda: self.app.exit(0),
        }[event.button.id or "quit"]()

    def action_save_report(self) -> None:
        path = self.app.save_report()
        if path is None:
            return
        for saved in self.query("#report-saved").results(Static):
            # none yet if the key came before the screen mounted; the app's notice says it either way. The file's
            # name and its folder each start a line, so a long folder never splits the name, and the
            # whole path is on the clipboard to paste
            saved.update(saved_where(path))
            saved.display = True

    def action_copy_share(self) -> None:
        self.app.copy_to_clipboard(self.report.share_line)
        self.app.notify("The share line is on your clipboard (if your terminal allows it).", markup=False)

    def action_new_day(self) -> None:
        self.app.show_title(new_seed=not self.app.options.locked)  # a served day replays its seed

    def action_undo(self) -> None:
        self.app.undo()

    def action_menu(self) -> None:
        self.app.show_title()


def saved_where(path: Path) -> Content:
    """Where a file was saved: its name on one line, its folder on the next (copied whole to the clipboard)."""
    return Content.assemble(
        ("Report saved as ", "$success"),
        literal(path.name).stylize("bold"),
        ("\nin the folder ", "$success"),
        literal(str(path.parent)),
        ("\n(the full path is on your clipboard)", "$foreground-muted"),
    )
