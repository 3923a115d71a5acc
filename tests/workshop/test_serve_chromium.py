"""End to end in a real browser: headless Chromium loads the workshop page, a day is played by key presses,
the result arrives. Skipped where Chromium or playwright-core is not installed:
    apt-get install -y chromium
    mkdir -p /tmp/pw && cd /tmp/pw && npm install playwright-core   (or set PLAYWRIGHT_NODE_PATH)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from workshop_serving import HERE, ROOM

from game.engine import Game, load_story
from game.workshop.results import read_results

SCRIPT = HERE / "chromium_day.cjs"


def _chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _node_path() -> str | None:
    candidates = [os.environ.get("PLAYWRIGHT_NODE_PATH"), "/tmp/pw/node_modules", str(Path.home() / "node_modules")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "playwright-core").is_dir():
            return candidate
    return None


CHROMIUM, NODE_PATH, NODE = _chromium(), _node_path(), shutil.which("node")


@pytest.mark.skipif(not (CHROMIUM and NODE_PATH and NODE), reason="needs chromium, node and playwright-core")
def test_a_day_in_headless_chromium(serve, tmp_path):
    results = tmp_path / "results"
    served = serve("--seed", "CHROME", "--short", "--story", str(ROOM), "--results", str(results))
    proc = subprocess.run(
        [NODE, str(SCRIPT), served.url, CHROMIUM, "Chromie"],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, NODE_PATH=NODE_PATH),
        cwd=tmp_path,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, proc.stdout + proc.stderr
    outcome = json.loads(lines[-1])
    assert outcome["ok"], outcome.get("error")
    assert outcome["failedRequests"] == []  # the page needs nothing from the internet
    assert outcome["closedMessage"].startswith("Your session has ended. Thanks for playing!")
    # the day the browser played: always the first choice, on the shared seed's short day
    expected = Game(load_story(ROOM), "CHROME", short=True)
    while not expected.ended:
        expected.choose(expected.available[0])
    (result,) = read_results(results).results
    assert list(result.choices) == expected.report().choices
    assert (result.seed, result.short, result.ending_id) == ("CHROME", True, expected.ending.id)
    assert result.nickname == "Chromie"  # typed on the welcome page
