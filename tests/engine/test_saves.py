"""Saves: atomic, backed up, damaged files moved aside, stories edited under a save."""

from __future__ import annotations

import json

import pytest

from game.engine import Game, SaveError, load_story
from game.engine.saves import SaveSlot


def test_save_writes_and_keeps_previous_as_bak(tmp_path, mini_story):
    slot = SaveSlot(tmp_path)
    game = Game(mini_story, seed="s")
    slot.write(game.snapshot())
    game.choose("coffee")
    slot.write(game.snapshot())
    assert json.loads(slot.path.read_text())["state"]["scene"] == "desk"
    assert json.loads(slot.backup.read_text())["state"]["scene"] == "wake"
    assert not list(tmp_path.glob("*.tmp"))


def test_damaged_save_is_moved_aside_and_backup_is_used(tmp_path, mini_story):
    slot = SaveSlot(tmp_path)
    game = Game(mini_story, seed="s")
    slot.write(game.snapshot())
    game.choose("coffee")
    slot.write(game.snapshot())
    slot.path.write_text('{"save_version": 1, "sta')
    data, notice = slot.read()
    assert data["state"]["scene"] == "wake"
    assert "could not be read" in notice and "moved to day.json.damaged-" in notice
    assert list(tmp_path.glob("day.json.damaged-*"))
    assert not slot.path.exists()


def test_unreadable_save_and_backup_give_nothing_and_a_notice(tmp_path):
    slot = SaveSlot(tmp_path)
    slot.folder.mkdir(exist_ok=True)
    slot.path.write_bytes(b"\xff\xfe garbage")
    data, notice = slot.read()
    assert data is None and "could not be read" in notice


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"save_version": 99, "seed": "s", "state": {}},
        {"save_version": 1, "seed": "s", "state": {"scene": 3}},
        {"save_version": 1, "seed": "s", "state": "x"},
    ],
)
def test_damaged_save_data_raises_save_error(mini_story, data):
    with pytest.raises(SaveError):
        Game.from_snapshot(mini_story, data)


def test_story_edited_under_a_save_resumes_with_notices(story_copy):
    story = load_story(story_copy)
    game = Game(story, seed="s")
    game.choose("coffee")
    game.choose("work")  # 10:10: the stand-up holds the desk
    assert game.scene_id == "standup"
    saved = json.loads(json.dumps(game.snapshot()))
    # remove the stand-up scenes, add a stat, remove one, reorder choices
    meetings = story_copy / "scenes" / "meetings.yaml"
    text = meetings.read_text()
    meetings.write_text("scenes:\n" + text[text.index("  ping:") :])
    for f in (story_copy / "scenes").glob("*.yaml"):
        f.write_text(
            f.read_text()
            .replace("morale: -1", "energy: -1")
            .replace(", morale: +1", "")
            .replace("{morale: +1}", "{energy: +1}")
        )
    manifest = story_copy / "story.yaml"
    manifest.write_text(
        manifest.read_text().replace(
            "  morale:    {start: 5, min: 0, max: 10, label: Morale}",
            "  focus_level: {start: 4, min: 0, max: 10, label: Focus}",
        )
    )
    edited = load_story(story_copy)
    assert edited.hash != story.hash
    resumed = Game.from_snapshot(edited, saved)
    notices = " ".join(resumed.notices)
    assert resumed.scene_id == "desk"
    assert "is gone from the story" in notices
    assert "New stat Focus starts at 4" in notices
    assert "dropped: morale" in notices
    assert "undo starts from here" in notices
    assert resumed.state.stats["focus_level"] == 4
    resumed.choose("work")  # and the day goes on
    assert not resumed.ended or resumed.ending is not None


def test_choices_reordered_under_a_save_resume_by_id(story_copy):
    story = load_story(story_copy)
    game = Game(story, seed="s")
    game.choose("coffee")
    saved = json.loads(json.dumps(game.snapshot()))
    work = story_copy / "scenes" / "work.yaml"
    text = work.read_text()
    desk = text[text.index("      - id: work") : text.index("  ship:")]
    blocks = desk.split("      - id: ")[1:]
    work.write_text(text.replace(desk, "".join("      - id: " + b for b in reversed(blocks))))
    edited = load_story(story_copy)
    assert [c.id for c in edited.scenes["desk"].choices] == ["home", "ship_now", "read", "work"]
    resumed = Game.from_snapshot(edited, saved)
    # nothing the player had was lost; only the undo history starts again
    assert resumed.notices == ["The story changed since this day was saved: undo starts from here."]
    assert [c.id for c in resumed.choices] == ["ship_now", "read", "work"]
    resumed.choose("read")
    assert resumed.state.taken == ["desk/read"]


def test_undo_points_saved_and_restored_are_the_whole_earlier_states():
    """Undo keeps only the history's length at each point; a snapshot writes each point out in full,
    exactly as the state was then, and undo works the same before and after a restore."""
    story = load_story()
    game = Game(story, seed="undo-points")
    states = []
    for _ in range(12):
        if game.ended:
            break
        states.append(json.loads(json.dumps(game.snapshot()["state"])))
        game.choose(game.available[0])
    snap = json.loads(json.dumps(game.snapshot()))
    assert snap["undo"] == states  # each point whole: its history too
    resumed = Game.from_snapshot(story, snap)
    for before in reversed(states[-3:]):
        assert game.undo() and resumed.undo()
        assert game.snapshot()["state"] == resumed.snapshot()["state"] == before
