"""Random playtests against ChoiceScript's randomtest, in the same run: choices per CPU-second, one core.

    python bench/bench_playtest.py [-n 10000] [--rounds 3] [--story DIR] [--choicescript DIR] [--no-doc]

After a warm-up run of each (not measured), each round runs, in alternating order:

* ChoiceScript's own `node randomtest.js num=N game=mygame` (its sample game), and
* `python -m game playtest STORY -n N --jobs 1 --format json` (the shipped day),

and reads each process's CPU time (user + system, from `wait4`): the whole command as a
writer types it, start-up and loading included on both sides. A third run per round uses
every core, for the record.

ChoiceScript is not part of this repository (its licence is non-commercial). Fetch it yourself
(github.com/dfabulich/choicescript) and point `--choicescript` or `$DAYJOB_CHOICESCRIPT` at the
checkout; `/tmp/choicescript` is tried last. Without it, this benchmark says so and prints no
ratio. Its choices are counted from its own output: randomtest prints one line
`<scene> *choice <line>#<option> ...` for every `*choice` it takes (its `showChoices`, on by
default), and one `*****Seed <n>` line per run.

Target (#17): at least 3x ChoiceScript's choices per CPU-second on one core, on the shipped day.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

TARGET = 3.0
CS_CHOICE = re.compile(rb"^\S+ \*choice \d+#\d+ ", re.MULTILINE)
CS_RUN = re.compile(rb"^\*\*\*\*\*Seed \d+$", re.MULTILINE)


def find_choicescript(given: Path | None) -> Path | None:
    """The ChoiceScript checkout to measure, or None (with node missing, None too)."""
    if shutil.which("node") is None:
        return None
    env = os.environ.get("DAYJOB_CHOICESCRIPT")
    for cand in (given, Path(env) if env else None, Path(tempfile.gettempdir()) / "choicescript"):
        if cand is not None and (cand / "randomtest.js").is_file() and (cand / "web" / "mygame").is_dir():
            return cand
    return None


def cs_version(root: Path) -> str:
    """The ChoiceScript commit measured: from its git checkout, or a `.commit` file beside an exported copy."""
    proc = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
    if proc.returncode == 0 and (root / ".git").exists():
        return proc.stdout.strip()[:12]
    stamp = root / ".commit"
    return stamp.read_text().strip()[:12] if stamp.is_file() else "of unknown commit"


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, bytes, int]:
    """Run cmd; (CPU seconds of the process and its children, wall seconds, stdout, exit code)."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
        out.seek(0)
        data = out.read()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return usage.ru_utime + usage.ru_stime, wall, data, proc.returncode


def run_ours(n: int, jobs: int, story: Path) -> dict:
    cmd = [c.PYTHON, "-m", "game", "playtest", str(story), "-n", str(n), "--jobs", str(jobs), "--format", "json"]
    cpu, wall, out, _ = timed(cmd, c.ROOT, c.child_env())
    data = json.loads(out)
    t = data["timing"]
    return {
        "cpu": cpu,
        "wall": wall,
        "play_wall": t["seconds"],
        "play_cpu": t["cpu_seconds"],
        "choices": t["choices"],
        "days": data["finished"],
        "failures": sum(data["failures"]["count"].values()),
        "median_len": data["length"]["median"],
        "mean_len": data["length"]["mean"],
    }


def run_choicescript(root: Path, n: int) -> dict:
    cpu, wall, out, code = timed(["node", "randomtest.js", f"num={n}", "game=mygame"], root)
    if code != 0 or b"RANDOMTEST PASSED" not in out:
        raise SystemExit(f"ChoiceScript's randomtest did not pass:\n{out[-2000:].decode(errors='replace')}")
    return {"cpu": cpu, "wall": wall, "choices": len(CS_CHOICE.findall(out)), "runs": len(CS_RUN.findall(out))}


def previous_run() -> str | None:
    """This benchmark's figures as docs/performance.md has them before this run replaces its section."""
    try:
        text = c.DOC.read_text(encoding="utf-8")
    except OSError:
        return None
    section = re.search(r"<!-- bench:playtest -->(.*?)<!-- /bench:playtest -->", text, re.S)
    if section is None:
        return None
    body = section.group(1)
    ratio = re.search(r"per CPU-second \(median of per-round ratios\): \*\*([\d.]+)×\*\*", body)
    if ratio is None:
        return None
    out = f"{ratio.group(1)}× ChoiceScript's choices per CPU-second"
    ours = re.search(r"\| `dayjob playtest`, 1 process \| [\d,]+ \| [^|]+\| ([\d,]+) \|", body)
    theirs = re.search(r"\| ChoiceScript randomtest \(anchor\) \| [\d,]+ \| [^|]+\| ([\d,]+) \|", body)
    if ours is not None and theirs is not None:
        out += f" ({ours.group(1)} against {theirs.group(1)})"
    when = re.search(r"Measured (\d{4}-\d\d-\d\d \d\d:\d\d \w+)", body)
    load = re.search(r"load average before the run (\d+\.\d+)", body)
    if when is not None:
        out += f", {when.group(1)}" + (f", load {load.group(1)}" if load is not None else "")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--story", type=Path, help="story folder (default: the shipped day)")
    p.add_argument("--choicescript", type=Path, help="a checkout of dfabulich/choicescript")
    p.add_argument("--no-doc", action="store_true")
    args = p.parse_args(argv)
    before = previous_run()
    machine = c.machine_line()
    story = args.story or c.shipped_story()
    cs_root = find_choicescript(args.choicescript)
    if cs_root is None:
        print(
            "[playtest] ChoiceScript not found (node on PATH and a checkout in --choicescript, "
            "$DAYJOB_CHOICESCRIPT or /tmp/choicescript): no ratio to it is measured.",
            file=sys.stderr,
        )
    # warm-up, not measured: bytecode caches, the page cache and the compiled story's cache, as a writer who
    # runs it again has them (bench_startup.py does the same); ChoiceScript's files are read once too
    run_ours(100, 1, story)
    if cs_root is not None:
        run_choicescript(cs_root, 1)
    all_cores = c.cores()
    ours: dict[int, list[dict]] = {1: [], all_cores: []}
    cs: list[dict] = []
    cs_start: list[float] = []
    for r in range(args.rounds):
        sides = ["cs", 1] if r % 2 == 0 else [1, "cs"]
        if all_cores > 1:
            sides.append(all_cores)
        for side in sides:
            c.wait_quiet(5)
            if side == "cs":
                if cs_root is None:
                    continue
                print(f"[playtest] round {r + 1}, ChoiceScript randomtest num={args.n:,}...", file=sys.stderr)
                out = run_choicescript(cs_root, args.n)
                cs.append(out)
                cs_start.append(run_choicescript(cs_root, 1)["cpu"])  # its start-up and coverage, for the split
                print(f"  {out['choices']:,} choices in {out['cpu']:.2f} s CPU", file=sys.stderr)
            else:
                jobs = int(side)
                print(f"[playtest] round {r + 1}, {jobs} process(es), {args.n:,} days...", file=sys.stderr)
                out = run_ours(args.n, jobs, story)
                ours[jobs].append(out)
                print(
                    f"  {out['choices']:,} choices in {out['cpu']:.2f} s CPU (playing {out['play_cpu']:.2f} s), "
                    f"{out['failures']} failures",
                    file=sys.stderr,
                )
    one = ours[1]
    first = one[0]
    rows = []
    for jobs, outs in ours.items():
        if not outs:
            continue
        rows.append(
            [
                f"`dayjob playtest`, {jobs} process{'es' if jobs > 1 else ''}",
                f"{outs[0]['choices']:,}",
                c.fmt_s(c.median([o["cpu"] for o in outs])),
                f"{c.median([o['choices'] / o['cpu'] for o in outs]):,.0f}",
                c.fmt_s(c.median([o["play_cpu"] for o in outs])),
                f"{c.median([o['choices'] / o['play_cpu'] for o in outs]):,.0f}",
                c.fmt_s(c.median([o["wall"] for o in outs])),
            ]
        )
    if cs:
        cs_play = [o["cpu"] - s for o, s in zip(cs, cs_start)]
        rows.insert(
            0,
            [
                "ChoiceScript randomtest (anchor)",
                f"{cs[0]['choices']:,}",
                c.fmt_s(c.median([o["cpu"] for o in cs])),
                f"{c.median([o['choices'] / o['cpu'] for o in cs]):,.0f}",
                c.fmt_s(c.median(cs_play)),
                f"{c.median([o['choices'] / p for o, p in zip(cs, cs_play)]):,.0f}",
                c.fmt_s(c.median([o["wall"] for o in cs])),
            ],
        )
    story_name = "the shipped day" if args.story is None else f"`{args.story}`"
    body = [
        f"Measured {machine}.",
        "",
        f"{args.n:,} random runs on each side per round, {args.rounds} rounds after a warm-up run of each (not "
        f"measured: bytecode, page and story caches warm), ChoiceScript and our one-core run alternating which goes "
        f"first; medians. Ours: {story_name}, seeds `playtest-0` … "
        f"`playtest-{args.n - 1}`, a day is {first['mean_len']:g} choices on average (median "
        f"{first['median_len']:g}).",
        "",
        c.table(
            [
                "command",
                "choices taken",
                "CPU time (process)",
                "choices per CPU-second",
                "CPU time, playing only",
                "choices per CPU-second, playing only",
                "wall (process)",
            ],
            rows,
        ),
        "",
    ]
    if cs:
        ratio = c.median([(o["choices"] / o["cpu"]) / (k["choices"] / k["cpu"]) for o, k in zip(one, cs)])
        play_ratio = c.median(
            [(o["choices"] / o["play_cpu"]) / (k["choices"] / (k["cpu"] - s)) for o, k, s in zip(one, cs, cs_start)]
        )
        runs = cs[0]["runs"]
        body += [
            f"ChoiceScript (github.com/dfabulich/choicescript {cs_version(cs_root)}, not part of "
            f"this repository) runs its own `node randomtest.js num={args.n} game=mygame` on its sample game, "
            f"with node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}. "
            f"Its choices are counted from its output: one `<scene> *choice …` line per `*choice` taken, "
            f"{cs[0]['choices']:,} in {runs:,} runs ({cs[0]['choices'] / max(runs, 1):.2f} a run; page-break "
            "clicks are not choices and are not counted). CPU time is the process's user + system time "
            '(`wait4`), the whole command on both sides. "Playing only" takes out each side\'s start-up: '
            "ours is the CPU time `dayjob playtest` reports for its days (story loaded before), "
            "ChoiceScript's is its run minus a `num=1` run (start-up, compiling the game, coverage).",
            "",
            f"Ratio, one core, per CPU-second (median of per-round ratios): **{ratio:.2f}×** ChoiceScript's "
            f"choices; playing only {play_ratio:.2f}×.",
            "",
            f"Target: at least {TARGET:.0f}× ChoiceScript's choices per CPU-second on one core: {ratio:.2f}× "
            f"— {c.verdict(ratio >= TARGET)}.",
            "",
            f"Previous run: {before}." if before else "No previous run in docs/performance.md.",
        ]
    else:
        body.append(
            "ChoiceScript was not found in this run (no checkout given, or no `node`), so no ratio is given. "
            "See the docstring of `bench/bench_playtest.py` for how to point it at one."
        )
    text = "\n".join(body)
    print(text)
    if not args.no_doc:
        c.update_section("playtest", "Playtest: ChoiceScript's randomtest in the same run", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
