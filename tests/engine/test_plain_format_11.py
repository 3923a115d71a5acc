"""The plain player on story format 1.1, byte for byte: an outcome, a return visit, an inline condition,
a sequence step, clock phrases, a conditional appointment and code without its backticks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
GOLDEN = ROOT / "tests" / "golden" / "mini11_plain.txt"
MINI11 = "tests/fixtures/mini11"
SCRIPT = "1\n1\n2\n1\n1\n1\n"  # work, the stand-up, help, work, the review, work to the end


def transcript() -> str:
    out = subprocess.run(
        [sys.executable, "-m", "game", "play", "--plain", "--story", MINI11, "--seed", "golden", "--no-save"],
        input=SCRIPT,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_format_11_transcript_matches_golden_byte_for_byte():
    text = transcript()
    if os.environ.get("DAYJOB_REGENERATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_golden_shows_each_kind_of_format_11_text():
    text = GOLDEN.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    # an outcome, right after the choice and before the appointment that fires next
    at = paragraphs.index("It is a shape mismatch in collate_fn. Priya was right.")
    assert paragraphs[at - 1].endswith("You chose 1: Read the stack trace.")
    assert paragraphs[at + 1] == "09:30. On your calendar: Stand-up."
    assert "The stand-up started zero minutes ago." in text  # {late}
    # a return visit, with a sequence stepping on each one
    assert "Back at your desk at 09:40. The tabs wait." in paragraphs
    assert "Back at your desk at 09:55. The tabs still wait." in paragraphs
    assert "Back at your desk at 10:30. You stop counting the tabs." in paragraphs
    # clock phrases and an inline condition
    assert "The join was on the wrong key. Priya says thanks at five to ten." in paragraphs
    assert "Helping was worth it, but you are tired." in paragraphs
    assert "The data team logs off at eleven o'clock. The join you fixed is still fast." in paragraphs
    # the conditional appointment happened, because the join was fixed before it came due
    assert "The review was due twenty-five minutes ago." in text
    assert "`" not in text
