"""Pilot tests: what a player does, through keys and the mouse, on the real app."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, OptionList, Static
from tui_helpers import ready, screen_text

from game.tui.screens.help import HelpScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen
from game.tui.widgets.choice_list import ChoiceList

# the office fixture, always pressing the first choice: arrive -> desk -> stand-up (09:30 appointment)
# -> the ping (interruption from 09:45) -> desk -> the day ends at 10:30
FIRST_CHOICES = ["to_desk", "work", "update", "answer", "work"]


def choices_made(app) -> list[str]:
    return [step.choice for step in app.game.state.history]


async def start_day(pilot) -> None:
    await ready(pilot)
    assert isinstance(pilot.app.screen, TitleScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SceneScreen)


async def click_choice(pilot, text: str) -> None:
    """Click the row of the choice list that shows `text`."""
    choices = pilot.app.screen.query_one(ChoiceList)
    inside = choices.content_region.offset - choices.region.offset  # border and padding
    for y in range(choices.size.height):
        if text in choices.render_line(y).text:
            await pilot.click(choices, offset=(inside.x + 4, inside.y + y))
            await pilot.pause()
            return
    raise AssertionError(f"no choice showing {text!r}")


class TestWholeDay:
    async def test_a_whole_day_with_digit_keys(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            assert app.game.scene_id == "arrive"
            for _ in FIRST_CHOICES:
                await pilot.press("1")
                await pilot.pause()
            assert choices_made(app) == FIRST_CHOICES
            assert isinstance(app.screen, ReportScreen)
            assert app.game.ending.id == "good_day"
            assert "A good day" in screen_text(app)
            assert app.is_running

    async def test_a_whole_day_with_arrows_and_enter(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            # arrive: down skips the locked roof choice and lands on coffee
            for keys in (
                ["down", "enter"],
                ["enter"],
                ["down", "enter"],
                ["down", "enter"],
                ["enter"],
            ):
                await pilot.press(*keys)
                await pilot.pause()
            assert choices_made(app) == ["coffee", "work", "ramble", "later", "work"]
            assert isinstance(app.screen, ReportScreen)

    async def test_a_whole_day_with_mouse_clicks(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            menu = app.screen.query_one("#menu", OptionList)
            await pilot.click(menu, offset=(4, 1))  # the first row inside the menu's border: New day
            await pilot.pause()
            assert isinstance(app.screen, SceneScreen)
            for text in (
                "Get a coffee first",
                "Read email",
                "Work on the model",
                "Give a crisp update",
                "Answer later",
                "Work on the model",
            ):
                await click_choice(pilot, text)
            assert choices_made(app) == ["coffee", "email", "work", "update", "later", "work"]
            assert isinstance(app.screen, ReportScreen)

    async def test_clicking_a_locked_choice_does_nothing(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await click_choice(pilot, "roof garden")
            assert app.game.scene_id == "arrive" and choices_made(app) == []
            assert "locked: Too tired for" in screen_text(app)  # the reason wraps before the minutes

    async def test_digits_number_only_the_choices_that_can_be_taken(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("2")  # 1 is the desk, the roof is locked, 2 is the coffee
            await pilot.pause()
            assert choices_made(app) == ["coffee"]
            await pilot.press("9")  # no ninth choice: nothing happens
            await pilot.pause()
            assert choices_made(app) == ["coffee"]


class TestAnnouncements:
    async def test_appointment_and_interruption_are_announced_as_what_they_are(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1", "1")
            await pilot.pause()
            assert app.game.arrival == "appointment"
            banner = app.screen.query_one("#arrival", Static)
            assert banner.display and "09:30 on your calendar: Stand-up. You're 5 minutes late." in str(banner.render())
            await pilot.press("1")
            await pilot.pause()
            assert app.game.arrival == "interruption"
            assert "Interrupted." in str(banner.render())
            assert "+15 min" in screen_text(app)
            await pilot.press("1")
            await pilot.pause()
            assert app.game.arrival == "back"
            assert "Back to what you were doing" in str(banner.render())


class TestUndo:
    async def test_undo_takes_back_choices_down_to_the_start_of_the_day(self, build, told):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("2", "1")
            await pilot.pause()
            assert app.game.scene_id == "standup" and app.game.clock_text == "09:40"
            await pilot.press("u")
            await pilot.pause()
            assert app.game.scene_id == "desk" and app.game.clock_text == "09:10"
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert app.game.scene_id == "arrive" and app.game.clock_text == "09:00"
            assert app.game.state.stats["energy"] == 5 and not app.game.state.flags["had_coffee"]
            await pilot.press("u")  # nothing left to take back: a notice, no crash
            await pilot.pause()
            assert app.game.scene_id == "arrive"
            assert any("Nothing to undo" in message for _, message in told)

    async def test_undo_on_the_report_goes_back_into_the_day(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press(*"11111")
            await pilot.pause()
            assert isinstance(app.screen, ReportScreen)
            await pilot.press("u")
            await pilot.pause()
            assert isinstance(app.screen, SceneScreen)
            assert app.game.scene_id == "desk" and not app.game.ended


class TestSaves:
    async def test_autosave_after_every_choice_and_continue_resumes_exactly(self, build, save_dir):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("2", "1", "2")  # coffee, work, ramble: into the held interruption
            await pilot.pause()
            before = app.game.snapshot()
            assert app.game.scene_id == "ping" and app.game.state.held == "desk"
        saves = list(save_dir.glob("day-*.json"))
        assert len(saves) == 1
        assert json.loads(saves[0].read_text())["state"] == before["state"]

        again = build(seed=None)
        async with again.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            menu = again.screen.query_one("#menu", OptionList)
            first = str(menu.get_option_at_index(0).prompt)
            assert "Continue" in first and "10:05" in first and "A message" in first
            await pilot.press("enter")  # Enter continues when a save exists
            await pilot.pause()
            assert isinstance(again.screen, SceneScreen)
            assert again.game.snapshot() == before  # clock, stats, held destination, random state, undo
            await pilot.press("1")
            await pilot.pause()
            assert again.game.arrival == "back" and again.game.scene_id == "desk"

    @pytest.mark.parametrize(
        "damage",
        [
            lambda d: d["state"].update(arrival="teleported"),
            lambda d: d["undo"][0].update(mood="odd"),
            lambda d: d["undo"][1].update(scene="nowhere"),
            lambda d: d["state"]["history"].__setitem__(0, ["arrive"]),
            lambda d: d["state"]["minutes"].update({next(iter(d["state"]["minutes"])): 10**400}),
        ],
        ids=[
            "arrival-unknown",
            "extra-key-in-undo-point",
            "unknown-scene-in-undo-point",
            "bad-history",
            "huge-minutes",
        ],
    )
    async def test_a_save_with_a_wrong_value_falls_back_to_the_backup_and_plays_on(self, build, save_dir, damage):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1", "1")  # to the desk (the backup), then work (the save)
            await pilot.pause()
        (save,) = save_dir.glob("day-*.json")
        data = json.loads(save.read_text())
        damage(data)
        save.write_text(json.dumps(data))
        again = build(seed=None)
        async with again.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            notice = str(again.screen.query_one("#title-notice", Static).render())
            assert "could not be resumed" in notice and "the one before it is used" in notice
            await pilot.press("enter")  # Continue
            await pilot.pause()
            assert isinstance(again.screen, SceneScreen) and again.game.scene_id == "desk"
            await pilot.press("u")
            await pilot.pause()
            assert again.game.scene_id == "arrive"
            await pilot.press(*"11111")
            await pilot.pause()
            assert isinstance(again.screen, ReportScreen) and again.is_running
        assert list(save_dir.glob("*.damaged-*"))

    async def test_an_explicit_seed_starts_that_day_even_when_a_save_exists(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1")
            await pilot.pause()
        again = build(seed="workshop")
        async with again.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            menu = again.screen.query_one("#menu", OptionList)
            assert "Continue" in str(menu.get_option_at_index(0).prompt)
            await pilot.press("enter")
            await pilot.pause()
            assert again.game.seed == "workshop" and again.game.scene_id == "arrive"

    async def test_a_damaged_save_is_moved_aside_with_a_one_line_notice(self, build, save_dir):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1")
            await pilot.pause()
        for path in save_dir.glob("day-*.json*"):
            path.write_text("{ this is not json", encoding="utf-8")
        again = build()
        async with again.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            notice = str(again.screen.query_one("#title-notice", Static).render())
            assert "could not be read" in notice and "\n" not in notice.strip().splitlines()[0]
            assert list(save_dir.glob("*.damaged-*"))
            menu = again.screen.query_one("#menu", OptionList)
            assert "Continue" not in str(menu.get_option_at_index(0).prompt)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(again.screen, SceneScreen) and again.game.scene_id == "arrive"

    async def test_a_damaged_save_with_a_good_backup_continues_from_the_backup(self, build, save_dir):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1", "1")
            await pilot.pause()
        (save,) = save_dir.glob("day-*.json")
        save.write_bytes(b"\x00\xff garbage")
        again = build(seed=None)
        async with again.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            assert "could not be read" in str(again.screen.query_one("#title-notice", Static).render())
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(again.screen, SceneScreen)
            assert again.game.scene_id == "desk"  # the backup is one choice behind

    async def test_no_save_writes_nothing(self, build, save_dir):
        app = build(save=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1", "1")
            await pilot.pause()
        assert not save_dir.exists() or not list(save_dir.iterdir())


class TestTitle:
    async def test_the_seed_is_shown_and_can_be_typed(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            seed = app.screen.query_one("#seed", Input)
            assert seed.value == "test-seed"
            await pilot.press("s")
            assert app.focused is seed
            await pilot.press(*"my day")  # select-on-focus: typing replaces the shown seed
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SceneScreen)
            assert app.game.seed == "my day"
            assert "seed my day" in screen_text(app)

    async def test_help_opens_with_question_mark_and_f1_and_lists_the_keys(self, build):
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = str(app.screen.query_one("#help-keys", Static).render())
            assert "undo the last choice" in text and "1 \u2026 9" in text
            await pilot.press("escape", "f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, SceneScreen)

    async def test_escape_goes_to_the_title_and_enter_continues_the_day(self, build):
        app = build(save=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, TitleScreen)
            assert "Continue" in str(app.screen.query_one("#menu", OptionList).get_option_at_index(0).prompt)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SceneScreen) and app.game.scene_id == "desk"


class TestResize:
    async def test_resizing_during_a_scene_never_crashes_and_text_reflows(self, build):
        app = build(reveal=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            for size in [
                (60, 20),
                (40, 12),
                (20, 6),
                (10, 3),
                (1, 1),
                (200, 60),
                (61, 21),
                (80, 24),
            ]:
                await pilot.resize_terminal(*size)
                await pilot.pause()
                assert app.size == size
            text = app.screen.query_one("#scene-text", Static)
            assert text.size.width <= 72  # a readable measure even when the window is wide
            await pilot.press("1")
            await pilot.resize_terminal(60, 20)
            await pilot.pause()
            assert app.game.scene_id == "desk"
            assert "Your desk" in screen_text(app)
            await pilot.press(*"1111")
            await pilot.resize_terminal(70, 22)
            await pilot.pause()
            assert isinstance(app.screen, ReportScreen)
            await pilot.press("question_mark")
            for size in [(30, 10), (1, 1), (80, 24)]:  # the report under the help box
                await pilot.resize_terminal(*size)
                await pilot.pause()
            await pilot.press("escape")
            for size in [(20, 5), (1, 1), (60, 20)]:
                await pilot.resize_terminal(*size)
                await pilot.pause()
            assert isinstance(app.screen, ReportScreen)
            assert app.is_running


class TestDiskTrouble:
    async def test_a_save_folder_that_cannot_be_written_is_told_and_play_goes_on(self, build, tmp_path, told):
        blocked = tmp_path / "not-a-folder"
        blocked.write_text("a file where the save folder should be")
        app = build(save_dir=blocked)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1")
            await pilot.pause()
            assert app.game.scene_id == "desk"
            assert any("Could not save the day" in message for _, message in told)

    async def test_a_report_that_cannot_be_written_is_told(self, build, tmp_path, told):
        blocked = tmp_path / "not-a-folder"
        blocked.write_text("")
        app = build(report_dir=blocked)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press(*"11111", "s")
            await pilot.pause()
            assert isinstance(app.screen, ReportScreen) and app.is_running
            assert any("Could not save the report" in message for _, message in told)


async def test_quit_from_the_title_menu(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "enter")  # New day, Help, Quit
        await pilot.pause()
        assert app.return_code == 0 and not app.is_running


async def test_closing_help_keeps_the_scene_as_it_was(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter", "1", "down")
        await pilot.pause()
        choices = app.screen.query_one(ChoiceList)
        assert choices.highlighted == 1 and "+5 min" in screen_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert choices.highlighted == 1 and "+5 min" in screen_text(app)
