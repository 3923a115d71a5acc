"""`dayjob debrief DIR`: what the room's days looked like, then questions in the DATA order."""

from __future__ import annotations

import csv
import html
import io
import math
import sys
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from game.engine import CARRY_ON, StoryError, load_story
from game.engine.report import bar
from game.engine.safetext import terminal_safe
from game.workshop.results import UNFINISHED, Result, Skipped, read_results

WIDTH = 78  # fits an 80-column projected terminal
TOP_DIVISIVE = 5
MAX_NAMES = 6

# The DATA debrief (Describe, Analyse, Transfer, Apply): the generic prompts for each stage.
STAGES = ("describe", "analyse", "transfer", "apply")
STAGE_TITLES = {
    "describe": ("Describe", "what happened?"),
    "analyse": ("Analyse", "why did it happen?"),
    "transfer": ("Transfer", "where have you seen this at work?"),
    "apply": ("Apply", "what will you do with it?"),
}
GENERIC = {
    "describe": [
        "In one sentence: how did your day go, and which ending did you get?",
        "Which choice did you hesitate over longest?",
    ],
    "analyse": [
        "Why did your day end the way it did? Which one or two choices mattered most?",
    ],
    "transfer": [
        "Where does your real working week look like this day, and where does it not?",
    ],
    "apply": [
        (
            "What is one thing you will do differently next week: a question you will ask, "
            "a boundary you will set, a page you will write?"
        ),
    ],
}
MAX_ENDING_QUESTIONS = 3  # Transfer: the first question of the most common endings, not every question of every one
MAX_SLIDE_QUESTIONS = 6

# The Apply step depends on who is in the room (--audience).
AUDIENCES = ("careers", "onboarding", "class")
APPLY = {
    "careers": (
        "If you are looking for a data role: what will you ask in your next interview "
        "about how the week is really split between project work, infrastructure, support and meetings?"
    ),
    "onboarding": (
        "In your first weeks with us: who will you ask when the cluster, the data or the docs get in your way, "
        "and what would you like this team's week to look like?"
    ),
    "class": (
        "Which part of this day would you like to learn more about, and which part surprised you the most "
        "about how the job really looks?"
    ),
}


# -- the numbers ------------------------------------------------------------------------


@dataclass
class EndingRow:
    id: str
    title: str
    count: int
    share: float
    names: list[str]


@dataclass
class StatRow:
    name: str
    label: str
    average: float
    min: int
    max: int


@dataclass
class MinutesRow:
    category: str
    label: str
    average: float
    share: float
    reference_share: float | None


@dataclass
class Split:
    """One choice point (a scene, and which visit to it) and how the room chose there."""

    scene: str
    visit: int
    label: str
    reached: int
    options: list[tuple[str, str, int, float]]  # choice id, label, count, share
    evenness: float  # 1 when the room split evenly between the options it took, near 0 when nearly all agreed
    score: float


@dataclass
class TermRow:
    """A glossary term, what it means, and how many of the room's days used it."""

    term: str
    means: str
    count: int


@dataclass
class Debrief:
    folder: Path
    story_title: str
    participants: int
    seeds: Counter
    short_days: int
    story_versions: int
    story_loaded: bool
    endings: list[EndingRow]
    stats: list[StatRow]
    minutes: list[MinutesRow]
    reference_label: str | None
    reference_source: str | None
    splits: list[Split]
    questions: dict[str, list[tuple[str | None, list[str]]]]  # stage -> [(heading or None, questions)]
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    audience: str = "careers"
    attempts: list[Result] = field(default_factory=list)  # every day in the folder, replays included (CSV)
    replays: int = 0  # later attempts by the same participant, left out of the room's numbers
    unfinished: int = 0  # first days the round stopped before their end
    terms: list[TermRow] = field(default_factory=list)  # the glossary terms the room's days used


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def number_attempts(results: list[Result]) -> list[Result]:
    """Each participant's days numbered 1, 2, ... in the order they finished (a reloaded tab starts its count
    again at 1, so the files' own numbers can repeat)."""
    from dataclasses import replace

    by_who: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_who[r.who].append(r)
    numbered = []
    for days in by_who.values():
        days.sort(key=lambda r: (r.finished_at, r.attempt, r.path.name))
        numbered += [replace(r, attempt=i) for i, r in enumerate(days, 1)]
    numbered.sort(key=lambda r: r.path.name)
    return numbered


def first_attempts(results: list[Result]) -> tuple[list[Result], int]:
    """Each participant's first day (a replay is a second attempt, not a second person); and how many were left out."""
    firsts = [r for r in number_attempts(results) if r.attempt == 1]
    return firsts, len(results) - len(firsts)


# long: the debrief's figures, one after another
def build_debrief(folder: Path, story=None, story_problem: str | None = None, audience: str = "careers") -> Debrief:
    """Read every result in `folder` and work out what the room's days had in common and where they split.

    Each participant counts once, with their first day; days the round stopped are counted as
    unfinished and left out of the stats, minutes and splits (they are partial).
    """
    found = read_results(folder)
    skipped = list(found.skipped)
    results = found.results
    notes: list[str] = []
    if story_problem:
        notes.append(story_problem)

    # Results from another story are foreign: their ids mean nothing here.
    title = (
        story.title
        if story is not None
        else (Counter(r.story_title for r in results).most_common(1)[0][0] if results else "Day Job")
    )
    kept: list[Result] = []
    for r in results:
        if r.story_title != title:
            skipped.append(Skipped(r.path, f"from another story ({r.story_title[:60]!r})"))
        else:
            kept.append(r)
    attempts = number_attempts(kept)
    results, replays = first_attempts(kept)
    if replays:
        notes.append(
            f"{replays} replay(s) by the same participants are left out: each person counts once, with their first day."
        )
    unfinished = sum(r.unfinished for r in results)
    whole = [r for r in results if not r.unfinished]
    n = len(results)

    seeds = Counter(r.seed for r in results)
    if len(seeds) > 1:
        notes.append(
            "The room played more than one seed: " + ", ".join(f"{s} ({c})" for s, c in seeds.most_common()) + "."
        )
    short_days = sum(r.short for r in results)
    if 0 < short_days < n:
        notes.append(f"{short_days} of {n} played the short day and the rest the full day; minutes are mixed.")
    versions = len({r.story_hash for r in results})
    if versions > 1:
        notes.append(f"The results come from {versions} versions of the story (it was edited during the session).")
    if story is not None and results and all(r.story_hash != story.hash for r in results):
        notes.append("The story has changed since these days were played; choice names come from the current version.")

    debrief = Debrief(
        folder=folder,
        story_title=title,
        participants=n,
        seeds=seeds,
        short_days=short_days,
        story_versions=versions,
        story_loaded=story is not None,
        endings=_endings(results, story),
        stats=_stats(whole, story),
        minutes=_minutes(whole, story),
        reference_label=(story.reference or {}).get("label") if story is not None else None,
        reference_source=(story.reference or {}).get("source") if story is not None else None,
        splits=_splits(whole, story),
        questions={},
        skipped=skipped,
        notes=notes,
        audience=audience if audience in AUDIENCES else "careers",
        attempts=attempts,
        replays=replays,
        unfinished=unfinished,
    )
    if unfinished:
        notes.append(
            f"{unfinished} day(s) stopped when the round ended: counted as unfinished, "
            "and left out of the stats, minutes and splits."
        )
    debrief.questions = _questions(debrief, story)
    debrief.terms = _terms(results, story)
    return debrief


def _terms(results: list[Result], story) -> list[TermRow]:
    """The glossary terms the room met, the most met first (the glossary holds their meanings)."""
    glossary = story.glossary.terms if story is not None else {}
    met = Counter(t for r in results for t in set(r.terms) if t in glossary)
    return [TermRow(glossary[t].term, glossary[t].means, n) for t, n in met.most_common()]


def _terms_text(d: Debrief) -> list[str]:
    if not d.terms:
        return []
    out = ["", "TERMS THE ROOM MET (and how many met each)", ""]
    for row in d.terms:
        out += _wrap(f"{row.term} ({row.count}): {row.means}", "    ", "  - ")
    return out


def _terms_md(d: Debrief) -> list[str]:
    if not d.terms:
        return []
    return ["", "## Terms the room met", ""] + [
        f"- **{_md(row.term)}** ({row.count}): {_md(row.means)}" for row in d.terms
    ]


def _terms_html(d: Debrief) -> list[str]:
    if not d.terms:
        return []
    rows = "".join(
        f"<li><strong>{_h(row.term)}</strong> <span class=names>({row.count})</span>: {_h(row.means)}</li>"
        for row in d.terms
    )
    return ["<h2>Terms the room met</h2>", f"<ul>{rows}</ul>"]


def _endings(results: list[Result], story) -> list[EndingRow]:
    n = len(results)
    counts = Counter(r.ending_id for r in results)
    titles: dict[str, Counter] = defaultdict(Counter)
    names: dict[str, list[str]] = defaultdict(list)
    for r in results:
        titles[r.ending_id][r.ending_title if r.ending_id != UNFINISHED else "Unfinished (the round ended)"] += 1
        if r.nickname:
            names[r.ending_id].append(r.nickname)
    order = {e.id: i for i, e in enumerate(story.endings)} if story is not None else {}
    order[UNFINISHED] = len(order) + 1  # the round stopped them: listed after the endings with as many players
    ids = sorted(counts, key=lambda e: (-counts[e], order.get(e, len(order)), e))
    return [
        EndingRow(e, titles[e].most_common(1)[0][0], counts[e], counts[e] / n, sorted(names[e], key=str.lower))
        for e in ids
    ]


def _stats(results: list[Result], story) -> list[StatRow]:
    if not results:
        return []
    if story is not None:
        defs = [(s.name, s.label, s.min, s.max) for s in story.stats.values()]
    else:
        seen = sorted({k for r in results for k in r.stats})
        defs = [(k, k.replace("_", " ").capitalize(), 0, max(max(r.stats.get(k, 0) for r in results), 1)) for k in seen]
    rows = []
    for name, label, lo, hi in defs:
        values = [r.stats[name] for r in results if name in r.stats]
        if values:
            rows.append(StatRow(name, label, sum(values) / len(values), lo, hi))
    return rows


def _minutes(results: list[Result], story) -> list[MinutesRow]:
    if not results:
        return []
    if story is not None:
        cats = list(story.categories)
        labels = dict(story.category_labels)
        ref = (story.reference or {}).get("minutes") or {}
    else:
        cats = sorted({c for r in results for c in r.minutes})
        labels, ref = {}, {}
    averages = {c: sum(r.minutes.get(c, 0) for r in results) / len(results) for c in cats}
    total = sum(averages.values()) or 1
    ref_total = sum(ref.values()) or 1
    return [
        MinutesRow(
            c,
            labels.get(c, c.replace("_", " ").capitalize()),
            averages[c],
            averages[c] / total,
            ref[c] / ref_total if c in ref else None,
        )
        for c in cats
    ]


def _scene_label(story, scene_id: str) -> str:
    scene = story.scenes.get(scene_id) if story is not None else None
    return scene.title.render(story.words) if scene is not None else scene_id


def _choice_label(story, scene_id: str, choice_id: str) -> str:
    if choice_id == CARRY_ON:
        return "Carry on"
    scene = story.scenes.get(scene_id) if story is not None else None
    if scene is not None:
        for ch in scene.choices:
            if ch.id == choice_id:
                return ch.text.render(story.words)
    return choice_id


def _splits(results: list[Result], story) -> list[Split]:
    """Choice points where the room disagreed most: even splits that many people reached come first."""
    with_path = [r for r in results if r.scenes is not None]
    n = len(with_path)
    points: dict[tuple[str, int], Counter] = defaultdict(Counter)
    first_seen: dict[tuple[str, int], int] = {}
    for r in with_path:
        visits: Counter = Counter()
        for step, (scene, choice) in enumerate(zip(r.scenes or (), r.choices, strict=False)):
            visits[scene] += 1
            key = (scene, visits[scene])
            points[key][choice] += 1
            first_seen[key] = min(first_seen.get(key, step), step)
    splits = []
    for (scene, visit), counts in points.items():
        reached = sum(counts.values())
        if reached < 2 or len(counts) < 2:
            continue
        shares = {c: k / reached for c, k in counts.items()}
        # Pielou's evenness: 1 for a perfectly even split among the options taken, near 0 for 99 / 1
        evenness = -sum(p * math.log(p) for p in shares.values()) / math.log(len(shares))
        label = _scene_label(story, scene) + (f" ({_ordinal(visit)} time)" if visit > 1 else "")
        options = [
            (c, _choice_label(story, scene, c), counts[c], shares[c])
            for c in sorted(counts, key=lambda c: (-counts[c], c))
        ]
        splits.append(Split(scene, visit, label, reached, options, evenness, evenness * reached / n))
    splits.sort(key=lambda s: (-round(s.score, 9), -s.reached, first_seen[(s.scene, s.visit)]))
    return splits[:TOP_DIVISIVE]


def _questions(d: Debrief, story) -> dict[str, list[tuple[str | None, list[str]]]]:
    """The DATA stages in order: generic prompts, prompts from the room's numbers, then each reached ending's own."""
    q: dict[str, list[tuple[str | None, list[str]]]] = {s: [] for s in STAGES}
    n = d.participants
    describe = list(GENERIC["describe"])
    endings = [e for e in d.endings if e.id != UNFINISHED]  # a day the round stopped has no ending to compare
    finished = sum(e.count for e in endings)
    if endings and finished > 1:
        top = endings[0]
        of = "" if finished == n else " who finished"
        if len(endings) == 1:
            describe.append(
                f"All {finished} of you{of} ended with \u201c{top.title}\u201d. What did your days have in common?"
            )
        else:
            describe.append(
                f"{top.count} of the {finished}{of} ended with \u201c{top.title}\u201d. "
                "Who got a different ending, and how did they get there?"
            )
    q["describe"].append((None, describe))
    analyse = list(GENERIC["analyse"])
    if d.splits:
        s = d.splits[0]
        a, b = s.options[0], s.options[1]
        analyse.append(
            f"At \u201c{s.label}\u201d the room split {round(a[3] * 100)}% / {round(b[3] * 100)}% "
            f"between \u201c{a[1]}\u201d and \u201c{b[1]}\u201d. What made you pick yours?"
        )
    with_ref = [(m, m.reference_share) for m in d.minutes if m.reference_share is not None and m.average > 0]
    if with_ref:
        m, ref = max(with_ref, key=lambda pair: abs(pair[0].share - pair[1]))
        analyse.append(
            f"The room spent {round(m.share * 100)}% of the day on {m.label.lower()}; "
            f"the surveys say about {round(ref * 100)}%. Does that match your real week?"
        )
    q["analyse"].append((None, analyse))
    q["transfer"].append((None, list(GENERIC["transfer"])))
    if story is not None:
        shown = 0
        for row in d.endings:
            if shown >= MAX_ENDING_QUESTIONS or row.id == UNFINISHED:
                continue
            try:
                ending = story.ending(row.id)
            except KeyError:
                continue
            if ending.debrief:
                shown += 1
                who = "1 person" if row.count == 1 else f"{row.count} people"
                q["transfer"].append((f"For \u201c{row.title}\u201d ({who})", [ending.debrief[0]]))
    q["apply"].append((None, [*GENERIC["apply"], APPLY[d.audience]]))
    return q


def slide_questions(d: Debrief) -> list[tuple[str, str | None, str]]:
    """At most six questions for the slides, in DATA order: (stage, heading or None, question).

    The room's own questions come before the generic ones: the split and the minutes for
    Analyse, the most common ending's question for Transfer, the audience's for Apply.
    """
    describe = [qn for _, qs in d.questions["describe"] for qn in qs]
    analyse = [qn for _, qs in d.questions["analyse"] for qn in qs]
    transfer = [(h, qn) for h, qs in d.questions["transfer"] for qn in qs]
    apply = [qn for _, qs in d.questions["apply"] for qn in qs]
    picked: list[tuple[str, str | None, str]] = [("Describe", None, describe[0])]
    if len(describe) > 2:  # the room's own "N of you ended with ..." question
        picked.append(("Describe", None, describe[-1]))
    picked += [("Analyse", None, qn) for qn in (analyse[1:] or analyse)[:2]]
    heading, qn = transfer[1] if len(transfer) > 1 else transfer[0]
    picked.append(("Transfer", heading, qn))
    picked.append(("Apply", None, apply[-1]))
    return picked[:MAX_SLIDE_QUESTIONS]


def slides_data(d: Debrief) -> dict:
    """What the room screen's slides show, as JSON-ready data (its script places every text as text)."""
    return {
        "title": d.story_title,
        "summary": _summary(d),
        "participants": d.participants,
        "unfinished": d.unfinished,
        "endings": [{"id": e.id, "title": e.title, "count": e.count, "share": e.share} for e in d.endings],
        "minutes": [
            {
                "category": m.category,
                "label": m.label,
                "average": m.average,
                "share": m.share,
                "reference_share": m.reference_share,
            }
            for m in d.minutes
        ],
        "reference_label": d.reference_label,
        "reference_source": d.reference_source,
        "splits": [
            {
                "label": s.label,
                "reached": s.reached,
                "options": [{"label": label, "count": count, "share": share} for _, label, count, share in s.options],
            }
            for s in d.splits[:2]
        ],
        "questions": [
            {"stage": stage, "heading": heading, "text": text} for stage, heading, text in slide_questions(d)
        ],
    }


# -- text (a projected terminal) --------------------------------------------------------


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [indent]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


# long: the text debrief, section by section in the order it prints
def render_text(d: Debrief) -> str:
    out: list[str] = []
    head = f"{d.story_title.upper()}: THE ROOM'S DAY"
    out += [_fit(head, WIDTH), "=" * min(len(head), WIDTH)]
    out += _wrap(_summary(d), "")
    for note in d.notes:
        out += _wrap(note, "  ", "! ")
    if not d.participants:
        out += [
            "",
            f"No finished days in {d.folder} yet. When players reach the end of the day,",
            "their results appear there; run this again then.",
        ]
        out += _skipped_text(d)
        return "\n".join(out) + "\n"

    out += ["", "HOW THE DAYS ENDED", ""]
    width = min(max(len(e.title) for e in d.endings), 36)
    for e in d.endings:
        out.append(
            f"  {_fit(e.title, width).ljust(width)}  {e.count:3d}  {round(e.share * 100):3d}%  {bar(e.count, d.participants, 20)}"
        )
        if e.names:
            shown = ", ".join(e.names[:MAX_NAMES]) + (
                f" +{len(e.names) - MAX_NAMES}" if len(e.names) > MAX_NAMES else ""
            )
            out += _wrap(shown, "      ")
    if d.stats:
        out += ["", "HOW THE ROOM ENDED THE DAY (average)", ""]
        width = min(max(len(s.label) for s in d.stats), 24)
        for s in d.stats:
            span = s.max - s.min
            out.append(
                f"  {_fit(s.label, width).ljust(width)}  {s.average:5.1f} / {s.max:<3d} {bar(round(s.average - s.min), span, 20)}"
            )
    if d.minutes:
        ref = any(m.reference_share is not None for m in d.minutes)
        out += ["", "WHERE THE MINUTES WENT (average per player)", ""]
        width = min(max(len(m.label) for m in d.minutes), 28)
        header = f"  {''.ljust(width)}  {'minutes':>8}  {'share':>5}"
        if ref:
            header += f"  {'surveys':>7}"
        out.append(header)
        for m in d.minutes:
            line = f"  {_fit(m.label, width).ljust(width)}  {m.average:8.0f}  {round(m.share * 100):4d}%"
            if ref:
                line += f"  {'' if m.reference_share is None else f'{round(m.reference_share * 100)}%':>7}"
            out.append(line.rstrip())
        if ref:
            label = (d.reference_label or "").strip()
            if label and label[-1] not in ".!?":
                label += "."
            out += [""] + _wrap(f"Surveys: {label} {(d.reference_source or '').strip()}".strip(), "  ", "  ")
    if d.splits:
        out += ["", "WHERE THE ROOM SPLIT (the most divisive choices)", ""]
        for i, split in enumerate(d.splits, 1):
            out += _wrap(f"{split.label}: {split.reached} of {d.participants} got here", "     ", f"  {i}. ")
            for _, label, count, share in split.options:
                out.append(
                    f"       {_fit(label, 50).ljust(50)} {round(share * 100):3d}%  {bar(count, split.reached, 14)}"
                )
    out += _terms_text(d)
    out += ["", "LET'S TALK", ""]
    for stage in STAGES:
        name, what = STAGE_TITLES[stage]
        out.append(f"  {name.upper()}: {what}")
        for heading, questions in d.questions[stage]:
            indent = "    "
            if heading:
                out += _wrap(heading, "    ")
                indent = "      "
            for qn in questions:
                out += _wrap(qn, indent + "  ", indent + "- ")
        out.append("")
    out += _skipped_text(d)
    return "\n".join(out).rstrip("\n") + "\n"


def _summary(d: Debrief) -> str:
    parts = [f"{d.participants} participant{'s' if d.participants != 1 else ''}"]
    if len(d.seeds) == 1:
        parts.append(f"seed {next(iter(d.seeds))}")
    if d.participants and d.short_days == d.participants:
        parts.append("short day")
    elif d.participants and d.short_days == 0:
        parts.append("full day")
    return " \u00b7 ".join(parts)


def _skipped_text(d: Debrief) -> list[str]:
    if not d.skipped:
        return []
    out = ["", f"SKIPPED FILES ({len(d.skipped)})", ""]
    for s in d.skipped:
        out += _wrap(str(s), "      ", "  - ")
    return out


# -- Markdown ---------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text for a Markdown table cell or line: markup characters shown as written."""
    text = " ".join(str(text).split())
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(d: Debrief) -> str:
    out = [f"# {_md(d.story_title)}: the room's day", "", _md(_summary(d)), ""]
    out += [f"> {_md(note)}" for note in d.notes]
    if d.notes:
        out.append("")
    if not d.participants:
        out += [f"No finished days in `{_md(str(d.folder))}` yet.", ""]
        out += _skipped_md(d)
        return "\n".join(out)
    out += ["## How the days ended", "", "| ending | players | share |", "|---|---:|---:|"]
    for e in d.endings:
        who = f" ({_md(', '.join(e.names))})" if e.names else ""
        out.append(f"| {_md(e.title)}{who} | {e.count} | {round(e.share * 100)}% |")
    if d.stats:
        out += ["", "## How the room ended the day (average)", "", "| | average | of |", "|---|---:|---:|"]
        out += [f"| {_md(s.label)} | {s.average:.1f} | {s.max} |" for s in d.stats]
    if d.minutes:
        ref = any(m.reference_share is not None for m in d.minutes)
        out += ["", "## Where the minutes went (average per player)", ""]
        out.append("| | minutes | share |" + (f" {_md(d.reference_label or 'surveys')} |" if ref else ""))
        out.append("|---|---:|---:|" + ("---:|" if ref else ""))
        for m in d.minutes:
            row = f"| {_md(m.label)} | {m.average:.0f} | {round(m.share * 100)}% |"
            if ref:
                row += f" {'' if m.reference_share is None else f'{round(m.reference_share * 100)}%'} |"
            out.append(row)
        if ref and d.reference_source:
            out += ["", f"_{_md(d.reference_source.strip())}_"]
    if d.splits:
        out += ["", "## Where the room split", ""]
        for i, s in enumerate(d.splits, 1):
            out.append(
                f"{i}. **{_md(s.label)}** ({s.reached} of {d.participants} got here): "
                + "; ".join(f"{_md(label)} {round(share * 100)}%" for _, label, _, share in s.options)
            )
    out += _terms_md(d)
    out += ["", "## Let's talk", ""]
    for stage in STAGES:
        name, what = STAGE_TITLES[stage]
        out += [f"### {name}: {what}", ""]
        for heading, questions in d.questions[stage]:
            if heading:
                out += [f"**{_md(heading)}**", ""]
            out += [f"- {_md(qn)}" for qn in questions]
            out.append("")
    out += _skipped_md(d)
    return "\n".join(out).rstrip("\n") + "\n"


def _skipped_md(d: Debrief) -> list[str]:
    if not d.skipped:
        return []
    return ["## Skipped files", ""] + [f"- `{_md(s.path.name)}`: {_md(s.reason)}" for s in d.skipped] + [""]


# -- HTML (one self-contained file for the shared screen) -------------------------------

CSS = """
body{margin:0;background:#10161c;color:#f3f5f7;font:20px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:2rem 1.5rem 4rem}
h1{font-size:2.2rem;margin:0 0 .3rem}h2{font-size:1.5rem;margin:2.4rem 0 .8rem;color:#ffd866;border-bottom:2px solid #2a3640;padding-bottom:.3rem}
h3{font-size:1.2rem;margin:1.4rem 0 .4rem;color:#9fe3ff}.sub{color:#c3ccd4;margin:0}
.note{background:#2b2410;border-left:6px solid #ffd866;padding:.5rem .9rem;margin:.6rem 0}
table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;text-align:left;vertical-align:middle}
th{color:#c3ccd4;font-weight:600}.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.bar{background:#24303a;height:1.1rem;border-radius:3px;min-width:8rem}.bar>span{display:block;height:100%;background:#6fd08c;border-radius:3px}
.bar.ref>span{background:#9fe3ff}.bar+.bar{margin-top:.2rem}.pair{width:40%}
.legend i{display:inline-block;width:1rem;height:1rem;border-radius:2px;margin:0 .35rem 0 1rem;vertical-align:middle}
.names{color:#c3ccd4;font-size:.85em}ol.split>li{margin-bottom:1rem}ul{margin:.3rem 0 .8rem}li{margin:.25rem 0}
.skipped{color:#ffb4a8}
"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _bar_html(value: float, total: float, cls: str = "") -> str:
    pct = 0 if total <= 0 else max(0.0, min(100.0, 100 * value / total))
    return f'<div class="bar{" " + cls if cls else ""}"><span style="width:{pct:.1f}%"></span></div>'


# long: the HTML debrief, section by section in the order it prints
def render_html(d: Debrief) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{_h(d.story_title)}: the room's day</title><style>{CSS}</style></head><body><main>",
        f"<h1>{_h(d.story_title)}: the room's day</h1>",
        f'<p class="sub">{_h(_summary(d))}</p>',
    ]
    out += [f'<p class="note">{_h(note)}</p>' for note in d.notes]
    if not d.participants:
        out.append(f"<p>No finished days in <code>{_h(d.folder)}</code> yet.</p>")
    else:
        out += ["<h2>How the days ended</h2>", "<table>"]
        for e in d.endings:
            names = f'<div class="names">{_h(", ".join(e.names))}</div>' if e.names else ""
            out.append(
                f"<tr><td>{_h(e.title)}{names}</td><td class=n>{e.count}</td>"
                f"<td class=n>{round(e.share * 100)}%</td><td>{_bar_html(e.count, d.participants)}</td></tr>"
            )
        out.append("</table>")
        if d.stats:
            out += ["<h2>How the room ended the day (average)</h2>", "<table>"]
            for s in d.stats:
                out.append(
                    f"<tr><td>{_h(s.label)}</td><td class=n>{s.average:.1f} / {s.max}</td>"
                    f"<td>{_bar_html(s.average - s.min, s.max - s.min)}</td></tr>"
                )
            out.append("</table>")
        if d.minutes:
            ref = any(m.reference_share is not None for m in d.minutes)
            # the room's share beside the surveys', as bars on one scale: the chart Analyse starts from
            top = max(max(m.share, m.reference_share or 0.0) for m in d.minutes) or 1.0
            label = _h(d.reference_label or "surveys")
            out += ["<h2>Where the minutes went (average per player)</h2>"]
            if ref:
                out.append(
                    f'<p class="legend"><i style="background:#6fd08c"></i>this room<i style="background:#9fe3ff"></i>{label}</p>'
                )
            out += [
                "<table>",
                "<tr><th></th><th class=n>minutes</th><th class=n>share</th>"
                + ("<th class=n>surveys</th>" if ref else "")  # the legend above names them
                + "<th></th></tr>",
            ]
            for m in d.minutes:
                refcell = (
                    f"<td class=n>{'' if m.reference_share is None else f'{round(m.reference_share * 100)}%'}</td>"
                    if ref
                    else ""
                )
                bars = _bar_html(m.share, top) + (
                    _bar_html(m.reference_share, top, "ref") if m.reference_share is not None else ""
                )
                out.append(
                    f"<tr><td>{_h(m.label)}</td><td class=n>{m.average:.0f}</td>"
                    f'<td class=n>{round(m.share * 100)}%</td>{refcell}<td class="pair">{bars}</td></tr>'
                )
            out.append("</table>")
            if ref and d.reference_source:
                out.append(f'<p class="names">{_h(d.reference_source.strip())}</p>')
        if d.splits:
            out += ["<h2>Where the room split</h2>", '<ol class="split">']
            for split in d.splits:
                rows = "".join(
                    f"<tr><td>{_h(label)}</td><td class=n>{round(share * 100)}%</td>"
                    f"<td>{_bar_html(count, split.reached)}</td></tr>"
                    for _, label, count, share in split.options
                )
                out.append(
                    f"<li><strong>{_h(split.label)}</strong> "
                    f'<span class="names">({split.reached} of {d.participants} got here)</span>'
                    f"<table>{rows}</table></li>"
                )
            out.append("</ol>")
        out += _terms_html(d)
        out.append("<h2>Let's talk</h2>")
        for stage in STAGES:
            name, what = STAGE_TITLES[stage]
            out.append(f"<h3>{_h(name)}: {_h(what)}</h3>")
            for heading, questions in d.questions[stage]:
                if heading:
                    out.append(f"<p><strong>{_h(heading)}</strong></p>")
                out.append("<ul>" + "".join(f"<li>{_h(qn)}</li>" for qn in questions) + "</ul>")
    if d.skipped:
        out += [f"<h2>Skipped files ({len(d.skipped)})</h2>", '<ul class="skipped">']
        out += [f"<li><code>{_h(s.path.name)}</code>: {_h(s.reason)}</li>" for s in d.skipped]
        out.append("</ul>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


# -- CSV (one row per player-attempt, for a spreadsheet) ---------------------------------


def _cell(value: object) -> str:
    """A spreadsheet cell: controls made visible, and nothing a spreadsheet would run as a formula."""
    text = terminal_safe(value, one_line=True)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t") else text


def render_csv(d: Debrief) -> str:
    """Every day in the folder, replays included: who, which attempt, how it ended, stats, minutes, choices."""
    stats = sorted({k for r in d.attempts for k in r.stats})
    minutes = sorted({k for r in d.attempts for k in r.minutes})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "file",
            "player",
            "nickname",
            "attempt",
            "unfinished",
            "seed",
            "short",
            "ending",
            "ending_title",
            "finished_at",
        ]
        + [f"stat:{k}" for k in stats]
        + [f"minutes:{k}" for k in minutes]
        + ["choices"]
    )
    for r in sorted(d.attempts, key=lambda r: (r.who, r.attempt, r.finished_at)):
        writer.writerow(
            [
                _cell(x)
                for x in (
                    r.path.name,
                    r.player or "",
                    r.nickname or "",
                    r.attempt,
                    str(r.unfinished).lower(),
                    r.seed,
                    str(r.short).lower(),
                    r.ending_id,
                    r.ending_title,
                    r.finished_at,
                )
            ]
            + [r.stats.get(k, "") for k in stats]
            + [r.minutes.get(k, "") for k in minutes]
            + [_cell(" ".join(r.choices))]
        )
    return buffer.getvalue()


def _escaped(render):
    """A renderer whose whole output has terminal controls and bidi overrides made visible (every format)."""

    def safe(d: Debrief) -> str:
        return terminal_safe(render(d))

    safe.__name__ = render.__name__
    safe.__doc__ = render.__doc__
    return safe


RENDERERS = {
    "text": _escaped(render_text),
    "markdown": _escaped(render_markdown),
    "html": _escaped(render_html),
    "csv": render_csv,  # escaped cell by cell
}


# -- the command ------------------------------------------------------------------------


@dataclass(frozen=True)
class DebriefOptions:
    """`dayjob debrief`: the command line, as given."""

    dir: Path  # the results folder
    story: Path | None = None  # None: the shipped day
    format: str = "text"  # a key of RENDERERS
    audience: str = "careers"  # who is in the room: chooses the Apply question
    out: Path | None = None  # None: print it


def run_debrief(options: DebriefOptions, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Summarise a results folder in the format asked for; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    folder = options.dir
    if not folder.is_dir():
        print(f"dayjob debrief: {folder} is not a folder of results", file=err)
        return 1
    story, problem = None, None
    try:
        story = load_story(options.story)
    except StoryError as exc:
        problem = (
            f"The story could not be loaded ({exc.total} problem(s); run `dayjob check`), "
            "so choices are shown by id and only the general questions are listed."
        )
    debrief = build_debrief(folder, story, problem, audience=options.audience)
    for s in debrief.skipped:
        print(terminal_safe(f"dayjob debrief: skipped {s.path}: {s.reason}"), file=err)
    text = RENDERERS[options.format](debrief)
    if options.out is not None:
        from game.engine.saves import write_atomic

        try:
            write_atomic(options.out, text, keep_backup=False)
        except OSError as exc:
            print(terminal_safe(f"dayjob debrief: cannot write {options.out}: {exc.strerror or exc}"), file=err)
            return 1
        print(terminal_safe(f"Debrief of {debrief.participants} result(s) written to {options.out}"), file=err)
    else:
        out.write(text)
    return 0
