"""A warm parent for players' games: Textual and the compiled story imported once, a fork per player.

`dayjob serve` forks this "zygote" before its event loop starts (no threads, no loop to
inherit). The zygote imports the TUI, settles its heap out of the collector's sight (so the
forked games share those pages instead of copying them), then waits on a socket: each request
carries a player's three pipe ends (SCM_RIGHTS) and a small JSON of who they are; it forks a
game onto them and answers with the game's pid, and later with its exit code.

Orphans: the zygote dies with the server (PR_SET_PDEATHSIG, SIGKILL) and each game with the
zygote (SIGTERM); each game also quits when its pipe from the server closes (driver.py), and
is killed three seconds later if it has not.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import resource
import select
import signal
import socket
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

PR_SET_PDEATHSIG = 1
GAME_MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space per game: a backstop, a game uses ~150 MB
DRIVER = "game.workshop.driver:WorkshopDriver"


@dataclass(frozen=True)
class GameConfig:
    """What every game in the room shares: the story, the seed, the day and where results go."""

    story: str | None
    seed: str
    short: bool
    results: str
    projector: bool = False


def die_with_parent(sig: int) -> None:
    """Ask Linux to send `sig` when our parent exits (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def limit_memory() -> None:
    """RLIMIT_AS as a backstop: a runaway game fails to allocate instead of taking the laptop's memory."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = GAME_MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(GAME_MEMORY_LIMIT, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def web_environment(width: int, height: int) -> dict[str, str]:
    """What Textual's web driver reads from the environment (as textual-serve sets it), with our driver."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        serve_version = version("textual-serve")
    except PackageNotFoundError:
        serve_version = "0"
    return {
        "TEXTUAL_DRIVER": DRIVER,
        "TEXTUAL_FPS": "60",
        "TEXTUAL_COLOR_SYSTEM": "truecolor",
        "TERM_PROGRAM": "textual",
        "TERM_PROGRAM_VERSION": serve_version,
        "COLUMNS": str(width),
        "ROWS": str(height),
    }


def use_story(story) -> None:
    """Games forked from here play the story the zygote compiled: the same one, already in memory."""
    import game.tui.session as session_module

    def preloaded(root: object = None, **_: object):
        return story

    session_module.load_story = preloaded  # type: ignore[assignment]


def warm_up(config: GameConfig) -> None:
    """Play the first screens once, headless, so what every game builds lazily (styles, caches,
    imports) is built here, once, and shared by every fork instead of rebuilt in each."""
    import asyncio

    from game.tui.app import make_app
    from game.tui.options import TuiOptions

    async def once() -> None:
        options = TuiOptions(
            story=Path(config.story) if config.story else None,
            seed=config.seed,
            short=config.short,
            projector=config.projector,
            save=False,
            locked=True,
        )
        app = make_app(options)
        async with app.run_test(headless=True, size=(100, 32)) as pilot:
            for _ in range(200):
                await pilot.pause(0.01)
                if app.session is not None:
                    break
            await app.workers.wait_for_complete()
            await pilot.press("enter")  # the first scene
            await pilot.pause(0.05)

    try:
        asyncio.run(once())
    except Exception:  # only a head start: a game that was not warmed still plays
        pass


def run_game(config: GameConfig, player: str, nickname: str | None, story=None) -> int:
    """One player's game on stdin/stdout (the web driver's pipes); returns its exit code."""
    from game.tui.app import make_app
    from game.tui.options import TuiOptions

    if story is not None:
        use_story(story)
    options = TuiOptions(
        story=Path(config.story) if config.story else None,
        seed=config.seed,
        short=config.short,
        results=Path(config.results),
        nickname=nickname,
        projector=config.projector,
        save=False,
        locked=True,
        player=player,
    )
    app = make_app(options)
    result = app.run()
    if app.return_code not in (None, 0):
        return int(app.return_code)
    return result if isinstance(result, int) else 0


# -- the zygote ----------------------------------------------------------------------------


# long: the fork server's loop: fork, wire up, reap, in one place
def zygote(sock: socket.socket, config: GameConfig, story, server_pid: int) -> None:
    """Import everything a game needs, then fork a game per request until the server goes."""
    die_with_parent(signal.SIGKILL)
    if os.getppid() != server_pid:
        os._exit(0)
    # Ctrl-C and a closing terminal reach the whole process group; the server ends us in order
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN if sig != signal.SIGTERM else signal.SIG_DFL)
    os.environ.update(web_environment(80, 24))
    import game.tui.app  # noqa: F401  (the point of a warm parent: these are imported once)
    import game.tui.screens.help
    import game.tui.screens.report
    import game.tui.screens.scene
    import game.tui.session
    import game.workshop.driver  # noqa: F401

    _ = story.machine
    use_story(story)
    from game.workshop.sharedcss import share_parsed_css

    share_parsed_css()
    warm_up(config)
    os.environ.update(web_environment(80, 24))
    gc.enable()
    gc.collect()
    gc.freeze()  # forked games then leave these pages shared: the collector never writes to them
    if not _send(sock, {"ready": os.getpid()}):
        os._exit(0)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    zygote_pid = os.getpid()
    while True:
        try:
            ready: list[int] = select.select([sock.fileno(), wake_r], [], [], 1.0)[0]
        except InterruptedError:
            ready = []
        if wake_r in ready:
            try:
                os.read(wake_r, 4096)
            except BlockingIOError:
                pass
        if not _reap(sock):
            os._exit(0)
        if sock.fileno() not in ready:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(sock, 65536, 3)
        except OSError:
            os._exit(0)
        if not message:
            os._exit(0)  # the server has gone
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            continue
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            for fd in (wake_r, wake_w):
                os.close(fd)
            sock.close()
            _game_child(fds, request, config, story, zygote_pid)
        for fd in fds:
            os.close(fd)
        if not _send(sock, {"started": pid}):
            os._exit(0)


def _reap(sock: socket.socket) -> bool:
    """Collect every game that has exited and tell the server its code; False once the server is gone."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            return True
        if not _send(sock, {"exit": pid, "code": os.waitstatus_to_exitcode(status)}):
            return False


def _send(sock: socket.socket, data: dict) -> bool:
    try:
        sock.send(json.dumps(data).encode())
        return True
    except OSError:
        return False


def _game_child(fds: list[int], request: dict, config: GameConfig, story, zygote_pid: int) -> None:
    """In the forked game: its own session, its pipes as 0/1/2, its limits; then the game. Never returns."""
    code = 1
    try:
        os.setsid()  # its own process group: the server can end it and anything it starts
        die_with_parent(signal.SIGTERM)
        if os.getppid() != zygote_pid:
            os._exit(0)
        for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        # stdout is now the protocol pipe: nothing but the web driver may write to it
        import logging

        logging.root.handlers.clear()
        width = _clamp(request.get("width"), 20, 1000, 80)
        height = _clamp(request.get("height"), 8, 500, 24)
        os.environ.update(web_environment(width, height))
        limit_memory()
        gc.enable()
        code = run_game(config, str(request.get("player") or ""), request.get("nickname") or None, story)
    except BaseException:  # the game's own errors are on stderr already; this is its last word
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def _clamp(value: object, low: int, high: int, default: int) -> int:
    return max(low, min(high, value)) if isinstance(value, int) and not isinstance(value, bool) else default


READY_WAIT = 60.0  # seconds the zygote may take to import and warm up


def start_zygote(config: GameConfig, story) -> tuple[int, socket.socket]:
    """Fork the zygote (call before any event loop or thread exists) and wait until it is warm.

    Returns its pid and our socket; raises OSError if it does not get ready.
    """
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server_pid = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        ours.close()
        try:
            zygote(theirs, config, story, server_pid)
        finally:
            os._exit(0)
    theirs.close()
    ready, _, _ = select.select([ours], [], [], READY_WAIT)
    message = ours.recv(4096) if ready else b""
    if not message.startswith(b'{"ready"'):
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
        raise OSError("the game starter did not get ready")
    return pid, ours


def config_json(config: GameConfig) -> str:
    return json.dumps(asdict(config))


def main(argv: list[str]) -> int:
    """A game in a fresh interpreter (`dayjob serve --no-fork`): CONFIG-JSON PLAYER [NICKNAME].

    Positional only, never parsed as options: a nickname such as `--short` is just a name.
    """
    die_with_parent(signal.SIGTERM)
    limit_memory()
    config = GameConfig(**json.loads(argv[0]))
    return run_game(config, argv[1], argv[2] if len(argv) > 2 else None)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
