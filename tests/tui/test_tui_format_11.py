"""What a player sees of story format 1.1 in the TUI: outcomes, return visits, code, and the columns."""

from __future__ import annotations

from textual.widgets import Static
from tui_helpers import ready, screen_text

from game.engine.game import ChoiceView
from game.tui.screens.report import ReportScreen
from game.tui.widgets.choice_list import choice_prompt
from game.tui.widgets.day_header import DayHeader

OUTCOME = "The join was on the wrong key: user_id against account_id."


async def test_an_outcome_opens_the_next_scene_and_is_gone_after_the_next_choice(build):
    app = build("reply")
    async with app.run_test(size=(80, 30)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        outcome = app.screen.query_one("#outcome", Static)
        assert not outcome.display  # the day's first scene follows no choice
        assert "`" not in screen_text(app) and "train.py" in screen_text(app)  # code shown without backticks
        await pilot.press("1")
        await pilot.pause()
        assert outcome.display and OUTCOME in str(outcome.render())
        text = screen_text(app)
        assert text.index("The join was on the wrong key") < text.index("Your desk")  # above the scene
        assert "Back at your desk. It is twenty past two; the tabs wait." in text
        await pilot.press("2")  # go home
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert "You leave with one good thing done." in str(app.screen.query_one("#outcome", Static).render())
        title = str(app.screen.query_one("#ending-title", Static).render())
        assert title == "Home time, git push done"  # code in a title too: styled, without its backticks


async def test_the_header_shows_one_clock_once_the_day_is_over(build):
    app = build("reply")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("enter", "1", "1", "1")  # 15:00: the day is over
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        line = app.screen.query_one(DayHeader).render().plain
        assert "15:00" in line and line.count("15:00") == 1, line


def test_a_locked_choice_keeps_clear_of_the_minutes_column():
    locked = ChoiceView("deploy", "Deploy the model on a Friday afternoon", 45, False, "Too tired for that")
    free = ChoiceView("help", "Help Lena", 20, True)
    for width in (30, 50, 80):
        assert choice_prompt(None, locked).body_width(width) <= choice_prompt(1, free).body_width(width)
    no_minutes = ChoiceView("x", "A choice that takes no time", 0, False, "No")
    assert choice_prompt(None, no_minutes).body_width(50) <= choice_prompt(1, free).body_width(50)
