"""Story text is literal everywhere: markup, actions and links in a story show as written and run nothing."""

from __future__ import annotations

from textual.widgets import OptionList, Static
from tui_helpers import ready, screen_text, widget_text

from game.tui.screens.report import ReportScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen
from game.tui.storytext import literal, paragraphs, prose
from game.tui.widgets.choice_list import ChoiceList

QUIT_ACTION = "[@click=app.quit]x[/]"
LINK = "[link=https://x]y[/link]"


async def test_story_markup_is_shown_as_written_and_runs_nothing(build):
    app = build("markup")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, TitleScreen)
        assert "[ B ] B O L D [ / B ]" in str(app.screen.query_one("#title", Static).render())
        assert QUIT_ACTION.replace("x", "quit") in str(app.screen.query_one("#subtitle", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)

        text = str(app.screen.query_one("#scene-text", Static).render())
        assert QUIT_ACTION in text
        assert "Close [/] nothing" in text
        assert f"A link: {LINK}. Name: {LINK}." in text
        assert "[bold red]not bold[/bold red]" in text
        assert "😀☕" in text and "漢字かなカナ" in text and "x" * 3000 in text
        title = str(app.screen.query_one("#scene-title", Static).render())
        assert title == f"[/] Lobby {QUIT_ACTION}"
        prompts = [str(o.prompt) for o in app.screen.query_one(ChoiceList).options]
        assert any(f"{QUIT_ACTION} choose me" in p for p in prompts)
        assert any(f"{LINK} and [/]" in p for p in prompts)
        assert any("locked: Reason " + QUIT_ACTION in p for p in prompts)

        # click where the action's "x" is drawn, on the text and on the title: nothing runs
        await pilot.click("#scene-text", offset=(18, 0))
        await pilot.click("#scene-title", offset=(len("[/] Lobby [@click=app.quit]"), 0))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, SceneScreen)
        assert QUIT_ACTION in screen_text(app)

        # the choice whose text is an action is just a choice
        await pilot.press("1")
        await pilot.pause()
        assert app.is_running and [step.choice for step in app.game.state.history] == ["click_me"]
        await pilot.press(*"11111")  # the day is 30 minutes of 5-minute choices
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = screen_text(app)
        assert f"[/] The end {QUIT_ACTION}" in report
        whole = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "[red]Energy[/]" in widget_text(app.screen.query_one("#stat-bars"))
        assert f"Debrief {QUIT_ACTION}?" in whole
        assert f"Ending text [/] with {LINK} and {QUIT_ACTION}." in whole
        await pilot.click("#ending-title", offset=(len("[/] The end [@click=app.quit]"), 0))
        await pilot.pause()
        assert app.is_running

        # notifications carrying story text are literal too
        app.notify(f"{QUIT_ACTION} [/]", title=QUIT_ACTION, markup=False)
        await pilot.pause()
        assert app.is_running


async def test_menu_and_notices_with_markup_in_a_saved_scene_title(build):
    app = build("markup")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter", "1", "escape")
        await pilot.pause()
        menu = app.screen.query_one("#menu", OptionList)
        assert f"[/] Lobby {QUIT_ACTION}" in str(menu.get_option_at_index(0).prompt)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert app.is_running


def test_control_characters_never_reach_the_terminal():
    shown = literal("a\x1b[2Jb\x07c\x9bd\te")
    assert shown.plain == "a[2Jbcd    e"


def test_hard_wrapped_paragraphs_reflow_but_short_lines_and_lists_stay():
    wrapped = "The video autoplays while the lift climbs to the fourth floor. A man in a\nfleece gilet wakes at 05:00."
    chat = "lead: hi\nyou: hello"
    items = "Things to do, listed by the writer at length, on purpose:\n- one\n- two"
    assert paragraphs(f"{wrapped}\n\n{chat}\n\n{items}") == [
        "The video autoplays while the lift climbs to the fourth floor. A man in a fleece gilet wakes at 05:00.",
        chat,
        items,
    ]


async def test_bidi_controls_in_story_text_show_as_visible_escapes(build, editable_story):
    """A right-to-left override would make the scene read otherwise than written ("Trojan Source"):
    the TUI shows it as `\\u202e`, as the plain player and the CLI do (game/engine/safetext.py)."""
    story = editable_story("office")
    scenes = story / "scenes" / "day.yaml"
    text = scenes.read_text(encoding="utf-8")
    text = text.replace("title: The office", 'title: "The office \\u202Eecivda\\u202C"')
    text = text.replace("Your desk is where you left it.", "Your desk is where you \u2067left\u2069 it.")
    scenes.write_text(text, encoding="utf-8")
    app = build(story)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)
        shown = screen_text(app)
        assert "The office \\u202eecivda\\u202c" in shown
        assert "Your desk is where you \\u2067left\\u2069 it." in shown
        assert not any(ch in shown for ch in "\u202e\u202c\u2067\u2069")


def test_bidi_controls_are_escaped_wherever_story_text_is_drawn():
    assert literal("a\u202eb\u200fc").plain == "a\\u202eb\\u200fc"
    assert prose("`x\u202ey` and \u2066z\u2069").plain == "x\\u202ey and \\u2066z\\u2069"
