"""Run every benchmark in turn; each writes its own section of docs/performance.md.

    python bench/run_all.py [--quick] [--only check,step,...] [--no-doc]

--quick uses fewer rounds and smaller stories (a smoke run: its figures are not for the doc,
so --quick implies --no-doc unless --doc is given).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

FULL = {
    "step": ["bench_step.py"],
    "startup": ["bench_startup.py", "--pairs", "15"],
    "latency": ["bench_latency.py", "--days", "4"],
    "memory": ["bench_memory.py"],
    "playtest": ["bench_playtest.py"],
    "check": ["bench_check.py"],
    "lsp": ["bench_lsp.py"],
}
QUICK = {
    "step": ["bench_step.py", "--steps", "2000"],
    "startup": ["bench_startup.py", "--pairs", "3"],
    "latency": ["bench_latency.py", "--days", "1"],
    "memory": ["bench_memory.py", "--check-size", "1000", "--rounds", "1"],
    "playtest": ["bench_playtest.py", "-n", "500", "--rounds", "1"],
    "check": ["bench_check.py", "--sizes", "1000,2000", "--rounds", "1"],
    "lsp": ["bench_lsp.py", "--sizes", "1000", "--rounds", "3"],
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", help="comma-separated: " + ",".join(FULL))
    p.add_argument("--no-doc", action="store_true")
    p.add_argument("--doc", action="store_true", help="with --quick, write the doc anyway")
    args = p.parse_args(argv)
    table = QUICK if args.quick else FULL
    names = args.only.split(",") if args.only else list(table)
    no_doc = args.no_doc or (args.quick and not args.doc)
    failed = []
    for name in names:
        cmd = [sys.executable, str(HERE / table[name][0]), *table[name][1:]] + (["--no-doc"] if no_doc else [])
        print(f"== {name}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        rc = subprocess.run(cmd).returncode
        print(f"== {name}: exit {rc} after {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
