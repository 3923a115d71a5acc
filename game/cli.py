"""The `dayjob` command: one entry point, sub-commands imported only when used."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import argparse

    from game.plain import PlainOptions
    from game.startup import DayOptions
    from game.tui.run import PlayOptions

PLAIN_COMMANDS = """\
the plain player (--plain), typed at "Your choice:":
  1, 2, ...          take that choice (a choice's id works too)
  r, look            hear the scene again
  t, time            the time, the minutes left and the minutes so far
  s, stats           the hidden stats (with --reveal; otherwise at the end of the day)
  g, glossary        the terms of the job met so far, and what they mean
  u, undo            take back the last choice
  h, ?, help         the commands
  q, quit            stop, after you confirm; Ctrl-D saves and stops at once
It saves after every choice to the same file as the TUI, so a day started in one continues in the other
(--no-save turns that off; --choices, --from and --set never touch the save)."""


def _story_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--story", metavar="DIR", type=Path, help="story folder (default: the shipped day)")


def _play_options(p: argparse.ArgumentParser) -> None:
    _story_option(p)
    p.add_argument("--seed", metavar="S", help="seed for the day's random events (any text)")
    p.add_argument("--short", action="store_true", help="the short workshop day: a half day, the morning only")
    p.add_argument("--from", dest="from_scene", metavar="SCENE", help="start at this scene (play from here)")
    p.add_argument(
        "--set",
        dest="presets",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="preset a stat, flag, word or the clock (repeatable), e.g. --set energy=2 --set clock=14:30; "
        "done=past marks the appointments before the clock as already held",
    )
    p.add_argument("--reveal", action="store_true", help="show the hidden stats while playing")
    p.add_argument("--results", metavar="DIR", type=Path, help="write the finished day's result file here (workshops)")
    p.add_argument("--nickname", metavar="NAME", help="nickname stored in the result file")


# long: the whole command line, one option after another, read like --help
def build_parser() -> argparse.ArgumentParser:
    import argparse  # here: `dayjob` with only on/off options starts without it (_quick_start)

    parser = argparse.ArgumentParser(
        prog="dayjob",
        description="Day Job: one workday of a machine learning engineer. With no sub-command, starts the game.",
    )
    _play_options(parser)
    parser.add_argument("--projector", action="store_true", help="large, high-contrast theme for a room")
    parser.add_argument("--no-save", action="store_true", help="do not read or write the autosave")
    parser.add_argument("--watch", action="store_true", help="reload the story when its files change (for writers)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "play",
        help="play a day (the TUI, or --plain for line-by-line)",
        epilog=PLAIN_COMMANDS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _play_options(p)
    p.add_argument(
        "--plain",
        action="store_true",
        help="line-by-line player for screen readers, pipes and CI (its commands are listed below)",
    )
    p.add_argument(
        "--width",
        type=int,
        default=0,
        metavar="COLUMNS",
        help="--plain: wrap lines at this width, only when the output is a terminal (default: one line per paragraph)",
    )
    p.add_argument("--choices", metavar="ID,ID,...", help="replay these choice ids, then stop")
    p.add_argument("--projector", action="store_true", help="large, high-contrast theme for a room")
    p.add_argument("--no-save", action="store_true", help="do not read or write the autosave")
    p.add_argument("--watch", action="store_true", help="reload the story when its files change (for writers)")

    p = sub.add_parser("check", help="check a story: every problem as path:line:col: message")
    p.add_argument("dir", nargs="?", type=Path, help="story folder")
    _story_option(p)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("playtest", help="play thousands of random days and report coverage")
    p.add_argument("dir", nargs="?", type=Path, help="story folder")
    _story_option(p)
    p.add_argument("-n", type=int, default=10_000, help="days to play (default 10000)")
    p.add_argument("--seed", default="playtest", help="base seed (day i uses SEED-i)")
    p.add_argument("--jobs", type=int, default=0, help="processes (default: all cores)")
    p.add_argument("--short", action="store_true", help="play the short day")
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("route", help="the shortest choices that reach a scene or ending")
    p.add_argument("target", help="scene or ending id")
    _story_option(p)
    p.add_argument("--from", dest="from_scene", metavar="SCENE", help="start the day at this scene, as `play --from`")
    p.add_argument(
        "--set",
        dest="presets",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="preset a stat, flag, word or the clock, as `play --set`; done=past (or done=ID,ID) marks "
        "appointments before the clock as already held",
    )
    p.add_argument("--short", action="store_true", help="search the short day")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--seeds", type=int, default=200, metavar="N", help="candidate seeds route-0.. (default 200)")
    p.add_argument(
        "--budget", type=int, default=300_000, metavar="STEPS", help="engine steps the search may take (default 300000)"
    )

    p = sub.add_parser("graph", help="the story map as Mermaid or Graphviz dot")
    _story_option(p)
    p.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    p.add_argument("--around", metavar="SCENE", help="only scenes near this one")
    p.add_argument("--depth", type=int, default=2, help="how near, with --around (default 2)")

    p = sub.add_parser("schema", help="JSON Schema for story files (for editors)")
    _story_option(p)
    p.add_argument("--out", metavar="FILE", type=Path, help="write it here instead of printing it")
    p.add_argument(
        "--write",
        metavar="DIR",
        type=Path,
        help="write DIR/story.schema.json beside a story and point its files' first lines (modelines) at it",
    )

    from game.lsp import HELP as LSP_HELP

    sub.add_parser(
        "lsp",
        help="language server for editors (LSP over stdio)",
        description=LSP_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    p = sub.add_parser("init", help="start a new story folder that passes `dayjob check`")
    p.add_argument("dir", type=Path, help="the folder to create (or an empty one)")

    p = sub.add_parser("serve", help="serve the game to browsers for a workshop")
    _story_option(p)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on: 127.0.0.1 (default) is this machine only; 0.0.0.0 lets the room in",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the address players' browsers use, when it differs (a proxy, a tunnel, https)",
    )
    p.add_argument("--seed", metavar="S", help="everyone plays this seed (default: one chosen now)")
    p.add_argument("--short", action="store_true", help="the short day: a half day, the morning only")
    p.add_argument(
        "--results", metavar="DIR", type=Path, help="collect finished days here (default: ./dayjob-results-YYYY-MM-DD)"
    )
    p.add_argument(
        "--max-players",
        type=int,
        default=40,
        metavar="N",
        help="seats: more players than this are asked to wait (default 40)",
    )
    p.add_argument("--minutes", type=float, metavar="N", help="the round's length, started from the room screen")
    p.add_argument("--projector", action="store_true", help="large, high-contrast theme for players and room screen")
    p.add_argument(
        "--audience",
        choices=("careers", "onboarding", "class"),
        default="careers",
        help="who is in the room: chooses the debrief's Apply question (default careers)",
    )
    p.add_argument("--no-fork", action="store_true", help="start each game as a fresh interpreter (slower)")

    p = sub.add_parser("debrief", help="summarise a workshop's results for discussion")
    p.add_argument("dir", type=Path, help="results folder")
    _story_option(p)
    p.add_argument("--format", choices=("text", "markdown", "html", "csv"), default="text")
    p.add_argument(
        "--audience",
        choices=("careers", "onboarding", "class"),
        default="careers",
        help="who is in the room: chooses the Apply question (default careers)",
    )
    p.add_argument("--out", metavar="FILE", type=Path)
    return parser


class _Escaped:
    """stdout or stderr of a one-shot command: each write goes through game.engine.safetext, imported at
    the first write (importing it loads the engine, which the TUI's first frame must not wait for)."""

    def __init__(self, raw):
        self.raw = raw
        self._safe = None

    def write(self, text: str) -> int:
        if self._safe is None:
            from game.engine.safetext import SafeStream

            self._safe = SafeStream(self.raw)
        return self._safe.write(text)

    def __getattr__(self, name: str):
        return getattr(self.raw, name)


_process_command = False  # main() runs the process's own command line, which may end the process when done


def main(argv: list[str] | None = None) -> int:
    """Run one command; everything it prints passes through the terminal escape (the TUI draws its own)."""
    global _process_command
    _process_command = argv is None  # the command line of this process (`dayjob`, `python -m game`), not a caller's
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaped(out), _Escaped(err)
    try:
        return _dispatch(argv, out, err)
    except Exception:  # a bug: its message may quote a story or a file name, so it is escaped like the rest
        import traceback

        traceback.print_exc(file=_Escaped(err))
        return 1
    finally:
        if sys.stdout is not None:  # None after a broken pipe: keep it so
            sys.stdout = out
        sys.stderr = err


# -- one function per command: the options object built from the parsed line, then the command's run_*


def _check(args: argparse.Namespace) -> int:
    if _process_command:  # no collections from here to the process's end: see game/authoring/check.py
        import gc

        gc.disable()
    from game.authoring.check import CheckOptions, run_check

    return run_check(CheckOptions(story=args.dir or args.story, format=args.format, process=_process_command))


def _playtest(args: argparse.Namespace) -> int:
    from game.authoring.playtest import PlaytestOptions, run_playtest

    return run_playtest(
        PlaytestOptions(
            dir=args.dir,
            story=args.story,
            n=args.n,
            seed=args.seed,
            jobs=args.jobs,
            short=args.short,
            format=args.format,
        )
    )


def _route(args: argparse.Namespace) -> int:
    from game.authoring.route import RouteOptions, run_route

    return run_route(
        RouteOptions(
            target=args.target,
            story=args.story,
            from_scene=args.from_scene,
            presets=tuple(args.presets),
            short=args.short,
            format=args.format,
            seeds=args.seeds,
            budget=args.budget,
        )
    )


def _graph(args: argparse.Namespace) -> int:
    from game.authoring.graph import GraphOptions, run_graph

    return run_graph(GraphOptions(story=args.story, format=args.format, around=args.around, depth=args.depth))


def _schema(args: argparse.Namespace) -> int:
    from game.authoring.schema import SchemaOptions, run_schema

    return run_schema(SchemaOptions(out=args.out, write=args.write))


def _lsp(args: argparse.Namespace) -> int:
    from game.lsp.server import run_lsp

    return run_lsp()  # the editor speaks to it over stdio: it has no options


def _init(args: argparse.Namespace) -> int:
    from game.authoring.init import InitOptions, run_init

    return run_init(InitOptions(dir=args.dir))


def _serve(args: argparse.Namespace) -> int:
    from game.workshop.serve import ServeOptions, run_serve

    return run_serve(
        ServeOptions(
            host=args.host,
            port=args.port,
            public_url=args.public_url,
            max_players=args.max_players,
            story=args.story,
            seed=args.seed,
            short=args.short,
            results=args.results,
            minutes=args.minutes,
            projector=args.projector,
            audience=args.audience,
            no_fork=args.no_fork,
        )
    )


def _debrief(args: argparse.Namespace) -> int:
    from game.workshop.debrief import DebriefOptions, run_debrief

    return run_debrief(
        DebriefOptions(dir=args.dir, story=args.story, format=args.format, audience=args.audience, out=args.out)
    )


D = TypeVar("D", bound="DayOptions")


def _day_options(kind: type[D], args: argparse.Namespace, **own: Any) -> D:
    """The options every player of a day takes, read from the parsed line, with the player's `own`."""
    return kind(
        story=args.story,
        seed=args.seed,
        short=args.short,
        from_scene=args.from_scene,
        presets=tuple(args.presets),
        reveal=args.reveal,
        results=args.results,
        nickname=args.nickname,
        no_save=args.no_save,
        **own,
    )


def plain_options(args: argparse.Namespace) -> PlainOptions:
    """`dayjob play --plain`: the plain player's options (the tests build them from a command line here too)."""
    from game.plain import PlainOptions

    return _day_options(PlainOptions, args, choices=args.choices, width=args.width)


def _tui_options(args: argparse.Namespace) -> PlayOptions:
    """`dayjob` and `dayjob play`: the TUI's options (the top-level parser has the same play options)."""
    from game.tui.run import PlayOptions

    return _day_options(PlayOptions, args, projector=args.projector, watch=args.watch)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _check,
    "playtest": _playtest,
    "route": _route,
    "graph": _graph,
    "schema": _schema,
    "lsp": _lsp,
    "init": _init,
    "serve": _serve,
    "debrief": _debrief,
}


# `dayjob` with nothing but these (how a player starts the game): the TUI's options, read without argparse
QUICK_FLAGS = {
    "--no-save": "no_save",
    "--projector": "projector",
    "--watch": "watch",
    "--short": "short",
    "--reveal": "reveal",
}


def quick_start(argv: list[str]) -> PlayOptions | None:
    """The TUI's options for a command line of QUICK_FLAGS only (none at all too), as the parser would give
    them; None for anything else. Importing argparse and building every sub-command's parser took ~5 ms of
    the way to the title screen (bench/bench_startup.py); tests/test_cli_quick.py holds the two equal."""
    if not all(arg in QUICK_FLAGS for arg in argv):
        return None
    from game.tui.run import PlayOptions

    on = {QUICK_FLAGS[arg] for arg in argv}
    return PlayOptions(
        short="short" in on,
        reveal="reveal" in on,
        no_save="no_save" in on,
        projector="projector" in on,
        watch="watch" in on,
    )


def _dispatch(argv: list[str] | None, out, err) -> int:
    # the collector off while the quick start imports the TUI's entry point (its options, game.startup, the
    # dataclasses module): a dozen collections of the young heap, ~2 ms of a start that makes no garbage;
    # the TUI keeps it off to its title screen (run_tui), any other command gets it back at once
    was_enabled = gc.isenabled()
    gc.disable()
    quick = None
    try:
        quick = quick_start(sys.argv[1:] if argv is None else argv)
    finally:
        if was_enabled and quick is None:
            gc.enable()
    command = None
    try:
        if quick is not None:
            try:
                return _run_tui(quick, out, err)
            finally:
                if was_enabled:  # as it was (the TUI turns it on once its title shows, unless it ended before)
                    gc.enable()
        parser = build_parser()
        args = parser.parse_args(argv)  # its usage errors go to the escaping stderr
        command = args.command
        _say_which_story(args, command)
        run = COMMANDS.get(command)
        if run is not None:
            return run(args)
        if command == "play" and args.plain:
            from game.plain import run_plain

            return run_plain(plain_options(args))
        if command == "play" and args.choices is not None:
            parser.error("--choices replays in the plain player: add --plain")
        return _run_tui(_tui_options(args), out, err)
    except KeyboardInterrupt:
        return 130 if command in ("playtest", "serve") else 0
    except BrokenPipeError:
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            return 0


def _run_tui(options: PlayOptions, out, err) -> int:
    from game.tui.run import run_tui

    sys.stdout, sys.stderr = out, err  # Textual writes its own escape codes
    return run_tui(options)


def _say_which_story(args: argparse.Namespace, command: str | None) -> None:
    """A writer who edits ./story with a non-editable install would otherwise check and play the packaged
    copy of the shipped day and wonder where their scene went: say so (not for the TUI: its screen hides it)."""
    if command in (None, "play") and not getattr(args, "plain", False):
        return
    if getattr(args, "story", None) is not None or getattr(args, "dir", None) is not None:
        return
    if not hasattr(args, "story"):  # a command that reads no story (init, schema, lsp)
        return
    here = Path("story")
    if not (here / "story.yaml").is_file():
        return
    from game.engine.where import shipped_story_dir

    shipped = shipped_story_dir()
    if here.resolve() != shipped.resolve():
        print(
            f"dayjob: note: using the shipped day in {shipped}, not ./story; add --story story to use yours",
            file=sys.stderr,
        )


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
