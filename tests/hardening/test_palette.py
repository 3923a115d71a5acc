"""#14 item 11: the command palette's page move, and screens taken down by keys, never end the game."""

from __future__ import annotations

import inspect
import random
import re
from pathlib import Path

from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList

from game.tui import palette_guard
from game.tui.app import make_app
from game.tui.options import TuiOptions
from game.tui.screens.scene import SceneScreen

ROOT = Path(__file__).parent.parent.parent
OFFICE = ROOT / "tests" / "tui" / "fixtures" / "office"
# the private members wrapped, with the parameters the wrappers pass on
WRAPPED = {
    (OptionList, "_move_page"): ["self", "direction"],
    (Screen, "dismiss"): ["self", "result"],
    (Screen, "_dispatch_message"): ["self", "message"],
    (App, "action_command_palette"): ["self"],
    (App, "_on_key"): ["self", "event"],
    (CommandPalette, "check_action"): ["self", "action", "parameters"],
    (CommandPalette, "_gather_commands"): ["self", "search_value"],
    (Widget, "_size_updated"): ["self", "size", "virtual_size", "container_size", "layout"],
}


def test_textual_is_a_version_the_guard_was_tested_with():
    low, high = palette_guard.TESTED
    assert low <= palette_guard.textual_version()[:2] < high
    pin = re.search(r'"textual>=([\d.]+),<([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pin is not None
    assert (tuple(int(x) for x in pin[1].split(".")), (int(pin[2]), 0)) == (low, high), "pin and guard disagree"


def test_every_wrapped_textual_member_is_still_the_one_the_guard_expects():
    assert palette_guard.guard_textual()
    for (owner, name), parameters in WRAPPED.items():
        wrapper = getattr(owner, name)
        assert getattr(wrapper, "_dayjob_guarded", False), f"{owner.__name__}.{name} is not guarded"
        original = wrapper.__wrapped__
        original = getattr(original, "__wrapped__", original)  # the worker's body under @work
        assert list(inspect.signature(original).parameters) == parameters, (
            f"Textual changed {owner.__name__}.{name}: check game/tui/palette_guard.py against it"
        )


class ListBeforeLayout(App):
    """An option list that has options and a highlight but no lines yet, as the palette's right after Ctrl+P."""

    CSS = "OptionList { display: none; }"

    def compose(self) -> ComposeResult:
        yield OptionList()


async def page_up_before_layout(monkeypatch, guarded: bool) -> BaseException | None:
    if not guarded:
        monkeypatch.setattr(OptionList, "_move_page", OptionList._move_page.__wrapped__)
    app = ListBeforeLayout()
    try:
        async with app.run_test() as pilot:
            options = app.query_one(OptionList)
            options.add_options(["New day", "Undo", "Quit"])
            options.highlighted = 0
            options.action_page_up()
            await pilot.pause()
    except KeyError as exc:
        return exc
    return None


async def test_page_up_before_the_list_is_laid_out_raised_in_textual(monkeypatch):
    assert isinstance(await page_up_before_layout(monkeypatch, guarded=False), KeyError)


async def test_page_up_before_the_list_is_laid_out_is_skipped(monkeypatch):
    assert palette_guard.guard_textual()
    assert await page_up_before_layout(monkeypatch, guarded=True) is None


async def test_a_palette_that_has_closed_does_not_pop_the_screen_under_it():
    app = make_app(TuiOptions(story=OFFICE, seed="s", save=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press("escape")
        await pilot.pause()
        below = app.screen
        palette.dismiss()  # a second Enter or Escape already queued to it
        await pilot.pause()
        assert app.screen is below and app.is_running


async def test_keys_reach_no_scene_that_has_not_mounted_or_was_replaced():
    app = make_app(TuiOptions(story=OFFICE, seed="s", save=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("enter")  # the title's first entry: a new day
        await pilot.pause()
        scene = app.screen
        assert isinstance(scene, SceneScreen) and scene.check_action("choose", (1,))
        fresh = SceneScreen()
        app.switch_screen(fresh)
        assert fresh.check_action("choose", (1,)) is False  # in the stack, not mounted yet
        assert scene.check_action("choose", (1,)) is False  # replaced
        scene.show_day()  # the audit's NoMatches '#arrival': a replaced scene asked to draw
        await pilot.pause()
        assert app.screen is fresh and app.is_running


async def test_a_reload_that_lands_before_the_next_scene_mounts_leaves_it_to_draw_itself():
    """The monkey's crash under load: a reload finished (show_game -> show_day on the current screen) while
    the scene just switched in had not composed its widgets yet."""
    app = make_app(TuiOptions(story=OFFICE, seed="s", save=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("enter")  # the title's first entry: a new day
        await pilot.pause()
        fresh = SceneScreen()
        app.switch_screen(fresh)
        fresh.show_day()  # as the app's redraw after a reload does, before `fresh` has mounted
        await pilot.pause()
        assert app.screen is fresh and app.is_running
        assert fresh._drawn  # once mounted, it drew the day itself


KEYS = ["ctrl+p", "pageup", "pagedown", "enter", "escape", "1", "2", "u", "down", "up", "question_mark", "n"]


async def test_a_key_storm_with_the_palette_leaves_the_game_running():
    pressed = 0
    for seed in range(2):
        rng = random.Random(seed)
        app = make_app(TuiOptions(story=OFFICE, seed="s", save=False))
        async with app.run_test(size=(80, 24)) as pilot:  # an error in the app is raised here
            await pilot.pause()
            await app.workers.wait_for_complete()
            for _ in range(80):
                await pilot.press(*rng.choices(KEYS, k=3))
                pressed += 3
                if not app.is_running:  # the palette's Quit, picked by the storm: a clean end
                    break
            await pilot.pause()
        assert app.return_code in (None, 0)
    assert pressed > 200


async def test_keys_in_bursts_with_no_pause_leave_the_game_running():
    """Hundreds of keys queued at once (as a long paste arrives), Ctrl+P among them."""
    import asyncio

    from textual import events

    for seed in range(3):
        rng = random.Random(seed)
        app = make_app(TuiOptions(story=OFFICE, seed="s", save=False))
        async with app.run_test(size=(80, 24)) as pilot:  # an error in the app is raised here
            await pilot.pause()
            await app.workers.wait_for_complete()
            for _ in range(60):
                for key in rng.choices(KEYS, k=10):
                    app.post_message(events.Key(key, None))
                await asyncio.sleep(0.002)  # the next burst lands while this one is being handled
                if not app.is_running:  # the palette's Quit, picked by the storm: a clean end
                    break
            await pilot.pause()
        assert app.return_code in (None, 0)
