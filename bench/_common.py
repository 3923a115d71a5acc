"""Shared helpers for the benchmarks: machine facts, statistics, generated stories, docs sections."""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DOC = ROOT / "docs" / "performance.md"
PYTHON = sys.executable
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOC_HEADER = """# Performance

Every figure here is written by a benchmark in `bench/` (run one with
`python bench/<name>.py`, or all with `python bench/run_all.py`). The machines we
run on are shared and noisy, so each figure is given with an *anchor* measured in
the same run, alternating with it, and the ratio to that anchor is what we judge.
Absolute times only say what this machine did at that moment. No timing is ever
asserted by a test.

Sections below are replaced in place each time their benchmark runs; the text
outside the markers is written by hand.
"""


# -- machine --------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


BUSY_LOAD = 1.0  # a figure taken above this load average is marked as such in docs/performance.md


def machine_line() -> str:
    """One line: date, CPU, cores, Python, the versions that matter, and the load average before the run
    (printed too, and marked when over BUSY_LOAD). Every benchmark calls it before it measures."""
    versions = []
    for mod in ("textual", "yaml", "pydantic", "transitions"):
        try:
            m = __import__(mod)
            versions.append(f"{mod} {getattr(m, '__version__', '?')}")
        except Exception:  # noqa: BLE001 - a missing library is just not listed
            pass
    date = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load = ""
    try:
        avg = os.getloadavg()[0]
    except OSError:
        avg = None
    if avg is not None:
        load = f" · load average before the run {avg:.2f}"
        if avg > BUSY_LOAD:
            load += f" (**over {BUSY_LOAD:.1f}: taken on a busy machine**)"
        print(f"[{Path(sys.argv[0]).stem}] load average before the run: {avg:.2f}", file=sys.stderr, flush=True)
    return (
        f"{date} · {cpu_model()}, {cores()} cores · Python {platform.python_version()} "
        f"({platform.python_implementation()}) on {platform.system()} · " + ", ".join(versions) + load
    )


# -- statistics -----------------------------------------------------------------------------


def percentile(values, q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks."""
    xs = sorted(values)
    if not xs:
        raise ValueError("no values")
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def median(values) -> float:
    return statistics.median(values)


def fmt_s(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def loglog_slope(xs, ys) -> float:
    """Least-squares slope of log(y) against log(x): 1.0 is linear growth."""
    import math

    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    num = sum((a - mx) * (b - my) for a, b in zip(lx, ly))
    den = sum((a - mx) ** 2 for a in lx)
    return num / den


# -- generated stories ------------------------------------------------------------------------


def story_cache() -> Path:
    base = os.environ.get("DAYJOB_BENCH_STORIES")
    return Path(base) if base else Path(tempfile.gettempdir()) / "dayjob-bench-stories"


def generated_story(n: int, seed: str = "bench") -> Path:
    """A story from make_story.py, cached until the generator changes."""
    stamp = hashlib.sha256((BENCH / "make_story.py").read_bytes()).hexdigest()[:10]
    root = story_cache() / f"{n}-{seed}-{stamp}"
    if not (root / ".complete").exists():
        subprocess.run([PYTHON, str(BENCH / "make_story.py"), str(n), str(root), "--seed", seed], check=True, cwd=ROOT)
        (root / ".complete").write_text("ok\n")
    return root


def shipped_story() -> Path:
    return ROOT / "story"


# -- docs/performance.md ------------------------------------------------------------------------


def update_section(name: str, title: str, body: str) -> Path:
    """Replace (or append) the section `name` of docs/performance.md."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_HEADER
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n## {title}\n\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return DOC


def table(headers: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def runnable() -> int:
    """Processes running or ready to run on this machine right now (this one included)."""
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("procs_running"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_quiet(max_wait: float = 20.0, busy_cores: int = 1) -> bool:
    """Wait (up to max_wait s) until at most `busy_cores` processes are runnable for ~0.3 s.

    The machines are shared: other sessions run tests in bursts. Starting each measured pair in
    a lull keeps the two sides' conditions alike; it does not make absolute times trustworthy.
    """
    import time

    deadline = time.monotonic() + max_wait
    calm = 0
    while time.monotonic() < deadline:
        calm = calm + 1 if runnable() <= busy_cores else 0
        if calm >= 3:
            return True
        time.sleep(0.1)
    return False


# The largest generated story the default whole-story caps admit (docs/security.md; tests/hardening/test_caps.py
# fails if the generator or the caps drift so that it would not): a bench that reads a larger one opts its
# children in to the larger caps, as a person running `dayjob check` on it would, and says so.
DEFAULT_CAPS_SCENES = 5_000
LARGE_STORY_VAR = "DAYJOB_LARGE_STORY"  # game/engine/where.py


def story_env(scenes: int, **extra: str) -> dict[str, str]:
    """child_env() for a child that reads a generated story of `scenes` scenes: over DEFAULT_CAPS_SCENES, with
    the larger caps chosen (DAYJOB_LARGE_STORY=1)."""
    return child_env(**({LARGE_STORY_VAR: "1"} if scenes > DEFAULT_CAPS_SCENES else {}), **extra)


def large_story_note(scenes: int) -> str:
    """The sentence a bench prints (and writes) when it checks a story over the default caps; else empty."""
    if scenes <= DEFAULT_CAPS_SCENES:
        return ""
    return (
        f"{scenes:,} scenes are over the default caps on a story's size (docs/security.md), so that story is "
        f"read with `{LARGE_STORY_VAR}=1`, the opt-in to the larger caps."
    )


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a measured child: the repo importable, no user saves touched."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("DAYJOB_DATA", str(Path(tempfile.gettempdir()) / "dayjob-bench-data"))
    env.pop("PYTHONDEVMODE", None)
    # an installed game has its bytecode cached, as textual's is: let the children write and use theirs
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env
