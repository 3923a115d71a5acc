"""Snapshot tests: what a player sees, at 80x24, one class per screen (update with --snapshot-update)."""

from __future__ import annotations

from tui_helpers import ready


def after(*keys: str):
    """A run_before that waits for the story, then presses keys and lets the screen settle."""

    async def run(pilot) -> None:
        await ready(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run


class TestTitleScreen:
    def test_title(self, snap_compare, build):
        assert snap_compare(build(), run_before=after())


class TestSceneScreen:
    def test_scene_with_a_locked_choice(self, snap_compare, build):
        assert snap_compare(build(), run_before=after("enter"))

    def test_appointment(self, snap_compare, build):
        assert snap_compare(build(), run_before=after("enter", "1", "1"))

    def test_interruption(self, snap_compare, build):
        assert snap_compare(build(), run_before=after("enter", "1", "1", "1"))

    def test_scene_opening_with_an_outcome(self, snap_compare, build):
        """Format 1.1: the reply to the choice, apart at the top; the return visit's short text; code styled."""
        assert snap_compare(build("reply"), run_before=after("enter", "1"))

    def test_small_window(self, snap_compare, build):
        assert snap_compare(build(), run_before=after("enter", "1", "1"), terminal_size=(60, 20))


class TestReportScreen:
    def test_report(self, snap_compare, build):
        assert snap_compare(build(), run_before=after("enter", *"11111"))

    def test_report_scrolled_to_the_minutes(self, snap_compare, build):
        assert snap_compare(build(), run_before=after("enter", *"11111", "pagedown"))

    def test_report_minutes_with_the_shipped_days_long_labels(self, snap_compare, build, editable_story):
        """At 80 columns a category label as long as the shipped day's (33 characters) shows whole."""
        story = editable_story()
        manifest = story / "story.yaml"
        text = manifest.read_text(encoding="utf-8")
        for short, long in (
            ("focus: Focused work", "focus: Focused work (at a screen)"),
            ("messages: Messages", "messages: Support and helping (at a screen)"),
        ):
            text = text.replace(short, long)
        manifest.write_text(text, encoding="utf-8")
        assert snap_compare(build(story), run_before=after("enter", *"11111", "pagedown"))


class TestHelpScreen:
    def test_help(self, snap_compare, build):
        assert snap_compare(build(), run_before=after("enter", "question_mark"))


class TestProjectorTheme:
    def test_projector_scene(self, snap_compare, build):
        assert snap_compare(build(projector=True), run_before=after("enter", "1"))

    def test_light_theme_title(self, snap_compare, build):
        async def light(pilot) -> None:
            pilot.app.theme = "dayjob-light"
            await after()(pilot)

        assert snap_compare(build(), run_before=light)


class TestGlossaryScreen:
    def test_glossary_of_the_terms_met(self, snap_compare, build):
        assert snap_compare(build("jargon"), run_before=after("enter", "1", "1", "g"))
