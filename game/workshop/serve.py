"""`dayjob serve`: the room plays in browsers, each tab its own game, all on one seed.

This module is the command: it checks the options, loads the story, starts the fork server
(forkserver.py), opens the web server (server.py) and prints what the facilitator needs.
Whatever ends it (Ctrl-C, SIGTERM, SIGHUP, the terminal closing) ends every game first;
even SIGKILL leaves no game behind (the fork server and each game die with their parent).
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import shlex
import signal
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from game.engine import new_seed
from game.startup import load_story_or_report
from game.workshop.addresses import LOOPBACK, bind_error, local_url, share_urls
from game.workshop.forkserver import GameConfig, config_json, start_zygote
from game.workshop.games import ExecSpawner, ForkSpawner
from game.workshop.guard import quiet_library_logs, quiet_loop_errors
from game.workshop.server import WorkshopServer
from game.workshop.tserve import version_problem


@dataclass(frozen=True)
class ServeOptions:
    """`dayjob serve`'s command line, as given (run_serve checks it)."""

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    max_players: int = 40
    story: Path | None = None  # the story folder (None: the shipped day)
    seed: str | None = None  # None: one chosen now
    short: bool = False
    results: Path | None = None  # None: ./dayjob-results-YYYY-MM-DD
    minutes: float | None = None
    projector: bool = False
    audience: str = "careers"
    no_fork: bool = False


@dataclass(frozen=True)
class ServeSettings:
    """`dayjob serve`'s options, checked, with the folders resolved and the way games start chosen."""

    host: str
    port: int
    public_url: str | None
    max_players: int
    story: Path | None
    seed: str | None
    short: bool
    results: Path
    minutes: float | None
    projector: bool
    audience: str
    fork: bool


def default_results_dir() -> Path:
    return Path.cwd() / f"dayjob-results-{date.today().isoformat()}"


def _settings(given: ServeOptions, err) -> ServeSettings | None:
    port = given.port
    if not 0 < port < 65536:
        print(f"dayjob serve: --port takes 1 to 65535, not {port}", file=err)
        return None
    if given.max_players < 1:
        print("dayjob serve: --max-players takes a number of at least 1", file=err)
        return None
    public_url = given.public_url
    if public_url and not public_url.startswith(("http://", "https://")):
        print(
            f"dayjob serve: --public-url takes an address starting with http:// or https://, not {public_url!r}",
            file=err,
        )
        return None
    minutes = given.minutes
    if minutes is not None and not 0 < minutes <= 600:
        print("dayjob serve: --minutes takes a number of minutes above 0 and at most 600", file=err)
        return None
    results = Path(given.results) if given.results else default_results_dir()
    return ServeSettings(
        host=given.host,
        port=port,
        public_url=public_url,
        max_players=given.max_players,
        story=Path(given.story).resolve() if given.story else None,
        seed=given.seed,
        short=given.short,
        results=results.resolve(),
        minutes=minutes,
        projector=given.projector,
        audience=given.audience or "careers",
        fork=not given.no_fork and hasattr(os, "fork") and sys.platform.startswith("linux"),
    )


# long: the command's start-up in order: options, story, results folder, addresses, server
def run_serve(given: ServeOptions) -> int:
    out, err = sys.stdout, sys.stderr
    problem = version_problem()
    if problem:
        print(f"dayjob serve: {problem}", file=err)
        return 1
    opts = _settings(given, err)
    if opts is None:
        return 2
    story = load_story_or_report(opts.story, err, command="dayjob serve")
    if story is None:
        return 1
    short = opts.short
    if short and story.short is None:
        print("dayjob serve: this story has no short day (no `short:` in story.yaml); serving the full day.", file=err)
        short = False
    seed = opts.seed or new_seed()
    try:
        opts.results.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"dayjob serve: cannot make the results folder {opts.results}: {exc.strerror or exc}", file=err)
        return 1
    _more_file_descriptors()
    config = GameConfig(
        story=str(opts.story) if opts.story else None,
        seed=seed,
        short=short,
        results=str(opts.results),
        projector=opts.projector,
    )
    zygote = None
    if opts.fork:
        try:
            zygote = start_zygote(config, story)  # before any thread, loop or log handler exists
        except OSError as exc:
            print(f"dayjob serve: {exc}; starting each game as a fresh interpreter instead.", file=err)
    logging.basicConfig(level=logging.INFO, format="  %(asctime)s  %(message)s", datefmt="%H:%M:%S", stream=out)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    quiet_library_logs()

    async def main() -> int:
        loop = asyncio.get_running_loop()
        quiet_loop_errors(loop)
        if zygote is not None:
            spawner: ForkSpawner | ExecSpawner = ForkSpawner(*zygote)
        else:
            spawner = ExecSpawner([sys.executable, "-m", "game.workshop.forkserver", config_json(config)], _env())
        server = WorkshopServer(
            spawner,
            host=opts.host,
            port=opts.port,
            public_url=opts.public_url,
            max_players=opts.max_players,
            title=story.title,
            subtitle=story.subtitle_for(short),
            results=opts.results,
            story=story,
            minutes=opts.minutes,
            projector=opts.projector,
            audience=opts.audience,
        )
        try:
            await server.open()
        except OSError as exc:
            print(f"dayjob serve: {bind_error(exc, opts.host, opts.port)}", file=err)
            await spawner.close()
            return 1
        stop = asyncio.Event()
        for sig in STOP_SIGNALS:  # a second one while the room closes changes nothing: it goes on closing
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError, AttributeError):
                pass
        _announce(out, story, seed, short, opts, server)
        await stop.wait()
        _say(out, "\n  Closing the room: ending every game (reports stay on players' screens)...")
        await server.close()
        count = sum(1 for p in opts.results.glob("*.json") if not p.name.startswith("."))
        _say(out, f"  Stopped. {count} result file(s) in {opts.results}")
        _say(out, f"  Next: dayjob debrief {_shell_path(opts.results)}")
        _ignore_further_signals(loop)
        return 0

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 130


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _ignore_further_signals(loop: asyncio.AbstractEventLoop) -> None:
    """The room is closed and every result counted: another Ctrl+C (or SIGTERM, SIGHUP) has nothing left to stop.

    Closing the loop hands the signals back to Python, and Python's own shutdown back to the system's
    defaults: a second Ctrl+C pressed while the process wound down killed it (exit -2), with a traceback
    or a complaint about the signal wakeup fd. Ignored signals stay ignored through the interpreter's end.
    """
    for sig in STOP_SIGNALS:
        try:
            loop.remove_signal_handler(sig)
            signal.signal(sig, signal.SIG_IGN)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            pass


def _say(out, line: str) -> None:
    """A line for the facilitator; a terminal that has closed (SIGHUP) must not stop the room closing."""
    try:
        print(line, file=out, flush=True)
    except (OSError, ValueError):
        pass


def _env() -> dict[str, str]:
    import game

    root = str(Path(game.__file__).resolve().parent.parent)
    return {"PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}


def _more_file_descriptors() -> None:
    """A room needs about four file descriptors per player: raise the soft limit to the hard one."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY else 65536
        if soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError):
        pass


def _shell_path(path: Path) -> str:
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return shlex.quote(shown)


def _announce(out, story, seed: str, short: bool, opts: ServeSettings, server: WorkshopServer) -> None:
    from game.engine.clock import format_time

    if short:
        day = f"the short day ({format_time(story.short.clock_start)}\u2013{format_time(story.short.clock_end)})"
    else:
        day = f"the full day ({format_time(story.clock_start)}\u2013{format_time(story.clock_end)})"
    host, port, public_url = opts.host, server.port, opts.public_url
    lines = ["", f"  {story.title}: workshop server", "", f"  Everyone plays {day} on seed {seed}."]
    urls = share_urls(host, port, public_url)
    if host in LOOPBACK and not public_url:
        lines += [
            f"  Open {urls[0]} in a browser on this machine.",
            "  Only this machine can reach it: to let the room in, use --host 0.0.0.0.",
        ]
    elif urls:
        lines.append(
            "  Players open:" if len(urls) == 1 else "  Players open one of these (the one on the room's network):"
        )
        lines += [f"      {u}" for u in urls]
        if public_url:
            lines.append(f"  (listening on {host}:{port}; pages point browsers at {public_url})")
        else:
            lines.append("  Players must be on the same network. Page will not load? See docs/workshop.md (firewall).")
    else:
        lines += [
            f"  Listening on {host}:{port}, but this machine's network address could not be found;",
            "  look it up (ip addr / ipconfig) and share http://ADDRESS" + ("" if port == 80 else f":{port}") + ".",
        ]
    lines += [
        f"  Room code {server.code}. Seats: {opts.max_players}."
        + (f" Round: {opts.minutes:g} minutes, started from the room screen." if opts.minutes else ""),
        "",
        "  The room screen (for you only: it holds a secret; put it on the projector):",
        f"      {local_url(host, port)}/room/{server.secret}",
        "",
        f"  Results are collected in {opts.results}",
    ]
    earlier = sum(1 for p in opts.results.glob("*.json") if not p.name.startswith("."))
    if earlier:
        lines.append(
            f"  It already holds {earlier} result file(s): to keep this session apart, use --results NEW-FOLDER."
        )
    lines += ["  Press Ctrl+C to close the room; then run:", f"      dayjob debrief {_shell_path(opts.results)}", ""]
    _say(out, "\n".join(lines))
