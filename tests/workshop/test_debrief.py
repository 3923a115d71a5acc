"""`dayjob debrief`: a room's results, a damaged file among them, in text, Markdown and HTML."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest
from workshop_serving import ROOM, ROOT

from game.engine import load_story
from game.workshop.debrief import (
    DebriefOptions,
    build_debrief,
    render_csv,
    render_html,
    render_markdown,
    render_text,
    run_debrief,
)

STORY = load_story(ROOM)


def result(
    ending: str,
    title: str,
    morale: int,
    energy: int,
    path: list[tuple[str, str]],
    *,
    nickname: str | None = None,
    minutes: dict | None = None,
    seed: str = "ROOM",
    short: bool = False,
    story_title: str = "Room Day",
) -> dict:
    data = {
        "result_version": 1,
        "story_title": story_title,
        "story_hash": STORY.hash,
        "seed": seed,
        "short": short,
        "ending": {"id": ending, "title": title},
        "stats": {"morale": morale, "energy": energy},
        "minutes": minutes or {"focus": 90, "data": 60, "meetings": 30, "messages": 0, "break": 0},
        "choices": [c for _, c in path],
        "scenes": [s for s, _ in path],
        "finished_at": "2025-05-01T10:00:00Z",
    }
    if nickname:
        data["nickname"] = nickname
    return data


ROOM_RESULTS = [
    # Arriving splits 3 / 3; the first desk visit 4 / 2; stand-up 5 / 1; only two come back to the desk, 1 / 1.
    result(
        "helper",
        "The helper",
        4,
        2,
        [("arrive", "coffee"), ("desk", "data"), ("standup", "crisp"), ("desk", "inbox")],
        nickname="Sam",
    ),
    result(
        "helper",
        "The helper",
        5,
        4,
        [("arrive", "coffee"), ("desk", "data"), ("standup", "crisp"), ("desk", "home")],
        nickname="Alex",
    ),
    result("helper", "The helper", 6, 6, [("arrive", "coffee"), ("desk", "data"), ("standup", "crisp")]),
    result("shipped", "Shipped before noon", 7, 8, [("arrive", "straight"), ("desk", "data"), ("standup", "crisp")]),
    result("shipped", "Shipped before noon", 8, 4, [("arrive", "straight"), ("desk", "model"), ("standup", "crisp")]),
    result(
        "ordinary",
        "An ordinary morning",
        6,
        6,
        [("arrive", "straight"), ("desk", "model"), ("standup", "ramble")],
        minutes={"focus": 90, "data": 60, "meetings": 30, "messages": 120, "break": 0},
    ),
]


@pytest.fixture
def room_folder(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    for i, data in enumerate(ROOM_RESULTS):
        (folder / f"2025-{i}.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / "broken.json").write_text('{"result_version": 1, "ending": {"id": "hel', encoding="utf-8")
    return folder


def test_the_room_is_counted_and_the_damaged_file_named(room_folder):
    d = build_debrief(room_folder, STORY)
    assert d.participants == 6
    assert [(s.path.name, s.reason) for s in d.skipped] == [("broken.json", "damaged JSON (line 1)")]
    assert [(e.id, e.count, round(e.share * 100)) for e in d.endings] == [
        ("helper", 3, 50),
        ("shipped", 2, 33),
        ("ordinary", 1, 17),
    ]
    assert d.endings[0].names == ["Alex", "Sam"]
    assert {s.name: s.average for s in d.stats} == {"morale": 6.0, "energy": 5.0}


def test_minutes_stand_beside_the_survey_figures(room_folder):
    d = build_debrief(room_folder, STORY)
    rows = {m.category: m for m in d.minutes}
    assert rows["messages"].average == 20.0
    assert rows["focus"].average == 90.0
    assert round(rows["focus"].share * 100) == 45  # 90 of 200 average minutes
    assert round(rows["focus"].reference_share * 100) == 33  # 60 of the surveys' 180
    assert rows["break"].reference_share is None  # the surveys say nothing about breaks
    assert d.reference_label == "Surveys"


def test_the_html_draws_the_minutes_beside_the_surveys_as_bars(room_folder):
    """The key chart for Analyse: per kind of work, the room's bar and the surveys' bar on one scale."""
    d = build_debrief(room_folder, STORY)
    page = render_html(d)
    section = page.split("Where the minutes went", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>([^<]+)</td>.*?</tr>", section)
    assert rows == [m.label for m in d.minutes]
    top = max(max(m.share, m.reference_share or 0) for m in d.minutes)
    for m in d.minutes:
        row = re.search(rf"<tr><td>{re.escape(m.label)}</td>.*?</tr>", section).group(0)
        widths = [float(w) for w in re.findall(r'<div class="bar[^"]*"><span style="width:([\d.]+)%">', row)]
        expected = [100 * m.share / top] + ([] if m.reference_share is None else [100 * m.reference_share / top])
        assert widths == pytest.approx(expected, abs=0.06), m.label
        assert row.count('class="bar ref"') == (m.reference_share is not None)
    assert "this room" in page.split("Where the minutes went", 1)[1].split("<table>", 1)[0]  # the legend


def test_the_most_divisive_choices_come_first(room_folder):
    d = build_debrief(room_folder, STORY)
    assert [(s.label, s.reached) for s in d.splits] == [
        ("Arriving", 6),  # 3 / 3 of everyone
        ("At the desk", 6),  # 4 / 2 of everyone
        ("Stand-up", 6),  # 5 / 1
        ("At the desk (2nd time)", 2),  # 1 / 1, but only two people got there
    ]
    first = d.splits[0]
    assert [(label, count, round(share * 100)) for _, label, count, share in first.options] == [
        ("Get a coffee first", 3, 50),
        ("Straight to the desk", 3, 50),
    ]


def test_questions_follow_describe_analyse_transfer_apply(room_folder):
    text = render_text(build_debrief(room_folder, STORY))
    stages = [text.index(f"  {stage}:") for stage in ("DESCRIBE", "ANALYSE", "TRANSFER", "APPLY")]
    assert stages == sorted(stages)
    transfer = text[stages[2] : stages[3]]
    # each reached ending's own questions, the most common ending first
    assert transfer.index("The helper") < transfer.index("Shipped before noon") < transfer.index("An ordinary")
    assert "Who do you help at work" in transfer and "What did shipping cost?" in transfer
    analyse = " ".join(text[stages[1] : stages[2]].split())
    assert "At “Arriving” the room split 50% / 50% between “Get a coffee first” and “Straight to the desk”" in analyse


def test_only_reached_endings_bring_their_questions(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    for i, data in enumerate(ROOM_RESULTS[:3]):  # everyone was a helper
        (folder / f"{i}.json").write_text(json.dumps(data))
    text = render_text(build_debrief(folder, STORY))
    assert "Who do you help at work" in text
    assert "What did shipping cost?" not in text
    assert "All 3 of you ended with “The helper”" in " ".join(text.split())


def test_text_fits_a_projected_terminal_even_with_long_names(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    long_title = "A very long ending title that some writer thought was a good idea " * 3
    for i in range(12):
        data = result(
            "helper",
            long_title,
            5,
            5,
            [("arrive", "coffee" if i % 2 else "straight")],
            nickname=f"Participant-with-a-long-name-{i}",
        )
        (folder / f"{i}.json").write_text(json.dumps(data))
    (folder / ("x" * 150 + ".json")).write_text("{")
    text = render_text(build_debrief(folder, STORY))
    assert max(len(line) for line in text.splitlines()) <= 80


def test_html_is_one_self_contained_file_with_everything_escaped(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.json").write_text(
        json.dumps(
            result(
                "helper",
                "<img src=x onerror=alert(1)>",
                5,
                5,
                [("arrive", "coffee")],
                nickname="<script>alert(1)</script>",
            )
        )
    )
    (folder / "b.json").write_text(json.dumps(result("helper", "ok", 5, 5, [("arrive", "straight")])))
    (folder / "<b>bad.json").write_text("{")
    page = render_html(build_debrief(folder, STORY))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "<img" not in page and "<b>bad" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    tags = re.findall(r"<[^>]*>", page)
    assert not [t for t in tags if re.search(r"\b(src|href|action)\s*=", t)]  # no external assets, no links
    assert not re.search(r"url\(|@import", page) and not [t for t in tags if "http" in t]
    assert "<style>" in page


def test_markdown_shows_markup_as_written(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.json").write_text(
        json.dumps(result("helper", "A | B *bold*", 5, 5, [("arrive", "coffee")], nickname="[link](http://x)"))
    )
    md = render_markdown(build_debrief(folder, STORY))
    assert "A \\| B \\*bold\\*" in md
    assert "\\[link\\](http://x)" in md
    assert "### Describe: what happened?" in md and md.index("### Describe") < md.index("### Apply")


def test_results_from_another_story_or_version_are_kept_apart(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(ROOM_RESULTS[0]))
    (folder / "b.json").write_text(json.dumps({**ROOM_RESULTS[1], "seed": "OTHER"}))
    (folder / "c.json").write_text(json.dumps({**ROOM_RESULTS[2], "story_title": "Someone else's game"}))
    d = build_debrief(folder, STORY)
    assert d.participants == 2
    assert [(s.path.name, s.reason) for s in d.skipped] == [("c.json", 'from another story ("Someone else\'s game")')]
    assert any("more than one seed" in n for n in d.notes)


def test_an_empty_folder_says_so(tmp_path):
    text = render_text(build_debrief(tmp_path, STORY))
    assert "0 participants" in text and "No finished days" in text


def test_the_command_writes_files_and_names_skipped_ones_on_stderr(room_folder, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "debrief.html"
    args = DebriefOptions(dir=room_folder, story=ROOM, format="html", out=target)
    assert run_debrief(args, out=out, err=err) == 0
    assert out.getvalue() == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "skipped" in err.getvalue() and "broken.json: damaged JSON (line 1)" in err.getvalue()
    assert "Debrief of 6 result(s) written to" in err.getvalue()


def test_the_command_line(room_folder):
    proc = subprocess.run(
        [sys.executable, "-m", "game", "debrief", str(room_folder), "--story", str(ROOM)],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "6 participants · seed ROOM · full day" in proc.stdout
    assert "SKIPPED FILES (1)" in proc.stdout and "broken.json" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "game", "debrief", str(room_folder / "nope")],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "is not a folder of results" in proc.stderr and "Traceback" not in proc.stderr


def test_a_story_that_does_not_load_still_gives_a_debrief(room_folder, tmp_path):
    broken = tmp_path / "broken-story"
    broken.mkdir()
    (broken / "story.yaml").write_text("title: [\n")
    out, err = io.StringIO(), io.StringIO()
    assert run_debrief(DebriefOptions(dir=room_folder, story=broken, format="text"), out=out, err=err) == 0
    text = out.getvalue()
    assert "6 participants" in text and "The story could not be loaded" in " ".join(text.split())
    assert "coffee" in text  # choices shown by id


# -- #14: hostile result files -----------------------------------------------------------------


def test_a_file_with_huge_numbers_is_skipped_with_its_reason_and_the_rest_counted(room_folder):
    (room_folder / "huge.json").write_text(
        '{"result_version": 1, "story_title": "Room Day", "story_hash": "x", "seed": "ROOM", "short": false,'
        ' "ending": {"id": "helper", "title": "The helper"}, "stats": {"morale": 1' + "0" * 400 + "},"
        ' "minutes": {}, "choices": [], "finished_at": "2025-05-01T10:00:00Z"}'
    )
    data = dict(ROOM_RESULTS[0], minutes={"focus": 10**9})
    (room_folder / "minutes.json").write_text(json.dumps(data))
    d = build_debrief(room_folder, STORY)
    assert d.participants == 6
    reasons = {s.path.name: s.reason for s in d.skipped}
    assert reasons["huge.json"] == "a number is out of range (401 digits)"
    assert reasons["minutes.json"] == "'minutes': 'focus' is out of range (1000000000)"
    for render in (render_text, render_markdown, render_html):
        render(d)  # no OverflowError anywhere


def test_the_total_read_is_bounded(tmp_path, monkeypatch):
    from game.workshop import results as results_module

    monkeypatch.setattr(results_module, "MAX_FOLDER_FILES", 3)
    folder = tmp_path / "r"
    folder.mkdir()
    for i, data in enumerate(ROOM_RESULTS):
        (folder / f"{i}.json").write_text(json.dumps(data))
    d = build_debrief(folder, STORY)
    assert d.participants == 3
    assert [s.reason for s in d.skipped] == ["not read: the debrief reads at most 5,000 files and 64 MB in all"] * 3


def test_escapes_and_bidi_overrides_are_made_visible_in_every_format(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    nasty = "\x1b]0;PWNED\x07\x1b[2J\u202eevil"
    data = result("helper", "Title \x1b]52;c;Zm9v\x07", 5, 5, [("arrive", "coffee")], nickname=nasty, seed="S\x1b[31m")
    (folder / "a.json").write_text(json.dumps(data))
    (folder / "\x1b[2Jname.json").write_text("{")
    d = build_debrief(folder, STORY)
    from game.workshop.debrief import RENDERERS

    for name, render in RENDERERS.items():
        out = render(d)
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out, name
        assert "\\x1b" in out, name  # shown, not hidden


def test_csv_has_one_row_per_attempt_and_no_formulas(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    first = dict(result("helper", "The helper", 4, 2, [("arrive", "coffee")], nickname="=cmd|' /C calc'!A0"))
    first.update(player="p1", attempt=1, finished_at="2025-05-01T10:00:00Z")
    second = dict(result("shipped", "Shipped before noon", 7, 8, [("arrive", "straight")]))
    second.update(player="p1", attempt=2, finished_at="2025-05-01T10:09:00Z")
    other = dict(result("ordinary", "An ordinary morning", 6, 6, [("arrive", "straight")]), unfinished=True)
    other["ending"] = {"id": "unfinished", "title": "Unfinished at 10:40"}
    for i, data in enumerate((first, second, other)):
        (folder / f"{i}.json").write_text(json.dumps(data))
    d = build_debrief(folder, STORY)
    assert d.participants == 2 and d.replays == 1 and d.unfinished == 1
    assert [(e.id, e.count) for e in d.endings] == [("helper", 1), ("unfinished", 1)]  # first attempts only
    import csv as csv_module

    rows = list(csv_module.DictReader(io.StringIO(render_csv(d))))
    assert len(rows) == 3
    assert [(r["player"], r["attempt"], r["ending"]) for r in rows if r["player"]] == [
        ("p1", "1", "helper"),
        ("p1", "2", "shipped"),
    ]
    first_row = next(r for r in rows if r["player"] == "p1" and r["attempt"] == "1")
    assert first_row["nickname"].startswith("'=")  # a spreadsheet shows it, does not run it
    assert [r["unfinished"] for r in rows].count("true") == 1
    assert first_row["stat:morale"] == "4" and first_row["minutes:focus"] == "90"


@pytest.mark.parametrize("audience", ["careers", "onboarding", "class"])
def test_the_audience_chooses_apply_and_the_slides_ask_at_most_six(room_folder, audience):
    from game.workshop.debrief import APPLY, slides_data

    d = build_debrief(room_folder, STORY, audience=audience)
    slides = slides_data(d)
    assert len(slides["questions"]) <= 6
    assert [q["stage"] for q in slides["questions"]] == sorted(
        (q["stage"] for q in slides["questions"]), key=["Describe", "Analyse", "Transfer", "Apply"].index
    )
    assert slides["questions"][-1] == {"stage": "Apply", "heading": None, "text": APPLY[audience]}
    assert APPLY[audience] in " ".join(render_text(d).replace("- ", "").split())
    # minutes against the surveys, for the chart
    assert any(m["reference_share"] is not None for m in slides["minutes"])
    assert slides["participants"] == 6 and sum(e["count"] for e in slides["endings"]) == 6


def test_transfer_asks_one_question_of_each_of_the_three_most_common_endings(room_folder):
    d = build_debrief(room_folder, STORY)
    headed = [(h, qs) for h, qs in d.questions["transfer"] if h]
    assert len(headed) <= 3 and all(len(qs) == 1 for _, qs in headed)


def test_the_room_s_ending_question_is_about_days_that_ended(tmp_path):
    """Days the round stopped have no ending: the Describe question about the most common ending counts
    the days that finished, even when more were stopped than finished (not '2 of 3 ended with Unfinished')."""
    folder = tmp_path / "r"
    folder.mkdir()
    done = [result("helper", "The helper", 5, 5, [("arrive", "coffee")]), result("shipped", "Shipped", 5, 5, [])]
    stopped = []
    for i in range(3):
        data = dict(result("ordinary", "An ordinary morning", 5, 5, [("arrive", "straight")]), unfinished=True)
        data["ending"] = {"id": "unfinished", "title": f"Unfinished at 10:4{i}"}
        stopped.append(data)
    for i, data in enumerate([*done, *stopped]):
        (folder / f"{i}.json").write_text(json.dumps(data))
    d = build_debrief(folder, STORY)
    assert d.endings[0].id == "unfinished"  # the most common row of the endings chart
    asked = [q for _, qs in d.questions["describe"] for q in qs]
    assert "1 of the 2 who finished ended with “The helper”. Who got a different ending" in " ".join(asked)
    assert not [q for q in asked if "Unfinished" in q]
    (folder / "1.json").unlink()  # one day finished: nothing to compare it with
    asked = [q for _, qs in build_debrief(folder, STORY).questions["describe"] for q in qs]
    assert not [q for q in asked if "ended with" in q]
