"""The server's care of each player's process, in-process, with a stand-in game that can crash or hang."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import aiohttp
import pytest
from workshop_browser import Tab
from workshop_serving import HERE, ROOM, ROOT, alive

from game.workshop import games as games_module
from game.workshop.games import ExecSpawner
from game.workshop.server import KEPT, REASON_CLOSED, REASON_CRASHED, WorkshopServer

STUB = HERE / "stub_game.py"


def stub_argv(results, *extra: str) -> list[str]:
    return [sys.executable, str(STUB), str(ROOM), "STUB", str(results), *extra]


def stub_server(results, *extra: str, max_players: int = 5, **kwargs) -> WorkshopServer:
    """A room whose games are the stand-in game, started as fresh interpreters; on a free loopback port."""
    spawner = ExecSpawner(stub_argv(results, *extra), env={"PYTHONPATH": str(ROOT)})
    return WorkshopServer(spawner, host="127.0.0.1", port=0, max_players=max_players, **kwargs)


@pytest.fixture
async def room(tmp_path):
    """Open a room running the stand-in game; yields (server, base url); always closed."""
    opened = []

    async def start(*extra: str, max_players: int = 5, **kwargs):
        server = stub_server(tmp_path / "results", *extra, max_players=max_players, **kwargs)
        port = await server.open()
        opened.append(server)
        return server, f"http://127.0.0.1:{port}"

    yield start
    for server in opened:
        await server.close()


async def eventually(check, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


async def test_a_game_that_crashes_frees_its_seat_and_the_page_says_so(room):
    server, url = await room("--crash-after", "1")
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, url).open()
        assert await tab.wait_for(lambda t: "Arriving" in t.screen, 60)
        (player,) = server.players.values()
        pid = player.game.pid
        await tab.press("1")
        assert await tab.wait_for(lambda t: t.closed.is_set(), 60)
        assert (tab.close_code, tab.close_reason) == (1011, REASON_CRASHED)
        assert await eventually(lambda: not server.players)
        assert not alive(pid)


async def test_a_game_that_ignores_every_request_to_quit_is_killed(room, monkeypatch):
    monkeypatch.setattr(games_module, "QUIT_GRACE", 0.5)
    monkeypatch.setattr(games_module, "TERM_GRACE", 0.5)
    server, url = await room("--hang")
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, url).open()
        assert await eventually(lambda: server.players.values() and next(iter(server.players.values())).game.pid)
        pid = next(iter(server.players.values())).game.pid
        await asyncio.sleep(0.5)  # let it ignore its signals
        await tab.close()
        assert await eventually(lambda: not server.players)
        assert not alive(pid)


async def test_closing_the_room_kills_games_that_will_not_quit(tmp_path, monkeypatch):
    monkeypatch.setattr(games_module, "QUIT_GRACE", 0.5)
    monkeypatch.setattr(games_module, "TERM_GRACE", 0.5)
    server = stub_server(tmp_path, "--hang")
    port = await server.open()
    async with aiohttp.ClientSession() as http:
        tabs = [await Tab(http, f"http://127.0.0.1:{port}").open() for _ in range(3)]
        assert await eventually(lambda: len(server.players) == 3 and all(p.game.pid for p in server.players.values()))
        pids = [p.game.pid for p in server.players.values()]
        await server.close()
        assert not any(alive(p) for p in pids)
        for tab in tabs:
            assert await tab.wait_for(lambda t: t.closed.is_set(), 60)
            # the page keeps what it shows (the report) and says why: code KEPT
            assert (tab.close_code, tab.close_reason) == (KEPT, REASON_CLOSED)


async def test_garbage_from_a_page_is_ignored_and_the_game_still_answers(room):
    server, url = await room()
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, url).open()
        assert await tab.wait_for(lambda t: "Arriving" in t.screen, 60)
        ws = tab.ws
        await ws.send_str("not json")
        await ws.send_str("{}")
        await ws.send_str("[]")
        await ws.send_str('[5, "x"]')
        await ws.send_json(["stdin", 5])
        await ws.send_json(["resize", {"width": "wide", "height": -3}])
        await ws.send_json(["resize", "big"])
        await ws.send_json(["stdin", "x" * 50_000])  # a paste: only the first 64 characters are typed
        await ws.send_bytes(b"\x00\xff binary")
        await ws.send_json(["ping", "12345"])
        assert await tab.wait_for(lambda t: ["pong", "12345"] in t.texts, 60)
        await tab.press("1")  # Arriving -> At the desk
        assert await tab.wait_for(lambda t: "At the desk" in t.screen, 60)
        assert len(server.players) == 1 and not tab.closed.is_set()
        await tab.close()


async def test_refused_players_start_no_process(room):
    server, url = await room(max_players=1)
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, url).open()
        assert await tab.wait_for(lambda t: "Arriving" in t.screen, 60)
        before = set(os.listdir("/proc"))
        for _ in range(5):
            ws = await http.ws_connect(url.replace("http", "ws") + "/ws")
            msg = await ws.receive()
            while msg.type == aiohttp.WSMsgType.BINARY:
                msg = await ws.receive()
            assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 1013
        assert server.refused == 5 and len(server.players) == 1
        new = {p for p in set(os.listdir("/proc")) - before if p.isdigit()}
        assert not any(alive(int(p)) and str(STUB) in _cmdline(p) for p in new)
        await tab.close()


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""
