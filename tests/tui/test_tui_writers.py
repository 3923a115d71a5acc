"""Writers' and facilitators' options in the game: reload, play from here, reveal, short day, results."""

from __future__ import annotations

import json

from textual.widgets import Static
from tui_helpers import ready, screen_text

from game.tui.screens.problems import ProblemsScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen


async def start_day(pilot) -> None:
    await ready(pilot)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SceneScreen)


async def reload(pilot) -> None:
    await pilot.press("ctrl+r")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class TestReload:
    async def test_a_reload_that_lands_before_the_next_scene_has_composed_leaves_it_to_draw_itself(self, build):
        """The monkey's crash under load (seed 2): a reload's redraw reached a scene screen switched in
        (an undo from the report) whose widgets were not composed yet, and ended the game (NoMatches)."""
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            fresh = SceneScreen()
            app.switch_screen(fresh)
            app.show_game(rebuilt=True)  # what the reload's StoryLoaded does, before `fresh` has composed
            await pilot.pause()
            await pilot.pause()
            assert app.is_running and app.screen is fresh
            assert app.game.title in screen_text(app)  # its first draw showed the day as it is

    async def test_reload_with_a_broken_story_shows_its_errors_and_keeps_the_day(self, build, editable_story):
        story = editable_story("office")
        app = build(story)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1")
            await pilot.pause()
            day = app.game.snapshot()
            scenes = story / "scenes" / "day.yaml"
            good = scenes.read_text()
            scenes.write_text(good.replace("goto: desk", "goto: dsek", 1))
            await reload(pilot)
            assert isinstance(app.screen, ProblemsScreen)
            problems = str(app.screen.query_one("#problems-list", Static).render())
            assert "day.yaml:" in problems and "dsek" in problems
            line = next(x for x in problems.splitlines() if "dsek" in x)
            path, row, col, message = line.split(":", 3)
            assert path.endswith("day.yaml") and row.isdigit() and col.isdigit() and message.strip()
            assert app.is_running

            await pilot.press("escape")  # back to the day as it was
            await pilot.pause()
            assert isinstance(app.screen, SceneScreen) and app.game.snapshot() == day

            scenes.write_text(good.replace("The screen, the keyboard", "The new screen, the keyboard"))
            await reload(pilot)
            assert isinstance(app.screen, SceneScreen)
            assert "The new screen, the keyboard" in screen_text(app)
            assert app.game.scene_id == "desk" and app.game.clock_text == "09:05"
            assert app.game.state.stats == day["state"]["stats"]

    async def test_reload_fixes_a_story_that_was_broken_at_start(self, build, editable_story):
        story = editable_story("office")
        manifest = story / "story.yaml"
        good = manifest.read_text()
        manifest.write_text(good.replace("start: arrive", "start: arive"))
        app = build(story)
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            assert isinstance(app.screen, ProblemsScreen)
            assert "arive" in str(app.screen.query_one("#problems-list", Static).render())
            # its styles come with the screen (the app itself carries only the title's)
            assert app.screen.query_one("#problems-box").styles.border.top[0] == "round"
            await pilot.press("escape")  # nothing to go back to: the list stays
            assert isinstance(app.screen, ProblemsScreen)
            manifest.write_text(good)
            await reload(pilot)
            await ready(pilot)
            assert isinstance(app.screen, TitleScreen)
            assert "O F F I C E" in str(app.screen.query_one("#title", Static).render())

    async def test_reload_when_the_current_scene_is_gone_resumes_at_the_hub_with_a_notice(
        self, build, editable_story, told
    ):
        story = editable_story("office")
        app = build(story)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1", "1")
            await pilot.pause()
            assert app.game.scene_id == "standup"
            scenes = story / "scenes" / "day.yaml"
            text = scenes.read_text()
            start, end = text.index("  standup:"), text.index("  ping:")
            scenes.write_text(text[:start] + text[end:])
            await reload(pilot)
            assert isinstance(app.screen, SceneScreen)
            assert app.game.scene_id == "desk"
            assert any("standup" in message for _, message in told)

    async def test_reload_from_the_title_updates_the_day_offered_to_continue(self, build, editable_story):
        story = editable_story("office")
        app = build(story, save=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press("1", "escape")
            await pilot.pause()
            scenes = story / "scenes" / "day.yaml"
            scenes.write_text(scenes.read_text().replace("title: Your desk", "title: Your new desk"))
            await reload(pilot)
            menu = app.screen.query_one("#menu")
            assert "Your new desk" in str(menu.get_option_at_index(0).prompt)
            await pilot.press("enter")
            await pilot.pause()
            assert app.game.story is app.session.story and "Your new desk" in screen_text(app)

    async def test_watch_reloads_when_a_story_file_changes(self, build, editable_story):
        story = editable_story("office")
        app = build(story, watch=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            scenes = story / "scenes" / "day.yaml"
            scenes.write_text(
                scenes.read_text().replace("You arrive at the office.", "You arrive, late, at the office.")
            )
            app.check_files()  # what the once-a-second timer does
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "You arrive, late, at the office." in screen_text(app)


class TestPlayFromHere:
    async def test_from_and_set_start_the_day_there_without_touching_the_save(self, build, save_dir):
        app = build(from_scene="standup", presets={"energy": "9"}, reveal=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.pause()
            assert isinstance(app.screen, SceneScreen)
            assert app.game.scene_id == "standup" and app.game.state.stats["energy"] == 9
            panel = str(app.screen.query_one("#reveal", Static).render())
            assert "Energy" in panel and "9/10" in panel and "standup" in panel
            await pilot.press("2")  # ramble: morale -1, shown live
            await pilot.pause()
            assert "4/10" in str(app.screen.query_one("#reveal", Static).render())
        assert not save_dir.exists() or not list(save_dir.glob("*.json"))

    async def test_a_bad_preset_is_told_not_crashed(self, build, told):
        app = build(from_scene="nowhere")
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.pause()
            assert isinstance(app.screen, TitleScreen)
            assert any("nowhere" in message for _, message in told)

    async def test_short_day_starts_where_the_story_says(self, build):
        app = build(short=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            assert app.game.short and app.game.scene_id == "desk" and app.game.clock_text == "09:40"
            assert "short day" in screen_text(app)


class TestResults:
    async def test_results_are_written_when_the_day_ends(self, build, tmp_path):
        results = tmp_path / "results"
        app = build(results=results, nickname="[b]Sam[/b]")
        async with app.run_test(size=(80, 24)) as pilot:
            await start_day(pilot)
            await pilot.press(*"11111")
            await pilot.pause()
            assert isinstance(app.screen, ReportScreen)
        files = list(results.glob("*.json"))
        assert len(files) == 1
        data = json.loads(files[0].read_text())
        assert data["ending"]["id"] == "good_day" and data["seed"] == "test-seed"
