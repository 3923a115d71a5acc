"""`dayjob` with no sub-command (or `dayjob play`): run the Textual game."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from game.startup import DayOptions


@dataclass(frozen=True)
class PlayOptions(DayOptions):
    """`dayjob` and `dayjob play` (without --plain): the command line, as given (run_tui reads its --set)."""

    projector: bool = False
    watch: bool = False


def run_tui(given: PlayOptions) -> int:
    """Start the app with the command line's options; returns the exit code."""
    from game.startup import collector_off_for_start, parse_presets
    from game.tui.options import TuiOptions

    collector_off_for_start()  # back on once the title screen shows the story (DayJobApp._settle)

    try:
        options = TuiOptions(
            story=given.story,
            seed=given.seed,
            short=given.short,
            from_scene=given.from_scene,
            presets=parse_presets(list(given.presets)),
            reveal=given.reveal,
            results=given.results,
            nickname=given.nickname,
            projector=given.projector,
            save=not given.no_save,
            watch=given.watch,
        )
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
