"""A stand-in player's game for the server's own tests: a tiny Textual app over the real engine.

Digits choose, `q` quits; when the day ends it writes a result like the TUI does. Usage:
    python stub_game.py STORY SEED RESULTS [--crash-after N] [--hang]
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Static

from game.engine import Game, load_story
from game.workshop.results import write_result


class StubGame(App):
    def __init__(self, story: Path, seed: str, results: Path, crash_after: int | None):
        super().__init__()
        self.game = Game(load_story(story), seed)
        self.results = results
        self.crash_after = crash_after
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Static(id="body", markup=False)

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        g = self.game
        if g.ended:
            text = f"THE END: {g.title}"
        else:
            text = f"{g.clock_text} {g.title}\n" + "\n".join(
                f"{i}. {v.text}" for i, v in enumerate(g.choices, 1) if v.available
            )
        self.query_one("#body", Static).update(text)

    def on_key(self, event) -> None:
        if event.key == "q":
            self.exit()
            return
        if not (event.character or "").isdigit() or self.game.ended:
            return
        self.presses += 1
        if self.crash_after is not None and self.presses >= self.crash_after:
            sys.stdout.flush()
            import os

            os._exit(3)
        ids = self.game.available
        n = int(event.character)
        if 1 <= n <= len(ids):
            self.game.choose(ids[n - 1])
            if self.game.ended:
                write_result(self.game, self.results)
            self.show()


def main() -> None:
    story, seed, results = sys.argv[1:4]
    crash_after = int(sys.argv[sys.argv.index("--crash-after") + 1]) if "--crash-after" in sys.argv else None
    hang = "--hang" in sys.argv
    if hang:
        # a game that ignores every polite request: only SIGKILL ends it
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stdout.write("__GANGLION__\n")
        sys.stdout.flush()
        while True:
            time.sleep(3600)
    StubGame(Path(story), seed, Path(results), crash_after).run()


if __name__ == "__main__":
    main()
