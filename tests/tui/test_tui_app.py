"""The app as a whole: start-up stays light, themes, the command palette, help lists every key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.widgets import OptionList
from tui_helpers import palette_offers, ready, until

from game.tui.app import DayJobApp
from game.tui.screens.glossary import GlossaryScreen
from game.tui.screens.help import KEYS, HelpScreen
from game.tui.screens.report import ReportScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen
from game.tui.themes import DARK, LIGHT, PROJECTOR

ROOT = Path(__file__).resolve().parents[2]


def test_the_first_frame_does_not_import_the_engine():
    """Importing the app (what runs before the first frame) loads neither the engine's loader and rules nor
    pydantic, yaml or transitions (small leaf modules of the engine, such as its prose helpers, may come)."""
    heavy = "'game.engine.loader', 'game.engine.game', 'game.engine.story', 'pydantic', 'yaml', 'transitions'"
    code = f"import sys, game.cli, game.tui.run, game.tui.app; print(sorted(m for m in ({heavy}) if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_projector_option_selects_the_large_high_contrast_theme(build):
    app = build(projector=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.theme == PROJECTOR and app.has_class("-projector")
        await pilot.press("t")
        assert app.theme == DARK and not app.has_class("-projector")
        await pilot.press("t")
        assert app.theme == LIGHT


async def test_the_stylesheet_is_parsed_once_on_the_way_to_the_title(build, monkeypatch):
    """The theme set as the app is made asks for a CSS refresh before any CSS is used: it must not parse the
    whole stylesheet there and again as the title screen mounts (bench/bench_startup.py)."""
    import textual.css.stylesheet as stylesheet

    parsed: list[str] = []
    parse = stylesheet.parse

    def counting(scope, css, read_from, **options):
        parsed.append(str(read_from[0]))
        return parse(scope, css, read_from, **options)

    monkeypatch.setattr(stylesheet, "parse", counting)
    before_story: list[str] = []  # what was parsed when the story came in (later, _settle reads the day's CSS)
    show_first = TitleScreen.show_first

    async def noting(self, session):
        before_story.extend(parsed)
        await show_first(self, session)

    monkeypatch.setattr(TitleScreen, "show_first", noting)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await until(pilot, lambda: bool(before_story))
        assert sum(path.endswith("app.tcss") for path in before_story) == 1
        assert sum(path.endswith("title.tcss") for path in before_story) == 1
        assert app.screen.styles.background == app.current_theme.to_color_system().background


async def test_a_theme_chosen_later_restyles_the_screen(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        dark = app.screen.styles.background
        await pilot.press("t")
        await until(pilot, lambda: app.theme == LIGHT)
        await pilot.pause()
        assert app.screen.styles.background != dark
        assert app.screen.styles.background == app.current_theme.to_color_system().background


async def test_the_footer_keys_are_styled_with_the_screen_not_one_by_one(build, monkeypatch):
    """Each key's `compact` is set before it mounts, as Textual's binding leaves it (the command palette's key
    keeps its own), so no key is restyled on its own as it mounts (~0.4 ms a key on the way to the title)."""
    from textual.css.stylesheet import Stylesheet
    from textual.widgets._footer import FooterKey

    alone: list[str] = []
    update_nodes = Stylesheet.update_nodes

    def recording(self, nodes, animate=False):
        nodes = list(nodes)
        if len(nodes) == 1 and isinstance(nodes[0], FooterKey):
            alone.append(nodes[0].key)
        return update_nodes(self, nodes, animate)

    monkeypatch.setattr(Stylesheet, "update_nodes", recording)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        keys = list(app.screen.query(FooterKey))
        assert keys and alone == []
        for key in keys:
            assert key.compact == (key.has_class("-command-palette") or app.screen.query_one("Footer").compact)
            assert key.has_class("-compact") == key.compact


async def test_command_palette_offers_the_games_commands(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter", "1")
        await pilot.pause()
        assert app.game.scene_id == "desk"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Undo last")
        await palette_offers(pilot, "Undo last")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen) and app.game.scene_id == "arrive"

        from game.tui.commands import game_commands

        names = [name for name, _, _ in game_commands(app)]
        assert {"New day", "Reload story", "Help", "Theme: Dark", "Theme: Light"} <= set(names)
        assert any(n.startswith("Theme: Projector") for n in names)
        await pilot.press(*"111")
        await pilot.pause()
        names = [name for name, _, _ in game_commands(app)]
        assert "Undo last choice" in names and "Save report" not in names
        palette = [c.title for c in app.get_system_commands(app.screen)]
        assert palette[0] == "New day" and palette[-2:] == ["Quit", "Screenshot"] and "Keys" not in palette

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Theme: Light")
        await palette_offers(pilot, "Theme: Light")
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == LIGHT


def test_help_lists_every_key_of_every_screen():
    names = {
        "question_mark": "?",
        "f1": "F1",
        "escape": "Esc",
        "enter": "Enter",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "ctrl+z": "ctrl+z",
        "ctrl+r": "ctrl+r",
    }
    listed = " ".join(keys for _, rows in KEYS for keys, _ in rows)
    for owner in (DayJobApp, TitleScreen, SceneScreen, ReportScreen, HelpScreen, GlossaryScreen):
        for binding in owner.BINDINGS:
            key = binding.key
            if key.isdigit():
                assert "1 \u2026 9" in listed
                continue
            assert names.get(key, key) in listed.split() or names.get(key, key) in listed, (
                owner.__name__,
                key,
            )


async def test_a_reload_lets_the_first_story_go(build):
    """The heap is frozen once the story is in (bench/bench_latency.py); a reload must give the first
    story back to the collector, or every reload would keep one more story (its machine has cycles)."""
    import gc
    import weakref

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        first = weakref.ref(app.session.story)
        await pilot.press("enter", "1")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.game.story is app.session.story is not first())  # the reload runs in a worker
        assert app.game.story is app.session.story is not first()
        gc.collect()
        assert first() is None


async def test_the_days_styles_are_read_on_the_title_screen_not_before_the_first_frame(build):
    from game.tui.css import STYLES

    later = [str(STYLES / name) for name in ("scene.tcss", "report.tcss", "dialogs.tcss")]
    assert not {str(p) for p in DayJobApp.CSS_PATH} & set(later)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert all(app.stylesheet.has_source(path, "") for path in later)


def test_screen_for_names_the_screen_that_shows_a_sessions_day(build):
    from types import SimpleNamespace

    from game.tui.app import screen_for
    from game.tui.screens import ScreenName

    def session(game=None, unfinished=False):
        return SimpleNamespace(game=game, unfinished=unfinished)

    playing, ended = SimpleNamespace(ended=False), SimpleNamespace(ended=True)
    assert screen_for(None) == screen_for(session()) == ScreenName.TITLE
    assert screen_for(session(playing)) == ScreenName.SCENE
    assert screen_for(session(ended)) == ScreenName.REPORT
    assert screen_for(session(playing, unfinished=True)) == ScreenName.REPORT  # the round stopped it


async def test_each_screen_is_named_and_the_title_is_the_apps_named_screen(build):
    from game.tui.screens import ScreenName

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.screen is app.get_screen(ScreenName.TITLE) is app.title_screen
        assert app.screen.name == ScreenName.TITLE
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.name == ScreenName.SCENE
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.name == ScreenName.HELP
        await pilot.press("escape", *"11111")
        await pilot.pause()
        assert app.screen.name == ScreenName.REPORT
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.title_screen and len(app.screen_stack) == 1


async def test_a_change_to_the_day_with_the_title_on_top_leaves_the_title_up(build):
    """An undo or a choice that reaches the app once the title is back (a key queued behind Esc, the
    palette's Undo over the title) used to switch the title screen out: Textual's first screen has no
    result callback to pop, so `switch_screen` raised IndexError and emptied the stack. The title
    stays, and its Continue line follows the day."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter", "1")
        await pilot.pause()
        moved_to = app.game.clock_text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.title_screen
        app.undo()
        await pilot.pause()
        assert app.is_running and app.screen is app.title_screen and len(app.screen_stack) == 1
        assert app.game.clock_text != moved_to and not app.game.state.history
        menu = app.screen.query_one("#menu", OptionList)
        assert app.game.clock_text in str(menu.get_option_at_index(0).prompt)
        app.choose(app.game.available[0])
        await pilot.pause()
        assert app.is_running and app.screen is app.title_screen and len(app.game.state.history) == 1
        await pilot.press("enter")  # Continue: the day as it is now
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen) and app.screen.name == "scene"


def test_help_does_not_say_an_unsaved_day_is_saved():
    from game.tui.options import TuiOptions
    from game.tui.screens.help import keys_for

    def quit_row(options: TuiOptions) -> str:
        return next(
            what for where, rows in keys_for(options) for keys, what in rows if keys == "q" and where == "Everywhere"
        )

    assert "saved after every choice" in quit_row(TuiOptions())
    assert quit_row(TuiOptions(save=False)) == "quit (this day is not saved)"
    assert quit_row(TuiOptions(from_scene="desk")) == "quit (this day is not saved)"


async def test_a_full_collection_waits_until_no_choice_has_come_for_a_while(build, monkeypatch):
    """Full collections land between choices, while the player reads (game/startup.py), never on a key."""
    import game.tui.app as app_module

    collected: list[int] = []
    monkeypatch.setattr(app_module, "IDLE_COLLECT", 60.0)
    monkeypatch.setattr(app_module, "collect_while_idle", lambda: collected.append(1))
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        first = app._idle_timer
        await pilot.press("1")
        await pilot.pause()
        assert collected == []  # not on the keys
        assert first is not None and app._idle_timer is not first  # each choice puts it off again
        monkeypatch.setattr(app_module, "IDLE_COLLECT", 0.05)
        await pilot.press("1")
        await pilot.pause(0.5)
        assert collected == [1]


def test_what_a_key_does_wraps_beside_the_key_not_under_it():
    from textual.style import Style
    from textual.visual import RenderOptions

    from game.tui.screens.help import help_content

    strips = help_content().render_strips(50, None, Style(), RenderOptions(lambda _: Style(), {}))
    lines = [strip.text for strip in strips]
    indent = max(len(keys) for _, rows in KEYS for keys, _ in rows) + 2
    wrapped = [line for line in lines if line.strip() and line.strip() not in {where for where, _ in KEYS}]
    wrapped = [line for line in wrapped if not any(line.startswith(keys) for _, rows in KEYS for keys, _ in rows)]
    assert wrapped, "at 50 columns some descriptions wrap"
    assert all(line.startswith(" " * indent) for line in wrapped), wrapped
