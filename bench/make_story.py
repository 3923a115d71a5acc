"""Write a valid synthetic Day Job story of N scenes that uses every feature of the format.

    python bench/make_story.py N DIR [--seed S] [--per-file 100]

The story is deterministic for a given N and seed. Its shape follows the shipped day
(about 600 characters of text, three or four choices and one to four variants per
scene, written in the same block style), spread over scene files of about 100 scenes each.

Appointments and interruptions do not grow with N at the shipped day's rate (16 in
55 scenes): a day has only nine hours, so a larger story has more branches, not more
meetings. Here there are max(2, min(12, N // 100)) appointments and max(3, N // 100)
interruptions, whose chances add up to about 0.5 per eligible step.

Every feature is used: appointments (`at`), interruptions with `if`, `chance` and
`repeat` (both values), variants, locked choices, `once`, `effects`, `set` of flags and
of words, `{word}` insertions, conditional `goto` branches, `back`, `end`, ending ids as
targets, `visited()`, clock comparisons, scene and choice categories, `hub`,
`category_labels`, `credits`, `reference`, `short`, endings with `debrief`.

Format 1.1 too, at about the rate a rewritten day uses it: `version: "1.1"` (in the manifest
and some scene files), an `outcome` on most choices (a text, or a list with conditions),
`again` on the hub and on many scenes, inline conditions (`{if ...: ... | elif ...: ... |
else: ...}`) in most scene texts, `{seq:}`, `{cycle:}` and `{shuffle:}`, `{time}`,
`{clock}`, `{late}` and `{since SCENE}`, `{^word}`, `code` in backticks, and conditional
appointments (`at: {time, if}`).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

CATEGORIES = ["meetings", "focus", "data", "docs", "messages", "support", "infra", "break"]
STATS = {"morale": (6, 0, 10), "expertise": (4, 0, 10), "energy": (7, 0, 10), "trust": (5, 0, 10)}
WORDS = {
    "team": "the platform team",
    "lead": "Priya",
    "domain": "fraud detection",
    "tool": "the notebook",
    "mood": "steady",
    "cluster": "the cluster",
    "metric": "recall at one per cent",
}
SETTABLE_WORDS = {
    "mood": ["cheerful", "tired", "focused", "wary", "curious"],
    "tool": ["the notebook", "the dashboard", "the terminal", "the wiki"],
    "lead": ["Priya", "Tomasz", "Amara", "Jun"],
}
GLOBAL_FLAGS = ["lunch_taken", "cluster_fixed", "page_published", "leak_found", "went_home"]
VOCAB = (
    "the model the data the ticket a column a table the loss a notebook the cluster a colleague a meeting "
    "the dashboard a page the pipeline a sample the schema a message the label a feature a chart the queue "
    "quietly slowly again carefully finally suddenly almost never always probably honestly twice "
    "looks drifts breaks returns waits loads fails converges lies explains scrolls blinks answers "
    "stale noisy late broken clean missing familiar odd small long green red"
).split()
NOUNS = [
    "the model",
    "the data",
    "the ticket",
    "a column",
    "the table",
    "the loss curve",
    "the notebook",
    "the cluster",
    "the dashboard",
    "the page",
    "the pipeline",
    "the schema",
    "the labels",
    "a feature",
    "the queue",
    "the sample",
    "the alert",
    "the baseline",
]
CHOICE_VERBS = [
    "Read",
    "Fix",
    "Ask about",
    "Write up",
    "Check",
    "Ignore",
    "Re-run",
    "Plot",
    "Document",
    "Escalate",
    "Question",
    "Clean",
    "Review",
    "Explain",
    "Measure",
]
DAY = (8 * 60 + 30, 17 * 60 + 30)
RICH_TAILS = [
    "{seq: It is new. | It is familiar. | It is old news.}",
    "{cycle: The fan hums. | The fan stops.}",
    "{shuffle: Someone laughs. | A chair squeaks. | A door shuts.}",
    "It is {time}.",
    "The `train.py` log scrolls.",
    "{^lead} looks up at {clock}.",
]


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Writer:
    def __init__(self, n: int, seed: str, per_file: int):
        if n < 12:
            raise SystemExit("make_story: N must be at least 12 (start, hub, two appointments, three interruptions)")
        self.n = n
        self.per_file = per_file
        self.rng = random.Random(f"{seed}-{n}")
        self.once = False  # the scene being written is shown at most once a day
        self.files = (n + per_file - 1) // per_file
        self.n_appt = max(2, min(12, n // 100))
        self.n_intr = max(3, n // 100)
        # each special scene takes two slots, itself and a follow-up that can go `back`: aligned pairs
        # (2j + 2, 2j + 3), spread evenly, so small stories pack without gaps
        pairs = (n - 2) // 2
        used: set[int] = set()
        self.kind: dict[int, tuple[str, int]] = {}
        for kind, count, offset in (("appt", self.n_appt, 0.3), ("intr", self.n_intr, 0.7)):
            for k in range(count):
                j = min(pairs - 1, int((k + offset) * pairs / count))
                while j in used:
                    j = (j + 1) % pairs
                used.add(j)
                self.kind[2 * j + 2] = (kind, k)
                self.kind[2 * j + 3] = (kind + "_after", k)
        self.regular = [i for i in range(n) if i not in self.kind]
        self.next_regular = {a: b for a, b in zip(self.regular, self.regular[1:])}
        self.next_regular[self.regular[-1]] = 1  # the last ordinary scene leads to the hub

    # -- names ------------------------------------------------------------------------------

    def sid(self, i: int) -> str:
        if i == 0:
            return "start"
        if i == 1:
            return "hub"
        kind = self.kind.get(i)
        if kind is None:
            return f"sc{i:05d}"
        name, k = kind
        return f"{name}{k:03d}" if not name.endswith("_after") else f"{name[:-6]}{k:03d}_after"

    def file_flag(self, i: int) -> str:
        return f"done_{i // self.per_file:03d}"

    def flags(self) -> list[str]:
        return GLOBAL_FLAGS + [f"done_{f:03d}" for f in range(self.files)]

    def some_regular(self) -> int:
        return self.rng.choice(self.regular)

    # -- prose ------------------------------------------------------------------------------

    def sentence(self, words: int) -> str:
        picked = [self.rng.choice(VOCAB) for _ in range(words)]
        return picked[0].capitalize() + " " + " ".join(picked[1:]) + "."

    def paragraph(self, chars: int, insert: str | None = None, rich: bool = False) -> list[str]:
        """Wrapped lines of about `chars` characters; `insert` (a {word}) goes in the middle."""
        parts: list[str] = []
        total = 0
        while total < chars:
            s = self.sentence(self.rng.randint(6, 14))
            parts.append(s)
            total += len(s) + 1
        if insert:
            parts.insert(len(parts) // 2, f"Then {insert} comes up, as it does.")
        if rich:  # format 1.1 text: an inline condition, and now and then a sequence or the clock
            parts.insert(1, self.inline())
            if self.rng.random() < 0.3:
                tails = [t for t in RICH_TAILS if not self.once or not t.startswith(("{seq", "{cycle"))]
                parts.append(self.rng.choice(tails))
        text = " ".join(parts)
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + 1 + len(word) > 76:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            lines.append(line)
        return lines

    def block(self, key: str, indent: int, chars: int, insert: str | None = None, rich: bool = False) -> list[str]:
        pad = " " * indent
        return [f"{pad}{key}: |"] + [f"{pad}  {ln}" for ln in self.paragraph(chars, insert, rich)]

    def inline(self) -> str:
        """A sentence that differs by a condition (format 1.1), sometimes with an `elif` and a word."""
        a, b = self.sentence(self.rng.randint(4, 8)), self.sentence(self.rng.randint(4, 8))
        if self.rng.random() < 0.3:
            c = self.sentence(self.rng.randint(4, 8))
            return f"{{if {self.stat_cond()}: {a} | elif {self.rng.choice(GLOBAL_FLAGS)}: {{^team}} {c.lower()} | else: {b}}}"
        return f"{{if {self.stat_cond()}: {a} | else: {b}}}"

    def outcome(self) -> list[str]:
        """A choice's reply (format 1.1): usually a text, sometimes a list with conditions."""
        rng = self.rng
        if rng.random() < 0.2:
            return [
                "        outcome:",
                f"          - if: {quote(self.stat_cond())}",
                f'            text: "{self.sentence(rng.randint(6, 12))} {{^lead}} notices."',
                f'          - text: "{self.sentence(rng.randint(6, 12))} {rng.choice(RICH_TAILS)}"',
            ]
        tail = rng.choice(["", " It is {time}.", " {^mood}, you move on.", " The `run_id` is logged."])
        return [f'        outcome: "{self.sentence(rng.randint(6, 14))}{tail}"']

    def word(self) -> str:
        return "{" + self.rng.choice(sorted(WORDS)) + "}"

    # -- conditions -------------------------------------------------------------------------

    def stat_cond(self) -> str:
        stat = self.rng.choice(sorted(STATS))
        op = self.rng.choice([">=", "<=", ">", "<"])
        return f"{stat} {op} {self.rng.randint(2, 8)}"

    def variant_cond(self, i: int) -> str:
        r = self.rng.random()
        if r < 0.3:
            return self.stat_cond()
        if r < 0.5:
            return f"{self.rng.choice(GLOBAL_FLAGS)} and {self.stat_cond()}"
        if r < 0.7:
            return f'clock >= "{hhmm(self.rng.randrange(DAY[0], DAY[1], 15))}"'
        if r < 0.85:
            return f'visited("{self.sid(self.some_regular())}") >= 1'
        return f"not {self.file_flag(i)} or energy + morale - trust >= 6"

    # -- scenes -----------------------------------------------------------------------------

    def choice(
        self,
        cid: str,
        text: str,
        goto,
        *,
        minutes: int,
        cond=None,
        locked=None,
        once=False,
        effects=None,
        sets=None,
        category=None,
        outcome=True,
    ) -> list[str]:
        out = [f"      - id: {cid}", f"        text: {text}"]
        if cond:
            out.append(f"        if: {quote(cond)}")
        if locked:
            out.append(f"        locked: {locked}")
        out.append(f"        minutes: {minutes}")
        if category:
            out.append(f"        category: {category}")
        if effects:
            out.append("        effects: {" + ", ".join(f"{k}: {v:+d}" for k, v in effects.items()) + "}")
        if sets:
            out.append("        set: {" + ", ".join(f"{k}: {fmt(v)}" for k, v in sets.items()) + "}")
        if once:
            out.append("        once: true")
        if outcome and self.rng.random() < 0.8:
            out += self.outcome()
        if isinstance(goto, str):
            out.append(f"        goto: {goto}")
        else:
            out.append("        goto:")
            for cond_, to in goto:
                out.append(f"          - {{if: {quote(cond_)}, to: {to}}}" if cond_ else f"          - {{to: {to}}}")
        return out

    def effects(self) -> dict[str, int]:
        names = self.rng.sample(sorted(STATS), self.rng.randint(1, 3))
        return {k: self.rng.choice([-2, -1, 1, 1, 2]) for k in names}

    def label(self) -> str:
        return f"{self.rng.choice(CHOICE_VERBS)} {self.rng.choice(NOUNS)}"

    def scene(self, i: int) -> list[str]:
        rng = self.rng
        sid = self.sid(i)
        kind = self.kind.get(i, ("scene", 0))[0]
        category = rng.choice(CATEGORIES)
        out = [
            f"  {sid}:",
            f"    title: {self.label().capitalize()} {{mood}}" if i % 5 == 0 else f"    title: {self.label()}",
        ]
        k = self.kind.get(i, ("", 0))[1]
        # shown once a day: an appointment, an interruption without `repeat` (a sequence would not step)
        self.once = kind == "appt" or (kind == "intr" and not k % 2)
        if kind == "appt":
            at = DAY[0] + 30 + (k * (DAY[1] - DAY[0] - 90)) // max(1, self.n_appt)
            if k % 2:  # a conditional appointment (format 1.1): only on days its `if` holds when due
                out.append(f'    at: {{time: "{hhmm(at - at % 5)}", if: {quote(self.stat_cond())}}}')
            else:
                out.append(f'    at: "{hhmm(at - at % 5)}"')
            category = "meetings"
        if kind == "intr":
            start = rng.randrange(DAY[0], DAY[1] - 120, 15)
            chance = round(min(0.3, 0.5 / self.n_intr), 4)
            repeat = "true" if k % 2 else "false"
            cond = f'clock >= "{hhmm(start)}" and clock < "{hhmm(start + 120)}"'
            if k % 3 == 2:
                cond += " and energy >= 2"
            out.append(f"    interrupt: {{chance: {chance}, if: {quote(cond)}, repeat: {repeat}}}")
        out.append(f"    category: {category}")
        out += self.block("text", 4, rng.randint(450, 700), self.word(), rich=rng.random() < 0.7)
        if kind == "appt":
            out.append("      The meeting started {late} minutes ago.")
        elif kind == "appt_after":
            out.append(f"      It is {{since {self.sid(i - 1)}}} minutes since it began.")
        if kind not in ("appt", "intr") or (kind == "intr" and k % 2):  # return visits: short text
            out.append(
                f'    again: "Back, at {{clock}}. {{seq: {self.sentence(4)} | {self.sentence(5)} | {self.sentence(4)}}}"'
            )
        nvar = rng.randint(1, 4)
        out.append("    variants:")
        for v in range(nvar):
            out.append(f"      - if: {quote(self.variant_cond(i))}")
            out += self.block("text", 8, rng.randint(90, 200), self.word() if rng.random() < 0.5 else None)
            if v == 0 and rng.random() < 0.3:
                kind_ = "shuffle" if self.once else rng.choice(["cycle", "shuffle"])
                out.append(f"          {{{kind_}: {self.sentence(4)} | {self.sentence(5)} | {self.sentence(3)}}}")
        out.append("    choices:")
        if kind in ("appt", "intr"):
            flag = GLOBAL_FLAGS[(k + (0 if kind == "appt" else self.n_appt)) % len(GLOBAL_FLAGS)]
            out += self.choice(
                "engage",
                f"{self.label()} with {{lead}}",
                f"{self.sid(i + 1)}",
                minutes=rng.choice([10, 15, 20]),
                effects=self.effects(),
                sets={flag: True},
            )
            out += self.choice(
                "brief",
                "Keep it short and get back",
                "back",
                minutes=5,
                effects={"trust": -1},
                category="messages",
                outcome=False,
            )
            out += self.choice(
                "deep",
                f"{self.label()} properly",
                "back",
                minutes=30,
                cond="energy >= 4",
                locked="You have nothing left for this",
                effects=self.effects(),
                category="focus" if category != "focus" else "data",
            )
            return out
        if kind in ("appt_after", "intr_after"):
            out += self.choice("wrap", "Wrap up and go back to {tool}", "back", minutes=10, effects=self.effects())
            out += self.choice(
                "follow",
                "Follow it up in writing",
                [('trust >= 6 or visited("hub") >= 2', "back"), (None, self.sid(self.next_regular.get(i + 1, 1)))],
                minutes=15,
                category="docs",
            )
            return out
        # an ordinary scene, the start or the hub
        nxt = self.sid(self.next_regular.get(i, 1))
        far = self.sid(self.some_regular())
        far2 = self.sid(self.some_regular())
        out += self.choice(
            "onward",
            f"{self.label()}",
            nxt,
            minutes=rng.choice([10, 15, 20, 25]),
            effects=self.effects() if rng.random() < 0.7 else None,
        )
        out += self.choice(
            "branch",
            f"{self.label()} in {{domain}}",
            [
                (f"{self.stat_cond()} and not {self.file_flag(i)}", far),
                (f'visited("{far}") or clock >= "{hhmm(rng.randrange(DAY[0] + 60, DAY[1], 30))}"', far2),
                (None, "hub" if i != 1 else nxt),
            ],
            minutes=rng.choice([15, 20, 30]),
            sets={self.file_flag(i): True} if rng.random() < 0.5 else None,
        )
        if rng.random() < 0.5 or i in (0, 1):
            word = rng.choice(sorted(SETTABLE_WORDS))
            out += self.choice(
                "once",
                f"{self.label()}, just this once",
                far,
                minutes=rng.choice([5, 10]),
                once=True,
                sets={word: rng.choice(SETTABLE_WORDS[word]), rng.choice(GLOBAL_FLAGS): True},
                category=rng.choice(CATEGORIES),
            )
        if rng.random() < 0.4 or i in (0, 1):
            out += self.choice(
                "locked",
                f"{self.label()} with care",
                far2,
                minutes=20,
                cond=self.stat_cond(),
                locked="Not today, not like this",
                effects=self.effects(),
            )
        if i == 1 or i % 97 == 3:
            out += self.choice(
                "home",
                "Go home early",
                [("energy <= 1", "burnout"), (None, "end")],
                minutes=5,
                cond='clock >= "16:30"',
                locked="It is too early to leave",
                category="break",
                sets={"went_home": True},
            )
        if i % 89 == 5:
            out += self.choice(
                "quit",
                "Close the laptop for good",
                "ordinary_day",
                minutes=5,
                cond="morale <= 2 and not page_published",
                category="break",
            )
        return out

    # -- files ------------------------------------------------------------------------------

    def manifest(self) -> str:
        start_short = self.sid(self.regular[len(self.regular) // 2])
        lines = [
            "# A synthetic story written by bench/make_story.py",
            'version: "1.1"',
            f"title: Synthetic day of {self.n} scenes",
            "subtitle: A benchmark story that uses every feature of the format",
            "start: start",
            "hub: hub",
            'clock: {start: "08:30", end: "17:30"}',
            "categories: [" + ", ".join(CATEGORIES) + "]",
            "category_labels:",
            *[f"  {c}: {c.capitalize()} work" for c in CATEGORIES],
            "stats:",
            *[
                f"  {k}: {{start: {s}, min: {lo}, max: {hi}, label: {k.capitalize()}}}"
                for k, (s, lo, hi) in STATS.items()
            ],
            "flags:",
            *[f"  - {f}" for f in self.flags()],
            "words:",
            *[f"  {k}: {v}" for k, v in WORDS.items()],
            "endings:",
            "  - id: burnout",
            "    if: energy <= 1 or morale <= 1",
            "    title: Running on empty, {mood}",
            *self.block("text", 4, 400, "{lead}", rich=True),
            "    debrief:",
            '      - "When did you last skip lunch?"',
            "  - id: found_it",
            '    if: leak_found and visited("hub") >= 2',
            "    title: Found it",
            *self.block("text", 4, 300),
            "  - id: home_early",
            '    if: went_home and clock < "17:30"',
            "    title: Home early",
            *self.block("text", 4, 300),
            "    debrief:",
            '      - "What made you leave?"',
            '      - "Who noticed?"',
            "  - id: ordinary_day",
            "    title: An ordinary day in {domain}",
            *self.block("text", 4, 300),
            "credits: |",
            "  Written by a machine, for a benchmark.",
            "reference:",
            "  label: Surveys",
            "  source: Made-up figures for a benchmark",
            "  minutes: {" + ", ".join(f"{c}: {40 + 10 * j}" for j, c in enumerate(CATEGORIES)) + "}",
            "short:",
            f"  start: {start_short}",
            '  clock: {start: "13:00", end: "15:00"}',
            "  set: {lunch_taken: true, mood: rested}",
            "  effects: {energy: -1, morale: +1}",
            "",
        ]
        return "\n".join(lines)

    def write(self, root: Path) -> list[Path]:
        root.mkdir(parents=True, exist_ok=True)
        scenes_dir = root / "scenes"
        scenes_dir.mkdir(exist_ok=True)
        for old in scenes_dir.glob("part*.yaml"):
            old.unlink()
        written = [root / "story.yaml"]
        written[0].write_text(self.manifest(), encoding="utf-8")
        for f in range(self.files):
            lines = [f"# scenes {f * self.per_file}..{min(self.n, (f + 1) * self.per_file) - 1}"]
            if f % 2:
                lines.append('version: "1.1"')
            lines.append("scenes:")
            for i in range(f * self.per_file, min(self.n, (f + 1) * self.per_file)):
                lines += self.scene(i)
            path = scenes_dir / f"part{f:04d}.yaml"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            written.append(path)
        return written


def quote(cond: str) -> str:
    """A condition as a YAML scalar: single quotes when it holds a double quote."""
    return f"'{cond}'" if '"' in cond else cond


def fmt(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def make_story(n: int, root: Path, seed: str = "bench", per_file: int = 100) -> list[Path]:
    """Write the story; returns the files written (manifest first)."""
    return Writer(n, seed, per_file).write(Path(root))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="number of scenes")
    p.add_argument("dir", type=Path, help="story folder to write (story.yaml and scenes/)")
    p.add_argument("--seed", default="bench")
    p.add_argument("--per-file", type=int, default=100, help="scenes per file (default 100)")
    args = p.parse_args(argv)
    files = make_story(args.n, args.dir, args.seed, args.per_file)
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {args.n} scenes in {len(files) - 1} scene files ({size / 1e6:.1f} MB) to {args.dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
