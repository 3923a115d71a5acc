"""`dayjob` with no sub-command (or `dayjob play`): run the Textual game."""

from __future__ import annotations

import sys


def run_tui(args) -> int:
    """Start the app with the command line's options; returns the exit code."""
    from game.tui.options import TuiOptions

    try:
        options = TuiOptions.from_args(args)
    except ValueError as exc:
        from game.engine.safetext import terminal_safe  # here: the first frame must not wait for the engine

        print(terminal_safe(f"dayjob: {exc}"), file=sys.stderr)
        return 2
    from game.tui.app import make_app

    app = make_app(options)
    result = app.run()
    if app.return_code not in (None, 0):
        return app.return_code
    return result if isinstance(result, int) else 0
