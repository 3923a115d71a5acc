"""`dayjob graph`: the story map, read from the story, as Mermaid or Graphviz dot.

Solid edges are written `goto`s (labelled with the choice ids that take them). Dashed edges are what the rules of a day add: the
clock starting appointments, chance starting interruptions, `back`, and the end
of the day choosing an ending.

Mermaid refuses diagrams of more than 500 edges or 50,000 characters, and a
diagram cannot raise those limits itself (`maxEdges` and `maxTextSize` are
"secure" keys that only the host page may set), so a large map is printed as
Markdown with several `flowchart` blocks, each within the limits.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from game.authoring.reach import at_of, interrupt_of
from game.engine import Story
from game.engine.clock import format_time
from game.startup import load_story_or_report

MERMAID_MAX_EDGES = 450  # under Mermaid's 500, with room for the start marker
MERMAID_MAX_CHARS = 45_000  # under Mermaid's 50,000


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str  # scene, appointment, interruption, ending, or a marker: start, clock, chance, back, dayend


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str
    dashed: bool = False


@dataclass
class StoryMap:
    """Nodes and edges in story order, ready to draw."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


MARKERS = {
    "_start": "start",
    "_clock": "the clock",
    "_chance": "chance",
    "_back": "back to what was on hold",
    "_dayend": "end of the day",
}


def build_map(story: Story) -> StoryMap:
    """The whole map: scenes, endings and written gotos, plus the rules' dashed edges."""
    words = story.words
    m = StoryMap()
    for scene in story.scenes.values():
        m.nodes[scene.id] = Node(scene.id, f"{scene.id}: {scene.title.render(words)}", scene.kind)
    for ending in story.endings:
        m.nodes[ending.id] = Node(ending.id, f"{ending.id}: {ending.title.render(words)}", "ending")
    for key, label in MARKERS.items():
        m.nodes[key] = Node(key, label, key[1:])
    m.edges.append(Edge("_start", story.start, "", False))
    for (source, dest), ids in story.written_edges.items():
        m.edges.append(Edge(source, dest, _ids(ids)))
    for appt in story.appointments:
        m.edges.append(Edge("_clock", appt.id, f"at {format_time(at_of(appt))}", True))
    for scene in story.interrupts:
        it = interrupt_of(scene)
        cond = f" if {it.cond.src}" if it.cond else ""
        m.edges.append(Edge("_chance", scene.id, f"{it.chance:.0%}{cond}", True))
    for scene in story.scenes.values():
        for special, node in (("back", "_back"), ("end", "_dayend")):
            ids = [ch.id for ch in scene.choices if special in ch.targets]
            if ids:
                m.edges.append(Edge(scene.id, node, _ids(ids), True))
    for e in story.endings:
        m.edges.append(Edge("_dayend", e.id, f"if {e.cond.src}" if e.cond else "otherwise", True))
    used = {e.src for e in m.edges} | {e.dst for e in m.edges}
    m.nodes = {k: v for k, v in m.nodes.items() if not k.startswith("_") or k in used}
    return m


def _ids(ids: list[str]) -> str:
    unique = list(dict.fromkeys(ids))
    return ", ".join(unique[:4]) + (f" +{len(unique) - 4}" if len(unique) > 4 else "")


def around(m: StoryMap, center: str, depth: int) -> StoryMap:
    """Only the scenes and endings within `depth` links of `center` (either direction), and their edges."""
    near: dict[str, set[str]] = {}
    for e in m.edges:
        if e.src.startswith("_") or e.dst.startswith("_"):
            continue  # markers would join everything to everything
        near.setdefault(e.src, set()).add(e.dst)
        near.setdefault(e.dst, set()).add(e.src)
    keep = {center}
    ring = {center}
    for _ in range(max(depth, 0)):
        ring = {n for r in ring for n in near.get(r, ())} - keep
        keep |= ring
    out = StoryMap()
    for e in m.edges:
        src_ok = e.src in keep or (e.src.startswith("_") and e.dst in keep)
        dst_ok = e.dst in keep or (e.dst.startswith("_") and e.src in keep)
        if src_ok and dst_ok:
            out.edges.append(e)
    used = {e.src for e in out.edges} | {e.dst for e in out.edges} | {center}
    out.nodes = {k: v for k, v in m.nodes.items() if k in used}
    return out


# -- Mermaid --------------------------------------------------------------------------------------

_SHAPES = {
    "scene": ('["', '"]'),
    "appointment": ('{{"', '"}}'),
    "interruption": ('>"', '"]'),
    "ending": ('(["', '"])'),
    "start": ('(("', '"))'),
    "clock": ('(("', '"))'),
    "chance": ('(("', '"))'),
    "back": ('(("', '"))'),
    "dayend": ('(("', '"))'),
}


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: entity codes for what the parser would read."""
    out = text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return out.replace("`", "#96;").replace("|", "#124;").replace("\n", " ")


def _mid(node_id: str) -> str:
    # prefixes keep ids clear of Mermaid's keywords (end, graph, style, ...) and of `o`/`x` edge heads
    return ("m" + node_id) if node_id.startswith("_") else ("n_" + node_id)


def mermaid_blocks(m: StoryMap, max_edges: int = MERMAID_MAX_EDGES, max_chars: int = MERMAID_MAX_CHARS) -> list[str]:
    """One flowchart per block, each within Mermaid's default limits."""
    edge_lines = []
    for e in m.edges:
        arrow = "-.->" if e.dashed else "-->"
        label = f'|"{mermaid_text(e.label)}"|' if e.label else ""
        edge_lines.append((e, f"    {_mid(e.src)} {arrow}{label} {_mid(e.dst)}"))

    def node_line(nid: str) -> str:
        n = m.nodes[nid]
        a, b = _SHAPES.get(n.kind, ('["', '"]'))
        return f"    {_mid(nid)}{a}{mermaid_text(n.label)}{b}"

    blocks: list[list[tuple[Edge, str]]] = [[]]
    size = 0
    for e, line in edge_lines:
        cost = len(line) + len(node_line(e.src)) + len(node_line(e.dst)) + 2
        if blocks[-1] and (len(blocks[-1]) >= max_edges or size + cost > max_chars):
            blocks.append([])
            size = 0
        blocks[-1].append((e, line))
        size += cost
    out = []
    for block in blocks:
        ids = list(dict.fromkeys(n for e, _ in block for n in (e.src, e.dst)))
        if not block:
            ids = list(m.nodes)
        lines = ["flowchart LR"] + [node_line(i) for i in ids] + [line for _, line in block]
        dashed_nodes = [_mid(i) for i in ids if i.startswith("_")]
        if dashed_nodes:
            lines.append("    classDef marker fill:#eee,stroke:#999,color:#333")
            lines.append(f"    class {','.join(dashed_nodes)} marker")
        out.append("\n".join(lines) + "\n")
    return out


def to_mermaid(m: StoryMap, title: str = "") -> str:
    """A Mermaid flowchart, or Markdown with several when one would pass Mermaid's limits."""
    blocks = mermaid_blocks(m)
    if len(blocks) == 1:
        return blocks[0]
    parts = [
        f"# Story map{': ' + title if title else ''}",
        "",
        (
            f"The map has {len(m.edges)} edges, more than one Mermaid diagram may draw, so it is split in "
            f"{len(blocks)} parts; a scene can appear in more than one."
        ),
        "",
    ]
    for i, block in enumerate(blocks, 1):
        parts += [f"## Part {i}", "", "```mermaid", block.rstrip("\n"), "```", ""]
    return "\n".join(parts)


# -- dot ------------------------------------------------------------------------------------------

_DOT_SHAPES = {"scene": "box", "appointment": "hexagon", "interruption": "cds", "ending": "doubleoctagon"}


def dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def to_dot(m: StoryMap) -> str:
    lines = [
        "digraph story {",
        "    rankdir=LR;",
        '    node [shape=box, fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for n in m.nodes.values():
        shape = _DOT_SHAPES.get(n.kind, "ellipse")
        extra = ', style=filled, fillcolor="#eeeeee"' if n.id.startswith("_") else ""
        lines.append(f'    "{dot_text(n.id)}" [label="{dot_text(n.label)}", shape={shape}{extra}];')
    for e in m.edges:
        attrs = [f'label="{dot_text(e.label)}"'] if e.label else []
        if e.dashed:
            attrs.append("style=dashed")
        tail = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f'    "{dot_text(e.src)}" -> "{dot_text(e.dst)}"{tail};')
    lines.append("}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class GraphOptions:
    """`dayjob graph`'s command line."""

    story: Path | None = None  # the story folder (None: the shipped day)
    format: str = "mermaid"  # "mermaid" or "dot"
    around: str | None = None  # only scenes near this one
    depth: int = 2  # how near, with `around`


def run_graph(opts: GraphOptions) -> int:
    story = load_story_or_report(opts.story, command="dayjob graph")
    if story is None:
        return 1
    m = build_map(story)
    if opts.around:
        if opts.around not in story.scenes and opts.around not in story.ending_ids:
            close = difflib.get_close_matches(opts.around, sorted(set(story.scenes) | story.ending_ids), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            print(f"dayjob graph: {opts.around!r} is not a scene or an ending{hint}", file=sys.stderr)
            return 2
        if opts.depth < 0:
            print("dayjob graph: --depth takes 0 or more", file=sys.stderr)
            return 2
        m = around(m, opts.around, opts.depth)
    sys.stdout.write(to_dot(m) if opts.format == "dot" else to_mermaid(m, story.title))
    return 0
