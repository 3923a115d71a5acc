"""Fixture stories for the writers' tools, and a way to run `dayjob` in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
ROOT = HERE.parent.parent
SHIPPED = ROOT / "story"


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    """Story paths in messages are shown relative to the working folder: make that the repository."""
    monkeypatch.chdir(ROOT)


@pytest.fixture
def dayjob(capsys):
    """Runs `dayjob ARGS...` in this process; returns (exit code, stdout, stderr)."""
    from game.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def fixture(name: str) -> Path:
    return (FIXTURES / name).relative_to(ROOT)


@pytest.fixture
def office_copy(tmp_path) -> Path:
    """A writable copy of the office fixture."""
    target = tmp_path / "office"
    shutil.copytree(FIXTURES / "office", target)
    return target
