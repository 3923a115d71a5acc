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

from game.workshop import serve as serve_module
from game.workshop.serve import REASON_CRASHED, close_room, make_server, open_room

STUB = HERE / "stub_game.py"


def stub_argv(results, *extra: str) -> list[str]:
    return [sys.executable, str(STUB), str(ROOM), "STUB", str(results), *extra]


@pytest.fixture
async def room(tmp_path):
    """Open a room running the stand-in game; yields (server, base url); always closed."""
    opened = []

    async def start(*extra: str, max_players: int = 5):
        server = make_server(
            stub_argv(tmp_path / "results", *extra), max_players=max_players, env={"PYTHONPATH": str(ROOT)}
        )
        runner, port = await open_room(server, "127.0.0.1", 0)
        opened.append((server, runner))
        return server, f"http://127.0.0.1:{port}"

    yield start
    for server, runner in opened:
        await close_room(server, runner)


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
        (session,) = server.sessions
        pid = session.pid
        await tab.press("1")
        assert await tab.wait_for(lambda t: t.closed.is_set(), 60)
        assert (tab.close_code, tab.close_reason) == (1011, REASON_CRASHED)
        assert await eventually(lambda: not server.sessions)
        assert not alive(pid)


async def test_a_game_that_ignores_every_request_to_quit_is_killed(room, monkeypatch):
    monkeypatch.setattr(serve_module, "QUIT_GRACE", 0.5)
    monkeypatch.setattr(serve_module, "TERM_GRACE", 0.5)
    server, url = await room("--hang")
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, url).open()
        assert await eventually(lambda: server.sessions and next(iter(server.sessions)).pid)
        pid = next(iter(server.sessions)).pid
        await asyncio.sleep(0.5)  # let it ignore its signals
        await tab.close()
        assert await eventually(lambda: not server.sessions)
        assert not alive(pid)


async def test_closing_the_room_kills_games_that_will_not_quit(tmp_path, monkeypatch):
    monkeypatch.setattr(serve_module, "QUIT_GRACE", 0.5)
    monkeypatch.setattr(serve_module, "TERM_GRACE", 0.5)
    server = make_server(stub_argv(tmp_path, "--hang"), env={"PYTHONPATH": str(ROOT)})
    runner, port = await open_room(server, "127.0.0.1", 0)
    async with aiohttp.ClientSession() as http:
        tabs = [await Tab(http, f"http://127.0.0.1:{port}").open() for _ in range(3)]
        assert await eventually(lambda: len(server.sessions) == 3 and all(s.pid for s in server.sessions))
        pids = [s.pid for s in server.sessions]
        await close_room(server, runner)
        assert not any(alive(p) for p in pids)
        for tab in tabs:
            assert await tab.wait_for(lambda t: t.closed.is_set(), 30)


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
        await ws.send_json(["stdin", "x" * 50_000])  # a paste: only the first 4096 characters are typed
        await ws.send_bytes(b"\x00\xff binary")
        await ws.send_json(["ping", "12345"])
        assert await tab.wait_for(lambda t: ["pong", "12345"] in t.texts, 30)
        await tab.press("1")  # Arriving -> At the desk
        assert await tab.wait_for(lambda t: "At the desk" in t.screen, 30)
        assert len(server.sessions) == 1 and not tab.closed.is_set()
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
        assert server.refused == 5 and len(server.sessions) == 1
        new = {p for p in set(os.listdir("/proc")) - before if p.isdigit()}
        assert not any(alive(int(p)) and str(STUB) in _cmdline(p) for p in new)
        await tab.close()


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""
