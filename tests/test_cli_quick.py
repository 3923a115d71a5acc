"""`dayjob` with only on/off options starts the TUI without argparse: the same options the parser gives."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import QUICK_FLAGS, _tui_options, build_parser, quick_start

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("count", range(len(QUICK_FLAGS) + 1))
def test_quick_options_are_the_parsers(count):
    for flags in itertools.permutations(QUICK_FLAGS, count):
        argv = list(flags)
        assert quick_start(argv) == _tui_options(build_parser().parse_args(argv)), argv
    assert quick_start(["--short", "--short"]) == _tui_options(build_parser().parse_args(["--short", "--short"]))


@pytest.mark.parametrize(
    "argv",
    [
        ["--seed", "x"],
        ["--no-s"],  # an abbreviation: the parser's business
        ["play"],
        ["check"],
        ["--help"],
        ["--short", "--from", "desk"],
        ["--projector", "-h"],
        ["--no-save="],
    ],
)
def test_anything_else_goes_to_the_parser(argv):
    assert quick_start(argv) is None


def test_the_quick_start_imports_no_argparse():
    code = (
        "import sys\n"
        "import game.tui.run\n"
        "game.tui.run.run_tui = lambda options: print(options.no_save, options.projector) or 0\n"
        "from game.cli import main\n"
        "assert main(['--no-save', '--projector']) == 0\n"
        "print('argparse' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "False"]


def test_the_collector_is_off_while_the_quick_start_imports_and_as_it_was_after_any_command(monkeypatch, capsys):
    """The quick start's imports (the TUI's options, game.startup) run with the collector off; the TUI then
    keeps it off to its title (run_tui); every command leaves it as it found it."""
    import gc

    import game.cli as cli
    import game.tui.run

    seen: list[bool] = []
    quick = cli.quick_start

    def watched(argv):
        seen.append(gc.isenabled())
        return quick(argv)

    monkeypatch.setattr(cli, "quick_start", watched)
    monkeypatch.setattr(game.tui.run, "run_tui", lambda options: seen.append(gc.isenabled()) or 0)
    assert gc.isenabled()
    assert cli.main(["--no-save"]) == 0
    assert seen == [False, False] and gc.isenabled()
    seen.clear()
    assert cli.main(["schema"]) == 0
    assert seen == [False] and gc.isenabled()
    capsys.readouterr()
