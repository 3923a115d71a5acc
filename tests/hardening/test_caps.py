"""The audit's cap findings (#14 items 7, 8, 9, 13), each reproduced: every one now a located error."""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.authoring import conditions
from game.authoring.lint import lint
from game.engine import StoryError, expr, load_story, loader, storyfiles, suggest, where
from game.engine.cache import story_key
from game.engine.expr import MAX_STORY_PARTS, Env, compile_expr
from game.engine.storyfiles import MAX_TOTAL_BYTES, Unreadable, read_capped
from game.engine.yamlsafe import MAX_FILE_BYTES, MAX_INT_DIGITS, MAX_NODES, MAX_TOTAL_NODES
from tests.hardening import hostile

ROOT = Path(__file__).parent.parent.parent
LIMIT_MB = 1024
HARD_ORS = " and ".join(f"({x} or {y})" for x, y in ["ab", "cd", "ef", "gh", "ac", "bd", "eg", "fh", "ad", "bc", "eh"])


def check(root: Path) -> tuple[int, list[dict], str]:
    """`dayjob check --format json` under a 1 GB address-space limit: exit code, errors, stderr."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_MB} << 20, {LIMIT_MB} << 20))\n"
        "from game.cli import main\n"
        f"sys.exit(main(['check', {str(root)!r}, '--format', 'json']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert "Traceback" not in out.stderr, out.stderr
    errors = json.loads(out.stdout)["errors"] if out.stdout else []
    return out.returncode, errors, out.stderr


def problems(root: Path) -> list[str]:
    with pytest.raises(StoryError) as exc:
        load_story(root)
    return [str(p) for p in exc.value.problems]


# -- item 7: suggestions ---------------------------------------------------------------------------


@pytest.fixture
def comparisons(monkeypatch):
    """How many names difflib compares with an unknown one, over everything the test does."""
    seen = [0]
    real = difflib.get_close_matches

    def counting(word, possibilities, *args, **kwargs):
        possibilities = list(possibilities)
        seen[0] += len(possibilities)
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    return seen


def test_five_thousand_unknown_gotos_cost_a_bounded_number_of_comparisons(tmp_path, comparisons):
    names = problems(hostile.typos(tmp_path, 5_000))
    assert len([p for p in names if "is not a scene" in p]) == 100  # the first 100 of the file are listed
    # every unknown name against every scene (the audit's 2 minutes) would be 25,000,000
    assert comparisons[0] <= 5_000 * suggest.MAX_CANDIDATES
    per_pair = len("scene_numbr_00000x") * len("scene_number_00000")
    assert comparisons[0] <= suggest.BUDGET // per_pair + suggest.MAX_CANDIDATES  # the last search may overshoot
    assert any("did you mean 'scene_number_00000'?" in p for p in names)  # the first ones are still suggested


def test_a_typo_among_thousands_of_names_is_still_found():
    names = frozenset(f"scene_{i:05d}" for i in range(5_000)) | {"standup", "desk", "lunch"}
    suggest.new_budget()
    assert suggest.closest("dsek", names) == "desk"
    assert suggest.closest("stnadup", names) == "standup"
    for typo in ("scene_0412", "scne_01234", "scene_012345", "xscene_00017", "scene_00017x", "sceen_04999"):
        best = difflib.get_close_matches(typo, names, n=1)[0]  # every name compared
        found = suggest.closest(typo, names)
        assert found is not None
        assert difflib.SequenceMatcher(None, found, typo).ratio() == difflib.SequenceMatcher(None, best, typo).ratio()
    assert suggest.closest("x" * (suggest.MAX_NAME + 1), names) is None


def test_a_spent_budget_stops_comparing_until_the_next_load(comparisons):
    names = frozenset(f"scene_{i:05d}" for i in range(5_000))
    suggest.new_budget()
    for i in range(20_000):
        suggest.closest(f"sc_{i}", names)
    spent = comparisons[0]
    suggest.closest("scene_1", names)
    assert comparisons[0] == spent  # nothing left: no more comparisons
    suggest.new_budget()
    assert suggest.closest("scene_0001", names) is not None
    assert suggest.closest("sc_1", names) == suggest.closest("sc_1", names)  # remembered, not compared again


# -- item 8: caps that bound -----------------------------------------------------------------------


def test_a_sparse_three_gigabyte_file_is_refused_unread(tmp_path):
    code, errors, _ = check(hostile.sparse(tmp_path))  # reading it under a 1 GB limit would fail
    assert code == 1
    assert [(e["path"].rsplit("/", 1)[-1], e["line"]) for e in errors] == [("huge.yaml", 1)]
    assert "the file is 3221.2 MB; a story file may be at most 2 MB" in errors[0]["message"]


def test_at_most_the_cap_and_one_byte_are_read_whatever_the_size_says(tmp_path, monkeypatch):
    big = tmp_path / "grows.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 5_000))
    reads = []
    real_fdopen = os.fdopen

    class Spy:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def read(self, n=-1):
            reads.append(n)
            return self.fh.read(n)

    real_fstat = os.fstat
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: Spy(real_fdopen(fd, mode)))
    # a file whose size the system does not know (as in /proc) or that grows after stat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 0, *real_fstat(fd)[7:])))
    with pytest.raises(Unreadable, match="larger than that"):
        read_capped(big)
    assert reads == [MAX_FILE_BYTES + 1]


def test_values_are_capped_across_files_not_only_per_file(tmp_path):
    per_file = MAX_NODES - 1_000  # every file within its own cap
    over = MAX_TOTAL_NODES // per_file  # the first file the story's values do not leave room for
    code, errors, _ = check(hostile.many_values(tmp_path, files=over + 1, per_file=per_file))
    assert code == 1
    assert len(errors) == 1
    assert errors[0]["path"].endswith(f"v{over:03d}.yaml") and errors[0]["line"] == 7
    assert f"more than {MAX_TOTAL_NODES:,} values in all files together" in errors[0]["message"]
    assert f"run the command with {where.LARGE_STORY_VAR}=1 (docs/security.md" in errors[0]["message"]


def test_the_audit_value_flood_stops_at_the_story_cap(tmp_path):
    files = MAX_TOTAL_NODES // MAX_NODES + 1  # the audit's 399,000 a file, each refused at its own cap
    code, errors, _ = check(hostile.many_values(tmp_path, files=files))
    assert code == 1
    assert "the file has more than" in errors[0]["message"]
    assert "values in all files together" in errors[-1]["message"]
    assert not any("is not a scene" in e["message"] for e in errors)


def test_the_size_cut_off_is_one_clear_error_not_false_gotos(tmp_path):
    code, errors, _ = check(hostile.cut_off(tmp_path))
    assert code == 1
    assert len(errors) == 1, errors
    assert f"larger than {MAX_TOTAL_BYTES // 1_000_000} MB in all" in errors[0]["message"]
    assert "nothing after it was read" in errors[0]["message"]
    assert f"run the command with {where.LARGE_STORY_VAR}=1 (docs/security.md" in errors[0]["message"]


# -- what a story's conditions may cost ------------------------------------------------------------


def test_conditions_past_the_story_parts_cap_are_one_located_error(tmp_path):
    env = Env(frozenset({"energy"}), frozenset("abcdefgh"))
    compile_expr("energy < -1 and " + HARD_ORS, env)
    assert env.spent.parts == hostile.HARD_PARTS
    files = MAX_STORY_PARTS // (hostile.HARD_PARTS * 1_000) + 1
    code, errors, _ = check(hostile.hard_conditions(tmp_path, files=files))
    assert code == 1
    assert len(errors) == 1, errors  # the conditions after it are not each an error
    first_over = -(-MAX_STORY_PARTS // hostile.HARD_PARTS) + 1  # compiled once the cap is spent
    assert errors[0]["path"].endswith(f"h{(first_over - 1) // 1_000:03d}.yaml")
    assert f"in `energy < -{first_over} and (a or b)" in errors[0]["message"]
    assert f"more than {MAX_STORY_PARTS:,} parts in all" in errors[0]["message"]
    assert f"run the command with {where.LARGE_STORY_VAR}=1 (docs/security.md" in errors[0]["message"]


def test_a_condition_written_many_times_counts_once_and_text_conditions_count_too(tmp_path, monkeypatch):
    monkeypatch.setattr(expr, "MAX_STORY_PARTS", 6)  # `energy > 1` and `energy > 3`: 3 parts each
    lines = ["scenes:"]
    for i in range(50):
        lines += [f"  s{i}:", "    title: T", "    text: x", "    choices:"]
        lines.append("      - {id: go, text: Go, goto: desk, if: energy > 1}")
    lines += ["  late:", "    title: T", '    text: "{if energy > 2: a | else: b}"', "    choices:"]
    lines.append("      - {id: go, text: Go, goto: desk, if: energy > 3}")
    lines += ["  later:", "    title: T", '    text: "{if energy > 4: a | else: b}"', "    choices:"]
    lines.append("      - {id: go, text: Go, goto: desk, if: energy > 5}")
    files = {"desk.yaml": hostile.DESK, "many.yaml": "\n".join(lines) + "\n"}
    found = problems(hostile._story(tmp_path, files, 'version: "1.1"\n' + hostile.MANIFEST))
    assert len(found) == 1, found
    # a scene's choices are compiled before its text: `energy > 3` fills the cap, the text's condition is over it
    assert "many.yaml:254:16: in `energy > 2`: the story's conditions have more than 6 parts" in found[0]


def test_lint_stops_analysing_once_the_story_budget_is_spent(tmp_path, monkeypatch):
    questions = conditions.STORY_BUDGET // 6_000 - 2  # of about 5,200 goals each: all within the story's budget
    root = hostile.hard_conditions(tmp_path, files=1, per_file=questions)
    (root / "scenes" / "z_late.yaml").write_text(  # asked about after them (files are read in name order)
        "scenes:\n  late:\n    title: T\n    text: x\n    choices:\n"
        "      - {id: never, text: Go, goto: desk, if: energy < -1}\n"
    )
    story = load_story(root)
    taken = [0]
    search = conditions.Analyzer.search

    def counting(self, goals, env):
        taken[0] += len(goals)
        return search(self, goals, env)

    monkeypatch.setattr(conditions.Analyzer, "search", counting)
    never = "choice 'never' in scene 'late' can never be taken"
    assert any(never in p.message for p in lint(story))  # within the budget the impossible one is found
    unbounded = taken[0]
    monkeypatch.setattr(conditions, "STORY_BUDGET", 18_000)  # three of the hard questions
    taken[0] = 0
    assert not any(never in p.message for p in lint(story))  # past it the answer is "possible": sound
    assert taken[0] <= 2 * (18_000 + 81)  # two analysers (scenes, endings), each may overshoot by one branch
    assert unbounded > 4 * taken[0]


def test_a_flood_of_errors_stops_the_checking_after_ten_thousand(tmp_path, monkeypatch):
    compiled = [0]
    real = loader.compile_expr

    def counting(src, env):
        compiled[0] += 1
        return real(src, env)

    monkeypatch.setattr(loader, "compile_expr", counting)
    found = problems(hostile.bad_conditions(tmp_path, files=2))  # 16,000 conditions, each an error
    stop = [p for p in found if "checking stopped" in p]
    assert len(stop) == 1, found[-3:]
    # 4 conditions (8 lines) a scene: the scene after the one that makes the 10,000th error is not checked
    assert stop[0].endswith(
        f"story.yaml:1:1: more than {loader.MAX_ERRORS:,} errors: checking stopped at scene 'b1_500' "
        f"({tmp_path / 'scenes' / 'b001.yaml'}:{1 + 8 * 500 + 1}); fix these and check again"
    )
    assert compiled[0] == loader.MAX_ERRORS
    assert any("b000.yaml:" in p and "note: ... and 7,900 more problems" in p for p in found)


def _generated_costs(tmp_path: Path, monkeypatch) -> dict[str, int]:
    """What bench/make_story.py's story of 1,000 scenes takes of each whole-story cap."""
    root = tmp_path / "story"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_story.py"), "1000", str(root)], check=True)
    envs, analyzers, docs = [], [], []
    compile_uncached, possible = expr._compile_uncached, conditions.Analyzer.possible
    real_load = storyfiles.load_document

    def noting_env(src, env):
        envs.append(env)
        return compile_uncached(src, env)

    def noting_analyzer(self, goals):
        analyzers.append(self)
        return possible(self, goals)

    def noting_document(*args, **kwargs):
        docs.append(real_load(*args, **kwargs))
        return docs[-1]

    monkeypatch.setattr(expr, "_compile_uncached", noting_env)
    monkeypatch.setattr(conditions.Analyzer, "possible", noting_analyzer)
    monkeypatch.setattr(storyfiles, "load_document", noting_document)
    assert not [p for p in lint(load_story(root)) if p.severity == "error"]
    return {
        "bytes": sum(p.stat().st_size for p in root.rglob("*.yaml")),
        "values": sum(d.nodes for d in docs),
        "parts": envs[0].spent.parts,
        "goals": max(conditions.STORY_BUDGET - a._left for a in set(analyzers)),
    }


def _bench_common():
    """bench/_common.py, which decides which generated stories a benchmark reads with the larger caps."""
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "bench" / "_common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmarks_opt_in_exactly_for_stories_over_the_default_caps():
    common = _bench_common()
    assert common.LARGE_STORY_VAR == where.LARGE_STORY_VAR
    assert common.DEFAULT_CAPS_SCENES == 5_000  # the size the next test proves loads under the default caps
    assert common.story_env(5_000).get(where.LARGE_STORY_VAR) is None
    assert common.story_env(20_000)[where.LARGE_STORY_VAR] == "1"
    assert "DAYJOB_LARGE_STORY=1" in common.large_story_note(20_000) and not common.large_story_note(5_000)


def test_the_generated_story_of_five_thousand_scenes_loads_under_the_default_caps(tmp_path, monkeypatch):
    """bench/make_story.py's 5,000 scenes (bench_check, bench_step) must load without the opt-in: 1,000 of its
    scenes, scaled up five times, stay under each cap (bytes and values grow in step with the scenes, 13.1 MB
    and 449,000 values at 5,000; conditions repeat more as a story grows, so the scaling overstates them)."""
    assert not where.LARGE_STORY, "run without DAYJOB_LARGE_STORY: this is about the default caps"
    costs = _generated_costs(tmp_path, monkeypatch)
    assert 0 < 5 * costs["bytes"] < 0.9 * MAX_TOTAL_BYTES
    assert 0 < 5 * costs["values"] < 0.9 * MAX_TOTAL_NODES
    assert 0 < 5 * costs["parts"] < 0.7 * MAX_STORY_PARTS
    assert 0 < 5 * costs["goals"] < 0.7 * conditions.STORY_BUDGET


def _caps(large: bool) -> dict[str, int]:
    """Every whole-story cap as a fresh interpreter reads it, with or without DAYJOB_LARGE_STORY=1."""
    code = (
        "import json\n"
        "from game.authoring import conditions\n"
        "from game.engine import cache, expr, where, yamlsafe\n"
        "print(json.dumps({'bytes': where.MAX_TOTAL_BYTES, 'values': yamlsafe.MAX_TOTAL_NODES,"
        " 'parts': expr.MAX_STORY_PARTS, 'goals': conditions.STORY_BUDGET, 'large': where.LARGE_STORY}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != where.LARGE_STORY_VAR}
    if large:
        env[where.LARGE_STORY_VAR] = "1"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return json.loads(out.stdout)


def test_the_opt_in_chosen_by_whoever_runs_the_command_admits_twenty_thousand_scenes(tmp_path, monkeypatch):
    """DAYJOB_LARGE_STORY=1, and only it, raises every whole-story cap together: enough for make_story.py's
    20,000 scenes (1,000 scaled up twenty times, 52 MB and 1.79 million values at 20,000), which the
    default caps refuse."""
    default, large = _caps(False), _caps(True)
    assert default == {
        "bytes": MAX_TOTAL_BYTES,
        "values": MAX_TOTAL_NODES,
        "parts": MAX_STORY_PARTS,
        "goals": conditions.STORY_BUDGET,
        "large": False,
    }
    assert large.pop("large") is True
    costs = _generated_costs(tmp_path, monkeypatch)
    for cap, cost in costs.items():
        assert large[cap] > default[cap]
        assert 20 * cost > default[cap] or cap in ("parts", "goals")  # refused by default: bytes and values
        assert 20 * cost < (0.9 if cap in ("bytes", "values") else 0.7) * large[cap], cap


def test_a_story_over_the_default_caps_is_refused_by_default_and_read_with_the_opt_in(tmp_path):
    root = hostile.many_values(tmp_path, files=MAX_TOTAL_NODES // 90_000 + 1, per_file=90_000)
    (root / "scenes" / "desk.yaml").write_text(hostile.DESK)  # the start scene: the story is otherwise sound
    code, errors, _ = check(root)
    assert code == 1 and "values in all files together" in errors[-1]["message"]
    env = {**os.environ, where.LARGE_STORY_VAR: "1"}
    out = subprocess.run(
        [sys.executable, "-m", "game", "check", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert "Traceback" not in out.stderr, out.stderr
    read = json.loads(out.stdout)["errors"]  # read to the end: each file's own (unknown) key `x` is found
    assert [e["message"] for e in read] == ["unknown key 'x' in the scene file (a scene file holds `scenes:`)"] * (
        MAX_TOTAL_NODES // 90_000 + 1
    )


def test_a_story_compiled_under_the_larger_caps_is_never_read_from_the_cache_under_the_default_ones(tmp_path):
    root = hostile._story(tmp_path, {"desk.yaml": hostile.DESK})
    code = f"from pathlib import Path\nfrom game.engine.cache import story_key\nprint(story_key(Path({str(root)!r})))\n"
    keys = []
    for large in (False, True):
        env = {k: v for k, v in os.environ.items() if k != where.LARGE_STORY_VAR}
        env.update({where.LARGE_STORY_VAR: "1"} if large else {})
        keys.append(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
            ).stdout.strip()
        )
    assert keys[0] == story_key(root)
    assert keys[1] != keys[0] and len(keys[1]) == 64


# -- item 9: huge integers -------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["", "!!int ", "!!float "])
def test_a_five_thousand_digit_number_is_a_located_error(tmp_path, tag):
    code, errors, _ = check(hostile.huge_int(tmp_path, tag=tag))
    assert code == 1
    assert [(e["line"], e["col"]) for e in errors] == [(6, 37)]
    assert f"has 5,000 digits; a story's numbers have at most {MAX_INT_DIGITS}" in errors[0]["message"]


@pytest.mark.parametrize("value", ["-0000000000000000000000000001", "1" * 15])
def test_numbers_within_the_digits_load(tmp_path, value):
    root = hostile.huge_int(tmp_path, digits=1)
    path = root / "scenes" / "desk.yaml"
    path.write_text(path.read_text().replace("minutes: 9", f"minutes: {value}"))
    text = "\n".join(problems(root))
    assert "numbers have at most" not in text and "`minutes`" in text  # the model says what minutes may be


async def test_the_game_shows_a_huge_number_as_a_problem_instead_of_exiting(tmp_path):
    from game.tui.app import make_app
    from game.tui.options import TuiOptions
    from game.tui.screens.problems import ProblemsScreen

    app = make_app(TuiOptions(story=hostile.huge_int(tmp_path / "story"), seed="s", report_dir=tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        deadline = time.monotonic() + 60  # a hang guard: the story loads in a worker, however slow the machine
        while not isinstance(app.screen, ProblemsScreen) and time.monotonic() < deadline:
            await pilot.pause(0.01)
        assert isinstance(app.screen, ProblemsScreen)
        assert app.is_running and app.return_code is None


# -- item 13: symlinks -----------------------------------------------------------------------------


def test_a_scene_file_linking_out_of_the_folder_is_refused(tmp_path):
    root = hostile.link_out(tmp_path / "story", tmp_path / "secret.yaml")
    found = problems(root)
    assert len(found) == 1
    assert found[0].endswith(
        f"stolen.yaml:1:1: this links to {tmp_path.resolve() / 'secret.yaml'}, outside the story folder; "
        "story files must be inside it (copy the file in instead of linking it)"
    )


def test_a_scenes_folder_linking_out_is_refused_file_by_file(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "desk.yaml").write_text(hostile.DESK)
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(hostile.MANIFEST)
    os.symlink(outside, root / "scenes")
    assert any("desk.yaml:1:1: this links to" in p for p in problems(root))


def test_links_inside_the_folder_and_link_loops(tmp_path):
    root = hostile._story(tmp_path / "story", {"real.yaml": hostile.DESK})
    os.symlink(root / "scenes" / "real.yaml", root / "scenes" / "alias.yml")
    assert any("scene 'desk' is already defined" in p for p in problems(root))  # read, as a second file
    (root / "scenes" / "alias.yml").unlink()
    os.symlink(root / "scenes" / "loop.yaml", root / "scenes" / "loop.yaml")
    assert load_story(root).start == "desk"  # a dangling link is not a file: not listed at all


def test_the_story_yaml_itself_linking_out_is_refused(tmp_path):
    root = hostile._story(tmp_path / "story", {"desk.yaml": hostile.DESK})
    (tmp_path / "outside.yaml").write_text(hostile.MANIFEST)
    (root / "story.yaml").unlink()
    os.symlink(tmp_path / "outside.yaml", root / "story.yaml")
    assert any("story.yaml:1:1: this links to" in p for p in problems(root))


def test_a_glossary_linking_out_of_the_folder_is_refused_and_named_as_itself(tmp_path):
    root = hostile.link_out(tmp_path / "story", tmp_path / "secret.yaml")
    (root / "scenes" / "stolen.yaml").unlink()
    (tmp_path / "secret.yaml").write_text('password: "hunter2"\nmore: [\n', encoding="utf-8")
    os.symlink(tmp_path / "secret.yaml", root / "glossary.yaml")
    [found] = problems(root)
    assert found.endswith(
        f"glossary.yaml:1:1: this links to {tmp_path.resolve() / 'secret.yaml'}, outside the story folder; "
        "story files must be inside it (copy the file in instead of linking it)"
    )
    assert "hunter2" not in found and "secret.yaml:" not in found


def test_a_huge_glossary_is_refused_before_it_is_read(tmp_path, monkeypatch):
    def whole(path):
        raise AssertionError(f"{path} read whole, whatever its size")

    monkeypatch.setattr(Path, "read_bytes", whole)
    root = hostile.link_out(tmp_path / "story", tmp_path / "secret.yaml")
    (root / "scenes" / "stolen.yaml").unlink()
    with open(root / "glossary.yaml", "wb") as fh:
        fh.truncate(200_000_000)  # sparse: 200 MB on paper, nothing on disk
    [found] = problems(root)
    assert found.endswith(
        "glossary.yaml:1:1: the file is 200.0 MB; a story file may be at most 2 MB — split it into several files under scenes/"
    )


def test_the_cache_key_never_reads_a_huge_file_whole(tmp_path, monkeypatch):
    from game.engine import cache

    cache.engine_digest()  # the engine's own files, read once per process, before the guard goes in

    def whole(path):
        raise AssertionError(f"{path} read whole, whatever its size")

    monkeypatch.setattr(Path, "read_bytes", whole)
    root = hostile.link_out(tmp_path / "story", tmp_path / "secret.yaml")
    (root / "scenes" / "stolen.yaml").unlink()
    with open(root / "scenes" / "huge.yaml", "wb") as fh:
        fh.truncate(3_000_000_000)  # sparse: 3 GB on paper, nothing on disk
    assert cache.story_key(root) is None  # over the story's size: no key, so the loader reads and refuses it
