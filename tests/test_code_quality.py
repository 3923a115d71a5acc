"""The house style's tools pass: mypy over all of `game`, ruff lint and ruff format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

# the engine passes `mypy --strict` as a whole, new files included (each file was made strict-clean first, #12)
STRICT = "game/engine"


def run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_mypy_finds_no_type_errors():
    # `game` named here, so a narrower [tool.mypy] files cannot leave a package unchecked
    out = run_module("mypy", "--config-file", "pyproject.toml", "game")
    assert out.returncode == 0, out.stdout + out.stderr
    checked = sum(1 for _ in (ROOT / "game").rglob("*.py"))
    assert f"in {checked} source files" in out.stdout, out.stdout


def test_the_engine_passes_mypy_strict():
    # imports followed silently: the engine answers for its own lines, not for `game` above it (its version);
    # a cache of its own, so this run and the non-strict one above neither evict nor race each other's
    out = run_module(
        "mypy",
        "--config-file",
        "pyproject.toml",
        "--strict",
        "--follow-imports=silent",
        "--cache-dir",
        ".mypy_cache/strict",
        STRICT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    checked = sum(1 for _ in (ROOT / STRICT).rglob("*.py"))
    assert f"in {checked} source files" in out.stdout, out.stdout


def test_ruff_format_would_change_nothing():
    out = run_module("ruff", "format", "--check", "game", "tests", "bench")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_finds_nothing_in_game_tests_and_bench():
    out = run_module("ruff", "check", "--output-format", "concise", "game", "tests", "bench")
    assert out.returncode == 0, out.stdout + out.stderr


def test_ci_runs_exactly_the_readmes_test_command():
    """What CI runs is what the README tells a contributor to run, so a green CI means the same as a green README."""
    marked = [
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if "# install and run every test" in line
    ]
    assert len(marked) == 1, "the README has one line marked '# install and run every test'"
    readme = marked[0].split("#", 1)[0].strip()
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = [line for line in steps if line and not line.startswith(("#", "set ", "cd "))]
    assert commands == [readme]


def test_no_function_over_60_lines_without_a_reason_beside_it():
    """A long function says why on the line above it (`# long: ...`); anything else that long is split."""
    import ast

    unexplained = []
    for path in sorted((ROOT / "game").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if node.end_lineno is None or node.end_lineno - node.lineno + 1 <= 60:
                continue
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            above = lines[first - 2].strip() if first >= 2 else ""
            if not (above.startswith("# long: ") and len(above) > len("# long: ") + 10):
                unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert unexplained == []
