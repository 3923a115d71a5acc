"""`dayjob playtest`: thousands of random days played by the real engine, on every core, with coverage.

Day i uses the seed f"{SEED}-{i}" for the engine and for its own `random.Random`
that picks among the available choices, so any day can be replayed alone with
`dayjob play --plain --seed SEED-i --choices ...`, whatever the number of processes.
"""

from __future__ import annotations

import json
import operator
import os
import random
import re
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

from game.engine import CARRY_ON, Game, Story, codegen
from game.engine.clock import format_time
from game.engine.story import Ending, Scene, Template, TextScope, shuffle_digest
from game.startup import collector_paused, lacks_short_day, load_for_life, load_story_or_report

_WHERE_TAKEN = operator.attrgetter("scene", "choice")  # a step -> (scene, choice)
_SCENE, _ARRIVAL = operator.attrgetter("scene"), operator.attrgetter("arrival")
MAX_CHOICES = 500  # a day longer than this is stuck in a loop
WORDS_PER_MINUTE = 230  # reading speed for the read time (as #13 measured the day)
TOP_REPEATS = 5  # scenes named in the text report for their repeated paragraphs
EVENT_KINDS = ("appointment", "interruption")
_IS_EVENT = EVENT_KINDS.__contains__
MAX_FAILURES_KEPT = 20
TEXT_FAILURES = 5  # failures shown in the text report

_story: Story | None = None  # the story a worker plays, loaded once per process
_story_key: tuple | None = None


@dataclass
class Failure:
    """A day that crashed or could not go on, with what replays it."""

    day: int
    seed: str
    kind: str  # "crash", "dead end" or "too long"
    scene: str
    message: str
    choices: list[str]

    def to_dict(self) -> dict:
        return {
            "day": self.day,
            "seed": self.seed,
            "kind": self.kind,
            "scene": self.scene,
            "message": self.message,
            "choices": self.choices,
        }


@dataclass
class Tally:
    """What a batch of days did, in a form that adds up across processes in any order."""

    days: int = 0
    choices: int = 0
    scenes: Counter = field(default_factory=Counter)  # scene -> days it was seen in
    taken: Counter = field(default_factory=Counter)  # (scene, choice) -> times taken
    endings: Counter = field(default_factory=Counter)
    stats: dict = field(default_factory=dict)  # ending -> stat -> [min, max, sum]
    minutes: Counter = field(default_factory=Counter)  # category -> total minutes
    lengths: Counter = field(default_factory=Counter)  # choices in a day -> days
    clock_out: int = 0  # total of clock-out times
    failures: list = field(default_factory=list)
    failure_counts: Counter = field(default_factory=Counter)
    words: Counter = field(default_factory=Counter)  # words read in a day -> days
    paragraphs: int = 0  # paragraphs shown, all days
    repeats: int = 0  # of those, the ones already shown earlier the same day
    repeat_shares: Counter = field(default_factory=Counter)  # a day's share of repeats (4 places) -> days
    repeated_in: Counter = field(default_factory=Counter)  # scene -> repeated paragraphs it showed
    end_stats: dict = field(default_factory=dict)  # stat -> Counter(value at day end -> days)
    fired_days: Counter = field(default_factory=Counter)  # appointment/interruption -> days it fired in
    fired: Counter = field(default_factory=Counter)  # appointment/interruption -> times it fired

    def add(self, other: Tally) -> None:
        self.days += other.days
        self.choices += other.choices
        self.scenes.update(other.scenes)
        self.taken.update(other.taken)
        self.endings.update(other.endings)
        for ending, per in other.stats.items():
            mine = self.stats.setdefault(ending, {})
            for name, (lo, hi, total) in per.items():
                if name in mine:
                    m = mine[name]
                    mine[name] = [min(m[0], lo), max(m[1], hi), m[2] + total]
                else:
                    mine[name] = [lo, hi, total]
        self.minutes.update(other.minutes)
        self.lengths.update(other.lengths)
        self.clock_out += other.clock_out
        self.failures = sorted(self.failures + other.failures, key=lambda f: f.day)[:MAX_FAILURES_KEPT]
        self.failure_counts.update(other.failure_counts)
        self.words.update(other.words)
        self.paragraphs += other.paragraphs
        self.repeats += other.repeats
        self.repeat_shares.update(other.repeat_shares)
        self.repeated_in.update(other.repeated_in)
        for name, values in other.end_stats.items():
            self.end_stats.setdefault(name, Counter()).update(values)
        self.fired_days.update(other.fired_days)
        self.fired.update(other.fired)


# -- playing ----------------------------------------------------------------------------------


# long: the hot loop of a random day, kept in one frame for speed (bench/bench_playtest.py)
def play_day(story: Story, seed: str, short: bool, tally: Tally, day: int, reader: _Reader | None = None) -> None:
    """Play one random day to its end and add what happened to `tally`."""
    game = Game(story, seed, short=short, keep_undo=False)
    rand = random.Random(seed).random  # one C call a pick (Random.choice is three Python calls)
    taken: list[str] = []
    if reader is None:
        reader = _Reader(story)
    reader.begin(tally.repeated_in)
    read = reader.read
    day_state = game.state  # the same object all day: a playtest never undoes or restores
    try:
        read(game)
        while day_state.ending is None:  # `game.ended`, without a call a choice
            ids = game.available
            if ids[0] == CARRY_ON:  # only ever alone
                tally.failures.append(
                    Failure(
                        day,
                        seed,
                        "dead end",
                        game.scene_id,
                        f"no choice is available in scene {game.scene_id!r}",
                        taken,
                    )
                )
                tally.failure_counts["dead end"] += 1
                return
            if len(taken) >= MAX_CHOICES:
                tally.failures.append(
                    Failure(
                        day, seed, "too long", game.scene_id, f"the day did not end after {MAX_CHOICES} choices", taken
                    )
                )
                tally.failure_counts["too long"] += 1
                return
            choice = ids[int(rand() * len(ids))]
            taken.append(choice)
            game.choose(choice)
            read(game)
    except Exception as exc:  # noqa: BLE001 - finding crashes is what a playtest is for
        scene = game.scene_id
        tally.failures.append(Failure(day, seed, "crash", scene, f"{type(exc).__name__}: {exc}", taken))
        tally.failure_counts["crash"] += 1
        return
    st = game.state
    tally.days += 1
    tally.choices += len(taken)
    tally.scenes.update(st.visits.keys())
    tally.taken.update(map(_WHERE_TAKEN, st.history))  # one C call, no string made per step
    tally.endings[st.ending] += 1
    per = tally.stats.setdefault(st.ending, {})
    end_stats = tally.end_stats
    for name, value in st.stats.items():
        m = per.get(name)
        per[name] = [value, value, value] if m is None else [min(m[0], value), max(m[1], value), m[2] + value]
        values = end_stats.get(name)
        if values is None:
            values = end_stats[name] = Counter()
        values[value] += 1
    tally.minutes.update(st.minutes)
    tally.lengths[len(taken)] += 1
    tally.clock_out += st.clock
    words, shown, repeats = reader.words, reader.shown, reader.repeats
    tally.words[words] += 1
    tally.paragraphs += shown
    tally.repeats += repeats
    tally.repeat_shares[round(repeats / shown, 4) if shown else 0.0] += 1
    # the history records how each scene a choice was made in began: that is when an event fired (picked out by
    # C calls: a comprehension took ten bytecodes a step)
    history = st.history
    fired = list(compress(map(_SCENE, history), map(_IS_EVENT, map(_ARRIVAL, history))))
    if fired:
        tally.fired.update(fired)
        tally.fired_days.update(set(fired))


_read_memo: dict[object, tuple[tuple[str, ...], int]] = {}  # a text shown, or its pieces -> (its paragraphs, its words)
_READ_MEMO_KEPT = 50_000
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _paragraphs(text: str) -> tuple[tuple[str, ...], int]:
    """A text's paragraphs (split at blank lines, as they are shown) and its words, remembered: the same
    texts come back all day, every day."""
    memo = _read_memo.get(text)
    if memo is None:
        memo = _remember(text, text)
    return memo


def _keyed(pieces: str | tuple) -> tuple[tuple[str, ...], int]:
    """`_paragraphs` of the text that a template's pieces make (`Template.pieces`), remembered under the pieces."""
    if pieces.__class__ is str:
        return _paragraphs(pieces)  # type: ignore[arg-type]
    return _remember(pieces, _joined(pieces))  # type: ignore[arg-type]


def _remember(key: object, text: str) -> tuple[tuple[str, ...], int]:
    if len(_read_memo) >= _READ_MEMO_KEPT:  # text built from words can vary without end
        _read_memo.clear()
    parts = tuple(p.strip() for p in _BLANK_LINE.split(text) if p.strip())
    memo = _read_memo[key] = (parts, len(text.split()))
    return memo


def _joined(pieces: tuple) -> str:
    """The text of a template's pieces: strings and tuples of pieces, in order."""
    return "".join([p if p.__class__ is str else _joined(p) for p in pieces])


def _words(text: str) -> int:
    return _paragraphs(text)[1]


class _Varying:
    """A template that inserts words only: read once for each set of values of those words."""

    __slots__ = ("tpl", "names", "seen")

    def __init__(self, tpl: Template):
        self.tpl = tpl
        self.names = tuple(tpl.names)
        self.seen: dict[tuple, tuple[tuple[str, ...], int]] = {}

    def read(self, words: dict[str, str]) -> tuple[tuple[str, ...], int]:
        """The paragraphs and words of the template rendered with these words."""
        key = tuple(map(words.get, self.names))
        got = self.seen.get(key)
        if got is None:
            if len(self.seen) >= 1_000:  # words set from choices: a few values each, but never without end
                self.seen.clear()
            got = self.seen[key] = _paragraphs(self.tpl.render(words).strip())
        return got


_PLANS: dict[int, tuple[Story, dict[str, Callable], dict[str, Callable]]] = {}  # id(story) -> (story, plans, endings)


class _Reader:
    """What each scene and ending shows, planned once per story, and what one day has read so far.

    A fixed text is split and counted once, a text with words only once per set of their values; a text
    that needs the day (inline conditions, sequences, clock phrases) is rendered with the scope the game
    gives it. Only the variants' conditions are evaluated on every visit. It counts what `Game.outcome`,
    `Game.title` and `Game.paragraphs` show (tests/authoring/test_playtest.py compares them)."""

    def __init__(self, story: Story):
        self.story = story
        # the plans are the story's, made once a process: each one is a generated function (a batch of days
        # making its own took 89 compilations a batch, 20 batches a run of 10,000 days)
        known = _PLANS.get(id(story))
        if known is None or known[0] is not story:
            _PLANS.clear()  # one story a process is the rule; a test that loads many keeps only the last
            known = _PLANS[id(story)] = (story, {}, {})
        self.plans: dict[str, Callable] = known[1]
        self.ending_plans: dict[str, Callable] = known[2]
        self.begin(Counter())

    def begin(self, repeated_in: Counter) -> None:
        """A new day: nothing read yet; paragraphs shown again are put down to their scenes in `repeated_in`."""
        self.seen: set[str] = set()  # the paragraphs shown today
        self.words = self.shown = self.repeats = 0
        self.repeated_in = repeated_in
        self.seed: str | None = None  # the day's seed, and its digest that shuffles mix (`_read_text`)
        self.base = 0

    def read(self, game: Game) -> None:
        """Count what the player reads now: the last choice's outcome, then the title and paragraphs of the
        scene or ending just reached (its plan counts them: `_read_plan`)."""
        st = game.state
        if game.seed is not self.seed:  # a new day's seed: its digest, made once a day, not once a text
            self.seed = game.seed
            self.base = shuffle_digest(game.seed)
        outcome = st.outcome
        if outcome:  # its repeats are put down to `scene/choice`
            parts, n = _read_memo.get(outcome) or _paragraphs(outcome)
            seen = self.seen
            self.words += n
            self.shown += len(parts)
            before = len(seen)
            seen.update(parts)
            again = len(parts) - (len(seen) - before)
            if again:
                last = st.history[-1]
                self.repeats += again
                self.repeated_in[f"{last.scene}/{last.choice}"] += again
        sid = st.scene
        if st.ending is None:
            plan = self.plans.get(sid)
            if plan is None:
                plan = self.plans[sid] = _read_plan(self.story.scenes[sid])
            plan(self, st, st.visits.get(sid, 1), game.seed)
        else:
            plan = self.ending_plans.get(sid)
            if plan is None:
                plan = self.ending_plans[sid] = _read_plan(self.story.ending(sid))
            plan(self, st, 1, game.seed)


# long: one generated function per scene's reading, written line by line
def _read_plan(part: Scene | Ending) -> Callable[[_Reader, object, int, str], None]:
    """What `_Reader.read` counts of a scene or ending, as one function of (reader, day, visit, seed) made from its
    texts (engine/codegen.py): the words of its title (an ending's with its questions'), then its text (`again`
    from the second visit, when it has one) and each variant whose condition holds, written out in order, added
    to the reader's counts. A fixed text is split and counted here, once; a text with words only is read once per
    set of their values (`_Varying`); a text that needs the day is read by its pieces, with the scope
    `Game.paragraphs` gives it (a scene's `again` reads the visit before). The paragraphs shown are added to
    those seen today in one go: the number already seen is the same as adding them one by one."""
    ns = codegen.Namespace(
        _Scope=TextScope, _memo=_read_memo.get, _keyed=_keyed, _words=_words, _sid=part.id, _empty=()
    )
    title = part.title
    if title.literal is not None:
        total = ns.name(_words(title.literal))
    elif title.plain:
        total = f"{ns.name(_Varying(title))}.read(words)[1]"
    else:  # as Game.title: without a scope
        total = f"_words({ns.name(title)}.render(words))"
    if isinstance(part, Ending):  # the report asks its questions: they are read
        total = f"{total} + {ns.name(sum(_words(q) for q in part.debrief))}"
    lines = ["def _read(r, s, visit, seed):", "    words = s.words", f"    total = {total}", "    shown = _empty"]
    again = getattr(part, "again", None)
    if any(tpl.literal is None and not tpl.plain for tpl in (part.text, *(tpl for _, tpl in part.variants))):
        lines.append("    scope = None")
    if again is None:
        lines += _read_text(part.text, "    ", False, ns)
    else:
        lines += ["    if visit >= 2:", *_read_text(again, "        ", True, ns)]
        lines += ["    else:", *_read_text(part.text, "        ", False, ns)]
    for cond, tpl in part.variants:
        lines.append(f"    if {codegen.condition_source(cond.tree, ns)}:")
        lines += _read_text(tpl, "        ", False, ns)
    lines += [
        "    seen = r.seen",
        "    before = len(seen)",
        "    seen.update(shown)",
        "    count = len(shown)",
        "    r.words += total",
        "    r.shown += count",
        "    count -= len(seen) - before",
        "    if count:",
        "        r.repeats += count",
        "        r.repeated_in[_sid] += count",
        "",
    ]
    return ns.define("\n".join(lines), "_read")


def _read_text(tpl: Template, indent: str, before: bool, ns: codegen.Namespace) -> list[str]:
    """The lines of `_read_plan` that add one text's paragraphs to `shown` and its words to `total`; `before`: a
    scene's `again`, whose sequences count returns from the first (its scope is the visit before)."""
    if tpl.literal is not None:
        parts, n = _paragraphs(tpl.literal.strip())
        return [f"{indent}shown += {ns.name(parts)}", f"{indent}total += {ns.name(n)}"]
    lines = []
    if tpl.plain:
        got = f"{ns.name(_Varying(tpl))}.read(words)"
    else:
        # the text's pieces, not the text: they are looked up by their own hashes, where a text made anew
        # would be hashed character by character. Not stripped first: a text's paragraphs and words are the
        # same either way (`_paragraphs` strips each paragraph and drops empty ones)
        keyed = ns.name(tpl.pieces())
        # a text that shuffles gets its scope's digest of seed and salt (`TextScope.seeded`) from the day's, made once
        based = any(p[0] == "shuffle" for p in tpl.inserts)
        salted = ns.name(shuffle_digest(ns.values["_sid"]))
        if before:
            lines.append(f"{indent}again = _Scope(s, visit - 1, _sid, seed)")
            if based:
                lines.append(f"{indent}again.base = r.base ^ {salted}")
            lines.append(f"{indent}key = {keyed}(words, again)")
        else:
            lines += [f"{indent}if scope is None:", f"{indent}    scope = _Scope(s, visit, _sid, seed)"]
            if based:
                lines.append(f"{indent}    scope.base = r.base ^ {salted}")
            lines.append(f"{indent}key = {keyed}(words, scope)")
        got = "_memo(key) or _keyed(key)"
    return [*lines, f"{indent}got = {got}", f"{indent}shown += got[0]", f"{indent}total += got[1]"]


def play_days(story: Story, seed: str, short: bool, start: int, stop: int) -> Tally:
    tally = Tally()
    reader = _Reader(story)
    # a day makes no reference cycles (2,000 days left nothing for the collector), so its scans of the
    # young objects each step makes are pure cost; it is back on after each batch of days all the same
    with collector_paused():
        for i in range(start, stop):
            play_day(story, f"{seed}-{i}", short, tally, i, reader)
    return tally


def _init_worker(root: str | None, short: bool) -> None:
    global _story, _story_key
    if _story is None or _story_key != (root, short):  # a forked worker already has it
        _story = load_for_life(root)  # a worker keeps its story to the end
        _story_key = (root, short)


def _work(job: tuple) -> Tally:
    seed, short, start, stop = job
    if _story is None:  # the pool's initializer (_init_worker) loads it before any job
        raise RuntimeError("a playtest worker was given a job before its story")
    return play_days(_story, seed, short, start, stop)


def run_days(story: Story, root: str | None, n: int, seed: str, short: bool, jobs: int, progress=None) -> Tally:
    """Play days 0..n-1 on `jobs` processes (1: in this process); `progress(done)` after each batch."""
    global _story, _story_key
    total = Tally()
    if jobs <= 1 or n < 100:
        step = max(1, min(500, n // 20 or 1))
        for start in range(0, n, step):
            total.add(play_days(story, seed, short, start, min(n, start + step)))
            if progress:
                progress(min(n, start + step))
        return total
    _ = story.machine  # built once here, so forked workers inherit it
    _story, _story_key = story, (root, short)
    step = max(25, min(1_000, n // (jobs * 12)))
    batches = [(seed, short, s, min(n, s + step)) for s in range(0, n, step)]
    import multiprocessing  # here: a one-process run has no need of it (its import is start-up time)

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    done = 0
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(root, short)) as pool:
        for tally in pool.imap_unordered(_work, batches):
            total.add(tally)
            done += tally.days + sum(tally.failure_counts.values())
            if progress:
                progress(done)
    return total


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# -- reporting --------------------------------------------------------------------------------


# long: the JSON summary, one field after another
def summarize(story: Story, tally: Tally, *, n: int, seed: str, short: bool, root: str | None) -> dict:
    """The playtest report as JSON-ready data (without timings, so equal runs give equal reports)."""
    scenes = list(story.scenes.values())
    choices = [(sc, ch) for sc in scenes for ch in sc.choices]
    length = _median_stats(tally.lengths)
    days = tally.days or 1
    return {
        "story": story.title,
        "days": n,
        "finished": tally.days,
        "seed": seed,
        "short": short,
        "coverage": {
            "scenes": {
                "reached": sum(1 for s in scenes if tally.scenes[s.id]),
                "total": len(scenes),
                "never": [{"id": s.id, "where": str(s.where)} for s in scenes if not tally.scenes[s.id]],
                "days": {s.id: tally.scenes[s.id] for s in scenes},
            },
            "choices": {
                "reached": sum(1 for sc, ch in choices if tally.taken[sc.id, ch.id]),
                "total": len(choices),
                "never": [
                    {"scene": sc.id, "id": ch.id, "where": str(ch.where)}
                    for sc, ch in choices
                    if not tally.taken[sc.id, ch.id]
                ],
                "taken": {f"{sc.id}/{ch.id}": tally.taken[sc.id, ch.id] for sc, ch in choices},
            },
            "endings": {
                "reached": sum(1 for e in story.endings if tally.endings[e.id]),
                "total": len(story.endings),
                "never": [{"id": e.id, "where": str(e.where)} for e in story.endings if not tally.endings[e.id]],
            },
        },
        "endings": {
            e.id: {
                "days": tally.endings[e.id],
                "share": round(tally.endings[e.id] / days, 4),
                "stats": {
                    name: {"min": lo, "max": hi, "mean": round(total / tally.endings[e.id], 2)}
                    for name, (lo, hi, total) in tally.stats.get(e.id, {}).items()
                },
            }
            for e in story.endings
        },
        "minutes": {c: round(tally.minutes[c] / days, 1) for c in story.categories},
        "length": length,
        "clock_out": format_time(round(tally.clock_out / days)) if tally.days else None,
        "reading": _reading(tally),
        "stats": _end_stats(story, tally),
        "events": {
            s.id: {
                "kind": s.kind,
                "at": format_time(s.at) if s.at is not None else None,
                "days": tally.fired_days[s.id],
                "share": round(tally.fired_days[s.id] / days, 4),
                "times": tally.fired[s.id],
            }
            for s in (*story.appointments, *story.interrupts)
        },
        "failures": {
            "count": dict(sorted(tally.failure_counts.items())),
            "first": [dict(f.to_dict(), replay=replay_command(f, root, short)) for f in tally.failures],
        },
    }


def _reading(tally: Tally) -> dict:
    """Words read per finished day, their read time, and paragraphs shown again the same day."""
    words = _median_stats(tally.words)
    shares = _median_stats(tally.repeat_shares)
    return {
        "words": words,
        "words_per_minute": WORDS_PER_MINUTE,
        "minutes": {
            k: None if words[k] is None else round(words[k] / WORDS_PER_MINUTE, 1) for k in ("min", "median", "max")
        },
        "paragraphs": tally.paragraphs,
        "repeated": tally.repeats,
        "repeated_share": round(tally.repeats / tally.paragraphs, 4) if tally.paragraphs else 0.0,
        "repeated_share_per_day": {
            "median": None if shares["median"] is None else round(shares["median"], 4),
            "max": shares["max"],
        },
        "repeated_in": dict(tally.repeated_in.most_common()),
    }


def _end_stats(story: Story, tally: Tally) -> dict:
    """Each stat at day end: min, median, max, and the share of days at the stat's floor and ceiling."""
    out = {}
    for s in story.stats.values():
        values = tally.end_stats.get(s.name, Counter())
        days = sum(values.values())
        m = _median_stats(values)
        out[s.name] = {
            "floor": s.min,
            "ceiling": s.max,
            "min": m["min"],
            "median": m["median"],
            "max": m["max"],
            "mean": m["mean"],
            "at_floor": round(values[s.min] / days, 4) if days else 0.0,
            "at_ceiling": round(values[s.max] / days, 4) if days else 0.0,
        }
    return out


def _median_stats(counts: Counter) -> dict:
    if not counts:
        return {"min": None, "median": None, "max": None, "mean": None}
    total = sum(counts.values())
    values = sorted(counts)
    mid = []
    seen = 0
    for v in values:  # the middle one or two of the sorted lengths
        for rank in ((total - 1) // 2, total // 2):
            if seen <= rank < seen + counts[v]:
                mid.append(v)
        seen += counts[v]
    return {
        "min": values[0],
        "median": sum(mid) / len(mid),
        "max": values[-1],
        "mean": round(sum(v * c for v, c in counts.items()) / total, 1),
    }


def replay_command(f: Failure, root: str | None, short: bool) -> str:
    """The command that replays a failed day up to where it went wrong."""
    parts = ["dayjob", "play", "--plain"]
    if root is not None:
        parts += ["--story", str(root)]
    if short:
        parts.append("--short")
    parts += ["--seed", f.seed]
    if f.choices:
        parts += ["--choices", ",".join(f.choices)]
    return " ".join(shlex.quote(p) for p in parts)


# long: the text report, section by section in the order it prints
def report_text(story: Story, data: dict) -> str:
    out = []
    cov = data["coverage"]
    out.append(
        f"Playtest of \u201c{data['story']}\u201d: {data['days']:,} {'short ' if data['short'] else ''}days, "
        f"seeds {data['seed']}-0 .. {data['seed']}-{data['days'] - 1}"
    )
    if "timing" in data:
        t = data["timing"]
        out.append(
            f"  {t['choices']:,} choices in {t['seconds']:.2f} s on {t['jobs']} process(es) "
            f"({t['cpu_seconds']:.2f} s of CPU time): "
            f"{t['days_per_second']:,.0f} days/s, {t['choices_per_second']:,.0f} choices/s"
        )
    out += ["", "Coverage"]
    for kind in ("scenes", "choices", "endings"):
        c = cov[kind]
        pct = 100 * c["reached"] / c["total"] if c["total"] else 100
        out.append(f"  {kind:<8} {c['reached']}/{c['total']} reached ({pct:.0f}%)")
        for item in c["never"]:
            what = (
                f"choice {item['id']!r} in scene {item['scene']!r}"
                if kind == "choices"
                else f"{kind[:-1]} {item['id']!r}"
            )
            out.append(f"    {item['where']}: never reached: {what}")
    out += ["", "Endings (share of finished days; stats at the end: min..max, mean)"]
    width = max((len(e) for e in data["endings"]), default=0)
    for eid, e in data["endings"].items():
        stats = "  ".join(f"{name} {s['min']}..{s['max']} ({s['mean']:g})" for name, s in e["stats"].items())
        out.append(f"  {eid.ljust(width)}  {e['days']:>7,}  {100 * e['share']:5.1f}%  {stats}")
    out += ["", "Minutes per category (mean per day)"]
    labels = story.category_labels
    ref = (story.reference or {}).get("minutes", {})
    lw = max((len(labels.get(c, c)) for c in data["minutes"]), default=0)
    for cat, mean in data["minutes"].items():
        extra = f"   (surveys: ~{ref[cat]})" if cat in ref else ""
        out.append(f"  {labels.get(cat, cat).ljust(lw)}  {mean:6.1f}{extra}")
    ln = data["length"]
    if ln["min"] is not None:
        out += [
            "",
            (
                f"Day length in choices: min {ln['min']}, median {ln['median']:g}, max {ln['max']} "
                f"(mean {ln['mean']:g}); mean clock-out {data['clock_out']}"
            ),
        ]
    out += _reading_text(data)
    fails = data["failures"]
    out.append("")
    if not fails["count"]:
        out.append("No crashes and no dead ends.")
    else:
        counts = ", ".join(f"{v:,} {_PLURALS[k][v != 1]}" for k, v in fails["count"].items())
        out.append(f"PROBLEMS: {counts}")
        for f in fails["first"][:TEXT_FAILURES]:
            out.append(f"  day {f['day']} (seed {f['seed']}), {f['kind']} at scene {f['scene']!r}: {f['message']}")
            replay = f["replay"]
            if len(f["choices"]) > 40:  # a loop: the start of it says enough; JSON has it whole
                head = ",".join(f["choices"][:40])
                replay = (
                    replay[: replay.index("--choices")] + f"--choices {head},... "
                    f"({len(f['choices']) - 40} more; --format json gives the whole command)"
                )
            out.append(f"    replay: {replay}")
        if len(fails["first"]) > TEXT_FAILURES:
            out.append(f"  ... (--format json lists the first {len(fails['first'])})")
    return "\n".join(out)


def _reading_text(data: dict) -> list[str]:
    """The writer's figures: read time, repeats, stats at day end, how often each event fires."""
    out: list[str] = []
    rd = data["reading"]
    w, t = rd["words"], rd["minutes"]
    if w["min"] is not None:
        out += [
            "",
            "Reading (per finished day: outcomes, titles and text of the scenes and the ending, its"
            " questions; not choice lines, clock stamps or the report's bars and minutes)",
            f"  words    min {w['min']:,}, median {w['median']:,g}, max {w['max']:,} (mean {w['mean']:,g})",
            f"  read time at {rd['words_per_minute']} words a minute: median {t['median']:g} min, max {t['max']:g} min",
        ]
        per = rd["repeated_share_per_day"]
        out.append(
            f"  paragraphs shown again the same day: {100 * rd['repeated_share']:.1f}% "
            f"({rd['repeated']:,} of {rd['paragraphs']:,}); per day median {100 * per['median']:.1f}%, "
            f"max {100 * per['max']:.1f}%"
        )
        top = list(rd["repeated_in"].items())[:TOP_REPEATS]
        if top:
            out.append("    most in: " + ", ".join(f"{sid} {n:,}" for sid, n in top))
    if data["stats"] and w["min"] is not None:
        out += ["", "Stats at day end (range; min, median, max; share of days at the range's bottom and top)"]
        sw = max(len(n) for n in data["stats"])
        for name, s in data["stats"].items():
            out.append(
                f"  {name.ljust(sw)}  {s['floor']}..{s['ceiling']}: {s['min']}, {s['median']:g}, {s['max']}; "
                f"at {s['floor']}: {100 * s['at_floor']:.1f}%, at {s['ceiling']}: {100 * s['at_ceiling']:.1f}%"
            )
    if data["events"]:
        out += ["", "Appointments and interruptions (share of finished days each one fired in; times in all)"]
        ew = max(len(e) for e in data["events"])
        for eid, e in data["events"].items():
            kind = f"appointment {e['at']}" if e["kind"] == "appointment" else "interruption"
            out.append(f"  {eid.ljust(ew)}  {kind:<17}  {100 * e['share']:5.1f}%  {e['times']:>9,}")
    return out


_PLURALS = {
    "crash": ("crash", "crashes"),
    "dead end": ("dead end", "dead ends"),
    "too long": ("day too long", "days too long"),
}


class _Bar:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int):
        self.total = max(total, 1)
        self.last = -1
        # the bar's own carriage returns, past the CLI's escaping of stderr (game.engine.safetext)
        self.stream = getattr(sys.stderr, "raw", sys.stderr)

    def __call__(self, done: int) -> None:
        filled = 30 * done // self.total
        if filled == self.last and done < self.total:
            return
        self.last = filled
        self.stream.write(f"\rplaytest [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,} days")
        if done >= self.total:
            self.stream.write("\r" + " " * 70 + "\r")
        self.stream.flush()


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the pool's workers, once closed)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not Unix
        return time.process_time()
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass(frozen=True)
class PlaytestOptions:
    """`dayjob playtest`'s command line."""

    dir: Path | None = None  # the story folder given as an argument
    story: Path | None = None  # --story, read when no folder argument is given (neither: the shipped day)
    n: int = 10_000  # days to play
    seed: str = "playtest"  # day i uses SEED-i
    jobs: int = 0  # processes (0: all cores)
    short: bool = False
    format: str = "text"  # "text" or "json"


def run_playtest(opts: PlaytestOptions) -> int:
    root = opts.dir or opts.story
    if root is not None and not Path(root).is_dir():
        print(f"dayjob playtest: {root} is not a folder", file=sys.stderr)
        return 2
    if opts.n < 1:
        print("dayjob playtest: -n takes a number of days, 1 or more", file=sys.stderr)
        return 2
    story = load_story_or_report(root, command="dayjob playtest")
    if story is None:
        return 1
    short = opts.short
    if lacks_short_day(story, short, "dayjob playtest"):
        return 2
    jobs = opts.jobs if opts.jobs and opts.jobs > 0 else cpu_count()
    progress = _Bar(opts.n) if sys.stderr.isatty() else None
    root_text = str(root) if root is not None else None
    began, cpu_began = time.perf_counter(), _cpu_seconds()
    tally = run_days(story, root_text, opts.n, opts.seed, short, jobs, progress)
    seconds, cpu = time.perf_counter() - began, _cpu_seconds() - cpu_began
    data = summarize(story, tally, n=opts.n, seed=opts.seed, short=short, root=root_text)
    data["timing"] = {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),  # this process and its workers
        "jobs": jobs,
        "choices": tally.choices,
        "days_per_second": round(opts.n / seconds, 1),
        "choices_per_second": round(tally.choices / seconds, 1),
    }
    if opts.format == "json":
        print(json.dumps(data, indent=2))
    else:
        print(report_text(story, data))
    return 1 if tally.failure_counts else 0
