"""Loading a story folder: strict YAML, typed models, then every semantic check, all located."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from game.engine import model as m
from game.engine.clock import format_time, parse_time
from game.engine.errors import Problem, StoryError
from game.engine.expr import RESERVED, Env, Expr, ExprError, compile_expr
from game.engine.glossary import GLOSSARY, read_glossary
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
from game.engine.storyfiles import story_files as story_files  # where the TUI's watcher, tests and bench/ look
from game.engine.suggest import did_you_mean, new_budget
from game.engine.where import shipped_story_dir
from game.engine.yamlsafe import YDict, YList, mark_of

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


def load_story(
    root: str | Path | None = None,
    *,
    overlay: Mapping[str, str | bytes] | Mapping[Path, str | bytes] | None = None,
    parses: dict | None = None,
) -> Story:
    """Read, check and compile the story in `root`; raises StoryError listing every problem.

    `overlay` gives the contents of some files by path, read instead of the disk (an editor's
    unsaved buffers: the language server); a scene file only in the overlay is read too.
    `parses` keeps each file's parse between loads of one folder (the language server checks it
    after every edit): a file whose bytes did not change is not parsed again.
    The garbage collector's policy while loading is the caller's (game/startup.py).
    """
    root = Path(root) if root is not None else shipped_story_dir()
    new_budget()  # of did-you-mean comparisons: bounded per load, however many typos
    return _Compiler(root, overlay, parses).run()


class _Compiler:
    def __init__(
        self,
        root: Path,
        overlay: Mapping[str, str | bytes] | Mapping[Path, str | bytes] | None = None,
        parses: dict | None = None,
    ):
        self.root = root
        self.overlay = overlay
        self.parses = parses
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.broken_ids: set[str] = set()  # scene ids in files that failed validation
        self.incomplete = False  # a scene file could not be read at all
        self.unshown: dict[str, int] = {}  # per file: problems the parser counted past its cap
        # each file's bytes, split into lines only when a problem in it needs placing
        self.texts: dict[str, bytes | list[str]] = {}

    # -- places -------------------------------------------------------------------------

    def error(self, path: str, mark, message: str) -> None:
        line, col = mark if mark else (1, 1)
        self.problems.append(Problem(path, line, col, message))

    def warn(self, path: str, mark, message: str) -> None:
        line, col = mark if mark else (1, 1)
        self.warnings.append(Problem(path, line, col, message, "warning"))

    def find(self, path: str, mark, needle: str, offset: int = 0, skip: int = 0):
        """The exact place of `needle` at or after `mark` (a few lines on), else `mark`.

        `skip`: line breaks in the value before the needle; a value never spans fewer lines of its
        file than it holds breaks, so the search may start that many lines on (the right one of
        two equal needles in a `text: |` block).
        """
        lines = self.texts.get(path)
        if isinstance(lines, bytes):  # most files never need it
            lines = self.texts[path] = lines.decode("utf-8-sig").splitlines()
        if not lines or not mark or not needle:
            return mark
        first = needle.splitlines()[0] if needle.strip() else needle
        first = first or needle.strip().splitlines()[0]
        for i in range(mark[0] - 1 + skip, min(mark[0] + skip + 400, len(lines))):
            start = mark[1] - 1 if i == mark[0] - 1 else 0
            j = lines[i].find(first, start)
            if j >= 0:
                return (i + 1, j + 1 + min(offset, len(first)))
        return mark

    def place(self, path: str, mark, text: str, offset: int):
        """The exact line and column of `text[offset]`, a value written at `mark`: computed for a
        `|` block and a one-line scalar (and checked against the file), else searched for."""
        lines = self.texts.get(path)
        if isinstance(lines, bytes):
            lines = self.texts[path] = lines.decode("utf-8-sig").splitlines()
        if not lines or not mark or not 0 < mark[0] <= len(lines):
            return mark
        row = lines[mark[0] - 1]
        lead = row[mark[1] - 1 : mark[1]]
        snippet = text[offset : offset + 12].split("\n")[0]
        candidate = None
        if lead == "|":
            indent = next(
                (len(x) - len(x.lstrip(" ")) for x in lines[mark[0] : mark[0] + 200] if x.strip()),
                0,
            )
            k = text.count("\n", 0, offset)
            line_start = text.rfind("\n", 0, offset) + 1
            candidate = (mark[0] + 1 + k, indent + 1 + offset - line_start)
        elif "\n" not in text[:offset]:
            candidate = (mark[0], mark[1] + offset + (1 if lead in ("'", '"') else 0))
        if candidate is not None and 0 < candidate[0] <= len(lines):
            got = lines[candidate[0] - 1][candidate[1] - 1 : candidate[1] - 1 + len(snippet)]
            if got == snippet:
                return candidate
        return self.find(path, mark, text[offset : offset + 20], skip=text.count("\n", 0, offset))

    # -- reading ------------------------------------------------------------------------

    def run(self) -> Story:
        root = self.root
        manifest_path = root / MANIFEST
        shown_root = display_path(root)
        if not root.is_dir():
            raise StoryError([Problem(shown_root, 1, 1, "no story folder here")])
        if not manifest_path.is_file() and not (self.overlay and _in(manifest_path, self.overlay)):
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
        read = read_story_files(root, self.overlay, self.parses)
        self.problems.extend(read.problems)
        self.unshown.update(read.unshown)
        if read.cut_off:  # checking part of a story would report every reference into the rest
            raise StoryError(self.problems, self.unshown)
        parsed = read.parsed
        for shown, doc in parsed:
            if doc.data is not None:  # problems in it are placed on its lines too
                self.texts[shown] = doc.raw  # valid UTF-8: load_document checked it
        if not parsed or parsed[0][1].data is None and not parsed[0][1].problems:
            self.error(display_path(manifest_path), None, "story.yaml is empty")
        manifest, scene_files = self.validate(parsed)
        if manifest is None:
            raise StoryError(self.problems, self.unshown)
        story = self.compile(manifest, scene_files, read.digest)
        story.glossary = read_glossary(root, display_path(root / GLOSSARY), self.error, self.warn)
        if self.problems:
            raise StoryError(self.problems, self.unshown)
        story.warnings = sorted(self.warnings)
        return story

    def validate(self, parsed):
        manifest = None
        scene_files = []
        for index, (shown, doc) in enumerate(parsed):
            if doc.data is None:
                if (
                    index and doc.problems
                ):  # an unreadable scene file: its ids are unknown, so don't blame references to them
                    self.incomplete = True
                elif index:
                    self.warn(shown, (1, 1), "the file is empty")
                continue
            model = m.Manifest if index == 0 else m.SceneFile
            data = doc.data
            if not isinstance(data, YDict):
                what = "story.yaml" if index == 0 else "a scene file"
                self.error(
                    shown,
                    getattr(data, "mark", None),
                    f"{what} must be a mapping of keys (like `title:`), not {type(data).__name__}",
                )
                continue
            if index == 0:
                try:
                    obj = model.model_validate(data)
                except ValidationError as exc:
                    self.report_validation(shown, data, exc, "story")
                    continue
            else:
                obj = self.validate_scenes(shown, data)
                if obj is None:
                    continue
            if index == 0:
                manifest = (shown, data, obj)
            else:
                scene_files.append((shown, data, obj))
        return manifest, scene_files

    def validate_scenes(self, shown: str, data: YDict) -> m.SceneFile | None:
        """Each scene on its own, so one broken scene does not hide the problems of the others."""
        for key in data:
            if key not in ("version", "scenes"):
                close = difflib.get_close_matches(key, ["scenes", "version"], n=1)
                hint = f"; did you mean {close[0]!r}?" if close else " (a scene file holds `scenes:`)"
                self.error(shown, mark_of(data, (key,), key=True), f"unknown key {key!r} in the scene file{hint}")
        scenes = data.get("scenes")
        if not isinstance(scenes, YDict):
            if "scenes" in data:
                self.error(
                    shown,
                    mark_of(data, ("scenes",)),
                    f"`scenes` must be a mapping of scene id to scene, got {_shape(scenes)}",
                )
            else:
                self.error(shown, data.mark, "a scene file needs `scenes:`, a mapping of scene id to scene")
            return None
        version = None
        if "version" in data:
            try:
                version = m._version(data["version"])
            except ValueError as exc:
                self.error(shown, mark_of(data, ("version",)), f"`version`: {exc}")
        good = {}
        for sid, sdata in scenes.items():
            try:
                good[sid] = m.SceneDef.model_validate(sdata)
            except ValidationError as exc:
                self.broken_ids.add(sid)
                self.report_validation(shown, data, exc, "scenes", prefix=("scenes", sid))
        return m.SceneFile.model_construct(scenes=good, version=version)

    def report_validation(self, path: str, data, exc: ValidationError, kind: str, prefix: tuple = ()) -> None:
        seen: set[tuple] = set()
        found = []
        for err in exc.errors(include_url=False):
            loc = prefix + tuple(
                p
                for p in err["loc"]
                if not (
                    isinstance(p, str)
                    and ("[" in p or p.startswith(("constrained-", "function-")) or p in ("str", "list", "At"))
                )
            )
            found.append((loc, err))
        others = [loc for loc, err in found if err["type"] != "string_type"]
        for loc, err in found:
            typ = err["type"]
            # a union of text and a list or mapping: when the value is a list or mapping, what is
            # wrong with it as one says more than "expected text"
            if (
                typ == "string_type"
                and isinstance(_value_at(data, loc), (YDict, YList))
                and any(o[: len(loc)] == loc for o in others)
            ):
                continue
            # a union reports once per member; the first says enough
            if any(loc[: len(s)] == s for s in seen):
                continue
            seen.add(loc)
            where = _describe(loc, data, kind)
            if typ == "extra_forbidden":
                field = loc[-1]
                owner = loc[:-1]
                allowed = _allowed_keys(owner, kind)
                close = difflib.get_close_matches(str(field), allowed, n=1)
                hint = (
                    f"; did you mean {close[0]!r}?"
                    if close
                    else (f" (allowed: {', '.join(allowed)})" if allowed else "")
                )
                self.error(
                    path, mark_of(data, loc, key=True), f"unknown key {field!r} in {_describe(owner, data, kind)}{hint}"
                )
            elif typ == "missing":
                self.error(path, mark_of(data, loc[:-1]), f"{_describe(loc[:-1], data, kind)} needs `{loc[-1]}`")
            else:
                value = _value_at(data, loc)
                self.error(path, mark_of(data, loc), f"{where}: {_friendly(err, value)}")

    # -- compiling ----------------------------------------------------------------------

    # long: the compiling of a whole story in order (#12 item 5: the split of _Compiler is still to do)
    def compile(self, manifest, scene_files, digest: str) -> Story:
        mpath, mdata, man = manifest
        self.mpath = mpath
        # names
        stats: dict[str, Stat] = {}
        for name, sd in man.stats.items():
            mark = mark_of(mdata, ("stats", name), key=True)
            if not _is_name(name):
                self.error(mpath, mark, f"stat name {name!r} must be a simple name like `energy`")
            if name in RESERVED:
                self.error(mpath, mark, f"{name!r} is a reserved word; name the stat differently")
            self.too_long(mpath, mark, "stat", name)
            if not sd.min <= sd.start <= sd.max:
                self.error(
                    mpath,
                    mark_of(mdata, ("stats", name)),
                    f"stat {name!r} starts at {sd.start}, outside its range {sd.min}..{sd.max}",
                )
            stats[name] = Stat(name, sd.start, sd.min, sd.max, sd.label or name.replace("_", " ").capitalize())
        flags: list[str] = []
        for i, name in enumerate(man.flags):
            mark = mark_of(mdata, ("flags", i))
            if name in RESERVED:
                self.error(mpath, mark, f"{name!r} is a reserved word; name the flag differently")
            elif name in stats:
                self.error(mpath, mark, f"{name!r} is both a stat and a flag")
            elif name in flags:
                self.error(mpath, mark, f"flag {name!r} is declared twice")
            flags.append(name)
        words = dict(man.words)
        self.words = words
        for name in words:
            mark = mark_of(mdata, ("words", name), key=True)
            if not _is_name(name):
                self.error(mpath, mark, f"word name {name!r} must be a simple name like `lead`")
            elif name in RESERVED:
                self.error(mpath, mark, f"{name!r} is a reserved word; name the word differently")
            elif self.too_long(mpath, mark, "word", name):
                pass
            elif name in stats or name in flags:
                self.error(mpath, mark, f"{name!r} is declared as a word and as a stat or flag")
        categories = list(man.categories)
        for i, c in enumerate(categories):
            if categories.index(c) != i:
                self.error(mpath, mark_of(mdata, ("categories", i)), f"category {c!r} is listed twice")
            if c in RESERVED:
                self.error(
                    mpath, mark_of(mdata, ("categories", i)), f"{c!r} is a reserved word; name the category differently"
                )
        for c in man.category_labels:
            if c not in categories:
                self.error(
                    mpath, mark_of(mdata, ("category_labels", c), key=True), self.unknown("category", c, categories)
                )
        self.stat_names = frozenset(stats)
        self.flag_names = frozenset(flags)
        self.word_names = frozenset(words)
        self.categories = categories
        self.stats = stats
        self.version = man.version
        self.rule_cache: dict[tuple, TextRules] = {}
        self.lower_words = frozenset(w for w, v in words.items() if next((c for c in v if c.isalpha()), "").islower())

        # scenes, across files
        raw_scenes: dict[str, tuple[str, YDict, m.SceneDef]] = {}
        for path, data, sf in scene_files:
            for sid, sdef in sf.scenes.items():
                mark = mark_of(data, ("scenes", sid), key=True)
                if not _is_name(sid):
                    self.error(path, mark, f"scene id {sid!r} must be letters, digits and _ and start with a letter")
                    continue
                if sid in RESERVED:
                    self.error(path, mark, f"{sid!r} is a reserved word; name the scene differently")
                    continue
                if self.too_long(path, mark, "scene id", sid):
                    continue
                if sid in raw_scenes:
                    other = raw_scenes[sid]
                    omark = mark_of(other[1], ("scenes", sid), key=True)
                    self.error(path, mark, f"scene {sid!r} is already defined at {other[0]}:{omark[0]}:{omark[1]}")
                    continue
                raw_scenes[sid] = (path, data, sdef)
        scene_ids = frozenset(raw_scenes)
        self.scene_ids = scene_ids
        known = scene_ids | self.broken_ids
        self.env = Env(self.stat_names, self.flag_names, None if self.incomplete else known, self.word_names)
        self.appointment_times = {
            sid: _checked_time(sdef.at if isinstance(sdef.at, str) else sdef.at.time)
            for sid, (_, _, sdef) in raw_scenes.items()
            if sdef.at is not None
        }
        self.file_versions = {path: sf.version or man.version for path, _, sf in scene_files}
        ending_rules = self.rules(man.version, None, "an ending")

        # clock
        clock_start = _checked_time(man.clock.start)
        clock_end = _checked_time(man.clock.end)
        if clock_start >= clock_end:
            self.error(
                mpath,
                mark_of(mdata, ("clock",)),
                f"the day ends ({man.clock.end}) before it starts ({man.clock.start})",
            )
        self.clock = (clock_start, clock_end)

        # endings
        endings: list[Ending] = []
        ending_ids: set[str] = set()
        for i, ed in enumerate(man.endings):
            loc = ("endings", i)
            mark = mark_of(mdata, loc)
            if ed.id in ending_ids:
                self.error(mpath, mark_of(mdata, loc + ("id",)), f"ending {ed.id!r} is declared twice")
            if ed.id in scene_ids:
                self.error(mpath, mark_of(mdata, loc + ("id",)), f"{ed.id!r} is both a scene and an ending")
            if ed.id in RESERVED:
                self.error(
                    mpath, mark_of(mdata, loc + ("id",)), f"{ed.id!r} is a reserved word; name the ending differently"
                )
            ending_ids.add(ed.id)
            cond = self.expr(mpath, mdata, loc + ("if",), ed.if_) if ed.if_ is not None else None
            if ed.if_ is None and i != len(man.endings) - 1:
                self.warn(mpath, mark, f"ending {ed.id!r} has no `if`, so the endings after it can never be chosen")
            variants = self.variants(mpath, mdata, loc, ed.variants, ending_rules)
            endings.append(
                Ending(
                    ed.id,
                    cond,
                    self.template(
                        mpath, mdata, loc + ("title",), ed.title, self.rules(man.version, None, "a title", rich=False)
                    ),
                    self.template(mpath, mdata, loc + ("text",), ed.text, ending_rules),
                    tuple(ed.debrief),
                    Where(mpath, *mark),
                    variants,
                )
            )
        if man.endings and man.endings[-1].if_ is not None:
            self.error(
                mpath,
                mark_of(mdata, ("endings", len(man.endings) - 1, "if"), key=True),
                "the last ending must have no `if`, so every day can end",
            )
        self.ending_ids = frozenset(ending_ids)
        self.targets = known | self.ending_ids | {"back", "end"}

        scenes: dict[str, Scene] = {}
        for sid, (path, data, sdef) in raw_scenes.items():
            scenes[sid] = self.scene(sid, path, data, sdef)

        for name, ref in (("start", man.start), ("hub", man.hub)):
            if ref is not None and ref not in known and not self.incomplete:
                self.error(mpath, mark_of(mdata, (name,)), self.unknown(f"{name} scene", ref, scene_ids))
        if man.start in scenes and scenes[man.start].kind != "scene":
            self.error(
                mpath, mark_of(mdata, ("start",)), f"the start scene {man.start!r} is an appointment or interruption"
            )

        self.check_back(scenes)

        reference = None
        if man.reference is not None:
            for c in man.reference.minutes:
                if c not in categories:
                    self.error(
                        mpath,
                        mark_of(mdata, ("reference", "minutes", c), key=True),
                        self.unknown("category", c, categories),
                    )
            reference = man.reference.model_dump()
        short = None
        if man.short is not None:
            sd = man.short
            if sd.start is not None and sd.start not in known and not self.incomplete:
                self.error(mpath, mark_of(mdata, ("short", "start")), self.unknown("scene", sd.start, scene_ids))
            cs, ce = clock_start, clock_end
            if sd.clock is not None:
                cs, ce = _checked_time(sd.clock.start), _checked_time(sd.clock.end)
                if cs >= ce:
                    self.error(mpath, mark_of(mdata, ("short", "clock")), "the short day ends before it starts")
            short = ShortDay(
                sd.start or man.start,
                cs,
                ce,
                self.sets(mpath, mdata, ("short", "set"), sd.set),
                self.effects(mpath, mdata, ("short", "effects"), sd.effects),
            )

        return Story(
            root=self.root,
            title=man.title,
            subtitle=man.subtitle,
            start=man.start,
            hub=man.hub or man.start,
            clock_start=clock_start,
            clock_end=clock_end,
            categories=tuple(categories),
            category_labels={c: man.category_labels.get(c, c.replace("_", " ").capitalize()) for c in categories},
            stats=stats,
            flags=tuple(flags),
            words=words,
            endings=tuple(endings),
            scenes=scenes,
            credits=man.credits,
            reference=reference,
            short=short,
            hash=digest,
            files=tuple(self.texts) or (mpath,),
        )

    # long: one scene, key by key
    def scene(self, sid: str, path: str, data: YDict, sdef: m.SceneDef) -> Scene:
        loc = ("scenes", sid)
        scenes = data["scenes"]  # validated: a mapping of mappings
        mark = scenes.key_marks[sid]
        choice_marks = [c.mark for c in scenes[sid]["choices"]]
        category = sdef.category or self.categories[0]
        if sdef.category is not None and sdef.category not in self.categories:
            self.error(
                path, mark_of(data, loc + ("category",)), self.unknown("category", sdef.category, self.categories)
            )
        version = self.file_versions[path]
        at = at_if = None
        if sdef.at is not None:
            when = sdef.at if isinstance(sdef.at, str) else sdef.at.time
            at = _checked_time(when)
            if not self.clock[0] <= at < self.clock[1]:
                self.error(
                    path,
                    mark_of(data, loc + ("at",) if isinstance(sdef.at, str) else loc + ("at", "time")),
                    f"appointment at {when} is outside the day ({format_time(self.clock[0])}–{format_time(self.clock[1])})",
                )
            if isinstance(sdef.at, m.At):
                self.needs_11(path, data, loc + ("at",), version, "`at` with `time:` and `if:`")
                if sdef.at.if_ is not None:
                    at_if = self.expr(path, data, loc + ("at", "if"), sdef.at.if_)
            if sdef.interrupt is not None:
                self.error(
                    path,
                    mark_of(data, loc + ("interrupt",), key=True),
                    "a scene is an appointment (`at`) or an interruption, not both",
                )
        interrupt = None
        if sdef.interrupt is not None:
            it = sdef.interrupt
            cond = self.expr(path, data, loc + ("interrupt", "if"), it.if_) if it.if_ is not None else None
            interrupt = Interrupt(it.chance, cond, it.repeat)
        rules = self.rules(version, at, "a scene")
        variants = self.variants(path, data, loc, sdef.variants, rules)
        again = None
        if sdef.again is not None:
            self.needs_11(path, data, loc + ("again",), version, "`again:`")
            again = self.template(path, data, loc + ("again",), sdef.again, rules)
        self.scene_rules = rules
        self.plain_rules = self.rules(version, None, "a choice's text", rich=False)
        choices = []
        seen: dict[str, int] = {}
        for i, cd in enumerate(sdef.choices):
            cloc = loc + ("choices", i)
            if cd.id in seen:
                self.error(
                    path,
                    mark_of(data, cloc + ("id",)),
                    f"choice id {cd.id!r} is used twice in scene {sid!r} (first at choice {seen[cd.id] + 1})",
                )
            seen.setdefault(cd.id, i)
            if cd.id in RESERVED:
                self.error(
                    path, mark_of(data, cloc + ("id",)), f"{cd.id!r} is a reserved word; name the choice differently"
                )
            choices.append(self.choice(sid, path, data, cloc, cd, category, choice_marks[i]))
        return Scene(
            sid,
            self.template(path, data, loc + ("title",), sdef.title, self.rules(version, None, "a title", rich=False)),
            at,
            category,
            self.template(path, data, loc + ("text",), sdef.text, rules),
            variants,
            tuple(choices),
            interrupt,
            Where(path, *mark),
            again,
            at_if,
        )

    def rules(self, version: str, at: int | None, where: str, rich: bool = True) -> TextRules:
        """What a text written in a file of this version may insert (one object per kind, shared)."""
        key = (version, at, where, rich)
        found = self.rule_cache.get(key)
        if found is None:
            found = self.rule_cache[key] = TextRules(
                self.word_names,
                self.env if rich else None,
                self.appointment_times,
                at,
                where,
                version != "1.0",
                self.lower_words,
            )
        return found

    def needs_11(self, path, data, loc, version: str, what: str) -> None:
        if version == "1.0":
            self.error(
                path,
                mark_of(data, loc, key=True),
                f'{what} is story format 1.1; add `version: "1.1"` to story.yaml',
            )

    def variants(self, path, data, loc, defs: list[m.Variant], rules: TextRules) -> tuple[tuple[Expr, Template], ...]:
        """A scene's or an ending's extra paragraphs, each with its condition."""
        out = []
        for i, v in enumerate(defs):
            vcond = self.expr(path, data, loc + ("variants", i, "if"), v.if_)
            vtext = self.template(path, data, loc + ("variants", i, "text"), v.text, rules)
            if vcond is not None:  # else its problem is reported, and a story with problems never loads
                out.append((vcond, vtext))
        return tuple(out)

    def choice(self, sid, path, data, cloc, cd: m.ChoiceDef, scene_category: str, mark) -> Choice:
        cond = self.expr(path, data, cloc + ("if",), cd.if_) if cd.if_ is not None else None
        show = self.expr(path, data, cloc + ("show_if",), cd.show_if) if cd.show_if is not None else None
        if show is not None:
            cond = show if cond is None else show.both(cond)
        if cd.locked is not None and cd.if_ is None:
            self.warn(
                path,
                mark_of(data, cloc + ("locked",), key=True),
                f"choice {cd.id!r} has `locked` but no `if`, so it is never locked",
            )
        category = cd.category or scene_category
        if cd.category is not None and cd.category not in self.categories:
            self.error(
                path, mark_of(data, cloc + ("category",)), self.unknown("category", cd.category, self.categories)
            )
        goto: list[tuple[Expr | None, str]] = []
        if isinstance(cd.goto, str):
            self.target(path, data, cloc + ("goto",), cd.goto, sid)
            goto.append((None, cd.goto))
        else:
            if not cd.goto:
                self.error(path, mark_of(data, cloc + ("goto",)), f"choice {cd.id!r} has an empty list of branches")
            for j, br in enumerate(cd.goto):
                bloc = cloc + ("goto", j)
                bcond = self.expr(path, data, bloc + ("if",), br.if_) if br.if_ is not None else None
                self.target(path, data, bloc + ("to",), br.to, sid)
                goto.append((bcond, br.to))
            if cd.goto and cd.goto[-1].if_ is not None:
                self.error(
                    path,
                    mark_of(data, cloc + ("goto", len(cd.goto) - 1)),
                    f"the last branch of choice {cd.id!r} needs no `if`, so the choice always goes somewhere",
                )
            for j, br in enumerate(cd.goto[:-1]):
                if br.if_ is None:
                    self.warn(
                        path,
                        mark_of(data, cloc + ("goto", j)),
                        f"branch {j + 1} of choice {cd.id!r} has no `if`, so the branches after it are never taken",
                    )
        return Choice(
            id=cd.id,
            text=self.template(path, data, cloc + ("text",), cd.text, self.plain_rules),
            cond=cond,
            locked=self.template(path, data, cloc + ("locked",), cd.locked, self.plain_rules)
            if cd.locked is not None
            else None,
            minutes=cd.minutes,
            effects=self.effects(path, data, cloc + ("effects",), cd.effects),
            sets=self.sets(path, data, cloc + ("set",), cd.set),
            once=cd.once,
            goto=tuple(goto),
            category=category,
            where=Where(path, *mark),
            show=show,
            outcome=self.outcome(path, data, cloc, cd),
        )

    def outcome(self, path, data, cloc, cd: m.ChoiceDef) -> tuple:
        """A choice's outcome: a text, or texts with conditions where the first that holds is shown."""
        if cd.outcome is None:
            return ()
        rules = self.scene_rules
        loc = cloc + ("outcome",)
        self.needs_11(path, data, loc, self.file_versions[path], "`outcome:`")
        if isinstance(cd.outcome, str):
            return ((None, self.template(path, data, loc, cd.outcome, rules)),)
        out = []
        for j, o in enumerate(cd.outcome):
            cond = self.expr(path, data, loc + (j, "if"), o.if_) if o.if_ is not None else None
            if o.if_ is None and j < len(cd.outcome) - 1:
                self.warn(
                    path,
                    mark_of(data, loc + (j,)),
                    f"outcome {j + 1} of choice {cd.id!r} has no `if`, so the outcomes after it are never shown",
                )
            out.append((cond, self.template(path, data, loc + (j, "text"), o.text, rules)))
        return tuple(out)

    def target(self, path, data, loc, target: str, sid: str) -> None:
        if target not in self.targets and not self.incomplete:
            self.error(
                path,
                mark_of(data, loc),
                f"goto {target!r} in scene {sid!r} is not a scene, an ending, `back` or `end`"
                + did_you_mean(target, self.scene_ids, self.ending_ids),
            )

    def effects(self, path, data, loc, effects: dict[str, int]) -> tuple:
        out = []
        for name, delta in effects.items():
            if name not in self.stat_names:
                self.error(
                    path,
                    mark_of(data, loc + (name,), key=True),
                    (
                        self.unknown("stat", name, self.stat_names) + " (flags and words go under `set:`)"
                        if name in self.flag_names or name in self.word_names
                        else _declare("stats:", self.unknown("stat", name, self.stat_names))
                    ),
                )
            else:
                out.append((name, delta))
        return tuple(out)

    def sets(self, path, data, loc, sets: dict) -> tuple:
        out = []
        for name, value in sets.items():
            mark = mark_of(data, loc + (name,))
            if name in self.flag_names:
                if not isinstance(value, bool):
                    self.error(path, mark, f"flag {name!r} takes true or false, not {value!r}")
                    continue
            elif name in self.word_names:
                if not isinstance(value, str):
                    self.error(path, mark, f"word {name!r} takes text; put {value!r} in quotes")
                    continue
                tpl, problems = Template.parse(value)
                if problems or tpl.names:
                    self.error(
                        path, mark, f"word {name!r} cannot itself contain insertions; write '{{{{' for a literal brace"
                    )
                    continue
            else:
                self.error(
                    path,
                    mark_of(data, loc + (name,), key=True),
                    self.unknown("flag or word", name, self.flag_names, self.word_names)
                    + " (stats change under `effects:`)"
                    if name in self.stat_names
                    else _declare(
                        "flags:",
                        self.unknown("flag or word", name, self.flag_names, self.word_names),
                    ),
                )
                continue
            out.append((name, value))
        return tuple(out)

    def expr(self, path, data, loc, src) -> Expr | None:
        try:
            return compile_expr(src, self.env)
        except ExprError as exc:
            mark = self.find(path, mark_of(data, loc), src if isinstance(src, str) else "", exc.offset)
            self.error(path, mark, f"in `{src}`: {exc.message}")
            return None

    def template(self, path, data, loc, text: str, rules: TextRules) -> Template:
        starts: list | None = [] if rules.env is not None else None
        tpl, problems = Template.parse(text, rules, starts)
        if problems:
            mark = mark_of(data, loc)
            for offset, message in problems:
                self.error(path, self.place(path, mark, text, offset), message)
        elif starts:
            mark = mark_of(data, loc)
            for offset, part in starts:
                warning = _lower_start(part, self.words)
                if warning:
                    self.warn(path, self.place(path, mark, text, offset), warning)
        return tpl

    def too_long(self, path: str, mark, what: str, name: str) -> bool:
        """An id past the length every id keeps to (the models' `Id`), reported; True if so."""
        if len(name) <= m.ID_MAX:
            return False
        self.error(path, mark, f"{what} {name[:20]!r}... is {len(name)} characters long; ids are at most {m.ID_MAX}")
        return True

    def unknown(self, what: str, name: str, *known) -> str:
        return f"unknown {what} {name!r}" + did_you_mean(name, *known)

    def check_back(self, scenes: dict[str, Scene]) -> None:
        """`goto: back` only where an appointment or interruption can have put a destination on hold."""
        reach: set[str] = set()
        todo = [s.id for s in scenes.values() if s.kind != "scene"]
        while todo:
            sid = todo.pop()
            if sid in reach or sid not in scenes:
                continue
            reach.add(sid)
            for ch in scenes[sid].choices:
                todo.extend(t for t in ch.targets if t in scenes)
        for scene in scenes.values():
            if scene.id in reach:
                continue
            for ch in scene.choices:
                if "back" in ch.targets:
                    self.error(
                        ch.where.path,
                        (ch.where.line, ch.where.col),
                        f"choice {ch.id!r} goes `back`, but no appointment or interruption leads to scene {scene.id!r}, so there is nothing to go back to",
                    )


def _lower_start(part: tuple, words: dict[str, str]) -> str | None:
    """Why an insertion at the start of a sentence would show in lower case, or None."""
    kind = part[0]
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
    """Minutes for a time the model has already matched against `m.TIME`."""
    minutes = parse_time(text)
    assert minutes is not None, text
    return minutes


def _is_name(name: str) -> bool:
    return name.isidentifier() and name.isascii()


def _in(path: Path, overlay: Mapping[str, str | bytes] | Mapping[Path, str | bytes]) -> bool:
    return path.resolve() in {Path(p).resolve() for p in overlay}


def _declare(where: str, unknown: str) -> str:
    """An "unknown name" message that also says where a new name is declared."""
    if "did you mean" in unknown:
        return f"{unknown} (or declare it under {where} in story.yaml)"
    return f"{unknown}; declare it under {where} in story.yaml"


def _fields(model) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _allowed_keys(owner: tuple, kind: str) -> list[str]:
    shape = [p for p in owner if isinstance(p, str)]
    if kind == "story":
        table = {
            (): m.Manifest,
            ("clock",): m.Clock,
            ("endings",): m.EndingDef,
            ("endings", "variants"): m.Variant,
            ("short",): m.ShortDay,
            ("short", "clock"): m.Clock,
            ("reference",): m.Reference,
        }
        if shape[:1] == ["stats"] and len(shape) == 2:
            return _fields(m.StatDef)
        model = table.get(tuple(shape))
        return _fields(model) if model else []
    if shape == []:
        return _fields(m.SceneFile)
    if shape[:1] == ["scenes"]:
        rest = tuple(shape[2:])
        table = {
            (): m.SceneDef,
            ("choices",): m.ChoiceDef,
            ("variants",): m.Variant,
            ("interrupt",): m.Interrupt,
            ("choices", "goto"): m.Branch,
            ("choices", "outcome"): m.Outcome,
            ("at",): m.At,
        }
        model = table.get(rest)
        return _fields(model) if model else []
    return []


def _describe(loc: tuple, data, kind: str) -> str:
    """Words for a place in a story file: "choice 'crisp' of scene 'standup'"."""
    if kind == "scenes" and len(loc) >= 2 and loc[0] == "scenes":
        scene = f"scene {loc[1]!r}"
        rest = loc[2:]
        if not rest:
            return scene
        if rest[0] == "choices" and len(rest) >= 2 and isinstance(rest[1], int):
            cid = _value_at(data, loc[:4] + ("id",))
            what = f"choice {cid!r}" if isinstance(cid, str) else f"choice {rest[1] + 1}"
            tail = ".".join(str(p) for p in rest[2:])
            return f"{what} of {scene}" + (f", `{tail}`" if tail else "")
        return f"{scene}, `{'.'.join(str(p) for p in rest)}`"
    if kind == "story" and len(loc) >= 2 and loc[0] == "endings" and isinstance(loc[1], int):
        eid = _value_at(data, ("endings", loc[1], "id"))
        what = f"ending {eid!r}" if isinstance(eid, str) else f"ending {loc[1] + 1}"
        tail = ".".join(str(p) for p in loc[2:])
        return what + (f", `{tail}`" if tail else "")
    if not loc:
        return "story.yaml" if kind == "story" else "the scene file"
    return f"`{'.'.join(str(p) for p in loc)}`"


def _value_at(data, loc: tuple):
    node = data
    for part in loc:
        if (
            isinstance(node, dict)
            and part in node
            or isinstance(node, list)
            and isinstance(part, int)
            and 0 <= part < len(node)
        ):
            node = node[part]
        else:
            return None
    return node


_YAML11 = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF"}


def _friendly(err: ErrorDetails, value) -> str:
    typ = err["type"]
    if typ == "bool_type" and isinstance(value, str) and value in _YAML11:
        return f"write true or false, not {value!r} (YAML 1.1 would read it as a boolean; this format does not guess)"
    if typ == "bool_type":
        return f"write true or false, not {value!r}"
    if typ in ("int_type", "int_parsing") and isinstance(value, str) and ":" in value:
        return f"expected a whole number, got {value!r}; a time belongs in quotes where a time is asked for"
    if typ in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {value!r}"
    if typ == "string_type":
        return f"expected text, got {value!r}" + (
            " (put it in quotes)" if value is not None else " (the value is empty)"
        )
    if typ == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if pattern == m.TIME:
            return f'{value!r} is not a time; write it as "HH:MM" in quotes, like "09:30"'
        return f"{value!r} must be letters, digits and _ and start with a letter"
    if typ == "string_too_long":
        return f"the text is too long (limit {err.get('ctx', {}).get('max_length')} characters)"
    if typ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{value!r} is out of range: {err['msg'].lower()}"
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of keys, got {_shape(value)}"
    if typ == "list_type":
        return f"expected a list, got {_shape(value)}"
    if typ == "too_short":
        return "needs at least one entry"
    if typ == "float_type" or typ == "float_parsing":
        return f"expected a number, got {value!r}"
    if typ == "value_error":
        return err["msg"].removeprefix("Value error, ")
    return err["msg"]


def _shape(value) -> str:
    if isinstance(value, YDict):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "nothing (the value is empty)"
    return repr(value)
