"""The end-of-day report: what it shows and the key that saves it."""

from __future__ import annotations

from tui_helpers import ready, widget_text

from game.tui.screens.report import ReportScreen
from game.tui.screens.scene import SceneScreen
from game.tui.screens.title import TitleScreen


async def play_whole_day(pilot) -> None:
    await ready(pilot)
    await pilot.press("enter", *"11111")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReportScreen)


def shown(app, selector: str) -> str:
    return widget_text(app.screen.query_one(selector)).strip()


async def test_report_reveals_stats_minutes_beside_surveys_timeline_share_line_and_debrief(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await play_whole_day(pilot)
        assert shown(app, "#ending-title") == "A good day"
        assert "Priya said thanks" in shown(app, "#ending-text")
        stats = shown(app, "#stat-bars").splitlines()
        assert stats[0].startswith("Energy") and stats[0].rstrip().endswith("5/10")
        assert stats[1].startswith("Morale") and stats[1].rstrip().endswith("7/10")
        assert "\u2588" in stats[0]
        chart = shown(app, "#minutes-chart").splitlines()
        assert "you" in chart[0] and "surveys" in chart[0]
        meetings = next(line for line in chart if line.startswith("Meetings"))
        assert "15 min" in meetings and "20 min" in meetings  # you, then the survey figure
        assert chart[-1].startswith("Total") and "1 h 30" in chart[-1]
        timeline = shown(app, "#timeline")
        assert "09:30" not in timeline.splitlines()[0]
        assert (
            "09:05  Your desk" in timeline and "Stand-up  meeting" in timeline and "A message  interruption" in timeline
        )
        assert "       Give a crisp update" in timeline  # what you chose, indented under the time
        share = shown(app, "#share-line")
        assert "A good day" in share and "10:30" in share and "test-seed" in share
        debrief = shown(app, "#debrief")
        assert debrief.splitlines() == [
            "1.  What made this a good day?",
            "",
            "2.  Who did you help?",
        ]


async def test_report_traces_minutes_to_scenes_and_names_what_moved_each_stat(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await play_whole_day(pilot)
        spent = shown(app, "#minutes-spent").splitlines()
        report = app.game.report()
        # a line for each category, then one for each scene that spent its minutes, with the choices made there
        assert len(spent) == sum(1 + len(rows) for rows in report.spent.values() if rows)
        meetings = spent.index("Meetings 15")
        (standup,) = report.spent["meetings"]
        assert spent[meetings + 1].strip() == f"Stand-up 15 \u00b7 {'; '.join(standup.choices)}"
        movers = shown(app, "#stat-movers")
        first = report.movers["morale"][0]
        assert "Morale" in movers and f"{first.delta:+d} {first.choice_text}" in movers


async def test_s_writes_the_report_as_markdown_and_shows_where(build, tmp_path):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await play_whole_day(pilot)
        await pilot.press("s")
        await pilot.pause()
        files = list((tmp_path / "reports").glob("*.md"))
        assert len(files) == 1
        text = files[0].read_text()
        assert text.startswith("# Office Day: A good day") and "## Where the minutes went" in text
        assert str(files[0].name) in shown(app, "#report-saved")


async def test_a_long_report_folder_never_splits_the_file_name_and_the_path_can_be_pasted(build, tmp_path):
    """A temp folder on a real machine can be longer than the screen is wide: the notice once wrapped
    mid-filename, so the path could not be read or copied."""
    folder = tmp_path / ("a-rather-long-folder-name-" * 3) / ("and-another-one-" * 3)
    app = build(report_dir=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await play_whole_day(pilot)
        await pilot.press("s")
        await pilot.pause()
        (saved,) = folder.glob("*.md")
        lines = shown(app, "#report-saved").splitlines()
        assert len(str(saved)) > 80 and any(saved.name in line for line in lines)
        assert app.clipboard == str(saved)


async def test_report_buttons_new_day_and_quit(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await play_whole_day(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        assert app.screen.query_one("#seed").value != "test-seed"  # a new day gets a fresh seed
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SceneScreen) and app.game.scene_id == "arrive"
        await pilot.press(*"11111")
        await pilot.pause()
        app.screen.query_one("#quit").press()
        await pilot.pause()
    assert app.return_code == 0


async def test_last_days_report_from_the_title(build):
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await play_whole_day(pilot)
    again = build()
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        menu = again.screen.query_one("#menu")
        prompts = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert prompts[0] == "New day" and any("Last day's report" in p for p in prompts)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(again.screen, ReportScreen)
        assert shown(again, "#ending-title") == "A good day"


async def test_in_a_browser_the_report_downloads_and_the_result_line_names_no_server_path(
    build, tmp_path, monkeypatch, told
):
    from game.tui.app import DayJobApp

    delivered = []
    monkeypatch.setattr(DayJobApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(DayJobApp, "deliver_text", lambda self, f, **kw: delivered.append((f.read(), kw)))
    app = build(results=tmp_path / "results")
    async with app.run_test(size=(80, 24)) as pilot:
        await play_whole_day(pilot)
        notes = [message for _, message in told]
        assert "Your day is in: the facilitator has your result." in notes
        assert not any(str(tmp_path) in n for n in notes)
        assert len(list((tmp_path / "results").glob("*.json"))) == 1
        await pilot.press("s")
        await pilot.pause()
        assert len(delivered) == 1
        markdown, options = delivered[0]
        assert markdown.startswith("# ") and options["save_filename"].endswith(".md")
        assert not list((tmp_path / "reports").glob("*.md"))  # nothing written on the server
