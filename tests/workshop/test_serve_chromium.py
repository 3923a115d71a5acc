"""End to end in a real browser: headless Chromium loads the workshop page, a day is played by key presses,
the result arrives. Skipped where Chromium or playwright-core is not installed:
    apt-get install -y chromium
    mkdir -p /tmp/pw && cd /tmp/pw && npm install playwright-core   (or set PLAYWRIGHT_NODE_PATH)
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from test_serve import play_day, policy
from workshop_browser import Tab
from workshop_serving import HERE, ROOM, free_port

from game.engine import Game, load_story
from game.workshop.results import read_results

SCRIPT = HERE / "chromium_day.cjs"


def _chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _node_path() -> str | None:
    candidates = [os.environ.get("PLAYWRIGHT_NODE_PATH"), "/tmp/pw/node_modules", str(Path.home() / "node_modules")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "playwright-core").is_dir():
            return candidate
    return None


CHROMIUM, NODE_PATH, NODE = _chromium(), _node_path(), shutil.which("node")


@pytest.mark.skipif(not (CHROMIUM and NODE_PATH and NODE), reason="needs chromium, node and playwright-core")
def test_a_day_in_headless_chromium(serve, tmp_path):
    results = tmp_path / "results"
    served = serve("--seed", "CHROME", "--short", "--story", str(ROOM), "--results", str(results))
    proc = subprocess.run(
        [NODE, str(SCRIPT), served.url, CHROMIUM, "Chromie"],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, NODE_PATH=NODE_PATH),
        cwd=tmp_path,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, proc.stdout + proc.stderr
    outcome = json.loads(lines[-1])
    assert outcome["ok"], outcome.get("error")
    assert outcome["failedRequests"] == []  # the page needs nothing from the internet
    assert outcome["focusedByPage"] is True  # the first key press works without a click (#15)
    assert outcome["closedMessage"].startswith("Your session has ended. Thanks for playing!")
    # the day the browser played: always the first choice, on the shared seed's short day
    expected = Game(load_story(ROOM), "CHROME", short=True)
    while not expected.ended:
        expected.choose(expected.available[0])
    (result,) = read_results(results).results
    assert list(result.choices) == expected.report().choices
    assert (result.seed, result.short, result.ending_id) == ("CHROME", True, expected.ending.id)
    assert result.nickname == "Chromie"  # typed on the welcome page


@pytest.mark.skipif(not (CHROMIUM and NODE_PATH and NODE), reason="needs chromium, node and playwright-core")
def test_a_page_on_another_origin_cannot_open_a_game(serve, tmp_path):
    """#14: the audit's cross-site websocket hijacking, from a real browser: refused, and no game starts."""
    served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"))
    evil_dir = tmp_path / "evil"
    evil_dir.mkdir()
    (evil_dir / "index.html").write_text("<!DOCTYPE html><title>another site</title><p>nothing to see</p>")
    evil_port = free_port()
    evil = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(evil_port), "--bind", "127.0.0.1", "--directory", str(evil_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        proc = subprocess.run(
            [
                NODE,
                str(HERE / "chromium_origin.cjs"),
                f"http://127.0.0.1:{evil_port}/",
                served.url.replace("http", "ws") + "/ws",
                CHROMIUM,
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
            env=dict(os.environ, NODE_PATH=NODE_PATH),
        )
    finally:
        evil.terminate()
        evil.wait(10)
    outcome = json.loads([line for line in proc.stdout.splitlines() if line.startswith("{")][-1])
    assert outcome["ok"], outcome.get("error")
    assert outcome["outcome"] == "refused"
    assert served.games() == []
    assert "Refused a page on another origin" in served.output


@pytest.mark.skipif(not (CHROMIUM and NODE_PATH and NODE), reason="needs chromium, node and playwright-core")
def test_the_room_screen_shows_the_qr_code_and_a_player_live(serve, tmp_path):
    served = serve("--seed", "SLIDES", "--short", "--story", str(ROOM), "--results", str(tmp_path / "r"))
    room_url = next(line.strip() for line in served.lines if "/room/" in line)
    node = subprocess.Popen(
        [NODE, str(HERE / "chromium_room.cjs"), room_url, CHROMIUM, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, NODE_PATH=NODE_PATH),
    )
    try:
        assert node.stdout is not None
        assert node.stdout.readline().strip() == "READY"

        async def join() -> str:
            async with aiohttp.ClientSession() as http:
                tab = await Tab(http, served.url, name="Roomie").open()
                await play_day(tab, "SLIDES", short=True, pick=policy(0))
                out, _ = await asyncio.get_running_loop().run_in_executor(None, node.communicate, None, 180)
                await tab.close()
                return out

        out = asyncio.run(join())
    finally:
        if node.poll() is None:
            node.kill()
    outcome = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    assert outcome["ok"], outcome.get("error")
    assert outcome["qr"] is True
    assert outcome["joinUrl"].strip() == served.url
    assert outcome["at800"] is True
    assert outcome["at720"] == {"clock": True, "start": True, "end": True, "qr": True, "code": True, "urlLines": 1}
    assert len(outcome["code"].strip()) == 4
    assert outcome["player"] == "Roomie"
    assert outcome["loads"] == 1  # live: the page was never reloaded
    # the round's end turned it into slides: arrow keys move, minutes stand beside the surveys
    assert outcome["slides"] >= 3 and outcome["moved"] is True
    assert outcome["minutesChart"]["pairs"] > outcome["minutesChart"]["surveys"] > 0
    assert 1 <= outcome["questions"] <= 6
    # a 1280x720 projector: every slide whole on screen, in type no smaller than the room screen's cards
    assert len(outcome["at720slides"]) == outcome["slides"]
    for shown in outcome["at720slides"]:
        assert shown["inside"] and shown["size"] >= 12, shown
    assert outcome["clockAfter"] == "Round ended"  # the End button, not the clock, ended it
    assert outcome["startWhileRunning"] is True  # a second press would have reset the round's clock
    assert outcome["startAfter"] == ["Start another round", False]
    assert outcome["slidesAgain"].startswith(outcome["firstSlide"])  # the second round's end shows the slides again


@pytest.mark.skipif(not (CHROMIUM and NODE_PATH and NODE), reason="needs chromium, node and playwright-core")
def test_the_report_stays_on_screen_after_the_server_stops(serve, tmp_path):
    served = serve("--seed", "STAY", "--short", "--story", str(ROOM), "--results", str(tmp_path / "r"))
    node = subprocess.Popen(
        [NODE, str(SCRIPT), served.url, CHROMIUM, "Stayer", "--stay"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, NODE_PATH=NODE_PATH),
        cwd=tmp_path,
    )
    try:
        assert node.stdout is not None
        line = node.stdout.readline().strip()
        assert line == "AT_REPORT", line + node.stderr.read()
        served.stop()  # Ctrl-C in the facilitator's terminal
        out, err = node.communicate(timeout=180)
    finally:
        if node.poll() is None:
            node.kill()
    outcome = json.loads([x for x in out.splitlines() if x.startswith("{")][-1])
    assert outcome["ok"], outcome.get("error")
    kept = outcome["kept"]
    assert kept["kept"] is True and kept["dialog"] == "none"  # no box over the report
    assert kept["terminal"] == "1" and kept["bar"].startswith("The facilitator has closed the room.")
