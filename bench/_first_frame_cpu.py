"""Run `dayjob` or the minimal app until its first frame and report the CPU time it took.

    python bench/_first_frame_cpu.py dayjob|minimal|ready FD

Used by bench_startup.py beside the wall-clock measure: `App._display` is wrapped so that the
first rendered frame writes the process's CPU time (user + system, `time.process_time`, from
process start) to file descriptor FD, and the process exits. CPU time is far less disturbed than
wall time by other work on a shared machine. Both programs start exactly as in the wall-clock
measure (`python -m game --no-save`; `bench/minimal_app.py`), under the same pseudo-terminal.
`ready` is `dayjob` up to the first frame that shows the loaded story on the title screen, its menu
laid out (title ready).
"""

from __future__ import annotations

import os
import runpy
import sys
import time
from pathlib import Path

from textual.app import App

which, fd = sys.argv[1], int(sys.argv[2])
_display = App._display


def _title_ready(app: App) -> bool:
    """The title screen shows the loaded story: its menu is laid out (show_session fills it, title and all)."""
    if getattr(app, "session", None) is None:
        return False
    menu = app.screen.query("#menu")
    return bool(menu) and menu.first().region.height > 0


def _first_frame(self, screen, renderable):
    _display(self, screen, renderable)
    if which != "ready" or _title_ready(self):
        os.write(fd, f"{time.process_time():.6f}\n".encode())
        os._exit(0)


App._display = _first_frame  # type: ignore[method-assign]
if which in ("dayjob", "ready"):
    sys.argv = ["python -m game", "--no-save"]
    runpy.run_module("game", run_name="__main__", alter_sys=True)
else:
    runpy.run_path(str(Path(__file__).with_name("minimal_app.py")), run_name="__main__")
