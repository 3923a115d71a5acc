"""The debrief lists the glossary terms the room's days used, the most met first, with their meanings."""

from __future__ import annotations

import shutil
from pathlib import Path

from game.engine import Game, load_story
from game.workshop.debrief import build_debrief, render_html, render_markdown, render_text
from game.workshop.results import read_results, write_result

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
GLOSSARY = """\
terms:
  deep_work:
    term: deep work
    means: Focused work without interruptions.
  docs:
    term: docs
    means: What the code should have said.
  standup:
    term: stand-up
    means: A short daily team meeting.
"""


def play(story, seed: str, picks: list[str]) -> Game:
    """A day shown as a front end shows it (terms met at each scene), taking these choices, then the first."""
    game = Game(story, seed)
    for choice in picks:
        game.meet_terms()
        game.choose(choice)
    while not game.ended:
        game.meet_terms()
        game.choose(game.available[0])
    return game


def test_the_debrief_lists_the_terms_the_room_met(tmp_path):
    root = tmp_path / "story"
    shutil.copytree(MINI, root)
    (root / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    story = load_story(root)
    folder = tmp_path / "results"
    for n in range(3):
        write_result(play(story, f"room-{n}", ["coffee"]), folder, nickname=f"P{n}")
    assert all(r.terms for r in read_results(folder).results)
    d = build_debrief(folder, story)
    rows = {row.term: row.count for row in d.terms}
    assert rows["deep work"] == 3 and rows["docs"] == 3
    assert [row.count for row in d.terms] == sorted((row.count for row in d.terms), reverse=True)
    assert "TERMS THE ROOM MET" in render_text(d) and "deep work (3): Focused work" in render_text(d)
    assert "- **deep work** (3): Focused work without interruptions." in render_markdown(d)
    assert "<strong>deep work</strong>" in render_html(d)


def test_results_from_before_the_glossary_still_read_and_list_no_terms(tmp_path):
    story = load_story(MINI)
    folder = tmp_path / "results"
    path = write_result(play(story, "old", []), folder)
    text = path.read_text(encoding="utf-8").replace('"terms": [],', "")
    assert '"terms"' not in text
    path.write_text(text, encoding="utf-8")
    (r,) = read_results(folder).results
    assert r.terms == ()
    assert build_debrief(folder, story).terms == []
