"""The glossary: the file format and its located errors, finding terms in text, terms met in a day, the check's warnings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from game.authoring.check import check_story
from game.authoring.jargon import JARGON
from game.engine import Game, StoryError, load_story, shipped_story_dir
from game.engine.glossary import LONG_MEANING, Glossary, Term
from game.engine.saves import SaveSlot

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
GOOD = """\
terms:
  deep_work:
    term: deep work
    means: Focused work without interruptions.
  docs:
    term: docs
    also: [documentation]
    means: What the code should have said.
"""


@pytest.fixture
def story_with(tmp_path):
    """A copy of the mini story with this glossary.yaml; returns its folder."""

    def make(glossary: str) -> Path:
        root = tmp_path / "story"
        shutil.copytree(MINI, root)
        (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
        return root

    return make


def problems(root: Path) -> list[str]:
    with pytest.raises(StoryError) as caught:
        load_story(root)
    return [f"{p.path.rsplit('/', 1)[-1]}:{p.line}:{p.col}: {p.message}" for p in caught.value.problems]


# -- the file ---------------------------------------------------------------------------------


def test_a_glossary_loads_with_its_terms_and_their_places(story_with):
    story = load_story(story_with(GOOD))
    assert list(story.glossary.terms) == ["deep_work", "docs"]
    docs = story.glossary.terms["docs"]
    assert (docs.term, docs.also, docs.means) == ("docs", ("documentation",), "What the code should have said.")
    assert docs.path.endswith("glossary.yaml") and (docs.line, docs.col) == (5, 3)


def test_a_story_without_a_glossary_has_an_empty_one():
    story = load_story(MINI)
    assert story.glossary.terms == {} and story.glossary.path is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "terms:\n  docs:\n    term: docs\n    mean: x\n",
            [
                "glossary.yaml:4:5: unknown key 'mean' in term 'docs'; did you mean 'means'?",
                "glossary.yaml:3:5: term 'docs' needs `means`",
            ],
        ),
        ("terms:\n  docs:\n    term: docs\n    means: ''\n", ["glossary.yaml:4:12: term 'docs', `means` is empty"]),
        ("term:\n  docs: {}\n", ["glossary.yaml:1:1: unknown key 'term' in glossary.yaml; did you mean 'terms'?"]),
        (
            "terms:\n  2docs:\n    term: docs\n    means: x\n",
            ["glossary.yaml:2:3: term id '2docs' must be letters, digits and _ and start with a letter"],
        ),
        (
            "terms:\n  a:\n    term: docs\n    means: x\n  b:\n    term: B\n    also: [Docs]\n    means: y\n",
            ["glossary.yaml:7:12: term 'b': 'Docs' is already a form of term 'a'"],
        ),
        (
            "terms:\n  a:\n    term: 12\n    means: x\n",
            ["glossary.yaml:3:11: term 'a', `term`: expected text (put it in quotes)"],
        ),
        ("terms: [docs]\n", ["glossary.yaml:1:8: `terms`: expected a mapping of keys"]),
        ("terms:\n  a: {term: x, means: [\n", ["glossary.yaml:3:1: YAML syntax"]),
    ],
)
def test_every_mistake_in_the_glossary_is_located(story_with, text, expected):
    found = problems(story_with(text))
    for want in expected:
        assert any(p.startswith(want) for p in found), (want, found)


def test_a_long_meaning_is_a_warning(story_with):
    root = story_with(f"terms:\n  docs:\n    term: docs\n    means: {'word ' * 80}\n")
    errors, warnings = check_story(root)
    assert errors == []
    assert any(w.line == 4 and f"keep it to one or two sentences (under {LONG_MEANING})" in w.message for w in warnings)


# -- finding terms ----------------------------------------------------------------------------


def glossary(*terms: Term) -> Glossary:
    return Glossary({t.id: t for t in terms})


def test_terms_are_found_whole_and_in_any_case_the_longer_form_first():
    g = glossary(
        Term("gpu", "GPU", "a processor", ("GPUs",)),
        Term("queue", "GPU queue", "the line"),
        Term("crash", "CrashLoopBackOff", "crashing"),
        Term("nodes", "Insufficient nvidia.com/gpu", "no free GPU"),
    )
    assert g.ids_in("The gpus are busy; the GPU queue is long.") == ["gpu", "queue"]
    assert g.find("gpu queue") == [(0, 9, "queue")]
    assert g.ids_in("GPUSTACK, debug_gpu and gpu_count are not the term") == []
    assert g.ids_in("pods in CrashLoopBackOff, restart count 1,412") == ["crash"]
    # a term split by the writer's line break still counts
    assert g.ids_in("8 Insufficient\n      nvidia.com/gpu.") == ["nodes"]
    assert g.defines("gpus") and g.defines("gpu  QUEUE") and not g.defines("queue")


# -- a day ------------------------------------------------------------------------------------


def test_terms_met_are_kept_in_the_day_with_where_they_were_first_met(story_with):
    story = load_story(story_with(GOOD))
    game = Game(story, "g", start="desk")
    assert game.state.terms == {}  # nothing is met until a front end shows the scene
    # the desk's choices: "Do some deep work", "Read the docs"
    assert game.meet_terms() == ["deep_work", "docs"]
    assert game.meet_terms() == ["deep_work", "docs"]  # drawn again: the same words are marked again
    game.choose("read")
    assert game.meet_terms() == [] and game.state.terms == {"deep_work": 0, "docs": 0}
    assert game.undo() and game.state.terms == {"deep_work": 0, "docs": 0}


def test_undo_forgets_terms_first_met_after_the_choice_taken_back(story_with):
    root = story_with(GOOD.replace("term: docs", "term: blinks"))  # the desk's text: "The cursor blinks."
    game = Game(load_story(root), "g")
    game.meet_terms()
    game.choose("coffee")
    assert game.meet_terms() == ["docs", "deep_work"]  # in the order shown: the text, then the choices
    assert game.state.terms == {"docs": 1, "deep_work": 1}
    game.undo()
    assert game.state.terms == {}


def test_terms_met_are_saved_and_a_save_from_before_the_glossary_still_loads(story_with, tmp_path):
    story = load_story(story_with(GOOD))
    game = Game(story, "g", start="desk")
    game.meet_terms()
    game.choose("read")
    slot = SaveSlot(tmp_path / "saves")
    slot.write(game.snapshot())
    again = Game.from_snapshot(story, slot.read()[0])
    assert again.state.terms == {"deep_work": 0, "docs": 0}
    old = json.loads(slot.path.read_text())
    del old["state"]["terms"]
    for point in old["undo"]:
        point.pop("terms", None)
    resumed = Game.from_snapshot(story, old)
    assert resumed.state.terms == {} and resumed.scene_id == "desk"
    # and a term the edited glossary no longer has is dropped
    old["state"]["terms"] = {"gone": 3, "deep_work": 0}
    assert Game.from_snapshot(story, old).state.terms == {"deep_work": 0}  # "gone" is not in the glossary


def test_a_damaged_terms_record_is_a_damaged_save(story_with):
    from game.engine import SaveError

    story = load_story(story_with(GOOD))
    data = Game(story, "g").snapshot()
    data["state"]["terms"] = {"docs": "yesterday"}
    with pytest.raises(SaveError, match="terms"):
        Game.from_snapshot(story, data)


def test_the_report_lists_the_terms_the_day_used_with_the_endings_own(story_with):
    root = story_with(GOOD)
    manifest = root / "story.yaml"
    manifest.write_text(manifest.read_text().replace("Nothing broke. That counts.", "Nothing broke. No docs."))
    story = load_story(root)
    game = Game(story, "g", start="desk")
    game.meet_terms()
    game.preset({"clock": "11:55"})
    game.choose("read")
    report = game.report()
    assert [t.id for t in report.terms] == ["deep_work", "docs"]
    assert "## Terms you met\n\n- **deep work**: Focused work without interruptions." in report.markdown()
    from game.plain import report_text

    assert "Terms of the job you met today:\ndeep work: Focused work without interruptions.\n" in report_text(report)


# -- check ------------------------------------------------------------------------------------


def test_check_warns_about_a_term_no_text_uses(story_with):
    root = story_with(GOOD + "  unused:\n    term: Kubernetes\n    means: Runs containers.\n")
    errors, warnings = check_story(root)
    assert errors == []
    said = [f"{w.line}:{w.col}: {w.message}" for w in warnings if w.path.endswith("glossary.yaml")]
    assert said == [
        "9:3: glossary term 'unused' (Kubernetes) is never used in the story's text; "
        "remove it, or check its spelling and `also:` forms"
    ]


def test_check_warns_about_a_line_dense_with_undefined_jargon(story_with):
    root = story_with(GOOD + "jargon: [blinks]\n")
    desk = root / "scenes" / "work.yaml"
    desk.write_text(
        desk.read_text().replace(
            "text: The cursor blinks.", "text: The cursor blinks. kubectl, the VPN and NFS agree. The docs do not."
        )
    )
    errors, warnings = check_story(root)
    dense = [w for w in warnings if "jargon" in w.message]
    assert errors == [] and len(dense) == 1
    w = dense[0]
    assert w.path.endswith("work.yaml") and w.line == 5
    assert "4 jargon terms" in w.message and "(blinks, kubectl, VPN, NFS)" in w.message  # `docs` is defined
    # two undefined on a line is fine
    desk.write_text(desk.read_text().replace("kubectl, the VPN and NFS", "the VPN"))
    assert [w for w in check_story(root)[1] if "jargon" in w.message] == []


# -- the shipped day --------------------------------------------------------------------------


def test_the_shipped_glossary_explains_at_least_thirty_terms_briefly():
    story = load_story(shipped_story_dir())
    terms = story.glossary.terms
    assert len(terms) >= 30
    for term in terms.values():
        assert 20 <= len(term.means) <= LONG_MEANING, term.id
        assert term.means.rstrip().endswith((".", "?")), term.id
    for word in ("crashloopbackoff", "kms", "egress", "idempotency"):
        assert (
            word in JARGON
            and story.glossary.defines(word)
            or any(word in form.lower() for t in terms.values() for form in t.forms)
        )


@pytest.mark.parametrize(
    "phrase",
    [
        "0/8 nodes are available: 8 Insufficient nvidia.com/gpu",
        "CrashLoopBackOff",
        "roll the nodes",
        "a KMS key",
        "no idempotency key",
        "egress",
        "Say yes to a spike",
        "the parking lot",
    ],
)
def test_the_shipped_glossary_explains_each_phrase_the_student_in_the_issue_was_lost_in(phrase):
    assert load_story(shipped_story_dir()).glossary.ids_in(phrase), phrase


def test_the_shipped_day_marks_gradient_boosting_as_itself_not_as_a_gradient():
    # the story only ever says "gradient boosting" or "gradient-boosted": a player shown the meaning of
    # a gradient there would learn the wrong thing
    glossary = load_story(shipped_story_dir()).glossary
    for text in ("explaining gradient boosting to someone from finance", 'a "gradient-boosted ensemble"'):
        (tid,) = glossary.ids_in(text)
        assert "decision trees" in glossary.terms[tid].means
