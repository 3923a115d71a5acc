"""A golden transcript of one seeded day of the shipped story through the plain player, byte for byte.

When the story changes on purpose, regenerate the transcript and read the diff before committing it:

    DAYJOB_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/story/test_golden.py
    git diff tests/story/golden/

If a story change removes a choice the script below takes, the player answers "Please type..."
and the test says so; pick new choice ids (see `python -m game play --plain --seed golden --no-save`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden" / "day_golden.txt"
SEED = "golden"
# choice ids typed one per line: a research lab working on recommendations, filming its day; the quick-number
# email answered with a phone call, a rambling stand-up, a colleague's permissions, the design review's
# data-protection detour, the interruptions the seed brings, lunch with the team, the model's usual suspects down
# to the leak, an honest stakeholder sync, and an honest number at the end of the day: "Shipped, and true". On the
# way it shows outcomes, a return visit to the desk, sequences and shuffles, and the clock said in words.
SCRIPT = (
    "film_vlog lab recsys postpone_updates read_messages stakeholder ramble help_now teach "
    "raise_data_protection write_to_dpo call_them dig_in_together eat_with_team model tentative debug "
    "importances honest walk_first retrain_without converged_tomorrow go_home log_off"
).split()


def transcript() -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "game", "play", "--plain", "--seed", SEED, "--no-save"],
        input="\n".join(SCRIPT) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
    )


def test_golden_day_matches_byte_for_byte():
    out = transcript()
    assert out.returncode == 0, out.stderr
    assert "Please type" not in out.stdout, "the script took a choice that is no longer there"
    assert ". The end: " in out.stdout
    if os.environ.get("DAYJOB_REGENERATE_GOLDEN"):
        GOLDEN.write_text(out.stdout, encoding="utf-8")
    assert out.stdout == GOLDEN.read_text(encoding="utf-8")


def test_golden_day_is_a_whole_day():
    text = GOLDEN.read_text(encoding="utf-8")
    assert "\n09:00. A day in the life.\n" in text
    for appointment in ("Stand-up", "Design review", "Lunch", "Stakeholder sync"):
        assert re.search(rf"^\d\d:\d\d\. On your calendar(?: at \d\d:\d\d)?: {appointment}\.", text, re.MULTILINE), (
            appointment
        )
    assert ". An interruption: " in text
    assert ". The end: Shipped, and true.\n" in text
    assert text.count("\nYou chose ") >= 20
