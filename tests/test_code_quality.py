"""The house style's tools pass: mypy (the packages listed in pyproject.toml), ruff lint and ruff format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_mypy_finds_no_type_errors():
    out = run_module("mypy", "--config-file", "pyproject.toml")  # what it checks: [tool.mypy] files
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_would_change_nothing():
    out = run_module("ruff", "format", "--check", "game", "tests", "bench")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_finds_nothing_in_game_tests_and_bench():
    out = run_module("ruff", "check", "--output-format", "concise", "game", "tests", "bench")
    assert out.returncode == 0, out.stdout + out.stderr
