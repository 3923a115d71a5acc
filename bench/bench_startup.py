"""Start-up: process start to the first rendered frame of `dayjob`, against a minimal Textual app.

    python bench/bench_startup.py [--pairs 15] [--no-doc]

Method: each program runs under a pseudo-terminal of 120x40 (`pty.fork`, TERM=xterm-256color),
exactly as a player starts it (`python -m game --no-save`, and `python bench/minimal_app.py`).
The clock starts just before the fork. Textual first switches to the alternate screen and sets
terminal modes; the first frame is the first write that positions the cursor and draws
(`ESC [ row ; col H`) after the switch to the alternate screen. Its arrival on the pty's master
side is the time to first frame. The child is then killed. For `dayjob` the run goes on until
the title screen shows the story's title (after the first frame: read from a warm compiled-story
cache in the app's own thread, or parsed in a worker), recorded as "title ready"; the title, the
menu and the seed come in one frame. Pairs alternate which program goes first; each pair starts in a lull
of the shared machine when one comes within a few seconds. Bytecode is cached for both (one
warm-up run each), as it is for an installed game.

Beside it, each pair is run once more to read the CPU time each process used up to its first
frame (bench/_first_frame_cpu.py): far less disturbed by other work on a shared machine.

Title ready is measured with the compiled-story cache warm and, once per pair, cold.

Target (design.md): first frame within 1.15x of the minimal app; (#17) title ready, warm cache,
within 1.25x of the minimal app's first frame.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

TARGET = 1.15
READY_TARGET = 1.25
ALT_SCREEN = b"\x1b[?1049h"
CUP = re.compile(rb"\x1b\[\d+;\d+H")
TIMEOUT = 30.0


def _spawn(cmd: list[str], env: dict, close_in_child: int | None = None) -> tuple[int, int]:
    """Start `cmd` from the repository's root under a 120x40 pseudo-terminal; (pid, master fd)."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        try:
            if close_in_child is not None:
                os.close(close_in_child)
            os.chdir(c.ROOT)
            os.execve(cmd[0], cmd, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    return pid, fd


def _reap(pid: int, fd: int) -> None:
    """Kill the child (it has told us what we wanted) and close its terminal."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)


def first_frame(cmd: list[str], env: dict, ready: bytes | None = None) -> tuple[float, float | None]:
    """Seconds from fork to the first frame (and to `ready` appearing on screen, if given)."""
    t0 = time.perf_counter()
    pid, fd = _spawn(cmd, env)
    try:
        buf = b""
        t_first = None
        t_ready = None
        after_alt = -1
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.5)
            if not r:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            now = time.perf_counter()
            buf += data
            if after_alt < 0:
                i = buf.find(ALT_SCREEN)
                if i >= 0:
                    after_alt = i + len(ALT_SCREEN)
            if after_alt >= 0 and t_first is None and CUP.search(buf, after_alt):
                t_first = now - t0
                if ready is None:
                    break
            if t_first is not None and ready is not None and ready in buf:
                t_ready = now - t0
                break
        if t_first is None:
            raise SystemExit(f"no frame from {' '.join(cmd)} within {TIMEOUT:.0f} s; output began {buf[:400]!r}")
        return t_first, t_ready
    finally:
        _reap(pid, fd)


def first_frame_cpu(which: str, env: dict) -> float:
    """CPU seconds the program used up to its first frame (bench/_first_frame_cpu.py), under a pty."""
    r, w = os.pipe()
    os.set_inheritable(w, True)
    cmd = [c.PYTHON, str(c.BENCH / "_first_frame_cpu.py"), which, str(w)]
    pid, fd = _spawn(cmd, env, close_in_child=r)
    os.close(w)
    out = b""
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd, r], [], [], 0.5)
            if fd in ready:
                try:
                    os.read(fd, 65536)  # the terminal's side: drain it
                except OSError:
                    pass
            if r in ready:
                data = os.read(r, 100)
                if not data:
                    break
                out += data
    finally:
        _reap(pid, fd)
        os.close(r)
    if not out.strip():
        raise SystemExit(f"no frame from {which} (CPU-time run) within {TIMEOUT:.0f} s")
    return float(out.decode().split()[0])


def previous_run() -> str | None:
    """This benchmark's figures as docs/performance.md has them before this run replaces its section."""
    try:
        text = c.DOC.read_text(encoding="utf-8")
    except OSError:
        return None
    section = re.search(r"<!-- bench:startup -->(.*?)<!-- /bench:startup -->", text, re.S)
    if section is None:
        return None
    body = section.group(1)
    when = re.search(r"Measured (\d{4}-\d\d-\d\d \d\d:\d\d \w+)", body)
    load = re.search(r"load average before the run (\d+\.\d+)", body)
    first = re.search(r"first frame within [\d.]+× of the minimal app: ([\d.]+)× wall, ([\d.]+)× CPU", body)
    ready = re.search(
        r"title ready, warm cache, within [\d.]+× of the minimal app's first frame: ([\d.]+)× wall, "
        r"([\d.]+)× CPU",
        body,
    )
    cold = re.search(r"title ready \(story loaded\), cold cache \| [^|]+\|[^|]+\|[^|]+\| ([\d.]+)×", body)
    if first is None or ready is None:
        return None
    out = (
        f"first frame {first.group(1)}× wall, {first.group(2)}× CPU; title ready (warm cache) {ready.group(1)}× wall, "
    )
    out += f"{ready.group(2)}× CPU"
    if cold is not None:
        out += f"; cold cache {cold.group(1)}× wall"
    if when is not None:
        out += f" ({when.group(1)}" + (f", load {load.group(1)})" if load is not None else ")")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pairs", type=int, default=15)
    p.add_argument("--no-doc", action="store_true")
    args = p.parse_args(argv)
    from game.engine import load_story
    from game.tui.screens.title import spaced

    title = spaced(load_story(None).title).encode()
    env = c.child_env(TERM="xterm-256color", COLUMNS="120", LINES="40")
    env.pop("NO_COLOR", None)
    env.pop("TEXTUAL", None)
    env["DAYJOB_DATA"] = str(Path(env["DAYJOB_DATA"]) / "startup")
    caches = Path(tempfile.mkdtemp(prefix="dayjob-bench-cache-"))
    env["DAYJOB_CACHE_DIR"] = str(caches / "warm")  # warmed by the warm-up run below
    sides = {
        "dayjob": ([c.PYTHON, "-m", "game", "--no-save"], title),
        "minimal": ([c.PYTHON, str(c.BENCH / "minimal_app.py")], None),
    }
    before = previous_run()
    machine = c.machine_line()
    for name, (cmd, ready) in sides.items():  # warm-up: bytecode caches, page cache, the story cache
        first_frame(cmd, env, ready)
    for name in (*sides, "ready"):
        first_frame_cpu(name, env)
    res: dict[str, list[float]] = {
        "dayjob": [],
        "minimal": [],
        "ready": [],
        "cold": [],
        "dayjob_cpu": [],
        "minimal_cpu": [],
        "ready_cpu": [],
    }
    quiet = 0
    for i in range(args.pairs):
        quiet += c.wait_quiet(10)
        order = ("dayjob", "minimal") if i % 2 == 0 else ("minimal", "dayjob")
        for name in order:
            cmd, ready = sides[name]
            t, tr = first_frame(cmd, env, ready)
            res[name].append(t)
            if tr is not None:
                res["ready"].append(tr)
        cold_env = dict(env, DAYJOB_CACHE_DIR=str(caches / f"cold-{i}"))  # an empty cache: the story is parsed
        res["cold"].append(first_frame(sides["dayjob"][0], cold_env, title)[1] or float("nan"))
        for name in order:
            res[name + "_cpu"].append(first_frame_cpu(name, env))
            if name == "dayjob":
                res["ready_cpu"].append(first_frame_cpu("ready", env))
        print(
            f"[startup] pair {i + 1}: dayjob {res['dayjob'][-1] * 1e3:.0f} ms (title ready "
            f"{res['ready'][-1] * 1e3:.0f} ms), minimal {res['minimal'][-1] * 1e3:.0f} ms",
            file=sys.stderr,
            flush=True,
        )
    ratios = [d / m for d, m in zip(res["dayjob"], res["minimal"])]
    r_med = c.median(ratios)
    r_of_meds = c.median(res["dayjob"]) / c.median(res["minimal"])
    r_cpu = c.median([d / m for d, m in zip(res["dayjob_cpu"], res["minimal_cpu"])])
    ready_ratio = c.median([r / m for r, m in zip(res["ready"], res["minimal"])])
    ready_cpu_ratio = c.median([r / m for r, m in zip(res["ready_cpu"], res["minimal_cpu"])])
    rows = [
        [
            "minimal Textual app (anchor)",
            c.fmt_s(c.median(res["minimal"])),
            c.fmt_s(min(res["minimal"])),
            c.fmt_s(c.percentile(res["minimal"], 90)),
            "1.00×",
        ],
        [
            "`dayjob`: first frame",
            c.fmt_s(c.median(res["dayjob"])),
            c.fmt_s(min(res["dayjob"])),
            c.fmt_s(c.percentile(res["dayjob"], 90)),
            f"**{r_med:.2f}×**",
        ],
        [
            "`dayjob`: title ready (story loaded), warm cache",
            c.fmt_s(c.median(res["ready"])),
            c.fmt_s(min(res["ready"])),
            c.fmt_s(c.percentile(res["ready"], 90)),
            f"**{ready_ratio:.2f}×**",
        ],
        [
            "`dayjob`: title ready (story loaded), cold cache",
            c.fmt_s(c.median(res["cold"])),
            c.fmt_s(min(res["cold"])),
            c.fmt_s(c.percentile(res["cold"], 90)),
            f"{c.median([r / m for r, m in zip(res['cold'], res['minimal'])]):.2f}×",
        ],
    ]
    body = [
        f"Measured {machine}.",
        "",
        f"{args.pairs} pairs, alternating which starts first ({quiet} of them started in a lull of the "
        "shared machine).",
        "",
        c.table(["program", "median", "min", "p90", "ratio to the anchor (median of pairs)"], rows),
        "",
        f"Ratio of the medians: {r_of_meds:.2f}×; per-pair ratios ranged {min(ratios):.2f}–{max(ratios):.2f}×.",
        "",
        f"CPU time to the first frame (user + system of the process, less disturbed by the shared "
        f"machine than wall time; `bench/_first_frame_cpu.py`, same pairs): `dayjob` "
        f"{c.fmt_s(c.median(res['dayjob_cpu']))}, minimal app {c.fmt_s(c.median(res['minimal_cpu']))}, "
        f"ratio **{r_cpu:.2f}×** (median of pairs). CPU time to the title ready (warm cache; the first frame "
        f"that shows the story's menu): {c.fmt_s(c.median(res['ready_cpu']))}, "
        f"**{ready_cpu_ratio:.2f}×** the minimal app's CPU time to its first frame (median of pairs).",
        "",
        "Method: each program runs under a pseudo-terminal of 120×40 as a player starts it "
        "(`python -m game --no-save`; `python bench/minimal_app.py`, Header + Static + Footer). "
        "The clock starts just before the fork; the first frame is the first cursor-positioning write "
        "(`ESC[row;colH`) after Textual switches to the alternate screen, as read on the pty's master "
        "side; then the child is killed. `dayjob` draws its title screen at once, then reads the story from "
        "a warm compiled-story cache in its own thread (a cold cache: parsed in a worker, with a loading "
        'indicator); "title ready" is when the story\'s title appears on screen, in the same frame as the '
        "menu and the seed. Bytecode is cached for "
        "both (one warm-up run each).",
        "",
        "The story comes from the compiled-story cache (game/engine/cache.py) when it is warm: the "
        "warm-up run fills a cache folder of this run's own, and every timed run but the cold one reads it. "
        "The cold run (once per pair, just after it, in a fresh empty cache folder) parses the story, "
        "as the first start after an install or an edit does.",
        "",
        f"Target: first frame within {TARGET}× of the minimal app: {r_med:.2f}× wall, {r_cpu:.2f}× CPU time — "
        f"{c.verdict(r_med <= TARGET)} (judged on wall time).",
        f"Target (#17): title ready, warm cache, within {READY_TARGET}× of the minimal app's first frame: "
        f"{ready_ratio:.2f}× wall, {ready_cpu_ratio:.2f}× CPU time — {c.verdict(ready_ratio <= READY_TARGET)} "
        "(judged on wall time).",
        "",
        f"Previous run: {before}." if before else "No previous run in docs/performance.md.",
    ]
    text = "\n".join(body)
    print(text)
    if not args.no_doc:
        c.update_section("startup", "Start-up: process start to first frame", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
