"""The end-of-day report: what happened, revealed; as data and as Markdown."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from game.engine.clock import format_time
from game.engine.state import CARRY_ON, DayState

if TYPE_CHECKING:
    from game.engine.game import Game
    from game.engine.story import Story


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


@dataclass(frozen=True)
class Spent:
    """Minutes one scene spent on a category, and the choices made there that spent them."""

    scene: str
    title: str
    minutes: int
    choices: list[str]  # each choice's words, in the order taken
    choice_ids: list[str] = field(default_factory=list)  # the same choices by id (results keep ids, not words)

    def taken(self) -> list[tuple[str, int]]:
        """The choices made here, each once with how many times it was taken, in the order first taken."""
        return list(Counter(self.choices).items())


@dataclass(frozen=True)
class Move:
    """One choice's effect on a stat over the day, as it happened (limits applied), however often it was taken."""

    clock: str  # the first time it was taken
    scene: str
    title: str
    choice: str
    choice_text: str
    delta: int
    times: int = 1


@dataclass(frozen=True)
class TermLine:
    """A glossary term the day used, and what it means."""

    id: str
    term: str
    means: str


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
    reference: dict[str, Any] | None
    timeline: list[Moment]
    choices: list[str] = field(default_factory=list)
    credits: str = ""
    # each category's minutes by the scene that spent them (they add up to `minutes`), first spent first
    spent: dict[str, list[Spent]] = field(default_factory=dict)
    # for each stat, the choices that moved it most (largest first, at most MOVERS)
    movers: dict[str, list[Move]] = field(default_factory=dict)
    # the glossary terms the player met, in the order met (the ending's own terms last)
    terms: list[TermLine] = field(default_factory=list)
    outcome: str | None = None  # what the day's last choice did, shown before the ending

    def spent_line(self, category: str, choices: bool = False) -> str:
        """`Stand-up 15, Design review 35` for one category (empty when nothing was spent on it); with
        `choices`, each scene's choices after it: `Stand-up 15 (Ramble), Your desk 80 (Read the docs; Work ×2)`."""

        def scene(s: Spent) -> str:
            said = "; ".join(text + (f" ×{n}" if n > 1 else "") for text, n in s.taken())
            return f"{s.title} {s.minutes}" + (f" ({said})" if choices and said else "")

        return ", ".join(scene(s) for s in self.spent.get(category, ()))

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
        ref: dict[str, int] = (self.reference or {}).get("minutes") or {}
        total, ref_total = sum(self.minutes.get(c, 0) for c in ref), sum(ref.values())
        if not ref_total or not total or abs(total - ref_total) <= ref_total * 0.1:
            return 1.0
        return total / ref_total

    @property
    def reference_minutes(self) -> dict[str, int]:
        """The survey's minutes per category, scaled to the length of this day (see reference_scale)."""
        scale = self.reference_scale
        return {c: round(v * scale) for c, v in ((self.reference or {}).get("minutes") or {}).items()}

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["share_line"] = self.share_line
        return data

    # long: the Markdown report, section by section in the order it prints
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
        if any(self.spent.values()):
            out += ["", "## Where each category's minutes came from", ""]
            for cat, rows in self.spent.items():
                if rows:
                    label = self.category_labels.get(cat, cat)
                    out.append(f"- **{label}** {self.minutes.get(cat, 0)} min: {self.spent_line(cat, choices=True)}")
        if any(self.movers.values()):
            out += ["", "## What moved your stats most", ""]
            labels = {s.name: s.label for s in self.stats}
            for name, moves in self.movers.items():
                if moves:
                    said = "; ".join(
                        f"{m.choice_text}{f' (×{m.times})' if m.times > 1 else ''} ({m.title}) {m.delta:+d}"
                        for m in moves
                    )
                    out.append(f"- **{labels.get(name, name)}**: {said}")
        out += ["", "## The day", ""]
        for m in self.timeline:
            tag = {"appointment": " (appointment)", "interruption": " (interruption)"}.get(m.kind, "")
            out.append(f"- {m.clock} — {m.title}{tag}: {m.choice_text}")
        if self.terms:
            out += ["", "## Terms you met", ""]
            out += [f"- **{t.term}**: {t.means}" for t in self.terms]
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


MOVERS = 3  # choices named per stat in "what moved your stats most"
EARLIER = "Before the story was edited"  # minutes the history can no longer place (the story changed)


def minutes_spent(story: Story, state: DayState) -> dict[str, list[Spent]]:
    """Each category's minutes by scene, from the day's history; they always add up to the state's totals."""
    per: dict[str, dict[str, list[Any]]] = {c: {} for c in state.minutes}  # scene -> [title, minutes, texts, ids]
    words = state.words
    for step in state.history:
        scene_id, choice_id = step.scene, step.choice
        scene = story.scenes.get(scene_id)
        if scene is None:
            continue
        choice = next((c for c in scene.choices if c.id == choice_id), None)
        if choice is None:  # "Carry on", or a choice since removed: counted below as unplaced
            if choice_id != CARRY_ON:
                continue
            minutes, category, text = 5, scene.category, "Carry on"
        else:
            minutes, category, text = choice.minutes, choice.category, choice.text.render(words)
        if not minutes:
            continue
        row = per.setdefault(category, {}).setdefault(scene_id, [scene.title.render(words), 0, [], []])
        row[1] += minutes
        row[2].append(text)
        row[3].append(choice_id)
    out: dict[str, list[Spent]] = {}
    for cat, rows in per.items():
        lines = [Spent(sid, title, mins, texts, ids) for sid, (title, mins, texts, ids) in rows.items()]
        unplaced = state.minutes.get(cat, 0) - sum(s.minutes for s in lines)
        if unplaced > 0:
            lines.append(Spent("", EARLIER, unplaced, []))
        out[cat] = lines
    return out


def stat_movers(story: Story, state: DayState, short: bool) -> dict[str, list[Move]]:
    """For each stat, the choices of the day that moved it most, replayed from the stats' starting values."""
    # the start is the story's (and the short day's); a writer's --set is not in the history, so on such
    # a test day the limits may be met at other moments than shown
    stats = {s.name: s.start for s in story.stats.values()}
    if short and story.short is not None:
        for name, delta in story.short.effects:
            s = story.stats[name]
            stats[name] = min(max(stats[name] + delta, s.min), s.max)
    moves: dict[str, dict[tuple[str, str], Move]] = {name: {} for name in stats}
    words = state.words
    for step in state.history:
        scene_id, choice_id, clock = step.scene, step.choice, step.clock
        scene = story.scenes.get(scene_id)
        choice = next((c for c in scene.choices if c.id == choice_id), None) if scene is not None else None
        if scene is None or choice is None:
            continue
        for name, delta in choice.effects:
            s = story.stats[name]
            before = stats[name]
            stats[name] = min(max(before + delta, s.min), s.max)
            if stats[name] == before:
                continue
            seen = moves[name].get((scene_id, choice_id))
            if seen is None:
                moves[name][scene_id, choice_id] = Move(
                    format_time(clock),
                    scene_id,
                    scene.title.render(words),
                    choice_id,
                    choice.text.render(words),
                    stats[name] - before,
                )
            else:
                moves[name][scene_id, choice_id] = replace(
                    seen, delta=seen.delta + stats[name] - before, times=seen.times + 1
                )
    return {
        name: sorted((m for m in ms.values() if m.delta), key=lambda m: -abs(m.delta))[:MOVERS]
        for name, ms in moves.items()
    }


def build_report(game: Game) -> Report:
    story = game.story
    st = game.state
    words = st.words
    ending = game.ending
    timeline = []
    for step in st.history:
        scene_id, choice_id, clock, arrival = step.scene, step.choice, step.clock, step.arrival
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
        choices=[step.choice for step in st.history],
        credits=story.credits,
        spent=minutes_spent(story, st),
        movers=stat_movers(story, st, game.short),
        terms=terms_used(game),
        outcome=game.outcome if ending else None,
    )


def terms_used(game: Game) -> list[TermLine]:
    """The glossary terms the day used: those met in its scenes, then any new in the ending's text."""
    glossary = game.story.glossary
    ids = list(game.state.terms)
    if game.ended and glossary.terms:
        ids += [t for t in glossary.ids_in(f"{game.title}\n{game.text}") if t not in game.state.terms]
    return [TermLine(t, glossary.terms[t].term, glossary.terms[t].means) for t in ids if t in glossary.terms]
