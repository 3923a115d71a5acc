"""`dayjob check` against bare `yaml.load(..., CSafeLoader)` of the same files, at 1k, 5k and 20k scenes.

    python bench/bench_check.py [--sizes 1000,5000,20000] [--rounds 5] [--no-cli] [--no-memory] [--no-doc]

Two comparisons, each alternating the two sides round by round:

* in-process: `check_story(DIR)` (what `dayjob check` runs: load, compile, lint) against
  reading every file and calling `yaml.load(raw, yaml.CSafeLoader)`, in one worker
  process per size that has imported everything first;
* command line: `python -m game check DIR` against `python -c` that imports yaml and
  loads the same files the same way (both pay the interpreter's start-up);
* memory: the peak resident set (VmHWM, bench/_peak.py) of `python -m game check DIR` against
  a bare parse that keeps every document (`python -c`), one of each per round.

Target (design.md): within 1.5x of the bare parse, with linear growth.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

TARGET = 1.5
MEMORY_TARGET = 3.0  # #17: check's peak within 3x a bare parse that keeps every document, at 20,000 scenes

BARE_SCRIPT = """
import sys, yaml
from pathlib import Path
root = Path(sys.argv[1])
files = [root / "story.yaml", *sorted(p for p in (root / "scenes").rglob("*") if p.suffix in (".yaml", ".yml"))]
for f in files:
    yaml.load(f.read_bytes(), yaml.CSafeLoader)
"""
BARE_KEEP_SCRIPT = BARE_SCRIPT.replace("for f in files:\n    yaml.load(", "kept = [yaml.load(").replace(
    "yaml.CSafeLoader)\n", "yaml.CSafeLoader) for f in files]\n"
)


def bare_yaml(root: Path) -> int:
    import yaml

    from game.engine.loader import story_files

    n = 0
    for f in story_files(root):
        data = yaml.load(f.read_bytes(), yaml.CSafeLoader)
        n += len(data.get("scenes", ())) if isinstance(data, dict) else 0
    return n


def worker(root: Path, rounds: int) -> dict:
    """In-process timings, alternating which side goes first."""
    from game.authoring.check import check_story
    from game.startup import collector_paused

    errors, _ = check_story(root)  # warm-up: imports, regex compiles, pydantic schemas
    if errors:
        raise SystemExit(f"{root}: the generated story does not check: {errors[:3]}")
    bare_yaml(root)
    out: dict[str, list[float]] = {"yaml": [], "check": [], "yaml_cpu": [], "check_cpu": []}
    for r in range(rounds):
        order = ("yaml", "check") if r % 2 == 0 else ("check", "yaml")
        for side in order:
            gc.collect()
            c0 = time.process_time()
            t0 = time.perf_counter()
            if side == "yaml":
                bare_yaml(root)
            else:
                with collector_paused():  # as `dayjob check` runs it (game/startup.py)
                    errors, _ = check_story(root)
            out[side].append(time.perf_counter() - t0)
            out[side + "_cpu"].append(time.process_time() - c0)
    return out


def run_cli(root: Path, rounds: int, env: dict[str, str]) -> dict:
    sides = {
        "check": [c.PYTHON, "-m", "game", "check", str(root)],
        "yaml": [c.PYTHON, "-c", BARE_SCRIPT, str(root)],
    }
    out: dict[str, list[float]] = {"yaml": [], "check": [], "yaml_cpu": [], "check_cpu": []}
    for r in range(rounds):
        order = ("yaml", "check") if r % 2 == 0 else ("check", "yaml")
        for side in order:
            t0 = time.perf_counter()
            proc = subprocess.Popen(sides[side], cwd=c.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(proc.pid, 0)
            dt = time.perf_counter() - t0
            err = proc.stderr.read().decode(errors="replace")
            proc.stderr.close()
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                raise SystemExit(f"{' '.join(sides[side][:4])} failed ({proc.returncode}):\n{err[-2000:]}")
            out[side].append(dt)
            out[side + "_cpu"].append(usage.ru_utime + usage.ru_stime)
    return out


def run_memory(root: Path, rounds: int, env: dict[str, str]) -> dict:
    """Peak resident set in MB of `dayjob check` and of a bare parse keeping every document, alternating."""
    sides = {
        "check": [c.PYTHON, str(c.BENCH / "_peak.py"), "-m", "game", "check", str(root)],
        "yaml": [c.PYTHON, str(c.BENCH / "_peak.py"), "-c", BARE_KEEP_SCRIPT, str(root)],
    }
    out: dict[str, list[float]] = {"yaml": [], "check": []}
    for r in range(rounds):
        for side in ("yaml", "check") if r % 2 == 0 else ("check", "yaml"):
            proc = subprocess.run(sides[side], cwd=c.ROOT, env=env, capture_output=True, text=True)
            peak = [ln for ln in proc.stderr.splitlines() if ln.startswith("PEAK_KB ")]
            if proc.returncode != 0 or not peak:
                raise SystemExit(f"{side} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
            out[side].append(int(peak[-1].split()[1]) / 1024)
    return out


def ratios(d: dict, cpu: bool = False) -> list[float]:
    k = "_cpu" if cpu else ""
    return [ck / y for ck, y in zip(d["check" + k], d["yaml" + k])]


def memory_lines(results: dict) -> list[str]:
    """The peak memory table and #17's verdict on it, when memory was measured."""
    measured = {n: res["mem"] for n, res in results.items() if res["mem"]}
    if not measured:
        return []
    rows = [
        [
            f"{n:,}",
            f"{c.median(mem['yaml']):.0f} MB",
            f"{c.median(mem['check']):.0f} MB",
            f"**{c.median(ratios(mem)):.2f}×**",
        ]
        for n, mem in measured.items()
    ]
    out = [
        "",
        c.table(["scenes", "bare parse, every document kept: peak", "`dayjob check`: peak", "ratio"], rows),
        "",
        "Peak resident set (VmHWM) of each process, read by bench/_peak.py as it ends; medians of the rounds, "
        "the ratio the median of per-round ratios. What `check` holds at its peak (while compiling): the compiled "
        "story so far, the scenes validated but not yet compiled (kept as plain records, not pydantic models) and "
        "the bytes of their files (for placing problems). Each file's located data (each value's place packed into "
        "one int, two per mapping key, in one array) is let go once the file is validated, before the next file "
        "is read; its records and bytes once its scenes are compiled.",
    ]
    big = max(measured)
    if big >= 20_000:
        r = c.median(ratios(measured[big]))
        out += [
            "",
            f"Target (#17): `check` on {big:,} scenes within {MEMORY_TARGET:.0f}× the bare parse's peak: "
            f"{r:.2f}× — {c.verdict(r <= MEMORY_TARGET)}.",
        ]
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,5000,20000")
    p.add_argument("--rounds", type=int, default=5, help="rounds per size (20,000 scenes uses at least 3)")
    p.add_argument("--no-cli", action="store_true")
    p.add_argument("--no-memory", action="store_true", help="leave out the peak memory of check and the bare parse")
    p.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md alone")
    p.add_argument("--worker", nargs=2, metavar=("DIR", "ROUNDS"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(Path(args.worker[0]), int(args.worker[1]))))
        return 0

    machine = c.machine_line()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for n in sizes:
        root = c.generated_story(n)
        files = len(list((root / "scenes").glob("*.yaml"))) + 1
        mb = sum(f.stat().st_size for f in root.rglob("*.yaml")) / 1e6
        rounds = args.rounds if n < 20_000 else max(3, args.rounds - 2)
        env = c.story_env(n)  # every child that reads the story: over the default caps, opted in
        if c.large_story_note(n):
            print(f"[check] {c.large_story_note(n)}", file=sys.stderr, flush=True)
        print(
            f"[check] {n} scenes ({files} files, {mb:.1f} MB), {rounds} rounds in-process...",
            file=sys.stderr,
            flush=True,
        )
        proc = subprocess.run(
            [c.PYTHON, __file__, "--worker", str(root), str(rounds)],
            cwd=c.ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            raise SystemExit(proc.stderr)
        inproc = json.loads(proc.stdout)
        cli = None
        if not args.no_cli:
            print(f"[check] {n} scenes, {rounds} rounds on the command line...", file=sys.stderr, flush=True)
            cli = run_cli(root, rounds, env)
        mem = None
        if not args.no_memory:
            print(f"[check] {n} scenes, {rounds} rounds of peak memory...", file=sys.stderr, flush=True)
            mem = run_memory(root, rounds, env)
            print(
                f"  memory:     yaml {c.median(mem['yaml']):.0f} MB, check {c.median(mem['check']):.0f} MB, "
                f"ratio median {c.median(ratios(mem)):.2f}",
                file=sys.stderr,
            )
        results[n] = {"files": files, "mb": mb, "in": inproc, "cli": cli, "mem": mem}
        r = ratios(inproc)
        print(
            f"  in-process: yaml {c.median(inproc['yaml']):.2f} s, check {c.median(inproc['check']):.2f} s, "
            f"ratio median {c.median(r):.2f} (rounds {', '.join(f'{x:.2f}' for x in r)})",
            file=sys.stderr,
        )
        if cli:
            r = ratios(cli)
            print(
                f"  cli:        yaml {c.median(cli['yaml']):.2f} s, check {c.median(cli['check']):.2f} s, "
                f"ratio median {c.median(r):.2f}",
                file=sys.stderr,
            )

    rows = []
    for n, res in results.items():
        i = res["in"]
        row = [
            f"{n:,}",
            f"{res['files']} / {res['mb']:.1f} MB",
            c.fmt_s(c.median(i["yaml"])),
            c.fmt_s(c.median(i["check"])),
            f"**{c.median(ratios(i)):.2f}×**",
            f"{c.median(ratios(i, cpu=True)):.2f}×",
            f"{c.median(i['check']) / n * 1e6:.0f} µs",
        ]
        if res["cli"]:
            k = res["cli"]
            row += [
                c.fmt_s(c.median(k["yaml"])),
                c.fmt_s(c.median(k["check"])),
                f"**{c.median(ratios(k)):.2f}×**",
                f"{c.median(ratios(k, cpu=True)):.2f}×",
            ]
        else:
            row += ["–", "–", "–", "–"]
        rows.append(row)
    ns = list(results)
    body = [f"Measured {machine}.", ""]
    body.append(
        c.table(
            [
                "scenes",
                "files / size",
                "bare yaml.load",
                "check (in-process)",
                "ratio",
                "ratio (CPU time)",
                "check per scene",
                "bare yaml (CLI)",
                "`dayjob check` (CLI)",
                "ratio (CLI)",
                "ratio (CLI, CPU time)",
            ],
            rows,
        )
    )
    body.append("")
    body.append(
        "Ratios are the median of per-round ratios (check ÷ bare parse of the same files in the same round, "
        "sides alternating which goes first); times are medians of wall-clock time. The CPU-time ratios "
        "(process time in-process; the child's user + system time on the command line) are less disturbed "
        "by other work on the shared machine."
    )
    if len(ns) >= 2:
        slope = c.loglog_slope(ns, [c.median(results[n]["in"]["check"]) for n in ns])
        yslope = c.loglog_slope(ns, [c.median(results[n]["in"]["yaml"]) for n in ns])
        body.append(
            f"Growth: time ∝ scenes^{slope:.2f} for check and ^{yslope:.2f} for the bare parse "
            "(1.00 is linear; least squares over the sizes above)."
        )
    if 5000 in results:
        r5 = c.median(ratios(results[5000]["in"]))
        cli5 = results[5000]["cli"]
        r5c = c.median(ratios(cli5)) if cli5 else None
        ok = r5 <= TARGET and (r5c is None or r5c <= TARGET)
        body.append("")
        body.append(
            f"Target: within {TARGET}× of the bare parse on 5,000 scenes: {r5:.2f}× in-process, "
            + (
                f"{r5c:.2f}× on the command line (start-up and imports included: the engine against yaml alone)"
                if cli5
                else "command line not run"
            )
            + f" — {c.verdict(ok)}"
            + ("" if ok or r5 > TARGET else " on the command line")
            + "."
        )
    body += memory_lines(results)
    body.append("")
    body.append(
        "The anchor is PyYAML's own `yaml.load(raw, yaml.CSafeLoader)`: libyaml's C parser with PyYAML's "
        "Python constructor, giving plain dicts with no places, no checks and no compiled story. "
        "`check` parses with the same C parser but builds its own located data (refusing aliases, "
        "duplicate keys and tags), validates it (engine/shapes.py reads a right value at once; anything else "
        "goes to the pydantic models, which word the errors), compiles every expression and template, "
        "and lints. Stories come from `bench/make_story.py N DIR` (seed `bench`)."
    )
    notes = [c.large_story_note(n) for n in sizes if c.large_story_note(n)]
    if notes:
        body.append("")
        body.append(notes[-1])
    text = "\n".join(body)
    print(text)
    if not args.no_doc:
        c.update_section("check", "Check: `dayjob check` against a bare YAML parse", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
