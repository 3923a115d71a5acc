"""The story's scenes as one `transitions.Machine`, built once per story: it refuses any move the story does not allow.

Every edge the story allows is in the machine before the first choice and none is added later:
written gotos and branches (guarded by the choice taken), wildcard edges from any scene into
each appointment, interruption and ending (the clock and chance may start them anywhere), returns
(`back`) from scenes with a `back` choice to every scene that can be on hold, and the hub that a
dead end carries on to. Taking a choice is its own event: its guard is the choice's condition and
its callback runs the choice's minutes, effects and flags.

What cannot live here, and lives in `Game._route` instead: which branch of a choice is taken (a
branch's condition reads the day after the choice's effects), whether an appointment or
interruption starts (the clock, the day's random numbers, the held destination), and which ending
the day reaches. The machine then checks that the move so decided is one the story allows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from transitions import Event, Machine, MachineError, Transition
from transitions.core import EventData as _EventData

from game.engine import codegen
from game.engine.errors import ChoiceError
from game.engine.state import Arrival, DayState

if TYPE_CHECKING:
    from transitions.core import EventData

    from game.engine.expr import Expr
    from game.engine.story import Choice, Stat, Story


_Planned = tuple[str, bool, "Expr | None", float]  # an interruption as planned: its `if` not yet generated
_CHOICE = Arrival.CHOICE  # an enum member read from its class costs a descriptor call; guards run at every move


# a menu, guard, text or choice's consequences is made into one generated function (engine/codegen.py) at its
# HOT-th use: generating one costs about as much as 30 uses save, and a story of thousands of scenes (the TUI's
# first visits, bench/bench_step.py) should not pay that on each scene's first steps
HOT = 16


class MoveRefused(RuntimeError):
    """The engine asked for a move the story does not allow (a bug in the engine, never the player's doing)."""


class _Sources(defaultdict[str, list[Transition]]):
    """An event's transitions by source, where wildcard rules answer for any scene they admit.

    A wildcard edge is one rule, not one stored transition per scene: the library would build
    and keep N transitions for it (5,000 scenes × 66 wildcard targets: 3.7 s and 150 MB).
    """

    def __init__(self, dest: str, scenes: frozenset[str]):
        super().__init__()
        self.dest = dest
        self.scenes = scenes
        self.rules: list[tuple[_Guard, frozenset[str] | None]] = []  # (guard, sources or None for any scene)

    def admits(self, source: str) -> list[_Guard]:
        """The guards of the wildcard moves this destination admits from `source`."""
        if source not in self.scenes:
            return []
        return [guard for guard, sources in self.rules if sources is None or source in sources]

    def wildcard(self, source: str) -> list[Transition]:
        # the library's stub says one Condition; it takes a list of callables
        return [_StoryTransition(source, self.dest, conditions=[guard]) for guard in self.admits(source)]  # type: ignore[arg-type]

    def __missing__(self, source: str) -> list[Transition]:
        return self.wildcard(source)  # made for this move and not kept: the machine does not grow

    def __contains__(self, source: object) -> bool:
        return dict.__contains__(self, source) or (isinstance(source, str) and bool(self.admits(source)))


class _StoryTransition(Transition):
    """A transition of the story's machine. On a plain machine (see `SceneMachine.plain`), `_StoryEvent.fire`
    checks its guards, sets the state and runs its `after` callbacks itself: what the library's `execute` does
    there, without its empty callback lists and debug logging, which were most of a playtest's time."""


class _StoryEvent(Event):
    """An event whose transitions may include wildcard rules (see `_Sources`)."""

    def __init__(self, name: str, machine: SceneMachine):
        super().__init__(name, machine)
        self.sources = _Sources(name.partition(":")[2], machine.scene_ids)
        self.transitions = self.sources

    def trigger(self, model: Any, *args: Any, **kwargs: Any) -> bool:
        """The library's trigger; on a plain machine without its layers for queues, machine-wide callbacks and
        exception hooks (none are set), and a wildcard move tests its rules' guards without making a
        `Transition` for each move. The outcome is the library's: the same guards in the same order, the
        same `MachineError` from a scene the event has no transition from."""
        machine: SceneMachine = self.machine  # type: ignore[assignment]
        if not machine.plain:
            return bool(super().trigger(model, *args, **kwargs))
        return self.fire(_EventData(machine.states[model.scene], self, machine, model, args, kwargs))

    def fire(self, event_data: EventData) -> bool:
        """A plain machine's trigger with the event data given: its transitions from the model's scene, written
        edges first, then the wildcard rules that admit that scene; MachineError when there are none."""
        model: DayState = event_data.model  # type: ignore[assignment]
        source = model.scene
        sources = self.sources
        written = dict.get(sources, source)
        if written is None:  # only wildcard rules lead here from this scene
            admitted = False
            if source in sources.scenes:
                for guard, allowed in sources.rules:
                    if allowed is None or source in allowed:
                        admitted = True
                        if guard(event_data):
                            model.scene = sources.dest
                            return True
            if not admitted:
                raise MachineError(f"Can't trigger event {self.name} from state {source}!")
            return False
        for trans in written:
            for cond in trans.conditions:
                if cond.func(event_data) != cond.target:  # type: ignore[operator]  # plain: callables
                    break
            else:
                event_data.transition = trans
                if trans.dest:  # None: an internal transition (taking a choice), no change of state
                    model.scene = trans.dest  # the library's state change, without state callbacks
                for fn in trans.after:
                    fn(event_data)  # type: ignore[operator]  # plain: callables
                event_data.result = True
                return True
        return False

    def add_transition(self, transition: Transition) -> None:
        sources = self.sources
        if not dict.__contains__(sources, transition.source):
            sources[transition.source] = sources.wildcard(transition.source)
        sources[transition.source].insert(0, transition)  # written edges are tried first


class SceneMachine(Machine):
    """States are scene and ending ids; the model is a `DayState` (its `scene` is the machine's state).

    Events: `take:<choice id>` (an internal transition on the choice's scene) and `to:<scene or ending>`.
    """

    event_cls = _StoryEvent
    transition_cls = _StoryTransition
    scene_ids: frozenset[str]
    resumable: frozenset[str]  # the scenes `back` may return to: written destinations and the hub
    menus: dict[str, tuple[_Condition, ...]]  # scene -> the guards of taking its choices, in story order

    def __init__(self, story: Story):
        self.scene_ids = frozenset(story.scenes)
        self.menus = {}
        # what a day starts from (`Game` copies them): every stat at its start, every flag false, no minutes
        self.start_stats = {s.name: s.start for s in story.stats.values()}
        self.start_flags = dict.fromkeys(story.flags, False)
        self.start_minutes = dict.fromkeys(story.categories, 0)
        self._interrupt_plan: tuple[tuple[_Planned, int, int], ...] = tuple(
            ((s.id, it.repeat, it.cond, it.chance), lo, hi)
            for s, lo, hi in story.interrupt_plan
            if (it := s.interrupt) is not None
        )
        super().__init__(
            model=None,
            states=[*story.scenes, *(e.id for e in story.endings)],
            initial=story.start,
            auto_transitions=False,
            send_event=True,
            model_attribute="scene",
            ignore_invalid_triggers=False,
        )
        _build(self, story)
        self.plain = self.check_plain()
        self._index()
        self.steps = Steps(self, story)

    def check_plain(self) -> bool:
        """Whether the machine uses none of the library's features that its direct path (`_StoryEvent.trigger`,
        `_StoryTransition.execute`) leaves out: a queue, machine-wide callbacks, state enter/exit or final
        callbacks, a transition's prepare/before callbacks, callbacks named by string. Checked once it is built;
        a machine that uses any of them takes the library's own path on every event."""
        if (
            self.has_queue
            or self.model_attribute != "scene"
            or any(
                (
                    self.prepare_event,
                    self.finalize_event,
                    self.before_state_change,
                    self.after_state_change,
                    self.on_exception,
                    self.on_final,
                )
            )
        ):
            return False
        if any(st.on_enter or st.on_exit or st.final for st in self.states.values()):
            return False
        for event in self.events.values():
            for transitions in dict.values(event.transitions):
                for t in transitions:
                    if t.prepare or t.before or not isinstance(t, _StoryTransition):
                        return False
                    if not all(callable(c.func) for c in t.conditions) or not all(callable(f) for f in t.after):
                        return False
        return True

    def _add_model_to_state(self, state: Any, model: Any) -> None:  # is_<scene> per model: ~100 ms at 5,000 scenes
        return None

    def _index(self) -> None:
        """Each choice's and each destination's event by id, and one event data that every direct move reuses:
        a plain machine's take and move then allocate nothing (bench/bench_playtest.py). A story's days share
        its machine one move at a time (one thread plays; playtest workers and served games are processes)."""
        self._takes: dict[str, _StoryEvent] = {}
        self._arrivals: dict[str, _StoryEvent] = {}
        for name, event in self.events.items():
            kind, _, what = name.partition(":")
            (self._takes if kind == "take" else self._arrivals)[what] = event  # type: ignore[assignment]
        # only our guards and callbacks read it (check_plain), and they read only the model and these two keys
        self._scratch = _EventData(None, None, self, None, (), {"choice": None, "how": None})
        # a plain machine's shortest paths, read from its events as built (like `plain`, checked once):
        # taking a choice whose event has one transition from its scene, guarded by the choice's condition and
        # followed by its effects, is that guard and those effects, called directly
        self._direct: dict[tuple[str, str], tuple[_Condition, _Effects]] = {}
        for cid, event in self._takes.items():
            for scene, transitions in dict.items(event.sources):
                if len(transitions) == 1 and not event.sources.rules:
                    t = transitions[0]
                    if len(t.conditions) == 1 and len(t.after) == 1 and t.dest is None and t.conditions[0].target:
                        guard, effects = t.conditions[0].func, t.after[0]
                        if isinstance(guard, _Condition) and isinstance(effects, _Effects) and guard.cid == cid:
                            self._direct[scene, cid] = (guard, effects)
        # whether a move can be allowed is a function of its source, destination, kind and choice alone when every
        # guard of every arrival is one of ours (they read only those) and no arrival has callbacks: each move
        # allowed once is then remembered, and taken again without testing the guards (`move`)
        ours = (_Written, _Arrives, _CarriesOn)
        self._pure_moves = all(
            not t.after and all(isinstance(c.func, ours) for c in t.conditions)
            for event in self._arrivals.values()
            for transitions in dict.values(event.sources)
            for t in transitions
        ) and all(isinstance(guard, ours) for event in self._arrivals.values() for guard, _ in event.sources.rules)
        self._allowed: set[tuple[str, str, Arrival, str | None]] = set()

    def available(self, day: DayState) -> list[str]:
        """See `Steps.available`."""
        return self.steps.available(day)

    def fast(self, expr: Expr) -> Callable[[DayState], object]:
        """See `Steps.fast`."""
        return self.steps.fast(expr)

    def take(self, day: DayState, choice: Choice) -> bool:
        """See `Steps.take`."""
        return self.steps.take(day, choice)

    def move(self, day: DayState, dest: str, how: Arrival, choice: str | None) -> None:
        """See `Steps.move`."""
        self.steps.move(day, dest, how, choice)

    @property
    def plain(self) -> bool:
        """See `check_plain`; set by tests to compare the direct path with the library's."""
        return bool(self.__dict__.get("_plain", False))

    @plain.setter
    def plain(self, value: bool) -> None:
        self.__dict__["_plain"] = value
        steps = self.__dict__.get("steps")
        if steps is not None:
            steps.plain = value
            if not value:  # the library's path from now on: no generated step goes round it
                steps.often.clear()


class Steps:
    """What a day asks its machine at every step: menus, taking a choice, moving, the interruptions open.

    A plain object beside the machine, sharing its tables: `transitions.Machine` answers attribute lookups
    through its own `__getattr__`, which Python cannot specialise, and these run several times a choice."""

    __slots__ = (
        "_allowed",
        "_arrivals",
        "_choices",
        "_scenes",
        "ending_ids",
        "_direct",
        "_due_plan",
        "_go_uses",
        "_fast",
        "_interrupt_plan",
        "_menu_uses",
        "_pure_moves",
        "_scratch",
        "_starts",
        "_takes",
        "menu_fns",
        "menus",
        "often",
        "plain",
        "starts_at",
    )

    def __init__(self, machine: SceneMachine, story: Story):
        # the appointments in the order of their times: (at, id, the tree of its `if` or None) (`Game._route`)
        self._due_plan = tuple(
            (s.at, s.id, s.at_if.tree if s.at_if is not None else None) for s in story.appointments if s.at is not None
        )
        self.ending_ids = story.ending_ids
        self._scenes = story.scenes
        self._choices: dict[str, dict[str, Choice]] = {}
        self.plain = machine.plain
        self.menus = machine.menus
        self._interrupt_plan = machine._interrupt_plan
        # what starts after a choice, by minute (`starts`; `Game._route` reads it), and by interruptions open
        self.starts_at: dict[int, Callable[[DayState, int, str, dict[str, int]], tuple[str, Arrival] | None]] = {}
        self._starts: dict[tuple[str, ...], Callable[[DayState, int, str, dict[str, int]], tuple[str, Arrival] | None]]
        self._starts = {}
        # the menus of scenes seen often, by scene: one generated function each (`available`; `Game.available`)
        self.menu_fns: dict[str, Callable[[DayState], list[str]]] = {}
        self._menu_uses: dict[str, int] = {}
        self._fast: dict[int, tuple[object, Callable[[DayState], object]]] = {}
        self._direct = machine._direct
        # choices taken often, by (scene, choice id): the choice and its generated step (`go`, `Game.choose`)
        self.often: dict[tuple[str, str], tuple[Choice, Callable[[DayState], tuple[str, int] | None]]] = {}
        self._go_uses: dict[tuple[str, str], int] = {}
        self._takes = machine._takes
        self._arrivals = machine._arrivals
        self._scratch = machine._scratch
        self._pure_moves = machine._pure_moves
        self._allowed = machine._allowed

    def choice(self, scene: str, cid: str) -> Choice | None:
        """The choice of that id in the scene (the first, as the story lists them), or None; KeyError for a scene
        the story does not have. Each scene's choices by id are gathered when first asked for."""
        by_id = self._choices.get(scene)
        if by_id is None:
            by_id = self._choices[scene] = {ch.id: ch for ch in reversed(self._scenes[scene].choices)}
        return by_id.get(cid)

    def starts(self, clock: int) -> Callable[[DayState, int, str, dict[str, int]], tuple[str, Arrival] | None]:
        """`Game._route`'s function of (day, clock, destination, visits) for what starts after a choice at `clock`:
        an appointment that is due, else one of the interruptions whose `if` can hold then (their clock windows,
        `Story.interrupt_plan`) by the day's random numbers (engine/codegen.py `starts`); (id, how it arrives)
        or None. Remembered per minute (`starts_at`), and made once for each set of interruptions open together."""
        open_now = tuple(planned for planned, lo, hi in self._interrupt_plan if lo <= clock < hi)
        key = tuple(iid for iid, _, _, _ in open_now)
        got = self._starts.get(key)
        if got is None:
            trees = tuple((i, r, None if c is None else c.tree, chance) for i, r, c, chance in open_now)
            got = self._starts[key] = codegen.starts(self._due_plan, trees, Arrival.APPOINTMENT, Arrival.INTERRUPTION)
        self.starts_at[clock] = got
        return got

    def available(self, day: DayState) -> list[str]:
        """The ids of the choices that can be taken now in the day's scene, by the guards of taking them."""
        menu = self.menu_fns.get(day.scene)
        if menu is None:
            guards = self.menus[day.scene]
            uses = self._menu_uses[day.scene] = self._menu_uses.get(day.scene, 0) + 1
            if uses < HOT:  # a scene seen a few times: its guards, one by one
                return [g.cid for g in guards if g.holds_slowly(day)]
            # a scene seen often: one generated function (engine/codegen.py)
            menu = self.menu_fns[day.scene] = codegen.menu([(g.cid, g.once, g.show_tree, g.cond_tree) for g in guards])
        return menu(day)

    def fast(self, expr: Expr) -> Callable[[DayState], object]:
        """The condition as one generated function (engine/codegen.py), made when first asked for: what a day
        evaluates at every step (variants, interruptions) is read through it."""
        got = self._fast.get(id(expr.compiled))
        if got is None:  # the compiled condition is kept beside its function, so its id stays its own
            got = self._fast[id(expr.compiled)] = (expr.compiled, codegen.condition(expr.tree))
        return got[1]

    def take(self, day: DayState, choice: Choice) -> bool:
        """Take `choice` in the day's scene: False when its guard does not hold; runs its effects when it does."""
        if self.plain:
            direct = self._direct.get((day.scene, choice.id))
            if direct is not None:
                guard, effects = direct
                holds = guard._holds  # `guard.holds`, without its own call once it is generated
                if not (guard.holds(day) if holds is None else holds(day)):
                    return False
                apply = effects._apply  # `effects.apply`, likewise
                if apply is None:
                    effects.apply(day)
                else:
                    apply(day)
                return True
        event = self._takes.get(choice.id)
        try:
            if event is None:
                raise MachineError(choice.id)
            if not self.plain:
                return bool(event.trigger(day, choice=choice.id))
            scratch = self._scratch
            scratch.model = day
            kwargs = scratch.kwargs
            kwargs["choice"] = choice.id
            kwargs["how"] = None
            return event.fire(scratch)
        except MachineError:
            raise ChoiceError(f"no choice {choice.id!r} in scene {day.scene!r}") from None

    def go(self, day: DayState, choice: Choice) -> tuple[str, int | None] | None:
        """Take `choice` in the day's scene (`take`) and say where it leads: the first of its branches whose
        condition holds after its consequences, and None (its generated step says which outcome is shown
        there); None, with nothing done, when its guard does not hold.

        On a plain machine, a choice taken directly (`_direct`) for the HOT-1-th time becomes one generated
        function (engine/codegen.py `step`) in `often`, which `Game.choose` calls from then on: its guard and
        consequences then never need functions of their own."""
        key = (day.scene, choice.id)
        if not self.take(day, choice):
            return None
        for cond, target in choice.goto:  # the loader makes the last branch unconditional
            if cond is None or cond.fn(day):
                break
        direct = self._direct.get(key) if self.plain else None
        if direct is not None:
            uses = self._go_uses[key] = self._go_uses.get(key, 0) + 1
            if uses >= HOT - 1:
                guard, effects = direct
                self.often[key] = (
                    choice,
                    codegen.step(
                        (guard.once, guard.show_tree, guard.cond_tree),
                        effects.consequences(),
                        tuple(None if cond is None else cond.tree for cond, _ in choice.outcome),
                        tuple((None if cond is None else cond.tree, target) for cond, target in choice.goto),
                    ),
                )
        return target, None

    def move(self, day: DayState, dest: str, how: Arrival, choice: str | None) -> None:
        """Move the day to `dest`, arriving `how`; raises MoveRefused when the story has no such edge."""
        known = (day.scene, dest, how, choice)
        if self.plain and known in self._allowed:  # allowed before: the same guards would allow it again
            day.scene = dest
            day.arrival = how
            return
        event = self._arrivals.get(dest)
        try:
            if event is None:
                moved = False
            elif not self.plain:
                moved = event.trigger(day, how=how, choice=choice)
            else:
                scratch = self._scratch
                scratch.model = day
                kwargs = scratch.kwargs
                kwargs["choice"] = choice
                kwargs["how"] = how
                moved = event.fire(scratch)
        except MachineError:
            moved = False
        if not moved:
            raise MoveRefused(f"the story has no move from {day.scene!r} to {dest!r} ({how.value}, choice {choice!r})")
        if self._pure_moves and self.plain and len(self._allowed) < 100_000:
            self._allowed.add(known)
        day.arrival = how


class _Guard:
    """A condition on a transition (transitions calls it with the event)."""

    __slots__ = ()

    def __call__(self, event: EventData) -> bool:
        raise NotImplementedError


class _Arrives(_Guard):
    """Guard of a wildcard edge: the move is of this kind."""

    __slots__ = ("how",)

    def __init__(self, how: Arrival):
        self.how = how

    def __call__(self, event: EventData) -> bool:
        return event.kwargs.get("how") is self.how


class _CarriesOn(_Guard):
    """Guard of the edge into the hub from a dead end: a move after no choice at all."""

    __slots__ = ()

    def __call__(self, event: EventData) -> bool:
        return event.kwargs.get("how") is _CHOICE and event.kwargs.get("choice") is None


class _Written(_Guard):
    """Guard of a written edge: the move follows a choice whose goto names this destination."""

    __slots__ = ("choices",)

    def __init__(self, choices: Iterable[str]):
        self.choices = frozenset(choices)

    def __call__(self, event: EventData) -> bool:
        return event.kwargs.get("how") is _CHOICE and event.kwargs.get("choice") in self.choices


class _Condition(_Guard):
    """A choice's condition as the guard of taking it: listed (`show_if`), not a spent `once`, and its `if`.

    `holds` is also what lists the choices that can be taken (`SceneMachine.available`): one rule, read
    from the choice once (its compiled conditions' evaluators, its `once` key)."""

    __slots__ = ("_holds", "_uses", "cid", "cond", "cond_tree", "once", "show", "show_tree")

    def __init__(self, choice: Choice, scene: str):
        self.cid = choice.id
        self.once = (scene, choice.id) if choice.once else None
        self.show = choice.show.fn if choice.show is not None else None
        self.cond = choice.cond.fn if choice.cond is not None else None
        self.show_tree = choice.show.tree if choice.show is not None else None
        self.cond_tree = choice.cond.tree if choice.cond is not None else None
        self._holds: Callable[[DayState], bool] | None = None
        self._uses = 0

    def holds(self, day: DayState) -> bool:
        """Whether the choice can be taken: by its closures while it is new, by one generated function
        (engine/codegen.py) from its HOT-th use on."""
        fn = self._holds
        if fn is None:
            self._uses += 1
            if self._uses < HOT:
                return self.holds_slowly(day)
            fn = self._holds = codegen.guard(self.once, self.show_tree, self.cond_tree)
        return fn(day)

    def holds_slowly(self, day: DayState) -> bool:
        """`holds` by the compiled conditions' closures (engine/expr.py)."""
        if self.once is not None and self.once in day.taken:
            return False
        if self.show is not None and not self.show(day):
            return False
        return self.cond is None or bool(self.cond(day))

    def __call__(self, event: EventData) -> bool:
        if event.kwargs.get("choice") != self.cid:
            return False
        day: DayState = event.model  # type: ignore[assignment]
        if self.once is not None and self.once in day.taken:  # `holds`, inline: it runs at every choice
            return False
        if self.show is not None and not self.show(day):
            return False
        return self.cond is None or bool(self.cond(day))


class _Effects:
    """A choice's consequences, run when it is taken: minutes, effects (clamped), flags and words, once.

    Read from the choice once: each effect with its stat's bounds, flags and words apart."""

    __slots__ = ("_apply", "_uses", "category", "effects", "flags", "minutes", "once", "words")

    def __init__(self, choice: Choice, scene: str, stats: dict[str, Stat]):
        self._apply: Callable[[DayState], None] | None = None
        self._uses = 0
        self.effects = tuple((name, delta, stats[name].min, stats[name].max) for name, delta in choice.effects)
        self.flags: tuple[tuple[str, bool], ...] = tuple(
            (name, value) for name, value in choice.sets if isinstance(value, bool)
        )
        self.words: tuple[tuple[str, Any], ...] = tuple(  # the loader makes every value but a flag's text
            (name, value) for name, value in choice.sets if not isinstance(value, bool)
        )
        self.once = (scene, choice.id) if choice.once else None
        self.minutes = choice.minutes
        self.category = choice.category

    def __call__(self, event: EventData) -> None:
        self.apply(event.model)  # type: ignore[arg-type]

    def consequences(self) -> codegen.Consequences:
        """What `apply` does, as engine/codegen.py's `effects` and `step` take it."""
        return (self.effects, self.flags, self.words, self.once, self.minutes, self.category)

    def apply(self, day: DayState) -> None:
        """Run the consequences on the day: by the loop below while the choice is new, by one generated function
        (engine/codegen.py `effects`) from its HOT-th use on."""
        fn = self._apply
        if fn is None:
            self._uses += 1
            if self._uses < HOT:
                self.apply_slowly(day)
                return
            fn = self._apply = codegen.effects(*self.consequences())
        fn(day)

    def apply_slowly(self, day: DayState) -> None:
        if self.effects:
            values = day.stats
            for name, delta, lo, hi in self.effects:
                value = values[name] + delta  # min(max(value, lo), hi), without two calls
                if value < lo:
                    value = lo
                if value > hi:
                    value = hi
                values[name] = value
        if self.flags:
            day.flags.update(self.flags)
        if self.words:
            day.words.update(self.words)
        if self.once is not None:
            day.taken.append(self.once)
        day.clock += self.minutes
        day.minutes[self.category] = day.minutes.get(self.category, 0) + self.minutes


def apply_effects(day: DayState, stats: dict[str, Stat], effects: Iterable[tuple[str, int]]) -> None:
    """Add each delta to its stat, kept within the stat's bounds."""
    values = day.stats
    for name, delta in effects:
        s = stats[name]
        values[name] = min(max(values[name] + delta, s.min), s.max)


def apply_sets(day: DayState, sets: Iterable[tuple[str, object]]) -> None:
    """Set flags (booleans) and words (text)."""
    for name, value in sets:
        if isinstance(value, bool):
            day.flags[name] = value
        else:
            day.words[name] = value  # type: ignore[assignment]  # the loader makes every other value text


def _build(machine: SceneMachine, story: Story) -> None:
    """Every edge the story allows, added once."""
    scenes = story.scenes
    add: Callable[..., None] = machine.add_transition
    written: dict[tuple[str, str], list[str]] = {}
    back_sources: set[str] = set()
    held: set[str] = {story.hub}  # what `back` can resume: a written destination, or the hub
    for scene in scenes.values():
        guards = machine.menus[scene.id] = tuple(_Condition(choice, scene.id) for choice in scene.choices)
        for choice, guard in zip(scene.choices, guards):
            add(
                "take:" + choice.id,
                scene.id,
                None,
                conditions=[guard],
                after=[_Effects(choice, scene.id, story.stats)],
            )
            for target in choice.targets:
                if target == "back":
                    back_sources.add(scene.id)
                elif target in scenes:
                    written.setdefault((scene.id, target), []).append(choice.id)
                    held.add(target)
    machine.resumable = frozenset(held)
    any_scene = None
    rules: dict[str, list[tuple[_Guard, frozenset[str] | None]]] = {}
    for appt in story.appointments:
        rules.setdefault(appt.id, []).append((_Arrives(Arrival.APPOINTMENT), any_scene))
    for intr in story.interrupts:
        rules.setdefault(intr.id, []).append((_Arrives(Arrival.INTERRUPTION), any_scene))
    for ending in story.endings:
        rules.setdefault(ending.id, []).append((_Arrives(Arrival.END), any_scene))
    returns = (_Arrives(Arrival.BACK), frozenset(back_sources))
    for dest in held:
        rules.setdefault(dest, []).append(returns)
    rules.setdefault(story.hub, []).append((_CarriesOn(), any_scene))
    for dest in [*scenes, *(e.id for e in story.endings)]:
        machine.events["to:" + dest] = event = _StoryEvent("to:" + dest, machine)
        event.sources.rules.extend(rules.get(dest, ()))
    for (source, dest), ids in written.items():
        add("to:" + dest, source, dest, conditions=[_Written(ids)])


def build_machine(story: Story) -> SceneMachine:
    """The story's machine, with every edge it allows."""
    return SceneMachine(story)
