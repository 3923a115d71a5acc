"""`dayjob route`: the shortest choices that bring a day to a scene or an ending, and the seed they need.

A breadth-first search over the day's real states (the engine plays every step;
states that agree on everything the rules read are merged). While the levels stay
small the search is exhaustive, so the route is the shortest for its seed; past
that, each level keeps its most promising states (closest on the static map,
closest to making the target's conditions hold, latest clock) and the answer says
a shorter route may exist. Interruptions depend on the seed, so candidate seeds
are tried; a rare interruption is first reached as a moment when it could fire,
then seeds are tried until one makes it fire.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from game.authoring.conditions import Goal, distance, variable
from game.authoring.reach import StoryAnalysis, interrupt_of
from game.engine import ChoiceError, DayState, Game, Story
from game.engine.clock import format_time
from game.engine.exprtree import Node
from game.startup import lacks_short_day, load_story_or_report, parse_presets

SEEDS = 200  # candidate seeds: route-0 .. route-199
BUDGET = 300_000  # engine steps in all
WIDTH = 300  # states kept per level once the search has had to prune
EXHAUSTIVE = 4_000  # levels up to this size are searched whole (so short routes are proven shortest)


@dataclass
class Route:
    """What the search found: the seed and choices, or why there are none."""

    target: str
    seed: str | None = None
    choices: list[str] | None = None
    shortest: bool = False  # proven shortest for its seed (the search never had to prune)
    short: bool = False
    reason: str | None = None
    steps: int = 0
    seeds_tried: list[str] = field(default_factory=list)
    start: str | None = None  # --from
    preset: dict[str, str] = field(default_factory=dict)  # --set

    @property
    def found(self) -> bool:
        return self.choices is not None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"target": self.target, "seed": self.seed, "choices": self.choices}
        out.update(
            found=self.found,
            short=self.short,
            shortest=self.shortest,
            steps=self.steps,
            seeds_tried=len(self.seeds_tried),
        )
        if self.start is not None:
            out["from"] = self.start
        if self.preset:
            out["set"] = dict(self.preset)
        if self.reason:
            out["reason"] = self.reason
        return out


class _Node:
    __slots__ = ("choice", "game", "parent")

    def __init__(self, game: Game, parent: _Node | None, choice: str | None):
        self.game = game
        self.parent = parent
        self.choice = choice

    @property
    def state(self) -> DayState:
        return self.game.state

    def path(self) -> list[str]:
        out = []
        node = self
        while node.parent is not None and node.choice is not None:  # only the root has neither
            out.append(node.choice)
            node = node.parent
        return out[::-1]


class RouteSearch:
    """The search for one target in one story."""

    def __init__(
        self,
        story: Story,
        target: str,
        *,
        short: bool = False,
        analysis: StoryAnalysis | None = None,
        start: str | None = None,
        preset: dict[str, str] | None = None,
    ):
        self.story = story
        self.target = target
        self.short = short
        self.start = start  # `--from`: the day starts at this scene
        self.preset = preset  # `--set`: stats, flags, words, clock and done appointments, as `play` takes them
        self.a = analysis or StoryAnalysis(story)
        self.is_ending = target in story.ending_ids
        counted: set[str] = set()  # scenes whose visit counts the rules read
        for sc in story.scenes.values():
            exprs = [c for c, _ in sc.variants] + [sc.interrupt.cond if sc.interrupt else None, sc.at_if]
            for ch in sc.choices:
                exprs.append(ch.cond)
                exprs.extend(c for c, _ in ch.goto)
            counted.update(s for e in exprs if e is not None for s in e.scenes)
        for e in story.endings:
            if e.cond is not None:
                counted.update(e.cond.scenes)
        self.counted = tuple(sorted(counted))
        self.once_seen = tuple(
            sorted({s.id for s in story.appointments} | {s.id for s in story.interrupts if not interrupt_of(s).repeat})
        )
        self._hint_maps: dict[tuple, dict[str, int]] = {}
        self.hops = self._hops()
        self.goal = self._goal()

    # -- the static map, backwards from the target -------------------------------------------

    def _hops(self) -> dict[str, int]:
        """Fewest choices from each scene to the target on the static map (0 where time alone gets there)."""
        if self.is_ending and self.target in self.a.links.day_end:
            return {s: 0 for s in self.story.scenes}
        return self._hops_to({self.target})

    def _hops_to(self, goals: set[str]) -> dict[str, int]:
        """Fewest choices from each scene to any of `goals` on the static map."""
        links = self.a.links
        if not hasattr(self, "_back"):
            self._back: dict[str, set[str]] = {}
            for src, dsts in links.edges.items():
                for d in dsts:
                    self._back.setdefault(d, set()).add(src)
        anywhere = links.appointments | links.interruptions
        hops = {g: 0 for g in goals}
        todo = list(goals)
        while todo:
            nxt = []
            for cur in todo:
                preds = set(self._back.get(cur, ()))
                if cur in anywhere:
                    preds |= set(self.story.scenes)
                for p in preds:
                    if p not in hops:
                        hops[p] = hops[cur] + 1
                        nxt.append(p)
            todo = nxt
        return hops

    def _hint(self, var: Node, direction: int, st: DayState) -> float:
        """How far (on the static map) the day is from a choice that moves `var` in `direction`."""
        kind, name = variable(var) or ("", "")
        key: tuple[object, ...]
        if kind == "clock":
            return 0.0 if direction > 0 else 10.0
        if kind == "flag":
            key = ("flag", name, direction > 0)
        elif kind == "stat":
            key = ("stat", name, direction)
        elif kind == "visited" and direction > 0:
            key = ("visited", name)
        else:
            return 10.0
        hops = self._hint_maps.get(key)
        if hops is None:
            if kind == "visited":
                sources = {name}
            else:
                sources = set()
                for sc in self.story.scenes.values():
                    for ch in sc.choices:
                        moves = (
                            (name, direction > 0) in ch.sets
                            if kind == "flag"
                            else any(n == name and d * direction > 0 for n, d in ch.effects)
                        )
                        if moves:
                            sources.add(sc.id)
            hops = self._hint_maps[key] = self._hops_to(sources) if sources else {}
        h = hops.get(st.scene)
        return 10.0 if h is None else min(h, 20) * 0.25

    def _goal(self) -> list[Goal]:
        """The conditions the target needs, as (tree, wanted value), for the search's sense of "closer"."""
        story = self.story
        if self.is_ending:
            goals = []
            for e in story.endings:
                if e.id == self.target:
                    if e.cond is not None:
                        goals.append((e.cond.tree, True))
                    break
                if e.cond is not None:
                    goals.append((e.cond.tree, False))
            return goals
        scene = story.scenes[self.target]
        if scene.interrupt is not None and scene.interrupt.cond is not None:
            return [(scene.interrupt.cond.tree, True)]
        if scene.at_if is not None:  # a conditional appointment: its `if` must hold when it comes due
            return [(scene.at_if.tree, True)]
        return []

    def _score(self, st: DayState) -> tuple:
        hops = self.hops.get(st.scene, 10_000)
        cond = sum(distance(t, w, st, self._hint) for t, w in self.goal)
        scene = self.story.scenes.get(self.target)
        if scene is not None and scene.at is not None:
            cond += max(0, scene.at - st.clock) / 30
        elif hops == 1 and scene is not None:
            here = self.story.scenes[st.scene].choices
            gates = [
                distance(ch.cond.tree, True, st, self._hint) if ch.cond is not None else 0.0
                for ch in here
                if self.target in ch.targets
            ]
            cond += min(gates, default=0.0)
        return hops, cond, -st.clock

    def key(self, st: DayState) -> tuple:
        """Everything the rules of a day read; states with equal keys have equal futures."""
        v = st.visits
        return (
            st.scene,
            st.held,
            st.ending,
            st.clock,
            st.rng,
            tuple(st.stats.values()),
            tuple(st.flags.values()),
            frozenset(st.taken),
            tuple(v.get(s, 0) for s in self.counted),
            tuple(s in v for s in self.once_seen),
            tuple(st.skipped),  # conditional appointments already off for the day
        )

    def reached(self, game: Game) -> bool:
        if self.is_ending:
            return game.state.ending == self.target
        return not game.ended and game.state.scene == self.target

    def eligible(self, game: Game) -> bool:
        """Whether the target (an interruption) could fire after the next choice."""
        st = game.state
        it = interrupt_of(self.story.scenes[self.target])
        if game.ended or st.held is not None or st.scene == self.target:
            return False
        if not it.repeat and self.target in st.visits:
            return False
        return it.cond is None or it.cond(st)

    # -- searching ------------------------------------------------------------------------------

    def new_game(self, seed: str) -> Game:
        """A day as `dayjob play --plain` starts it with the same options."""
        return Game(self.story, seed, short=self.short, start=self.start, preset=self.preset, keep_undo=False)

    def search(
        self,
        seed: str,
        budget: int,
        *,
        max_depth: int = 400,
        width: int = WIDTH,
        prefix: Sequence[str] = (),
        hit=None,
        collect: int = 1,
    ) -> Found:
        """Breadth-first from the start (after `prefix`) to states where `hit(game)` holds (default: the target)."""
        hit = hit or self.reached
        found = Found()
        game = self.new_game(seed)
        try:
            game.replay(list(prefix))
        except ChoiceError:
            return found
        found.steps = len(prefix)
        if hit(game):
            found.paths.append([])
            return found
        root = _Node(game.fork(history=False), None, None)
        seen = {self.key(root.state)}
        frontier = [root]
        depth = 0
        while frontier and depth < max_depth:
            depth += 1
            nxt: list[_Node] = []
            for node in frontier:
                ids = node.game.available
                for cid in ids:
                    if found.steps >= budget:
                        found.out_of_budget = True
                        return found
                    game = node.game.fork(history=False)
                    game.choose(cid)
                    found.steps += 1
                    if hit(game):
                        found.paths.append(_Node(game, node, cid).path())
                        if len(found.paths) >= collect:
                            return found
                        continue
                    if game.ended:
                        continue
                    k = self.key(game.state)
                    if k in seen:
                        continue
                    seen.add(k)
                    nxt.append(_Node(game, node, cid))
            if found.paths:
                return found  # the rest of this level is no shorter
            if len(nxt) > (width if found.pruned else max(width, EXHAUSTIVE)):
                found.pruned = True
                nxt = self._beam(nxt, width)
            frontier = nxt
        return found

    def sweep(self, seeds: int, budget: int) -> tuple[tuple[str, list[str]] | None, int, int]:
        """For an interruption: reach days where it could fire, then try seeds until one makes it fire.

        Returns the seed and choices that made it fire (or None), the engine steps and the seeds tried.

        Searching one seed at a time rarely works for a rare interruption: the days a
        search keeps share their random draws, so they fire or fail together.
        """
        # The choice that makes its `if` hold may also be the one after which it fires (always, at
        # chance 1): such a day is already there, never "could fire", so both count as a hit.
        first = self.search("route-0", budget // 2, hit=lambda g: self.reached(g) or self.eligible(g), collect=12)
        steps = first.steps
        fired = [p for p in first.paths if _verify(self, "route-0", p)]
        if fired:
            return ("route-0", min(fired, key=len)), steps, 1
        prefixes = sorted(first.paths, key=len)[:3]
        for i in range(seeds):
            seed = f"route-{i}"
            for prefix in prefixes:
                if steps >= budget:
                    return None, steps, i + 1
                game = self.new_game(seed)
                path = self._fire(game, prefix, depth=3)
                steps += len(prefix) + 40
                if path is not None:
                    return (seed, path), steps, i + 1
        return None, steps, seeds

    def _fire(self, game: Game, prefix: list[str], depth: int) -> list[str] | None:
        """Replays `prefix` and a few more choices, looking for the moment the target fires."""
        done = []
        for cid in prefix:
            try:
                game.choose(cid)
            except ChoiceError:
                return None  # another seed's interruptions took this day elsewhere
            done.append(cid)
            if self.reached(game):
                return done
        todo: list[tuple[Game, list[str]]] = [(game.fork(history=False), [])]
        while todo:
            here, tail = todo.pop(0)
            if len(tail) >= depth:
                continue
            for cid in here.available:
                step = here.fork(history=False)
                step.choose(cid)
                if self.reached(step):
                    return done + tail + [cid]
                if not step.ended and self.eligible(step):
                    todo.append((step, tail + [cid]))
        return None

    def _beam(self, nodes: list[_Node], width: int) -> list[_Node]:
        """The most promising states: half by closeness to the target, half by the latest clock."""
        scored = [(self._score(n.state), i, n) for i, n in enumerate(nodes)]
        by_goal = sorted(scored, key=lambda x: (x[0], x[1]))
        by_clock = sorted(scored, key=lambda x: (x[0][2], x[0][0], x[0][1], x[1]))
        keep: dict[int, _Node] = {}
        for _, i, n in by_goal[: width // 2]:
            keep[i] = n
        for _, i, n in by_clock:
            if len(keep) >= width:
                break
            keep.setdefault(i, n)
        return [keep[i] for i in sorted(keep)]


@dataclass
class Found:
    """What one breadth-first search found."""

    paths: list[list[str]] = field(default_factory=list)
    steps: int = 0
    pruned: bool = False
    out_of_budget: bool = False


# long: the search in its order: static reasons, breadth-first, the sweep for interruptions, verifying
def find_route(
    story: Story,
    target: str,
    *,
    short: bool = False,
    seeds: int = SEEDS,
    budget: int = BUDGET,
    width: int = WIDTH,
    start: str | None = None,
    preset: dict[str, str] | None = None,
) -> Route:
    """The shortest route found to `target` (a scene or ending id) within the budget, or why there is none.

    `start` and `preset` are `play`'s `--from` and `--set`: the search starts the day as they do.
    """
    if target not in story.scenes and target not in story.ending_ids:
        raise KeyError(target)
    search = RouteSearch(story, target, short=short, start=start, preset=preset)
    search.new_game("route-0")  # an unknown --from or --set raises ChoiceError here, before any search
    route = Route(target, short=short, start=start, preset=dict(preset or {}))
    reason = _static_reason(search)
    if reason:
        route.reason = reason
        return route
    a = search.a
    exhausted = True
    if target in a.links.interruptions:
        fired, steps, tried = search.sweep(seeds, budget)
        route.steps += steps
        route.seeds_tried = [f"route-{i}" for i in range(tried)]
        exhausted = False
        if fired is not None and _verify(search, *fired):
            route.seed, route.choices = fired
    elif target not in a.reachable(interruptions=False):
        for gate in _gates(a, target):
            gate_search = RouteSearch(story, gate, short=short, analysis=a, start=start, preset=preset)
            fired, steps, tried = gate_search.sweep(seeds, budget - route.steps)
            route.steps += steps
            route.seeds_tried = [f"route-{i}" for i in range(max(tried, len(route.seeds_tried)))]
            if fired is None:
                continue
            seed, path = fired
            rest = search.search(seed, budget - route.steps, width=width, prefix=path)
            route.steps += rest.steps
            if rest.paths and _verify(search, seed, path + rest.paths[0]):
                route.seed, route.choices = seed, path + rest.paths[0]
                break
        exhausted = False
    else:
        for i in range(seeds):
            if route.steps >= budget:
                exhausted = False
                break
            seed = f"route-{i}"
            route.seeds_tried.append(seed)
            found = search.search(seed, budget - route.steps, width=width)
            route.steps += found.steps
            exhausted = exhausted and not found.pruned and not found.out_of_budget
            if found.paths:
                if _verify(search, seed, found.paths[0]):
                    route.seed, route.choices = seed, found.paths[0]
                    route.shortest = not found.pruned
                break
            if found.out_of_budget:
                break
    if route.found:
        return route
    route.reason = _search_reason(search, route, exhausted, budget)
    return route


def _gates(a: StoryAnalysis, target: str) -> list[str]:
    """Interruptions from which the static map leads to `target`."""
    out = []
    for gate in sorted(a.links.interruptions):
        seen: set[str] = set()
        todo = [gate]
        while todo:
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            todo.extend(a.links.edges.get(cur, ()))
        if target in seen:
            out.append(gate)
    return out


def _verify(search: RouteSearch, seed: str, path: list[str]) -> bool:
    """Replays a route from scratch, exactly as `dayjob play --plain --choices` will."""
    story, target = search.story, search.target
    game = search.new_game(seed)
    try:
        game.replay(path)
    except ChoiceError:  # pragma: no cover - the search plays the same engine
        return False
    return game.state.ending == target if target in story.ending_ids else (not game.ended and game.scene_id == target)


def _static_reason(search: RouteSearch) -> str | None:
    """Why no day can reach the target, when the story's links already say so."""
    a, story, target = search.a, search.story, search.target
    scene = story.scenes.get(target)
    if scene is not None and scene.interrupt is not None and target not in a.links.interruptions:
        it = scene.interrupt
        if it.chance <= 0 or it.cond is None:  # with a chance and no `if`, it would be in the links
            return f"interruption {target!r} can never fire: its chance is 0"
        return f"interruption {target!r} can never fire: its `if` `{it.cond.src}` never holds ({a.bounds.describe(it.cond.tree)})"
    if target not in a.reachable() and search.start is None:  # the map is read from the story's start
        what = "ending" if search.is_ending else "scene"
        return (
            f"no day can reach {what} {target!r}: no choice, appointment or interruption leads to it "
            f"from {story.start!r} (see `dayjob check`)"
        )
    return None


def _search_reason(search: RouteSearch, route: Route, exhausted: bool, budget: int) -> str:
    a, story, target = search.a, search.story, search.target
    tried = len(route.seeds_tried)
    if target in a.links.interruptions or target not in a.reachable(interruptions=False):
        if target in a.links.interruptions:
            it = interrupt_of(story.scenes[target])
            lead = (
                f"{target!r} is an interruption (chance {it.chance:.0%}"
                + (f", if `{it.cond.src}`" if it.cond else "")
                + ") that never fired"
            )
        else:
            gates = ", ".join(f"{g} ({interrupt_of(story.scenes[g]).chance:.0%})" for g in _gates(a, target)[:8])
            lead = f"{target!r} is only reached through interruptions ({gates}), and none of them led there"
        return f"{lead} with the {tried} seed(s) tried within {budget:,} engine steps; try more --seeds or --budget"
    if exhausted:
        return (
            f"every day reachable with {tried} seed(s) was searched ({route.steps:,} steps) and none reaches "
            f"{target!r}: its conditions never line up in play, though the static map links to it"
        )
    return (
        f"not found within the budget of {budget:,} engine steps ({tried} seed(s) tried); "
        f"raise --budget, or start nearer with `dayjob play --from`"
    )


# -- the command --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteOptions:
    """`dayjob route`'s command line."""

    target: str  # a scene or ending id
    story: Path | None = None  # the story folder (None: the shipped day)
    from_scene: str | None = None  # --from: the day starts at this scene
    presets: tuple[str, ...] = ()  # --set NAME=VALUE, as `play` takes them
    short: bool = False
    format: str = "text"  # "text" or "json"
    seeds: int = SEEDS
    budget: int = BUDGET


def run_route(opts: RouteOptions) -> int:
    story = load_story_or_report(opts.story, command="dayjob route")
    if story is None:
        return 1
    short = opts.short
    if lacks_short_day(story, short, "dayjob route"):
        return 2
    target = opts.target
    if target not in story.scenes and target not in story.ending_ids:
        close = difflib.get_close_matches(target, sorted(set(story.scenes) | story.ending_ids), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        print(f"dayjob route: {target!r} is not a scene or an ending of this story{hint}", file=sys.stderr)
        return 2
    start = opts.from_scene
    try:
        preset = parse_presets(list(opts.presets))
        route = find_route(
            story,
            target,
            short=short,
            seeds=opts.seeds or SEEDS,
            budget=opts.budget or BUDGET,
            start=start,
            preset=preset,
        )
    except (ValueError, ChoiceError) as exc:
        print(f"dayjob route: {exc}", file=sys.stderr)
        return 2
    if opts.format == "json":
        print(json.dumps(route.to_dict(), indent=2))
        return 0 if route.found else 1
    if not route.found:
        print(f"No route to {target!r}: {route.reason}")
        return 1
    print(route_text(story, route, opts.story))
    return 0


def route_text(story: Story, route: Route, root=None) -> str:
    """The route as a writer reads it: the command that replays it, then each step."""
    import shlex

    seed, choices = route.seed, route.choices
    if seed is None or choices is None:
        raise ValueError(f"no route to {route.target!r} was found, so there is none to show")
    kind = "ending" if route.target in story.ending_ids else "scene"
    how = (
        "no shorter route exists with this seed"
        if route.shortest
        else "the shortest found (the search had to prune, so a shorter one may exist)"
    )
    lines = [f"Route to {kind} {route.target!r}: {len(choices)} choice(s), seed {seed}; {how}.", ""]
    cmd = (
        ["dayjob", "play", "--plain"] + (["--story", str(root)] if root else []) + (["--short"] if route.short else [])
    )
    cmd += ["--from", route.start] if route.start else []
    for name, value in route.preset.items():
        cmd += ["--set", f"{name}={value}"]
    cmd += ["--seed", seed] + (["--choices", ",".join(choices)] if choices else [])
    lines.append("  " + " ".join(shlex.quote(c) for c in cmd))
    lines.append("")
    game = Game(story, seed, short=route.short, start=route.start, preset=route.preset, keep_undo=False)
    for n, cid in enumerate(choices, 1):
        tag = {"appointment": " (appointment)", "interruption": " (interruption)"}.get(game.arrival, "")
        lines.append(f"  {n:>3}. {format_time(game.clock)} {game.scene_id}{tag}: {cid}")
        game.choose(cid)
    where = f"ending {game.state.ending!r}" if game.ended else f"scene {game.scene_id!r}"
    lines.append(f"       {format_time(game.clock)} {where}")
    return "\n".join(lines)
