"""The end-of-day report: what happened, revealed; as data and as Markdown."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from game.engine.expr import format_time


@dataclass(frozen=True)
class StatLine:
    name: str
    label: str
    value: int
    min: int
    max: int


@dataclass(frozen=True)
class Moment:
    clock: str
    scene: str
    title: str
    choice: str
    choice_text: str
    kind: str  # scene, appointment or interruption


@dataclass
class Report:
    """Everything a front end shows once the day is over (or so far, if it is not)."""

    story_title: str
    seed: str
    short: bool
    ended: bool
    ending_id: str | None
    ending_title: str
    ending_text: str
    debrief: list[str]
    clock_out: str
    stats: list[StatLine]
    minutes: dict[str, int]
    category_labels: dict[str, str]
    reference: dict | None
    timeline: list[Moment]
    choices: list[str] = field(default_factory=list)
    credits: str = ""
    outcome: str | None = None  # what the day's last choice did, shown before the ending

    @property
    def share_line(self) -> str:
        mode = " (short day)" if self.short else ""
        return f"Day Job{mode}: \u201c{self.ending_title}\u201d \u2014 clocked out at {self.clock_out} \u2014 seed {self.seed}"

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes.values())

    @property
    def reference_scale(self) -> float:
        """The survey figures describe a whole day; a shorter (or longer) day is compared with them
        scaled to its length (1.0 when the two lengths are within a tenth of each other). Only the
        categories the survey lists count on both sides, so a survey of some categories is not
        stretched over the day's others."""
        ref = (self.reference or {}).get("minutes") or {}
        total, ref_total = sum(self.minutes.get(c, 0) for c in ref), sum(ref.values())
        if not ref_total or not total or abs(total - ref_total) <= ref_total * 0.1:
            return 1.0
        return total / ref_total

    @property
    def reference_minutes(self) -> dict[str, int]:
        """The survey's minutes per category, scaled to the length of this day (see reference_scale)."""
        scale = self.reference_scale
        return {c: round(v * scale) for c, v in ((self.reference or {}).get("minutes") or {}).items()}

    def to_dict(self) -> dict:
        data = asdict(self)
        data["share_line"] = self.share_line
        return data

    def markdown(self) -> str:
        """The report as a Markdown document a player can keep or share."""
        out = [
            f"# {self.story_title}: {self.ending_title}",
            "",
            self.ending_text.strip(),
            "",
            f"> {self.share_line}",
            "",
            "## How you ended the day",
            "",
        ]
        for s in self.stats:
            out.append(f"- **{s.label}**: {s.value} / {s.max} `{bar(s.value - s.min, s.max - s.min, 20)}`")
        scaled = self.reference_scale != 1.0
        label = (self.reference or {}).get("label") or ""
        out += [
            "",
            "## Where the minutes went",
            "",
            "| | you | " + label + (" (scaled to your day)" if scaled else "") + " |",
            "|---|---:|---:|",
        ]
        reference = self.reference_minutes
        for cat, mins in self.minutes.items():
            ref = reference.get(cat)
            out.append(f"| {self.category_labels.get(cat, cat)} | {mins} min | {'' if ref is None else f'{ref} min'} |")
        survey_total = f"{sum(reference.values())} min" if reference and not scaled else ""
        out.append(f"| **Total** | {self.total_minutes} min | {survey_total} |")
        if self.reference and self.reference.get("source"):
            listed = sum(self.minutes.get(c, 0) for c in self.reference["minutes"])
            note = (
                f" Scaled to the length of your day ({listed} minutes in these categories against their "
                f"{sum(self.reference['minutes'].values())})."
                if scaled
                else ""
            )
            out += ["", f"_{self.reference['source'].strip()}{note}_"]
        out += ["", "## The day", ""]
        for m in self.timeline:
            tag = {"appointment": " (appointment)", "interruption": " (interruption)"}.get(m.kind, "")
            out.append(f"- {m.clock} — {m.title}{tag}: {m.choice_text}")
        if self.debrief:
            out += ["", "## To talk about", ""]
            out += [f"{i}. {q}" for i, q in enumerate(self.debrief, 1)]
        out.append("")
        return "\n".join(out)


def bar(value: int, total: int, width: int) -> str:
    """A text bar of `width` cells, filled in proportion."""
    if total <= 0:
        return "░" * width
    filled = round(width * max(0, min(value, total)) / total)
    return "█" * filled + "░" * (width - filled)


def build_report(game) -> Report:
    story = game.story
    st = game.state
    words = st.words
    ending = game.ending
    timeline = []
    for scene_id, choice_id, clock, arrival in st.history:
        scene = story.scenes.get(scene_id)
        if scene is None:
            continue
        choice = next((c for c in scene.choices if c.id == choice_id), None)
        timeline.append(
            Moment(
                format_time(clock),
                scene_id,
                scene.title.render(words),
                choice_id,
                choice.text.render(words) if choice else "Carry on",
                scene.kind if arrival in ("appointment", "interruption") else "scene",
            )
        )
    return Report(
        story_title=story.title,
        seed=game.seed,
        short=game.short,
        ended=game.ended,
        ending_id=ending.id if ending else None,
        ending_title=ending.title.render(words) if ending else "The day is not over",
        ending_text="\n\n".join(game.paragraphs) if ending else "",  # with the variants that hold
        debrief=list(ending.debrief) if ending else [],
        clock_out=format_time(st.clock),
        stats=[StatLine(s.name, s.label, st.stats[s.name], s.min, s.max) for s in story.stats.values()],
        minutes={c: st.minutes.get(c, 0) for c in story.categories},
        category_labels=dict(story.category_labels),
        reference=story.reference,
        timeline=timeline,
        choices=[h[1] for h in st.history],
        credits=story.credits,
        outcome=game.outcome if ending else None,
    )
