"""Memory: peak resident memory of the game with the shipped story, and of `check` on 20,000 scenes.

    python bench/bench_memory.py [--check-size 20000] [--no-doc]

Every figure is one child process's own peak resident set (VmHWM from /proc/self/status, read
by bench/_peak.py as the child ends; `ru_maxrss` would carry the parent's peak across fork/exec):

* the TUI: the real app, headless through `App.run_test`, plays two whole days pressing keys;
* the plain player: `python -m game play --plain --seed S --choices ...` through a whole day;
* `python -m game check DIR` on the 20,000-scene story from make_story.py;

with anchors measured in the same run: an empty interpreter (`python -c pass`), the minimal
Textual app (Header + Static + Footer) run the same headless way, and a bare
`yaml.load(..., CSafeLoader)` of the same 20,000-scene files keeping every document.

Target (design.md): under 80 MB for the game with the shipped story.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

CHECK_TARGET = 3.0
TARGET_MB = 80.0


def child(mode: str, arg: str | None) -> int:
    if mode == "pass":
        return 0
    if mode == "tui":
        from _tui_day import play_days

        out = asyncio.run(play_days(2, "memory"))
        print(out["choices"], file=sys.stderr)
        return 0
    if mode == "minimal":
        from minimal_app import Minimal

        async def run():
            app = Minimal()
            async with app.run_test(size=(100, 36)) as pilot:
                await pilot.pause()
                await pilot.press("ctrl+p")
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()

        asyncio.run(run())
        return 0
    if mode == "yaml":
        import yaml

        root = Path(arg)
        files = [root / "story.yaml", *sorted((root / "scenes").glob("*.yaml"))]
        kept = [yaml.load(f.read_bytes(), yaml.CSafeLoader) for f in files]
        return 0 if kept else 1
    raise SystemExit(f"unknown mode {mode}")


def peak_mb(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Run `python bench/_peak.py CMD...`; the child's own peak resident set (VmHWM) in MB."""
    proc = subprocess.run(
        [c.PYTHON, str(c.BENCH / "_peak.py"), *cmd],
        cwd=c.ROOT,
        env=env or c.child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [ln for ln in proc.stderr.splitlines() if ln.startswith("PEAK_KB ")]
    if proc.returncode != 0 or not peak:
        raise SystemExit(f"{' '.join(cmd[:5])} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return int(peak[-1].split()[1]) / 1024


def day_choices(seed: str) -> list[str]:
    from game.engine import Game, load_story

    game = Game(load_story(None), seed)
    rng = random.Random(seed)
    ids = []
    while not game.ended:
        cid = rng.choice(game.available)
        ids.append(cid)
        game.choose(cid)
    return ids


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check-size", type=int, default=20_000)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return child(args.child[0], args.child[1] if len(args.child) > 1 else None)

    machine = c.machine_line()
    me = [__file__, "--child"]
    big = c.generated_story(args.check_size)
    seed = "memory"
    ids = day_choices(seed)
    runs = {
        "python -c pass (anchor)": ["-c", "pass"],
        "minimal Textual app, headless (anchor)": me + ["minimal"],
        "`dayjob` TUI, headless, two whole days": me + ["tui"],
        f"`dayjob play --plain`, a whole day ({len(ids)} choices)": [
            "-m",
            "game",
            "play",
            "--plain",
            "--no-save",
            "--seed",
            seed,
            "--choices",
            ",".join(ids),
        ],
        f"bare yaml.load of {args.check_size:,} scenes, all kept (anchor)": me + ["yaml", str(big)],
        f"`dayjob check` on {args.check_size:,} scenes": ["-m", "game", "check", str(big)],
    }
    res: dict[str, list[float]] = {k: [] for k in runs}
    names = list(runs)
    big_env = c.story_env(args.check_size)  # the bare parse too, so both sides run alike
    if c.large_story_note(args.check_size):
        print(f"[memory] {c.large_story_note(args.check_size)}", file=sys.stderr, flush=True)
    for r in range(args.rounds):
        for name, cmd in runs.items() if r % 2 == 0 else reversed(list(runs.items())):
            print(f"[memory] {name}...", file=sys.stderr, flush=True)
            res[name].append(peak_mb(cmd, big_env if name in (names[4], names[5]) else None))
            print(f"  {res[name][-1]:.1f} MB", file=sys.stderr)
    peak = {k: max(v) for k, v in res.items()}
    base, minimal, tui, plain, yml, check = (peak[n] for n in names)
    rows = [
        [names[0], f"{base:.1f} MB", "–"],
        [names[1], f"{minimal:.1f} MB", "1.00× (TUI anchor)"],
        [names[2], f"**{tui:.1f} MB**", f"{tui / minimal:.2f}× the minimal app; +{tui - minimal:.1f} MB"],
        [names[3], f"**{plain:.1f} MB**", f"+{plain - base:.1f} MB over an empty interpreter"],
        [names[4], f"{yml:.1f} MB", "1.00× (check anchor)"],
        [names[5], f"**{check:.1f} MB**", f"{check / yml:.2f}× the bare parse"],
    ]
    worst_game = max(tui, plain)
    body = [
        f"Measured {machine}.",
        "",
        c.table(["process", "peak resident memory", "compared"], rows),
        "",
        f"Peak resident set (VmHWM, the kernel's high-water mark of the process's own memory) of each child process, the highest of "
        f"{args.rounds} runs; order alternates between runs. The TUI is the real app driven through "
        "`App.run_test` (headless: everything but the terminal writes), new day from the title screen, "
        "random available choices by digit key, two days in a row.",
        "",
        f"Target: under {TARGET_MB:.0f} MB for the game with the shipped story: TUI {tui:.1f} MB, plain "
        f"{plain:.1f} MB — {c.verdict(worst_game < TARGET_MB)}.",
        "",
        f"Target (#17): `check` on {args.check_size:,} scenes within {CHECK_TARGET:.0f}× the bare parse's peak: "
        f"{check / yml:.2f}× — {c.verdict(check / yml <= CHECK_TARGET)}."
        + (f" {c.large_story_note(args.check_size)}" if c.large_story_note(args.check_size) else ""),
    ]
    text = "\n".join(body)
    print(text)
    if not args.no_doc:
        c.update_section("memory", "Memory: peak resident set", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
