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
    assert resumed.state.taken == [("desk", "read")]


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


# -- saves of the right shape with wrong values (#14: each crashed the TUI on Continue, undo or report) --


def _mid_day(story) -> dict:
    game = Game(story, seed="golden")
    game.replay(["coffee", "work"])
    return json.loads(json.dumps(game.snapshot()))


def _arrival_unknown(d):
    d["state"]["arrival"] = "teleported"


def _extra_key_in_undo_point(d):
    d["undo"][0]["mood"] = "odd"


def _unknown_scene_in_undo_point(d):
    d["undo"][1]["scene"] = "nowhere"


def _history_entry_too_short(d):
    d["state"]["history"][0] = ["wake", "coffee"]


def _history_clock_not_a_number(d):
    d["state"]["history"][0][2] = "09:00"


def _minutes_beyond_any_day(d):
    d["state"]["minutes"]["focus"] = 10**400


def _undo_history_not_the_days(d):
    d["undo"][1]["history"][0][1] = "rush"


def _stat_a_float(d):
    d["state"]["stats"]["energy"] = 2.5


def _taken_not_scene_slash_choice(d):
    d["state"]["taken"] = ["read"]


WRONG_VALUES = [
    _arrival_unknown,
    _extra_key_in_undo_point,
    _unknown_scene_in_undo_point,
    _history_entry_too_short,
    _history_clock_not_a_number,
    _minutes_beyond_any_day,
    _undo_history_not_the_days,
    _stat_a_float,
    _taken_not_scene_slash_choice,
]


@pytest.mark.parametrize("damage", WRONG_VALUES)
def test_a_save_of_the_right_shape_with_a_wrong_value_is_refused(mini_story, damage):
    data = _mid_day(mini_story)
    Game.from_snapshot(mini_story, data)  # undamaged, it resumes
    damage(data)
    with pytest.raises(SaveError, match="damaged"):
        Game.from_snapshot(mini_story, data)


@pytest.mark.parametrize("damage", WRONG_VALUES)
def test_a_wrong_save_is_moved_aside_and_its_good_backup_resumed(tmp_path, mini_story, damage):
    from game.engine.saves import resume_saved

    slot = SaveSlot(tmp_path)
    game = Game(mini_story, seed="golden")
    game.replay(["coffee"])
    slot.write(game.snapshot())
    data = _mid_day(mini_story)
    damage(data)
    slot.write(data)
    resumed, notices = resume_saved(slot, mini_story)
    assert resumed is not None and [s.choice for s in resumed.state.history] == ["coffee"]
    assert len(notices) == 1 and "could not be resumed" in notices[0] and "the one before it is used" in notices[0]
    assert list(tmp_path.glob("day.json.damaged-*")) and not slot.path.exists()


@pytest.mark.parametrize(
    "bad",
    [[1, 2, 3], "a string", {"save_version": 99, "seed": "s", "state": {}}, {"save_version": "1"}],
    ids=["a-list", "a-string", "unknown-version", "version-as-text"],
)
def test_a_good_backup_is_offered_when_the_save_has_the_wrong_shape_or_version(tmp_path, mini_story, bad):
    from game.engine.saves import resume_saved

    slot = SaveSlot(tmp_path)
    game = Game(mini_story, seed="golden")
    game.replay(["coffee"])
    slot.write(game.snapshot())
    slot.write(bad)  # the good day is now the backup
    resumed, notices = resume_saved(slot, mini_story)
    assert resumed is not None and resumed.scene_id == "desk"
    assert len(notices) == 1 and "the one before it is used" in notices[0]
    slot.write(resumed.snapshot())  # the next save keeps the good one as the backup
    assert json.loads(slot.backup.read_text())["state"]["scene"] == "desk"


def test_a_wrong_save_without_a_backup_offers_a_new_day_with_a_notice(tmp_path, mini_story):
    from game.engine.saves import resume_saved

    slot = SaveSlot(tmp_path)
    data = _mid_day(mini_story)
    _arrival_unknown(data)
    slot.write(data)
    resumed, notices = resume_saved(slot, mini_story)
    assert resumed is None and len(notices) == 1
    assert "could not be resumed (the save is damaged (arrival))" in notices[0]
    assert not slot.path.exists() and list(tmp_path.glob("day.json.damaged-*"))


def test_a_save_from_before_arrival_taken_and_history_existed_still_loads(mini_story):
    data = _mid_day(mini_story)
    for key in ("arrival", "taken", "history", "held", "ending"):
        del data["state"][key]
    data["undo"] = []
    game = Game.from_snapshot(mini_story, data)
    assert game.scene_id == "standup" and game.arrival == "start" and game.state.history == []
