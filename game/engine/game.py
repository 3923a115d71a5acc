"""One day in progress: the rules of a day over a compiled story."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from game.engine.clock import format_time
from game.engine.digest import sha256
from game.engine.errors import ChoiceError, ReplayError, SaveError
from game.engine.machine import apply_effects, apply_sets
from game.engine.migrate import SAVE_VERSION
from game.engine.report import Report, build_report
from game.engine.seeds import new_seed
from game.engine.state import CARRY_ON, Arrival, DayState, Step
from game.engine.story import Choice, Ending, Scene, Story, TextScope

# an enum member read from its class is a descriptor call; `_route` names them at every choice
_CHOICE, _BACK, _END = Arrival.CHOICE, Arrival.BACK, Arrival.END
_step = tuple.__new__  # a named tuple made from its fields in one C call (`Step._make` does the same in Python)


def seed_state(seed: str) -> int:
    return int.from_bytes(sha256(seed.encode("utf-8")).digest()[:8], "big")


class ChoiceKind(Enum):
    """Where a choice on offer comes from: the story, or the engine's way out of a dead end."""

    WRITTEN = "written"
    CARRY_ON = "carry_on"  # five minutes, then the hub (or the day's end from the hub)


@dataclass(frozen=True)
class ChoiceView:
    """A choice as a front end shows it; `choose(view.id)` takes it, whatever its kind."""

    id: str
    text: str
    minutes: int
    available: bool
    locked: str | None = None  # the reason, when shown but not available
    kind: ChoiceKind = ChoiceKind.WRITTEN


class Game:
    """A day being played: read `title`, `text`, `choices`; answer with `choose(id)`."""

    def __init__(
        self,
        story: Story,
        seed: str | None = None,
        *,
        short: bool = False,
        start: str | None = None,
        preset: dict[str, Any] | None = None,
        keep_undo: bool = True,
    ):
        self.story = story
        self.seed = seed if seed is not None else new_seed()
        self.short = bool(short and story.short is not None)
        self.keep_undo = keep_undo
        self._machine = story.machine
        self._steps = self._machine.steps  # what every step asks, on a plain object (machine.py `Steps`)
        self._menus = self._steps.menu_fns
        self._past: list[tuple[DayState, int]] = []  # undo points: the state without its history, and its length
        self.notices: list[str] = []
        sd = story.short if self.short else None
        begin = start or (sd.start if sd else story.start)
        if begin not in story.scenes:
            from game.engine.suggest import did_you_mean

            raise ChoiceError(f"no scene {begin!r} in this story{did_you_mean(begin, story.scenes)}")
        day_start = sd.clock_start if sd else story.clock_start
        self.state = DayState(
            scene=begin,
            stats=self._machine.start_stats.copy(),
            flags=self._machine.start_flags.copy(),
            words=dict(story.words),
            clock=day_start,
            day_start=day_start,
            day_end=sd.clock_end if sd else story.clock_end,
            rng=seed_state(self.seed),
            minutes=self._machine.start_minutes.copy(),
            visits={begin: 1},
        )
        if sd:
            apply_effects(self.state, story.stats, sd.effects)
            apply_sets(self.state, sd.sets)
        if preset:
            self.preset(preset)
        self._machine.set_state(begin, self.state)

    # -- reading ------------------------------------------------------------------------

    @property
    def scene_id(self) -> str:
        return self.state.scene

    @property
    def scene(self) -> Scene | None:
        return self.story.scenes.get(self.state.scene)

    @property
    def _current_scene(self) -> Scene:
        """The scene of a day in progress: until the day ends, the machine only moves between scenes."""
        scene = self.story.scenes.get(self.state.scene)
        assert scene is not None, self.state.scene
        return scene

    @property
    def ended(self) -> bool:
        return self.state.ending is not None

    @property
    def ending(self) -> Ending | None:
        return self.story.ending(self.state.ending) if self.state.ending else None

    @property
    def _current_ending(self) -> Ending:
        """The ending of a day that is over."""
        assert self.state.ending is not None
        return self.story.ending(self.state.ending)

    @property
    def arrival(self) -> Arrival:
        return self.state.arrival

    @property
    def clock(self) -> int:
        return self.state.clock

    @property
    def clock_text(self) -> str:
        return format_time(self.state.clock)

    @property
    def title(self) -> str:
        if self.ended:
            return self._current_ending.title.render(self.state.words)
        return self._current_scene.title.render(self.state.words)

    @property
    def outcome(self) -> str | None:
        """What the last choice did, in a few sentences, to show before this scene (or the ending)."""
        return self.state.outcome

    @property
    def paragraphs(self) -> list[str]:
        """The scene's text (`again` from the second visit), or the ending's; then each variant that holds."""
        st = self.state
        words = st.words
        part: Scene | Ending
        if self.ended:
            part = self._current_ending
            scope = TextScope(st, 1, part.id, self.seed)
            out = [part.text.render(words, scope).strip()]
        else:
            part = scene = self._current_scene
            visit = st.visits.get(scene.id, 1)
            scope = TextScope(st, visit, scene.id, self.seed)
            if scene.again is not None and visit >= 2:  # its sequences count returns, from the first
                out = [scene.again.render(words, TextScope(st, visit - 1, scene.id, self.seed)).strip()]
            else:
                out = [scene.text.render(words, scope).strip()]
        out.extend(tpl.render(words, scope).strip() for cond, tpl in part.variants if cond(st))
        return [p for p in out if p]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def _visible(self) -> list[tuple[Choice, bool]]:
        st = self.state
        scene = self._current_scene
        out = []
        for ch in scene.choices:
            if ch.once and (scene.id, ch.id) in st.taken:
                continue
            if ch.show is not None and not ch.show.fn(st):
                continue  # not listed at all
            ok = ch.cond is None or bool(ch.cond.fn(st))
            if ok or ch.locked is not None:
                out.append((ch, ok))
        return out

    @property
    def choices(self) -> list[ChoiceView]:
        """Available choices and locked ones (with their reason), in story order."""
        if self.ended:
            return []
        words = self.state.words
        views = [
            ChoiceView(ch.id, ch.text.render(words), ch.minutes, ok, None if ok else _locked_reason(ch, words))
            for ch, ok in self._visible()
        ]
        if not any(v.available for v in views):  # a dead end in the story never traps the player
            views.append(ChoiceView(CARRY_ON, "Carry on", 5, True, kind=ChoiceKind.CARRY_ON))
        return views

    def meet_terms(self) -> list[str]:
        """Note the glossary terms in what is shown now and return the ids first met here."""
        # front ends call it when they show a scene, so "met" means seen (the rules and playtests never
        # need it); showing the same scene again returns the same ids, so a redraw marks the same words
        step = len(self.state.history)
        met = self.state.terms
        for tid in self.terms_here():
            met.setdefault(tid, step)
        return [tid for tid, at in met.items() if at == step]

    def terms_here(self) -> list[str]:
        """The glossary terms in what is shown now (the last choice's outcome, title, text, choices), each once, in order."""
        glossary = self.story.glossary
        if not glossary.terms:
            return []
        shown = [self.outcome or "", self.title, self.text, *(f"{v.text}\n{v.locked or ''}" for v in self.choices)]
        return glossary.ids_in("\n".join(shown))

    @property
    def available(self) -> list[str]:
        """Ids of the choices that can be taken now (cheap: nothing is rendered), as the machine's guards say."""
        st = self.state
        if st.ending is not None:
            return []
        menu = self._menus.get(st.scene)  # a scene seen often: its generated menu, without `Steps.available`'s call
        return (self._steps.available(st) if menu is None else menu(st)) or [CARRY_ON]

    # -- playing ------------------------------------------------------------------------

    def choose(self, choice_id: str) -> None:
        """Take a choice by id: the machine checks its guard and runs its effects, then the day moves on."""
        st = self.state
        if st.ending is not None:
            raise ChoiceError("the day is over")
        sid = st.scene
        if choice_id == CARRY_ON:
            scene = self.story.scenes[sid]  # until the day ends, the machine only moves between scenes
            if any(ok for _, ok in self._visible()):
                raise ChoiceError("there are choices to make here")
            self._record(scene, choice_id)
            st.outcome = None
            st.clock += 5
            st.minutes[scene.category] = st.minutes.get(scene.category, 0) + 5
            self._route("end" if scene.id == self.story.hub else self.story.hub, None)
            return
        steps = self._steps
        often = steps.often.get((sid, choice_id))  # a choice taken often here: it and its generated step
        if often is not None:
            chosen, go = often
        else:
            found = steps.choice(sid, choice_id)
            if found is None:
                from game.engine.suggest import did_you_mean

                ids = [c.id for c in self.story.scenes[sid].choices]
                raise ChoiceError(f"no choice {choice_id!r} in scene {sid!r}{did_you_mean(choice_id, ids)}")
            chosen, go = found, None
        point = self._undo_point() if self.keep_undo else None
        clock, arrival = st.clock, st.arrival  # the history records them as they were before the choice
        # the machine checks its guard and runs its consequences; then its branches, read after them
        taken = steps.go(st, chosen) if go is None else go(st)
        if taken is None:
            raise self._refusal(self.story.scenes[sid], chosen)
        target, which = taken
        if point is not None:
            self._past.append(point)
        st.history.append(_step(Step, (sid, choice_id, clock, arrival)))  # Step(...) without its __new__ in Python
        st.outcome = self._outcome(sid, chosen, which) if chosen.outcome else None
        self._route(target, choice_id)

    def _record(self, scene: Scene, choice_id: str) -> None:
        """Keep an undo point and write the choice into the history, before it changes anything."""
        st = self.state
        if self.keep_undo:
            self._past.append(self._undo_point())
        st.history.append(Step(scene.id, choice_id, st.clock, st.arrival))

    def _refusal(self, scene: Scene, choice: Choice) -> ChoiceError:
        """Why the machine would not take a choice, in the player's terms."""
        if any(ch is choice for ch, _ in self._visible()):
            return ChoiceError(f"choice {choice.id!r} is locked: {_locked_reason(choice, self.state.words)}")
        return ChoiceError(f"no choice {choice.id!r} in scene {scene.id!r}")

    def _route(self, target: str, choice_id: str | None) -> None:
        """The one place where the next scene is decided (rules of a day, in order); the machine moves there."""
        st = self.state
        steps = self._steps
        arrival = _CHOICE
        if target == "back":
            target = st.held if st.held in self.story.scenes else self.story.hub
            st.held = None
            arrival = _BACK
        clock = st.clock
        if target == "end" or target in steps.ending_ids or clock >= st.day_end:
            self._finish(target if target in steps.ending_ids else None, choice_id)
            return
        visits = st.visits
        if st.held is None:
            # an appointment due, else the interruptions open now, each rolled for in turn (codegen.starts)
            starts = steps.starts_at.get(clock)
            if starts is None:
                starts = steps.starts(clock)
            started = starts(st, clock, target, visits)
            if started is not None:
                st.held = target
                target, arrival = started
        steps.move(st, target, arrival, choice_id)
        visits[target] = visits.get(target, 0) + 1

    def _outcome(self, sid: str, chosen: Choice, which: int | None) -> str | None:
        """The first of a choice's outcomes that holds, rendered now: after its effects and minutes,
        before the next scene is picked (so an appointment that fires next cannot swallow it). `which`: its
        index, -1 for none, when the choice's generated step has found it (`Steps.often`)."""
        st = self.state
        if which is None:
            for cond, tpl in chosen.outcome:
                if cond is None or cond.fn(st):
                    break
            else:
                return None
        elif which < 0:
            return None
        else:
            tpl = chosen.outcome[which][1]
        if tpl.literal is not None:  # most outcomes: no scope to make
            return tpl.literal.strip() or None
        scope = TextScope(st, st.visits.get(sid, 1), f"{sid}/{chosen.id}", self.seed)
        return tpl.render(st.words, scope).strip() or None

    def _finish(self, ending_id: str | None, choice_id: str | None) -> None:
        st = self.state
        if ending_id is None:
            for ending in self.story.endings:  # the loader makes the last one unconditional
                if ending.cond is None or ending.cond.fn(st):
                    ending_id = ending.id
                    break
            else:
                raise AssertionError("the loader makes the last ending unconditional")
        st.held = None
        self._steps.move(st, ending_id, _END, choice_id)
        st.ending = ending_id

    def preset(self, values: dict[str, Any]) -> None:
        """Set stats, flags and words before play (play-from-here); unknown names raise ChoiceError."""
        st = self.state
        done = values.get("done")
        for name, value in values.items():
            if name == "done":  # after the clock, whatever the order given
                continue
            if name in self.story.stats:
                s = self.story.stats[name]
                try:
                    number = int(value)
                except (TypeError, ValueError):
                    raise ChoiceError(f"stat {name!r} takes a whole number, not {value!r}") from None
                st.stats[name] = min(max(number, s.min), s.max)
            elif name in st.flags:
                if isinstance(value, str):
                    if value.lower() not in ("true", "false", "1", "0"):
                        raise ChoiceError(f"flag {name!r} takes true or false, not {value!r}")
                    value = value.lower() in ("true", "1")
                st.flags[name] = bool(value)
            elif name in self.story.words:
                st.words[name] = str(value)
            elif name == "clock":
                from game.engine.clock import parse_time

                t = parse_time(str(value))
                if t is None:
                    raise ChoiceError(f"clock takes a time like 14:30, not {value!r}")
                st.clock = t
            else:
                from game.engine.suggest import did_you_mean

                known = (self.story.stats, self.story.flags, self.story.words, ("clock",))
                raise ChoiceError(f"{name!r} is not a stat, flag or word of this story{did_you_mean(name, *known)}")
        if done is not None:
            self._mark_done(str(done))

    def _mark_done(self, value: str) -> None:
        """`done=past` or `done=ID,ID`: appointments that already happened (visited once), so they do not start."""
        st = self.state
        appointments = {s.id: s for s in self.story.appointments}
        if value.strip() == "past":
            ids = [sid for sid, s in appointments.items() if s.at is not None and s.at < st.clock]
        else:
            ids = [x.strip() for x in value.split(",") if x.strip()]
        for sid in ids:
            if sid not in appointments:
                raise ChoiceError(f"done takes `past` or appointment ids; {sid!r} is not an appointment")
            st.visits[sid] = st.visits.get(sid, 0) or 1

    # -- undo, saves, report ------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._past)

    def undo(self) -> bool:
        """Take back the last choice; False at the start of the day."""
        if not self._past:
            return False
        point, steps = self._past.pop()
        point.history = self.state.history[:steps]
        self._settle(point)
        return True

    def _undo_point(self) -> tuple[DayState, int]:
        """The state before a choice, kept for undo. The history only grows between undo points, so
        its length stands for it: copying every entry at every step made the step O(day) and fed
        the garbage collector (bench/bench_step.py)."""
        return self.state.copy(history=False), len(self.state.history)

    def _settle(self, state: DayState) -> None:
        """Make `state` the day's state, at its scene in the machine."""
        self.state = state
        self._machine.set_state(state.scene, state)

    def snapshot(self) -> dict[str, Any]:
        """The whole day as JSON-ready data: state, undo history, seed and the story's hash."""
        history = self.state.history
        return {
            "save_version": SAVE_VERSION,
            "story_hash": self.story.hash,
            "story_title": self.story.title,
            "seed": self.seed,
            "short": self.short,
            "state": self.state.to_dict(),
            "undo": [point.to_dict() | {"history": [s.to_json() for s in history[:n]]} for point, n in self._past],
        }

    def restore(self, data: object) -> list[str]:
        """Resume a snapshot; returns notices about what changed when the story did. Raises SaveError."""
        from game.engine.migrate import migrate

        state, past, notices = migrate(self.story, data)
        assert isinstance(data, dict)  # migrate refuses anything else
        self.seed = data["seed"]
        self.short = bool(data.get("short", False))
        self._past = [(point.copy(history=False), len(point.history)) for point in past]
        self._settle(state)
        self.notices = notices
        return notices

    @classmethod
    def from_snapshot(cls, story: Story, data: object, *, keep_undo: bool = True) -> Game:
        """A game resumed from saved data (see `restore`)."""
        game = cls(story, seed="restore", keep_undo=keep_undo)
        game.restore(data)
        return game

    def fork(self, *, history: bool = True) -> Game:
        """Another game at this point of the day, sharing nothing mutable with this one and with no undo."""
        twin = copy.copy(self)
        twin.state = self.state.copy(history=history)
        twin._past = []
        twin.keep_undo = False
        twin.notices = []
        return twin

    def report(self) -> Report:
        return build_report(self)

    def replay(
        self,
        choice_ids: list[str],
        *,
        before: Callable[[int, str], object] | None = None,
        take: Callable[[str], object] | None = None,
    ) -> None:
        """Take several choices in order; stops with ReplayError at the first that is not available.

        `before(n, id)` runs before each choice (a front end shows the scene); `take(id)` takes it
        (default: `choose`).
        """
        for n, cid in enumerate(choice_ids, 1):
            if self.ended:
                raise ReplayError(f"the day ended before choice {n} ({cid!r})", n, cid, "", ended=True)
            if before is not None:
                before(n, cid)
            try:
                (take or self.choose)(cid)
            except ChoiceError as exc:
                message = f"choice {n} ({cid!r}) at scene {self.scene_id!r}: {exc}"
                raise ReplayError(message, n, cid, str(exc), ended=False) from None


def _locked_reason(choice: Choice, words: dict[str, str]) -> str:
    """Why a shown choice cannot be taken (a choice is shown locked only when it has a `locked` text)."""
    assert choice.locked is not None
    return choice.locked.render(words)


__all__ = ["CARRY_ON", "ChoiceKind", "ChoiceView", "DayState", "Game", "SaveError", "new_seed"]
