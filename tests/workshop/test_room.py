"""A round end to end on loopback: twenty players join as the page does, the room screen's live feed shows
them, the timer ends the round, unfinished days are written as unfinished, and the slides' data is the
results'. Also: the room screen is the facilitator's alone, and a replay is a second attempt."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import aiohttp
from test_serve import WAIT, at_title_menu, play_day, policy, until
from workshop_browser import Tab, visible_text
from workshop_serving import ROOM

from game.engine import Game, load_story
from game.workshop.debrief import build_debrief
from game.workshop.results import UNFINISHED, read_results

STORY = load_story(ROOM)
PROJECTOR_BLACK, DARK_BACKGROUND = "48;2;0;0;0m", "48;2;28;30;34m"  # the two themes' backgrounds (game/tui/themes.py)
PLAYERS = 20


class Feed:
    """The room screen's live feed (server-sent events), as its page reads it."""

    def __init__(self, http: aiohttp.ClientSession, url: str):
        self.http, self.url = http, url
        self.latest: dict = {}
        self.updates = 0
        self.task: asyncio.Task | None = None

    async def start(self) -> Feed:
        self.response = await self.http.get(self.url, timeout=aiohttp.ClientTimeout(total=None))
        assert self.response.status == 200
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        self.task = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        async for line in self.response.content:
            if line.startswith(b"data: "):
                self.latest = json.loads(line[6:])
                self.updates += 1

    def players(self, state: str | None = None) -> list[dict]:
        return [p for p in self.latest.get("players", []) if state is None or p["state"] == state]

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.response.close()


def room_url(served) -> str:
    return next(line.strip() for line in served.lines if "/room/" in line)


async def one_choice(tab: Tab, seed: str) -> Game:
    """Start the day and make one choice: a day in the middle when the round ends."""
    mirror = Game(STORY, seed)
    assert await at_title_menu(tab)
    await tab.press("\r")
    assert await tab.wait_for(lambda t: mirror.title in t.screen, WAIT)
    before = mirror.clock_text
    mirror.choose(mirror.available[0])
    assert mirror.clock_text != before and not mirror.ended
    mark = len(tab.raw)
    await tab.press("1")
    # the choice is taken once the header shows its new time: any frame would not do (the first scene may
    # still be drawing, and the round's end reaches the game by another path than its keys)
    assert await tab.wait_for(lambda t: mirror.clock_text in visible_text(t.raw[mark:]), WAIT)
    return mirror


def test_a_round_end_to_end(serve, tmp_path):
    results = tmp_path / "results"

    async def main():
        served = serve("--seed", "ROUND", "--story", str(ROOM), "--results", str(results), "--max-players", "25")
        room = room_url(served)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            feed = await Feed(http, room + "/events").start()
            names = [f"P{i:02d}" for i in range(PLAYERS)]
            tabs = await asyncio.gather(*(Tab(http, served.url, name=n).open() for n in names))
            # the feed shows each of them by nickname, live
            assert await until(lambda: sorted(p["name"] for p in feed.players("title")) == names)
            assert feed.latest["counts"]["playing"] == PLAYERS

            finishers, middlers = tabs[:10], tabs[10:]
            finished = await asyncio.gather(
                *(play_day(t, "ROUND", short=False, pick=policy(i)) for i, t in enumerate(finishers))
            )
            midway = await asyncio.gather(*(one_choice(t, "ROUND") for t in middlers))
            assert await until(lambda: len(feed.players("ended")) == 10 and len(feed.players("playing")) == 10)
            # the ten on their report are finished, not playing, though their tabs are still open
            assert await until(
                lambda: (feed.latest["counts"]["playing"], feed.latest["counts"]["finished"]) == (10, 10)
            )
            playing = feed.players("playing")
            assert all(p["clock"] and p["category_label"] for p in playing)  # game clock and what they are doing

            # P00 plays the day again: `n` on the report replays the same seed, as a second attempt
            again = Game(STORY, "ROUND")
            mark = len(finishers[0].raw)
            await finishers[0].press("n")
            assert await at_title_menu(finishers[0], since=mark)  # the title's menu again, not the report's button
            await finishers[0].press("\r")
            assert await finishers[0].wait_for(lambda t: t.screen.count(again.title) >= 2, WAIT)
            assert await until(lambda: any(p["attempt"] == 2 for p in feed.players()))

            # the facilitator starts a round of three seconds; the timer ends it
            async with http.post(room + "/round", json={"action": "start", "minutes": 0.05}) as resp:
                assert resp.status == 200 and (await resp.json())["state"] == "running"
            assert await until(lambda: feed.latest["round"]["state"] == "over")
            assert await until(lambda: feed.latest["counts"]["playing"] == 0)  # every day has stopped
            assert await until(lambda: len(read_results(results).results) == 21)  # 10 + 10 unfinished + P00's 2nd

            for (
                tab
            ) in middlers:  # their report is on screen, titled for the round, and the page's clock says time is up
                assert await tab.wait_for(lambda t: "The round ended at" in t.screen, WAIT)
                assert "The day is not over" not in tab.screen
                rounds = [m[1] for m in tab.texts if m[0] == "dayjob_round"]
                assert rounds[0]["state"] == "running" and 0 <= rounds[0]["left"] <= 3  # the time left, shown
                assert rounds[-1]["state"] == "over" and rounds[-1]["ended_by"] == "clock"
                for notice in ("Two minutes left in this round", "Time is up: your day stops here"):
                    assert await tab.wait_for(lambda t, n=notice: n in " ".join(t.screen.split()), WAIT), notice
                assert not tab.closed.is_set()
            found = read_results(results)
            assert found.skipped == []
            unfinished = [r for r in found.results if r.unfinished]
            assert len(unfinished) == 11  # the ten in the middle, and P00's second day
            assert all(r.ending_id == UNFINISHED for r in unfinished)
            by_name = {r.nickname: r for r in unfinished if r.attempt == 1}
            for tab, mirror in zip(middlers, midway, strict=True):
                assert list(by_name[tab.name].choices) == mirror.report().choices
            (second,) = [r for r in found.results if r.attempt == 2]
            assert second.nickname == "P00" and second.unfinished
            assert await until(lambda: len(feed.players("unfinished")) >= 10)
            ended = {r.nickname: r for r in found.results if not r.unfinished}
            assert sorted(ended) == names[:10]
            for tab, mirror in zip(finishers, finished, strict=True):
                assert ended[tab.name].ending_id == mirror.ending.id

            # the slides are the results': twenty participants, first days only
            async with http.get(room + "/debrief.json") as resp:
                slides = await resp.json()
            assert slides["participants"] == PLAYERS and slides["unfinished"] == 10
            firsts = [r for r in found.results if r.attempt == 1]
            assert {e["id"]: e["count"] for e in slides["endings"]} == dict(Counter(r.ending_id for r in firsts))
            expected = build_debrief(results, STORY)
            assert [(m["category"], round(m["share"], 6)) for m in slides["minutes"]] == [
                (m.category, round(m.share, 6)) for m in expected.minutes
            ]
            averages = {c: sum(r.minutes.get(c, 0) for r in ended.values()) / 10 for c in STORY.categories}
            assert {m["category"]: round(m["average"], 6) for m in slides["minutes"]} == {
                c: round(v, 6) for c, v in averages.items()
            }
            assert 1 <= len(slides["questions"]) <= 6

            # nobody new joins a round that is over; the page says why
            async with http.get(served.url + "/") as resp:
                assert resp.status == 410 and "The round is over" in await resp.text()
            await feed.stop()
            for tab in tabs:
                await tab.close()

    asyncio.run(main())


def test_the_facilitator_ending_the_round_early_is_not_called_time_is_up(serve, tmp_path):
    """Ended from the room screen before its clock ran out, the round says who ended it: the players'
    notice and page, the room screen's clock (from the feed), the server's log and the debrief."""
    results = tmp_path / "results"

    async def main():
        served = serve("--seed", "EARLY", "--story", str(ROOM), "--results", str(results), "--minutes", "10")
        room = room_url(served)
        async with aiohttp.ClientSession() as http:
            feed = await Feed(http, room + "/events").start()
            tab = await Tab(http, served.url, name="Mid").open()
            mirror = await one_choice(tab, "EARLY")
            async with http.post(room + "/round", json={"action": "start"}) as resp:
                assert (await resp.json())["state"] == "running"
            assert await tab.wait_for(lambda t: any(m[0] == "dayjob_round" for m in t.texts), WAIT)
            async with http.post(room + "/round", json={"action": "start", "minutes": 0.05}) as resp:
                again = await resp.json()  # pressed twice: the clock is not reset to three seconds
            assert again["state"] == "running" and again["minutes"] == 10 and again["left"] > 60
            async with http.post(room + "/round", json={"action": "end"}) as resp:
                over = await resp.json()
            assert (over["state"], over["ended_by"]) == ("over", "facilitator")
            said = "The facilitator has ended the round: your day stops here"
            assert await tab.wait_for(lambda t: said in " ".join(t.screen.split()), WAIT)
            assert "Time is up" not in tab.screen
            rounds = [m[1] for m in tab.texts if m[0] == "dayjob_round"]
            assert (rounds[-1]["state"], rounds[-1]["ended_by"]) == ("over", "facilitator")  # the page's bar
            assert await until(lambda: feed.latest.get("round", {}).get("ended_by") == "facilitator")
            # the room screen's "Endings so far" names it as the slides do
            assert await until(
                lambda: feed.latest["endings"] == [{"title": "Unfinished (the round ended)", "count": 1}]
            )
            assert await until(lambda: len(read_results(results).results) == 1)
            (result,) = read_results(results).results
            assert result.unfinished and list(result.choices) == mirror.report().choices
            async with http.get(room + "/debrief.json") as resp:
                slides = await resp.json()
            assert [e["title"] for e in slides["endings"]] == ["Unfinished (the round ended)"]
            await feed.stop()
            await tab.close()
        assert "You ended the round" in served.output and "Time is up" not in served.output

    asyncio.run(main())


def test_the_room_screen_is_the_facilitators_alone(serve, tmp_path):
    async def main():
        served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"))
        room = room_url(served)
        secret = room.rsplit("/", 1)[1]
        async with aiohttp.ClientSession() as http:
            async with http.get(room) as resp:
                page = await resp.text()
                assert resp.status == 200
                assert "<svg" in page and served.url in page  # the QR code and the join address
                assert resp.headers["Referrer-Policy"] == "no-referrer"
            code = page.split('id="code">', 1)[1].split("<", 1)[0]
            assert len(code) == 4 and code.isalnum()
            async with http.get(served.url + "/") as resp:
                welcome = await resp.text()
                assert code in welcome and secret not in welcome  # players see the code, never the secret
            for guess in ("/room/", "/room/x", f"/room/{secret[:-1]}", f"/room/{secret}x/events"):
                async with http.get(served.url + guess) as resp:
                    assert resp.status == 404, guess
            async with http.get(served.url + "/status") as resp:
                assert secret not in await resp.text()
        assert secret not in "\n".join(served.err_lines)

    asyncio.run(main())


def test_a_reloaded_tab_is_the_same_participant(serve, tmp_path):
    results = tmp_path / "results"

    async def main():
        served = serve("--seed", "AGAIN", "--short", "--story", str(ROOM), "--results", str(results))
        jar = aiohttp.CookieJar(unsafe=True)  # a browser keeps the page's cookie for an address too
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            for pick in (0, 1):  # a day, the tab closed and opened again, another day
                tab = await Tab(http, served.url, name="Kim").open()
                await play_day(tab, "AGAIN", short=True, pick=policy(pick))
                await tab.close()
            assert await until(lambda: len(read_results(results).results) == 2)
        found = read_results(results).results
        assert len({r.player for r in found}) == 1
        d = build_debrief(results, STORY)
        assert (d.participants, d.replays) == (1, 1)
        assert sorted(r.attempt for r in d.attempts) == [1, 2]

    asyncio.run(main())


def test_serve_takes_the_projector_theme_and_the_rounds_length(serve, tmp_path):
    async def main():
        served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"), "--projector", "--minutes", "12")
        assert "Round: 12 minutes, started from the room screen." in served.output
        async with aiohttp.ClientSession() as http, http.get(room_url(served)) as resp:
            page = await resp.text()
        assert '<body class="-projector">' in page  # large, high-contrast colours on the shared screen
        async with aiohttp.ClientSession() as http:  # and the players' games start in the projector theme
            tab = await Tab(http, served.url).open()
            assert await at_title_menu(tab)
            await tab.close()
        assert PROJECTOR_BLACK in tab.raw and DARK_BACKGROUND not in tab.raw
        assert 'id="minutes" type="number" min="1" max="180" value="12"' in page

    asyncio.run(main())


def test_a_short_room_welcomes_players_with_the_short_day_s_subtitle(serve, tmp_path):
    async def main():
        served = serve("--short", "--story", str(ROOM), "--results", str(tmp_path / "r"))
        async with aiohttp.ClientSession() as http, http.get(served.url + "/") as resp:
            welcome = await resp.text()
        assert "The workshop tests&#x27; short day" in welcome
        assert "The workshop tests&#x27; day" not in welcome  # the full day's line (its length) is not shown

    asyncio.run(main())
