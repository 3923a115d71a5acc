"""A player's browser tab, as far as the server can tell: textual-serve's page protocol over aiohttp.

The page (textual.js) opens `data-session-websocket-url?width=W&height=H`, sends
`["resize", {"width", "height"}]` and `["ping", "<ms>"]` when the socket opens, every key
as `["stdin", "<characters>"]` (xterm.js onData: "1", "\\r", "\\x1b[A"...), and writes the
binary frames it receives into its terminal. A close carries a reason the page shows.
"""

from __future__ import annotations

import asyncio
import re
import time

import aiohttp

_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]")
_WS_URL = re.compile(r'data-session-websocket-url="([^"]+)"')


def visible_text(raw: str) -> str:
    """Terminal output without its escape sequences (enough to find words on the screen)."""
    return _ESCAPE.sub("", raw)


class Tab:
    """One browser tab on the workshop page."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        width: int = 100,
        height: int = 32,
        name: str | None = None,
        origin: str | None = None,
    ):
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.origin = origin or self.base_url  # a browser names the page's origin on its websocket
        self.name = name
        self.width = width
        self.height = height
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.raw = ""  # everything the game drew, decoded
        self.frames = 0
        self.texts: list[object] = []  # JSON messages (pong...)
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.close_reason: str = ""
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()
        self.page_status: int | None = None
        self.page: str = ""

    async def open(self) -> Tab:
        """Start from the welcome page's form like a browser, then connect the page's websocket and say its size."""
        # the welcome page's form sends play=1 and the nickname typed (empty: none)
        params = {"play": "1", "name": self.name or ""}
        async with self.http.get(self.base_url + "/", params=params) as resp:
            self.page_status = resp.status
            self.page = await resp.text()
        match = _WS_URL.search(self.page)
        if match is None:
            raise RuntimeError(f"no websocket on the page (HTTP {self.page_status})")
        url = match.group(1).replace("&amp;", "&")
        self.ws = await self.http.ws_connect(
            f"{url}?width={self.width}&height={self.height}", max_msg_size=0, headers={"Origin": self.origin}
        )
        await self.ws.send_json(["resize", {"width": self.width, "height": self.height}])
        await self.ws.send_json(["ping", str(int(time.time() * 1000))])
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.ws is not None
        decoder_tail = b""
        while True:
            msg = await self.ws.receive()
            if msg.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSING,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.ERROR,
            ):
                if msg.type == aiohttp.WSMsgType.CLOSE:
                    self.close_reason = msg.extra or ""
                break
            if msg.type == aiohttp.WSMsgType.BINARY:
                data = decoder_tail + msg.data
                try:
                    text = data.decode("utf-8")
                    decoder_tail = b""
                except UnicodeDecodeError as exc:
                    text = data[: exc.start].decode("utf-8")
                    decoder_tail = data[exc.start :]
                self.raw += text
                self.frames += 1
                self._changed.set()
            elif msg.type == aiohttp.WSMsgType.TEXT:
                self.texts.append(msg.json())
        if not self.ws.closed:
            await self.ws.close()
        self.close_code = self.ws.close_code
        self.closed.set()
        self._changed.set()

    @property
    def screen(self) -> str:
        return visible_text(self.raw)

    async def press(self, keys: str) -> None:
        assert self.ws is not None
        await self.ws.send_json(["stdin", keys])

    async def wait_for(self, predicate, timeout: float = 60.0) -> bool:
        """Wait until predicate(self) holds, the tab closes, or the timeout passes."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate(self):
            if self.closed.is_set():
                return predicate(self)
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return False
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))
            except TimeoutError:
                pass
        return True

    async def wait_quiet(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until the game has drawn nothing new for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline and not self.closed.is_set():
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), quiet)
            except TimeoutError:
                return

    async def close(self) -> None:
        """Close the tab."""
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 10)
            except TimeoutError:
                self._reader.cancel()
