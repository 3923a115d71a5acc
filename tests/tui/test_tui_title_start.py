"""Start to the title screen: a warm compiled-story cache is read at once in the app's thread, a cold one
is parsed in a worker behind a loading indicator, and what the first day needs waits for the title's frame."""

from __future__ import annotations

import threading

from tui_helpers import ready, screen_text, until

from game.tui.app import DayJobApp
from game.tui.screens.title import TitleScreen, spaced
from game.tui.session import Session


class Spy:
    """Records the calls of a few methods (and on which thread), then lets each call through."""

    def __init__(self, monkeypatch, *names: tuple[type, str]) -> None:
        self.calls: list[tuple[str, str]] = []
        for owner, name in names:
            self._wrap(monkeypatch, owner, name)

    def _wrap(self, monkeypatch, owner: type, name: str) -> None:
        original = owner.__dict__[name]
        function = original.__func__ if isinstance(original, classmethod) else original

        def spy(*args, **kwargs):
            self.calls.append((name, threading.current_thread().name))
            return function(*args, **kwargs)

        monkeypatch.setattr(owner, name, classmethod(spy) if isinstance(original, classmethod) else spy)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


async def _start(app: DayJobApp) -> str:
    """Run the app to its title screen with the story; the screen's text then."""
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, TitleScreen) and app.session is not None
        return screen_text(app)


async def test_a_warm_cache_opens_the_story_in_the_apps_thread_without_parsing_or_a_loading_indicator(
    build, monkeypatch
):
    spy = Spy(monkeypatch, (Session, "open"), (Session, "open_cached"), (TitleScreen, "show_loading"))
    cold = await _start(build())  # the first start parses the story (in a worker) and fills the cache
    assert spy.names() == ["open_cached", "show_loading", "open"]
    assert spy.calls[2][1] != threading.main_thread().name

    spy.calls.clear()
    warm = await _start(build())
    assert spy.calls == [("open_cached", threading.main_thread().name)]
    assert warm == cold  # the same title, menu, seed and keys either way
    assert spaced("Office Day") in warm and "New day" in warm and "test-seed" in warm


async def test_the_loading_indicator_shows_while_the_story_is_parsed_and_goes_once_it_is_in(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#title-loading")) or app.session is not None)
        assert app.session is None  # a cold cache: the story is still being parsed
        assert not app.screen.query_one("#title-menu").display
        await ready(pilot)
        assert not app.screen.query("#title-loading")
        assert app.screen.query_one("#title-menu").display and app.screen.focused is app.screen.query_one("#menu")


async def test_what_the_first_day_needs_waits_for_the_frame_that_shows_the_title(build, monkeypatch):
    """DayJobApp._settle (the day's styles, the rules of a day, a full collection: tens of milliseconds)
    runs once the title screen has been laid out with the story's menu, never before that frame."""
    seen: list[tuple[int, str]] = []
    settle = DayJobApp._settle

    def settling(app: DayJobApp) -> None:
        title = app.title_screen
        seen.append((title.query_one("#menu").region.height, str(title.query_one("#title").render())))
        settle(app)

    monkeypatch.setattr(DayJobApp, "_settle", settling)
    for _ in range(2):  # cold, then warm
        seen.clear()
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await until(pilot, lambda: bool(seen))
            await pilot.pause()
        assert len(seen) == 1
        height, title = seen[0]
        assert height > 0 and title == spaced("Office Day")


async def test_the_title_footer_follows_the_keys_that_apply(build):
    """The title's footer follows its keys: typing a seed adds Esc, leaving drops it."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "New day" in footer and "Back to the menu" not in footer
        await pilot.press("s")
        await until(pilot, lambda: "Back to the menu" in screen_text(app).splitlines()[-1])
        await pilot.press("escape")
        await until(pilot, lambda: "Back to the menu" not in screen_text(app).splitlines()[-1])
        assert screen_text(app).splitlines()[-1] == footer


async def test_a_day_asked_for_before_the_titles_frame_settles_first(build, monkeypatch):
    """A key typed ahead may start a day before the title's frame: what _settle does (and the collector
    turned back on) must not wait for a title frame that the day's screen will never let come."""
    settled_before_the_day: list[bool] = []
    start = DayJobApp._start

    def starting(app: DayJobApp, begin) -> None:
        start(app, begin)
        settled_before_the_day.append(app._settled)

    monkeypatch.setattr(DayJobApp, "_start", starting)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.session is not None)
        app.start_new_day(None)  # at once, in the same turn the story arrived in
        await until(pilot, lambda: bool(settled_before_the_day))
        await pilot.pause()
        assert settled_before_the_day == [True] and app.game is not None
