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
# what Textual's driver sends for each key above (its name, and the character it types, if any)
KEY_EVENTS = {key: (key, key if len(key) == 1 else None) for key in KEYS} | {
    "escape": ("escape", "\x1b"),
    "tab": ("tab", "\t"),
    "space": ("space", " "),
    "question_mark": ("question_mark", "?"),
    "backspace": ("backspace", "\x08"),
    "delete": ("delete", "\x7f"),
    "[": ("left_square_bracket", "["),
    "]": ("right_square_bracket", "]"),
    "@": ("at", "@"),
}
BURST = 8  # keys sent before the app is let to settle: the same keys, in the same order, without ~50 ms of idle each


async def monkey(app, rng: random.Random, events: int) -> int:
    """Random input until `events` are spent or a click quits the game; returns how many were spent.

    Keys go to the app as the terminal driver sends them, in bursts of up to BURST between moments
    the app settles (Pilot.press waits for the app to go idle twice per key, which was most of the
    time these tests took); a click or a resize first lets the app settle, so it lands on what is drawn.
    """
    from textual.events import Key
    from textual.pilot import OutOfBounds

    width, height = 80, 24
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.pause()
        unsettled = 0
        for n in range(events):
            roll = rng.random()
            if roll < 0.75:
                key = Key(*KEY_EVENTS[rng.choice(KEYS)])
                key.set_sender(app)
                app.post_message(key)
                unsettled += 1
                if unsettled >= BURST:
                    await pilot.pause()
                    unsettled = 0
                    if not app.is_running:
                        return n + 1
                continue
            await pilot.pause()
            unsettled = 0
            if roll < 0.93:
                try:
                    await pilot.click(offset=(rng.randrange(width), rng.randrange(height)))
                except OutOfBounds:  # a click outside the screen is the pilot's refusal, not the app's crash
                    pass
            else:
                width, height = rng.randint(20, 250), rng.randint(8, 80)
                await pilot.resize_terminal(width, height)
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
