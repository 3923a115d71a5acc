"""Loading a story folder: strict YAML, typed models, then every semantic check, all located.

Four steps, each on its own: reading the files within the caps (`storyfiles`, then `_read`), validating
them against the models (`_validate`, errors worded by `wording`), the names the manifest declares
(`_declare`) and the scenes across files (`_gather`), then compiling (`_Compiler`, given all it needs up
front). Every problem goes to one `Problems`, placed at a `Spot` of the parsed data.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from game.engine.clock import format_time, parse_time
from game.engine.errors import Problem, StoryError, in_order
from game.engine.expr import RESERVED, Env, Expr, ExprError, compile_expr
from game.engine.glossary import GLOSSARY, read_glossary
from game.engine.located import Loc, Problems, Spot, Tree
from game.engine.shapes import ID_MAX, Clock, EndingDef, Manifest, Reference, SceneFile, read_manifest, read_scene
from game.engine.shapes import At as _At
from game.engine.shapes import Branch as _Branch
from game.engine.shapes import Choice as _Choice
from game.engine.shapes import Interrupt as _Interrupt
from game.engine.shapes import Scene as _Scene
from game.engine.shapes import ShortDay as ShortDayDef
from game.engine.shapes import StatDef as _StatDef
from game.engine.shapes import Text as _Text
from game.engine.shapes import version as _version
from game.engine.story import (
    Choice,
    Ending,
    Interrupt,
    Scene,
    ShortDay,
    Stat,
    Story,
    Template,
    TextRules,
    Where,
)
from game.engine.storyfiles import MANIFEST, display_path, read_story_files
from game.engine.suggest import did_you_mean, new_budget
from game.engine.where import shipped_story_dir
from game.engine.where import story_files as story_files  # where the TUI's watcher, tests and bench/ look
from game.engine.yamlsafe import Document, Mark, YDict

if TYPE_CHECKING:  # the models are imported only for a value the records cannot take at once (engine/shapes.py)
    from game.engine import model as m

GOTO_WORDS = frozenset({"back", "end"})  # the goto targets that are words of the format, not ids

Overlay = Mapping[str, str | bytes] | Mapping[Path, str | bytes]
Parses = dict[str, tuple[bytes, Document]]


def load_story(
    root: str | Path | None = None,
    *,
    overlay: Overlay | None = None,
    parses: Parses | None = None,
    evaluators: bool = True,
) -> Story:
    """Read, check and compile the story in `root`; raises StoryError listing every problem.

    `overlay` gives the contents of some files by path, read instead of the disk (an editor's
    unsaved buffers: the language server); a scene file only in the overlay is read too.
    `parses` keeps each file's parse between loads of one folder (the language server checks it
    after every edit): a file whose bytes did not change is not parsed again.
    `evaluators=False`: each condition's evaluator is built on its first call (`check` plays nothing).
    The garbage collector's policy while loading is the caller's (game/startup.py).
    """
    root = Path(root) if root is not None else shipped_story_dir()
    new_budget()  # of did-you-mean comparisons: bounded per load, however many typos
    problems = Problems()
    # each file is validated as soon as it is read, and its parsed data let go (unless the caller keeps the
    # parses): only one file's data is alive at a time (#19: `check`'s memory was a third of its cost)
    validated = _Validated(problems, release=parses is None)
    digest = _read(root, overlay, parses, problems, validated)
    if validated.manifest is None:
        raise StoryError(problems.errors, problems.unshown)
    try:
        story = _compile(root, validated, digest, problems, evaluators)
    except _Flood as flood:  # said in story.yaml, where it is listed whatever the scene files hold
        problems.error(
            validated.manifest.spot.path,
            (1, 1),
            f"more than {MAX_ERRORS:,} errors: checking stopped at scene {flood.scene!r} ({flood.where}); "
            "fix these and check again",
        )
        raise StoryError(problems.errors, problems.unshown) from None
    story.glossary = read_glossary(
        root, display_path(root / GLOSSARY), problems.error, problems.warn, _overlaid(root / GLOSSARY, overlay)
    )
    if problems.errors:
        raise StoryError(problems.errors, problems.unshown)
    story.warnings = in_order(problems.warnings)
    return story


# -- reading ------------------------------------------------------------------------------------


def _read(root: Path, overlay: Overlay | None, parses: Parses | None, problems: Problems, validated: _Validated) -> str:
    """Every story file parsed within the caps and validated as it comes; the story's digest. Raises
    StoryError when there is no story, or when a cap cut the reading off: then with reading's problems
    alone, whatever the files read before held (checking part of a story would report every reference
    into the rest)."""
    manifest_path = root / MANIFEST
    shown_root = display_path(root)
    if not root.is_dir():
        raise StoryError([Problem(shown_root, 1, 1, "no story folder here")])
    if not manifest_path.is_file() and _overlaid(manifest_path, overlay) is None:
        raise StoryError(
            [
                Problem(
                    display_path(manifest_path),
                    1,
                    1,
                    f"no {MANIFEST} in {shown_root}: a story folder holds story.yaml and scenes/*.yaml",
                )
            ]
        )
    read = read_story_files(root, overlay, parses, validated.file)
    if read.cut_off:
        raise StoryError(read.problems, read.unshown)
    problems.errors.extend(read.problems)
    problems.unshown.update(read.unshown)
    if validated.files == 0 or validated.manifest_empty:
        problems.error(display_path(manifest_path), None, "story.yaml is empty")
    return read.digest


def _overlaid(path: Path, overlay: Overlay | None) -> bytes | None:
    """The editor's unsaved copy of a file, as bytes, if the overlay has one."""
    if not overlay:
        return None
    real = path.resolve()
    for p, text in overlay.items():
        if Path(p).resolve() == real:
            return text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return None


# -- validating ---------------------------------------------------------------------------------


@dataclass
class _ParsedFile:
    """A file whose data validated against its model (a scene file: the scenes that did)."""

    spot: Spot  # the file's root (a scene file's data: a Tree, let go once validated)
    model: Any  # Manifest or SceneFile
    # a scene file's scenes: where each scene's id and each of its choices stand (kept for the compiled story)
    marks: dict[str, tuple[Mark, list[Mark]]] = field(default_factory=dict)


class _Validated:
    """The files validated so far, each against its model as it is read; the manifest's problems and
    each scene's are reported apart."""

    def __init__(self, problems: Problems, release: bool):
        self.problems = problems
        self.release = release  # let each scene file's parsed data go once validated (unless the caller keeps it)
        self.manifest: _ParsedFile | None = None
        self.scene_files: list[_ParsedFile] = []
        self.broken_ids: set[str] = set()  # scene ids in files that failed validation
        self.incomplete = False  # a scene file could not be read at all
        self.files = 0  # files given so far
        self.manifest_empty = False  # story.yaml holds nothing, and nothing wrong

    def file(self, shown: str, doc: Document) -> None:
        """One file, just read (`read_story_files` gives them in order, the manifest first)."""
        index = self.files
        self.files += 1
        problems = self.problems
        data = doc.data
        if data is None:
            if index == 0:
                self.manifest_empty = not doc.problems
            elif doc.problems:  # an unreadable scene file: its ids are unknown, so don't blame references to them
                self.incomplete = True
            else:
                problems.warn(shown, (1, 1), "the file is empty")
            return
        problems.keep_text(shown, doc.raw)  # problems in it are placed on its lines too (valid UTF-8)
        if not isinstance(data, YDict):
            what = "story.yaml" if index == 0 else "a scene file"
            problems.error(
                shown,
                getattr(data, "mark", None),
                f"{what} must be a mapping of keys (like `title:`), not {type(data).__name__}",
            )
            return
        spot = Spot(shown, data)
        if index == 0:
            manifest = read_manifest(data)
            if manifest is None:
                manifest = _validated_manifest(spot, data, problems)
            if manifest is not None:
                self.manifest = _ParsedFile(spot, manifest)
            return
        scenes = _validate_scenes(spot, data, self.broken_ids, problems)
        if scenes is not None:
            tree = Tree(shown, doc.raw, data)
            self.scene_files.append(_ParsedFile(Spot(shown, tree), scenes, _scene_marks(data, scenes)))
            if self.release:
                doc.data = None
                tree.release()


def _scene_marks(data: YDict, sf: SceneFile) -> dict[str, tuple[Mark, list[Mark]]]:
    """Where each valid scene's id and each of its choices stand (validated: mappings and lists)."""
    scenes = data["scenes"]
    return {sid: (scenes.key_marks[sid], [c.mark for c in scenes[sid]["choices"]]) for sid in sf.scenes}


def _validate_scenes(spot: Spot, data: YDict, broken: set[str], problems: Problems) -> SceneFile | None:
    """Each scene on its own, so one broken scene does not hide the problems of the others."""
    for key in data:
        if key not in ("version", "scenes"):
            close = difflib.get_close_matches(key, ["scenes", "version"], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (a scene file holds `scenes:`)"
            problems.error_at(spot.at(key), f"unknown key {key!r} in the scene file{hint}", key=True)
    scenes = data.get("scenes")
    if not isinstance(scenes, YDict):
        if "scenes" in data:
            from game.engine.wording import shape

            problems.error_at(
                spot.at("scenes"), f"`scenes` must be a mapping of scene id to scene, got {shape(scenes)}"
            )
        else:
            problems.error(spot.path, data.mark, "a scene file needs `scenes:`, a mapping of scene id to scene")
        return None
    version = None
    if "version" in data:
        try:
            version = _version(data["version"])
        except ValueError as exc:
            problems.error_at(spot.at("version"), f"`version`: {exc}")
    good = {}
    for sid, sdata in scenes.items():
        scene = read_scene(sdata)
        if scene is None:
            scene = _validated_scene(spot.at("scenes", sid), sdata, problems)
        if scene is None:
            broken.add(sid)
        else:
            good[sid] = scene
    return SceneFile(good, version)


R = TypeVar("R")


def _validated_manifest(spot: Spot, data: YDict, problems: Problems) -> Manifest | None:
    """story.yaml through its model: its record, or None with every problem reported."""
    from game.engine import model as m

    return _validated(spot, data, problems, m.Manifest, _manifest_record, "story")


def _validated_scene(spot: Spot, data: object, problems: Problems) -> _Scene | None:
    """A scene through its model: its record, or None with every problem reported."""
    from game.engine import model as m

    return _validated(spot, data, problems, m.SceneDef, _scene_record, "scenes")


def _validated(
    spot: Spot, data: object, problems: Problems, model: Any, record: Callable[[Any], R], section: str
) -> R | None:
    """A value through a model (pydantic imported only now: a right story never needs it), then made a record."""
    from pydantic import ValidationError

    from game.engine.wording import report_validation

    try:
        return record(model.model_validate(data))
    except ValidationError as exc:
        report_validation(problems, spot, exc, section)
        return None


def _manifest_record(man: m.Manifest) -> Manifest:
    """What compiling reads of a validated manifest, every value as validated."""
    clock = Clock(man.clock.start, man.clock.end)
    ref, sd = man.reference, man.short
    return Manifest(
        man.version,
        man.title,
        man.subtitle,
        man.start,
        man.hub,
        clock,
        tuple(man.categories),
        man.category_labels,
        {name: _StatDef(s.start, s.min, s.max, s.label) for name, s in man.stats.items()},
        tuple(man.flags),
        man.words,
        tuple(
            EndingDef(e.id, e.if_, e.title, e.text, tuple([_Text(v.if_, v.text) for v in e.variants]), tuple(e.debrief))
            for e in man.endings
        ),
        man.credits,
        None if ref is None else Reference(ref.label, ref.source, ref.minutes),
        None
        if sd is None
        else ShortDayDef(
            sd.start, None if sd.clock is None else Clock(sd.clock.start, sd.clock.end), sd.set, sd.effects, sd.subtitle
        ),
    )


# A validated scene is kept until it is compiled as these records, not as its models: a choice's model
# is 1.3 KB, most of it pydantic's own (the fields and the set of those given), and every scene of a
# story waits for the last file to be read (#19: `check`'s memory).


def _scene_record(sd: m.SceneDef) -> _Scene:
    """What compiling a validated scene reads of it, every value as validated."""
    at, it = sd.at, sd.interrupt
    return _Scene(
        sd.title,
        at if at is None or isinstance(at, str) else _At(at.time, at.if_),
        sd.category,
        sd.text,
        sd.again,
        tuple([_Text(v.if_, v.text) for v in sd.variants]),
        tuple([_choice_record(cd) for cd in sd.choices]),
        None if it is None else _Interrupt(it.chance, it.if_, it.repeat),
    )


def _choice_record(cd: m.ChoiceDef) -> _Choice:
    goto, outcome = cd.goto, cd.outcome
    return _Choice(
        cd.id,
        cd.text,
        cd.if_,
        cd.show_if,
        cd.locked,
        cd.minutes,
        cd.effects,
        cd.set,
        cd.once,
        goto if isinstance(goto, str) else tuple([_Branch(b.if_, b.to) for b in goto]),
        cd.category,
        outcome if outcome is None or isinstance(outcome, str) else tuple([_Text(o.if_, o.text) for o in outcome]),
    )


# -- what the manifest declares -----------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    """The names story.yaml declares, checked: stats, flags, words and categories."""

    stats: dict[str, Stat]
    flags: list[str]
    words: dict[str, str]
    categories: list[str]
    stat_names: frozenset[str] = field(init=False)
    flag_names: frozenset[str] = field(init=False)
    word_names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stat_names", frozenset(self.stats))
        object.__setattr__(self, "flag_names", frozenset(self.flags))
        object.__setattr__(self, "word_names", frozenset(self.words))


def _declare(spot: Spot, man: Manifest, problems: Problems) -> _Names:
    """The manifest's names, each checked at its place (simple, not reserved, not declared twice)."""
    stats = _declare_stats(spot, man, problems)
    flags: list[str] = []
    for i, name in enumerate(man.flags):
        at = spot.at("flags", i)
        if name in RESERVED:
            problems.error_at(at, f"{name!r} is a reserved word; name the flag differently")
        elif name in stats:
            problems.error_at(at, f"{name!r} is both a stat and a flag")
        elif name in flags:
            problems.error_at(at, f"flag {name!r} is declared twice")
        flags.append(name)
    words = dict(man.words)
    for name in words:
        at = spot.at("words", name)
        if not _is_name(name):
            problems.error_at(at, f"word name {name!r} must be a simple name like `lead`", key=True)
        elif name in RESERVED:
            problems.error_at(at, f"{name!r} is a reserved word; name the word differently", key=True)
        elif _too_long(problems, spot.path, at.mark(key=True), "word", name):
            pass
        elif name in stats or name in flags:
            problems.error_at(at, f"{name!r} is declared as a word and as a stat or flag", key=True)
    categories = list(man.categories)
    for i, c in enumerate(categories):
        if categories.index(c) != i:
            problems.error_at(spot.at("categories", i), f"category {c!r} is listed twice")
        if c in RESERVED:
            problems.error_at(spot.at("categories", i), f"{c!r} is a reserved word; name the category differently")
    for c in man.category_labels:
        if c not in categories:
            problems.error_at(spot.at("category_labels", c), _unknown("category", c, categories), key=True)
    return _Names(stats, flags, words, categories)


def _declare_stats(spot: Spot, man: Manifest, problems: Problems) -> dict[str, Stat]:
    stats: dict[str, Stat] = {}
    for name, sd in man.stats.items():
        at = spot.at("stats", name)
        mark = at.mark(key=True)
        if not _is_name(name):
            problems.error(spot.path, mark, f"stat name {name!r} must be a simple name like `energy`")
        if name in RESERVED:
            problems.error(spot.path, mark, f"{name!r} is a reserved word; name the stat differently")
        _too_long(problems, spot.path, mark, "stat", name)
        if not sd.min <= sd.start <= sd.max:
            problems.error_at(at, f"stat {name!r} starts at {sd.start}, outside its range {sd.min}..{sd.max}")
        stats[name] = Stat(name, sd.start, sd.min, sd.max, sd.label or name.replace("_", " ").capitalize())
    return stats


# -- the scenes across files --------------------------------------------------------------------


@dataclass
class _RawScene:
    """A scene that validated, with the place of its file's data, before it is compiled."""

    spot: Spot  # the scene file's root
    model: _Scene
    mark: Mark  # of its id
    choice_marks: list[Mark]


def _gather(scene_files: list[_ParsedFile], problems: Problems) -> dict[str, _RawScene]:
    """Every valid scene by id, in file order; ids that are not simple, reserved, too long or taken are reported."""
    found: dict[str, _RawScene] = {}
    for pf in scene_files:
        spot = pf.spot
        for sid, sdef in pf.model.scenes.items():
            mark, choice_marks = pf.marks[sid]
            if not _is_name(sid):
                problems.error(
                    spot.path, mark, f"scene id {sid!r} must be letters, digits and _ and start with a letter"
                )
                continue
            if sid in RESERVED:
                problems.error(spot.path, mark, f"{sid!r} is a reserved word; name the scene differently")
                continue
            if _too_long(problems, spot.path, mark, "scene id", sid):
                continue
            if sid in found:
                other = found[sid]
                omark = other.mark
                problems.error(
                    spot.path, mark, f"scene {sid!r} is already defined at {other.spot.path}:{omark[0]}:{omark[1]}"
                )
                continue
            found[sid] = _RawScene(spot, sdef, mark, choice_marks)
    return found


# -- compiling ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """All a compiler needs to know of the whole story before it compiles any part of it."""

    names: _Names
    version: str  # the manifest's
    scene_ids: frozenset[str]  # scenes that validated
    known: frozenset[str]  # those and the scenes that did not: a reference to either is no error
    ending_ids: frozenset[str]
    incomplete: bool  # a scene file could not be read: references are not checked
    env: Env
    appointment_times: dict[str, int]
    file_versions: dict[str, str]
    clock: tuple[int, int]
    targets: frozenset[str] = field(init=False)  # what a goto may name

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", self.known | self.ending_ids | GOTO_WORDS)


def _compile(root: Path, validated: _Validated, digest: str, problems: Problems, evaluators: bool = True) -> Story:
    """The story, every semantic problem reported; each scene file's data is let go once compiled."""
    assert validated.manifest is not None
    mspot, man = validated.manifest.spot, validated.manifest.model
    names = _declare(mspot, man, problems)
    raw = _gather(validated.scene_files, problems)
    file_versions = {pf.spot.path: pf.model.version or man.version for pf in validated.scene_files}
    validated.scene_files.clear()  # the scenes in `raw` are all that is kept of them
    scene_ids = frozenset(raw)
    known = scene_ids | validated.broken_ids
    ctx = _Context(
        names=names,
        version=man.version,
        scene_ids=scene_ids,
        known=known,
        ending_ids=frozenset(ed.id for ed in man.endings),
        incomplete=validated.incomplete,
        env=Env(
            names.stat_names,
            names.flag_names,
            None if validated.incomplete else known,
            names.word_names,
            evaluators=evaluators,
        ),
        appointment_times={
            sid: _checked_time(rs.model.at if isinstance(rs.model.at, str) else rs.model.at.time)
            for sid, rs in raw.items()
            if rs.model.at is not None
        },
        file_versions=file_versions,
        clock=_clock(mspot, man.clock, problems),
    )
    c = _Compiler(ctx, problems)
    endings = c.endings(mspot, man.endings)
    scenes = c.scenes(raw)
    c.story_refs(mspot, man, scenes)
    c.check_back(scenes)
    return Story(
        root=root,
        title=man.title,
        subtitle=man.subtitle,
        start=man.start,
        hub=man.hub or man.start,
        clock_start=ctx.clock[0],
        clock_end=ctx.clock[1],
        categories=tuple(names.categories),
        category_labels={c: man.category_labels.get(c, c.replace("_", " ").capitalize()) for c in names.categories},
        stats=names.stats,
        flags=tuple(names.flags),
        words=names.words,
        endings=endings,
        scenes=scenes,
        credits=man.credits,
        reference=c.reference(mspot, man.reference),
        short=c.short(mspot, man.short, man.start),
        hash=digest,
        files=problems.files or (mspot.path,),
    )


# errors past which scenes are no longer compiled: a story of a condition error on every choice had
# 176,000 (14.7 s of `check`, #14), where only 100 a file are ever listed
MAX_ERRORS = 10_000


class _Flood(Exception):
    """Too many errors to go on checking; the story's problems so far are its StoryError."""

    def __init__(self, scene: str, where: str):
        super().__init__(scene)
        self.scene = scene
        self.where = where


def _clock(spot: Spot, clock: Clock, problems: Problems) -> tuple[int, int]:
    start, end = _checked_time(clock.start), _checked_time(clock.end)
    if start >= end:
        problems.error_at(spot.at("clock"), f"the day ends ({clock.end}) before it starts ({clock.start})")
    return (start, end)


class _Compiler:
    """Turns validated models into the compiled story, given the whole story's context up front."""

    def __init__(self, ctx: _Context, problems: Problems):
        self.ctx = ctx
        self.names = ctx.names
        self.problems = problems
        self._rules: dict[tuple[str, int | None, str, bool], TextRules] = {}  # kept: their ids key _templates
        self._templates: dict[int, dict[str, Template | tuple[Template, list[tuple[int, str]], list[Any] | None]]] = {}
        words = ctx.names.words
        self._lower_words = frozenset(w for w, v in words.items() if next((c for c in v if c.isalpha()), "").islower())

    # -- the parts of story.yaml ----------------------------------------------------------------

    def endings(self, mspot: Spot, defs: Sequence[EndingDef]) -> tuple[Ending, ...]:
        endings: list[Ending] = []
        seen: set[str] = set()
        version = self.ctx.version
        ending_rules = self.rules(version, None, "an ending")
        for i, ed in enumerate(defs):
            at = mspot.at("endings", i)
            mark = at.mark()
            assert mark is not None  # an ending that validated stands in the manifest's data
            self._ending_id(at, ed.id, seen)
            seen.add(ed.id)
            cond = self.expr(at, ("if",), ed.if_) if ed.if_ is not None else None
            if ed.if_ is None and i != len(defs) - 1:
                self.problems.warn(
                    mspot.path, mark, f"ending {ed.id!r} has no `if`, so the endings after it can never be chosen"
                )
            variants = self.variants(at, ed.variants, ending_rules)
            title = self.template(at, ("title",), ed.title, self.rules(version, None, "a title", rich=False))
            text = self.template(at, ("text",), ed.text, ending_rules)
            endings.append(Ending(ed.id, cond, title, text, tuple(ed.debrief), Where(mspot.path, *mark), variants))
        if defs and defs[-1].if_ is not None:
            self.problems.error_at(
                mspot.at("endings", len(defs) - 1, "if"),
                "the last ending must have no `if`, so every day can end",
                key=True,
            )
        return tuple(endings)

    def _ending_id(self, at: Spot, eid: str, seen: set[str]) -> None:
        where = at.at("id")
        if eid in seen:
            self.problems.error_at(where, f"ending {eid!r} is declared twice")
        if eid in self.ctx.scene_ids:
            self.problems.error_at(where, f"{eid!r} is both a scene and an ending")
        if eid in RESERVED:
            self.problems.error_at(where, f"{eid!r} is a reserved word; name the ending differently")

    def story_refs(self, mspot: Spot, man: Manifest, scenes: dict[str, Scene]) -> None:
        """The start and hub scenes exist, and the day starts in a scene of its own."""
        ctx = self.ctx
        for name, ref in (("start", man.start), ("hub", man.hub)):
            if ref is not None and ref not in ctx.known and not ctx.incomplete:
                self.problems.error_at(mspot.at(name), _unknown(f"{name} scene", ref, ctx.scene_ids))
        if man.start in scenes and scenes[man.start].kind != "scene":
            self.problems.error_at(
                mspot.at("start"), f"the start scene {man.start!r} is an appointment or interruption"
            )

    def reference(self, mspot: Spot, ref: Reference | None) -> dict[str, Any] | None:
        if ref is None:
            return None
        categories = self.names.categories
        for c in ref.minutes:
            if c not in categories:
                self.problems.error_at(
                    mspot.at("reference", "minutes", c), _unknown("category", c, categories), key=True
                )
        return ref.as_dict()

    def short(self, mspot: Spot, sd: ShortDayDef | None, day_start: str) -> ShortDay | None:
        if sd is None:
            return None
        ctx = self.ctx
        if sd.start is not None and sd.start not in ctx.known and not ctx.incomplete:
            self.problems.error_at(mspot.at("short", "start"), _unknown("scene", sd.start, ctx.scene_ids))
        cs, ce = ctx.clock
        if sd.clock is not None:
            cs, ce = _checked_time(sd.clock.start), _checked_time(sd.clock.end)
            if cs >= ce:
                self.problems.error_at(mspot.at("short", "clock"), "the short day ends before it starts")
        sets = self.sets(mspot.at("short", "set"), sd.set)
        effects = self.effects(mspot.at("short", "effects"), sd.effects)
        return ShortDay(sd.start or day_start, cs, ce, sets, effects, subtitle=sd.subtitle)

    # -- scenes ---------------------------------------------------------------------------------

    def scenes(self, raw: dict[str, _RawScene]) -> dict[str, Scene]:
        """Every scene compiled in file order; a file's data and text are let go after its last scene."""
        left: dict[str, int] = {}
        for rs in raw.values():
            left[rs.spot.path] = left.get(rs.spot.path, 0) + 1
        scenes: dict[str, Scene] = {}
        for sid in list(raw):
            rs = raw.pop(sid)
            if len(self.problems.errors) >= MAX_ERRORS:
                mark = rs.spot.at("scenes", sid).mark(key=True)
                raise _Flood(sid, f"{rs.spot.path}:{mark[0] if mark else 1}")
            scenes[sid] = self.scene(sid, rs)
            path = rs.spot.path
            left[path] -= 1
            if not left[path]:
                self.problems.forget_text(path)
        return scenes

    def scene(self, sid: str, rs: _RawScene) -> Scene:
        fspot, sdef = rs.spot, rs.model
        at_scene = fspot.at("scenes", sid)
        category = sdef.category or self.names.categories[0]
        if sdef.category is not None and sdef.category not in self.names.categories:
            self.problems.error_at(at_scene.at("category"), _unknown("category", sdef.category, self.names.categories))
        version = self.ctx.file_versions[fspot.path]
        at, at_if = self.appointment(at_scene, sdef, version)
        interrupt = None
        if sdef.interrupt is not None:
            it = sdef.interrupt
            cond = self.expr(at_scene, ("interrupt", "if"), it.if_) if it.if_ is not None else None
            interrupt = Interrupt(it.chance, cond, it.repeat)
        rules = self.rules(version, at, "a scene")
        variants = self.variants(at_scene, sdef.variants, rules)
        again = None
        if sdef.again is not None:
            self.needs_11(at_scene.at("again"), version, "`again:`")
            again = self.template(at_scene, ("again",), sdef.again, rules)
        texts = (rules, self.rules(version, None, "a choice's text", rich=False))
        choices = []
        seen: dict[str, int] = {}
        for i, cd in enumerate(sdef.choices):
            cspot = at_scene.at("choices", i)
            self._choice_id(cspot, cd.id, sid, seen)
            seen.setdefault(cd.id, i)
            choices.append(self.choice(sid, cspot, cd, category, rs.choice_marks[i], texts))
        return Scene(
            sid,
            self.template(at_scene, ("title",), sdef.title, self.rules(version, None, "a title", rich=False)),
            at,
            category,
            self.template(at_scene, ("text",), sdef.text, rules),
            variants,
            tuple(choices),
            interrupt,
            Where(fspot.path, *rs.mark),
            again,
            at_if,
        )

    def appointment(self, at_scene: Spot, sdef: _Scene, version: str) -> tuple[int | None, Expr | None]:
        """A scene's `at` in minutes and its `if`, checked against the day and the file's version."""
        if sdef.at is None:
            return None, None
        at_if = None
        when = sdef.at if isinstance(sdef.at, str) else sdef.at.time
        at = _checked_time(when)
        start, end = self.ctx.clock
        if not start <= at < end:
            self.problems.error_at(
                at_scene.at("at") if isinstance(sdef.at, str) else at_scene.at("at", "time"),
                f"appointment at {when} is outside the day ({format_time(start)}–{format_time(end)})",
            )
        if isinstance(sdef.at, _At):
            self.needs_11(at_scene.at("at"), version, "`at` with `time:` and `if:`")
            if sdef.at.if_ is not None:
                at_if = self.expr(at_scene, ("at", "if"), sdef.at.if_)
        if sdef.interrupt is not None:
            self.problems.error_at(
                at_scene.at("interrupt"), "a scene is an appointment (`at`) or an interruption, not both", key=True
            )
        return at, at_if

    def _choice_id(self, cspot: Spot, cid: str, sid: str, seen: dict[str, int]) -> None:
        if cid in seen:
            self.problems.error_at(
                cspot.at("id"), f"choice id {cid!r} is used twice in scene {sid!r} (first at choice {seen[cid] + 1})"
            )
        if cid in RESERVED:
            self.problems.error_at(cspot.at("id"), f"{cid!r} is a reserved word; name the choice differently")

    def rules(self, version: str, at: int | None, where: str, rich: bool = True) -> TextRules:
        """What a text written in a file of this version may insert (one object per kind, shared)."""
        key = (version, at, where, rich)
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = TextRules(
                self.names.word_names,
                self.ctx.env if rich else None,
                self.ctx.appointment_times,
                at,
                where,
                version != "1.0",
                self._lower_words,
            )
        return found

    def needs_11(self, spot: Spot, version: str, what: str) -> None:
        if version == "1.0":
            self.problems.error_at(spot, f'{what} is story format 1.1; add `version: "1.1"` to story.yaml', key=True)

    def variants(self, owner: Spot, defs: Sequence[_Text], rules: TextRules) -> tuple[tuple[Expr, Template], ...]:
        """A scene's or an ending's extra paragraphs, each with its condition."""
        out = []
        for i, v in enumerate(defs):
            vcond = self.expr(owner, ("variants", i, "if"), v.if_)
            vtext = self.template(owner, ("variants", i, "text"), v.text, rules)
            if vcond is not None:  # else its problem is reported, and a story with problems never loads
                out.append((vcond, vtext))
        return tuple(out)

    # -- choices --------------------------------------------------------------------------------

    def choice(
        self,
        sid: str,
        cspot: Spot,
        cd: _Choice,
        scene_category: str,
        mark: tuple[int, int],
        texts: tuple[TextRules, TextRules],
    ) -> Choice:
        """One choice; `texts`: the rules of its scene's text (for outcomes) and of a choice's own text."""
        scene_rules, plain_rules = texts
        cond = self.expr(cspot, ("if",), cd.if_) if cd.if_ is not None else None
        show = self.expr(cspot, ("show_if",), cd.show_if) if cd.show_if is not None else None
        if show is not None:
            cond = show if cond is None else show.both(cond)
        if cd.locked is not None and cd.if_ is None:
            self.problems.warn_at(
                cspot.at("locked"), f"choice {cd.id!r} has `locked` but no `if`, so it is never locked", key=True
            )
        category = cd.category or scene_category
        if cd.category is not None and cd.category not in self.names.categories:
            self.problems.error_at(cspot.at("category"), _unknown("category", cd.category, self.names.categories))
        goto = self.goto(sid, cspot, cd)  # before the texts, as every check is made in the order it is written
        return Choice(
            id=cd.id,
            text=self.template(cspot, ("text",), cd.text, plain_rules),
            cond=cond,
            locked=self.template(cspot, ("locked",), cd.locked, plain_rules) if cd.locked is not None else None,
            minutes=cd.minutes,
            effects=self.effects(cspot.at("effects"), cd.effects),
            sets=self.sets(cspot.at("set"), cd.set),
            once=cd.once,
            goto=goto,
            category=category,
            where=Where(cspot.path, *mark),
            show=show,
            outcome=self.outcome(cspot, cd, scene_rules),
        )

    def goto(self, sid: str, cspot: Spot, cd: _Choice) -> tuple[tuple[Expr | None, str], ...]:
        """A choice's destination, or its branches, each checked."""
        if isinstance(cd.goto, str):
            self.target(cspot.at("goto"), cd.goto, sid)
            return ((None, cd.goto),)
        goto: list[tuple[Expr | None, str]] = []
        if not cd.goto:
            self.problems.error_at(cspot.at("goto"), f"choice {cd.id!r} has an empty list of branches")
        for j, br in enumerate(cd.goto):
            bspot = cspot.at("goto", j)
            bcond = self.expr(bspot, ("if",), br.if_) if br.if_ is not None else None
            self.target(bspot.at("to"), br.to, sid)
            goto.append((bcond, br.to))
        if cd.goto and cd.goto[-1].if_ is not None:
            self.problems.error_at(
                cspot.at("goto", len(cd.goto) - 1),
                f"the last branch of choice {cd.id!r} needs no `if`, so the choice always goes somewhere",
            )
        for j, br in enumerate(cd.goto[:-1]):
            if br.if_ is None:
                self.problems.warn_at(
                    cspot.at("goto", j),
                    f"branch {j + 1} of choice {cd.id!r} has no `if`, so the branches after it are never taken",
                )
        return tuple(goto)

    def outcome(self, cspot: Spot, cd: _Choice, rules: TextRules) -> tuple[tuple[Expr | None, Template], ...]:
        """A choice's outcome: a text, or texts with conditions where the first that holds is shown."""
        if cd.outcome is None:
            return ()
        spot = cspot.at("outcome")
        self.needs_11(spot, self.ctx.file_versions[cspot.path], "`outcome:`")
        if isinstance(cd.outcome, str):
            return ((None, self.template(spot, (), cd.outcome, rules)),)
        out = []
        for j, o in enumerate(cd.outcome):
            cond = self.expr(spot, (j, "if"), o.if_) if o.if_ is not None else None
            if o.if_ is None and j < len(cd.outcome) - 1:
                self.problems.warn_at(
                    spot.at(j),
                    f"outcome {j + 1} of choice {cd.id!r} has no `if`, so the outcomes after it are never shown",
                )
            out.append((cond, self.template(spot, (j, "text"), o.text, rules)))
        return tuple(out)

    def target(self, spot: Spot, target: str, sid: str) -> None:
        ctx = self.ctx
        if target not in ctx.targets and not ctx.incomplete:
            self.problems.error_at(
                spot,
                f"goto {target!r} in scene {sid!r} is not a scene, an ending, `back` or `end`"
                + did_you_mean(target, ctx.scene_ids, ctx.ending_ids, GOTO_WORDS),
            )

    def effects(self, spot: Spot, effects: dict[str, int]) -> tuple[tuple[str, int], ...]:
        out = []
        names = self.names
        for name, delta in effects.items():
            if name in names.stat_names:
                out.append((name, delta))
                continue
            unknown = _unknown("stat", name, names.stat_names)
            if name in names.flag_names or name in names.word_names:
                message = unknown + " (flags and words go under `set:`)"
            else:
                message = _declare_hint("stats:", unknown)
            self.problems.error_at(spot.at(name), message, key=True)
        return tuple(out)

    def sets(self, spot: Spot, sets: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
        out = []
        for name, value in sets.items():
            problem = self._set_problem(name, value)
            if problem is None:
                out.append((name, value))
            elif problem:
                self.problems.error_at(spot.at(name), problem)
            else:
                names = self.names
                unknown = _unknown("flag or word", name, names.flag_names, names.word_names)
                message = (
                    unknown + " (stats change under `effects:`)"
                    if name in names.stat_names
                    else _declare_hint("flags:", unknown)
                )
                self.problems.error_at(spot.at(name), message, key=True)
        return tuple(out)

    def _set_problem(self, name: str, value: object) -> str | None:
        """What is wrong with setting `name` to `value`: None for nothing, "" for a name not declared."""
        names = self.names
        if name in names.flag_names:
            return None if isinstance(value, bool) else f"flag {name!r} takes true or false, not {value!r}"
        if name not in names.word_names:
            return ""
        if not isinstance(value, str):
            return f"word {name!r} takes text; put {value!r} in quotes"
        tpl, problems = Template.parse(value)
        if problems or tpl.names:
            return f"word {name!r} cannot itself contain insertions; write '{{{{' for a literal brace"
        return None

    # -- conditions and texts -------------------------------------------------------------------

    # `owner` and `parts`: where the value stands (a Spot is made only for a problem: a story has tens of thousands)
    def expr(self, owner: Spot, parts: Loc, src: object) -> Expr | None:
        try:
            return compile_expr(src, self.ctx.env)
        except ExprError as exc:
            if exc.repeat:
                return None
            spot = owner.at(*parts)
            mark = self.problems.find(spot.path, spot.mark(), src if isinstance(src, str) else "", exc.offset)
            self.problems.error(spot.path, mark, f"in `{src}`: {exc.message}")
            return None

    def template(self, owner: Spot, parts: Loc, text: str, rules: TextRules) -> Template:
        # a text written twice under the same rules is parsed once (a third of a story's texts: titles,
        # choices, outcomes); the template is shared, being read only
        parsed = self._templates.get(id(rules))
        if parsed is None:
            parsed = self._templates[id(rules)] = {}
        found = parsed.get(text)
        if found is None:
            starts: list[tuple[int, tuple[Any, ...]]] | None = [] if rules.env is not None else None
            tpl, problems = Template.parse(text, rules, starts)
            if not problems and not starts:  # nearly every text: kept alone, without its two empty lists
                parsed[text] = tpl
                return tpl
            found = parsed[text] = (tpl, problems, starts)
        elif isinstance(found, Template):
            return found
        tpl, problems, starts = found
        spot = owner.at(*parts)
        if problems:
            mark = spot.mark()
            for offset, message in problems:
                self.problems.error(spot.path, self.problems.place(spot.path, mark, text, offset), message)
        elif starts:
            mark = spot.mark()
            for offset, part in starts:
                warning = _text_warning(part, self.names.words)
                if warning:
                    self.problems.warn(spot.path, self.problems.place(spot.path, mark, text, offset), warning)
        return tpl

    # -- the story as a whole -------------------------------------------------------------------

    def check_back(self, scenes: dict[str, Scene]) -> None:
        """`goto: back` only where an appointment or interruption can have put a destination on hold."""
        reach: set[str] = set()
        todo = [s.id for s in scenes.values() if s.at is not None or s.interrupt is not None]
        while todo:
            sid = todo.pop()
            if sid in reach or sid not in scenes:
                continue
            reach.add(sid)
            for ch in scenes[sid].choices:
                for _, t in ch.goto:  # (not `ch.targets`: a list a choice, twice a story's choices)
                    if t not in reach:
                        todo.append(t)
        for scene in scenes.values():
            if scene.id in reach:
                continue
            for ch in scene.choices:
                for _, t in ch.goto:
                    if t == "back":
                        self.problems.error(
                            ch.where.path,
                            (ch.where.line, ch.where.col),
                            f"choice {ch.id!r} goes `back`, but no appointment or interruption leads to scene {scene.id!r}, so there is nothing to go back to",
                        )
                        break


def _too_long(problems: Problems, path: str, mark: tuple[int, int] | None, what: str, name: str) -> bool:
    """An id past the length every id keeps to (the models' `Id`), reported; True if so."""
    if len(name) <= ID_MAX:
        return False
    problems.error(path, mark, f"{what} {name[:20]!r}... is {len(name)} characters long; ids are at most {ID_MAX}")
    return True


def _unknown(what: str, name: str, *known: Any) -> str:
    return f"unknown {what} {name!r}" + did_you_mean(name, *known)


def _text_warning(part: tuple[Any, ...], words: dict[str, str]) -> str | None:
    """Why a place the parser noted in a text is likely a mistake: a `}` that closes nothing, or an insertion at
    the start of a sentence that would show in lower case; None when it is not."""
    kind = part[0]
    if kind == "}":
        return (
            "this `}` closes no insertion, so the player sees it as written; write `}}` for a brace, "
            "or look before it for an insertion closed too early (its ` | else:` would show as text too)"
        )
    if kind == "w":
        value = words.get(part[1], "")
        first = next((c for c in value if c.isalpha()), "")
        if not first.islower():
            return None
        return f"{{{part[1]}}} starts a sentence but inserts {value!r} in lower case; write {{^{part[1]}}}"
    if kind == "time":
        return '{time} starts a sentence but is said in lower case ("ten past three"); write {^time}'
    return 'minutes in words start a sentence here in lower case ("seven"); write {^late} or {^since SCENE}'


def _checked_time(text: str) -> int:
    """Minutes for a time already matched against the format's pattern of a time (`clock.TIME`)."""
    minutes = parse_time(text)
    assert minutes is not None, text
    return minutes


def _is_name(name: str) -> bool:
    return name.isidentifier() and name.isascii()


def _declare_hint(where: str, unknown: str) -> str:
    """An "unknown name" message that also says where a new name is declared."""
    if "did you mean" in unknown:
        return f"{unknown} (or declare it under {where} in story.yaml)"
    return f"{unknown}; declare it under {where} in story.yaml"
