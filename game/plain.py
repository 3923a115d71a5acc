"""The line-by-line player: for screen readers, pipes, CI and replaying bug reports."""

from __future__ import annotations

import sys
from typing import TextIO

from game.engine import ChoiceError, Game
from game.engine.report import Report, bar
from game.engine.text import drop_backticks

ANNOUNCE = {
    "appointment": "-- It's {clock}: {title} is starting. --",
    "interruption": "-- An interruption. --",
    "back": "-- Back to what you were doing. --",
}


def setup_game(args, err: TextIO | None = None) -> Game | int:
    """A new game from the shared play options, or an exit code after saying what is wrong."""
    from game.cli import load_story_or_report, parse_presets

    err = err or sys.stderr
    story = load_story_or_report(args.story, err)
    if story is None:
        return 1
    try:
        presets = parse_presets(args.presets)
        return Game(story, args.seed, short=args.short, start=args.from_scene, preset=presets)
    except (ValueError, ChoiceError) as exc:
        print(f"dayjob: {exc}", file=err)
        return 2


def show_scene(game: Game, out: TextIO, reveal: bool = False) -> list[str]:
    """Print the scene; return the ids that the numbers choose."""
    if game.outcome:  # what the last choice did comes before whatever happens next
        print(drop_backticks(game.outcome), file=out)
        print(file=out)
    announce = ANNOUNCE.get(game.arrival)
    if announce:
        print(announce.format(clock=game.clock_text, title=game.title), file=out)
    print(f"== {game.clock_text} | {game.title} ==", file=out)
    print(file=out)
    print(drop_backticks(game.text), file=out)
    print(file=out)
    ids = []
    for view in game.choices:
        if view.available:
            ids.append(view.id)
            print(f"  {len(ids)}. {drop_backticks(view.text)} ({view.minutes} min)", file=out)
        else:
            print(f"  -  {drop_backticks(view.text)} (locked: {drop_backticks(view.locked or '')})", file=out)
    if reveal:
        print(
            "  [" + ", ".join(f"{s.label} {game.state.stats[s.name]}/{s.max}" for s in game.story.stats.values()) + "]",
            file=out,
        )
    return ids


def report_text(report: Report) -> str:
    lines = [drop_backticks(report.outcome), ""] if report.outcome else []
    lines += [f"== The end: {report.ending_title} ==", "", drop_backticks(report.ending_text.strip()), ""]
    lines.append("How you ended the day:")
    width = max((len(s.label) for s in report.stats), default=0)
    for s in report.stats:
        lines.append(f"  {s.label.ljust(width)}  {bar(s.value - s.min, s.max - s.min, 10)}  {s.value}/{s.max}")
    lines += ["", "Where the minutes went:"]
    width = max((len(v) for v in report.category_labels.values()), default=0)
    ref = report.reference_minutes
    surveys = "surveys, scaled to your day" if report.reference_scale != 1.0 else "surveys"
    for cat, mins in report.minutes.items():
        extra = f"   ({surveys}: ~{ref[cat]} min)" if cat in ref else ""
        lines.append(f"  {report.category_labels.get(cat, cat).ljust(width)}  {mins:4d} min{extra}")
    if report.debrief:
        lines += ["", "To think about:"]
        lines += [f"  - {q}" for q in report.debrief]
    lines += ["", report.share_line, ""]
    return "\n".join(lines)


def run_plain(args, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    made = setup_game(args)
    if isinstance(made, int):
        return made
    game = made
    if getattr(args, "choices", None) is not None:
        ids = [c.strip() for c in args.choices.split(",") if c.strip()]
        for n, cid in enumerate(ids, 1):
            if game.ended:
                left = ", ".join(ids[n - 1 :])
                print(f"dayjob: the day ended after choice {n - 1}; not played: {left}", file=sys.stderr)
                return 1
            show_scene(game, out, args.reveal)
            print(f"> {cid}", file=out)
            print(file=out)
            try:
                game.choose(cid)
            except ChoiceError as exc:
                print(f"dayjob: choice {n} ({cid!r}): {exc}", file=sys.stderr)
                return 1
        if game.ended:
            print(report_text(game.report()), file=out)
            _write_result(game, args)
        else:
            show_scene(game, out, args.reveal)
        return 0
    try:
        while not game.ended:
            ids = show_scene(game, out, args.reveal)
            while True:
                print("> ", end="", file=out, flush=True)
                line = stdin.readline()
                if not line:
                    print(file=out)
                    return 0
                answer = line.strip()
                if answer in ("q", "quit"):
                    return 0
                if answer in ("u", "undo"):
                    print("(Taken back.)" if game.undo() else "(Nothing to take back.)", file=out)
                    print(file=out)
                    break
                if answer.isdigit() and 1 <= int(answer) <= len(ids):
                    choice = ids[int(answer) - 1]
                elif answer in ids:
                    choice = answer
                else:
                    print(f"Type a number from 1 to {len(ids)} (u takes back the last choice, q quits).", file=out)
                    continue
                print(file=out)
                game.choose(choice)
                break
    except KeyboardInterrupt:
        print(file=out)
        return 0
    print(report_text(game.report()), file=out)
    _write_result(game, args)
    return 0


def _write_result(game: Game, args) -> None:
    if getattr(args, "results", None):
        from game.workshop.results import write_result

        path = write_result(game, args.results, nickname=getattr(args, "nickname", None))
        print(f"Result written to {path}", file=sys.stderr)
