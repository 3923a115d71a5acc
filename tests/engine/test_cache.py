"""The compiled-story cache: used only when it is this user's, whole, of this engine and of these files."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from game.engine import cache
from game.engine.cache import load_story_cached, story_key

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture
def where(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DAYJOB_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def story(tmp_path) -> Path:
    target = tmp_path / "story"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def no_parse(monkeypatch):
    """From now on a load that parses fails the test: what loads must come from the cache."""

    def refuse(*_a, **_k):
        raise AssertionError("the story was parsed, not read from the cache")

    def on():
        monkeypatch.setattr("game.engine.loader.load_story", refuse)

    return on


def _entry(where: Path, root: Path) -> Path:
    return where / f"{story_key(root)}.story"


def test_a_second_load_reads_the_cache(where, story, no_parse):
    first = load_story_cached(story)
    assert _entry(where, story).is_file()
    assert oct(os.stat(where).st_mode & 0o777) == "0o700" and oct(os.stat(where / "key").st_mode & 0o777) == "0o600"
    no_parse()
    again = load_story_cached(story)
    assert again is not first and again.hash == first.hash and list(again.scenes) == list(first.scenes)


def test_only_cached_reads_a_good_cache_and_never_parses(where, story, monkeypatch, no_parse):
    """What the TUI does in its own thread right after its first frame: a miss, a stale, damaged or foreign
    entry gives None (the app then parses in a worker), never a parse here and never an unchecked read."""
    with monkeypatch.context() as m:
        m.setattr("game.engine.loader.load_story", lambda *_a, **_k: pytest.fail("parsed"))
        assert load_story_cached(story, only_cached=True) is None and not _entry(where, story).exists()
    good = load_story_cached(story)
    no_parse()
    assert load_story_cached(story, only_cached=True).hash == good.hash
    entry = _entry(where, story)
    entry.write_bytes(entry.read_bytes()[:-1] + b"x")  # damaged
    assert load_story_cached(story, only_cached=True) is None
    (where / "key").write_bytes(os.urandom(32))  # another key: as if written by someone else
    assert load_story_cached(story, only_cached=True) is None
    scene = story / "scenes" / "morning.yaml"
    scene.write_text(scene.read_text() + "\n")  # an edit: another name, nothing there yet
    assert load_story_cached(story, only_cached=True) is None


def test_a_stale_cache_after_an_edit_is_ignored(where, story):
    before = load_story_cached(story)
    old_entry = _entry(where, story)
    scene = story / "scenes" / "morning.yaml"
    scene.write_text(scene.read_text().replace("title: Morning", "title: Early morning"))
    after = load_story_cached(story)
    assert before.scenes["wake"].title.render({}) == "Morning"
    assert after.scenes["wake"].title.render({}) == "Early morning"
    assert _entry(where, story) != old_entry and _entry(where, story).is_file()


def test_a_damaged_cache_is_ignored_and_rebuilt(where, story, no_parse):
    good = load_story_cached(story)
    entry = _entry(where, story)
    blob = bytearray(entry.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # one bit pattern changed in the pickle
    entry.write_bytes(bytes(blob))
    rebuilt = load_story_cached(story)  # parsed again (the damaged file was never unpickled)
    assert rebuilt.hash == good.hash
    entry.write_bytes(entry.read_bytes()[:100])  # cut off
    assert load_story_cached(story).hash == good.hash
    no_parse()
    assert load_story_cached(story).hash == good.hash  # rebuilt: whole again


def test_a_cache_of_another_engine_version_is_ignored(where, story, monkeypatch):
    load_story_cached(story)
    old_entry = _entry(where, story)
    monkeypatch.setattr(cache, "engine_digest", lambda: "another engine")
    assert _entry(where, story) != old_entry  # another engine looks under another name
    shutil.copy(old_entry, _entry(where, story))  # and one found under its name anyway: its header says no
    calls = []
    real = cache._read
    monkeypatch.setattr(cache, "_read", lambda *a: calls.append(real(*a)) or calls[-1])
    assert load_story_cached(story).hash == load_story_cached(story).hash
    assert calls[0] is None and calls[1] is not None  # refused, rebuilt, then read


def test_an_engine_file_edited_gives_another_engine_digest(tmp_path):
    """The engine is known by its files' names, sizes and times, as Python knows stale bytecode."""
    engine = tmp_path / "engine"
    engine.mkdir()
    source = engine / "story.py"
    source.write_text("A = 1\n")
    os.utime(source, ns=(1_000_000_000, 1_000_000_000))
    before = cache.sources_digest(engine, "1.0")
    assert cache.sources_digest(engine, "1.0") == before
    assert cache.sources_digest(engine, "1.1") != before  # another version
    source.write_text("A = 2\n")  # the same size: only its time tells
    assert cache.sources_digest(engine, "1.0") != before
    os.utime(source, ns=(1_000_000_000, 1_000_000_000))
    assert cache.sources_digest(engine, "1.0") == before  # as with Python's bytecode: a time put back hides an edit
    source.write_text("A = 10\n")
    os.utime(source, ns=(1_000_000_000, 1_000_000_000))
    assert cache.sources_digest(engine, "1.0") != before  # another size, the same time
    (engine / "new.py").write_text("")
    os.utime(source, ns=(1_000_000_000, 1_000_000_000))
    assert cache.sources_digest(engine, "1.0") != before


def test_the_scenes_endings_and_glossary_read_from_the_cache_are_unpickled_when_first_used(where, story, no_parse):
    """The title screen reads the story's own fields; its scenes wait until the day needs them."""
    parsed = load_story_cached(story)
    no_parse()
    cached = load_story_cached(story, only_cached=True)
    assert cached is not None and cached.title == parsed.title and cached.hash == parsed.hash
    assert not {"scenes", "endings", "glossary"} & set(vars(cached))  # still the checked file's bytes
    assert [(s.id, s.title, [c.id for c in s.choices]) for s in cached.scenes.values()] == [
        (s.id, s.title, [c.id for c in s.choices]) for s in parsed.scenes.values()
    ]
    assert [e.id for e in cached.endings] == [e.id for e in parsed.endings]
    assert sorted(cached.glossary.terms) == sorted(parsed.glossary.terms)
    assert cached.scenes is cached.scenes and cached.machine is not None  # unpickled once; a day can be built


def test_a_cache_written_with_another_key_is_ignored(where, story, monkeypatch):
    load_story_cached(story)
    (where / "key").write_bytes(os.urandom(32))  # as if another user's cache, or a forged file
    calls = []
    real = cache._read
    monkeypatch.setattr(cache, "_read", lambda *a: calls.append(real(*a)) or calls[-1])
    load_story_cached(story)
    assert calls == [None]


def test_a_cache_folder_others_can_write_is_not_used(where, story, monkeypatch):
    load_story_cached(story)
    os.chmod(where, 0o777)
    monkeypatch.setattr(cache, "_read", lambda *a: pytest.fail("read from a folder others can write"))
    monkeypatch.setattr(cache, "_write", lambda *a: pytest.fail("written to a folder others can write"))
    assert load_story_cached(story).hash


def test_the_cache_can_be_turned_off(where, story, monkeypatch):
    monkeypatch.setenv("DAYJOB_CACHE", "off")
    load_story_cached(story)
    assert not where.exists()


def _transcript(dayjob_main, capsys, *args: str) -> str:
    assert dayjob_main(["play", "--plain", *args]) == 0
    return capsys.readouterr().out


def test_a_day_played_from_the_cache_reads_byte_for_byte_as_one_parsed(where, monkeypatch, capsys, no_parse):
    from game.cli import main
    from game.engine import Game
    from game.engine.loader import load_story

    story = load_story(ROOT / "story")
    game = Game(story, "cache-1")
    pick = random.Random(1)
    while not game.ended:
        game.choose(pick.choice(game.available))
    choices = ",".join(step.choice for step in game.state.history)
    args = ["--story", str(ROOT / "story"), "--seed", "cache-1", "--choices", choices]
    monkeypatch.setenv("DAYJOB_CACHE", "off")
    parsed = _transcript(main, capsys, *args)
    monkeypatch.delenv("DAYJOB_CACHE")
    _transcript(main, capsys, *args)  # writes the cache
    no_parse()
    cached = _transcript(main, capsys, *args)
    assert len(parsed.splitlines()) > 100 and game.title in parsed  # a whole day, to its ending
    assert cached == parsed


def test_check_always_parses(where, story, monkeypatch, capsys):
    from game.cli import main

    load_story_cached(story)
    monkeypatch.setattr(cache, "_read", lambda *a: pytest.fail("check read the cache"))
    (story / "scenes" / "morning.yaml").write_text("scenes: [")  # broken on disk, fine in the cache
    assert main(["check", str(story)]) == 1
    assert "morning.yaml" in capsys.readouterr().out
