"""The shipped day as content: clean `check`, the brief's minimums, every row of the brief, and tidy text."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.engine import load_story

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "story"
TEAMS = ("startup", "bigco", "lab")
DOMAINS = ("fraud", "recsys", "forecast")


@pytest.fixture(scope="module")
def story():
    return load_story(STORY)


def settings(story):
    """Each of the nine team x domain settings as the words a day would use."""
    picks = {
        c.id: {k: v for k, v in c.sets if isinstance(v, str)}
        for sid in ("choose_team", "choose_domain")
        for c in story.scenes[sid].choices
    }
    for team in TEAMS:
        for domain in DOMAINS:
            words = dict(story.words)
            words.update(picks[team])
            words.update(picks[domain])
            yield team, domain, words


def templates(story):
    """(where, template) for every piece of text a player can see, return visits and outcomes included."""
    for scene in story.scenes.values():
        yield scene.id, scene.title
        yield scene.id, scene.text
        if scene.again is not None:
            yield f"{scene.id} (again)", scene.again
        for i, (_, tpl) in enumerate(scene.variants, 1):
            yield f"{scene.id} variant {i}", tpl
        for ch in scene.choices:
            yield f"{scene.id}.{ch.id}", ch.text
            if ch.locked is not None:
                yield f"{scene.id}.{ch.id} (locked)", ch.locked
            for i, (_, tpl) in enumerate(ch.outcome or (), 1):
                yield f"{scene.id}.{ch.id} outcome {i}", tpl
    for ending in story.endings:
        yield ending.id, ending.title
        yield ending.id, ending.text
        for i, (_, tpl) in enumerate(ending.variants, 1):
            yield f"{ending.id} variant {i}", tpl


def alternatives(part) -> list:
    """The templates a part chooses between (a condition's branches, a sequence's steps), or none."""
    if isinstance(part, str) or part[0] in ("w", "W", "time", "clock", "since"):
        return []
    if part[0] == "if":
        return [tpl for _, tpl in part[1]]
    return list(part[2])


def every_text(tpl, words) -> str:
    """All a template can ever show, each alternative of each condition and sequence included."""
    out = []
    for part in tpl.parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] in ("w", "W"):
            out.append(words.get(part[1], ""))
        else:
            out.extend(" " + every_text(alt, words) + " " for alt in alternatives(part))
    return "".join(out)


def words_in(story) -> int:
    n = sum(len(every_text(tpl, story.words).split()) for _, tpl in templates(story))
    n += sum(len(q.split()) for e in story.endings for q in e.debrief)
    return n + len(story.credits.split())


# -- (a) the checker is clean -------------------------------------------------------------


def test_check_reports_no_errors_and_no_warnings():
    from game.authoring.check import check_story

    errors, warnings = check_story(STORY)
    assert errors == []
    assert warnings == [], "\n".join(str(w) for w in warnings)


def test_dayjob_check_command_is_clean():
    out = subprocess.run(
        [sys.executable, "-m", "game", "check", "story"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout == ""
    assert "ok: no errors, 0 warning(s)" in out.stderr


# -- (d) the minimums -----------------------------------------------------------------------


def test_content_minimums(story):
    kinds = [s.kind for s in story.scenes.values()]
    assert len(story.scenes) >= 35  # scenes besides endings (endings are not scenes)
    assert len(story.endings) >= 7
    assert kinds.count("interruption") >= 10
    assert kinds.count("appointment") >= 4
    assert "standup" in {s.id for s in story.appointments}
    assert words_in(story) >= 10_000


def test_no_placeholders_anywhere_in_the_story_files():
    bad = re.compile(r"\b(TODO|TBC|FIXME|XXX|lorem|ipsum|placeholder)\b", re.IGNORECASE)
    for path in [STORY / "story.yaml", *sorted((STORY / "scenes").glob("*.yaml"))]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not bad.search(line), f"{path.name}:{n}: {line.strip()}"


def test_code_in_backticks_closes_on_its_line():
    """Only a matched pair of backticks on one line marks code; a pair split by the editor's wrap would show both
    backticks and style the wrong words (it did, in the old pipeline's `time.sleep(90)`)."""
    for path in [STORY / "story.yaml", *sorted((STORY / "scenes").glob("*.yaml"))]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert line.count("`") % 2 == 0, f"{path.name}:{n}: {line.strip()}"


def test_every_ending_has_two_or_three_debrief_questions(story):
    for ending in story.endings:
        assert 2 <= len(ending.debrief) <= 3, ending.id
        assert all(q.strip().endswith("?") for q in ending.debrief), ending.id


def test_credits_name_the_survey_figures_and_say_they_are_self_reported(story):
    for needle in ("Anaconda", "CrowdFlower", "Munson", "Clockwise", "Meyer", "Gloria Mark", "self-reported"):
        assert needle in story.credits


def test_the_four_named_threads_and_the_hub_exist(story):
    assert story.hub == "desk"
    assert story.scenes["standup"].kind == "appointment"
    for entry in (
        "cluster_ticket",
        "confluence_page",
        "model_loss",
        "inbox",
        "data_first_look",
        "support_case",
        "framework_pitch",
        "coffee",
        "clock_out",
    ):
        assert story.scenes[entry].kind == "scene", entry
    hub_targets = {t for ch in story.scenes["desk"].choices for t in ch.targets}
    assert {
        "inbox",
        "cluster_ticket",
        "confluence_page",
        "model_loss",
        "data_first_look",
        "support_case",
        "framework_pitch",
        "coffee",
        "clock_out",
    } <= hub_targets


def test_each_thread_can_be_finished_by_success_or_by_giving_up(story):
    set_true = {name for s in story.scenes.values() for ch in s.choices for name, v in ch.sets if v is True}
    for flags in (
        ("cluster_fixed", "cluster_escalated"),
        ("page_published",),
        ("model_converged", "model_dropped", "baseline_shipped", "leak_posted"),
        ("data_cleaned",),
        ("support_closed", "support_resolved"),
        ("rewrite_agreed", "legacy_defended"),
        ("number_corrected",),
    ):
        assert set(flags) <= set_true, flags


def test_every_choice_costs_time(story):
    for scene in story.scenes.values():
        for ch in scene.choices:
            assert ch.minutes > 0, f"{scene.id}.{ch.id}"


def test_every_scene_offers_a_real_decision(story):
    for scene in story.scenes.values():
        assert len(scene.choices) >= 2, scene.id


def test_stats_keep_their_names(story):
    assert set(story.stats) == {"morale", "expertise", "energy", "trust"}


# -- text quality in all nine settings ---------------------------------------------------------

IDENTIFIERS = {"model_name", "label"}


def test_inserted_words_never_leave_a_sentence_in_lower_case(story):
    """`{legacy} is...` would render as "the nightly pipeline is...": a word that starts in lower case must not
    start a sentence or a paragraph (write `{^legacy}` there), in any alternative of any condition or sequence."""
    problems = []

    def walk(parts, before, words, where, setting):
        for part in parts:
            if isinstance(part, str):
                before += part
                continue
            if part[0] in ("w", "W"):
                value = words.get(part[1], "")
                starts_sentence = not before.strip() or re.search(r"([.!?][\"\u201d]?\s+|\n\s*\n)$", before)
                if part[0] == "w" and part[1] not in IDENTIFIERS and value[:1].islower() and starts_sentence:
                    problems.append(f"{setting} {where}: {{{part[1]}}} -> {value!r} starts a sentence")
                before += value
                continue
            alts = alternatives(part)
            for alt in alts:
                walk(alt.parts, before, words, where, setting)
            before += "x" if alts else "ten"  # an alternative or a clock phrase: the text goes on mid-sentence
        return before

    for team, domain, words in settings(story):
        for where, tpl in templates(story):
            walk(tpl.parts, "", words, where, f"{team}/{domain}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_setting_fills_every_word(story):
    picks = {
        c.id: {k for k, v in c.sets if isinstance(v, str)}
        for sid in ("choose_team", "choose_domain")
        for c in story.scenes[sid].choices
    }
    for team in TEAMS:
        assert {"team", "lead", "colleague", "analyst", "standup_size", "stakeholder"} <= picks[team], team
    for domain in DOMAINS:
        assert {"domain", "entity", "metric", "label", "model_name"} <= picks[domain], domain


def test_the_short_day_says_it_is_a_half_day(story):
    assert story.short is not None
    assert ("half_day", True) in story.short.sets
    assert dict(story.short.sets)["home_time"] != story.words["home_time"]


def test_team_and_domain_colour_the_day(story):
    """Every team and every domain has its own variants in many scenes."""
    for flag in ("team_startup", "team_bigco", "team_lab", "dom_fraud", "dom_recsys", "dom_forecast"):
        scenes = {s.id for s in story.scenes.values() for cond, _ in s.variants if flag in cond.src}
        assert len(scenes) >= 8, (flag, sorted(scenes))


# -- every row of the brief's table is in the day ---------------------------------------------------

BRIEF_ROWS = {
    "6+ hours behind a computer": [
        ("alarm", "six-plus hours"),
        ("clock_out", "most of your hours have been spent looking at this screen"),
        ("fire_drill", "away from a screen"),
    ],
    "the vlog contrast, and an ending that calls back": [
        ("alarm", "DAY IN THE LIFE"),
        ("vlog_posted", "realistic"),
        ("ending:vlog_never_posted", "day-in-the-life"),
    ],
    "stand-up: short, rambling, cross-functional": [
        ("standup", "yesterday"),
        ("standup", "meant to be six people, six minutes"),
        ("standup", "today it rambles"),
        ("standup", "argue about"),
        ("standup", "head of sales"),
        ("standup", "most technical"),
        ("standup_thread", "three lines"),
    ],
    "helping others with infrastructure": [
        ("colleague_env", "AccessDenied"),
        ("colleague_permissions", "KMS"),
        ("colleague_permissions", "unix group"),
        ("cluster_ticket", "Pending"),
        ("cluster_ticket", "drained"),
    ],
    "team structures vary": [
        ("choose_team", "startup"),
        ("choose_team", "analysts and data scientists"),
        ("choose_team", "ML engineers and researchers"),
        ("data_roles", "data scientist"),
    ],
    "support cases; APIs, compute, storage, data protection": [
        ("support_case", "WRONG"),
        ("analyst_dashboard", "dashboard"),
        ("colleague_permissions", "access request"),
        ("design_review", "API"),
        ("design_review", "GPU"),
        ("design_review", "storage"),
        ("design_review_dpo", "GDPR"),
        ("dpo_email", "retention"),
    ],
    "one domain for a long time; expertise grows": [
        ("choose_domain", "same thing as last year"),
        ("cluster_ticket", "more years on clusters"),
        ("model_debug", "after enough years"),
    ],
    "tools that don't change; the framework of the week": [
        ("arrive", "did not change with the trends"),
        ("framework_pitch", "Rust-powered"),
        ("legacy_pipeline", "scar"),
    ],
    "the meeting-avoider declines, shortens or writes instead": [
        ("arrive", "skip the call"),
        ("arrive", "Decline the design review"),
        ("design_review", "Leave after ten minutes"),
        ("stakeholder_sync", "in writing instead"),
        ("alignment_sync", "Decline"),
    ],
    "documentation takes real time": [
        ("confluence_page", "TBD"),
        ("confluence_page", "Runbook"),
        ("coffee", "manual"),
        ("inbox", "reply-all"),
        ("ending:documentation_hero", "eat hours"),
    ],
    "data is noise and garbage; anomalies": [
        ("data_first_look", "noise and garbage"),
        ("data_anomaly", "-999"),
        ("data_anomaly", "three"),
        ("data_anomaly", "triplicate"),
        ("data_label_leak", "future"),
        ("data_wrapup", "folklore"),
    ],
    "projects may not work out": [
        ("model_loss", "polder"),
        ("model_drop", "we stop"),
        ("ending:quietly_dropped", "noise"),
    ],
    "still one of the best jobs": [("ending:best_job", "best jobs in the world")],
    "advice: preferences, interviews, the mix": [
        ("data_roles", "who owns the data"),
        ("recruiter", "how the week splits"),
        ("ending:firefighter", "interview"),
        ("ending:best_job", "preferences"),
    ],
}


def _all_text(story, where: str) -> str:
    if where.startswith("ending:"):
        e = story.ending(where.split(":", 1)[1])
        parts = [e.title, e.text, *(t for _, t in e.variants)]
        return " ".join([*(" ".join(every_text(p, story.words).split()) for p in parts), *e.debrief])
    s = story.scenes[where]
    parts = [
        s.text,
        *([s.again] if s.again is not None else []),
        *(t for _, t in s.variants),
        *(c.text for c in s.choices),
        *(c.locked for c in s.choices if c.locked is not None),
        *(t for c in s.choices for _, t in (c.outcome or ())),
    ]
    return " ".join(" ".join(every_text(p, story.words).split()) for p in parts)


@pytest.mark.parametrize("row", sorted(BRIEF_ROWS))
def test_every_row_of_the_brief_is_in_the_day(story, row):
    for where, needle in BRIEF_ROWS[row]:
        assert needle.lower() in _all_text(story, where).lower(), (row, where, needle)


def test_every_choice_gets_an_answer(story):
    """A choice either says what happened (an outcome) or leads to a scene that is its consequence; only a
    return to the desk, to what was on hold, or to the end of the day needs the outcome to say it."""
    silent = []
    for scene in story.scenes.values():
        for ch in scene.choices:
            returns = {t for t in ch.targets if t in ("back", "end", story.hub) or t in story.ending_ids}
            if returns and not ch.outcome:
                silent.append(f"{scene.id}.{ch.id} -> {sorted(returns)}")
    assert not silent, "\n".join(silent)


def test_the_story_uses_format_1_1(story):
    """Return visits on the scenes a day comes back to, and shuffles that change the day with the seed."""
    for sid in ("desk", "inbox", "coffee", "cluster_ticket", "data_first_look", "model_loss", "support_case"):
        assert story.scenes[sid].again is not None, sid
    shuffled = {
        s.id
        for s in story.scenes.values()
        for tpl in (s.text, *(t for _, t in s.variants))
        if any(not isinstance(p, str) and p[0] == "shuffle" for p in tpl.parts)
    }
    assert {"alarm", "standup", "design_review", "support_case", "data_anomaly"} <= shuffled, shuffled
