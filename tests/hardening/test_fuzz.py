"""Property tests: the loader only ever raises StoryError; the engine keeps its invariants."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import ChoiceError, Game, SaveError, StoryError, load_story

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
SOURCES = {p.relative_to(MINI).as_posix(): p.read_bytes() for p in MINI.rglob("*.yaml")}
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
TOKENS = [
    b"&a ",
    b"*a",
    b"<<: ",
    b"!!python/name:os.system ",
    b"{",
    b"}",
    b"[",
    b"]",
    b": ",
    b"- ",
    b"\n  ",
    b"\t",
    b"'",
    b'"',
    b"#",
    b"---\n",
    b"? ",
    b"|",
    b">",
    b"%YAML 1.1\n",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\r\n",
    b"9**9**9",
    b"visited(",
    b"{lead",
    b"}}",
    b"yes",
    b"12:30",
    b".nan",
    b"-1",
    b"99999999999999999999",
]


def load_mutated(tmp: Path, files: dict[str, bytes]) -> None:
    if tmp.exists():
        shutil.rmtree(tmp)
    for name, data in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    try:
        story = load_story(tmp)
    except StoryError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.line >= 1 and p.col >= 1 and p.message
        return
    # whatever loads must play
    game = Game(story, seed="fuzz", keep_undo=False)
    for _ in range(200):
        if game.ended:
            break
        game.choose(game.available[0])


mutation = st.tuples(
    st.sampled_from(sorted(SOURCES)),
    st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate"]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=40),
    st.sampled_from(TOKENS),
)


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=6))
def test_mutated_stories_only_ever_raise_story_error(tmp_path, mutations):
    files = dict(SOURCES)
    for name, kind, pos, size, token in mutations:
        data = files[name]
        pos %= max(len(data), 1)
        if kind == "flip":
            data = data[:pos] + bytes([data[pos] ^ 0x20]) + data[pos + 1 :] if data else data
        elif kind == "delete":
            data = data[:pos] + data[pos + size :]
        elif kind == "insert":
            data = data[:pos] + token + data[pos:]
        elif kind == "duplicate":
            data = data[:pos] + data[pos : pos + size * 4] + data[pos:]
        else:
            data = data[:pos]
        files[name] = data
    load_mutated(tmp_path / "s", files)


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(["scenes", "version", "title", "x"]), yaml_values, min_size=1, max_size=3))
def test_random_structures_only_ever_raise_story_error(tmp_path, doc):
    files = dict(SOURCES)
    files["scenes/fuzz.yaml"] = json.dumps(doc, allow_nan=True).encode()
    load_mutated(tmp_path / "s", files)


@FUZZ
@given(st.text(max_size=300))
def test_random_text_as_a_scene_file_only_ever_raises_story_error(tmp_path, text):
    files = dict(SOURCES)
    files["scenes/fuzz.yaml"] = text.encode("utf-8", "surrogatepass")
    load_mutated(tmp_path / "s", files)


STORY = load_story(MINI)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("choose"), st.integers(0, 8)),
        st.tuples(st.just("undo"), st.just(0)),
        st.tuples(st.just("snapshot"), st.just(0)),
        st.tuples(st.just("restore"), st.just(0)),
        st.tuples(st.just("reload"), st.just(0)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), actions)
def test_engine_invariants_under_random_play(seed, steps):
    story = STORY
    game = Game(story, seed=seed)
    saved = None
    last_clock = game.clock
    for kind, n in steps:
        if game.ended:
            break
        if kind == "choose":
            options = game.choices
            view = options[n % len(options)]
            if view.available:
                game.choose(view.id)
                assert game.clock >= last_clock  # the clock never runs backwards except by undo
            else:
                try:
                    game.choose(view.id)
                except ChoiceError:
                    pass
                else:
                    raise AssertionError("a locked choice was taken")
        elif kind == "undo":
            game.undo()
        elif kind == "snapshot":
            saved = json.loads(json.dumps(game.snapshot()))
        elif kind == "restore" and saved is not None:
            game = Game.from_snapshot(story, saved)
        elif kind == "reload":
            story = load_story(MINI)
            game = Game.from_snapshot(story, json.loads(json.dumps(game.snapshot())))
        last_clock = game.clock
        for s in story.stats.values():
            assert s.min <= game.state.stats[s.name] <= s.max
        assert game.ended or any(v.available for v in game.choices)
    # every day ends: keep choosing the first available choice
    for _ in range(500):
        if game.ended:
            break
        game.choose(game.available[0])
    assert game.ended and game.ending is not None
    assert game.report().ending_title


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        yaml_scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=5)),
        max_leaves=30,
    )
)
def test_damaged_save_data_raises_save_error_or_resumes(data):
    for candidate in (
        data,
        {"save_version": 1, "seed": "s", "state": data},
        {**Game(STORY, seed="s").snapshot(), "state": data if isinstance(data, dict) else {"scene": data}},
    ):
        try:
            game = Game.from_snapshot(STORY, candidate)
        except SaveError:
            continue
        game.choices  # a resumed day can be played


def _day_with_undo() -> dict:
    """A real save in the middle of a day, with undo points, an appointment and something on hold."""
    game = Game(STORY, seed="golden")
    game.replay(["coffee", "work", "ramble"])
    return json.loads(json.dumps(game.snapshot()))


GOOD_SAVE = _day_with_undo()
wrong_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.just(10**400),
    st.just(-1),
    st.text(max_size=12),
    st.sampled_from(["desk", "standup", "nowhere", "start", "appointment", "desk/read", "shipped_it", "back"]),
    st.lists(st.one_of(st.integers(), st.text(max_size=6)), max_size=5),
    st.dictionaries(st.text(max_size=6), st.one_of(st.integers(), st.booleans(), st.text(max_size=4)), max_size=3),
)


def _leaves(value, path=()):
    """Every place in a save that holds a value: (path, value)."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))


SAVE_PLACES = [p for p, _ in _leaves(GOOD_SAVE) if p]


def _changed(save: dict, path: tuple, change: str, value) -> dict:
    data = json.loads(json.dumps(save))
    *parents, last = path
    here = data
    for key in parents:
        here = here[key]
    if change == "replace":
        here[last] = value
    elif change == "drop":
        del here[last]
    elif isinstance(here[last], dict):
        here[last]["extra"] = value
    elif isinstance(here[last], list):
        here[last].append(value)
    return data


def _play_what_resumed(game: Game) -> None:
    """What a player does with a resumed day: read it, take a choice, undo all the way, read the report."""
    game.title, game.text, game.choices, game.clock_text  # noqa: B018
    game.report()
    if not game.ended:
        view = next(v for v in game.choices if v.available)
        game.choose(view.id)
    while game.undo():
        game.text, game.choices  # noqa: B018
        game.report()
    json.dumps(game.snapshot())


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(SAVE_PLACES),
    st.sampled_from(["replace", "replace", "replace", "drop", "add"]),
    wrong_values,
)
def test_a_save_of_the_right_shape_with_wrong_values_is_refused_or_plays(path, change, value):
    """Each place of a real save (undo points included) given a wrong value, dropped, or given an extra
    key or item: resuming raises SaveError, or gives a day that can be read, played, undone and reported."""
    if change == "drop" and isinstance(path[-1], int):
        change = "replace"
    data = _changed(GOOD_SAVE, path, change, value)
    try:
        game = Game.from_snapshot(STORY, data)
    except SaveError:
        return
    _play_what_resumed(game)
