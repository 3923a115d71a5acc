"""A served game's day is the room's: no seed field, `n` replays the same seed as the next attempt,
the palette offers nothing that could harm the day or the server, the round can stop the day."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static
from workshop_serving import ROOM

from game.tui.app import DAY_IS_IN, make_app
from game.tui.options import TuiOptions
from game.tui.screens.help import KEYS, SERVED
from game.tui.screens.report import ReportScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen
from game.workshop.driver import NO_DAY_PLAYED, day_status, end_round
from game.workshop.results import read_results


@pytest.fixture
def served_app(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path / "data"))

    def make(**options):
        opts = dict(story=ROOM, seed="ROOMSEED", results=tmp_path / "results", save=False, locked=True, player="p1")
        opts.update(options)
        return make_app(TuiOptions(**opts))

    return make


async def settle(pilot) -> None:
    app = pilot.app
    for _ in range(500):
        await pilot.pause()
        if app.session is not None:
            break
        await pilot.pause(0.01)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def play_to_the_end(pilot) -> None:
    app = pilot.app
    for _ in range(50):
        if app.game is not None and app.game.ended:
            break
        await pilot.press("1")
        await pilot.pause()
    assert app.game is not None and app.game.ended


async def test_no_seed_field_and_the_first_enter_starts_the_rooms_day(served_app):
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        title = app.screen
        assert isinstance(title, TitleScreen)
        seed = title.query_one("#seed", Input)
        assert seed.disabled and not title.query_one("#seed-row").display
        await pilot.press("s")  # the title screen's "edit the seed" key does nothing here
        assert not isinstance(app.focused, Input)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen) and app.game.seed == "ROOMSEED"


async def test_a_short_room_shows_the_short_day_s_subtitle(served_app):
    """A short room's title screen does not promise the full day's length."""
    for short, subtitle in ((True, "The workshop tests' short day"), (False, "The workshop tests' day")):
        app = served_app(short=short)
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            assert str(app.screen.query_one("#subtitle", Static).render()) == subtitle


async def test_n_replays_the_same_seed_as_the_next_attempt(served_app, tmp_path):
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await play_to_the_end(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.game.seed == "ROOMSEED" and not app.game.ended
        assert app.session.attempts == 2
        assert day_status(app)["attempt"] == 2
        await play_to_the_end(pilot)
    found = sorted(read_results(tmp_path / "results").results, key=lambda r: r.attempt)
    assert [(r.player, r.attempt, r.seed) for r in found] == [("p1", 1, "ROOMSEED"), ("p1", 2, "ROOMSEED")]


async def test_the_palette_offers_only_harmless_commands(served_app):
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Play the day again" in titles and "Help" in titles
        for harmful in ("Quit", "Screenshot", "Reload story", "New day", "Keys"):
            assert harmful not in titles, harmful
        story, game = app.session.story, app.game
        await pilot.press("ctrl+r")  # the writers' reload key does nothing in a served game
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.story is story and app.game is game  # a reload would carry the day to a new story


async def test_the_round_ending_stops_the_day_and_writes_it_as_unfinished(served_app, tmp_path):
    app = served_app(nickname="Sam")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.press("1")
        await pilot.pause()
        clock = app.game.clock_text
        assert day_status(app)["state"] == "playing" and day_status(app)["category"]
        end_round(app)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        assert day_status(app)["state"] == "unfinished"
        kicker, title = (
            str(app.screen.query_one(f"#{id}", Static).render()) for id in ("report-kicker", "ending-title")
        )
        assert (kicker, title) == ("The round is over", f"The round ended at {clock}")
        assert f"\u201cThe round ended at {clock}\u201d" in app.screen.report.share_line
    (result,) = read_results(tmp_path / "results").results
    assert result.unfinished and result.ending_id == "unfinished"
    assert result.ending_title == f"Unfinished at {clock}" and result.nickname == "Sam"


async def test_the_round_ending_before_a_day_began_says_so(served_app, tmp_path):
    """On the title screen there is no report to stay on: the player is told the round is over, nothing is written."""
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        told: list[str] = []
        app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
        end_round(app, "facilitator")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen) and told == [NO_DAY_PLAYED]
    assert not (tmp_path / "results").exists() or read_results(tmp_path / "results").results == []


async def test_q_does_not_quit_a_served_day_still_being_played(served_app):
    """Quitting would throw the room's day away unsaved before the round could count it; once the
    day is over (the report, "Thanks for playing" in the browser) q quits as it always did."""
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "1")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, SceneScreen)
        assert not app.check_action("quit", ())  # so the footer offers no q either
        told: list[str] = []
        app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
        await pilot.press("escape")  # the title menu's Quit is refused the same way, and says why
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        await app.action_quit()
        await pilot.pause()
        assert app.is_running and told == ["Your day is still being played: q quits once it has ended."]
        await pilot.press("enter")
        await play_to_the_end(pilot)
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_an_unserved_game_keeps_its_seed_field_and_full_palette(tmp_path, monkeypatch):
    monkeypatch.setenv("DAYJOB_DATA", str(tmp_path / "data"))
    app = make_app(TuiOptions(story=ROOM, seed="HOME", save=False))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#seed", Input).disabled
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quit" in titles and "Reload story" in titles and "New day" in titles


async def test_help_tells_a_served_player_what_the_keys_really_do(served_app):
    """A served day is not saved and q waits for its end; reload and the seed field are not there."""
    app = served_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "1", "question_mark")
        await pilot.pause()
        shown = str(app.screen.query_one("#help-keys", Static).render()) + str(
            app.screen.query_one("#help-about", Static).render()
        )
        assert "saved after every choice" not in shown and "the saved day" not in shown
        assert "leave, once your day has ended" in shown
        assert "ctrl+r" not in shown and "type a seed" not in shown and "--projector" not in shown
        assert "download the report" in shown and "the facilitator gets your result" in shown


async def test_the_title_menu_offers_quit_only_once_the_served_day_has_ended(served_app):
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)

        def menu_ids() -> list[str | None]:
            menu = app.screen.query_one("#menu", OptionList)
            return [menu.get_option_at_index(i).id for i in range(menu.option_count)]

        assert "quit" in menu_ids()  # no day yet: leaving loses nothing
        await pilot.press("enter", "1", "escape")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert "quit" not in menu_ids() and "continue" in menu_ids()
        await pilot.press("enter")
        await play_to_the_end(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen) and "quit" in menu_ids()


def test_every_served_key_is_one_help_lists():
    listed = {(where, keys) for where, rows in KEYS for keys, _ in rows}
    assert set(SERVED) <= listed


async def test_a_finished_served_day_is_not_undone_into_a_second_result(served_app, tmp_path):
    """`u` on the report of a served day would reopen it, and finishing it again wrote a second result
    (a 'replay' row in the CSV) without the player ever asking for another attempt: the day stays as
    it ended, and only `n` starts the next attempt."""
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await play_to_the_end(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        ended = app.game.report().choices
        told: list[str] = []
        app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
        for key in ("u", "ctrl+z"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ReportScreen) and app.game.ended, key
        assert app.game.report().choices == ended
        assert told == [DAY_IS_IN, DAY_IS_IN]
        assert not [c for c in app.get_system_commands(app.screen) if "Undo" in c.title]  # nor the palette
        await play_to_the_end(pilot)  # presses on the report change nothing
    (result,) = read_results(tmp_path / "results").results
    assert result.attempt == 1 and not result.unfinished


async def test_a_served_day_can_still_be_undone_while_it_is_played(served_app):
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "1")
        await pilot.pause()
        assert len(app.game.report().choices) == 1
        await pilot.press("u")
        await pilot.pause()
        assert app.game.report().choices == [] and isinstance(app.screen, SceneScreen)


async def test_a_day_the_round_stopped_is_not_undone_either(served_app, tmp_path):
    app = served_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "1", "1")
        await pilot.pause()
        end_round(app)
        await pilot.pause()
        taken = app.game.report().choices
        app.undo()  # the round's end blocks the keys at the server; the app refuses it as well
        await pilot.pause()
        assert app.game.report().choices == taken and isinstance(app.screen, ReportScreen)
    (result,) = read_results(tmp_path / "results").results
    assert result.unfinished
