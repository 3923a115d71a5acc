"""Choice latency in the TUI: key press to the next scene rendered, p50 and p95 over whole days.

    python bench/bench_latency.py [--days 4] [--no-doc]

The real app runs headless under Pilot (`App.run_test`, 100x36). Each day starts from the title
screen ("n"); every choice is a digit key for a random available choice. For each press:

* t0: just before `pilot.press(digit)`;
* chosen: when `DayJobApp.choose` returned (engine step, autosave off, widgets updated);
* rendered: the first frame Textual renders after that (the compositor update, encoded into the
  bytes a terminal would get; `App._display` is wrapped, see bench/_tui_day.py).

Latency = rendered - t0. The anchor, alternating day by day in separate processes, is a minimal
Textual app whose digit keys replace a Static's text (about a scene's length) and a title,
measured the same way: Textual's own floor for "key press to new text on screen".

Target (design.md, #17): p95 under 50 ms from a choice to the last frame of the next scene.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

TARGET_MS = 50.0


def collections() -> list[tuple[int, float, float]]:
    """From now on, every run of the cyclic collector in this process: (generation, start, seconds)."""
    import gc

    runs: list[tuple[int, float, float]] = []
    started = [0.0]

    def note(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            runs.append((info["generation"], started[0], time.perf_counter() - started[0]))

    gc.callbacks.append(note)
    return runs


def full_collections(runs, start: float, end: float) -> list[float]:
    """The durations of the full (oldest generation) collections that started between start and end."""
    return [d for gen, t, d in runs if gen == 2 and start <= t <= end]


async def dayjob_day(seed: str) -> list[dict]:
    from _tui_day import play_days

    out = []
    runs = collections()

    def on_choice(t_press, t_chosen, frames, cpu):
        out.append(
            {
                "chosen": t_chosen - t_press,
                "rendered": frames[0] - t_press,
                "settled": frames[-1] - t_press,
                "frames": len(frames),
                "cpu": cpu,
                "full_gc": full_collections(runs, t_press, frames[-1]),
            }
        )

    await play_days(1, seed, on_choice=on_choice)
    if out:
        out[-1]["ends"] = True  # the day's last choice: it opens the report screen
    return out


async def anchor_presses(n: int, seed: str) -> list[dict]:
    import random

    from textual.app import App
    from textual.widgets import Footer, Header, Static

    from _tui_day import instrument, wait_until

    rng = random.Random(seed)
    texts = [
        " ".join(
            rng.choice(["the", "model", "data", "ticket", "loss", "again", "quietly", "breaks"]) for _ in range(110)
        )
        for _ in range(8)
    ]
    done: list[float] = []

    class Anchor(App):
        BINDINGS = [(str(k), f"show({k})", f"Show {k}") for k in range(1, 4)]

        def compose(self):
            yield Header()
            yield Static(id="title")
            yield Static(id="text")
            yield Footer()

        def action_show(self, k: int) -> None:
            self.query_one("#title", Static).update(f"Scene {len(done)} ({k})")
            self.query_one("#text", Static).update(texts[(len(done) + k) % len(texts)])
            done.append(time.perf_counter())

    app = Anchor()
    out = []
    runs = collections()
    async with app.run_test(size=(100, 36)) as pilot:
        frames = instrument(app)
        await pilot.pause()
        for _ in range(n):
            n_frames, n_done = len(frames), len(done)
            t0 = time.perf_counter()
            c0 = time.process_time()
            await pilot.press(str(rng.randint(1, 3)))
            await wait_until(pilot, lambda: len(done) > n_done and len(frames) > n_frames and frames[-1] > done[-1])
            await pilot.pause()
            after = [f for f in frames[n_frames:] if f >= done[-1]]
            out.append(
                {
                    "chosen": done[-1] - t0,
                    "rendered": after[0] - t0,
                    "settled": after[-1] - t0,
                    "cpu": frames.cpu[-1] - c0,
                    "full_gc": full_collections(runs, t0, after[-1]),
                }
            )
    return out


def run_child(args: list[str]) -> list[dict]:
    proc = subprocess.run(
        [c.PYTHON, __file__, "--child", *args], cwd=c.ROOT, env=c.child_env(), capture_output=True, text=True
    )
    if proc.returncode:
        raise SystemExit(f"child {args} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def previous_run() -> str | None:
    """The figures of this benchmark's section as docs/performance.md has it before this run replaces it."""
    import re

    try:
        text = c.DOC.read_text(encoding="utf-8")
    except OSError:
        return None
    section = re.search(r"<!-- bench:latency -->(.*?)<!-- /bench:latency -->", text, re.S)
    if section is None:
        return None
    body = section.group(1)
    when = re.search(r"Measured (\d{4}-\d\d-\d\d \d\d:\d\d \w+)", body)
    load = re.search(r"load average before the run ([\d.]+)", body)
    last = re.search(r"p95 to the last frame under \d+ ms: ([\d.]+) ms", body)
    days = re.search(r"without the presses that end a day ([\d.]+) ms", body)
    cpu = re.search(r"CPU to the last frame: p95 ([\d.]+) ms", body)
    if last is None:
        return None
    out = f"p95 to the last frame {last.group(1)} ms"
    if days is not None:
        out += f" ({days.group(1)} ms without the presses that end a day)"
    if cpu is not None:
        out += f", CPU to the last frame p95 {cpu.group(1)} ms"
    if when is not None:
        out += f", measured {when.group(1)}"
        if load is not None:
            out += f" at load average {load.group(1)}"
    return out


def ms(values, q):
    return c.percentile([v * 1e3 for v in values], q)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--days", type=int, default=4)
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, seed = args.child
        out = asyncio.run(dayjob_day(seed) if kind == "dayjob" else anchor_presses(40, seed))
        print(json.dumps(out))
        return 0
    before = previous_run()
    machine = c.machine_line()
    res = {"dayjob": [], "anchor": []}
    for d in range(args.days):
        order = ("dayjob", "anchor") if d % 2 == 0 else ("anchor", "dayjob")
        c.wait_quiet(10)
        for kind in order:
            got = run_child([kind, f"latency-{d}"])
            res[kind].extend(got)
            print(
                f"[latency] day {d + 1} {kind}: {len(got)} presses, p50 {ms([g['rendered'] for g in got], 50):.1f} ms, "
                f"p95 {ms([g['rendered'] for g in got], 95):.1f} ms",
                file=sys.stderr,
                flush=True,
            )
    rows = []
    for kind, label in (("anchor", "minimal app: key → new text (anchor)"), ("dayjob", "`dayjob`: key → next scene")):
        xs = res[kind]
        rows.append(
            [
                label,
                len(xs),
                f"{ms([x['chosen'] for x in xs], 50):.1f} ms",
                f"{ms([x['rendered'] for x in xs], 50):.1f} ms",
                f"{ms([x['rendered'] for x in xs], 95):.1f} ms",
                f"{ms([x['settled'] for x in xs], 95):.1f} ms",
                f"{max(x['rendered'] for x in xs) * 1e3:.1f} ms",
                f"{ms([x['cpu'] for x in xs], 50):.1f} ms",
                f"{ms([x['cpu'] for x in xs], 95):.1f} ms",
            ]
        )
    d50 = ms([x["rendered"] for x in res["dayjob"]], 50)
    d95 = ms([x["rendered"] for x in res["dayjob"]], 95)
    a50 = ms([x["rendered"] for x in res["anchor"]], 50)
    a95 = ms([x["rendered"] for x in res["anchor"]], 95)
    l95 = ms([x["settled"] for x in res["dayjob"]], 95)
    l95_days = ms([x["settled"] for x in res["dayjob"] if not x.get("ends")] or [0.0], 95)
    c95 = ms([x["cpu"] for x in res["dayjob"]], 95)
    c95_anchor = ms([x["cpu"] for x in res["anchor"]], 95)
    c95_days = ms([x["cpu"] for x in res["dayjob"] if not x.get("ends")] or [0.0], 95)
    full = [d for x in res["dayjob"] for d in x["full_gc"]]
    full_anchor = [d for x in res["anchor"] for d in x["full_gc"]]
    full_line = (
        f"Full (oldest generation) collections that started during a press: `dayjob` {len(full)} in "
        f"{len(res['dayjob'])} presses"
        + (f" (longest {max(full) * 1e3:.0f} ms)" if full else "")
        + f", the anchor {len(full_anchor)} in {len(res['anchor'])}."
    )
    drawn = Counter(x["frames"] for x in res["dayjob"] if not x.get("ends"))
    drawn_end = Counter(x["frames"] for x in res["dayjob"] if x.get("ends"))
    frames_line = (
        "Frames drawn from a press to the app going idle: "
        + ", ".join(f"{n} frame{'s' if n > 1 else ''} in {k} presses" for n, k in sorted(drawn.items()))
        + " (a day's last press: "
        + ", ".join(f"{n} frames in {k}" for n, k in sorted(drawn_end.items()))
        + ")."
    )
    end_cpu = [x["cpu"] * 1e3 for x in res["dayjob"] if x.get("ends")]
    ends = f"CPU to the last frame on those presses {min(end_cpu):.0f}–{max(end_cpu):.0f} ms." if end_cpu else ""
    worst = sorted(res["dayjob"], key=lambda x: -x["settled"])[:5]
    slowest = ", ".join(f"{x['settled'] * 1e3:.0f} ms" + (" (day's end)" if x.get("ends") else "") for x in worst)
    body = [
        f"Measured {machine}.",
        "",
        c.table(
            [
                "",
                "presses",
                "p50 to handled",
                "p50 to first frame",
                "p95 to first frame",
                "p95 to last frame",
                "max to first frame",
                "CPU to last frame, p50",
                "CPU to last frame, p95",
            ],
            rows,
        ),
        "",
        f"Ratio to the anchor: p50 {d50 / a50:.2f}×, p95 {d95 / a95:.2f}× (to the first frame); "
        f"CPU to the last frame, p95: {c95 / c95_anchor:.2f}×.",
        "",
        full_line,
        "",
        frames_line,
        "",
        f"{args.days} whole days of the shipped day (seeds `latency-0` …), alternating day by day with the anchor "
        "in separate processes. The real app runs headless under Pilot at 100×36; a press is a digit for a "
        'random available choice. "Handled" is when `DayJobApp.choose` returned (engine step and widget '
        'updates); "first frame" is the first frame Textual rendered after that, encoded into the bytes a '
        "terminal would receive (the headless driver writes nothing, so this leaves out only the write "
        'itself); "last frame" is the last one before the app went idle. Textual batches refreshes at up to '
        "60 frames a second, so a few milliseconds of each figure are its frame timer. CPU is the process's "
        "CPU time (`time.process_time`) from the press to the last frame: wall time on a shared machine "
        "includes waiting for a core.",
        "",
        f"Slowest presses to their last frame: {slowest}. A day's last choice puts up the report, a new "
        "screen of about 45 widgets composed whole (its first frame shows all of it); Textual then repaints "
        "the whole screen once or twice more as it finishes replacing the scene's screen. That is one press "
        f"in about 25: {ends}",
        "",
        f"Target (#17): p95 to the last frame under {TARGET_MS:.0f} ms: {l95:.1f} ms — "
        f"{c.verdict(l95 < TARGET_MS)}; without the presses that end a day {l95_days:.1f} ms. "
        f"(To the first frame: p50 {d50:.1f} ms, p95 {d95:.1f} ms. CPU to the last frame: p95 {c95:.1f} ms, "
        f"without the presses that end a day {c95_days:.1f} ms.)",
        "",
        f"Previous run: {before}." if before else "No previous run in docs/performance.md.",
    ]
    text = "\n".join(body)
    print(text)
    if not args.no_doc:
        c.update_section("latency", "Choice latency: key press to the next scene on screen", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
