"""bench/run_all.py runs every benchmark: a new bench_*.py is not left out of the full or the quick run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _run_all():
    spec = importlib.util.spec_from_file_location("run_all", BENCH / "run_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_is_in_the_full_and_the_quick_run():
    run_all = _run_all()
    scripts = {path.name for path in BENCH.glob("bench_*.py")}
    assert scripts, "no benchmarks found"
    for table in (run_all.FULL, run_all.QUICK):
        assert {cmd[0] for cmd in table.values()} == scripts
        assert set(table) == set(run_all.FULL)


def test_every_listed_script_exists():
    run_all = _run_all()
    for cmd in run_all.FULL.values():
        assert (BENCH / cmd[0]).is_file(), cmd[0]
