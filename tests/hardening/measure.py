"""What `dayjob check` costs on every hostile folder, for docs/security.md's table of caps.

    python -m tests.hardening.measure DIR [NAME ...] [--rounds N]

Writes the folders of tests/hardening/hostile.py and the corpus of test_hostile_stories.py under DIR
(once), with real stories beside them as anchors: the shipped day and bench/make_story.py's
5,000 and 20,000 scenes (over the default caps: measure it with DAYJOB_LARGE_STORY=1, which the folders
written follow too, so give that run its own DIR). Each is checked in its own process, `rounds` times (the results folders: `dayjob
debrief` on them); the worst CPU time (user + system,
from wait4) and peak resident memory (VmHWM, bench/_peak.py) are printed as a Markdown table, with the
load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from game.engine import load_story
from game.engine.where import LARGE_STORY, LARGE_STORY_VAR
from tests.hardening import hostile
from tests.hardening.test_hostile_stories import HOSTILE, write

ROOT = Path(__file__).parent.parent.parent
ROOM = ROOT / "tests" / "workshop" / "fixtures" / "room"
PEAK = ROOT / "bench" / "_peak.py"  # prints the process's own VmHWM: a child's ru_maxrss carries the parent's


def _generated(scenes: int) -> Callable[[Path], Path]:
    def make(root: Path) -> Path:
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_story.py"), str(scenes), str(root)], check=True)
        return root

    return make


Case = tuple[Callable[[Path], Path], Callable[[Path], list[str]]]  # how to make the folder; the command on it


def _check(path: Path) -> list[str]:
    return ["check", str(path)]


def _debrief(path: Path) -> list[str]:
    return ["debrief", str(path), "--story", str(ROOM), "--format", "html"]


def cases() -> dict[str, Case]:
    """Every folder to measure, by name, with the command measured on it."""
    made: dict[str, Case] = {
        "shipped day": (lambda _: ROOT / "story", _check),
        "5,000 scenes (make_story.py)": (_generated(5_000), _check),
        "20,000 scenes (make_story.py)": (_generated(20_000), _check),
    }
    for name, make in hostile.CASES.items():
        made[name] = (make, _check)
    for name, scene in HOSTILE.items():
        made[f"corpus: {name}"] = (lambda root, scene=scene: write(root, scene), _check)  # type: ignore[misc]
    room = load_story(ROOM)
    made["debrief: results_long_ids"] = (lambda root: hostile.results_long_ids(root, room), _debrief)
    made["debrief: results_many_files"] = (lambda root: hostile.results_many_files(root, room), _debrief)
    return made


def run_once(path: Path, command: list[str], err: Path) -> tuple[float, float, int, int, str]:
    """Wall time, CPU time (s), peak memory (KB) and exit code of `dayjob COMMAND`, and its last line
    (its stderr goes to `err`)."""
    with open(err, "wb") as fh:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, str(PEAK), "-m", "game", *command], stdout=subprocess.PIPE, stderr=fh, cwd=ROOT
        )
        assert proc.stdout is not None
        last = b""
        for line in proc.stdout:  # read as it comes: a pipe left full would stall the check
            last = line or last
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = err.read_text(errors="replace")
    if "Traceback" in text:
        raise SystemExit(f"{path}: a traceback\n{text}")
    peak = int(text.rsplit("PEAK_KB ", 1)[1].split()[0])
    said = [line for line in text.splitlines() if line.strip() and not line.startswith("PEAK_KB")]
    last_line = last.decode(errors="replace") or (said[-1] if said else "")
    return wall, usage.ru_utime + usage.ru_stime, peak, proc.returncode, last_line


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, help="where the folders are written (kept between runs)")
    p.add_argument("names", nargs="*", help="only these (default: all)")
    p.add_argument("--rounds", type=int, default=1)
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    made = cases()
    names = args.names or list(made)
    print(f"load average before: {os.getloadavg()[0]:.2f}; larger caps ({LARGE_STORY_VAR}): {LARGE_STORY}", flush=True)
    print("| folder | exit | wall | CPU | peak memory | load (1 min) | last line |", flush=True)
    print("|---|---|---|---|---|---|---|", flush=True)
    for name in names:
        make, command = made[name]
        path = args.out / name.replace(": ", "/").replace(" ", "_")
        path = path if path.exists() else make(path)  # made once, kept between runs
        err = args.out / f".{path.name}.stderr"  # beside the folders, never in the repository's story
        runs = [run_once(path, command(path), err) for _ in range(args.rounds)]
        wall, cpu, peak = max(r[0] for r in runs), max(r[1] for r in runs), max(r[2] for r in runs)
        code, last = runs[-1][3], runs[-1][4].strip()[:90].replace("|", "\\|")
        load = os.getloadavg()[0]
        print(
            f"| {name} | {code} | {wall:.1f} s | {cpu:.2f} s | {peak / 1024:.0f} MB | {load:.1f} | {last} |", flush=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
