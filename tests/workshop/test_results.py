"""Result files: what a finished day leaves behind, and how damaged or foreign files are told apart."""

from __future__ import annotations

import io
import json

import pytest
from workshop_serving import ROOM

from game.engine import Game, load_story
from game.workshop.results import RESULT_VERSION, read_result, read_results, write_result

STORY = load_story(ROOM)
FIELDS = {
    "result_version",
    "story_title",
    "story_hash",
    "seed",
    "short",
    "ending",
    "stats",
    "minutes",
    "choices",
    "scenes",
    "spent",
    "terms",
    "finished_at",
}


def finished(seed: str = "R", short: bool = False, picks=(0,)) -> Game:
    game = Game(STORY, seed, short=short)
    step = 0
    while not game.ended:
        ids = game.available
        game.choose(ids[picks[step % len(picks)] % len(ids)])
        step += 1
    return game


def test_a_result_holds_the_day_and_nothing_personal(tmp_path):
    game = finished(picks=(1, 0, 2))
    path = write_result(game, tmp_path / "new" / "folder")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == FIELDS  # no nickname given: none stored, and nothing else about the player
    report = game.report()
    assert data["result_version"] == RESULT_VERSION == 1
    assert data["story_title"] == "Room Day" and data["story_hash"] == STORY.hash
    assert data["seed"] == "R" and data["short"] is False
    assert data["ending"] == {"id": report.ending_id, "title": report.ending_title}
    assert data["stats"] == {s.name: s.value for s in report.stats}
    assert data["minutes"] == report.minutes
    assert data["choices"] == report.choices
    assert data["scenes"] == [step.scene for step in game.state.history]
    assert data["finished_at"].endswith("Z")


def test_nicknames_are_one_short_line(tmp_path):
    game = finished()
    data = json.loads(write_result(game, tmp_path, nickname="  Sam\n\x1b[31mthe\tgreat  ").read_text())
    assert data["nickname"] == "Sam [31mthe great"
    data = json.loads(write_result(game, tmp_path, nickname="x" * 500).read_text())
    assert data["nickname"] == "x" * 40
    data = json.loads(write_result(game, tmp_path, nickname="   ").read_text())
    assert "nickname" not in data


def test_every_result_gets_its_own_file_and_no_temporary_is_left(tmp_path):
    game = finished()
    paths = {write_result(game, tmp_path) for _ in range(200)}
    assert len(paths) == 200
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    assert all(p.suffix == ".json" for p in paths)


def test_an_unfinished_day_leaves_no_result(tmp_path):
    with pytest.raises(ValueError):
        write_result(Game(STORY, "R"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_result_reads_back_as_written(tmp_path):
    game = finished(short=True)
    r = read_result(write_result(game, tmp_path, nickname="Alex"))
    assert (r.seed, r.short, r.ending_id, r.nickname) == ("R", True, game.ending.id, "Alex")
    assert list(r.choices) == game.report().choices


@pytest.mark.parametrize(
    "content, reason",
    [
        (b'{"result_version": 1, "seed": ', "damaged JSON (line 1)"),
        (b"", "damaged JSON (line 1)"),
        (b'{"hello": "world"}', "not a Day Job result file"),
        (b"[1, 2, 3]", "not a Day Job result file"),
        (b'{"result_version": 2}', "result version 2 is not one this version of Day Job reads (1)"),
        (b'{"result_version": "1"}', "'result_version' should be a whole number"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b"[" * 100_000, "nested too deeply to be a result"),
    ],
)
def test_damaged_and_foreign_files_are_named_with_a_reason(tmp_path, content, reason):
    (tmp_path / "bad.json").write_bytes(content)
    found = read_results(tmp_path)
    assert found.results == []
    assert [(s.path.name, s.reason) for s in found.skipped] == [("bad.json", reason)]


def test_results_with_wrong_shapes_are_skipped(tmp_path):
    good = json.loads(write_result(finished(), tmp_path / "x").read_text())
    for n, (key, value, reason) in enumerate(
        [
            ("stats", {"morale": "high"}, "'stats' should map names to whole numbers"),
            ("stats", {"morale": True}, "'stats' should map names to whole numbers"),
            ("minutes", {"focus": -5}, "'minutes' should not be negative"),
            ("choices", "coffee", "'choices' should be a list of ids"),
            ("scenes", ["arrive"], "'scenes' and 'choices' should be the same length"),
            ("ending", "shipped", "'ending' should have an id and a title"),
            ("short", "yes", "'short' should be true or false"),
            ("seed", 7, "'seed' should be text"),
        ]
    ):
        folder = tmp_path / f"case{n}"
        folder.mkdir()
        (folder / "r.json").write_text(json.dumps({**good, key: value}))
        found = read_results(folder)
        assert [s.reason for s in found.skipped] == [reason], key


def test_big_files_other_files_and_in_flight_writes(tmp_path):
    write_result(finished(), tmp_path)
    (tmp_path / "huge.json").write_bytes(b" " * 2_000_000)
    (tmp_path / "notes.txt").write_text("bring pens")
    (tmp_path / ".20250101-1.json.abc.tmp").write_text("{")  # an atomic write in progress
    (tmp_path / "sub").mkdir()
    found = read_results(tmp_path)
    assert len(found.results) == 1
    assert {s.path.name: s.reason for s in found.skipped} == {
        "huge.json": "too large for a result file (2,000,000 bytes)",
        "notes.txt": "not a .json result file",
    }


def test_the_plain_player_writes_a_result_with_results(tmp_path, capsys):
    from game.plain import PlainOptions, run_plain

    options = PlainOptions(story=ROOM, seed="P", short=True, results=tmp_path / "res", nickname="Kim", no_save=True)
    out = io.StringIO()
    code = run_plain(options, stdin=io.StringIO("1\n" * 40), out=out)
    assert code == 0
    (r,) = read_results(tmp_path / "res").results
    assert r.nickname == "Kim" and r.short and r.seed == "P"
    assert "Result written to" in capsys.readouterr().err
