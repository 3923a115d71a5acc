"""One save file for both players: a day started in the plain player continues in the TUI, and back."""

from __future__ import annotations

import contextlib
import io

from textual.widgets import OptionList
from tui_helpers import FIXTURES, ready

from game.cli import build_parser, plain_options
from game.plain import run_plain
from game.tui.screens.scene import SceneScreen

OFFICE = FIXTURES / "office"


def plain(*args: str, stdin: str = "") -> str:
    """`dayjob play --plain --story OFFICE ARGS` in this process; returns what it printed."""
    ns = plain_options(build_parser().parse_args(["play", "--plain", "--story", str(OFFICE), *args]))
    out = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):
        assert run_plain(ns, stdin=io.StringIO(stdin), out=out) == 0
    return out.getvalue()


async def test_a_day_started_in_the_plain_player_continues_in_the_tui(build, save_dir):
    plain("--seed", "shared", stdin="2\n1\n")  # coffee, work; then the input ends (Ctrl-D)
    app = build(seed=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        menu = app.screen.query_one("#menu", OptionList)
        assert "Continue" in str(menu.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        assert app.game.seed == "shared"
        assert [step.choice for step in app.game.state.history] == ["coffee", "work"]
        await pilot.press("1")  # the TUI plays on and saves to the same file
        await pilot.pause()
        clock, title = app.game.clock_text, app.game.title
        taken = [step.choice for step in app.game.state.history]
    out = plain(stdin="c\nt\n")
    assert f"You have a day in progress: {clock}, {title}." in out
    assert f"It is {clock}." in out
    assert len(list(save_dir.glob("day-*.json"))) == 1
    assert taken[:2] == ["coffee", "work"] and len(taken) == 3


async def test_undo_in_the_tui_undoes_a_choice_made_in_the_plain_player(build, save_dir):
    plain("--seed", "shared", stdin="2\n")
    app = build(seed=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert app.game.state.history == [] and app.game.scene_id == "arrive"
