"""The quick reading of story files (engine/shapes.py) gives what the models give, or leaves the value to them."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from game.engine import model as m
from game.engine import shapes
from game.engine.loader import _manifest_record, _scene_record, story_files

ROOT = Path(__file__).resolve().parents[2]


def _by_models_scene(data: object) -> shapes.Scene | None:
    try:
        return _scene_record(m.SceneDef.model_validate(data))
    except ValidationError:
        return None


def _by_models_manifest(data: object) -> shapes.Manifest | None:
    try:
        return _manifest_record(m.Manifest.model_validate(data))
    except ValidationError:
        return None


def _files(root: Path) -> tuple[Any, list[Any]]:
    files = story_files(root)
    manifest = yaml.safe_load(files[0].read_text("utf-8"))
    scenes = [s for f in files[1:] for s in (yaml.safe_load(f.read_text("utf-8")) or {}).get("scenes", {}).values()]
    return manifest, scenes


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A 300-scene story from bench/make_story.py, which uses every part of the format."""
    root = tmp_path_factory.mktemp("gen") / "story"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_story.py"), "300", str(root)], check=True, cwd=ROOT)
    return root


@pytest.mark.parametrize("which", ["shipped", "generated", "mini11"])
def test_every_part_of_a_right_story_is_read_at_once_as_the_models_read_it(which, generated):
    """The stories `check` is timed on never wait for pydantic (bench/bench_check.py): every scene and the
    manifest are read at once, and into what the models give."""
    root = {"shipped": ROOT / "story", "generated": generated, "mini11": ROOT / "tests/fixtures/mini11"}[which]
    manifest, scenes = _files(root)
    quick = shapes.read_manifest(manifest)
    assert quick is not None and quick == _by_models_manifest(manifest)
    assert scenes
    for scene in scenes:
        quick_scene = shapes.read_scene(scene)
        assert quick_scene is not None and quick_scene == _by_models_scene(scene)


# every field's name as a story file writes it, model by model, and the names the quick reading knows
_MODELS: list[tuple[type[BaseModel], frozenset[str]]] = [
    (m.SceneDef, shapes._SCENE_KEYS),
    (m.ChoiceDef, shapes._CHOICE_KEYS),
    (m.Variant, shapes._TEXT_KEYS),
    (m.Outcome, shapes._TEXT_KEYS),
    (m.Branch, shapes._BRANCH_KEYS),
    (m.At, shapes._AT_KEYS),
    (m.Interrupt, shapes._INTERRUPT_KEYS),
    (m.Manifest, shapes._MANIFEST_KEYS),
    (m.Clock, shapes._CLOCK_KEYS),
    (m.StatDef, shapes._STAT_KEYS),
    (m.EndingDef, shapes._ENDING_KEYS),
    (m.ShortDay, shapes._SHORT_KEYS),
    (m.Reference, shapes._REFERENCE_KEYS),
]


@pytest.mark.parametrize(("model", "keys"), _MODELS, ids=[model.__name__ for model, _ in _MODELS])
def test_the_quick_reading_knows_every_field_of_the_models(model, keys):
    """A field added to a model and not to the quick reading would leave every file with it to the models:
    right, but slow; this says so when it happens."""
    assert keys == frozenset(f.alias or name for name, f in model.model_fields.items())


# values of every kind a writer may put anywhere: right and wrong ones
_SCALAR_VALUES: list[Any] = [
    "desk",
    "Desk_2",
    "2desk",
    "desk\n",
    "a b",
    "",
    "x" * 64,
    "x" * 65,
    "09:30",
    "24:00",
    "9:30",
    "09:30\n",
    "energy > 3",
    "energy >",
    "c" * 2_001,
    "t" * 20_001,
    0,
    3,
    -1,
    1440,
    1441,
    True,
    False,
    None,
    0.5,
    1.0,
    1.5,
    float("nan"),
    float("inf"),
    1,
]
_SCALARS = st.sampled_from(_SCALAR_VALUES)
_KEYS = st.sampled_from(
    sorted({k for _, keys in _MODELS for k in keys} | {"if_", "show_if", "extra", "Title", "scenes", "version", "1.1"})
)
_VALUE = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


def _mappings(value: object) -> list[dict[str, Any]]:
    """Every mapping in a value, nested ones too."""
    if isinstance(value, dict):
        return [value] + [d for v in value.values() for d in _mappings(v)]
    if isinstance(value, list):
        return [d for v in value for d in _mappings(v)]
    return []


def _spoil(draw: st.DrawFn, root: dict[str, Any]) -> None:
    """Up to five changes anywhere in `root`: a key dropped, or set to a value of any kind (mostly one of
    the keys the mapping has, so that each field meets wrong values of every kind)."""
    for _ in range(draw(st.integers(0, 5))):
        target = draw(st.sampled_from(_mappings(root)))
        key = draw(st.sampled_from(sorted(target)) | _KEYS) if target else draw(_KEYS)
        if draw(st.integers(0, 3)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(_SCALARS | _VALUE)


def _scene_like(draw: st.DrawFn) -> dict[str, Any]:
    """A right scene, then a few of its values replaced, removed or added."""
    choice: dict[str, Any] = {"id": "go", "text": "Go on", "goto": "desk"}
    scene: dict[str, Any] = {"title": "Desk", "text": "At your {tool}.", "choices": [choice]}
    extra = draw(
        st.fixed_dictionaries(
            {
                "at": st.sampled_from(["15:00", {"time": "15:00", "if": "energy > 3"}, {"time": "15:00"}]),
                "category": st.just("focus"),
                "again": st.just("Back."),
                "variants": st.just([{"if": "energy > 3", "text": "Tired."}]),
                "interrupt": st.sampled_from([{"chance": 0.5}, {"chance": 0.25, "if": "x", "repeat": True}]),
            },
        )
    )
    scene.update(extra)
    choice.update(
        draw(
            st.fixed_dictionaries(
                {
                    "if": st.just("energy > 3"),
                    "show_if": st.just('visited("desk")'),
                    "locked": st.just("Not now"),
                    "minutes": st.sampled_from([0, 15]),
                    "effects": st.just({"energy": -1}),
                    "set": st.just({"done": True, "mood": "calm"}),
                    "once": st.booleans(),
                    "category": st.just("data"),
                    "outcome": st.sampled_from(["Done.", [{"if": "x", "text": "A"}, {"text": "B"}]]),
                },
            )
        )
    )
    _spoil(draw, scene)
    return scene


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_scene_is_read_as_the_models_read_it_or_left_to_them(data):
    scene = _scene_like(data.draw)
    quick = shapes.read_scene(scene)
    if quick is not None:
        assert quick == _by_models_scene(scene)


def _manifest_like(draw: st.DrawFn) -> dict[str, Any]:
    """A right manifest, then a few of its values replaced, removed or added."""
    ending: dict[str, Any] = {"id": "home", "title": "Home", "text": "The end."}
    manifest: dict[str, Any] = {
        "title": "Day",
        "start": "desk",
        "clock": {"start": "09:00", "end": "17:00"},
        "categories": ["focus", "data"],
        "endings": [ending],
    }
    manifest.update(
        draw(
            st.fixed_dictionaries(
                {
                    "version": st.sampled_from(["1.0", "1.1", 1, 1.0, 1.1, "1", " 1.1 ", "2.0", True, None]),
                    "subtitle": st.just("A day"),
                    "hub": st.sampled_from(["desk", None]),
                    "category_labels": st.just({"focus": "Focus"}),
                    "stats": st.just({"energy": {"start": 5, "min": 0, "max": 10, "label": "Energy"}}),
                    "flags": st.just(["done"]),
                    "words": st.just({"tool": "the notebook"}),
                    "credits": st.just("Us"),
                    "reference": st.just({"label": "Surveys", "minutes": {"focus": 30}}),
                    "short": st.just({"start": "desk", "clock": {"start": "13:00", "end": "15:00"}, "subtitle": "S"}),
                },
            )
        )
    )
    ending.update(
        draw(
            st.fixed_dictionaries(
                {
                    "if": st.just("energy > 3"),
                    "variants": st.just([{"if": "done", "text": "Done."}]),
                    "debrief": st.just(["Why?"]),
                },
            )
        )
    )
    _spoil(draw, manifest)
    return manifest


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_manifest_is_read_as_the_models_read_it_or_left_to_them(data):
    manifest = _manifest_like(data.draw)
    quick = shapes.read_manifest(manifest)
    if quick is not None:
        assert quick == _by_models_manifest(manifest)


_RIGHT_SCENE: dict[str, Any] = {
    "title": "Desk",
    "at": {"time": "15:00", "if": "energy > 3"},
    "category": "focus",
    "text": "At your {tool}.",
    "again": "Back.",
    "variants": [{"if": "energy > 3", "text": "Tired."}],
    "interrupt": {"chance": 0.5, "if": "x", "repeat": True},
    "choices": [
        {
            "id": "go",
            "text": "Go on",
            "if": "energy > 3",
            "show_if": "done",
            "locked": "Not now",
            "minutes": 15,
            "effects": {"energy": -1},
            "set": {"done": True},
            "once": False,
            "goto": [{"if": "x", "to": "desk"}, {"to": "hub"}],
            "category": "data",
            "outcome": [{"if": "x", "text": "A"}, {"text": "B"}],
        },
        {"id": "stay", "text": "Stay", "goto": "desk", "outcome": "Done."},
    ],
}
_RIGHT_MANIFEST: dict[str, Any] = {
    "version": "1.1",
    "title": "Day",
    "subtitle": "A day",
    "start": "desk",
    "hub": "desk",
    "clock": {"start": "09:00", "end": "17:00"},
    "categories": ["focus", "data"],
    "category_labels": {"focus": "Focus"},
    "stats": {"energy": {"start": 5, "min": 0, "max": 10, "label": "Energy"}},
    "flags": ["done"],
    "words": {"tool": "the notebook"},
    "endings": [
        {"id": "home", "if": "done", "title": "Home", "text": "Bye.", "variants": [{"if": "x", "text": "Y"}]},
        {"id": "ordinary", "title": "Day", "text": "The end.", "debrief": ["Why?"]},
    ],
    "credits": "Us",
    "reference": {"label": "Surveys", "source": "Them", "minutes": {"focus": 30}},
    "short": {"start": "desk", "clock": {"start": "13:00", "end": "15:00"}, "set": {"done": True}, "effects": {}},
}
# each value above replaced by each of these in turn, and dropped
_WRONG = [*_SCALAR_VALUES, [], {}, ["x"], [{"if": "x", "text": "y"}], {"time": "15:00"}, {"x": 1}, {"if": "x"}]


def _places(value: object, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The place of every value in a value, nested ones too."""
    inside = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [p for k, v in inside for p in [(*at, k), *_places(v, (*at, k))]]


def _changed(right: dict[str, Any], place: tuple[Any, ...], new: object) -> dict[str, Any]:
    out = copy.deepcopy(right)
    holder = out
    for k in place[:-1]:
        holder = holder[k]
    if new is _DROP:
        del holder[place[-1]]
    else:
        holder[place[-1]] = new
    return out


_DROP = object()


@pytest.mark.parametrize("kind", ["scene", "manifest"])
def test_each_value_replaced_by_each_kind_of_value_is_read_as_the_models_read_it(kind):
    """Every field of a scene and of a manifest that uses them all, each given every kind of wrong value in
    turn (and dropped): the quick reading gives the models' record or leaves the value to them."""
    right, quick_read, by_models = {
        "scene": (_RIGHT_SCENE, shapes.read_scene, _by_models_scene),
        "manifest": (_RIGHT_MANIFEST, shapes.read_manifest, _by_models_manifest),
    }[kind]
    assert quick_read(right) is not None and quick_read(right) == by_models(right)
    differ = []
    for place in _places(right):
        for new in [*_WRONG, _DROP]:
            value = _changed(right, place, new)
            quick = quick_read(value)
            if quick is not None and quick != by_models(value):
                differ.append((place, new))
    assert differ == []
