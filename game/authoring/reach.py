"""Which scenes and endings any day can reach, by following the rules of a day over the story's links."""

from __future__ import annotations

from dataclasses import dataclass, field

from game.authoring.conditions import Analyzer, Bounds
from game.engine.story import Choice, Interrupt, Scene, Story


@dataclass
class Links:
    """The story as a graph: where each scene can lead, and why."""

    edges: dict[str, set[str]] = field(default_factory=dict)  # scene -> scenes and endings it can lead to
    starts: set[str] = field(default_factory=set)
    appointments: set[str] = field(default_factory=set)  # can start after any choice
    interruptions: set[str] = field(default_factory=set)  # can fire (chance > 0, `if` can hold)
    day_end: set[str] = field(default_factory=set)  # endings the clock running out can choose
    dead_ends: dict[str, str] = field(default_factory=dict)  # scene -> why it can offer no choice


def interrupt_of(scene: Scene) -> Interrupt:
    """An interruption's chance and condition (every scene in `story.interrupts` has them)."""
    if scene.interrupt is None:
        raise ValueError(f"scene {scene.id!r} is not an interruption")
    return scene.interrupt


def at_of(scene: Scene) -> int:
    """An appointment's time, in minutes (every scene in `story.appointments` has one)."""
    if scene.at is None:
        raise ValueError(f"scene {scene.id!r} is not an appointment")
    return scene.at


class StoryAnalysis:
    """Bounds, condition answers and the link graph of one story, computed once and shared by the tools."""

    def __init__(self, story: Story):
        self.story = story
        self.bounds = Bounds.of(story)
        self.end_bounds = Bounds.of(story, at_day_end=True)
        self.analyzer = Analyzer(self.bounds)
        self.end_analyzer = Analyzer(self.end_bounds)
        self._cycles: set[str] | None = None
        self._branches: dict[
            int, list[str]
        ] = {}  # id(choice) -> its takeable targets (choices live as long as the story)
        self.links = self._links()

    # -- questions about single conditions ------------------------------------------------

    def choice_can_show(self, choice: Choice) -> bool:
        return self.analyzer.can_hold(choice.cond.tree if choice.cond else None)

    def branches(self, choice: Choice) -> list[str]:
        """The targets of a choice's branches that can be taken (earlier branches may always win)."""
        known = self._branches.get(id(choice))
        if known is None:
            known = self._branches[id(choice)] = self._takeable(choice)
        return known

    def _takeable(self, choice: Choice) -> list[str]:
        if choice.cond is None and len(choice.goto) == 1 and choice.goto[0][0] is None:  # `goto: x`: the usual choice
            return [choice.goto[0][1]]
        out = []
        earlier: list = []
        for cond, target in choice.goto:
            goals = [(t, False) for t in earlier]
            if choice.cond is not None:
                goals.append((choice.cond.tree, True))
            if cond is not None:
                goals.append((cond.tree, True))
            if not goals or self.analyzer.possible(goals):
                out.append(target)
            if cond is None:
                break
            earlier.append(cond.tree)
        return out

    def interruption_can_fire(self, scene: Scene) -> bool:
        it = scene.interrupt
        return it is not None and it.chance > 0 and self.analyzer.can_hold(it.cond.tree if it.cond else None)

    def dead_end(self, scene: Scene, revisited: bool) -> str | None:
        """Why the scene can offer no available choice (the player gets only "Carry on"), or None."""
        conds = []
        for ch in scene.choices:
            if ch.once and revisited:
                continue  # gone after the first visit: it cannot be relied on
            if ch.cond is None:
                return None
            conds.append(ch.cond.tree)
        if not conds:
            return "every choice is `once`, and the scene can be visited again"
        if len(conds) < len(scene.choices):
            if not self.analyzer.possible([(t, False) for t in conds]):
                return None
            return "every choice has an `if` or is `once`, and they can all be unavailable at once"
        if not self.analyzer.possible([(t, False) for t in conds]):
            return None  # the conditions cover every case between them
        return "every choice has an `if`, and they can all be false at once"

    # -- the graph ------------------------------------------------------------------------

    def _links(self) -> Links:
        story = self.story
        links = Links()
        links.starts.add(story.start)
        if story.short is not None:
            links.starts.add(story.short.start)
        for scene in story.scenes.values():
            if scene.at is not None:
                if scene.at_if is None or self.analyzer.can_hold(scene.at_if.tree):  # else it never happens
                    links.appointments.add(scene.id)
            elif scene.interrupt is not None and self.interruption_can_fire(scene):
                links.interruptions.add(scene.id)
        ending_ids = story.ending_ids
        earlier: list = []
        for e in story.endings:
            goals = [(t, False) for t in earlier] + ([(e.cond.tree, True)] if e.cond else [])
            if not goals or self.end_analyzer.possible(goals):
                links.day_end.add(e.id)
            if e.cond is None:
                break
            earlier.append(e.cond.tree)
        for scene in story.scenes.values():
            out: set[str] = set()
            for ch in scene.choices:
                if not self.choice_can_show(ch):
                    continue
                for target in self.branches(ch):
                    if target == "back":
                        out.add(story.hub)  # back resumes a choice's target, already linked; with none held, the hub
                    elif target == "end":
                        out.update(links.day_end)
                    else:
                        out.add(target)
            links.edges[scene.id] = out
        # "Carry on" (the engine's way out of a dead end) goes to the hub, or ends the day from the hub
        cyclic = None
        for scene in story.scenes.values():
            why = self.dead_end(scene, revisited=False)
            if why is None and any(ch.once for ch in scene.choices):
                cyclic = on_cycles(links, story.scenes) if cyclic is None else cyclic
                why = self.dead_end(scene, revisited=scene.id in cyclic)
            if why is not None:
                links.dead_ends[scene.id] = why
                links.edges[scene.id].update(links.day_end if scene.id == story.hub else {story.hub})
        for ending in ending_ids:
            links.edges.setdefault(ending, set())
        self._cycles = cyclic
        return links

    def cycles(self) -> set[str]:
        """Scenes a day can come back to (see `on_cycles`), worked out once."""
        if self._cycles is None:
            self._cycles = on_cycles(self.links, self.story.scenes)
        return self._cycles

    def reachable(self, *, interruptions: bool = True) -> set[str]:
        """Scenes and endings some day can reach from the start (of the full or the short day)."""
        links = self.links
        seen: set[str] = set()
        todo = list(links.starts)
        extra_added = False
        while todo:
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            if not extra_added and cur in self.story.scenes:
                # once any scene is on screen, appointments, interruptions and the day's end can follow
                extra_added = True
                todo.extend(links.appointments)
                todo.extend(links.day_end)
                if interruptions:
                    todo.extend(links.interruptions)
            todo.extend(links.edges.get(cur, ()))
        return seen


_ANY = object()  # stands for "after any choice", where appointments and interruptions can start


def on_cycles(links: Links, scenes) -> set[str]:
    """Scenes a day can come back to (Tarjan's strongly connected components, without recursion)."""

    def succ(node):
        if node is _ANY:
            return sorted(links.appointments | links.interruptions)
        return [*links.edges.get(node, ()), _ANY] if node in scenes else list(links.edges.get(node, ()))

    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    out: set[str] = set()
    counter = 0
    for root in [*scenes, _ANY]:
        if root in index:
            continue
        work = [(root, iter(succ(root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ(nxt))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top is node:
                        break
                if len(component) > 1 or node in links.edges.get(node, ()):
                    out.update(c for c in component if c is not _ANY)
    return out
