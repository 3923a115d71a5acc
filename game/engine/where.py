"""Where a story's files are (and the shipped day), in a module of its own: finding them imports no parser
or schema, which the TUI's loading worker does not need when the story comes from the compiled-story
cache (bench/bench_startup.py). game/engine/storyfiles.py reads the files."""

from __future__ import annotations

import os
from pathlib import Path

MANIFEST = "story.yaml"
SCENES_DIR = "scenes"
MAX_FILES = 2_000
# The whole-story caps hold a hostile story to about 5 s of `check` on a slow machine (docs/security.md).
# A larger story is the choice of the person running the command, never of a story file: this variable is
# read once, here, and every cap (yamlsafe.py, expr.py, game/authoring/conditions.py) follows it.
LARGE_STORY_VAR = "DAYJOB_LARGE_STORY"
LARGE_STORY = os.environ.get(LARGE_STORY_VAR, "").strip().lower() in ("1", "yes", "true", "on")
_WHERE_TOLD = 'docs/security.md, "Caps, and what they cost at worst"'
# said after every whole-story cap's error: how to opt in, or that the larger caps are already in force
LARGE_STORY_HINT = (
    f"this is already the larger cap that {LARGE_STORY_VAR}=1 chose ({_WHERE_TOLD})"
    if LARGE_STORY
    else f"to check a larger story you trust, run the command with {LARGE_STORY_VAR}=1 ({_WHERE_TOLD})"
)
MAX_TOTAL_BYTES = 64_000_000 if LARGE_STORY else 16_000_000


def shipped_story_dir() -> Path:
    """The day that ships with the game: inside the installed package, or the source tree's story/."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "story"
    if (packaged / MANIFEST).is_file():
        return packaged
    return here.parent / "story"


def story_files(root: Path) -> list[Path]:
    """The manifest, then every scene file in name order (at most MAX_FILES + 1 are looked for)."""
    scenes = root / SCENES_DIR
    found: list[Path] = []
    if scenes.is_dir():
        for p in scenes.rglob("*"):
            if p.suffix in (".yaml", ".yml") and p.is_file():
                found.append(p)
                if len(found) > MAX_FILES:  # enough to refuse; a huge tree is not walked to its end
                    break
    return [root / MANIFEST, *sorted(found)]
