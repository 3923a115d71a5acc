"""The audit's serve findings (#14), each reproduced against the server and shown to hold now.

In-process with the stand-in game (fast, and the server's code is the same): other origins and
hosts refused before a game starts, slow and piled-up sockets closed, floods logged once, keys
throttled. The real game (fork server) for what lives in the game: downloads that do not pile
up, the memory limit, nicknames that look like options.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from test_serve import WAIT, play_day, policy, until
from test_serve_sessions import eventually, stub_server
from workshop_browser import Tab
from workshop_serving import ROOM, alive

from game.workshop import guard
from game.workshop.results import read_results
from game.workshop.server import REASON_ORIGIN, Bucket


@pytest.fixture
async def room(tmp_path):
    opened = []

    async def start(**kwargs):
        server = stub_server(tmp_path / "results", **kwargs)
        port = await server.open()
        opened.append(server)
        return server, port

    yield start
    for server in opened:
        await server.close()


def games_of(server) -> list[int]:
    return [p.game.pid for p in server.players.values() if p.game.pid]


async def test_a_websocket_from_another_origin_is_refused_before_a_game_starts(room):
    server, port = await room()
    async with aiohttp.ClientSession() as http:
        for origin in ("http://evil.example", "http://127.0.0.1:1", "null", "https://127.0.0.1.evil.example"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"ws://127.0.0.1:{port}/ws", headers={"Origin": origin})
            assert refused.value.status == 403
        assert server.joined == 0 and server.players == {} and server.refused_origin == 4
        # the page's own origin (as the browser names it) plays
        tab = await Tab(http, f"http://127.0.0.1:{port}", origin=f"http://127.0.0.1:{port}").open()
        assert await tab.wait_for(lambda t: "Arriving" in t.screen, 60)
        assert server.joined == 1
        await tab.close()


async def test_a_request_for_another_host_is_refused_and_never_reflected(room):
    server, port = await room()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/?play=1", headers={"Host": "attacker.example"}) as resp:
            assert resp.status == 421
            assert "attacker" not in await resp.text()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"ws://127.0.0.1:{port}/ws", headers={"Host": f"rebound.example:{port}"})
        assert refused.value.status == 421
        async with http.get(f"http://127.0.0.1:{port}/?play=1", headers={"Host": f"localhost:{port}"}) as resp:
            assert resp.status == 200
            assert f"ws://localhost:{port}/ws" in await resp.text()
            assert resp.headers["X-Frame-Options"] == "DENY"  # no other page may frame the game
    assert server.joined == 0


async def test_a_form_post_from_another_origin_cannot_end_the_round(room):
    server, port = await room()
    async with aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{port}/room/{server.secret}/round"
        async with http.post(url, json={"action": "start"}, headers={"Origin": "http://evil.example"}) as resp:
            assert resp.status == 403 and REASON_ORIGIN in await resp.text()
        assert server.round.state == "open"
        async with http.post(f"http://127.0.0.1:{port}/room/wrong-secret/round", json={"action": "start"}) as resp:
            assert resp.status == 404
        assert server.round.state == "open"


async def test_a_connection_that_never_finishes_its_headers_is_closed(room, monkeypatch):
    monkeypatch.setattr(guard, "HEADER_TIMEOUT", 0.5)
    server, port = await room()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # half a request, then nothing
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), 60) == b""  # the server hung up
    assert server.connections.timed_out == 1
    writer.close()
    # a normal request on a fresh connection is served as usual
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/status") as resp:
        assert resp.status == 200


async def test_one_address_holds_only_so_many_connections(room):
    server, port = await room(per_address=5)
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(5)]
    extra = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
    for reader, _ in extra:  # refused at once: closed without a byte
        assert await asyncio.wait_for(reader.read(), 60) == b""
    assert server.connections.refused == 3
    for _, writer in held + extra:
        writer.close()
    assert await eventually(lambda: not server.connections.by_address, 60)
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/status") as resp:
        assert resp.status == 200  # the address may connect again once it has let go


async def test_a_thousand_half_open_sockets_do_not_keep_players_out(room, monkeypatch):
    monkeypatch.setattr(guard, "HEADER_TIMEOUT", 1.0)
    server, port = await room(per_address=200)
    slow = []
    for _ in range(300):
        try:
            slow.append(await asyncio.open_connection("127.0.0.1", port))
        except OSError:
            break
    for _, writer in slow:
        writer.write(b"GET / HTTP/1.1\r\n")
    await asyncio.sleep(0)
    async with aiohttp.ClientSession() as http:
        assert await eventually(lambda: server.connections.timed_out >= 200, 60)
        async with http.get(f"http://127.0.0.1:{port}/status") as resp:
            assert resp.status == 200  # a player still gets in: the slow sockets were let go
    for _, writer in slow:
        writer.close()


def test_floods_are_logged_once_per_interval(caplog):
    flood = guard.Flood()
    loop = asyncio.new_event_loop()
    try:
        guard.quiet_loop_errors(loop)
        with caplog.at_level(logging.WARNING, logger="dayjob.serve"):
            for _ in range(1000):
                loop.call_exception_handler(
                    {
                        "message": "socket.accept() out of system resource",
                        "exception": OSError(24, "Too many open files"),
                    }
                )
            for _ in range(1000):
                flood.note("x", "Something repeated.")
    finally:
        loop.close()
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "socket.accept() out of system resource: Too many open files",
        "Something repeated.",
    ]
    assert not any(r.exc_info for r in caplog.records)


def test_keys_are_throttled_to_a_human_rate():
    bucket = Bucket(rate=30, burst=120)
    taken = sum(bucket.take(64) for _ in range(100))  # a hundred 64-key pastes at once
    assert taken == 1  # 56 keys are left of the burst
    bucket.at -= 1.0  # a second later: thirty more, 86 in all
    assert bucket.take(80) and not bucket.take(10)


async def test_key_floods_reach_the_game_only_at_a_human_rate(room):
    server, port = await room()
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, f"http://127.0.0.1:{port}").open()
        assert await tab.wait_for(lambda t: "Arriving" in t.screen, 60)
        (player,) = server.players.values()
        sent = []
        real_send = player.game.send_bytes

        async def counting(data: bytes) -> bool:
            sent.append(len(data))
            return await real_send(data)

        player.game.send_bytes = counting
        for _ in range(60):
            await tab.ws.send_json(["stdin", "s" * 4096])
        await tab.ws.send_json(["ping", "done"])
        assert await tab.wait_for(lambda t: ["pong", "done"] in t.texts, 60)
        assert sum(sent) <= 120 + 30 * 10  # the burst, and at most ten seconds' worth
        await tab.close()


async def test_after_the_round_only_scrolling_reaches_the_game(room):
    server, port = await room()
    async with aiohttp.ClientSession() as http:
        tab = await Tab(http, f"http://127.0.0.1:{port}").open()
        assert await tab.wait_for(lambda t: "Arriving" in t.screen, 60)
        (player,) = server.players.values()
        await server.end_round()
        assert server._allowed_keys(player, "q") == ""  # no quitting over the report
        assert server._allowed_keys(player, "\r") == ""
        assert server._allowed_keys(player, "\x1b") == ""  # no menu either
        assert server._allowed_keys(player, "\x1b[B") == "\x1b[B"  # scrolling the report
        assert server._allowed_keys(player, "\x1b[<64;10;5M") == "\x1b[<64;10;5M"  # the mouse wheel
        await tab.close()


# -- the real game ----------------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _address_limit(pid: int) -> str:
    with open(f"/proc/{pid}/limits") as fh:
        return next(line for line in fh if line.startswith("Max address space"))


def test_report_downloads_do_not_pile_up_and_names_are_never_options(serve, tmp_path):
    results = tmp_path / "results"

    async def main():
        served = serve("--seed", "SAFE", "--short", "--story", str(ROOM), "--results", str(results))
        async with aiohttp.ClientSession() as http:
            names = ["--short", "-_-"]
            tabs = [await Tab(http, served.url, name=n).open() for n in names]
            await asyncio.gather(*(play_day(t, "SAFE", short=True, pick=policy(i)) for i, t in enumerate(tabs)))
            assert await until(lambda: len(read_results(results).results) == 2)
            assert sorted(r.nickname for r in read_results(results).results) == sorted(names)
            (pid,) = [p for p in served.games() if alive(p)][:1] or [None]
            assert pid is not None
            assert "1610612736" in _address_limit(pid)  # RLIMIT_AS: a runaway game cannot take the laptop
            # one report, downloaded as the page does it
            tab = tabs[0]
            await tab.press("s")
            assert await tab.wait_for(lambda t: any(m[0] == "deliver_file_start" for m in t.texts), WAIT)
            key = next(m[1] for m in tab.texts if m[0] == "deliver_file_start")
            async with http.get(f"{served.url}/download/{key}") as resp:
                assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
                assert "SAFE" in await resp.text()  # the report names the seed
            before = _rss_kb(pid)
            for tab in tabs:  # the audit: 60 messages of 4,096 x "s" grew a game by 11 MB each
                for _ in range(60):
                    assert not tab.closed.is_set(), (tab.close_reason, served.output[-3000:], served.err_lines[-30:])
                    await tab.ws.send_json(["stdin", "s" * 4096])
                await tab.wait_quiet(1.0, timeout=30)
            assert _rss_kb(pid) - before < 40_000
            before = _rss_kb(pid)
            for tab in tabs:  # the audit: `c` (copy the share line, with a notice each time) grew it too
                for _ in range(60):
                    await tab.ws.send_json(["stdin", "c" * 4096])
                await tab.wait_quiet(1.0, timeout=30)
            assert _rss_kb(pid) - before < 40_000
            offers = [m for m in tabs[1].texts if m[0] == "deliver_file_start"]
            assert 1 <= len(offers) <= 6  # a held-down `s` offers a download every 3 s at most
            for tab in tabs:
                assert not tab.closed.is_set()
                await tab.close()

    asyncio.run(main())


async def test_behind_a_proxy_the_proxys_address_is_not_capped(room):
    server, port = await room(per_address=3, public_url="https://workshop.example.org")
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(6)]
    async with aiohttp.ClientSession() as http:
        headers = {"Host": "workshop.example.org"}
        async with http.get(f"http://127.0.0.1:{port}/status", headers=headers) as resp:
            assert resp.status == 200
    assert server.connections.refused == 0
    for _, writer in held:
        writer.close()
