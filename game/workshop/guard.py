"""What `dayjob serve` lets in: its own origin only, a bounded number of slow or idle sockets, quiet logs.

- Host: a request must name this server (an address of this machine, its host name, or
  --public-url), so a page on another site cannot reach it through DNS rebinding.
- Origin: a browser's websocket or form post must come from one of those addresses, so a
  page on another origin cannot open a game (cross-site websocket hijacking).
- Sockets: a connection must finish its request headers within HEADER_TIMEOUT; one address
  may hold at most `per_address` connections at once.
- Logs: errors that can come in floods (accept() out of file descriptors, bad requests) are
  logged once per LOG_EVERY seconds with a count.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections import Counter
from urllib.parse import urlsplit

HEADER_TIMEOUT = 10.0  # seconds to send a request's headers
KEEPALIVE_TIMEOUT = 15.0  # seconds an idle keep-alive connection is kept
LOG_EVERY = 10.0

log = logging.getLogger("dayjob.serve")


class Origins:
    """The Host values and Origins that are this server."""

    def __init__(self, host: str, port: int, public_url: str | None):
        self.port = port
        self.public: set[str] = set()
        self.public_netloc: str | None = None
        if public_url:
            parts = urlsplit(public_url)
            self.public.add(f"{parts.scheme}://{parts.netloc}".lower())
            self.public_netloc = parts.netloc.lower()
        names = {"localhost", socket.gethostname().lower()}
        for name in (socket.getfqdn(), socket.gethostname() + ".local"):
            names.add(name.lower())
        if host not in ("", "0.0.0.0", "::"):
            names.add(host.lower())
        self.names = names
        self._local: dict[str, bool] = {}

    def _is_local_address(self, text: str) -> bool:
        """True for an IP address of this machine (binding to it succeeds only if it is ours)."""
        if text in self._local:
            return self._local[text]
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            return False
        ok = ip.is_loopback
        if not ok and not ip.is_multicast and not ip.is_unspecified:
            family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            try:
                with socket.socket(family, socket.SOCK_DGRAM) as probe:
                    probe.bind((text, 0))
                ok = True
            except OSError:
                ok = False
        if len(self._local) < 1024:
            self._local[text] = ok
        return ok

    def host_ok(self, host: str | None) -> bool:
        """Is this Host header (name or address, with the port) this server?"""
        if not host:
            return False
        host = host.strip().lower()
        if self.public_netloc and host == self.public_netloc:
            return True
        if host.startswith("["):  # [v6]:port
            end = host.find("]")
            if end < 0:
                return False
            name, rest = host[1:end], host[end + 1 :]
            port = rest[1:] if rest.startswith(":") else ""
        else:
            name, _, port = host.partition(":")
        if port and port != str(self.port):
            return False
        if not port and self.port != 80:
            return False
        return name in self.names or self._is_local_address(name)

    def origin_ok(self, origin: str | None) -> bool:
        """Is this Origin (scheme://host:port) a page of this server? No Origin at all is not a browser."""
        if origin is None:
            return True
        origin = origin.strip().lower()
        if origin in self.public:
            return True
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or parts.path not in ("", "/"):
            return False
        netloc = parts.netloc if parts.port else f"{parts.netloc}:{80 if parts.scheme == 'http' else 443}"
        return self.host_ok(netloc)


class Connections:
    """How many connections each address holds, and the ones still owing their request headers."""

    def __init__(self, per_address: int, unlimited: frozenset[str] = frozenset()):
        self.per_address = per_address
        self.unlimited = unlimited  # a reverse proxy's address: every player arrives from it
        self.by_address: Counter[str] = Counter()
        self.waiting: dict[asyncio.BaseTransport, asyncio.TimerHandle] = {}
        self.refused = 0
        self.timed_out = 0

    def admit(self, address: str) -> bool:
        if self.by_address[address] >= self.per_address and address not in self.unlimited:
            self.refused += 1
            flood.note("refused", f"Too many connections from {address}: refusing more.")
            return False
        self.by_address[address] += 1
        return True

    def release(self, address: str) -> None:
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]

    def served(self, transport: asyncio.BaseTransport | None) -> None:
        """The connection's first request has arrived: it owes nothing more."""
        timer = self.waiting.pop(transport, None) if transport is not None else None
        if timer is not None:
            timer.cancel()


class Guarded(asyncio.Protocol):
    """aiohttp's protocol for one connection, behind the per-address cap and the header timeout."""

    def __init__(self, inner: asyncio.Protocol, connections: Connections):
        self.inner: asyncio.Protocol | None = inner
        self.connections = connections
        self.address: str | None = None
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if peer else "?"
        if not self.connections.admit(address):
            self.inner = None
            _abort(transport)
            return
        self.address = address
        self.transport = transport
        loop = asyncio.get_running_loop()
        self.connections.waiting[transport] = loop.call_later(HEADER_TIMEOUT, self._too_slow, transport)
        assert self.inner is not None
        self.inner.connection_made(transport)

    def _too_slow(self, transport: asyncio.BaseTransport) -> None:
        self.connections.waiting.pop(transport, None)
        self.connections.timed_out += 1
        flood.note("slow", "Closed connections that did not send a request in time.")
        _abort(transport)

    def data_received(self, data: bytes) -> None:
        if self.inner is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.address is not None:
            self.connections.release(self.address)
            self.connections.served(self.transport)
            self.address = None
        if self.inner is not None:
            self.inner.connection_lost(exc if isinstance(exc, Exception) or exc is None else None)


def _abort(transport: asyncio.BaseTransport) -> None:
    """Drop a connection at once (a TCP transport aborts; anything else just closes)."""
    if isinstance(transport, asyncio.Transport):
        transport.abort()
    else:
        transport.close()


class Flood:
    """Messages that can repeat thousands of times a second, logged once per LOG_EVERY seconds each."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}
        self.counts: Counter[str] = Counter()

    def note(self, key: str, message: str) -> None:
        self.counts[key] += 1
        now = time.monotonic()
        if now - self.last.get(key, -LOG_EVERY) >= LOG_EVERY:
            count = self.counts.pop(key)
            self.last[key] = now
            log.warning("%s%s", message, f" ({count} times)" if count > 1 else "")


flood = Flood()


def quiet_loop_errors(loop: asyncio.AbstractEventLoop) -> None:
    """The event loop's own errors (accept() out of file descriptors...) once per interval, no traceback."""

    def handler(_loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get("exception")
        message = str(context.get("message") or "event loop error")
        detail = f": {exc.strerror or exc}" if isinstance(exc, OSError) else f": {exc!r}" if exc else ""
        flood.note(message, f"{message}{detail}")

    loop.set_exception_handler(handler)


class _OncePerInterval(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        key = f"{record.name}:{record.msg}"
        now = time.monotonic()
        if now - flood.last.get(key, -LOG_EVERY) < LOG_EVERY:
            flood.counts[key] += 1
            return False
        flood.last[key] = now
        record.exc_info = None  # one line, not a traceback per bad request
        record.exc_text = None
        return True


def quiet_library_logs() -> None:
    """aiohttp's per-request error logs, once per interval and without tracebacks."""
    for name in ("aiohttp.server", "aiohttp.web", "aiohttp.websocket", "asyncio"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _OncePerInterval) for f in logger.filters):
            logger.addFilter(_OncePerInterval())
