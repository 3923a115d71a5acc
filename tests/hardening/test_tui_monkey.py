"""A monkey at the keyboard: thousands of random keys, clicks and resizes never crash the game."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from game.tui.app import make_app
from game.tui.options import TuiOptions

ROOT = Path(__file__).parent.parent.parent
# every key the game binds, and some it does not; never the keys that quit on purpose
KEYS = list("0123456789") + [
    "up",
    "down",
    "left",
    "right",
    "enter",
    "escape",
    "tab",
    "shift+tab",
    "space",
    "u",
    "ctrl+z",
    "question_mark",
    "f1",
    "t",
    "s",
    "n",
    "c",
    "r",
    "ctrl+r",
    "home",
    "end",
    "pageup",
    "pagedown",
    "backspace",
    "delete",
    "a",
    "x",
    "ctrl+p",
    "[",
    "]",
    "@",
    "ctrl+l",
]
EVENTS = 800


async def monkey(app, rng: random.Random, events: int) -> int:
    """Random input until `events` are spent or a click quits the game; returns how many were spent."""
    width, height = 80, 24
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.pause()
        for n in range(events):
            roll = rng.random()
            if roll < 0.75:
                await pilot.press(rng.choice(KEYS))
            elif roll < 0.93:
                try:
                    await pilot.click(offset=(rng.randrange(width), rng.randrange(height)))
                except Exception as exc:  # a click outside the screen is the pilot's refusal, not the app's crash
                    assert type(exc).__name__ == "OutOfBounds", exc
            else:
                width, height = rng.randint(20, 250), rng.randint(8, 80)
                await pilot.resize_terminal(width, height)
            if n % 50 == 0:
                await pilot.pause()
            if not app.is_running:
                return n + 1  # a random click on a Quit button: a legitimate end, checked by the caller
        await pilot.pause()
        assert app.is_running and app.return_code is None
        # and it still answers: help opens on request
        await pilot.resize_terminal(80, 24)
        for _ in range(6):
            if len(app.screen_stack) <= 2 and "Help" not in type(app.screen).__name__:
                break
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert "Help" in type(app.screen).__name__
        return events


@pytest.mark.parametrize("monkey_seed", [1, 2, 3])
async def test_random_keys_clicks_and_resizes_never_crash(tmp_path, monkey_seed):
    rng = random.Random(monkey_seed)
    left = EVENTS
    runs = 0
    while left > 0:
        runs += 1
        app = make_app(
            TuiOptions(
                story=ROOT / "story",
                seed=f"monkey-{monkey_seed}",
                save_dir=tmp_path / "saves",
                report_dir=tmp_path / "reports",
            )
        )
        left -= await monkey(app, rng, left)
        assert app._exception is None, app._exception  # a crash, not a quit
        assert app.return_code in (None, 0)
    assert runs < 20
