"""`dayjob graph`: the story map from the transitions machine, as valid Mermaid (split past its limits) or dot."""

from __future__ import annotations

import re
from pathlib import Path

from game.authoring.graph import MERMAID_MAX_EDGES, build_map, mermaid_text
from game.engine import load_story

from .conftest import FIXTURES, fixture

ID = r"(?:n_[A-Za-z][A-Za-z0-9_]*|m_[a-z]+)"
LABEL = r'"[^"<>`|\n]*"'
NODE = re.compile(rf"^    {ID}(?:\[{LABEL}\]|\{{\{{{LABEL}\}}\}}|>{LABEL}\]|\(\[{LABEL}\]\)|\(\({LABEL}\)\))$")
EDGE = re.compile(rf"^    ({ID}) (?:-->|-\.->)(?:\|{LABEL}\|)? ({ID})$")
CLASS = re.compile(rf"^    (?:classDef marker [^;]+|class {ID}(?:,{ID})* marker)$")


def check_mermaid(text: str) -> tuple[int, set[tuple[str, str]]]:
    """Every line is one this grammar allows and every edge's ends are declared; returns (edges, edge pairs)."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart LR"
    declared, pairs, edges = set(), set(), 0
    for line in lines[1:]:
        if NODE.match(line):
            declared.add(line.split()[0].split("[")[0].split("{")[0].split(">")[0].split("(")[0])
        elif m := EDGE.match(line):
            edges += 1
            pairs.add((m.group(1), m.group(2)))
            assert m.group(1) in declared and m.group(2) in declared, line
        else:
            assert CLASS.match(line), f"not valid in this Mermaid subset: {line!r}"
    return edges, pairs


def test_mermaid_map_of_a_story(dayjob):
    code, out, _ = dayjob("graph", "--story", fixture("office"))
    assert code == 0
    _edges, _pairs = check_mermaid(out)
    lines = out.splitlines()
    assert '    n_desk -->|"write_report"| n_report_review' in lines
    assert '    n_report_review -->|"publish, tweak"| n_desk' in lines  # one edge, both choices on it
    assert '    n_desk -->|"lunch_early"| n_early_lunch' in lines  # goto an ending id
    assert '    m_clock -.->|"at 09:30"| n_standup' in lines
    assert '    m_chance -.->|"30% if clock #gt;= #quot;10:00#quot;"| n_ping' in lines
    assert '    n_desk -.->|"leave"| m_dayend' in lines
    assert '    m_dayend -.->|"if energy #lt;= 1"| n_exhausted' in lines
    assert '    m_dayend -.->|"otherwise"| n_ordinary' in lines
    assert '    n_ping -.->|"answer, later"| m_back' in lines
    assert "    m_start -->  n_arrive" not in lines and "    m_start --> n_arrive" in lines
    assert '    n_standup{{"standup: Stand-up"}}' in lines  # appointments are hexagons
    assert '    n_ping>"ping: A ping"]' in lines  # interruptions are flags
    assert '    n_exhausted(["exhausted: Exhausted"])' in lines  # endings are stadiums


def test_solid_edges_are_the_written_gotos_and_moves_the_machine_allows():
    from game.engine import Game
    from game.engine.state import Arrival

    story = load_story(FIXTURES / "office")
    edges = {(e.src, e.dst): e.label for e in build_map(story).edges if not e.dashed and e.src != "_start"}
    written = {
        (sc.id, t): ch.id
        for sc in story.scenes.values()
        for ch in sc.choices
        for t in ch.targets
        if t in story.scenes or t in story.ending_ids
    }
    assert set(edges) == set(written)
    for (src, dst), label in edges.items():
        for cid in label.split(", "):
            day = Game(story, seed="s", start=src).state
            how = Arrival.END if dst in story.ending_ids else Arrival.CHOICE
            story.machine.move(day, dst, how, cid)
            assert day.scene == dst


def test_around_a_scene_keeps_only_its_neighbourhood(dayjob):
    code, out, _ = dayjob("graph", "--story", fixture("office"), "--around", "standup", "--depth", "1")
    assert code == 0
    _, pairs = check_mermaid(out)
    assert pairs == {
        ("n_standup", "n_standup_more"),
        ("m_clock", "n_standup"),
        ("n_standup", "m_back"),
        ("n_standup_more", "m_back"),
    }
    code, out, _ = dayjob("graph", "--story", fixture("office"), "--around", "standup", "--depth", "0")
    _, pairs = check_mermaid(out)
    assert pairs == {("m_clock", "n_standup"), ("n_standup", "m_back")}


def test_dot_output(dayjob):
    code, out, _ = dayjob("graph", "--story", fixture("office"), "--format", "dot")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "digraph story {" and lines[-1] == "}"
    assert '    "desk" -> "report_review" [label="write_report"];' in lines
    assert '    "_chance" -> "ping" [label="30% if clock >= \\"10:00\\"", style=dashed];' in lines
    assert '    "standup" [label="standup: Stand-up", shape=hexagon];' in lines
    body = lines[4:-1]
    assert all(re.match(r'^    "[^"]+" (->|\[)', line) for line in body)


def test_labels_are_escaped(tmp_path):
    assert mermaid_text('Say "hi" <b> | `x` #1') == "Say #quot;hi#quot; #lt;b#gt; #124; #96;x#96; #35;1"
    story = _write_story(tmp_path, 3, title='A "quoted" <title> | with `code`')
    edges, _ = check_mermaid(_mermaid(story))
    assert edges > 0


def test_a_large_map_is_split_into_diagrams_mermaid_can_draw(tmp_path):
    story = _write_story(tmp_path, 260)  # three choices each: 780 edges and more
    text = _mermaid(story)
    assert text.startswith("# Story map")
    blocks = re.findall(r"```mermaid\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 2
    total = set()
    for block in blocks:
        edges, pairs = check_mermaid(block)
        assert edges <= MERMAID_MAX_EDGES and len(block) < 50_000
        total |= pairs
    assert len(total) == len(build_map(load_story(story)).edges)


def test_an_unknown_scene_is_a_usage_error(dayjob):
    code, _, err = dayjob("graph", "--story", fixture("office"), "--around", "dsek")
    assert code == 2 and "did you mean 'desk'?" in err


def test_map_of_the_shipped_day_is_valid(dayjob):
    code, out, _ = dayjob("graph")
    assert code == 0
    blocks = re.findall(r"```mermaid\n(.*?)```", out, re.DOTALL) or [out]
    assert sum(check_mermaid(b)[0] for b in blocks) > 50


def _mermaid(story_dir: Path) -> str:
    from game.authoring.graph import to_mermaid

    return to_mermaid(build_map(load_story(story_dir)))


def _write_story(root: Path, n: int, title: str = "Room") -> Path:
    """A ring of n rooms, each with three ways on."""
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(
        'title: Big\nstart: r0\nclock: {start: "09:00", end: "17:00"}\ncategories: [focus]\n'
        "endings:\n  - id: done\n    title: Done\n    text: Done.\n"
    )
    lines = ["scenes:"]
    for i in range(n):
        lines += [
            f"  r{i}:",
            f"    title: '{title.replace(chr(39), chr(39) * 2)} {i}'",
            "    text: A room.",
            "    choices:",
        ]
        for k, step in enumerate((1, 2, 5)):
            lines += [
                f"      - id: go{k}",
                "        text: Go",
                "        minutes: 5",
                f"        goto: r{(i + step) % n}",
            ]
    (root / "scenes" / "rooms.yaml").write_text("\n".join(lines) + "\n")
    return root
