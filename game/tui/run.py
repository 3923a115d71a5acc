"""`dayjob` with no sub-command (or `dayjob play`): run the Textual game."""

from __future__ import annotations

import sys
from pathlib import Path

from game.startup import DayOptions


class PlayOptions(DayOptions):
    """`dayjob` and `dayjob play` (without --plain): the command line, as given (run_tui reads its --set)."""

    __slots__ = ("projector", "watch")
    __match_args__ = (*DayOptions.__match_args__, "projector", "watch")
    projector: bool
    watch: bool

    def __init__(
        self,
        story: Path | None = None,
        seed: str | None = None,
        short: bool = False,
        from_scene: str | None = None,
        presets: tuple[str, ...] = (),
        reveal: bool = False,
        results: Path | None = None,
        nickname: str | None = None,
        no_save: bool = False,
        projector: bool = False,
        watch: bool = False,
    ) -> None:
        super().__init__(story, seed, short, from_scene, presets, reveal, results, nickname, no_save)
        object.__setattr__(self, "projector", projector)
        object.__setattr__(self, "watch", watch)


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
