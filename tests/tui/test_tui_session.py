"""The session under the app (no Textual): saves per story, reloads that carry the day, files it writes."""

from __future__ import annotations

import json

from tui_helpers import FIXTURES

from game.engine import shipped_story_dir
from game.engine.saves import SAVE_NAME
from game.tui.options import TuiOptions
from game.tui.session import Session, file_safe, save_name


def open_session(tmp_path, **options) -> Session:
    options.setdefault("story", FIXTURES / "office")
    return Session.open(TuiOptions(save_dir=tmp_path / "saves", **options))


def test_each_story_folder_has_its_own_save_and_the_shipped_day_keeps_the_plain_name(tmp_path):
    office = open_session(tmp_path)
    markup = open_session(tmp_path, story=FIXTURES / "markup")
    assert office.slot.path != markup.slot.path
    assert save_name(office.story, shipped_story_dir()) == SAVE_NAME


def test_a_day_saved_is_offered_to_continue_with_its_clock_and_scene(tmp_path):
    first = open_session(tmp_path)
    first.new_day("s")
    first.choose("coffee")
    again = open_session(tmp_path)
    assert again.saved is not None and (again.saved.clock, again.saved.title) == (
        "09:10",
        "Your desk",
    )
    assert again.continue_day().snapshot() == first.game.snapshot()


def test_a_save_that_parses_but_is_not_a_day_is_moved_aside_with_a_notice(tmp_path):
    first = open_session(tmp_path)
    first.new_day("s")
    first.slot.path.write_text(json.dumps({"save_version": 1, "seed": "s", "state": "nonsense"}))
    first.slot.backup.unlink(missing_ok=True)
    again = open_session(tmp_path)
    assert again.saved is None
    assert len(again.notices) == 1 and "could not be resumed" in again.notices[0]
    assert list((tmp_path / "saves").glob("*.damaged-*"))


def test_play_from_here_never_touches_the_save(tmp_path):
    session = open_session(tmp_path, from_scene="standup", presets={"energy": "9"})
    assert session.slot is None
    game = session.new_day("s")
    assert game.scene_id == "standup" and game.state.stats["energy"] == 9


def test_adopting_a_reloaded_story_keeps_the_day_and_the_day_offered_to_continue(tmp_path):
    session = open_session(tmp_path)
    session.new_day("s")
    session.choose("to_desk")
    session.keep_for_continue()
    story = session.read_story()
    assert session.adopt(story) == []
    assert session.game.story is story and session.saved.game is session.game
    assert session.game.scene_id == "desk" and session.game.clock_text == "09:05"


def test_report_file_names_are_safe_whatever_the_seed(tmp_path):
    session = open_session(tmp_path, report_dir=tmp_path / "reports")
    session.new_day("../../etc/x [b]y[/b]")
    for choice in ("to_desk", "home"):
        session.choose(choice)
    path = session.write_report()
    assert path.parent == (tmp_path / "reports").resolve()
    assert path.name == f"day-job-{file_safe('../../etc/x [b]y[/b]')}-good_day.md"
    assert "/" not in file_safe("../a/b") and file_safe("  ") == ""


def test_watch_looks_at_the_glossary_too(tmp_path, editable_story):
    story = editable_story("jargon")
    session = open_session(tmp_path, story=story)
    assert story / "glossary.yaml" in session.story_files()
    (story / "glossary.yaml").write_text(
        "terms:\n  converge:\n    term: converge\n    means: It settles at last.\n", encoding="utf-8"
    )
    again = session.read_story()
    assert (
        list(again.glossary.terms) == ["converge"] and again.glossary.terms["converge"].means == "It settles at last."
    )
