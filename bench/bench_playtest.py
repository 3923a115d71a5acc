"""Random playtests: choices per second of `dayjob playtest` on the shipped day, all cores and one core.

    python bench/bench_playtest.py [-n 10000] [--rounds 3] [--story DIR] [--no-doc]

Runs `python -m game playtest -n N --jobs J --format json` for J = all cores and J = 1,
alternating, and reads the choices and seconds it reports (playing only: the story is
loaded before its clock starts); the process's wall time, start-up included, is
recorded too.

The anchor is ChoiceScript's randomtest: 10,000 runs of its sample game in about 8.7 s
on this kind of machine (the figure in design.md). ChoiceScript cannot be fetched here
(no network but the package registries, and it is not a package), so it is not run in
the same run; its choices per run are counted from the sample game's source (see
CHOICESCRIPT below). Target (design.md): at least 2x its choices per second, all cores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

TARGET = 2.0

# ChoiceScript's sample game (web/mygame/scenes: startup, animal, variables, gosub, ending, death),
# counted by hand from its source with every option equally likely, as randomtest picks:
#   startup:   1 *choice, then a nested *choice after 2 of its 3 options   -> 1 + 2/3
#   animal:    1 *choice                                                   -> 1
#   variables: 2 *choices; "Leadership" then "Lift weights" (1/4) dies     -> 2
#   gosub:     2 *choices (the bully, then the *gosub'd feelings), 3/4 reach it -> 1.5
#   page breaks ("Next" clicks): 1 in startup, 1 in ending (3/4 reach it)  -> 1.75
CHOICESCRIPT = {
    "runs": 10_000,
    "seconds": 8.7,
    "choices_per_run": 1 + 2 / 3 + 1 + 2 + 1.5,  # 6.17 *choice decisions
    "clicks_per_run": 1 + 2 / 3 + 1 + 2 + 1.5 + 1.75,  # 7.92 with the page-break clicks
}


def run(n: int, jobs: int, story: Path | None) -> dict:
    cmd = [c.PYTHON, "-m", "game", "playtest", "-n", str(n), "--jobs", str(jobs), "--format", "json"]
    if story is not None:
        cmd += ["--story", str(story)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=c.ROOT, env=c.child_env(), capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise SystemExit(f"playtest failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout)
    t = data["timing"]
    fails = sum(data["failures"]["count"].values())
    return {
        "wall": wall,
        "seconds": t["seconds"],
        "choices": t["choices"],
        "cps": t["choices_per_second"],
        "days": data["finished"],
        "failures": fails,
        "jobs": t["jobs"],
        "median_len": data["length"]["median"],
        "mean_len": data["length"]["mean"],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--story", type=Path, help="story folder (default: the shipped day)")
    p.add_argument("--no-doc", action="store_true")
    args = p.parse_args(argv)
    machine = c.machine_line()
    all_cores = c.cores()
    res: dict[int, list[dict]] = {all_cores: [], 1: []}
    for r in range(args.rounds):
        order = (all_cores, 1) if r % 2 == 0 else (1, all_cores)
        for jobs in order:
            print(f"[playtest] round {r + 1}, {jobs} process(es), {args.n:,} days...", file=sys.stderr, flush=True)
            out = run(args.n, jobs, args.story)
            res[jobs].append(out)
            print(
                f"  {out['choices']:,} choices in {out['seconds']:.2f} s: {out['cps']:,.0f}/s "
                f"(wall {out['wall']:.2f} s, {out['failures']} failures)",
                file=sys.stderr,
            )
    cs = CHOICESCRIPT
    cs_cps = cs["runs"] * cs["choices_per_run"] / cs["seconds"]
    cs_clicks = cs["runs"] * cs["clicks_per_run"] / cs["seconds"]
    cs_runs = cs["runs"] / cs["seconds"]
    rows = []
    summary = {}
    for jobs, outs in res.items():
        cps = c.median([o["cps"] for o in outs])
        wall = c.median([o["wall"] for o in outs])
        days_s = c.median([o["days"] / o["seconds"] for o in outs])
        wall_days = c.median([o["days"] / o["wall"] for o in outs])
        wall_cps = c.median([o["choices"] / o["wall"] for o in outs])
        summary[jobs] = (cps, wall_cps)
        rows.append(
            [
                f"{jobs}",
                f"{outs[0]['choices']:,}",
                c.fmt_s(c.median([o["seconds"] for o in outs])),
                f"{cps:,.0f}",
                f"{days_s:,.0f}",
                c.fmt_s(wall),
                f"{wall_cps:,.0f}",
                f"{wall_days:,.0f}",
                f"**{cps / cs_cps:.1f}×** ({wall_cps / cs_cps:.1f}×)",
                f"{sum(o['failures'] for o in outs)}",
            ]
        )
    story_name = "the shipped day" if args.story is None else f"`{args.story}`"
    first = res[all_cores][0]
    body = [
        f"Measured {machine}.",
        "",
        f"{args.n:,} random days of {story_name} per run (seeds `playtest-0` … `playtest-{args.n - 1}`; "
        f"a day is {first['mean_len']:g} choices on average, median {first['median_len']:g}), "
        f"{args.rounds} runs per setting, alternating; medians.",
        "",
        c.table(
            [
                "processes",
                "choices per run",
                "playing time",
                "choices/s",
                "days/s",
                "wall (process)",
                "choices/s (wall)",
                "days/s (wall)",
                "vs ChoiceScript",
                "failures",
            ],
            rows,
        ),
        "",
        f"ChoiceScript anchor (not measured in this run: it cannot be fetched here): randomtest plays "
        f"{cs['runs']:,} runs of its sample game in ~{cs['seconds']} s on this kind of machine "
        f"({cs_runs:,.0f} runs/s). Counted from the sample's source, a run makes "
        f"{cs['choices_per_run']:.2f} `*choice` decisions on average ({cs['clicks_per_run']:.2f} with its "
        f"page-break clicks), so it takes {cs_cps:,.0f} choices/s ({cs_clicks:,.0f} clicks/s). "
        f"Our days are longer (about {first['mean_len']:g} choices against {cs['choices_per_run']:.1f}), "
        "so runs per second are not comparable; choices per second are. The ratio in brackets uses the "
        "whole process's wall time (start-up, story load and pool included), as ChoiceScript's 8.7 s does.",
        "",
    ]
    cps_all, wall_all = summary[all_cores]
    body.append(
        f"Target: at least {TARGET:.0f}× ChoiceScript's choices per second with all cores: "
        f"{cps_all / cs_cps:.1f}× (wall {wall_all / cs_cps:.1f}×; {cps_all / cs_clicks:.1f}× even against "
        f"its clicks) — {c.verdict(cps_all / cs_cps >= TARGET and wall_all / cs_cps >= TARGET)}. "
        f"One core: {summary[1][0] / cs_cps:.1f}×."
    )
    text = "\n".join(body)
    print(text)
    if not args.no_doc:
        c.update_section("playtest", "Playtest: random days per second", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
