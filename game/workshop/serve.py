"""`dayjob serve`: the room plays in browsers, each tab its own game process, all on one seed.

Built on textual-serve: its page and JavaScript terminal, its per-connection `AppService`.
What this adds: a seat limit with a polite refusal, page URLs taken from the address the
browser used (or --public-url), game processes started without a shell in their own process
group and always ended (tab closed, game crashed, Ctrl-C), and one-line errors at startup.
"""

from __future__ import annotations

import asyncio
import base64
import errno
import html
import json
import logging
import os
import signal
import socket
import sys
import time
from datetime import date
from pathlib import Path

from aiohttp import WSMsgType, web

from game.cli import load_story_or_report
from game.engine import new_seed
from game.workshop.results import MAX_NICKNAME, clean_nickname

log = logging.getLogger("dayjob.serve")

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
QUIT_GRACE = 3.0  # seconds a game has to quit when asked, before it is terminated
TERM_GRACE = 2.0  # seconds after SIGTERM before SIGKILL
MAX_STDIN = 4096  # characters of one keyboard message used; the page sends a key or a short paste

# Close reasons shown on the player's page (a WebSocket close reason is at most 123 bytes).
REASON_ENDED = "Your session has ended. Thanks for playing! Press Restart to play the day again."
REASON_CLOSED = "The facilitator has closed the room. Thanks for playing!"
REASON_CRASHED = "The game stopped unexpectedly. Press Restart to try again, or tell the facilitator."
REASON_FULL = "The room is full ({n} players). Ask the facilitator for a seat, then press Restart."


def _repo_root() -> Path:
    import game

    return Path(game.__file__).resolve().parent.parent


def game_command(seed: str, results: Path, *, short: bool = False, story: Path | None = None) -> list[str]:
    """The argv of one player's game: the TUI on the shared seed, results collected, no autosave."""
    argv = [sys.executable, "-m", "game", "--seed", seed]
    if short:
        argv.append("--short")
    argv += ["--results", str(results), "--no-save"]
    if story is not None:
        argv += ["--story", str(story)]
    return argv


def _session_class():
    from textual_serve.app_service import AppService

    class GameSession(AppService):
        """One player's game process: started without a shell, in its own process group, always ended."""

        def __init__(self, argv: list[str], *, env: dict[str, str], **kwargs):
            super().__init__(" ".join(argv), **kwargs)
            self.argv = argv
            self.extra_env = env
            self.started = time.monotonic()
            self.asked_to_quit = False

        @property
        def pid(self) -> int | None:
            return self._process.pid if self._process is not None else None

        @property
        def returncode(self) -> int | None:
            return self._process.returncode if self._process is not None else None

        async def _open_app_process(self, width: int = 80, height: int = 24):
            environment = self._build_environment(width=width, height=height)
            environment.update(self.extra_env)
            self._process = process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=environment,
                start_new_session=True,  # Ctrl-C reaches the server only; it ends the games in order
            )
            self._stdin = process.stdin
            return process

        def _signal(self, sig: int) -> None:
            pid = self.pid
            if pid is None or self.returncode is not None:
                return
            try:
                if hasattr(os, "killpg"):
                    os.killpg(pid, sig)  # the game and anything it started
                elif sig == signal.SIGTERM:
                    self._process.terminate()
                else:
                    self._process.kill()
            except (ProcessLookupError, PermissionError):
                pass

        async def stop(self) -> None:
            """Ask the game to quit; terminate it if it does not; kill it if that fails too; reap it."""
            process = self._process
            if process is None:
                return
            if process.returncode is None and not self.asked_to_quit:
                self.asked_to_quit = True
                try:
                    await asyncio.wait_for(self.send_meta({"type": "quit"}), 1.0)
                except (TimeoutError, OSError, RuntimeError, AssertionError):
                    pass
            for grace, sig in (
                (QUIT_GRACE, signal.SIGTERM),
                (TERM_GRACE, getattr(signal, "SIGKILL", signal.SIGTERM)),
                (None, None),
            ):
                try:
                    await asyncio.wait_for(process.wait(), grace)
                    break
                except TimeoutError:
                    self._signal(sig)
            if self._task is not None:
                try:
                    await asyncio.wait_for(self._task, TERM_GRACE)
                except (TimeoutError, asyncio.CancelledError):
                    self._task.cancel()
                self._task = None
            try:
                await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
            except Exception:
                log.debug("could not cancel downloads", exc_info=True)

    return GameSession


def _font_face(static: str) -> str:
    return "".join(
        f"@font-face{{font-family:'Roboto Mono';font-style:{style};font-weight:100 700;"
        f"src:url('{static}fonts/{name}') format('truetype')}}"
        for style, name in (
            ("normal", "RobotoMono-VariableFont_wght.ttf"),
            ("italic", "RobotoMono-Italic-VariableFont_wght.ttf"),
        )
    )


# The page: textual-serve's, without anything fetched from the internet, with the close reason shown.
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{static}css/xterm.css">
<style>{fonts}
html,body{{margin:0;height:100%;background:#0c181f}}
body{{font-family:'Roboto Mono',menlo,monospace}}
#terminal{{position:absolute;inset:0}}
.dialog-container{{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;z-index:10}}
.shade{{position:absolute;inset:0;background:#0c181f}}
.intro{{position:relative;max-width:40rem;margin:2rem;padding:2rem;font-size:18px;text-align:center;
  color:rgba(255,255,255,.95);background:#12232d;border-radius:6px;line-height:1.5}}
body.-first-byte .intro-dialog{{display:none}}
body .textual-terminal{{opacity:0;transition:opacity .3s ease-out}}
body.-first-byte .textual-terminal{{opacity:1}}
button{{padding:14px 28px;margin:16px auto 0;display:block;background:#5e0ba7;color:#fff;border:none;
  font:inherit;cursor:pointer;border-radius:4px}}
button:hover{{background:#ac5af4}}
.closed-dialog{{display:none}}
body.-closed .closed-dialog{{display:flex}}
#start{{display:none}}#start.-delay{{display:block}}
</style>
<script>
// Show why the session closed (room full, day over, room closed) instead of a bare "Session ended".
(function () {{
  const Native = window.WebSocket;
  class DayJobSocket extends Native {{
    constructor(url, protocols) {{
      super(url, protocols);
      this.addEventListener("close", (event) => {{
        const box = document.getElementById("closed-message");
        if (box) box.textContent = event.reason || "Your session has ended.";
      }});
    }}
  }}
  window.WebSocket = DayJobSocket;
}})();
function getStartUrl() {{
  const url = new URL(window.location.href);
  const params = new URLSearchParams(url.search);
  params.delete("delay");
  return url.pathname + "?" + params.toString();
}}
function refresh() {{ window.location.href = getStartUrl(); }}
</script>
<script src="{static}js/textual.js"></script>
</head><body>
<div class="dialog-container intro-dialog"><div class="shade"></div>
  <div class="intro"><div>{title}</div><div>Starting your day\u2026</div>
  <button type="button" onclick="refresh()" id="start">Start</button></div></div>
<div class="dialog-container closed-dialog"><div class="shade"></div>
  <div class="intro"><div id="closed-message" class="message">Your session has ended.</div>
  <button type="button" onclick="refresh()">Restart</button></div></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{websocket}" data-font-size="{font_size}"></div>
</body></html>
"""

FULL_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}: the room is full</title>
<style>html,body{{margin:0;height:100%;background:#0c181f;color:#f3f5f7;font:20px/1.5 system-ui,sans-serif}}
main{{max-width:34rem;margin:0 auto;padding:4rem 1.5rem;text-align:center}}
button{{padding:14px 28px;background:#5e0ba7;color:#fff;border:none;font:inherit;border-radius:4px;cursor:pointer}}</style>
</head><body><main>
<h1>The room is full</h1>
<p>Every seat in this workshop is taken ({n} players). Pair up with someone near you, or wait a moment:
a seat frees up as soon as someone closes their tab.</p>
<p><button type="button" onclick="location.reload()">Try again</button></p>
</main></body></html>
"""

WELCOME_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title>
<style>html,body{{margin:0;min-height:100%;background:#0c181f;color:#f3f5f7;font:20px/1.5 system-ui,sans-serif}}
main{{max-width:34rem;margin:0 auto;padding:3rem 1.5rem;text-align:center}}
h1{{margin-bottom:.2rem}}.sub{{color:#c3ccd4;margin-top:0}}
label{{display:block;margin:2rem 0 .4rem}}
input{{font:inherit;padding:.5rem .8rem;width:16rem;max-width:90%;border-radius:4px;border:1px solid #3a4a56;
  background:#12232d;color:#fff;text-align:center}}
button{{margin-top:1.2rem;padding:14px 28px;background:#5e0ba7;color:#fff;border:none;font:inherit;border-radius:4px;
  cursor:pointer}}button:hover{{background:#ac5af4}}
.how{{color:#c3ccd4;font-size:.85em;margin-top:2.5rem}}</style>
</head><body><main>
<h1>{title}</h1><p class="sub">{subtitle}</p>
<form method="get">
<input type="hidden" name="play" value="1">
<label for="name">A nickname for the debrief (optional)</label>
<input id="name" name="name" maxlength="{max_name}" autocomplete="nickname" placeholder="leave empty to stay anonymous">
<br><button type="submit">Start my day</button>
</form>
<p class="how">Everyone in the room plays the same day. Press Enter for a new day, then the number keys to choose.
When your end-of-day report appears, stay on it: we will compare.</p>
</main></body></html>
"""

FULL_TERMINAL = "\r\n\r\n   The room is full ({n} players).\r\n\r\n   Pair up with someone near you, or wait a moment and press Restart.\r\n"


def encode_name(name: str) -> str:
    """A nickname as one URL path segment (base64url: no slashes, nothing to escape)."""
    return base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii").rstrip("=")


def decode_name(token: str) -> str | None:
    if not token or len(token) > 4 * MAX_NICKNAME * 2:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return clean_nickname(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def _clamp(value: object, low: int, high: int, default: int) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


def _server_class():
    from textual_serve.server import Server

    GameSession = _session_class()

    class WorkshopServer(Server):
        """textual-serve's server with seats, per-request URLs and games that are always ended."""

        def __init__(
            self,
            argv: list[str],
            *,
            host: str,
            port: int,
            public_url: str | None,
            max_players: int,
            title: str,
            env: dict[str, str],
            subtitle: str = "",
        ):
            super().__init__(" ".join(argv), host=host, port=port, title=title, public_url=public_url)
            self.subtitle = subtitle
            self.argv = argv
            self.public_url_given = public_url.rstrip("/") if public_url else None
            self.max_players = max_players
            self.env = env
            self.sessions: set = set()
            self.sockets: set[web.WebSocketResponse] = set()
            self.closing = False
            self.joined = 0
            self.refused = 0
            self._background: set[asyncio.Future] = set()

        # -- pages ------------------------------------------------------------------------

        def base_url(self, request: web.Request) -> str:
            """Where this browser reached us: --public-url if given, else the address it typed."""
            if self.public_url_given:
                return self.public_url_given
            host = request.headers.get("Host") or f"{self.host}:{self.port}"
            return f"{request.scheme}://{host}"

        @property
        def full(self) -> bool:
            return len(self.sessions) >= self.max_players

        async def handle_index(self, request: web.Request) -> web.Response:
            title = html.escape(self.title)
            if self.full:
                return web.Response(
                    text=FULL_PAGE.format(title=title, n=self.max_players),
                    status=503,
                    content_type="text/html",
                    headers={"Retry-After": "30", "Cache-Control": "no-store"},
                )
            if "play" not in request.query:
                return web.Response(
                    text=WELCOME_PAGE.format(title=title, subtitle=html.escape(self.subtitle), max_name=MAX_NICKNAME),
                    content_type="text/html",
                    headers={"Cache-Control": "no-store"},
                )
            base = self.base_url(request)
            ws = ("wss" if base.startswith("https") else "ws") + base[base.index(":") :] + "/ws"
            name = clean_nickname(request.query.get("name"))
            if name:  # in the path: the page's script appends its own ?width=&height= to this address
                ws += "/as/" + encode_name(name)
            static = base + "/static/"
            page = PAGE.format(
                title=title,
                static=html.escape(static, quote=True),
                fonts=_font_face(html.escape(static, quote=True)),
                websocket=html.escape(ws, quote=True),
                font_size=_clamp(request.query.get("fontsize", "16"), 8, 48, 16),
            )
            return web.Response(text=page, content_type="text/html", headers={"Cache-Control": "no-store"})

        async def handle_health(self, request: web.Request) -> web.Response:
            return web.json_response(
                {
                    "playing": len(self.sessions),
                    "max_players": self.max_players,
                    "joined": self.joined,
                    "refused": self.refused,
                }
            )

        async def _make_app(self) -> web.Application:
            app = web.Application()
            app.add_routes(
                [
                    web.get("/", self.handle_index, name="index"),
                    web.get("/ws", self.handle_websocket, name="websocket"),
                    web.get("/ws/as/{name}", self.handle_websocket, name="websocket_named"),
                    web.get("/status", self.handle_health, name="status"),
                    web.get("/download/{key}", self.handle_download, name="download"),
                    web.static("/static", self.statics_path, show_index=False, name="static"),
                ]
            )
            return app

        # -- sessions ---------------------------------------------------------------------

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
            await ws.prepare(request)
            if self.closing:
                await ws.close(code=1001, message=REASON_CLOSED.encode())
                return ws
            if self.full:  # checked and taken with no await between: the cap holds under a crowd
                self.refused += 1
                log.info("Room full: refused a player (%d playing).", len(self.sessions))
                try:
                    await ws.send_bytes(FULL_TERMINAL.format(n=self.max_players).encode())
                    await ws.close(code=1013, message=REASON_FULL.format(n=self.max_players).encode())
                except (ConnectionError, RuntimeError):
                    pass
                return ws
            width = _clamp(request.query.get("width"), 20, 1000, 80)
            height = _clamp(request.query.get("height"), 8, 500, 24)

            async def close_ended() -> None:
                await ws.close(code=1000, message=REASON_ENDED.encode())

            argv = list(self.argv)
            name = decode_name(request.match_info.get("name", ""))
            if name:
                argv += ["--nickname", name]  # one argv item, no shell: a name is only ever text
            session = GameSession(
                argv,
                env=self.env,
                write_bytes=ws.send_bytes,
                write_str=ws.send_str,
                close=close_ended,
                download_manager=self.download_manager,
            )
            self.sessions.add(session)
            self.sockets.add(ws)
            self.joined += 1
            log.info(
                "A player joined (%d playing, %d seats free).",
                len(self.sessions),
                self.max_players - len(self.sessions),
            )
            try:
                await session.start(width, height)
                session._task.add_done_callback(lambda _t: self._later(self._game_over(ws, session)))
                await self._process_messages(ws, session)
            except asyncio.CancelledError:
                pass
            except (ConnectionError, OSError) as exc:
                log.warning("A player's connection failed: %s", exc)
            finally:
                await session.stop()
                self.sessions.discard(session)
                self.sockets.discard(ws)
                if not ws.closed:
                    reason = REASON_CLOSED if self.closing else REASON_ENDED if session.pid else REASON_CRASHED
                    try:
                        await ws.close(code=1001 if self.closing else 1000, message=reason.encode())
                    except (ConnectionError, RuntimeError):
                        pass
                log.info("A player left (%d playing).", len(self.sessions))
            return ws

        def _later(self, coro) -> None:
            task = asyncio.ensure_future(coro)
            self._background.add(task)
            task.add_done_callback(self._background.discard)

        async def _game_over(self, ws: web.WebSocketResponse, session) -> None:
            """The game process is gone: if the page is still open, say why and let the seat go."""
            if ws.closed:
                return
            process = session._process
            if process is not None:
                try:  # its output has ended; let it finish exiting so its exit code is known
                    await asyncio.wait_for(process.wait(), TERM_GRACE)
                except TimeoutError:
                    pass
            crashed = not session.asked_to_quit and session.returncode not in (0, None)
            try:
                await ws.close(
                    code=1011 if crashed else 1000, message=(REASON_CRASHED if crashed else REASON_ENDED).encode()
                )
            except (ConnectionError, RuntimeError):
                pass

        async def _process_messages(self, ws: web.WebSocketResponse, session) -> None:
            """What the page's terminal sends: keys, its size, focus, pings. Anything else is ignored."""
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = json.loads(message.data)
                except ValueError:
                    continue
                if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                    continue
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
                if kind == "stdin" and isinstance(data, str) and data:
                    await session.send_bytes(data[:MAX_STDIN].encode("utf-8", "replace"))
                elif kind == "resize" and isinstance(data, dict):
                    await session.set_terminal_size(
                        _clamp(data.get("width"), 20, 1000, 80), _clamp(data.get("height"), 8, 500, 24)
                    )
                elif kind == "ping" and isinstance(data, str):
                    await ws.send_json(["pong", data[:64]])
                elif kind == "blur":
                    await session.blur()
                elif kind == "focus":
                    await session.focus()

        async def close_room(self) -> None:
            """Ctrl-C: refuse new players, end every game, close every page."""
            self.closing = True
            sessions = list(self.sessions)
            for ws in list(self.sockets):
                try:
                    await ws.close(code=1001, message=REASON_CLOSED.encode())
                except (ConnectionError, RuntimeError):
                    pass
            await asyncio.gather(*(s.stop() for s in sessions), return_exceptions=True)

    return WorkshopServer


def make_server(
    argv: list[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    public_url: str | None = None,
    max_players: int = 40,
    title: str = "Day Job",
    subtitle: str = "",
    env: dict[str, str] | None = None,
):
    """A workshop server that runs `argv` for each player (not yet listening: see open_room)."""
    return _server_class()(
        argv,
        host=host,
        port=port,
        public_url=public_url,
        max_players=max_players,
        title=title,
        subtitle=subtitle,
        env=env or {},
    )


async def open_room(server, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start listening; returns the runner and the port bound (useful with port 0). Raises OSError."""
    app = await server._make_app()
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=5.0, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound = site._server.sockets[0].getsockname()[1] if site._server and site._server.sockets else port
    return runner, bound


async def close_room(server, runner: web.AppRunner) -> None:
    """End every game, close every page, stop listening."""
    await server.close_room()
    await runner.cleanup()


# -- addresses ---------------------------------------------------------------------------


def machine_addresses() -> list[str]:
    """This machine's IPv4 addresses that others on the network can reach (best guess, no extra packages)."""
    found: list[str] = []

    def add(addr: str) -> None:
        if addr and not addr.startswith(("127.", "169.254.", "0.")) and addr not in found:
            found.append(addr)

    # The address the default route leaves from (a UDP "connect" sends no packet).
    for probe in ("10.255.255.255", "192.0.2.1"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))
                add(s.getsockname()[0])
        except OSError:
            pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            add(info[4][0])
    except OSError:
        pass
    return found


def share_urls(host: str, port: int, public_url: str | None) -> list[str]:
    suffix = "" if port == 80 else f":{port}"
    if public_url:
        return [public_url.rstrip("/")]
    if host in ("0.0.0.0", "", "::"):
        return [f"http://{a}{suffix}" for a in machine_addresses()]
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}{suffix}"]


def default_results_dir() -> Path:
    return Path.cwd() / f"dayjob-results-{date.today().isoformat()}"


def _bind_error(exc: OSError, host: str, port: int) -> str:
    code = getattr(exc, "errno", None)
    if code == errno.EADDRINUSE:
        return (
            f"port {port} is already in use on {host}: stop the other server, "
            f"or pick another port with --port {port + 1 if port < 65535 else 8000}"
        )
    if code == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need root): try --port 8000"
    if code in (errno.EADDRNOTAVAIL,) or isinstance(exc, socket.gaierror):
        return f"cannot listen on {host!r}: this machine has no such address (try --host 0.0.0.0)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


# -- the command -------------------------------------------------------------------------


def run_serve(args) -> int:
    out, err = sys.stdout, sys.stderr
    host: str = args.host
    port: int = args.port
    if not 0 < port < 65536:
        print(f"dayjob serve: --port takes 1 to 65535, not {port}", file=err)
        return 2
    max_players: int = args.max_players
    if max_players < 1:
        print("dayjob serve: --max-players takes a number of at least 1", file=err)
        return 2
    public_url = getattr(args, "public_url", None)
    if public_url and not public_url.startswith(("http://", "https://")):
        print(
            f"dayjob serve: --public-url takes an address starting with http:// or https://, not {public_url!r}",
            file=err,
        )
        return 2
    story_dir = Path(args.story).resolve() if getattr(args, "story", None) else None
    story = load_story_or_report(story_dir, err, command="dayjob serve")
    if story is None:
        return 1
    short = bool(args.short)
    if short and story.short is None:
        print("dayjob serve: this story has no short day (no `short:` in story.yaml); serving the full day.", file=err)
        short = False
    seed = args.seed or new_seed()
    results = Path(args.results) if getattr(args, "results", None) else default_results_dir()
    results = results.resolve()
    try:
        results.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"dayjob serve: cannot make the results folder {results}: {exc.strerror or exc}", file=err)
        return 1

    argv = game_command(seed, results, short=short, story=story_dir)
    root = str(_repo_root())
    env = {"PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
    server = make_server(
        argv,
        host=host,
        port=port,
        public_url=public_url,
        max_players=max_players,
        title=story.title,
        subtitle=story.subtitle,
        env=env,
    )
    logging.basicConfig(level=logging.INFO, format="  %(asctime)s  %(message)s", datefmt="%H:%M:%S", stream=out)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def main() -> int:
        try:
            runner, _ = await open_room(server, host, port)
        except OSError as exc:
            print(f"dayjob serve: {_bind_error(exc, host, port)}", file=err)
            return 1
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        _announce(out, story, seed, short, results, max_players, host, port, public_url)
        await stop.wait()
        print("\n  Closing the room: ending every game...", file=out, flush=True)
        await close_room(server, runner)
        count = sum(1 for p in results.glob("*.json") if not p.name.startswith("."))
        print(f"  Stopped. {count} result file(s) in {results}", file=out)
        print(f"  Next: dayjob debrief {_shell_path(results)}", file=out, flush=True)
        return 0

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 130


def _shell_path(path: Path) -> str:
    import shlex

    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return shlex.quote(shown)


def _announce(
    out, story, seed: str, short: bool, results: Path, max_players: int, host: str, port: int, public_url: str | None
) -> None:
    from game.engine.expr import format_time

    if short:
        day = f"the short day ({format_time(story.short.clock_start)}\u2013{format_time(story.short.clock_end)})"
    else:
        day = f"the full day ({format_time(story.clock_start)}\u2013{format_time(story.clock_end)})"
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
    lines += [f"  Seats: {max_players}.", f"  Results are collected in {results}"]
    earlier = sum(1 for p in results.glob("*.json") if not p.name.startswith("."))
    if earlier:
        lines.append(
            f"  It already holds {earlier} result file(s): to keep this session apart, use --results NEW-FOLDER."
        )
    lines += ["  Press Ctrl+C to close the room; then run:", f"      dayjob debrief {_shell_path(results)}", ""]
    print("\n".join(lines), file=out, flush=True)
