"""The glossary in the TUI: a term underlined where it first appears in a day, its meaning on a click or on g."""

from __future__ import annotations

from textual.widgets import Static
from tui_helpers import ready, screen_text

from game.engine.glossary import Term
from game.tui.screens.glossary import GlossaryScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.scene import SceneScreen
from game.tui.widgets.choice_list import ChoiceList


async def to_the_desk(pilot) -> None:
    await ready(pilot)
    await pilot.press("enter", "1")  # the office, then the desk: "the model that will not converge"
    await pilot.pause()
    assert isinstance(pilot.app.screen, SceneScreen) and pilot.app.game.scene_id == "desk"


def underlined(widget: Static) -> list[str]:
    """The words drawn underlined in a widget's text."""
    content = widget.visual
    return [content.plain[s.start : s.end] for s in content.spans if getattr(s.style, "underline", False)]


async def test_a_term_is_underlined_where_it_first_appears_and_a_click_shows_its_meaning(build, told):
    app = build("jargon")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_desk(pilot)
        text = app.screen.query_one("#scene-text", Static)
        assert underlined(text) == ["converge"]
        assert app.game.state.terms == {"converge": 1}
        row, line = next(
            (y, text.render_line(y).text) for y in range(text.size.height) if "converge" in text.render_line(y).text
        )
        await pilot.click(text, offset=(line.index("converge") + 2, row))
        await pilot.pause()
        shown = told
        assert ("converge", app.game.story.glossary.terms["converge"].means) in shown
        await pilot.press("1")  # work on the model: the desk again, the term no longer new
        await pilot.pause()
        assert underlined(app.screen.query_one("#scene-text", Static)) == []


async def test_g_lists_the_terms_met_so_far_with_their_meanings(build):
    app = build("jargon")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter", "g")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        assert "No terms yet today" in screen_text(app)
        await pilot.press("escape", "1", "1", "g")  # the desk, then the stand-up, whose title is a term
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        text = screen_text(app)
        assert "In this scene" in text and "Earlier today" in text
        assert text.index("stand-up") < text.index("Earlier today") < text.index("converge")
        assert "Training converges when the error" in text
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen)


async def test_the_report_lists_the_terms_the_day_used(build):
    app = build("jargon")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter", *"11111")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await pilot.pause()
        terms = str(app.screen.query_one("#report-terms", Static).visual)
        assert "converge" in terms and "stand-up" in terms and "Training converges" in terms


async def test_a_story_without_a_glossary_marks_nothing_and_g_says_so(build):
    app = build("office")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_desk(pilot)
        assert underlined(app.screen.query_one("#scene-text", Static)) == []
        await pilot.press("g")
        await pilot.pause()
        assert "No terms yet today" in screen_text(app)


async def test_with_more_terms_than_fit_the_list_scrolls_and_esc_closes_stays_in_sight(build):
    app = build("jargon")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_desk(pilot)
        glossary = app.game.story.glossary
        # forty terms met: far more than an 80x24 screen holds
        many = [
            Term(f"t{n}", f"term {n}", "A meaning long enough to wrap onto a second line in the box. " * 2)
            for n in range(40)
        ]
        glossary.terms.update({t.id: t for t in many})
        app.game.state.terms.update({t.id: 1 for t in many})
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        box = app.screen.query_one("#glossary-box").region
        hint = app.screen.query_one("#glossary-close").region
        assert hint.height == 1 and box.y < hint.y < box.bottom - 1  # inside the box's border
        assert "Esc closes" in screen_text(app)


async def test_a_term_first_met_in_a_title_or_a_choices_words_is_underlined_there(build):
    app = build("jargon")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_the_desk(pilot)
        await pilot.press("1")  # work on the model, into the stand-up: its title and a choice hold terms
        await pilot.pause()
        assert app.game.scene_id == "standup"
        assert underlined(app.screen.query_one("#scene-title", Static)) == ["Stand-up"]
        prompt = app.screen.query_one(ChoiceList).get_option_at_index(0).prompt
        words = prompt.body
        assert [words.plain[s.start : s.end] for s in words.spans if getattr(s.style, "underline", False)] == [
            "crisp update"
        ]
        assert set(app.game.state.terms) == {"converge", "standup", "crisp_update"}
