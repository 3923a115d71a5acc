"""The line-by-line player: for screen readers, pipes, CI and replaying bug reports.

Everything it prints is meant to be heard: headings are sentences ("08:30. A day in the life."),
each event is announced once, options are numbered and the unavailable ones follow under
"Not available:", and no line holds decoration a speech synthesiser would read out (rules,
bars, tildes, brackets around prompts). Each paragraph is one line: screen readers and braille
displays wrap lines themselves and move line by line, so a hard wrap would split sentences, and
pipes and CI get the same lines whatever the terminal. `--width N` wraps at N columns, and only
when the output is a terminal (a transcript piped to a file never depends on it).
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from game.engine import ChoiceError, Game
from game.engine.clock import format_time
from game.engine.errors import ReplayError
from game.prose import clean, paragraphs, unticked
from game.startup import DayOptions

if TYPE_CHECKING:
    from pathlib import Path

    from game.engine.report import Report, Spent
    from game.engine.saves import SaveSlot

HOW_TO_PLAY = "Type the number of a choice and press Enter. Type h for help."
PROMPT = "Your choice: "
HELP = (
    "Commands:",
    "A number takes that choice.",
    "r or look: hear the scene again.",
    "t or time: the time, the minutes left in the day and where the minutes went so far.",
    "s or stats: the hidden stats, when playing with --reveal; otherwise they wait for the end of the day.",
    "g or glossary: the terms of the job met so far today, and what they mean.",
    "u or undo: take back your last choice.",
    "h, help or a question mark: these commands.",  # a lone "?" is silent in speech
    "q or quit: stop playing, after you confirm. Control D saves and stops at once.",
)
YES = ("y", "yes")
END_OF_INPUT = "End of input. "  # Control D, or the end of a piped script
INTERRUPTED = "Stopped. "  # Control C


class PlainOptions(DayOptions):
    """`dayjob play --plain`: the command line, as given (a frozen record, as DayOptions is)."""

    __slots__ = ("choices", "width")
    __match_args__ = (*DayOptions.__match_args__, "choices", "width")
    choices: str | None  # --choices ID,ID,...: replay them, then stop
    width: int  # --width: wrap at this many columns, on a terminal only

    def __init__(
        self,
        story: Path | None = None,
        seed: str | None = None,
        short: bool = False,
        from_scene: str | None = None,
        presets: tuple[str, ...] = (),
        reveal: bool = False,
        results: Path | None = None,
        nickname: str | None = None,
        no_save: bool = False,
        choices: str | None = None,
        width: int = 0,
    ) -> None:
        super().__init__(story, seed, short, from_scene, presets, reveal, results, nickname, no_save)
        object.__setattr__(self, "choices", choices)
        object.__setattr__(self, "width", width)


def _load(options: PlainOptions, err: TextIO):
    from game.startup import load_story_or_report

    return load_story_or_report(options.story, err)


def _new_game(story, options: PlainOptions, err: TextIO) -> Game | int:
    from game.startup import parse_presets

    try:
        presets = parse_presets(list(options.presets))
        return Game(story, options.seed, short=options.short, start=options.from_scene, preset=presets)
    except (ValueError, ChoiceError) as exc:
        print(f"dayjob: {exc}", file=err)
        return 2


# -- words ------------------------------------------------------------------------------


def sentence(text: str) -> str:
    """`text` ending as a sentence: a full stop added unless it already ends in punctuation."""
    text = text.strip()
    if not text or text.rstrip("\u201d\"')").endswith((".", "?", "!", ":", "\u2026")):
        return text
    return text + "."


def minutes_words(minutes: int) -> str:
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def or_list(items: list[str], word: str = "or") -> str:
    """`1`, `1 or 2`, `1, 2 or 3` (or with `and`)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def please_type(count: int) -> str:
    """The reply to an entry that is neither a choice nor a command."""
    if count > 4:
        return f"Please type a number from 1 to {count}, or h for help."
    return f"Please type {or_list([str(n) for n in range(1, count + 1)])}, or h for help."


def heading(game: Game) -> str:
    """The scene's heading as one sentence that also says how the scene began."""
    title = clean(unticked(game.title)).strip()
    clock = game.clock_text
    arrival = game.arrival
    if arrival == "appointment":
        scene = game.scene
        at = scene.at if scene is not None and scene.at is not None else game.clock
        late = game.clock - at
        # said as the calendar says it, so a title that is not a meeting ("The dentist") reads true too
        if late >= 5:
            return (
                f"{clock}. On your calendar at {format_time(at)}: {sentence(title)} You are {minutes_words(late)} late."
            )
        return f"{clock}. On your calendar: {sentence(title)}"
    if arrival == "interruption":
        return f"{clock}. An interruption: {sentence(title)}"
    if arrival == "back":
        return f"{clock}. Back to what you were doing: {sentence(title)}"
    return f"{clock}. {sentence(title)}"


def stat_line(label: str, value: int, top: int) -> str:
    return f"{label} {value} out of {top}"


# -- the player -------------------------------------------------------------------------


@dataclass
class PlainPlayer:
    """One day played line by line: what is printed, what each typed line does, the autosave."""

    game: Game
    out: TextIO
    reveal: bool = False
    slot: SaveSlot | None = None
    width: int = 0  # wrap at this many columns; 0 never wraps
    ids: list[str] = field(default_factory=list)  # the choice ids the numbers stand for, as last shown

    # -- printing

    def say(self, text: str = "") -> None:
        """Print a line (or several); wrapped only when a width was asked for and the output is a terminal."""
        _say(self.out, text, self.width)

    def show_scene(self) -> list[str]:
        """Heading, text, options; returns the ids that the numbers choose."""
        game = self.game
        for paragraph in paragraphs(unticked(game.outcome or "")):  # what the last choice did, first
            self.say(paragraph)
            self.say()
        self.say(heading(game))
        self.say()
        for paragraph in paragraphs(unticked(game.text)):
            self.say(paragraph)
            self.say()
        new = [game.story.glossary.terms[t].term for t in game.meet_terms()]
        if new:
            self.say(
                f"New {'term' if len(new) == 1 else 'terms'} here: {or_list(new, 'and')}. "
                f"Type g to hear what {'it means' if len(new) == 1 else 'they mean'}."
            )
            self.say()
        ids: list[str] = []
        locked = []
        for view in game.choices:
            text = sentence(clean(unticked(view.text)))
            if not view.available:
                locked.append(f"{text} {sentence(clean(unticked(view.locked or '')))}".rstrip())
                continue
            ids.append(view.id)
            spend = f" {minutes_words(view.minutes)}." if view.minutes else ""
            self.say(f"{len(ids)}. {text}{spend}")
        if locked:
            self.say("Not available:")
            for line in locked:
                self.say(line)
        self.ids = ids
        return ids

    def echo(self, choice_id: str) -> None:
        """Say back the choice about to be taken, by its number and its words."""
        number = self.ids.index(choice_id) + 1 if choice_id in self.ids else None
        view = next((v for v in self.game.choices if v.id == choice_id), None)
        words = sentence(clean(unticked(view.text))) if view is not None else choice_id
        self.say(f"You chose {number}: {words}" if number else f"You chose {words}")

    def take(self, choice_id: str) -> None:
        """Take a choice (raises ChoiceError): echoed, then what it did to the stats with --reveal, then saved."""
        game = self.game
        before = dict(game.state.stats)
        self.echo(choice_id)
        game.choose(choice_id)
        if self.reveal:
            moved = [
                self._moved(name, before[name]) for name in game.story.stats if game.state.stats[name] != before[name]
            ]
            if moved:
                self.say(" ".join(moved))
        self.autosave()
        self.say()

    def _moved(self, name: str, before: int) -> str:
        stat = self.game.story.stats[name]
        now = self.game.state.stats[name]
        way = "up" if now > before else "down"
        return f"{stat.label} {way} {abs(now - before)}, to {now} out of {stat.max}."

    def autosave(self) -> None:
        if self.slot is None:
            return
        try:
            self.slot.write(self.game.snapshot())
        except OSError as exc:
            self.slot = None
            self.say(f"Could not save the day ({_one_line(exc)}). Playing on without saving.")

    # -- commands

    def time_report(self) -> str:
        game = self.game
        st = game.state
        left = max(0, st.day_end - st.clock)
        end = _clock(st.day_end)
        spent = [
            f"{game.story.category_labels.get(c, c.capitalize())} {minutes_words(m)}"
            for c, m in st.minutes.items()
            if m
        ]
        so_far = f" So far: {', '.join(spent)}." if spent else " No minutes spent yet."
        return f"It is {game.clock_text}. The day ends at {end}, in {minutes_words(left)}.{so_far}"

    def stats_report(self) -> str:
        if not self.reveal:
            return "The stats stay hidden until the end of the day. Play with --reveal to hear them as you go."
        game = self.game
        return " ".join(
            sentence(stat_line(s.label, game.state.stats[s.name], s.max)) for s in game.story.stats.values()
        )

    def glossary_report(self) -> list[str]:
        glossary = self.game.story.glossary
        if not glossary.terms:
            return ["This story has no glossary."]
        met = [glossary.terms[t] for t in self.game.state.terms if t in glossary.terms]
        if not met:
            return ["No terms from the glossary so far today."]
        head = "1 term so far today:" if len(met) == 1 else f"{len(met)} terms so far today:"
        return [head, *(f"{t.term}: {sentence(clean(t.means))}" for t in met)]

    def undo(self) -> bool:
        if not self.game.undo():
            self.say("Nothing to take back: this is the start of the day.")
            return False
        self.autosave()
        self.say(f"Taken back. It is {self.game.clock_text} again.")
        self.say()
        return True

    def quit_question(self) -> str:
        if self.slot is not None:
            return "Quit now? Your day is saved, so you can continue it later."
        return "Quit now? This day is not being saved."

    def goodbye(self, start: str = "") -> None:
        """The last line: whether the day is saved, after `start` (why the player stopped, when it was not `q`)."""
        if self.slot is not None:
            self.say(f"{start}Your day is saved. Run dayjob play --plain again to continue it.")
        else:
            self.say(f"{start}Goodbye. This day was not saved.")

    def answer(self, line: str, stdin: TextIO) -> bool | None:
        """Act on one typed line: True when a choice or undo changed the day, None to stop playing."""
        answer = line.strip()
        word = answer.lower()
        ids = self.ids
        if word in ("h", "?", "help"):
            for row in HELP:
                if self.slot is None:  # --no-save, a replay, a writer's test day: nothing is saved
                    row = row.replace("Control D saves and stops at once.", "Control D stops at once.")
                self.say(row)
        elif word in ("r", "look"):
            self.say()
            self.show_scene()
        elif word in ("t", "time"):
            self.say(self.time_report())
        elif word in ("s", "stats"):
            self.say(self.stats_report())
        elif word in ("g", "glossary"):
            for row in self.glossary_report():
                self.say(row)
        elif word in ("u", "undo"):
            return self.undo()
        elif word in ("q", "quit", "exit"):
            self.say(self.quit_question())
            reply = self.read(stdin, "Type y to quit, or press Enter to stay: ")
            if reply is None or reply.strip().lower() in YES:
                self.goodbye()
                return None
            self.say("Staying.")
        elif answer.isascii() and answer.isdigit() and 1 <= int(answer) <= len(ids):  # "²" is a digit int() refuses
            self.take(ids[int(answer) - 1])
            return True
        elif answer in ids:
            self.take(answer)
            return True
        else:
            view = next((v for v in self.game.choices if v.id == answer and not v.available), None)
            if view is not None:
                self.say(f"That choice is not available: {sentence(clean(view.locked or ''))}")
            else:
                self.say(please_type(len(ids)))
        return False

    def read(self, stdin: TextIO, prompt: str = "") -> str | None:
        """One line from the player, or None at the end of input; in a transcript each prompt ends its line."""
        if prompt:
            print(prompt, end="", file=self.out, flush=True)
        line = stdin.readline()
        if not line:
            return None
        if prompt and not _is_terminal(stdin):  # a terminal shows what was typed; a transcript says it here
            print(clean(line.rstrip("\n")), file=self.out)
        return line

    def play(self, stdin: TextIO) -> int:
        """Scenes and answers until the day ends (then the report) or the player stops."""
        game = self.game
        while not game.ended:
            self.show_scene()
            while True:
                self.say()
                line = self.read(stdin, PROMPT)
                if line is None:
                    self.say()
                    self.goodbye(END_OF_INPUT)
                    return 0
                done = self.answer(line, stdin)
                if done is None:
                    return 0
                if done:
                    break
        self.say(report_text(game.report()))
        return 0


def _say(out: TextIO, text: str, width: int) -> None:
    """Print `text`, each of its lines wrapped at `width` columns when `width` is above 0."""
    if width > 0 and text:
        text = "\n".join(textwrap.fill(line, width) if line else "" for line in text.split("\n"))
    print(text, file=out)


def _times(times: int) -> str:
    return "" if times == 1 else ", twice" if times == 2 else f", {times} times"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _clock(minutes: int) -> str:
    from game.engine.clock import format_time

    return format_time(minutes)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# -- the report -------------------------------------------------------------------------


def report_text(report: Report) -> str:
    """The end-of-day report as lines a screen reader speaks cleanly: no bars, no tildes, no tables."""
    lines = []
    for paragraph in paragraphs(unticked(report.outcome or "")):  # what the day's last choice did
        lines += [paragraph, ""]
    lines += [f"{report.clock_out}. The end: {sentence(clean(report.ending_title))}", ""]
    for paragraph in paragraphs(unticked(report.ending_text)):
        lines += [paragraph, ""]
    lines.append("How you ended the day:")
    lines += [sentence(stat_line(s.label, s.value, s.max)) for s in report.stats]
    if any(report.movers.values()):
        lines += ["", "What moved them most:"]
        for s in report.stats:  # a line for each move: a choice's own words may hold commas and semicolons
            lines += [
                sentence(
                    f"{s.label} {'up' if m.delta > 0 else 'down'} {abs(m.delta)} from {_words(m.choice_text)}"
                    f"{_times(m.times)}, in {_words(m.title)}"
                )
                for m in report.movers.get(s.name) or []
            ]
    ref = report.reference_minutes
    if ref:
        scaled = ", scaled to the length of your day" if report.reference_scale != 1.0 else ""
        lines += ["", f"Where the minutes went, with the typical minutes from surveys{scaled}:"]
    else:
        lines += ["", "Where the minutes went:"]
    for cat, mins in report.minutes.items():
        typical = f", typical {ref[cat]}" if cat in ref else ""
        spent = "".join(f" {_spent(row)}" for row in report.spent.get(cat, ()))
        lines.append(f"{report.category_labels.get(cat, cat)}: {minutes_words(mins)}{typical}.{spent}")
    if report.terms:
        lines += ["", "Terms of the job you met today:"]
        lines += [f"{t.term}: {sentence(clean(t.means))}" for t in report.terms]
    if report.debrief:
        lines += ["", "To think about:"]
        lines += [f"{i}. {q}" for i, q in enumerate(report.debrief, 1)]
    lines += ["", f"Share: {report.share_line}", ""]
    return "\n".join(lines)


def _words(text: str) -> str:
    """Story words inside a sentence of the report: as the player sees them, without a closing full stop."""
    return clean(unticked(text)).strip().rstrip(".")


def _spent(row: Spent) -> str:
    """`Your desk, 80 minutes: Read the docs, then Do some deep work, twice.`: a scene's minutes and the choices that spent them."""
    taken = [f"{_words(text)}{_times(n)}" for text, n in row.taken()]
    return sentence(f"{_words(row.title)}, {minutes_words(row.minutes)}{': ' + ', then '.join(taken) if taken else ''}")


# -- running ----------------------------------------------------------------------------


def _slot_for(options: PlainOptions) -> SaveSlot | None:
    """The TUI's save slot for this story, or None for --no-save, a replay or a writer's test day."""
    from game.engine import shipped_story_dir
    from game.engine.saves import SaveSlot, default_save_dir, save_name

    if options.no_save or options.choices is not None or options.from_scene or options.presets:
        return None
    root = options.story if options.story is not None else shipped_story_dir()
    return SaveSlot(default_save_dir(), save_name(root))


def _width(options: PlainOptions, out: TextIO) -> int:
    return options.width if options.width > 0 and _is_terminal(out) else 0


def run_plain(options: PlainOptions, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    """Play a day line by line (or replay `--choices`); returns the exit code."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    story = _load(options, sys.stderr)
    if story is None:
        return 1
    if options.choices is not None:
        made = _new_game(story, options, sys.stderr)
        if isinstance(made, int):
            return made
        return _replay(PlainPlayer(made, out, options.reveal, None, _width(options, out)), options)
    slot = _slot_for(options)
    width = _width(options, out)
    _say(out, f"{sentence(clean(story.title))} {sentence(clean(story.subtitle_for(options.short)))}".strip(), width)
    _say(out, HOW_TO_PLAY, width)
    print(file=out)
    game: Game | None = None
    if slot is not None:
        from game.engine.saves import resume_saved

        saved, notices = resume_saved(slot, story)
        for notice in notices:
            print(clean(notice), file=out)
        if saved is not None and not saved.ended:
            wanted = _ask_continue(saved, stdin, out, width)
            if wanted is None:
                return 0
            game = saved if wanted else None
    if game is None:
        made = _new_game(story, options, sys.stderr)
        if isinstance(made, int):
            return made
        game = made
    player = PlainPlayer(game, out, options.reveal, slot, width)
    player.autosave()
    try:
        code = player.play(stdin)
    except KeyboardInterrupt:
        player.say()
        player.goodbye(INTERRUPTED)
        return 0
    if game.ended:
        _write_result(game, options)
    return code


def _ask_continue(saved: Game, stdin: TextIO, out: TextIO, width: int = 0) -> bool | None:
    """Ask whether to continue the saved day: True to continue, False for a new day, None to stop
    (the end of input, or Control C)."""
    _say(out, f"You have a day in progress: {saved.clock_text}, {sentence(clean(saved.title))}", width)
    while True:
        print("Type c to continue it, or n to start a new day: ", end="", file=out, flush=True)
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            line = None
        if not line:
            print(file=out)
            why = END_OF_INPUT if line == "" else INTERRUPTED
            _say(out, f"{why}Your saved day is kept for next time.", width)
            return None
        if not _is_terminal(stdin):
            print(clean(line.rstrip("\n")), file=out)
        word = line.strip().lower()
        if word in ("", "c", "continue", "n", "new"):
            print(file=out)
            return word not in ("n", "new")
        print("Please type c or n.", file=out)


def _replay(player: PlainPlayer, options: PlainOptions) -> int:
    """`--choices`: take these ids in order, showing each scene, then stop (a replay never touches the save)."""
    game = player.game
    ids = [c.strip() for c in (options.choices or "").split(",") if c.strip()]

    def show(_n: int, cid: str) -> None:
        player.show_scene()
        player.say()
        player.say(f"{PROMPT}{cid}")

    def take(cid: str) -> None:
        if cid in player.ids:  # every choice on offer, a dead end's "Carry on" too
            player.take(cid)
        else:
            game.choose(cid)  # raises with the reason

    try:
        game.replay(ids, before=show, take=take)
    except ReplayError as exc:
        if exc.ended:
            left = ", ".join(ids[exc.n - 1 :])
            print(f"dayjob: the day ended after choice {exc.n - 1}; not played: {left}", file=sys.stderr)
        else:
            print(f"dayjob: choice {exc.n} ({exc.choice!r}): {exc.reason}", file=sys.stderr)
        return 1
    if game.ended:
        player.say(report_text(game.report()))
        _write_result(game, options)
    else:
        player.show_scene()
    return 0


def _write_result(game: Game, options: PlainOptions) -> None:
    if options.results:
        from game.workshop.results import write_result

        path = write_result(game, options.results, nickname=options.nickname)
        print(f"Result written to {path}", file=sys.stderr)
