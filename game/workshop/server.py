"""The workshop's web server: players' pages and games, the facilitator's room screen, the round's clock.

Routes:
    /                 welcome page (nickname), then the game page (?play=1)
    /ws, /ws/as/NAME  a player's game (the page's terminal), NAME a base64url nickname
    /static/...       the page's terminal (textual-serve's files)
    /download/KEY     a report the game hands to the browser
    /status           counts, as JSON
    /room/SECRET      the room screen; /events (live, server-sent events), /round (POST start|end),
                      /debrief.json (the slides' data)
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import html
import json
import logging
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from game.workshop import tserve
from game.workshop.games import Downloads, GameProcess
from game.workshop.guard import KEEPALIVE_TIMEOUT, Connections, Guarded, Origins, flood
from game.workshop.pages import font_face, page
from game.workshop.results import MAX_NICKNAME, clean_nickname

log = logging.getLogger("dayjob.serve")

MAX_STDIN = 64  # characters of one keyboard message used; the page sends a key or a short paste
KEY_RATE, KEY_BURST = 30.0, 120.0  # characters a second a player may type, and in one burst
MOUSE_RATE, MOUSE_BURST = 60.0, 120.0  # mouse reports a second (moves are many; dropping some is harmless)
WARN_AT = 120  # seconds left when players are told
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B)
KEPT = 4001  # close code: the round or the room is over, the page keeps the report on screen

# Close reasons shown on the player's page (a WebSocket close reason is at most 123 bytes).
REASON_ENDED = "Your session has ended. Thanks for playing! Press Restart to play the day again."
REASON_CLOSED = "The facilitator has closed the room. Your report stays here until you close this tab."
REASON_CRASHED = "The game stopped unexpectedly. Press Restart to try again, or tell the facilitator."
REASON_FULL = "The room is full ({n} players). Ask the facilitator for a seat, then press Restart."
REASON_OVER = "The round is over. Thanks for playing!"
_DONE = ("ended", "unfinished")  # a player's day states that count as finished
REASON_ORIGIN = "Refused: this page is not the workshop's own."
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


def clamp(value: object, low: int, high: int, default: int) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return default
    return max(low, min(high, number))


def room_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))


class Bucket:
    """A token bucket: `rate` a second, at most `burst` at once."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.at = time.monotonic()

    def take(self, n: float) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < n:
            return False
        self.tokens -= n
        return True


@dataclass
class Player:
    """One browser tab's seat: its game, its socket, and where it is in the day (for the room screen)."""

    id: str
    name: str | None
    ws: web.WebSocketResponse
    game: GameProcess
    joined: float = field(default_factory=time.monotonic)
    status: dict[str, Any] = field(default_factory=dict)
    keys: Bucket = field(default_factory=lambda: Bucket(KEY_RATE, KEY_BURST))
    mouse: Bucket = field(default_factory=lambda: Bucket(MOUSE_RATE, MOUSE_BURST))
    left: bool = False


@dataclass
class Round:
    """The round's clock: open (no clock yet), running (until ends_at), over."""

    minutes: float | None
    state: str = "open"
    ends_at: float | None = None
    warned: bool = False
    ended_by: str | None = None  # once over: "clock" (time ran out) or "facilitator" (ended early)

    def left(self) -> float | None:
        if self.state != "running" or self.ends_at is None:
            return None
        return max(0.0, self.ends_at - time.monotonic())

    def as_json(self) -> dict[str, Any]:
        left = self.left()
        return {
            "state": self.state,
            "minutes": self.minutes,
            "left": None if left is None else round(left),
            "ended_by": self.ended_by,
        }


class WorkshopServer:
    """Seats, pages and games for a room; the room screen and the round for its facilitator."""

    def __init__(
        self,
        spawner,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
        max_players: int = 40,
        title: str = "Day Job",
        subtitle: str = "",
        results: Path | None = None,
        story=None,
        minutes: float | None = None,
        projector: bool = False,
        audience: str = "careers",
        per_address: int | None = None,
    ):
        self.spawner = spawner
        self.host = host
        self.port = port
        self.public_url = public_url.rstrip("/") if public_url else None
        self.max_players = max_players
        self.title = title
        self.subtitle = subtitle
        self.results = results
        self.story = story
        self.projector = projector
        self.audience = audience
        self.round = Round(minutes)
        self.secret = secrets.token_urlsafe(18)
        self.code = room_code()
        self.downloads = Downloads()
        self.players: dict[str, Player] = {}  # seated now
        self.everyone: dict[str, dict[str, Any]] = {}  # every player seen this session, for the room screen
        self.closing = False
        self.joined = 0
        self.refused = 0
        self.refused_origin = 0
        # behind --public-url a proxy on this machine carries every player: it is not one address to cap
        proxy = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"}) if public_url else frozenset()
        self.connections = Connections(per_address or max(64, 2 * max_players + 16), proxy)
        self.origins = Origins(host, port, public_url)
        self._background: set[asyncio.Future] = set()
        self._changed = asyncio.Event()
        self._server: asyncio.base_events.Server | None = None
        self._runner: web.AppRunner | None = None
        self._ticker: asyncio.Task | None = None

    # -- listening ---------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._check_request])
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws", self.handle_websocket),
                web.get("/ws/as/{name}", self.handle_websocket),
                web.get("/status", self.handle_status),
                web.get("/download/{key}", self.handle_download),
                web.get("/room/{secret}", self.handle_room),
                web.get("/room/{secret}/events", self.handle_events),
                web.post("/room/{secret}/round", self.handle_round),
                web.get("/room/{secret}/debrief.json", self.handle_debrief),
                web.static("/static", tserve.static_dir(), show_index=False),
            ]
        )
        return app

    async def open(self) -> int:
        """Start listening; returns the port bound (useful with port 0). Raises OSError."""
        loop = asyncio.get_running_loop()
        runner = web.AppRunner(
            self.make_app(),
            handle_signals=False,
            shutdown_timeout=5.0,
            access_log=None,
            keepalive_timeout=KEEPALIVE_TIMEOUT,
        )
        await runner.setup()
        protocol_factory = runner.server
        assert protocol_factory is not None
        try:
            self._server = await loop.create_server(
                lambda: Guarded(protocol_factory(), self.connections),
                self.host or None,
                self.port,
                reuse_address=True,
                backlog=512,
            )
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        sockets = self._server.sockets
        if sockets:
            self.port = sockets[0].getsockname()[1]
            self.origins.port = self.port
        self._ticker = asyncio.ensure_future(self._tick())
        return self.port

    async def close(self) -> None:
        """Refuse new players, end every game (its report stays on the page), stop listening."""
        self.closing = True
        self.changed()  # the room screen's feed ends now, not at its next quarter-minute wake-up
        if self._ticker is not None:
            self._ticker.cancel()
        if self._server is not None:
            self._server.close()
        players = list(self.players.values())
        for p in players:
            await self._close_ws(p.ws, KEPT, REASON_CLOSED)
        await asyncio.gather(*(p.game.stop() for p in players), return_exceptions=True)
        await self.spawner.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- who may ask -------------------------------------------------------------------------

    @web.middleware
    async def _check_request(self, request: web.Request, handler):
        self.connections.served(request.transport)
        if not self.origins.host_ok(request.headers.get("Host")):
            flood.note("host", f"Refused a request for another host ({request.headers.get('Host', '')[:60]!r}).")
            return web.Response(status=421, text="This server does not answer for that host name.\n")
        if request.method != "GET" or request.path.startswith("/ws"):
            if not self.origins.origin_ok(request.headers.get("Origin")):
                self.refused_origin += 1
                flood.note("origin", f"Refused a page on another origin ({request.headers.get('Origin', '')[:60]!r}).")
                return web.Response(status=403, text=REASON_ORIGIN + "\n")
        response = await handler(request)
        if isinstance(response, web.Response) and response.content_type == "text/html":
            # no other site may frame these pages; the room's secret never leaves in a Referer
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
        return response

    def base_url(self, request: web.Request) -> str:
        """Where this browser reached us: --public-url if given, else the (checked) address it typed."""
        if self.public_url:
            return self.public_url
        return f"{request.scheme}://{request.headers.get('Host')}"

    @property
    def full(self) -> bool:
        return len(self.players) >= self.max_players

    # -- players' pages ----------------------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.Response:
        title = html.escape(self.title)
        if self.round.state == "over":
            return self._notice_page(
                "The round is over", "This round has ended. Look at the shared screen: the debrief is starting.", 410
            )
        if self.full:
            return self._notice_page(
                "The room is full",
                f"Every seat in this workshop is taken ({self.max_players} players). Pair up with someone near you, "
                "or wait a moment: a seat frees up as soon as someone closes their tab.",
                503,
            )
        if "play" not in request.query:
            return web.Response(
                text=page(
                    "welcome.html",
                    title=title,
                    subtitle=html.escape(self.subtitle),
                    max_name=MAX_NICKNAME,
                    code=self.code,
                ),
                content_type="text/html",
            )
        base = self.base_url(request)
        ws = ("wss" if base.startswith("https") else "ws") + base[base.index(":") :] + "/ws"
        name = clean_nickname(request.query.get("name"))
        if name:  # in the path: the page's script appends its own ?width=&height= to this address
            ws += "/as/" + encode_name(name)
        static = html.escape(base + "/static/", quote=True)
        text = page(
            "play.html",
            title=title,
            static=static,
            fonts=font_face(static),
            websocket=html.escape(ws, quote=True),
            font_size=clamp(request.query.get("fontsize", "16"), 8, 48, 16),
        )
        response = web.Response(text=text, content_type="text/html")
        if "dayjob_player" not in request.cookies:
            # the same browser is the same participant: a reload or a second day counts as another attempt
            response.set_cookie("dayjob_player", secrets.token_hex(8), httponly=True, samesite="Strict")
        return response

    def _notice_page(self, heading: str, message: str, status: int) -> web.Response:
        return web.Response(
            text=page("full.html", title=html.escape(self.title), heading=heading, message=html.escape(message)),
            status=status,
            content_type="text/html",
            headers={"Retry-After": "30"},
        )

    async def handle_status(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "playing": len(self.players),
                "max_players": self.max_players,
                "joined": self.joined,
                "refused": self.refused,
                "refused_origin": self.refused_origin,
                "round": self.round.as_json(),
            }
        )

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        download = self.downloads.by_key.get(request.match_info["key"])
        if download is None:
            raise web.HTTPNotFound(text="That download has gone.\n")
        response = web.StreamResponse()
        content_type = download.mime_type or "application/octet-stream"
        if download.encoding:
            content_type += f"; charset={download.encoding}"
        response.headers["Content-Type"] = content_type
        safe_name = "".join(ch for ch in download.file_name if ch.isalnum() or ch in "-_.")[:80] or "report.md"
        response.headers["Content-Disposition"] = f"attachment; filename={safe_name}"
        await response.prepare(request)
        async for chunk in self.downloads.stream(download.key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # -- players' games ----------------------------------------------------------------------

    # long: one websocket's whole life: checks, seat, game, relay, clean-up
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        await ws.prepare(request)
        if self.closing:
            await self._close_ws(ws, 1001, REASON_CLOSED)
            return ws
        if self.round.state == "over":
            await self._close_ws(ws, 1000, REASON_OVER)
            return ws
        if self.full:  # checked and taken with no await between: the cap holds under a crowd
            self.refused += 1
            self.changed()
            log.info("Room full: refused a player (%d playing).", len(self.players))
            try:
                await ws.send_bytes(FULL_TERMINAL.format(n=self.max_players).encode())
            except (ConnectionError, RuntimeError):
                pass
            await self._close_ws(ws, 1013, REASON_FULL.format(n=self.max_players))
            return ws
        width = clamp(request.query.get("width"), 20, 1000, 80)
        height = clamp(request.query.get("height"), 8, 500, 24)
        name = decode_name(request.match_info.get("name", ""))
        cookie = request.cookies.get("dayjob_player", "")
        player_id = cookie if cookie.isalnum() and len(cookie) <= 32 else secrets.token_hex(8)

        async def close_ended() -> None:
            await self._close_ws(ws, 1000, REASON_ENDED)

        game = GameProcess(
            self.spawner,
            write_bytes=ws.send_bytes,
            write_str=ws.send_str,
            close=close_ended,
            downloads=self.downloads,
        )
        seat = secrets.token_hex(6)
        player = Player(seat, name, ws, game)
        game.on_status = lambda status: self._on_status(player, player_id, status)
        self.players[seat] = player
        self.everyone[seat] = {"name": name or f"Player {self.joined + 1}", "player": player_id, "state": "joining"}
        self.joined += 1
        self.changed()
        log.info(
            "%s joined (%d playing, %d seats free).",
            name or "A player",
            len(self.players),
            self.max_players - len(self.players),
        )
        try:
            await game.start(width, height, player_id, name)
            if self.round.state == "running":
                await ws.send_str(json.dumps(["dayjob_round", self.round.as_json()]))
            assert game.task is not None
            game.task.add_done_callback(lambda _t: self._later(self._game_over(ws, game)))
            await self._read_page(player)
        except asyncio.CancelledError:
            pass
        except (ConnectionError, OSError) as exc:
            log.warning("A player's game could not run: %s", exc)
        finally:
            await game.stop()
            self.players.pop(seat, None)
            record = self.everyone.get(seat)
            if record is not None and record.get("state") not in _DONE:
                record["state"] = "left"
            if not ws.closed:
                if self.closing:
                    await self._close_ws(ws, KEPT, REASON_CLOSED)
                elif self.round.state == "over":
                    await self._close_ws(ws, KEPT, REASON_OVER)
                else:
                    await self._close_ws(ws, 1000, REASON_ENDED if game.pid else REASON_CRASHED)
            self.changed()
            log.info("%s left (%d playing).", name or "A player", len(self.players))
        return ws

    @staticmethod
    async def _close_ws(ws: web.WebSocketResponse, code: int, reason: str) -> None:
        if ws.closed:
            return
        try:
            await ws.close(code=code, message=reason.encode())
        except (ConnectionError, RuntimeError):
            pass

    def _later(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _game_over(self, ws: web.WebSocketResponse, game: GameProcess) -> None:
        """The game process is gone: if the page is still open, say why and let the seat go."""
        if ws.closed:
            return
        spawned = game.spawned
        if spawned is not None:
            try:  # its output has ended; let it finish exiting so its exit code is known
                await asyncio.wait_for(asyncio.shield(spawned.exited), 2.0)
            except TimeoutError:
                pass
        if self.closing or self.round.state == "over":
            await self._close_ws(ws, KEPT, REASON_CLOSED if self.closing else REASON_OVER)
            return
        crashed = not game.asked_to_quit and game.returncode not in (0, None)
        await self._close_ws(ws, 1011 if crashed else 1000, REASON_CRASHED if crashed else REASON_ENDED)

    async def _read_page(self, player: Player) -> None:
        """What the page's terminal sends: keys, its size, focus, pings. Anything else is ignored."""
        ws, game = player.ws, player.game
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
                keys = self._allowed_keys(player, data[:MAX_STDIN])
                if keys:
                    await game.send_bytes(keys.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                await game.set_terminal_size(
                    clamp(data.get("width"), 20, 1000, 80), clamp(data.get("height"), 8, 500, 24)
                )
            elif kind == "ping" and isinstance(data, str):
                await ws.send_json(["pong", data[:64]])
            elif kind == "blur":
                await game.send_meta({"type": "blur"})
            elif kind == "focus":
                await game.send_meta({"type": "focus"})

    def _allowed_keys(self, player: Player, data: str) -> str:
        """Keys within the player's rate; after the round only scrolling (the report must stay on screen)."""
        mouse = data.startswith("\x1b[<") or data.startswith("\x1b[M")
        if self.round.state == "over" and not data.startswith("\x1b["):
            return ""  # no new day, no menu, no quitting: the report stays for the debrief
        bucket = player.mouse if mouse else player.keys
        if not bucket.take(1 if mouse else len(data)):
            flood.note("keys", "Dropped keys from a player typing faster than anyone plays.")
            return ""
        return data

    def _on_status(self, player: Player, player_id: str, status: dict[str, Any]) -> None:
        clean: dict[str, Any] = {
            k: status[k]
            for k in ("state", "clock", "category", "category_label", "ending", "ending_title", "attempt")
            if k in status and isinstance(status[k], (str, int)) and not isinstance(status[k], bool)
        }
        for key in ("clock", "category", "category_label", "ending", "ending_title"):
            if key in clean:
                clean[key] = str(clean[key])[:80]
        player.status = clean
        record = self.everyone.setdefault(player.id, {"name": player.name, "player": player_id})
        record.update(clean)
        if clean.get("state") in _DONE and "first_ending" not in record:
            record["first_ending"] = clean.get("ending_title") or "Unfinished (the round ended)"
        self.changed()

    # -- the round ---------------------------------------------------------------------------

    def start_round(self, minutes: float | None = None) -> None:
        minutes = minutes or self.round.minutes or 10
        self.round.minutes = minutes
        self.round.state = "running"
        self.round.ends_at = time.monotonic() + minutes * 60
        self.round.warned = False
        self.round.ended_by = None
        log.info("The round has started: %s minute(s).", f"{minutes:g}")
        self._later(self._broadcast_round())
        self.changed()

    async def end_round(self, by: str = "clock") -> None:
        """The round is over, `by` the clock or the facilitator: every day still being played ends where
        it is (written as unfinished), and every screen says which of the two ended it."""
        if self.round.state == "over":
            return
        self.round.state = "over"
        self.round.ends_at = None
        self.round.ended_by = by
        log.info(
            "%s: unfinished days are being written.",
            "You ended the round" if by == "facilitator" else "Time is up, the round is over",
        )
        await asyncio.gather(
            *(p.game.send_meta({"type": "dayjob_round_over", "by": by}) for p in self.players.values()),
            return_exceptions=True,
        )
        await self._broadcast_round()
        self.changed()

    async def _broadcast_round(self) -> None:
        message = json.dumps(["dayjob_round", self.round.as_json()])
        for p in list(self.players.values()):
            if not p.ws.closed:
                try:
                    await p.ws.send_str(message)
                except (ConnectionError, RuntimeError):
                    pass

    async def _tick(self) -> None:
        """Once a second while a round runs: the time left to every page, the warning, the end."""
        while True:
            await asyncio.sleep(1.0)
            left = self.round.left()
            if left is None:
                continue
            if left <= WARN_AT and not self.round.warned:
                self.round.warned = True
                notice = {
                    "type": "dayjob_notice",
                    "text": "Two minutes left in this round: head for the end of your day.",
                }
                await asyncio.gather(*(p.game.send_meta(notice) for p in self.players.values()), return_exceptions=True)
            if left <= 0:
                await self.end_round()
            else:
                await self._broadcast_round()
            self.changed()

    # -- the room screen ---------------------------------------------------------------------

    def _is_facilitator(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.match_info.get("secret", "").encode(), self.secret.encode())

    def join_url(self) -> str:
        from game.workshop.addresses import share_urls

        urls = share_urls(self.host, self.port, self.public_url)
        return urls[0] if urls else f"http://127.0.0.1:{self.port}"

    async def handle_room(self, request: web.Request) -> web.Response:
        if not self._is_facilitator(request):
            raise web.HTTPNotFound(text="Not found.\n")
        import segno

        join = self.join_url()
        qr = segno.make(join, error="m").svg_inline(omitsize=True, border=2, dark="#000", light="#fff")
        base = f"/room/{self.secret}"
        text = page(
            "room.html",
            title=html.escape(self.title),
            join_url=html.escape(join),
            qr=qr,
            code=self.code,
            minutes=f"{self.round.minutes or 10:g}",
            events_url=base + "/events",
            round_url=base + "/round",
            debrief_url=base + "/debrief.json",
            body_class="-projector" if self.projector else "",
        )
        return web.Response(text=text, content_type="text/html")

    def changed(self) -> None:
        self._changed.set()

    def snapshot(self) -> dict[str, Any]:
        """What the room screen shows: the round, the counts, the endings, every player."""
        records = list(self.everyone.values())
        days_before: Counter[str] = Counter()  # a reloaded tab is the same player: its days count on
        endings: Counter[str] = Counter()
        players = []
        for r in records:
            earlier = days_before[r.get("player", "")]
            attempt = earlier + max(1, int(r.get("attempt") or 1))
            days_before[r.get("player", "")] += int(r.get("attempt") or 0)
            if "first_ending" in r and earlier == 0:
                endings[r["first_ending"]] += 1
            players.append(
                {
                    "name": r.get("name") or "Player",
                    "state": r.get("state", "joining"),
                    "clock": r.get("clock", ""),
                    "category_label": r.get("category_label", ""),
                    "ending_title": r.get("ending_title", ""),
                    "attempt": attempt,
                }
            )
        finished = sum(1 for r in records if r.get("state") in _DONE)
        # seated and still in a day: a player reading their report after the day or the round is finished
        playing = sum(1 for seat in self.players if self.everyone.get(seat, {}).get("state") not in _DONE)
        return {
            "round": self.round.as_json(),
            "counts": {
                "playing": playing,
                "finished": finished,
                "joined": self.joined,
                "refused": self.refused,
            },
            "endings": [{"title": t, "count": c} for t, c in endings.most_common()],
            "players": players,
        }

    async def handle_events(self, request: web.Request) -> web.StreamResponse:
        if not self._is_facilitator(request):
            raise web.HTTPNotFound(text="Not found.\n")
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        try:
            while not self.closing:
                self._changed.clear()
                await response.write(f"data: {json.dumps(self.snapshot())}\n\n".encode())
                try:
                    await asyncio.wait_for(self._changed.wait(), 15)
                except TimeoutError:
                    pass
                await asyncio.sleep(0.25)  # a crowd's updates go out together, four times a second at most
        except (ConnectionError, RuntimeError):
            pass
        return response

    async def handle_round(self, request: web.Request) -> web.Response:
        if not self._is_facilitator(request):
            raise web.HTTPNotFound(text="Not found.\n")
        try:
            body = await request.json()
        except ValueError:
            body = {}
        action = body.get("action") if isinstance(body, dict) else None
        if action == "start":
            if self.round.state == "running":  # a second press (or a second tab) must not reset the clock
                return web.json_response(self.round.as_json())
            minutes = body.get("minutes")
            ok = isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and 0 < minutes <= 600
            self.start_round(float(minutes) if ok else None)
        elif action == "end":
            await self.end_round(by="facilitator")
        else:
            return web.json_response({"error": "action must be start or end"}, status=400)
        return web.json_response(self.round.as_json())

    async def handle_debrief(self, request: web.Request) -> web.Response:
        if not self._is_facilitator(request):
            raise web.HTTPNotFound(text="Not found.\n")
        from game.workshop.debrief import build_debrief, slides_data

        if self.results is None:
            return web.json_response({"error": "no results folder"}, status=404)
        loop = asyncio.get_running_loop()
        debrief = await loop.run_in_executor(None, build_debrief, self.results, self.story, None, self.audience)
        return web.json_response(slides_data(debrief))
