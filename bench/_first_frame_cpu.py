"""Run `dayjob` or the minimal app until its first frame and report the CPU time it took.

    python bench/_first_frame_cpu.py dayjob|minimal|ready FD

Used by bench_startup.py beside the wall-clock measure: `App._display` is wrapped (as the program
imports textual.app, so the collector is as the program has it) so that the first rendered frame writes the process's CPU time (user + system, `time.process_time`, from
process start) to file descriptor FD, and the process exits. CPU time is far less disturbed than
wall time by other work on a shared machine. Both programs start exactly as in the wall-clock
measure (`python -m game --no-save`; `bench/minimal_app.py`), under the same pseudo-terminal.
`ready` is `dayjob` up to the first frame that shows the loaded story on the title screen, its menu
laid out (title ready).
"""

from __future__ import annotations

import importlib.util
import os
import runpy
import sys
import time
from importlib.abc import MetaPathFinder
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

which, fd = sys.argv[1], int(sys.argv[2])


def _title_ready(app: App) -> bool:
    """The title screen shows the loaded story: its menu is laid out (show_session fills it, title and all)."""
    if getattr(app, "session", None) is None:
        return False
    menu = app.screen.query("#menu")
    return bool(menu) and menu.first().region.height > 0


def _watch(app_class: type[App]) -> None:
    """Wrap `App._display`: the first frame (or the title ready) writes the CPU time so far, and the process ends."""
    display = app_class._display

    def first_frame(self, screen, renderable):
        display(self, screen, renderable)
        if which != "ready" or _title_ready(self):
            os.write(fd, f"{time.process_time():.6f}\n".encode())
            os._exit(0)

    app_class._display = first_frame  # type: ignore[method-assign]


class _WhenTextualLoads(MetaPathFinder):
    """Wraps `App._display` as the program itself imports textual.app, not before: importing it here first
    would import it with the collector on, where `dayjob` turns the collector off before it imports Textual."""

    def find_spec(self, name, path, target=None):
        if name != "textual.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module

        def exec_and_watch(module):
            exec_module(module)
            _watch(module.App)

        spec.loader.exec_module = exec_and_watch
        return spec


sys.meta_path.insert(0, _WhenTextualLoads())
if which in ("dayjob", "ready"):
    sys.argv = ["python -m game", "--no-save"]
    runpy.run_module("game", run_name="__main__", alter_sys=True)
else:
    runpy.run_path(str(Path(__file__).with_name("minimal_app.py")), run_name="__main__")
