"""Players' game processes, as the server sees them: started, spoken to, always ended.

A game speaks textual-serve's packet protocol on its pipes (`D` screen data, `M` JSON meta,
`P` packed file chunks). It is started either by the fork server (forkserver.py: a warm
parent forks it, the default on Linux) or as a fresh interpreter (`--no-fork`, and the
stand-in games of the tests).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from game.workshop import tserve

log = logging.getLogger("dayjob.serve")

QUIT_GRACE = 3.0  # seconds a game has to quit when asked, before it is terminated
TERM_GRACE = 2.0  # seconds after SIGTERM before SIGKILL
MAX_PACKET = 8 * 1024 * 1024  # a screen update or file chunk; anything bigger is a broken game
STDERR_KEPT = 16 * 1024  # bytes of a game's error output kept for the log
CHUNK = 64 * 1024  # bytes of a download asked of the game at a time
CHUNK_WAIT = 5.0  # seconds a game has to answer for a chunk
DOWNLOAD_EVERY = 3.0  # seconds between two downloads a page is offered (each opens a browser tab)


class Download:
    """A file a game offers its page (the report): relayed chunk by chunk when the browser asks for it."""

    def __init__(self, game: GameProcess, key: str, file_name: str, mime_type: str, encoding: str | None):
        self.game = game
        self.key = key
        self.file_name = file_name
        self.mime_type = mime_type
        self.encoding = encoding
        self.chunks: asyncio.Queue[bytes | str | None] = asyncio.Queue(maxsize=4)
        self.streaming = False


class Downloads:
    """Every game's waiting download (at most one each), by key."""

    def __init__(self) -> None:
        self.by_key: dict[str, Download] = {}

    def offer(self, download: Download) -> None:
        self.cancel(download.game)
        self.by_key[download.key] = download

    def cancel(self, game: GameProcess) -> None:
        for key, download in list(self.by_key.items()):
            if download.game is game:
                del self.by_key[key]
                try:
                    download.chunks.put_nowait(None)
                except asyncio.QueueFull:
                    pass

    async def received(self, key: str, chunk: bytes | str) -> None:
        download = self.by_key.get(key)
        if download is not None:
            try:
                download.chunks.put_nowait(chunk)
            except asyncio.QueueFull:  # the game sent chunks nobody asked for
                self.cancel(download.game)

    async def stream(self, key: str):
        """The file's bytes, asked of the game a chunk at a time; ends early if the game stops answering."""
        download = self.by_key.get(key)
        if download is None or download.streaming:
            return
        download.streaming = True  # one browser fetch per offer
        try:
            while True:
                if not await download.game.send_meta({"type": "deliver_chunk_request", "key": key, "size": CHUNK}):
                    return
                try:
                    chunk = await asyncio.wait_for(download.chunks.get(), CHUNK_WAIT)
                except TimeoutError:
                    return
                if not chunk:
                    return
                yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        finally:
            if self.by_key.get(key) is download:
                del self.by_key[key]


class Spawned:
    """A started game's pid and pipes, and how to learn its exit code."""

    def __init__(
        self,
        pid: int,
        stdin: asyncio.StreamWriter,
        stdout: asyncio.StreamReader,
        stderr: asyncio.StreamReader,
        exited: asyncio.Future[int],
    ):
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.exited = exited


class GameProcess:
    """One player's game: the packet protocol both ways, and an end that always comes."""

    def __init__(
        self,
        spawner,
        *,
        write_bytes: Callable[[bytes], Awaitable[Any]],
        write_str: Callable[[str], Awaitable[Any]],
        close: Callable[[], Awaitable[Any]],
        downloads,
        on_status: Callable[[dict], None] | None = None,
    ):
        self.spawner = spawner
        self.remote_write_bytes = write_bytes
        self.remote_write_str = write_str
        self.remote_close = close
        self.downloads = downloads
        self.on_status = on_status
        self.spawned: Spawned | None = None
        self.task: asyncio.Task | None = None
        self.asked_to_quit = False
        self.last_download = -DOWNLOAD_EVERY
        self.stderr_tail = b""

    @property
    def pid(self) -> int | None:
        return self.spawned.pid if self.spawned is not None else None

    @property
    def returncode(self) -> int | None:
        if self.spawned is None or not self.spawned.exited.done() or self.spawned.exited.cancelled():
            return None
        return self.spawned.exited.result()

    async def start(self, width: int, height: int, player: str, nickname: str | None) -> None:
        self.spawned = await self.spawner.spawn(width, height, player, nickname)
        self.task = asyncio.ensure_future(self._run())

    # -- to the game -------------------------------------------------------------------------

    async def _write(self, packet: bytes) -> bool:
        spawned = self.spawned
        if spawned is None or spawned.stdin.is_closing():
            return False
        try:
            spawned.stdin.write(packet)
            await spawned.stdin.drain()
        except (ConnectionError, RuntimeError, OSError):
            return False
        return True

    async def send_bytes(self, data: bytes) -> bool:
        return await self._write(b"D" + len(data).to_bytes(4, "big") + data)

    async def send_meta(self, data: dict[str, Any]) -> bool:
        payload = json.dumps(data).encode("utf-8")
        return await self._write(b"M" + len(payload).to_bytes(4, "big") + payload)

    async def set_terminal_size(self, width: int, height: int) -> None:
        await self.send_meta({"type": "resize", "width": width, "height": height})

    # -- from the game -----------------------------------------------------------------------

    async def _run(self) -> None:
        spawned = self.spawned
        assert spawned is not None
        stderr_task = asyncio.ensure_future(self._read_stderr(spawned.stderr))
        stdout = spawned.stdout
        try:
            # the game's first line says it is a Textual app in web mode
            for _ in range(10):
                line = await stdout.readline()
                if not line or line == b"__GANGLION__\n":
                    break
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                if size > MAX_PACKET:
                    log.warning("A game sent a %d-byte packet; ending it.", size)
                    break
                payload = await stdout.readexactly(size)
                if kind == b"D":
                    await self.remote_write_bytes(payload)
                elif kind == b"M":
                    await self._on_meta(payload)
                elif kind == b"P":
                    await self._on_packed(payload)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            try:
                await asyncio.wait_for(stderr_task, 1.0)
            except (TimeoutError, asyncio.CancelledError):
                stderr_task.cancel()
        if self.stderr_tail.strip() and not self.asked_to_quit:
            log.warning("A game wrote to its error output:\n%s", self.stderr_tail.decode("utf-8", "replace"))

    async def _read_stderr(self, stderr: asyncio.StreamReader) -> None:
        while data := await stderr.read(4096):
            self.stderr_tail = (self.stderr_tail + data)[-STDERR_KEPT:]

    async def _on_meta(self, payload: bytes) -> None:
        try:
            meta = json.loads(payload)
        except ValueError:
            return
        if not isinstance(meta, dict):
            return
        kind = meta.get("type")
        if kind == "exit":
            await self.remote_close()
        elif kind == "dayjob_status":
            if self.on_status is not None:
                self.on_status(meta)
        elif kind == "deliver_file_start":
            await self._start_download(meta)
        # anything else (open_url...) is not something a served day does: ignored

    async def _start_download(self, meta: dict) -> None:
        key = meta.get("key")
        if not isinstance(key, str) or len(key) > 64:
            return
        now = asyncio.get_running_loop().time()
        if now - self.last_download < DOWNLOAD_EVERY:
            return  # each offer opens a tab in the browser: a held-down `s` must not open dozens
        self.last_download = now
        # only the newest download waits (the game keeps only one too: driver.py)
        self.downloads.offer(
            Download(
                self,
                key,
                os.path.basename(str(meta.get("path") or "report.md")),
                str(meta.get("mime_type") or "text/plain"),
                str(meta.get("encoding") or "") or None,
            )
        )
        await self.remote_write_str(json.dumps(["deliver_file_start", key]))

    async def _on_packed(self, payload: bytes) -> None:
        try:
            unpacked = tserve.decode_packed(payload)
        except Exception:  # a damaged packet from a game is its own problem, not the server's
            return
        if isinstance(unpacked, (list, tuple)) and len(unpacked) == 3 and unpacked[0] == "deliver_chunk":
            key, chunk = unpacked[1], unpacked[2]
            if isinstance(key, str) and isinstance(chunk, (bytes, str)):
                await self.downloads.received(key, chunk)

    # -- the end -----------------------------------------------------------------------------

    def signal(self, sig: int) -> None:
        pid = self.pid
        if pid is None or self.returncode is not None:
            return
        try:
            os.killpg(pid, sig)  # the game and anything it started (it leads its own group)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass

    async def stop(self) -> None:
        """Ask the game to quit; terminate it if it does not; kill it if that fails too; reap it."""
        spawned = self.spawned
        if spawned is None:
            return
        if not spawned.exited.done() and not self.asked_to_quit:
            self.asked_to_quit = True
            try:
                await asyncio.wait_for(self.send_meta({"type": "quit"}), 1.0)
            except (TimeoutError, OSError, RuntimeError):
                pass
        for grace, sig in ((QUIT_GRACE, signal.SIGTERM), (TERM_GRACE, signal.SIGKILL), (None, None)):
            try:
                await asyncio.wait_for(asyncio.shield(spawned.exited), grace)
                break
            except TimeoutError:
                if sig is not None:
                    self.signal(sig)
            except asyncio.CancelledError:
                break
        spawned.stdin.close()
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, TERM_GRACE)
            except (TimeoutError, asyncio.CancelledError):
                self.task.cancel()
            self.task = None
        self.downloads.cancel(self)


# -- starting games ------------------------------------------------------------------------


async def _pipes(stdin_fd: int, stdout_fd: int, stderr_fd: int):
    """asyncio streams over our ends of a game's three pipes."""
    loop = asyncio.get_running_loop()
    stdout = asyncio.StreamReader(limit=MAX_PACKET + 16)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdout), os.fdopen(stdout_fd, "rb", 0))
    stderr = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stderr), os.fdopen(stderr_fd, "rb", 0))
    transport, protocol = await loop.connect_write_pipe(
        lambda: asyncio.StreamReaderProtocol(asyncio.StreamReader()), os.fdopen(stdin_fd, "wb", 0)
    )
    stdin = asyncio.StreamWriter(transport, protocol, None, loop)
    return stdin, stdout, stderr


class ExecSpawner:
    """Each game a fresh interpreter running `argv + [player, nickname]`, in its own session."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None):
        self.argv = list(argv)
        self.env = dict(env or {})

    async def spawn(self, width: int, height: int, player: str, nickname: str | None) -> Spawned:
        from game.workshop.forkserver import web_environment

        env = dict(os.environ)
        env.update(web_environment(width, height))
        env.update(self.env)
        argv = [*self.argv, player] + ([nickname] if nickname else [])
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            start_new_session=True,  # Ctrl-C reaches the server only; it ends the games in order
            limit=MAX_PACKET + 16,
        )
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        exited: asyncio.Future[int] = asyncio.ensure_future(process.wait())
        return Spawned(process.pid, process.stdin, process.stdout, process.stderr, exited)

    async def close(self) -> None:
        pass


class ForkSpawner:
    """Games forked by the zygote (forkserver.py) over a socket; their exit codes come back the same way."""

    def __init__(self, zygote_pid: int, sock):
        self.zygote_pid = zygote_pid
        self.sock = sock
        self.lock = asyncio.Lock()
        self.waiting: asyncio.Future[int] | None = None
        self.exits: dict[int, asyncio.Future[int]] = {}
        self.early: dict[int, int] = {}  # exits reported before we asked (a game that died at once)
        self.gone = False
        sock.setblocking(False)
        asyncio.get_running_loop().add_reader(sock.fileno(), self._readable)

    def _readable(self) -> None:
        while True:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                self._lost()
                return
            try:
                message = json.loads(data)
            except ValueError:
                continue
            if "started" in message and self.waiting is not None and not self.waiting.done():
                self.waiting.set_result(int(message["started"]))
            elif "exit" in message:
                pid, code = int(message["exit"]), int(message.get("code", -1))
                future = self.exits.pop(pid, None)
                if future is None:
                    self.early[pid] = code
                elif not future.done():
                    future.set_result(code)

    def _lost(self) -> None:
        """The zygote is gone: no more games, and every running one counts as ended."""
        if self.gone:
            return
        self.gone = True
        try:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
        except (ValueError, OSError):
            pass
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_exception(OSError("the game starter has stopped"))
        for pid, future in list(self.exits.items()):
            if not future.done():
                asyncio.ensure_future(self._wait_gone(pid, future))

    async def _wait_gone(self, pid: int, future: asyncio.Future[int]) -> None:
        while _alive(pid):
            await asyncio.sleep(0.1)
        if not future.done():
            future.set_result(-1)

    async def spawn(self, width: int, height: int, player: str, nickname: str | None) -> Spawned:
        import socket

        if self.gone:
            raise OSError("the game starter has stopped")
        ours, theirs = [], []
        for _ in range(3):
            r, w = os.pipe()
            ours.append(r)
            theirs.append(w)
        # the game reads stdin (0) and writes stdout (1) and stderr (2)
        stdin_w, stdin_r = theirs[0], ours[0]
        child_fds = [stdin_r, theirs[1], theirs[2]]
        server_fds = [stdin_w, ours[1], ours[2]]
        request = json.dumps({"width": width, "height": height, "player": player, "nickname": nickname}).encode()
        try:
            async with self.lock:
                loop = asyncio.get_running_loop()
                self.waiting = loop.create_future()
                socket.send_fds(self.sock, [request], child_fds)
                pid = await asyncio.wait_for(self.waiting, 30)
        except BaseException:
            for fd in server_fds:
                os.close(fd)
            raise
        finally:
            for fd in child_fds:
                os.close(fd)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        if pid in self.early:
            future.set_result(self.early.pop(pid))
        else:
            self.exits[pid] = future
        stdin, stdout, stderr = await _pipes(*server_fds)
        return Spawned(pid, stdin, stdout, stderr, future)

    async def close(self) -> None:
        """Stop the zygote (its games are ended one by one before this)."""
        try:
            asyncio.get_running_loop().remove_reader(self.sock.fileno())
        except (ValueError, OSError):
            pass
        self.sock.close()
        for _ in range(50):
            try:
                pid, _ = os.waitpid(self.zygote_pid, os.WNOHANG)
            except ChildProcessError:
                return
            if pid:
                return
            await asyncio.sleep(0.05)
        try:
            os.kill(self.zygote_pid, signal.SIGKILL)
            os.waitpid(self.zygote_pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("utf-8", "replace")
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat[stat.rfind(")") + 2 :].split()[0] not in ("Z", "X")
