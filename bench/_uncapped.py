"""Run `dayjob` (or a script) with the story-size caps lifted, for the benchmarks' large generated stories.

    python bench/_uncapped.py -m game check DIR
    python bench/_uncapped.py path/to/script.py ARGS

The caps (docs/security.md: 150,000 values and 16 MB in all files) keep a hostile story from
costing a player time and memory; they refuse the 5,000- and 20,000-scene stories that #17's
targets are set on (bench/make_story.py writes about 90 values a scene). Lifting them here, and
only here, measures the engine's own growth at those sizes. Nothing else changes.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def lift_caps() -> None:
    """Raise the whole-story caps far above any benchmark's story (per-file caps stay as shipped)."""
    import game.engine.storyfiles as storyfiles
    import game.engine.where as where
    import game.engine.yamlsafe as yamlsafe

    big = 10**9
    yamlsafe.MAX_TOTAL_NODES = big
    storyfiles.MAX_TOTAL_NODES = big
    storyfiles.MAX_TOTAL_BYTES = big
    where.MAX_TOTAL_BYTES = big


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    lift_caps()
    args = sys.argv[1:]
    if args[:1] == ["-m"]:
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")
