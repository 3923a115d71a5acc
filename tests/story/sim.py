"""Random and scripted playthroughs of the shipped day, for the story tests and for tuning.

Run `python -m tests.story.sim [N] [--short]` from the repository root for a summary.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field

from game.engine import CARRY_ON, Game, load_story


@dataclass
class Summary:
    days: int = 0
    endings: Counter = field(default_factory=Counter)
    scenes: Counter = field(default_factory=Counter)
    minutes: dict = field(default_factory=dict)
    choices: list = field(default_factory=list)
    dead_ends: int = 0
    stats: dict = field(default_factory=dict)
    dentist_unsaid: Counter = field(
        default_factory=Counter
    )  # short days past the dentist that never say so, by last choice


def random_day(story, i: int, short: bool = False) -> Game:
    rng = random.Random(i)
    game = Game(story, seed=f"r{i}", short=short, keep_undo=False)
    while not game.ended:
        game.choose(rng.choice(game.available))
    return game


WORDS_A_MINUTE = 230
_BLANK = re.compile(r"\n[ \t]*\n")


def shown(game: Game) -> list[str]:
    """The paragraphs the player reads now: the outcome of the last choice, then the scene or the ending."""
    texts = [game.outcome] if game.outcome else []
    texts += game.paragraphs
    return [p.strip() for t in texts for p in _BLANK.split(t) if p.strip()]


def read_day(story, i: int, short: bool = False) -> tuple[list[str], int]:
    """A random day (as `random_day`) read as a player reads it: every paragraph shown, and the choices made."""
    rng = random.Random(i)
    game = Game(story, seed=f"r{i}", short=short, keep_undo=False)
    paragraphs = shown(game)
    while not game.ended:
        game.choose(rng.choice(game.available))
        paragraphs += shown(game)
    return paragraphs, len(game.state.history)


def read_minutes(paragraphs: list[str]) -> float:
    return sum(len(p.split()) for p in paragraphs) / WORDS_A_MINUTE


def summarise(story, n: int, short: bool = False, play=random_day) -> Summary:
    s = Summary()
    s.minutes = {c: 0 for c in story.categories}
    s.stats = {k: [] for k in story.stats}
    for i in range(n):
        game = play(story, i, short)
        st = game.state
        s.days += 1
        s.endings[st.ending] += 1
        s.scenes.update(st.visits.keys())
        for c, m in st.minutes.items():
            s.minutes[c] += m
        s.choices.append(len(st.history))
        s.dead_ends += sum(1 for step in st.history if step.choice == CARRY_ON)
        if short and not {"dentist", "clock_out"} & st.visits.keys() and "dentist" not in (game.outcome or ""):
            s.dentist_unsaid[st.history[-1].scene, st.history[-1].choice] += 1
        for k, v in st.stats.items():
            s.stats[k].append(v)
    return s


def report(story, s: Summary) -> str:
    lines = [f"{s.days} days"]
    for e in story.endings:
        lines.append(f"  {e.id:20s} {100 * s.endings[e.id] / s.days:5.1f}%")
    ref = (story.reference or {}).get("minutes", {})
    lines.append("minutes (mean, reference):")
    for c, m in s.minutes.items():
        lines.append(f"  {c:9s} {m / s.days:6.1f}  ({ref.get(c, '-')})")
    ch = sorted(s.choices)
    lines.append(f"choices: min {ch[0]} median {statistics.median(ch)} max {ch[-1]} mean {statistics.mean(ch):.1f}")
    lines.append("stats at the end (mean): " + ", ".join(f"{k} {statistics.mean(v):.1f}" for k, v in s.stats.items()))
    missing = [sid for sid in story.scenes if sid not in s.scenes]
    lines.append(f"scenes never reached: {missing}")
    lines.append(f"carry-on choices: {s.dead_ends}")
    return "\n".join(lines)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    short = "--short" in sys.argv
    n = int(args[0]) if args else 2000
    story = load_story(None)
    print(report(story, summarise(story, n, short)))


# -- scripted players ---------------------------------------------------------------------

# Choices a thoughtful player prefers, scene by scene (first available wins).
SENSIBLE = {
    "alarm": ["just_go_in"],
    "arrive": ["plan_day"],
    "standup": ["crisp", "raise_blocker"],
    "standup_parking": ["honest_estimate"],
    "design_review": ["speak_up", "speak_up_late", "take_notes", "take_notes_late"],
    "design_review_dpo": ["drop_the_columns"],
    "lunch": ["eat_with_team"],
    "afternoon_slump": ["walk"],
    "stakeholder_sync": ["propose_baseline", "take_it_back", "honest"],
    "stakeholder_sync_after": ["correct_the_date", "write_followup"],
    "coffee": ["talk_roles", "help_at_kettle", "quick_instant"],
    "data_roles": ["interview_questions"],
    "clock_out": ["todo_list", "log_off"],
    "inbox": ["stakeholder", "skim"],
    "inbox_stakeholder": ["call_them"],
    "unanswered": ["apologise_and_read"],
    "cluster_ticket": ["resume_fix", "seen_before", "trace"],
    "cluster_copied": ["undo_and_own"],
    "cluster_fix": ["hand_over", "fix_it"],
    "cluster_resolved": ["write_note"],
    "colleague_env": ["help_now"],
    "colleague_permissions": ["fix_yourself", "teach"],
    "confluence_page": ["honest", "resume"],
    "confluence_review": ["publish"],
    "model_loss": ["retrain_clean", "check_run", "doubt_it", "debug"],
    "model_debug": ["importances"],
    "model_rerun": ["hunt_leak", "honest_number"],
    "data_first_look": ["chase", "quick_model", "wrap_up"],
    "data_anomaly": ["fix_properly", "ask_chat"],
    "data_anomaly_answer": ["just_fix"],
    "data_label_leak": ["retract", "retrain_without", "drop_feature"],
    "data_wrapup": ["readme"],
    "support_case": ["logs_first"],
    "support_investigate": ["fix_and_reply"],
    "framework_pitch": ["open_the_code"],
    "legacy_pipeline": ["spike_with_scars", "defend_with_history"],
    "ping_lead": ["ask_the_question"],
    "analyst_dashboard": ["send_the_page", "dig_in_together"],
    "dpo_email": ["forward_to_lead"],
    "alignment_sync": ["decline_with_doc"],
    "recruiter": ["polite_no"],
    "vlog_posted": ["honest_comment"],
    "drift_alert": ["hand_to_oncall"],
    "restart_updates": ["use_the_time"],
    "staging_storm": ["check_git_log"],
    "fire_drill": ["talk_to_people"],
}
SENSIBLE_HUB = [
    "read_messages",
    "cluster_ticket",
    "model",
    "data",
    "support",
    "page",
    "framework",
    "go_home",
]

WORKAHOLIC = dict(
    SENSIBLE,
    lunch=["skip_lunch"],
    afternoon_slump=["push_through"],
    clock_out=["one_more_look", "log_off"],
    coffee=["quick_instant"],
    design_review=["speak_up", "speak_up_late", "raise_data_protection"],
    data_anomaly=["fix_properly", "ask_chat"],
    data_label_leak=["point_in_time", "drop_feature", "retract"],
    support_investigate=["fix_and_backlog", "fix_and_reply"],
    cluster_fix=["fix_it", "emergency_change"],
    staging_storm=["help_fix"],
    drift_alert=["investigate"],
    dpo_email=["fill_the_sheet"],
    alignment_sync=["attend"],
    legacy_pipeline=["boring_upgrade", "spike_with_scars"],
    inbox=["triage"],
    restart_updates=["save_and_restart"],
)
WORKAHOLIC_HUB = ["cluster_ticket", "model", "data", "support", "page", "framework", "read_messages"]


def scripted_day(
    prefs: dict, hub: list, team: str, domain: str, seed: str, short: bool = False, rest_below: int = 3, story=None
) -> Game:
    """Play a day choosing by preference lists; the hub takes a coffee when energy is low (if rest_below)."""
    story = story or load_story(None)
    rng = random.Random(seed)
    game = Game(story, seed=seed, short=short, keep_undo=False)
    while not game.ended:
        avail = game.available
        sid = game.scene_id
        if sid == "choose_team":
            pick = team
        elif sid == "choose_domain":
            pick = domain
        elif sid == story.hub:
            order = (["coffee"] if rest_below and game.state.stats["energy"] < rest_below else []) + hub
            if game.state.visits.get("inbox", 0) >= 2:  # nobody sensible reads messages all afternoon
                order = [c for c in order if c != "read_messages"]
            pick = next((c for c in order if c in avail), None) or rng.choice(avail)
        else:
            pick = next((c for c in prefs.get(sid, []) if c in avail), None) or rng.choice(avail)
        game.choose(pick)
    return game
