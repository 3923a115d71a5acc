"""What a choice costs on screen: the next scene in one layout and one frame, the report's keys built once.

These count frames and layouts, never time them (bench/bench_latency.py measures the time).
"""

from __future__ import annotations

import inspect
import random

from textual._compositor import Compositor
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, OptionList
from tui_helpers import ready, until

from game.engine.where import shipped_story_dir
from game.tui.screens.report import ReportScreen
from game.tui.screens.scene import MORE_TEXT, SceneScreen
from game.tui.widgets.choice_list import ChoiceList
from game.tui.widgets.footer import QuietFooter


def count_frames(app) -> list[int]:
    """From now on, one entry per frame Textual draws (App._display with something to show)."""
    frames: list[int] = []
    display = app._display

    def counted(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append(1)

    app._display = counted
    return frames


def count_layouts(monkeypatch) -> list[Screen]:
    """From now on, every layout pass of any screen."""
    passes: list[Screen] = []
    refresh_layout = Screen._refresh_layout

    def counted(self, *args, **kwargs) -> None:
        passes.append(self)
        refresh_layout(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return passes


def text_scrolls(app) -> bool:
    return app.screen.query_one("#scene-scroll").show_vertical_scrollbar


async def settle(pilot, frames: list[int], before: int) -> None:
    """Wait for the press's first frame, then until the app has nothing left to draw."""
    await until(pilot, lambda: len(frames) > before)
    for _ in range(5):
        await pilot.pause()


async def test_each_choice_of_the_shipped_day_is_one_layout_and_one_frame(build, monkeypatch):
    """Also a scene whose text starts or stops needing a scroll bar: the bar's thumb and the "more text"
    hint over the choices, which follows the bar, are drawn in the frame that shows the text."""
    app = build(shipped_story_dir(), seed="frames-0", save=False)
    passes = count_layouts(monkeypatch)
    rng = random.Random("frames")
    single = flips = 0
    async with app.run_test(size=(100, 36)) as pilot:
        await ready(pilot)
        frames = count_frames(app)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SceneScreen) and app.game is not None)
        await settle(pilot, frames, 0)
        game = app.game
        while True:
            scrolled = text_scrolls(app)
            n_frames, n_passes = len(frames), len(passes)
            await pilot.press(str(rng.randrange(len(game.available)) + 1))
            await settle(pilot, frames, n_frames)
            if game.ended:
                break
            drawn, laid_out = len(frames) - n_frames, len(passes) - n_passes
            where = f"{game.scene_id} at {game.clock_text}"
            assert (drawn, laid_out) == (1, 1), f"{where}: {drawn} frames, {laid_out} layouts"
            hinted = app.screen.query_one(ChoiceList).border_title is not None
            assert hinted == text_scrolls(app), f"{where}: the hint does not follow the scroll bar"
            if text_scrolls(app) == scrolled:
                single += 1
            else:
                flips += 1
    assert single >= 15 and flips >= 1  # both rules above were really tried


async def test_a_longer_list_of_choices_never_shows_a_scroll_bar(build, monkeypatch):
    """The list used to decide its scroll bar from the last scene's height: a bar, and the minutes cut, for a frame."""
    app = build()
    seen: list[bool] = []
    refresh_scrollbars = ChoiceList._refresh_scrollbars

    def watched(self: ChoiceList) -> None:
        refresh_scrollbars(self)
        seen.append(self.show_vertical_scrollbar)

    monkeypatch.setattr(ChoiceList, "_refresh_scrollbars", watched)
    longer = 0
    async with app.run_test(size=(80, 30)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SceneScreen) and app.game is not None)
        await pilot.pause()
        # arrive -> desk -> stand-up -> the ping -> desk: the list goes 3, 3, 2, 2, 3 long
        for choice in ["to_desk", "work", "update", "answer"]:
            before = len(app.game.choices)
            await pilot.press(str(app.game.available.index(choice) + 1))
            await until(pilot, lambda: len(app.game.state.history) > 0 and app.game.state.history[-1].choice == choice)
            for _ in range(3):
                await pilot.pause()
            longer += len(app.game.choices) > before
    assert longer >= 1
    assert seen and not any(seen)


async def test_more_text_is_hinted_while_the_scene_goes_on_below_the_window(build):
    app = build()
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SceneScreen) and app.game is not None)
        scroll = app.screen.query_one("#scene-scroll")
        choices = app.screen.query_one(ChoiceList)
        await until(pilot, lambda: scroll.max_scroll_y > 0)
        await until(pilot, lambda: choices.border_title is not None)
        assert MORE_TEXT.strip() in str(choices.border_title)
        await pilot.press("pagedown", "pagedown", "pagedown")
        await until(pilot, lambda: choices.border_title is None)


async def test_the_report_builds_its_footer_keys_with_the_screen_and_only_once(build, monkeypatch):
    """Textual built them after the first frame, then again on each change of focus: four times, the same keys."""
    app = build(save=False)
    rebuilt: list[Footer] = []
    recompose = Footer.recompose

    async def counted(self: Footer) -> None:
        rebuilt.append(self)
        await recompose(self)

    monkeypatch.setattr(Footer, "recompose", counted)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SceneScreen) and app.game is not None)
        while not app.game.ended:
            rebuilt.clear()  # from the day's last press on
            await pilot.press("1")
            await pilot.pause()
        await until(pilot, lambda: isinstance(app.screen, ReportScreen))
        await until(pilot, lambda: bool(app.screen.query("#report-buttons")))
        for _ in range(5):
            await pilot.pause()
        footer = app.screen.query_one(QuietFooter)
        keys = [str(key.key) for key in footer.query("FooterKey")]
        assert {"s", "c", "n", "q"} <= set(keys)
        assert rebuilt == []


async def play_to_the_report(pilot, app, on_last_press=None) -> None:
    """Start a day and press "1" until it ends; `on_last_press()` is called before each press, the last one's
    call being the one that counts; then wait for the report and let it settle."""
    await ready(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, SceneScreen) and app.game is not None)
    while not app.game.ended:
        if on_last_press is not None:
            on_last_press()
        await pilot.press("1")
        await pilot.pause()
    await until(pilot, lambda: isinstance(app.screen, ReportScreen))
    for _ in range(5):
        await pilot.pause()


async def test_the_report_is_whole_in_its_first_frame(build):
    """Its charts, day and questions were mounted after its first frame: two more layouts and frames (and
    its scroll bar, decided after the layout that showed them, a fourth) on every day's last press."""
    app = build(save=False)
    first: list[tuple[bool, bool]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        display = app._display

        def watched(screen, renderable) -> None:
            if renderable is not None and isinstance(screen, ReportScreen) and not first:
                scroll = screen.query_one("#report-scroll")
                first.append((bool(screen.query("#report-buttons")), scroll.show_vertical_scrollbar))
            display(screen, renderable)

        app._display = watched
        await play_to_the_report(pilot, app)
    assert first == [(True, True)]


async def test_a_report_that_fits_its_window_keeps_no_room_for_a_scroll_bar(build):
    """The report's bar is decided in its first layout (TextScroll) without a stable gutter: a window tall
    enough for the whole report centres its column in the full width, as Textual's own decision does."""
    app = build(save=False)
    async with app.run_test(size=(82, 200)) as pilot:
        await play_to_the_report(pilot, app)
        scroll = app.screen.query_one("#report-scroll")
        column = app.screen.query_one("#report-column")
        assert not scroll.show_vertical_scrollbar
        assert scroll.scrollable_content_region.width == scroll.region.width
        assert column.region.x == (scroll.region.width - column.region.width) // 2
        for height, bar in [(24, True), (200, False)]:  # the bar comes and goes with the window
            await pilot.resize_terminal(82, height)
            await until(pilot, lambda: scroll.show_vertical_scrollbar == bar)
            for _ in range(3):
                await pilot.pause()
            room = scroll.region.width - (1 if bar else 0)
            assert scroll.scrollable_content_region.width == room
            assert column.region.x == (room - column.region.width) // 2


async def test_the_days_last_press_parses_no_stylesheet(build, monkeypatch):
    """The report's widgets' default CSS is read on the title screen: Textual re-parsed every stylesheet
    when the first of them mounted, on the press that ended the day."""
    app = build(save=False)
    parsed: list[int] = []
    parse = Stylesheet.parse

    def counted(self: Stylesheet) -> None:
        parsed.append(1)
        parse(self)

    monkeypatch.setattr(Stylesheet, "parse", counted)
    async with app.run_test(size=(80, 24)) as pilot:
        await play_to_the_report(pilot, app, on_last_press=parsed.clear)
        assert app.screen.query("#report-buttons")
    assert parsed == []


def test_the_private_textual_members_the_day_screens_lean_on_are_still_the_ones_expected():
    """ChoiceList and QuietFooter override or set these (game/tui/palette_guard.py says why); a change
    in Textual must be looked at, not silently cost a frame or break the list."""
    assert list(inspect.signature(Widget._refresh_scrollbars).parameters) == ["self"]
    assert "_refresh_scrollbars" in inspect.getsource(Widget._scroll_update)  # what set_options reaches
    # the handler ChoiceList.on_resize prevents when only the height changed: it must only re-wrap
    assert inspect.getsource(OptionList._on_resize).split(":", 1)[1].split() == ["self._clear_caches()"]
    # SceneScreen._compositor_refresh draws the repaints its layout asked for in the same frame
    assert "self._compositor_refresh()" in inspect.getsource(Screen._refresh_layout)
    assert "self._compositor_refresh()" in inspect.getsource(Screen._on_timer_update)
    assert "self._repaint_required" in inspect.getsource(Widget._check_refresh)
    assert list(inspect.signature(Compositor.update_widgets).parameters) == ["self", "widgets"]
    # ReportScreen runs before Textual's handlers of these events, to change what they do
    assert "event.refresh_styles" in inspect.getsource(Screen._on_screen_resume)
    assert "self._screen_resized(event.size)" in inspect.getsource(Screen._on_resize)
    # game/tui/css.py preload reads a widget class's default CSS as Widget._post_register does
    assert "_get_default_css()" in inspect.getsource(Widget._post_register)
    assert "self._node_bases" in inspect.getsource(DOMNode._get_default_css)
    # QuietFooter sets the keys bound to the footer's `compact` as the binding will
    assert "self._reactive_connect" in inspect.getsource(DOMNode.data_bind)
    assert isinstance(Footer.__dict__["_bindings_ready"], Reactive)
    assert "_bindings_ready" in inspect.getsource(Footer.compose)
