"""Measure a crowd joining `dayjob serve`: time to each player's first screen, CPU per game start, memory (PSS).

Not a test (no timing limits in tests): run it by hand on a quiet machine, e.g.
    python tests/workshop/measure_room.py --players 100 --over 10
    python tests/workshop/measure_room.py --players 30 --over 10 --no-fork     # a fresh interpreter per tab
    python tests/workshop/measure_room.py --players 30 --over 10 --textual-serve  # textual-serve itself, as before
Each player behaves like the page: loads the welcome form's target page, opens its websocket with the
window's size, says its size and pings, then waits for the title screen's "New day". Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workshop_browser import Tab  # noqa: E402
from workshop_serving import ROOT, children, cmdline, free_port  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as fh:
        stat = fh.read().decode()
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


TEXTUAL_SERVE = """
import sys
from textual_serve.server import Server
Server(sys.argv[1], host="127.0.0.1", port=int(sys.argv[2]), title="Day Job").serve()
"""


async def run(players: int, over: float, fork: bool, story: str | None, plain_textual_serve: bool = False) -> dict:
    port = free_port()
    results = Path(f"/tmp/dayjob-measure-{os.getpid()}")
    argv = [sys.executable, "-m", "game", "serve", "--port", str(port), "--seed", "MEASURE", "--short"]
    argv += ["--results", str(results), "--max-players", str(players + 5)]
    if story:
        argv += ["--story", story]
    if not fork:
        argv.append("--no-fork")
    if plain_textual_serve:  # the game as textual-serve runs any app: a shell and a fresh interpreter per tab
        game = f"{sys.executable} -m game --seed MEASURE --short --no-save --results {results}"
        argv = [sys.executable, "-c", TEXTUAL_SERVE, game, str(port)]
    server = subprocess.Popen(
        argv,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert server.stdout is not None
    if plain_textual_serve:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), 0.2):
                    break
            except OSError:
                time.sleep(0.1)
    else:
        for line in server.stdout:
            if "Press Ctrl+C" in line:
                break
    server_cpu_before = cpu_seconds(server.pid)
    starter = next((p for p in children(server.pid) if cmdline(p) == cmdline(server.pid)), None)
    starter_cpu_before = cpu_seconds(starter) if starter else 0.0
    url = f"http://127.0.0.1:{port}"
    first_join: float | None = None
    firsts: list[float] = []
    titles: list[float] = []
    waits: list[float] = []  # each player's own wait: from their join to their first screen
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None)) as http:

        async def player(i: int) -> Tab:
            nonlocal first_join
            await asyncio.sleep(i * over / players)
            start = time.monotonic()
            if first_join is None:
                first_join = start
            tab = await Tab(http, url, width=100, height=32, name=None if plain_textual_serve else f"P{i}").open()
            await tab.wait_for(lambda t: t.frames > 0, 600)
            firsts.append(time.monotonic() - first_join)
            await tab.wait_for(lambda t: "New day" in t.screen, 600)
            titles.append(time.monotonic() - first_join)
            waits.append(time.monotonic() - start)
            return tab

        tabs = await asyncio.gather(*(player(i) for i in range(players)))
        await asyncio.sleep(5)  # idle: every game has drawn its title and settled
        zygote = next((p for p in children(server.pid) if cmdline(p) == cmdline(server.pid)), None)
        every = [p for p in descendants(server.pid) if p != zygote]  # textual-serve adds a shell per game
        games = [p for p in every if b"\0-m\0game\0" in cmdline(p)]  # the games, not their shells
        game_cpu = sorted(cpu_seconds(p) for p in games)
        server_cpu = cpu_seconds(server.pid) - server_cpu_before
        starter_cpu = (cpu_seconds(zygote) - starter_cpu_before) if zygote else 0.0
        pss = {"server": pss_kb(server.pid), "starter": pss_kb(zygote) if zygote else 0}
        pss["games"] = sum(pss_kb(p) for p in every)
        for tab in tabs:
            await tab.close()
    server.send_signal(2)
    server.wait(120)
    subprocess.run(["rm", "-rf", str(results)], check=False)
    return {
        "players": players,
        "joined_over_s": over,
        "fork": fork and not plain_textual_serve,
        "textual_serve": plain_textual_serve,
        "games": len(games),
        "first_frame_s": {"median": round(statistics.median(firsts), 2), "max": round(max(firsts), 2)},
        "first_screen_s": {"median": round(statistics.median(titles), 2), "max": round(max(titles), 2)},
        "wait_s": {"median": round(statistics.median(waits), 2), "max": round(max(waits), 2)},
        "game_cpu_s": {
            "median": round(statistics.median(game_cpu), 3),
            "p90": round(game_cpu[int(len(game_cpu) * 0.9) - 1], 3),
            "max": round(game_cpu[-1], 3),
        },
        "server_cpu_per_player_s": round(server_cpu / players, 3),
        "starter_cpu_per_player_s": round(starter_cpu / players, 3),  # the fork itself
        "pss_mb": {k: round(v / 1024) for k, v in pss.items()} | {"total": round(sum(pss.values()) / 1024)},
        "pss_per_game_mb": round(pss["games"] / 1024 / max(1, len(games)), 1),
        "load_before": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--players", type=int, default=100)
    parser.add_argument("--over", type=float, default=10.0, help="seconds over which they join")
    parser.add_argument("--no-fork", action="store_true")
    parser.add_argument("--textual-serve", action="store_true", help="textual-serve's own server, as before")
    parser.add_argument("--story")
    args = parser.parse_args()
    fork = not args.no_fork
    print(json.dumps(asyncio.run(run(args.players, args.over, fork, args.story, args.textual_serve))))


if __name__ == "__main__":
    main()
