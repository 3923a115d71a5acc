"""The language server's parts without a client: overlays in the loader, the index, completion on any prefix."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import StoryError, load_story
from game.lsp.folder import Folder, find_root
from game.lsp.server import HOVER_LINE, complete, hover_text

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "story"
DESK = STORY / "scenes" / "desk.yaml"


def test_the_loader_reads_overlays_instead_of_the_disk(tmp_path):
    story = tmp_path / "story"
    shutil.copytree(STORY, story)
    desk = story / "scenes" / "desk.yaml"
    before = desk.read_bytes()
    bad = desk.read_text().replace("goto: desk", "goto: dsek", 1)
    with pytest.raises(StoryError) as exc:
        load_story(story, overlay={desk: bad})
    assert any("'dsek'" in p.message and p.path.endswith("desk.yaml") for p in exc.value.problems)
    assert desk.read_bytes() == before  # nothing written
    load_story(story)  # the disk is still fine


def test_an_overlay_can_add_a_scene_file_not_yet_saved(tmp_path):
    story = tmp_path / "story"
    shutil.copytree(STORY, story)
    new = story / "scenes" / "zz_new.yaml"
    text = (
        "scenes:\n  brand_new:\n    title: New\n    text: Hi.\n    choices:\n      - {id: go, text: Go, goto: desk}\n"
    )
    loaded = load_story(story, overlay={new: text})
    assert "brand_new" in loaded.scenes and not new.exists()


def test_the_folder_of_a_file_is_found_from_its_path(tmp_path):
    assert find_root(DESK) == STORY
    assert find_root(STORY / "story.yaml") == STORY
    assert find_root(STORY / "glossary.yaml") == STORY  # saving it checks the story again
    assert find_root(ROOT / "README.md") is None


def test_the_index_places_every_name_where_it_is_written():
    folder = Folder(STORY)
    ix = folder.build_index()
    assert ix.refs
    for (kind, name), refs in ix.refs.items():
        for r in refs:
            line = folder.text(r.path).split("\n")[r.line]
            assert line[r.col : r.end] == name, (kind, name, r)


def test_hover_on_a_scene_shows_the_start_of_a_long_first_line():
    folder = Folder(STORY)
    folder.index = folder.build_index()
    long = max(folder.index.scenes.values(), key=lambda i: len(i.text.split("\n", 1)[0]))
    first = long.text.split("\n", 1)[0].strip()
    assert len(first) > HOVER_LINE
    text = hover_text(folder, folder.index.definition("scene", long.id))
    [quoted] = [line for line in text.split("\n") if line.startswith("> ")]
    assert len(quoted) <= len("> ") + HOVER_LINE and quoted.endswith("…")
    assert first.startswith(quoted[2:-1])


def test_hover_on_the_hub_names_the_manifest_key_that_leads_there():
    folder = Folder(STORY)
    folder.index = folder.build_index()
    text = hover_text(folder, folder.index.definition("scene", "desk"))
    assert "Led to by: `story.yaml` → `hub`, `" in text


def test_hover_on_a_flag_says_where_it_is_set():
    folder = Folder(STORY)
    folder.index = folder.build_index()
    ref = folder.index.definition("flag", "team_startup")
    text = hover_text(folder, ref)
    assert text.startswith("**team_startup** (flag)")
    assert "Declared in `story.yaml:" in text and "Set by: " in text


_DESK_TEXT = DESK.read_text()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(_DESK_TEXT)), junk=st.sampled_from(["", "{", "[", ":", '"', "- "]))
def test_completion_and_hover_never_crash_on_a_half_typed_file(cut, junk):
    folder = Folder(STORY)
    folder.index = folder.build_index()
    text = _DESK_TEXT[:cut] + junk
    folder.buffers[DESK.resolve()] = text
    folder.index = folder.build_index()
    lines = text.split("\n")
    line = len(lines) - 1
    complete(folder.index, lines, line, len(lines[line]), manifest=False)
    for refs in folder.index.by_file.values():
        for r in refs[:5]:
            hover_text(folder, r)


SCENE = """scenes:
  a:
    title: A
    text: |
      Hello {
    choices:
      - id: go
        text: Go
        effects:
          
        set: {team_startup: true, 
        category: 
        outcome: "{if energy > 2 and 
      - id: stay
        if: >-
          team_startup and
          
    again: |
      Back. {seq: One. | {if team_startup: Two. | elif 
"""


@pytest.mark.parametrize(
    "line, col, expect, refuse",
    [
        (4, len("      Hello {"), {"lead", "team"}, {"energy"}),  # a word in text
        (9, 10, {"energy", "morale"}, {"team_startup", "lead"}),  # a stat under effects
        (10, len("        set: {"), {"team_startup", "lead"}, {"energy"}),  # a flag or word under set
        (10, len("        set: {team_startup: true, "), {"team_bigco", "lead"}, {"team_startup", "energy"}),
        (11, len("        category: "), {"focus", "meetings"}, {"desk"}),
        (12, len('        outcome: "{if energy > 2 and '), {"energy", "team_startup", 'visited("desk")'}, {"lead"}),
        (15, 10, {"energy", "team_bigco", 'visited("desk")'}, {"lead", "title"}),  # a condition over lines
        (18, len("      Back. {seq: One. | {if team_startup: Two. | elif "), {"morale", "team_bigco"}, {"chat"}),
    ],
)
def test_completion_knows_the_place(line, col, expect, refuse):
    folder = Folder(STORY)
    folder.index = folder.build_index()
    labels = {i.label for i in complete(folder.index, SCENE.split("\n"), line, col, manifest=False)}
    assert expect <= labels and not (refuse & labels)


def test_completion_offers_the_keys_a_choice_still_lacks():
    folder = Folder(STORY)
    folder.index = folder.build_index()
    lines = SCENE.split("\n")
    lines[11] = "        "
    items = complete(folder.index, lines, 11, 8, manifest=False)
    labels = {i.label for i in items}
    assert {"goto", "if", "minutes", "once"} <= labels
    assert not ({"id", "text", "effects", "set"} & labels)  # already written
    assert next(i for i in items if i.label == "goto").detail == "required"


@pytest.mark.parametrize(
    "text, expect",
    [
        ("scenes:\n  a:\n    at:\n      \n", {"time", "if"}),  # a conditional appointment
        ("scenes:\n  a:\n    choices:\n      - id: go\n        outcome:\n          - \n", {"if", "text"}),
        ("scenes:\n  a:\n    choices:\n      - id: go\n        goto:\n          - \n", {"if", "to"}),
        ("scenes:\n  a:\n    interrupt:\n      \n", {"chance", "if", "repeat"}),
    ],
)
def test_completion_offers_the_keys_of_nested_mappings(text, expect):
    folder = Folder(STORY)
    folder.index = folder.build_index()
    lines = text.split("\n")
    line = len(lines) - 2
    assert {i.label for i in complete(folder.index, lines, line, len(lines[line]), manifest=False)} == expect


def test_parses_are_reused_only_while_a_file_is_unchanged(tmp_path):
    story = tmp_path / "story"
    shutil.copytree(STORY, story)
    desk = story / "scenes" / "desk.yaml"
    parses: dict = {}
    load_story(story, parses=parses)
    kept = {path: doc for path, (_, doc) in parses.items()}
    assert len(kept) == len(list((story / "scenes").glob("*.yaml"))) + 1
    bad = desk.read_text().replace("goto: desk", "goto: dsek", 1)
    with pytest.raises(StoryError) as exc:
        load_story(story, overlay={desk: bad}, parses=parses)
    assert any("'dsek'" in p.message for p in exc.value.problems)
    again = {path: doc for path, (_, doc) in parses.items()}
    changed = [path for path in kept if again[path] is not kept[path]]
    assert len(changed) == 1 and changed[0].endswith("desk.yaml")
    load_story(story, parses=parses)  # back to the disk's bytes: parsed again, and fine


def test_the_index_reads_format_1_1_places(tmp_path):
    (tmp_path / "scenes").mkdir()
    (tmp_path / "story.yaml").write_text(
        'version: "1.1"\ntitle: T\nstart: desk\nclock: {start: "09:00", end: "12:00"}\ncategories: [focus]\n'
        "stats:\n  energy: {start: 5}\nflags: [dispute]\nwords: {lead: Priya}\n"
        "endings:\n  - id: last\n    title: The end\n    text: Over.\n"
    )
    (tmp_path / "scenes" / "day.yaml").write_text(
        "scenes:\n"
        "  desk:\n    title: Desk\n    text: |\n      Your desk.\n"
        '      {if energy < 3: You yawn. | elif clock >= "10:15" and dispute: {^lead} waits. | else: Fine.}\n'
        "    choices:\n"
        "      - id: call\n        text: Call\n        set: {dispute: true}\n"
        "        outcome:\n          - {if: dispute, text: Again.}\n          - {text: 'Said {since sync}.'}\n"
        "        goto: desk\n"
        '  sync:\n    at: {time: "10:30", if: dispute and energy > 1}\n    title: Sync\n    text: Talk.\n'
        "    choices:\n      - {id: listen, text: Listen, minutes: 30, goto: back}\n"
    )
    folder = Folder(tmp_path)
    ix = folder.build_index()
    for refs in ix.refs.values():
        for r in refs:
            assert folder.text(r.path).split("\n")[r.line][r.col : r.end] == r.name, r
    roles = lambda kind, name: sorted(r.role for r in ix.uses(kind, name))  # noqa: E731
    assert roles("flag", "dispute") == ["cond", "cond", "cond", "decl", "set"]
    assert roles("stat", "energy") == ["cond", "cond", "decl"]
    assert roles("word", "lead") == ["decl", "text"]
    assert roles("scene", "sync") == ["decl", "text"]
    assert ix.scenes["sync"].kind == "appointment" and ix.scenes["sync"].at == "10:30"


def _whole_words(text: str, name: str) -> set[tuple[int, int]]:
    """Every place `name` stands as a whole word in a file, comment lines left out."""
    pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
    return {
        (i, m.start())
        for i, line in enumerate(text.split("\n"))
        if not line.lstrip().startswith("#")
        for m in pattern.finditer(line)
    }


def _compared(text: str, name: str) -> set[tuple[int, int]]:
    """Every place a stat is compared or given (a stat's name may also be an English word in the prose)."""
    pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?=\s*(?:[<>=!]|:))")
    return {
        (i, m.start())
        for i, line in enumerate(text.split("\n"))
        if not line.lstrip().startswith("#")
        for m in pattern.finditer(line)
    }


def _insertions(text: str, name: str) -> set[tuple[int, int]]:
    """Every place a word is inserted in text ({name} or {^name}), at the name."""
    pattern = re.compile(rf"\{{\^?({re.escape(name)})\}}")
    return {(i, m.start(1)) for i, line in enumerate(text.split("\n")) for m in pattern.finditer(line)}


def _places(ix, kind: str, name: str) -> list[tuple[Path, int, int]]:
    return [(r.path, r.line, r.col) for r in ix.uses(kind, name)]


def _assert_every_use_is_found_once(folder: Folder, ix) -> None:
    texts = {p: folder.text(p) for p in folder.paths()}
    for (kind, name), refs in ix.refs.items():
        places = _places(ix, kind, name)
        assert len(places) == len(set(places)), (kind, name, sorted(places))  # a rename would edit a place twice
    for kind, names, where in (
        ("flag", ix.flags, _whole_words),
        ("stat", ix.stats, _compared),
        ("word", ix.words, _insertions),
    ):
        for name in names:
            found = {(p, line, col) for p, line, col in _places(ix, kind, name)}
            for path, text in texts.items():
                missed = {(path.name, line + 1, col + 1) for line, col in where(text, name)} - {
                    (p.name, line + 1, col + 1) for p, line, col in found if p == path
                }
                assert not missed, (kind, name, sorted(missed))


REPEATS = """scenes:
  desk:
    title: Desk
    text: |
      {lead} and {lead} again. {if dispute: Yes. | else: No.} Then {if dispute: More. | else: Less.}
      {since sync}, and {since sync} again; {^lead} {if energy > 1 and dispute: up | elif dispute: down}.
      A condition over lines of the block: {if
      dispute: over | elif energy > 3: under | else: {if dispute: x |
      elif dispute: y}}.
    choices:
      - id: call
        text: "Say \\"hi\\" to {lead}, then {lead}."
        if: >-
          dispute and (energy > 1
          or dispute or energy < 9)
        set: {dispute: true}
        goto: desk
      - id: two
        text: Two
        if: dispute
          and energy > 2 and dispute
        show_if: 'dispute and clock >= ''10:00'' or dispute'
        goto: desk
  sync:
    at: {time: "10:30", if: dispute and dispute}
    title: Sync
    text: Talk.
    choices:
      - {id: listen, text: Listen, minutes: 30, goto: back}
"""


def test_a_name_written_twice_in_one_condition_or_text_is_placed_twice(tmp_path):
    """Each use is its own place, even on the same line or in a condition over several lines (a rename edits each once)."""
    (tmp_path / "scenes").mkdir()
    (tmp_path / "story.yaml").write_text(
        'version: "1.1"\ntitle: T\nstart: desk\nclock: {start: "09:00", end: "12:00"}\ncategories: [focus]\n'
        "stats:\n  energy: {start: 5}\nflags: [dispute]\nwords: {lead: Priya}\n"
        "endings:\n  - id: last\n    title: The end\n    text: Over.\n"
    )
    (tmp_path / "scenes" / "day.yaml").write_text(REPEATS)
    folder = Folder(tmp_path)
    ix = folder.build_index()
    for refs in ix.refs.values():
        for r in refs:
            assert folder.text(r.path).split("\n")[r.line][r.col : r.end] == r.name, r
    _assert_every_use_is_found_once(folder, ix)
    day = tmp_path / "scenes" / "day.yaml"
    assert len([p for p in _places(ix, "flag", "dispute") if p[0] == day]) == 16
    assert len([p for p in _places(ix, "scene", "sync") if p[0] == day]) == 3  # its id and two {since sync}


def test_every_use_of_a_flag_stat_or_word_in_the_shipped_story_is_found_once():
    folder = Folder(STORY)
    _assert_every_use_is_found_once(folder, folder.build_index())
