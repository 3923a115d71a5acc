"""`dayjob init DIR`: a new story folder, a manifest and one scene, that passes `dayjob check` as it is."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from game.authoring.schema import SCHEMA_FILE, modeline, schema_text

MANIFEST_TEXT = """\
version: "1.1"
title: My day
subtitle: A first story for Day Job
start: desk
clock: {start: "09:00", end: "17:00"}
categories: [focus, breaks]
category_labels: {focus: Focused work, breaks: Breaks}
stats:
  energy: {start: 5, min: 0, max: 10, label: Energy}
flags: [coffee_had]
words:
  colleague: Sam
endings:
  - id: good_day
    if: energy >= 5
    title: A good day
    text: You leave with energy to spare, and {colleague} waves goodbye.
  - id: long_day
    title: A long day
    text: You leave tired, but you leave.
"""

SCENE_TEXT = """\
scenes:
  desk:
    title: Your desk
    text: |
      The screen wakes up. {colleague} waves from across the room.
    again: |
      Back at your desk at {clock}. {if energy < 3: You could use a coffee.}
    variants:
      - if: coffee_had
        text: The coffee is still warm.
    choices:
      - id: work
        text: Get some work done
        minutes: 60
        effects: {energy: -1}
        outcome: "{cycle: An hour of real work. | Another hour. | The list gets shorter.}"
        goto: desk
      - id: coffee
        text: Fetch a coffee
        minutes: 10
        category: breaks
        once: true
        effects: {energy: +2}
        set: {coffee_had: true}
        goto: desk
      - id: go_home
        text: Go home
        goto: end
"""


def create_story(root: Path) -> list[Path]:
    """Writes the starter files into `root` (created if needed); refuses to overwrite a story."""
    manifest = root / "story.yaml"
    if manifest.exists():
        raise FileExistsError(f"{manifest} already exists; `dayjob init` starts a new story in an empty folder")
    scenes = root / "scenes"
    scenes.mkdir(parents=True, exist_ok=True)
    scene = scenes / "desk.yaml"
    if scene.exists():
        raise FileExistsError(f"{scene} already exists; `dayjob init` starts a new story in an empty folder")
    schema = root / SCHEMA_FILE
    manifest.write_text(modeline(manifest, schema) + "\n" + MANIFEST_TEXT, encoding="utf-8")
    scene.write_text(modeline(scene, schema) + "\n" + SCENE_TEXT, encoding="utf-8")
    schema.write_text(schema_text(), encoding="utf-8")
    return [manifest, scene, schema]


@dataclass(frozen=True)
class InitOptions:
    """`dayjob init`'s command line."""

    dir: Path  # the folder to create (or an empty one)


def run_init(opts: InitOptions) -> int:
    root = Path(opts.dir)
    try:
        written = create_story(root)
    except FileExistsError as exc:
        print(f"dayjob init: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"dayjob init: cannot write {exc.filename or root}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    print(
        f"\nNext: `dayjob check {root}` (no problems), `dayjob --story {root}` to play it, and `dayjob lsp --help` "
        "to set up your editor."
    )
    return 0
