"""Warnings about a story that loads but may not play as its writer meant."""

from __future__ import annotations

import re

from game.authoring.jargon import glossary_warnings
from game.authoring.reach import StoryAnalysis, interrupt_of
from game.engine import Problem, Story
from game.engine.errors import in_order
from game.engine.expr import Expr
from game.engine.exprtree import Flag, Node, walk
from game.engine.story import Choice, Ending, Scene, Template, Where


def lint(story: Story, analysis: StoryAnalysis | None = None) -> list[Problem]:
    """Every warning for a loaded story, in file order."""
    a = analysis or StoryAnalysis(story)
    out: list[Problem] = []
    out += _unreachable(story, a)
    out += _impossible_conditions(story, a)
    out += _ending_variants(story, a)
    out += _interruptions(story, a)
    out += _dead_ends(story, a)
    out += _zero_minute_loops(story)
    out += _unused_names(story, a)
    out += glossary_warnings(story)
    out += _text_features(story, a)
    return in_order(out)


def _warn(where: Where, message: str) -> Problem:
    return Problem(where.path, where.line, where.col, message, "warning")


def _unreachable(story: Story, a: StoryAnalysis) -> list[Problem]:
    reached = a.reachable()
    out = []
    for scene in story.scenes.values():
        if scene.id in reached or (scene.interrupt is not None and scene.id not in a.links.interruptions):
            continue  # an interruption that can never fire has its own warning
        if scene.at_if is not None and not a.analyzer.can_hold(scene.at_if.tree):
            continue  # nor does an appointment whose `if` never holds
        out.append(
            _warn(
                scene.where,
                f"scene {scene.id!r} is never reached: no choice, appointment or "
                f"interruption leads to it from {story.start!r}",
            )
        )
    for ending in story.endings:
        if ending.id in reached:
            continue
        if (
            ending.id not in a.links.day_end
            and ending.cond is not None
            and not a.end_analyzer.can_hold(ending.cond.tree)
        ):
            why = f"its `if` `{ending.cond.src}` never holds ({a.end_bounds.describe(ending.cond.tree)})"
        elif ending.id not in a.links.day_end:
            why = "the endings before it always match first, and no choice goes to it"
        else:
            why = "no reachable choice goes to it and the day never ends"
        out.append(_warn(ending.where, f"ending {ending.id!r} is never reached: {why}"))
    return out


def _impossible_conditions(story: Story, a: StoryAnalysis) -> list[Problem]:
    out = []
    an = a.analyzer
    for scene in story.scenes.values():
        for i, (shown_if, _) in enumerate(scene.variants, 1):
            if not an.can_hold(shown_if.tree):
                out.append(
                    _warn(
                        scene.where,
                        f"variant {i} of scene {scene.id!r} is never shown: its `if` "
                        f"`{shown_if.src}` never holds{_why(a, shown_if.tree)}",
                    )
                )
        for ch in scene.choices:
            if ch.cond is not None and not an.can_hold(ch.cond.tree):
                out.append(
                    _warn(
                        ch.where,
                        f"choice {ch.id!r} in scene {scene.id!r} can never be taken: its "
                        f"{_cond_name(ch)} `{ch.cond.src}` never holds{_why(a, ch.cond.tree)}",
                    )
                )
                continue
            possible = a.branches(ch)
            earlier_uncond = False
            for j, (cond, target) in enumerate(ch.goto, 1):
                if earlier_uncond:
                    break  # the loader already warns about branches after one without `if`
                if cond is None:
                    earlier_uncond = True
                    continue
                if not an.can_hold(cond.tree):
                    out.append(
                        _warn(
                            ch.where,
                            f"branch {j} (to {target!r}) of choice {ch.id!r} in scene {scene.id!r} "
                            f"is never taken: its `if` `{cond.src}` never holds{_why(a, cond.tree)}",
                        )
                    )
                elif target not in possible and ch.cond is not None:
                    out.append(
                        _warn(
                            ch.where,
                            f"branch {j} (to {target!r}) of choice {ch.id!r} in scene {scene.id!r} "
                            f"is never taken: its `if` `{cond.src}` cannot hold together with the "
                            f"choice's {_cond_name(ch)} `{ch.cond.src}` and the branches before it",
                        )
                    )
    return out


def _ending_variants(story: Story, a: StoryAnalysis) -> list[Problem]:
    out = []
    for ending in story.endings:
        for i, (cond, _) in enumerate(ending.variants, 1):
            if not a.end_analyzer.can_hold(cond.tree):
                why = a.end_bounds.describe(cond.tree)
                out.append(
                    _warn(
                        ending.where,
                        f"variant {i} of ending {ending.id!r} is never shown: its `if` "
                        f"`{cond.src}` never holds at the end of a day" + (f" ({why})" if why else ""),
                    )
                )
    return out


def _cond_name(ch) -> str:
    """What a choice's condition for being taken is called in the file."""
    if ch.show is None:
        return "`if`"
    return "`show_if`" if ch.cond is ch.show else "`show_if` and `if`"


def _why(a: StoryAnalysis, tree: Node) -> str:
    text = a.bounds.describe(tree)
    return f" ({text})" if text else ""


def _interruptions(story: Story, a: StoryAnalysis) -> list[Problem]:
    out = []
    for scene in story.interrupts:
        it = interrupt_of(scene)
        if it.chance <= 0:
            out.append(_warn(scene.where, f"interruption {scene.id!r} can never fire: its chance is 0"))
        elif it.cond is not None and not a.analyzer.can_hold(it.cond.tree):
            out.append(
                _warn(
                    scene.where,
                    f"interruption {scene.id!r} can never fire: its `if` `{it.cond.src}` "
                    f"never holds{_why(a, it.cond.tree)}",
                )
            )
    return out


def _dead_ends(story: Story, a: StoryAnalysis) -> list[Problem]:
    out = []
    for sid, why in a.links.dead_ends.items():
        scene = story.scenes[sid]
        then = "ends the day" if sid == story.hub else f"goes to {story.hub!r}"
        fix = "no `if` and no `once`" if "`once`" in why else "no `if`"
        out.append(
            _warn(
                scene.where,
                f"scene {sid!r} has no unconditional way out: {why}; the player would only "
                f"get \u201cCarry on\u201d, which {then} (give one choice {fix})",
            )
        )
    return out


def _zero_minute_loops(story: Story) -> list[Problem]:
    """A choice that leads back to its own scene and takes no time: the clock never moves on it."""
    out = []
    for scene in story.scenes.values():
        for ch in scene.choices:
            if ch.minutes == 0 and not ch.once and scene.id in ch.targets:
                out.append(
                    _warn(
                        ch.where,
                        f"choice {ch.id!r} in scene {scene.id!r} leads back to its own scene and takes 0 minutes, "
                        "so a player can take it forever without the clock moving (give it `minutes:` or `once: true`)",
                    )
                )
    return out


RETURN_WORDS = 60  # a scene text longer than this, read again and again, wants `again:`


def _text_features(story: Story, a: StoryAnalysis) -> list[Problem]:
    """Format 1.1: return visits, sequences, inline and outcome conditions, conditional appointments."""
    out = []
    an = a.analyzer
    comes_back = _comes_back(story, a)
    for scene in story.scenes.values():
        sid = scene.id
        out += _return_visits(story, scene, sid in comes_back)
        texts = [scene.text, *(tpl for _, tpl in scene.variants)]
        if scene.again is not None:
            texts.append(scene.again)
        for tpl in texts:
            for kind, count in _sequences(tpl, ("seq", "cycle", "shuffle")):
                if count < 2:
                    out.append(
                        _warn(
                            scene.where, f"a {{{kind}:}} in scene {sid!r} has one alternative; separate them with ' | '"
                        )
                    )
            if tpl.literal is None:  # (the message's words made only for a text with insertions)
                out += _inline(tpl, f"scene {sid!r}", scene.where, a)
        for ch in scene.choices:
            for i, (cond, tpl) in enumerate(ch.outcome, 1):
                if cond is not None and not an.can_hold(cond.tree):
                    out.append(
                        _warn(
                            ch.where,
                            f"outcome {i} of choice {ch.id!r} in scene {sid!r} is never shown: its `if` "
                            f"`{cond.src}` never holds{_why(a, cond.tree)}",
                        )
                    )
                if tpl.literal is None:
                    out += _inline(tpl, f"the outcome of choice {ch.id!r} in scene {sid!r}", ch.where, a)
        if scene.at_if is not None and not an.can_hold(scene.at_if.tree):
            out.append(
                _warn(
                    scene.where,
                    f"appointment {sid!r} never happens: its `if` `{scene.at_if.src}` never holds"
                    f"{_why(a, scene.at_if.tree)}",
                )
            )
    for ending in story.endings:
        for tpl in [ending.text, *(t for _, t in ending.variants)]:
            out += _inline(tpl, f"ending {ending.id!r}", ending.where, a, at_end=True)
    return out


def _comes_back(story: Story, a: StoryAnalysis) -> set[str]:
    """The scenes a day can enter more than once."""
    comes_back = a.cycles() | {story.hub}  # "Carry on" and `back` lead to the hub
    # an appointment, or an interruption without `repeat`, starts by itself once a day: only a written
    # goto brings the day back to it
    written = {t for sc in story.scenes.values() for ch in sc.choices for t in ch.targets}
    comes_back -= {
        sc.id
        for sc in story.scenes.values()
        if (sc.at is not None or (sc.interrupt is not None and not sc.interrupt.repeat)) and sc.id not in written
    }
    return comes_back


def _return_visits(story: Story, scene: Scene, again: bool) -> list[Problem]:
    """A long text read on every visit, an `again:` never shown, a sequence that never steps."""
    out = []
    sid = scene.id
    if scene.again is None and again and scene.text.literal != "":
        words = len(scene.text.render(story.words).split())
        if words > RETURN_WORDS:
            out.append(
                _warn(
                    scene.where,
                    f"scene {sid!r} can be visited more than twice in a day and its text is {words} words "
                    f"long, read in full on every visit; give it `again:`, a short text for the second "
                    f"and later visits",
                )
            )
    if scene.again is not None and not again:
        out.append(_warn(scene.where, f"scene {sid!r} has `again:`, but no day comes back to it, so it is never shown"))
    texts = [scene.text, *(tpl for _, tpl in scene.variants)]
    if not again and any(_sequences(t, ("seq", "cycle")) for t in texts):
        out.append(
            _warn(
                scene.where,
                f"a {{seq:}} or {{cycle:}} in scene {sid!r} steps on each visit, but no day comes back to "
                f"the scene: only its first alternative is ever shown",
            )
        )
    return out


def _sequences(tpl, kinds: tuple[str, ...]) -> list[tuple[str, int]]:
    """(kind, number of alternatives) of each sequence of these kinds in a text, nested ones too."""
    if tpl is None or tpl.literal is not None:
        return []
    return [(p[0], len(p[2])) for p in tpl.inserts if p[0] in kinds]


def _inline(tpl, what: str, where: Where, a: StoryAnalysis, at_end: bool = False) -> list[Problem]:
    """An inline condition that never holds: its alternative is never shown."""
    if tpl is None or tpl.literal is not None:
        return []
    an = a.end_analyzer if at_end else a.analyzer
    bounds = a.end_bounds if at_end else a.bounds
    out = []
    for cond in tpl.conditions:
        if not an.can_hold(cond.tree):
            why = bounds.describe(cond.tree)
            out.append(
                _warn(
                    where,
                    f"an inline condition in {what}, `{{if {cond.src.strip()}: …}}`, never holds"
                    + (f" ({why})" if why else "")
                    + ": its text is never shown",
                )
            )
    return out


class _Uses:
    """What a story's texts and conditions read, and what its choices and short day set."""

    def __init__(self, story: Story):
        self.read: set[str] = set()  # flags an `if` reads
        self.words: set[str] = set()  # words a text inserts
        self.set_where: dict[str, Where] = {}  # where each flag or word is first set
        self.set_true: set[str] = set()  # flags set to true somewhere
        self._walked: set[int] = set()  # equal conditions share one tree (the compiler's cache): walk each once
        for scene in story.scenes.values():
            self.scene(scene)
        for ending in story.endings:
            self.ending(ending)
        if story.short is not None:
            self.sets(story.short.sets, Where(story.files[0], 1, 1))

    def condition(self, cond: Expr | None) -> None:
        if cond is None or id(cond.tree) in self._walked:
            return
        self._walked.add(id(cond.tree))
        self.read.update(node.name for node in walk(cond.tree) if isinstance(node, Flag))

    def text(self, tpl: Template | None) -> None:
        if tpl is None or tpl.literal is not None:
            return
        words = self.words
        for part in tpl.inserts:  # (`names` and `conditions` in one pass, without their lists)
            kind = part[0]
            if kind == "w" or kind == "W":
                words.add(part[1])
            elif kind == "if":  # inline conditions read flags too
                for cond, _ in part[1]:
                    if cond is not None:
                        self.condition(cond)

    def sets(self, sets: tuple[tuple[str, object], ...], where: Where) -> None:
        for name, value in sets:
            self.set_where.setdefault(name, where)
            if value is True:
                self.set_true.add(name)

    def variants(self, variants: tuple[tuple[Expr, Template], ...]) -> None:
        for cond, tpl in variants:
            self.condition(cond)
            self.text(tpl)

    def scene(self, scene: Scene) -> None:
        for tpl in (scene.title, scene.text, scene.again):
            self.text(tpl)
        self.condition(scene.interrupt.cond if scene.interrupt is not None else None)
        self.condition(scene.at_if)
        self.variants(scene.variants)
        for ch in scene.choices:
            self.choice(ch)

    def choice(self, ch: Choice) -> None:
        self.text(ch.text)
        self.text(ch.locked)
        self.condition(ch.cond)  # with `show_if`, `show_if and if`
        for cond, _ in ch.goto:
            self.condition(cond)
        for cond, tpl in ch.outcome:
            self.condition(cond)
            self.text(tpl)
        self.sets(ch.sets, ch.where)

    def ending(self, ending: Ending) -> None:
        self.text(ending.title)
        self.text(ending.text)
        self.condition(ending.cond)
        self.variants(ending.variants)


def _unused_names(story: Story, a: StoryAnalysis) -> list[Problem]:
    """Flags and words declared but never used as the writer would expect."""
    uses = _Uses(story)
    manifest = _Manifest(story)
    out = []
    for flag in story.flags:
        where = manifest.locate("flags", flag)
        if flag not in uses.read and flag not in uses.set_where:
            out.append(_warn(where, f"flag {flag!r} is declared but never set or read"))
        elif flag not in uses.read:
            out.append(_warn(where, f"flag {flag!r} is set (at {uses.set_where[flag]}) but no `if` ever reads it"))
        elif flag not in uses.set_true:
            out.append(_warn(where, f"flag {flag!r} is read but never set to true, so it is always false"))
    for word in story.words:
        if word not in uses.words:
            where = manifest.locate("words", word)
            also = f" (it is set at {uses.set_where[word]})" if word in uses.set_where else ""
            out.append(_warn(where, f"word {word!r} is never used in any text as {{{word}}}{also}"))
    return out


class _Manifest:
    """Finds where a name is declared in story.yaml (the loaded story keeps no marks for them)."""

    def __init__(self, story: Story):
        self.path = story.files[0]
        try:
            self.lines = (story.root / "story.yaml").read_text("utf-8-sig").splitlines()
        except OSError:
            self.lines = []

    def locate(self, section: str, name: str) -> Where:
        start = next((i for i, line in enumerate(self.lines) if re.match(rf"{section}\s*:", line)), None)
        if start is None:
            return Where(self.path, 1, 1)
        word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            if i > start and line[:1] not in (" ", "\t", "-", "#", ""):
                break  # the next top-level key
            code = line.split("#", 1)[0]
            m = word.search(code, len(section) + 1 if i == start else 0)
            if m:
                return Where(self.path, i + 1, m.start() + 1)
        return Where(self.path, start + 1, 1)
