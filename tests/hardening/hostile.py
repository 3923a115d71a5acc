"""Hostile story folders at the sizes the audit used (#14), for the tests and for measuring the caps.

`python -m tests.hardening.hostile DIR` writes every one under DIR; `python -m tests.hardening.measure DIR`
measures `dayjob check` on each, as docs/security.md gives it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from game.engine.expr import MAX_STORY_PARTS
from game.engine.story import Story
from game.engine.where import MAX_TOTAL_BYTES
from game.engine.yamlsafe import MAX_TOTAL_NODES

MANIFEST = """\
title: Hostile
start: desk
clock: {start: "09:00", end: "17:00"}
categories: [focus]
stats: {energy: {start: 5}}
flags: [done]
endings:
  - {id: last, title: The end, text: Over.}
"""
DESK = "scenes:\n  desk:\n    title: Desk\n    text: Hello.\n    choices:\n      - {id: go, text: Go, minutes: 5, goto: end}\n"


def _story(root: Path, files: dict[str, str | bytes], manifest: str = MANIFEST) -> Path:
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(manifest, encoding="utf-8")
    for name, content in files.items():
        path = root / "scenes" / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def typos(root: Path, scenes: int = 5_000) -> Path:
    """Many scenes, each with a goto to a scene that does not exist (suggestions for every one)."""
    lines = ["scenes:"]
    for i in range(scenes):
        lines += [
            f"  scene_number_{i:05d}:",
            "    title: T",
            "    text: x",
            f"    choices: [{{id: go, text: Go, minutes: 5, goto: scene_numbr_{i:05d}x}}]",
        ]
    return _story(root, {"desk.yaml": DESK, "typos.yaml": "\n".join(lines) + "\n"})


def many_values(root: Path, files: int = 80, per_file: int = 399_000) -> Path:
    """Files of `per_file` values each (the audit: 80 files of 399,000, 61 MB, each far over the per-file cap)."""
    body = "scenes:\n  desk:\n    title: Desk\n    text: Hello.\n    choices:\n      - {id: go, text: Go, goto: end}\n"
    body += "x: [" + ",".join(["1"] * (per_file - 12)) + "]\n"
    return _story(root, {f"v{i:03d}.yaml": body.replace("desk", f"d{i}") for i in range(files)})


def sparse(root: Path, size: int = 3 << 30) -> Path:
    """A 3 GB sparse scene file: no disk used, and it must not be read."""
    _story(root, {"desk.yaml": DESK})
    with open(root / "scenes" / "huge.yaml", "wb") as fh:
        fh.truncate(size)
    return root


def cut_off(root: Path, files: int = MAX_TOTAL_BYTES // 1_900_000 + 1) -> Path:
    """More than the story's bytes in all files (MAX_TOTAL_BYTES), with the scene every other file goes to read last."""
    filler = "# " + "x" * 98 + "\n"
    body = "scenes:\n  s{i}:\n    title: S\n    text: x\n    choices: [{{id: go, text: Go, goto: desk}}]\n" + filler * (
        1_900_000 // len(filler)
    )
    return _story(root, {f"a{i:03d}.yaml": body.format(i=i) for i in range(files)} | {"z_desk.yaml": DESK})


def near_cap(root: Path, files: int = MAX_TOTAL_NODES // 50_000, scenes: int = 1_922) -> Path:
    """Just under the story's value cap (26 values a scene), all of it scenes that load and are checked (the slowest kind)."""
    out = {"desk.yaml": DESK.replace("goto: end", "goto: s0_0")}
    for f in range(files):
        lines = ["scenes:"]
        for i in range(scenes):
            lines += [
                f"  s{f}_{i}:",
                "    title: T",
                "    text: Some text here.",
                f"    choices: [{{id: go, text: Go, minutes: 5, goto: s{f}_{(i + 1) % scenes}, if: energy > 2}},"
                " {id: b, text: B, goto: desk}]",
            ]
        out[f"f{f}.yaml"] = "\n".join(lines) + "\n"
    return _story(root, out)


def conditions(root: Path, files: int = MAX_TOTAL_BYTES // 426_000) -> Path:
    """Just under the story's bytes of conditions of 22 comparisons that never hold (1,000 distinct ones, each
    compiled once): lint warns about every one, with the ranges that rule it out."""
    out = {"desk.yaml": DESK}
    n = 0
    for f in range(files):
        lines = ["scenes:"]
        for s in range(250):
            lines += [f"  x{f}_{s}:", "    title: T", "    text: x", "    choices:"]
            for c in range(4):
                n += 1
                cond = " and ".join(f"energy > {(n * 7 + k * 13) % 1000}" for k in range(22))
                lines.append(f'      - {{id: c{c}, text: Go, goto: desk, if: "{cond}"}}')
        out[f"c{f:03d}.yaml"] = "\n".join(lines) + "\n"
    return _story(root, out)


HARD_MANIFEST = MANIFEST.replace("flags: [done]", "flags: [a, b, c, d, e, f, g, h]")
HARD_DESK = DESK.replace(
    "goto: end", "set: {a: true, b: true, c: true, d: true, e: true, f: true, g: true, h: true}, goto: end"
)


HARD_PARTS = 38  # parts of each of hard_conditions' conditions


def hard_conditions(root: Path, files: int = MAX_STORY_PARTS // (HARD_PARTS * 1_000), per_file: int = 1_000) -> Path:
    """Distinct conditions that never hold but take lint's analysis its whole budget each (11 `or`s to branch
    over: 2,048 ways), 1,000 a file, just under the story's parts of conditions (the costliest for lint)."""
    ors = " and ".join(f"({x} or {y})" for x, y in ["ab", "cd", "ef", "gh", "ac", "bd", "eg", "fh", "ad", "bc", "eh"])
    out = {"desk.yaml": HARD_DESK}
    n = 0
    for f in range(files):
        lines = ["scenes:"]
        for s in range(per_file // 4):
            lines += [f"  x{f}_{s}:", "    title: T", "    text: x", "    choices:"]
            for c in range(4):
                n += 1
                lines.append(f'      - {{id: c{c}, text: Go, goto: desk, if: "energy < -{n} and {ors}"}}')
        out[f"h{f:03d}.yaml"] = "\n".join(lines) + "\n"
    return _story(root, out, HARD_MANIFEST)


def bad_conditions(root: Path, files: int = MAX_TOTAL_NODES // 90_000) -> Path:
    """Just under the story's values, a condition on every choice that is an error (an unknown name, looked
    up for a suggestion): about the most problems a story can hold (90,000 values a file)."""
    out = {"desk.yaml": DESK}
    for f in range(files):
        lines = ["scenes:"]
        for s in range(2_000):
            lines += [f"  b{f}_{s}:", "    title: T", "    text: x", "    choices:"]
            for c in range(4):
                lines.append(f"      - {{id: c{c}, text: Go, goto: desk, if: enrgy_{s}_{c} > 1}}")
        out[f"b{f:03d}.yaml"] = "\n".join(lines) + "\n"
    return _story(root, out)


def big_text(root: Path, files: int = MAX_TOTAL_BYTES // 1_960_000) -> Path:
    """Just under the story's bytes in all files, each file one scene with 1.95 MB of text."""
    paragraph = "word " * 19 + "end.\n"
    text = "    text: |\n" + ("      " + paragraph) * (1_950_000 // (len(paragraph) + 6))
    body = "scenes:\n  s{i}:\n    title: T\n" + text + "    choices: [{{id: go, text: Go, goto: desk}}]\n"
    return _story(root, {"desk.yaml": DESK} | {f"t{i:02d}.yaml": body.format(i=i) for i in range(files)})


def many_files(root: Path, files: int = 2_000) -> Path:
    """As many scene files as a story may have, each one small scene."""
    scene = "scenes:\n  s{i}:\n    title: T\n    text: x\n    choices: [{{id: go, text: Go, goto: desk}}]\n"
    return _story(root, {"desk.yaml": DESK} | {f"m{i:04d}.yaml": scene.format(i=i) for i in range(files - 1)})


def escapes(root: Path, files: int = MAX_TOTAL_BYTES // 1_960_000) -> Path:
    """Just under the story's bytes of double-quoted text written as escapes (`\\x41`), the parser's slowest text."""
    body = (
        'scenes:\n  s{i}:\n    title: T\n    text: "'
        + "\\x41" * 480_000
        + '"\n    choices: [{id: go, text: Go, goto: desk}]\n'
    )
    return _story(root, {"desk.yaml": DESK} | {f"e{i}.yaml": body.replace("{i}", str(i)) for i in range(files)})


def huge_int(root: Path, digits: int = 5_000, tag: str = "") -> Path:
    """`minutes:` with thousands of digits (Python reads at most 4,300), plain or under `!!int`."""
    scene = DESK.replace("minutes: 5", f"minutes: {tag}{'9' * digits}")
    return _story(root, {"desk.yaml": scene})


def link_out(root: Path, target: Path) -> Path:
    """A scene file that is a symlink to a file outside the story folder."""
    target.write_text(DESK.replace("desk", "stolen"), encoding="utf-8")
    _story(root, {"desk.yaml": DESK})
    os.symlink(target, root / "scenes" / "stolen.yaml")
    return root


def _result(story_title: str, story_hash: str, player: str, **more: object) -> str:
    """A workshop result file's JSON (game/workshop/results.py)."""
    data = {
        "result_version": 1,
        "story_title": story_title,
        "story_hash": story_hash,
        "seed": "S",
        "short": False,
        "ending": {"id": "helper", "title": "The helper"},
        "stats": {"morale": 4, "energy": 2},
        "minutes": {"focus": 90},
        "finished_at": "2025-05-01T10:00:00Z",
        "player": player,
    }
    return json.dumps(data | more)


def results_long_ids(root: Path, story: Story, files: int = 70) -> Path:
    """More than a debrief reads in all (64 MB): files just under the 1 MB cap, each with lists of 10,000
    ids of 45 characters (the audit: 300 files of 10,000 ids took 20 s and 836 MB)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        choices = [f"c{i}_{k:06d}".ljust(45, "x") for k in range(10_000)]
        scenes = [f"s{k:06d}".ljust(45, "y") for k in range(10_000)]
        (root / f"r{i:03d}.json").write_text(_result(story.title, story.hash, f"p{i}", choices=choices, scenes=scenes))
    return root


def results_many_files(root: Path, story: Story, files: int = 5_100) -> Path:
    """More result files than a debrief reads (5,000), each a short day."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        day = _result(story.title, story.hash, f"p{i}", choices=["coffee", "data"], scenes=["arrive", "desk"])
        (root / f"r{i:04d}.json").write_text(day)
    return root


CASES: dict[str, Callable[[Path], Path]] = {
    "typos": typos,
    "many_values": many_values,
    "sparse": sparse,
    "cut_off": cut_off,
    "near_cap": near_cap,
    "conditions": conditions,
    "hard_conditions": hard_conditions,
    "bad_conditions": bad_conditions,
    "big_text": big_text,
    "many_files": many_files,
    "escapes": escapes,
    "huge_int": huge_int,
    "huge_int_tagged": lambda root: huge_int(root, tag="!!int "),
    "link_out": lambda root: link_out(root, root.parent / "outside.yaml"),
}


if __name__ == "__main__":
    out = Path(sys.argv[1])
    for name, make in CASES.items():
        make(out / name)
        print(out / name)
