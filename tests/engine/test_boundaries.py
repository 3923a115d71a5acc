"""The engine stays free of the screen: no textual, no rich."""

from __future__ import annotations

import subprocess
import sys


def test_engine_never_imports_textual_or_rich():
    code = (
        "import sys, game.engine, game.engine.saves, game.engine.migrate, game.plain\n"
        "from game.engine import load_story, Game\n"
        "g = Game(load_story('tests/fixtures/mini'), seed='x')\n"
        "g.choose('coffee'); g.report().markdown()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_engine_sources_do_not_mention_textual_or_rich():
    from pathlib import Path

    import game.engine

    for path in Path(game.engine.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert "import textual" not in text and "from textual" not in text, path
        assert "import rich" not in text and "from rich" not in text, path
