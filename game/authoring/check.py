"""`dayjob check`: every error and warning in a story, each at its place."""

from __future__ import annotations

import atexit
import gc
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from game.engine import Problem, Story, StoryError, load_story
from game.engine.errors import MAX_PROBLEMS_PER_FILE, count_errors, in_order, listed_per_file
from game.startup import collector_paused


def check_story(root: Path | None) -> tuple[list[Problem], list[Problem]]:
    """Errors and warnings for the story in `root`."""
    errors, warnings, _ = _checked(root)
    return errors, warnings


def _checked(root: Path | None) -> tuple[list[Problem], list[Problem], Story | None]:
    """Errors and warnings for the story in `root`, and the story when it loaded."""
    try:
        story = load_story(root, evaluators=False)  # it evaluates no condition: none gets its evaluator built
    except StoryError as exc:
        return exc.problems, [], None
    from game.authoring.lint import lint

    return [], in_order(set(story.warnings) | set(lint(story))), story


@dataclass(frozen=True)
class CheckOptions:
    """`dayjob check`'s command line."""

    story: Path | None = None  # the story folder (None: the shipped day)
    format: str = "text"  # "text" or "json"
    # the whole process is this one command (`dayjob check` typed in a shell, not a test or a tool calling
    # run_check): it ends as soon as the output is flushed, without freeing what it built
    process: bool = False


def run_check(opts: CheckOptions) -> int:
    """Print the problems; exit 0 when the story can be played (warnings allowed), 1 when not, 2 for misuse."""
    root = opts.story
    if root is not None and not Path(root).is_dir():
        print(f"dayjob check: {root} is not a folder (a story folder holds story.yaml and scenes/)", file=sys.stderr)
        return 2
    with collector_paused():  # one process, one story: no garbage worth collecting until the end
        errors, warnings, story = _checked(root)
        shown, unlisted = listed_per_file(
            warnings,
            lambda n: f"... and {n:,} more warnings in this file after the first {MAX_PROBLEMS_PER_FILE}, not listed",
        )
        # the story lives to the process's end: out of the collector's sight, or the interpreter's last
        # collection at exit walks the whole heap (0.4 s of a 5,000-scene check, bench/bench_check.py)
        gc.freeze()
    if opts.format == "json":
        print(
            json.dumps(
                {
                    "ok": not errors,
                    "errors": [p.to_dict() for p in errors if p.severity == "error"],
                    "warnings": [p.to_dict() for p in shown if p.severity == "warning"],
                    # per file: errors past the first 100 of that file, counted but not listed
                    "unlisted": {p.path: p.more for p in errors if p.severity == "note"},
                    "unlisted_warnings": unlisted,  # the same for warnings
                },
                indent=2,
            )
        )
    else:
        for p in errors + shown:
            print(p)
        if errors:
            print(f"{count_errors(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
        else:
            print(f"ok: no errors, {len(warnings)} warning(s)", file=sys.stderr)
    code = 1 if errors else 0
    if opts.process:
        _end_process(code)
    del story  # (kept until here: freeing it is what _end_process skips)
    return code


def _end_process(code: int) -> None:
    """End the process now, its output flushed, as mypy does (`util.hard_exit`): the interpreter's own
    exit would first free the story, one object at a time, and tear down every module imported (0.08 s of
    a 5,000-scene check, 3% of it; bench/bench_check.py), for memory the system takes back at once. What
    was registered to run at exit still runs (bench/_peak.py reports the peak memory so)."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed or broken pipe: the output is gone anyway
            pass
    os._exit(code)
