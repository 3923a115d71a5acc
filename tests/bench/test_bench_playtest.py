"""bench/bench_playtest.py reads the figures it replaces, to set the previous run beside the new one."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import _common  # noqa: E402
import bench_playtest  # noqa: E402

SECTION = """<!-- bench:playtest -->
## Playtest: ChoiceScript's randomtest in the same run

Measured 2026-11-29 22:14 UTC · AMD EPYC, 2 cores · load average before the run 0.31.

| command | choices taken | CPU time (process) | choices per CPU-second | CPU time, playing only | choices per CPU-second, playing only | wall (process) |
|---|---|---|---|---|---|---|
| ChoiceScript randomtest (anchor) | 61,679 | 2.81 s | 21,971 | 2.72 s | 22,659 | 2.62 s |
| `dayjob playtest`, 1 process | 263,130 | 4.55 s | 57,830 | 4.33 s | 60,825 | 4.45 s |

Ratio, one core, per CPU-second (median of per-round ratios): **2.6×** ChoiceScript's choices; playing only 2.7×.
<!-- /bench:playtest -->
"""


def test_the_previous_run_is_read_from_its_section(tmp_path, monkeypatch):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\n" + SECTION, encoding="utf-8")
    monkeypatch.setattr(_common, "DOC", doc)
    assert bench_playtest.previous_run() == (
        "2.6× ChoiceScript's choices per CPU-second (57,830 against 21,971), 2026-11-29 22:14 UTC, load 0.31"
    )


def test_no_previous_run_without_its_section(tmp_path, monkeypatch):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nNothing measured yet.\n", encoding="utf-8")
    monkeypatch.setattr(_common, "DOC", doc)
    assert bench_playtest.previous_run() is None
