"""No orphans: whatever ends the server, every game it started is gone within five seconds.

Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal closing) close the room in order; SIGKILL
gives the server no say at all, so the fork server and each game die with their parents
(PR_SET_PDEATHSIG) and each game quits when its pipe from the server closes. A result already
written stays: it is a whole file before it has its name.
"""

from __future__ import annotations

import asyncio
import signal
import time

import aiohttp
import pytest
from test_serve import play_day, policy, until
from workshop_browser import Tab
from workshop_serving import ROOM, alive

from game.workshop.results import read_results

HANG_GUARD = 60.0  # not a timing limit: a game still alive this long after the signal has been left behind


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=lambda s: s.name)
def test_no_game_outlives_the_server(serve, tmp_path, sig):
    results = tmp_path / "results"

    async def main():
        served = serve("--seed", "SIG", "--short", "--story", str(ROOM), "--results", str(results))
        async with aiohttp.ClientSession() as http:
            room = next(line.strip() for line in served.lines if "/room/" in line)
            feed = await http.get(room + "/events")  # the room screen is open too: it must not hold the end up
            tabs = [await Tab(http, served.url).open() for _ in range(3)]
            await play_day(tabs[0], "SIG", short=True, pick=policy(0))  # one result written before the end
            for tab in tabs[1:]:
                assert await tab.wait_for(lambda t: "New day" in t.screen, 120)
            assert await until(lambda: len(read_results(results).results) == 1)
            games = served.games()
            starter = served.starter()
            assert len(games) == 3 and starter is not None
            served.proc.send_signal(sig)
            ended = time.monotonic()
            everyone = [*games, starter]
            while any(alive(p) for p in everyone) and time.monotonic() - ended < HANG_GUARD:
                await asyncio.sleep(0.05)
            took = time.monotonic() - ended
            assert not [p for p in everyone if alive(p)], f"still running {took:.1f} s after {sig.name}"
            for tab in tabs:
                await tab.close()
            feed.close()
        (kept,) = read_results(results).results  # the result written before the end is still whole
        assert kept.seed == "SIG" and not kept.unfinished
        # the signal above ends the server: wait for it, for stop() would send a second SIGINT mid-shutdown if
        # the machine is slow (xdist under load: -2, the second Ctrl+C, not the first signal's exit)
        served.proc.wait(60)
        code = served.stop()
        assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 0)
        if sig != signal.SIGKILL:
            assert "Stopped." in served.output and "Traceback" not in served.output

    asyncio.run(main())


def test_a_second_ctrl_c_as_the_server_winds_down_exits_cleanly(serve, tmp_path):
    """Once the room has closed (its last line printed), Ctrl+C pressed again while the process ends must not
    kill it by SIGINT (exit -2) nor print a traceback or a wakeup-fd complaint: it has nothing left to stop."""
    served = serve("--story", str(ROOM), "--results", str(tmp_path / "r"))
    served.proc.send_signal(signal.SIGINT)
    while not any("Next: dayjob debrief" in line for line in served.lines) and served.proc.poll() is None:
        time.sleep(0.001)
    for _ in range(2000):  # keep pressing until it has gone (the process ends within tens of milliseconds)
        if served.proc.poll() is not None:
            break
        served.proc.send_signal(signal.SIGINT)
        time.sleep(0.002)
    code = served.stop()
    assert code == 0, "\n".join(served.err_lines)
    assert not [line for line in served.err_lines if "Traceback" in line or "Exception ignored" in line]
