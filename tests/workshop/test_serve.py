"""`dayjob serve` for real: a subprocess on a loopback port, browser tabs speaking the page's protocol,
seeded days played by key presses through the real TUI, result files checked against the engine."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp
from workshop_browser import Tab, visible_text
from workshop_serving import ROOM, ROOT, alive, free_port

from game.engine import Game, load_story
from game.workshop.results import read_results
from game.workshop.server import KEPT, REASON_CLOSED

STORY = load_story(ROOM)
WAIT = 240.0  # generous: thirty games starting at once on a small CI machine


def policy(player: int):
    """Which numbered choice a player takes at each step: different players, different days."""
    return lambda step, n: (player * 7 + step * 3) % n + 1


# The title screen shows this line with its menu, in the step that fills the menu and gives it the keys
# (TitleScreen.show_session); "New day" alone is no sign: the footer and the report's button say it too.
TITLE_MENU = "One workday. Your choices spend the clock."


async def at_title_menu(tab: Tab, since: int = 0) -> bool:
    """Wait until the title's menu is up (drawn after the first `since` characters the game sent): Enter plays."""
    return await tab.wait_for(lambda t: TITLE_MENU in visible_text(t.raw[since:]), WAIT)


async def play_day(tab: Tab, seed: str, *, short: bool, pick) -> Game:
    """Start a new day on the title screen and play it to the report, mirroring every key in the engine."""
    mirror = Game(STORY, seed, short=short)
    assert await at_title_menu(tab), tab.screen[-2000:]
    await tab.press("\r")  # the menu opens on "New day"
    assert await tab.wait_for(lambda t: mirror.title in t.screen, WAIT), tab.screen[-2000:]
    step = 0
    while not mirror.ended:
        available = mirror.available
        number = pick(step, len(available))
        mirror.choose(available[number - 1])
        drawn = tab.frames
        await tab.press(str(number))
        assert await tab.wait_for(lambda t, drawn=drawn: t.frames > drawn, WAIT), f"no answer to key {number}"
        step += 1
    assert await tab.wait_for(lambda t: "The end of the day" in t.screen, WAIT), tab.screen[-2000:]
    return mirror


def assert_results_are_these_days(folder: Path, days: list[Game], seed: str, short: bool) -> None:
    """One result per day played, each exactly what the engine says that seed and those choices give."""
    found = read_results(folder)
    assert found.skipped == []
    assert Counter(r.choices for r in found.results) == Counter(tuple(g.report().choices) for g in days)
    for r in found.results:
        replay = Game(STORY, seed, short=short)
        replay.replay(list(r.choices))
        report = replay.report()
        assert replay.ended
        assert (r.seed, r.short, r.story_title, r.story_hash) == (seed, short, STORY.title, STORY.hash)
        assert (r.ending_id, r.ending_title) == (report.ending_id, report.ending_title)
        assert r.stats == {s.name: s.value for s in report.stats}
        assert r.minutes == report.minutes
        assert list(r.scenes) == [step.scene for step in replay.state.history]


async def status(http: aiohttp.ClientSession, url: str) -> dict:
    async with http.get(url + "/status") as resp:
        return await resp.json()


async def until(check, timeout: float = WAIT, every: float = 0.2) -> bool:
    """Poll `check` (plain or async) until it holds or the timeout passes."""

    async def holds() -> bool:
        value = check()
        return bool(await value if asyncio.iscoroutine(value) else value)

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await holds():
            return True
        await asyncio.sleep(every)
    return await holds()


# -- starting -------------------------------------------------------------------------------


def test_serve_says_where_to_play_and_where_results_go(serve, tmp_path):
    served = serve("--seed", "ROOM1", "--story", str(ROOM))
    out = served.output
    assert f"Open http://127.0.0.1:{served.port} in a browser on this machine." in out
    assert "seed ROOM1" in out
    folders = list(tmp_path.glob("dayjob-results-*"))
    assert len(folders) == 1 and folders[0].is_dir()  # a dated folder in the working folder...
    assert str(folders[0]) in out  # ...and it says where
    assert "dayjob debrief" in out


def test_a_port_in_use_is_one_clear_line(serve):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "game", "serve", "--port", str(port), "--story", str(ROOM), "--results", "r"],
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        (
            f"dayjob serve: port {port} is already in use on 127.0.0.1: stop the other server, "
            f"or pick another port with --port {port + 1}"
        )
    ]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_the_welcome_page_asks_for_an_optional_nickname(serve, tmp_path):
    async def main():
        served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"))
        async with aiohttp.ClientSession() as http:
            async with http.get(served.url + "/") as resp:
                page = await resp.text()
            assert "Room Day" in page and 'name="name"' in page and 'name="play"' in page
            assert "data-session-websocket-url" not in page  # no game starts until they press Start
            assert served.games() == []
            async with http.get(served.url + "/", params={"play": "1", "name": "Sam"}) as resp:
                page = await resp.text()
            assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws/as/U2Ft"' in page

    asyncio.run(main())


def test_the_page_points_its_websocket_where_the_browser_came_from(serve, tmp_path):
    async def main():
        served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"))
        async with aiohttp.ClientSession() as http:
            async with http.get(served.url + "/?play=1", headers={"Host": f"localhost:{served.port}"}) as resp:
                page = await resp.text()
            assert f'data-session-websocket-url="ws://localhost:{served.port}/ws"' in page
            assert "fonts.googleapis" not in page  # nothing from the internet: rooms may have none
            async with http.get(served.url + "/static/js/textual.js") as resp:
                assert resp.status == 200

    asyncio.run(main())


def test_public_url_sets_the_pages_addresses(serve, tmp_path):
    async def main():
        served = serve(
            "--story",
            str(ROOM),
            "--results",
            str(tmp_path / "r"),
            "--public-url",
            "https://workshop.example.org/dayjob",
        )
        assert "https://workshop.example.org/dayjob" in served.output
        async with aiohttp.ClientSession() as http, http.get(served.url + "/?play=1") as resp:
            page = await resp.text()
        assert 'data-session-websocket-url="wss://workshop.example.org/dayjob/ws"' in page
        assert 'href="https://workshop.example.org/dayjob/static/css/xterm.css"' in page

    asyncio.run(main())


# -- playing -------------------------------------------------------------------------------


def test_players_play_the_seeded_short_day_to_the_end_and_leave_results(serve, tmp_path):
    results = tmp_path / "results"

    async def main():
        served = serve("--seed", "ROOM1", "--short", "--story", str(ROOM), "--results", str(results))
        async with aiohttp.ClientSession() as http:
            names = ["Sam", None, "<b>Ana/Lu</b> \u00e9"]
            tabs = [await Tab(http, served.url, name=n).open() for n in names]
            days = await asyncio.gather(*(play_day(t, "ROOM1", short=True, pick=policy(i)) for i, t in enumerate(tabs)))
            assert all(d.short and d.state.day_start == 10 * 60 + 30 for d in days)
            assert await until(lambda: len(read_results(results).results) == 3)
            assert_results_are_these_days(results, days, "ROOM1", True)
            by_choices = {r.choices: r.nickname for r in read_results(results).results}
            assert [by_choices[tuple(d.report().choices)] for d in days] == names
            for t in tabs:
                await t.close()

    asyncio.run(main())


def test_the_room_has_only_so_many_seats_and_says_so(serve, tmp_path):
    async def main():
        served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"), "--max-players", "2")
        async with aiohttp.ClientSession() as http:
            seated = [await Tab(http, served.url).open() for _ in range(2)]
            for t in seated:
                assert await t.wait_for(lambda t: "New day" in t.screen, WAIT)
            # a third browser gets a friendly page, not an error
            async with http.get(served.url + "/") as resp:
                page = await resp.text()
                assert resp.status == 503
            assert "The room is full" in page and "Every seat in this workshop is taken (2 players)" in page
            # a tab that was already open when the room filled is told why on its page
            ws = await http.ws_connect(served.url.replace("http", "ws") + "/ws?width=80&height=24")
            msg = await ws.receive()
            assert msg.type == aiohttp.WSMsgType.BINARY and b"The room is full (2 players)" in msg.data
            msg = await ws.receive()
            assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 1013
            assert msg.extra.startswith("The room is full (2 players).")
            assert (await status(http, served.url))["playing"] == 2
            assert len(served.games()) == 2  # the refused ones started nothing
            # a seat frees when someone closes their tab
            await seated[0].close()
            assert await until(lambda: _playing_is(http, served.url, 1))
            again = await Tab(http, served.url).open()
            assert again.page_status == 200
            assert await again.wait_for(lambda t: "New day" in t.screen, WAIT)
            assert served.proc.poll() is None
            await again.close()
            await seated[1].close()

    asyncio.run(main())


async def _playing_is(http, url, n) -> bool:
    return (await status(http, url))["playing"] == n


def test_closing_a_tab_ends_its_game_process(serve, tmp_path):
    async def main():
        served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"))
        async with aiohttp.ClientSession() as http:
            tab = await Tab(http, served.url).open()
            assert await tab.wait_for(lambda t: "New day" in t.screen, WAIT)
            (pid,) = served.games()
            await tab.close()
            assert await until(lambda: not alive(pid))
            assert await until(lambda: _playing_is(http, served.url, 0))
            assert served.games() == []

    asyncio.run(main())


def test_ctrl_c_closes_the_room_and_every_game(serve, tmp_path):
    async def main():
        served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"))
        async with aiohttp.ClientSession() as http:
            tabs = [await Tab(http, served.url).open() for _ in range(3)]
            for t in tabs:
                assert await t.wait_for(lambda t: "New day" in t.screen, WAIT)
            pids = served.games()
            assert len(pids) == 3
            served.proc.send_signal(signal.SIGINT)
            for t in tabs:
                assert await t.wait_for(lambda t: t.closed.is_set(), WAIT)
                assert t.close_reason == REASON_CLOSED and t.close_code == KEPT  # the page keeps the report
            code = await asyncio.get_running_loop().run_in_executor(None, served.stop)
            assert code == 0
            assert not any(alive(p) for p in pids)
            assert "Stopped." in served.output and "Traceback" not in served.output

    asyncio.run(main())


def test_thirty_players_at_once_play_to_the_end_and_free_their_seats(serve, tmp_path):
    results = tmp_path / "results"
    crowd = 30

    async def main():
        served = serve("--seed", "CROWD", "--story", str(ROOM), "--results", str(results), "--max-players", str(crowd))
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            tabs = await asyncio.gather(*(Tab(http, served.url).open() for _ in range(crowd)))
            # the cap holds under the crowd: one more is refused while all thirty play
            async with http.get(served.url + "/") as resp:
                assert resp.status == 503
            days = await asyncio.gather(
                *(play_day(t, "CROWD", short=False, pick=policy(i)) for i, t in enumerate(tabs))
            )
            assert await until(lambda: len(read_results(results).results) == crowd)
            assert_results_are_these_days(results, days, "CROWD", False)
            assert len({d.ending.id for d in days}) > 1  # different choices, different days
            pids = served.games()
            assert len(pids) == crowd
            await asyncio.gather(*(t.close() for t in tabs))
            assert await until(lambda: not any(alive(p) for p in pids))
            assert await until(lambda: _playing_is(http, served.url, 0))
            st = await status(http, served.url)
            assert st["joined"] == crowd and st["refused"] == 0

    asyncio.run(main())


def test_the_short_flag_without_a_short_day_says_so(serve, tmp_path):
    story = tmp_path / "story"
    story.mkdir()
    text = (ROOM / "story.yaml").read_text()
    (story / "story.yaml").write_text(text[: text.index("short:")])
    (story / "scenes").mkdir()
    (story / "scenes" / "day.yaml").write_text((ROOM / "scenes" / "day.yaml").read_text())
    served = serve("--short", "--story", str(story), "--results", str(tmp_path / "r"))
    assert "this story has no short day" in "\n".join(served.err_lines)
    assert "the full day" in served.output


def test_a_broken_story_stops_serve_before_anyone_joins(tmp_path):
    story = tmp_path / "story"
    story.mkdir()
    (story / "story.yaml").write_text("title: [unclosed\n")
    proc = subprocess.run(
        [sys.executable, "-m", "game", "serve", "--story", str(story), "--port", str(free_port())],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (1, 2)
    assert "Traceback" not in proc.stderr


def test_results_go_where_results_says_and_json_is_tidy(serve, tmp_path):
    results = tmp_path / "deep" / "results"
    served = serve("--story", str(ROOM), "--results", str(results))
    assert results.is_dir()
    assert str(results) in served.output  # made before anyone finishes, so facilitators can open it


def test_a_results_folder_with_earlier_results_is_pointed_out(serve, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    (results / "20250101-000000-abcd.json").write_text("{}")
    served = serve("--story", str(ROOM), "--results", str(results))
    assert "It already holds 1 result file(s)" in served.output


def test_without_the_fork_server_each_game_is_a_fresh_interpreter(serve, tmp_path):
    results = tmp_path / "results"

    async def main():
        served = serve("--no-fork", "--seed", "EXEC", "--short", "--story", str(ROOM), "--results", str(results))
        async with aiohttp.ClientSession() as http:
            tab = await Tab(http, served.url, name="--nickname").open()
            day = await play_day(tab, "EXEC", short=True, pick=policy(1))
            assert served.starter() is None
            (pid,) = served.games()
            assert b"game.workshop.forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
            assert await until(lambda: len(read_results(results).results) == 1)
            assert_results_are_these_days(results, [day], "EXEC", True)
            assert read_results(results).results[0].nickname == "--nickname"
            await tab.close()

    asyncio.run(main())
