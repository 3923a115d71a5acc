"""Strict loading: every kind of writer mistake is a located problem, never a traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from game.engine import StoryError, load_story

MANIFEST = """\
title: T
start: a
clock: {start: "09:00", end: "17:00"}
categories: [focus, meetings]
stats:
  energy: {start: 5, min: 0, max: 10}
flags: [done]
words: {lead: Sam}
endings:
  - id: last
    title: The end
    text: Over.
"""

SCENE = """\
scenes:
  a:
    title: A
    text: Hello.
    choices:
      - id: go
        text: Go
        goto: end
"""


def problems(tmp_path: Path, scenes: str = SCENE, manifest: str = MANIFEST, extra: dict | None = None) -> list[str]:
    root = tmp_path / "s"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(textwrap.dedent(manifest))
    (root / "scenes" / "a.yaml").write_text(textwrap.dedent(scenes))
    for name, text in (extra or {}).items():
        (root / "scenes" / name).write_text(textwrap.dedent(text))
    try:
        load_story(root)
    except StoryError as exc:
        return [str(p).split("/s/", 1)[1] for p in exc.problems]
    return []


def test_valid_minimal_story_loads(tmp_path):
    assert problems(tmp_path) == []


def test_alias_and_anchor_are_refused_with_place(tmp_path):
    out = problems(tmp_path, SCENE + "  b: &x {title: B}\n  c: *x\n")
    assert "scenes/a.yaml:9:6: anchors (&x) are not allowed in story files; write the value out" in out
    assert "scenes/a.yaml:10:6: aliases (*x) are not allowed in story files; write the value out" in out


def test_merge_key_is_refused(tmp_path):
    out = problems(tmp_path, SCENE.replace("    title: A\n", "    title: A\n    <<: {text: x}\n"))
    assert "scenes/a.yaml:4:5: merge keys (<<) are not allowed in story files; write the keys out" in out


def test_duplicate_key_is_refused_with_first_place(tmp_path):
    out = problems(tmp_path, SCENE.replace("    text: Hello.\n", "    text: Hello.\n    text: Again.\n"))
    assert "scenes/a.yaml:5:5: duplicate key 'text' (first at line 4); YAML would silently keep only the last" in out


def test_non_string_key_is_refused(tmp_path):
    out = problems(tmp_path, SCENE + "  12: {title: x}\n")
    assert "scenes/a.yaml:9:3: the key '12' is read as a number, not text; put it in quotes" in out


def test_python_tag_is_refused(tmp_path):
    out = problems(tmp_path, SCENE.replace("title: A", "title: !!python/object/apply:os.system ['echo hi']"))
    assert "scenes/a.yaml:3:12: the tag '!!python/object/apply:os.system' is not allowed in story files" in out


def test_yaml_11_booleans_and_times_stay_text(tmp_path):
    # `on` as a key and `12:30` as a value: YAML 1.1 would make them True and 750
    out = problems(
        tmp_path,
        SCENE.replace("title: A", "title: 12:30").replace("      - id: go", "      - id: go\n        once: yes"),
    )
    assert out == [
        "scenes/a.yaml:7:15: choice 'go' of scene 'a', `once`: write true or false, not 'yes' "
        "(YAML 1.1 would read it as a boolean; this format does not guess)"
    ]


def test_a_key_with_a_bracket_is_an_unknown_key_not_a_crash(tmp_path):
    # pydantic names a union's members with brackets ("list[str]"); a writer's key can have one too
    out = problems(tmp_path, SCENE.replace("title: A", "ti[tle: A"))
    assert "scenes/a.yaml:3:5: unknown key 'ti[tle' in scene 'a'; did you mean 'title'?" in out
    assert "scenes/a.yaml:3:5: scene 'a' needs `title`" in out


def test_syntax_error_has_place(tmp_path):
    out = problems(tmp_path, "scenes:\n  a: [unclosed\n")
    assert len(out) == 1 and out[0].startswith("scenes/a.yaml:3:1: YAML syntax:")


def test_unknown_key_suggests_the_right_one(tmp_path):
    out = problems(tmp_path, SCENE.replace("title: A", "tittle: A"))
    assert "scenes/a.yaml:3:5: unknown key 'tittle' in scene 'a'; did you mean 'title'?" in out
    assert "scenes/a.yaml:3:5: scene 'a' needs `title`" in out


def test_wrong_type_is_explained(tmp_path):
    out = problems(tmp_path, SCENE.replace("        goto: end", "        minutes: lots\n        goto: end"))
    assert out == ["scenes/a.yaml:8:18: choice 'go' of scene 'a', `minutes`: expected a whole number, got 'lots'"]


def test_negative_minutes_are_refused(tmp_path):
    out = problems(tmp_path, SCENE.replace("        goto: end", "        minutes: -5\n        goto: end"))
    assert out == [
        "scenes/a.yaml:8:18: choice 'go' of scene 'a', `minutes`: -5 is out of range: "
        "input should be greater than or equal to 0"
    ]


def test_unknown_goto_suggests_a_scene(tmp_path):
    out = problems(
        tmp_path,
        SCENE.replace("goto: end", "goto: dsek")
        + "  desk: {title: D, text: d, choices: [{id: x, text: x, goto: end}]}\n",
    )
    assert out == [
        "scenes/a.yaml:8:15: goto 'dsek' in scene 'a' is not a scene, an ending, `back` or `end`; did you mean 'desk'?"
    ]


@pytest.mark.parametrize(("typed", "meant"), [("ned", "end"), ("bakc", "back")])
def test_a_misspelt_back_or_end_is_suggested(tmp_path, typed, meant):
    out = problems(tmp_path, SCENE.replace("goto: end", f"goto: {typed}"))
    assert out == [
        f"scenes/a.yaml:8:15: goto '{typed}' in scene 'a' is not a scene, an ending, `back` or `end`; "
        f"did you mean '{meant}'?"
    ]


def test_unknown_goto_in_a_branch(tmp_path):
    out = problems(tmp_path, SCENE.replace("goto: end", "goto: [{if: done, to: a}, {to: nowhere}]"))
    assert out == ["scenes/a.yaml:8:40: goto 'nowhere' in scene 'a' is not a scene, an ending, `back` or `end`"]


def test_last_branch_must_have_no_if(tmp_path):
    out = problems(tmp_path, SCENE.replace("goto: end", "goto: [{if: done, to: a}]"))
    assert out == [
        "scenes/a.yaml:8:16: the last branch of choice 'go' needs no `if`, so the choice always goes somewhere"
    ]


def test_unknown_name_in_expression_points_into_the_expression(tmp_path):
    out = problems(
        tmp_path, SCENE.replace("        goto: end", "        if: energy >= 3 and enrgy < 9\n        goto: end")
    )
    assert out == ["scenes/a.yaml:8:29: in `energy >= 3 and enrgy < 9`: unknown name 'enrgy'; did you mean 'energy'?"]


@pytest.mark.parametrize(
    "expr, message",
    [
        ("9**9**9", "'**' is not allowed: only + and - do arithmetic"),
        ("__import__('os').system('x')", 'the only function is visited("scene_id")'),
        ("energy.real > 1", "attributes (a.b) are not allowed"),
        ("energy * 2 > 1", "'*' is not allowed: only + and - do arithmetic"),
        ("visited('zzz') > 0", "visited() names unknown scene 'zzz'"),
        ("'hello' == 'x'", "text 'hello' is only allowed as a time like \"10:30\""),
        ("energy >", "cannot read the condition: invalid syntax"),
        ("done < 3", "'<' compares numbers or times, not true/false"),
    ],
)
def test_forbidden_expressions_are_located_load_errors(tmp_path, expr, message):
    out = problems(tmp_path, SCENE.replace("        goto: end", f'        if: "{expr}"\n        goto: end'))
    assert len(out) == 1 and out[0].startswith("scenes/a.yaml:8:") and out[0].endswith(message), out


def test_long_expression_is_capped(tmp_path):
    expr = " or ".join(["energy > 1"] * 60)
    out = problems(tmp_path, SCENE.replace("        goto: end", f"        if: {expr}\n        goto: end"))
    assert len(out) == 1 and "the limit is 400" in out[0]


def test_unknown_word_in_text(tmp_path):
    out = problems(tmp_path, SCENE.replace("text: Hello.", "text: Hello {laed}."))
    assert out == ["scenes/a.yaml:4:17: {laed} is not a declared word; did you mean 'lead'?"]


def test_unclosed_brace_in_text(tmp_path):
    out = problems(tmp_path, SCENE.replace("text: Hello.", "text: Hello {lead"))
    assert out == ["scenes/a.yaml:4:17: '{' opens an insertion that is never closed; write '{{' for a literal brace"]


def test_unknown_stat_in_effects_and_unknown_flag_in_set(tmp_path):
    out = problems(
        tmp_path,
        SCENE.replace(
            "        goto: end", "        effects: {enrgy: 1}\n        set: {don: true, lead: 3}\n        goto: end"
        ),
    )
    assert (
        "scenes/a.yaml:8:19: unknown stat 'enrgy'; did you mean 'energy'? (or declare it under stats: in story.yaml)"
        in out
    )
    assert (
        "scenes/a.yaml:9:15: unknown flag or word 'don'; did you mean 'done'? (or declare it under flags: in story.yaml)"
        in out
    )
    assert "scenes/a.yaml:9:32: word 'lead' takes text; put 3 in quotes" in out


def test_flag_set_to_text_is_refused(tmp_path):
    out = problems(tmp_path, SCENE.replace("        goto: end", "        set: {done: yes}\n        goto: end"))
    assert out == ["scenes/a.yaml:8:21: flag 'done' takes true or false, not 'yes'"]


def test_scene_ids_duplicated_across_files(tmp_path):
    out = problems(tmp_path, extra={"b.yaml": SCENE})
    assert out == ["scenes/b.yaml:2:3: scene 'a' is already defined at " + out[0].split("defined at ")[1]]
    assert out[0].endswith("scenes/a.yaml:2:3")


def test_duplicate_choice_ids_in_a_scene(tmp_path):
    out = problems(tmp_path, SCENE + "      - id: go\n        text: Again\n        goto: end\n")
    assert out == ["scenes/a.yaml:9:13: choice id 'go' is used twice in scene 'a' (first at choice 1)"]


def test_unknown_start_scene(tmp_path):
    out = problems(tmp_path, manifest=MANIFEST.replace("start: a", "start: b"))
    assert out == ["story.yaml:2:8: unknown start scene 'b'"]


def test_endings_must_close_with_one_without_if(tmp_path):
    out = problems(tmp_path, manifest=MANIFEST.replace("    title: The end", "    if: done\n    title: The end"))
    assert out == ["story.yaml:11:5: the last ending must have no `if`, so every day can end"]


def test_invalid_and_out_of_day_times(tmp_path):
    out = problems(
        tmp_path,
        SCENE.replace("    title: A\n", '    title: A\n    at: "25:00"\n')
        + '  b:\n    title: B\n    at: "07:00"\n    text: b\n    choices: [{id: x, text: x, goto: back}]\n',
    )
    assert (
        "scenes/a.yaml:4:9: scene 'a', `at`: '25:00' is not a time; write it as \"HH:MM\" in quotes, like \"09:30\""
        in out
    )
    assert "scenes/a.yaml:12:9: appointment at 07:00 is outside the day (09:00–17:00)" in out


def test_clock_that_ends_before_it_starts(tmp_path):
    out = problems(tmp_path, manifest=MANIFEST.replace('end: "17:00"', 'end: "08:00"'))
    assert out == ["story.yaml:3:8: the day ends (08:00) before it starts (09:00)"]


def test_back_where_nothing_can_be_held(tmp_path):
    out = problems(tmp_path, SCENE.replace("goto: end", "goto: back"))
    assert out == [
        "scenes/a.yaml:6:9: choice 'go' goes `back`, but no appointment or interruption leads to scene 'a', "
        "so there is nothing to go back to"
    ]


def test_back_is_fine_in_a_chain_after_an_interruption(tmp_path):
    chain = (
        SCENE
        + textwrap.dedent("""\
      ping:
        title: Ping
        text: p
        interrupt: {chance: 0.5}
        choices: [{id: x, text: x, goto: after}]
      after:
        title: After
        text: t
        choices: [{id: y, text: y, goto: back}]
    """)
        .replace("\n", "\n  ")
        .rstrip()
        + "\n"
    )
    chain = SCENE + "  " + chain[len(SCENE) :]
    assert problems(tmp_path, chain) == []


def test_all_problems_are_reported_together(tmp_path):
    bad = SCENE.replace("goto: end", "goto: nowhere").replace("text: Hello.", "text: Hi {who}")
    out = problems(
        tmp_path,
        bad,
        extra={"b.yaml": "scenes:\n  b: {title: B, text: b, choices: [{id: x, text: x, goto: nowhere2}]}\n"},
    )
    assert len(out) == 3


def test_missing_story_folder_and_manifest(tmp_path):
    with pytest.raises(StoryError, match="no story folder"):
        load_story(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoryError, match="no story.yaml"):
        load_story(tmp_path / "empty")


def test_bom_and_crlf_are_read(tmp_path):
    root = tmp_path / "s"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_bytes(b"\xef\xbb\xbf" + MANIFEST.replace("\n", "\r\n").encode())
    (root / "scenes" / "a.yaml").write_bytes(SCENE.replace("\n", "\r\n").encode())
    assert load_story(root).scenes["a"].title.render({}) == "A"


def test_non_utf8_file_is_located(tmp_path):
    root = tmp_path / "s"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(MANIFEST)
    (root / "scenes" / "a.yaml").write_bytes(SCENE.encode().replace(b"Hello.", b"H\xe9llo."))
    with pytest.raises(StoryError) as exc:
        load_story(root)
    assert str(exc.value.problems[0]).endswith(
        "scenes/a.yaml:4:12: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"
    )


def test_nothing_in_a_story_is_executed(tmp_path, monkeypatch):
    import builtins

    calls = []
    monkeypatch.setattr(builtins, "eval", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(builtins, "exec", lambda *a, **k: calls.append(a))
    marker = tmp_path / "pwned"
    payloads = [
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"\"__import__('os').system('touch {marker}')\"",
    ]
    for payload in payloads:
        problems(
            tmp_path / payload[:5].strip('!"_'),
            SCENE.replace("        goto: end", f"        if: {payload}\n        goto: end"),
        )
    problems(tmp_path / "t", SCENE.replace("title: A", f"title: !!python/object/apply:os.system ['touch {marker}']"))
    assert not marker.exists()
    assert calls == []


@pytest.mark.parametrize(
    "written, col",
    [
        ('"\\e[2Jgone"', 12),
        ('"line\\Nnext"', 16),
        ('"\\x9b31m"', 12),
        ('"\\u001b[31m"', 12),
        ('"tab\\tand\\x7f"', 20),
        ('"back\\rover"', 16),
    ],
    ids=["esc", "nel", "csi", "u-escape", "del", "cr"],
)
def test_control_characters_made_by_escapes_are_refused_at_their_escape(tmp_path, written, col):
    """Only double quotes turn an escape into a control character; it is placed at the escape that wrote it."""
    out = problems(tmp_path, SCENE.replace("Hello.", written))
    assert any(p.startswith(f"scenes/a.yaml:4:{col}: control character U+") for p in out), out


@pytest.mark.parametrize(
    "written",
    ["plain\u0085more", "'single \u0085 quoted'", "|\n      block \u0085 text", "plain \u009b31m", "plain \x1b[31m"],
)
def test_control_characters_written_raw_never_reach_a_value(tmp_path, written):
    """Written into the file itself, the parser refuses them or reads NEL as a line break: never in the text."""
    out = problems(tmp_path, SCENE.replace("Hello.", written))
    if out:
        assert all(p.startswith("scenes/a.yaml:") for p in out), out
    else:
        story = load_story(tmp_path / "s")
        text = "".join(p for p in story.scenes["a"].text.parts if isinstance(p, str))
        assert not any("\x00" <= ch < " " and ch != "\n" or "\x7f" <= ch <= "\x9f" for ch in text), repr(text)


def test_a_flood_of_problems_in_one_file_is_cut_short_with_a_count(tmp_path):
    """An anchor and 300 aliases (each alias also leaves a choice without text): 601 problems in one file.
    The first 100 in file order are listed, then one line counts the rest; other files are untouched."""
    flood = (
        SCENE
        + "  b:\n    title: &t B\n    text: x\n    choices:\n"
        + "".join(f"      - {{id: c{i}, text: *t, goto: end}}\n" for i in range(300))
    )
    out = problems(tmp_path, flood, extra={"z.yaml": "scenes:\n  z:\n    title: Z\n    text: z\n    choices: []\n"})
    in_a = [p for p in out if p.startswith("scenes/a.yaml:")]
    assert len(in_a) == 101
    assert in_a[0] == "scenes/a.yaml:10:12: anchors (&t) are not allowed in story files; write the value out"
    assert in_a[-1].endswith(
        ": ... and 501 more problems in this file after the first 100, not listed; fix these and check again"
    )
    assert [p for p in out if p.startswith("scenes/z.yaml:")] != []  # the next file still has its say


ENDING_VARIANTS = MANIFEST.replace(
    """    title: The end
    text: Over.
""",
    """    title: The end
    text: Over.
    variants:
      - if: done
        text: And it is done, {lead}.
      - if: energy >= 99
        text: Never shown.
""",
)


def test_an_ending_shows_the_variants_that_hold_when_the_day_ends(tmp_path):
    from game.engine import Game

    scenes = (
        SCENE.replace("        goto: end", "        set: {done: true}\n        goto: end")
        + "      - id: skip\n        text: Skip\n        goto: end\n"
    )
    assert problems(tmp_path, scenes, ENDING_VARIANTS) == []
    story = load_story(tmp_path / "s")
    done = Game(story, seed="s")
    done.choose("go")
    assert done.ended and done.paragraphs == ["Over.", "And it is done, Sam."]
    assert done.report().ending_text == "Over.\n\nAnd it is done, Sam."
    assert "And it is done, Sam." in done.report().markdown()
    skipped = Game(story, seed="s")
    skipped.choose("skip")
    assert skipped.paragraphs == ["Over."] and skipped.report().ending_text == "Over."


def test_an_ending_variants_mistakes_are_placed_in_story_yaml(tmp_path):
    out = problems(tmp_path / "a", manifest=ENDING_VARIANTS.replace("if: done", "if: dnoe"))
    assert [p.split(" (")[0] for p in out] == ["story.yaml:14:13: in `dnoe`: unknown name 'dnoe'; did you mean 'done'?"]
    out = problems(
        tmp_path / "b", manifest=ENDING_VARIANTS.replace("        text: Never shown.\n", "        when: x\n")
    )
    assert out == [
        "story.yaml:16:9: ending 'last', `variants.1` needs `text`",
        "story.yaml:17:9: unknown key 'when' in ending 'last', `variants.1` (allowed: if, text)",
    ]


# -- one file at a time (#19: `check`'s memory) --------------------------------------------------


def _story_of(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "s"
    (root / "scenes").mkdir(parents=True)
    (root / "story.yaml").write_text(textwrap.dedent(MANIFEST))
    for name, text in files.items():
        (root / "scenes" / name).write_text(text)
    return root


def test_each_scene_file_is_validated_and_let_go_before_the_next_is_read(tmp_path, monkeypatch):
    from game.engine import loader, storyfiles

    trees: list[loader.Tree] = []

    class Kept(loader.Tree):
        def __init__(self, path: str, raw: bytes, data: object):
            super().__init__(path, raw, data)
            trees.append(self)

    released_before_each_read: list[list[bool]] = []
    real_load = storyfiles.load_document

    def load_document(path, raw, **kwargs):
        released_before_each_read.append([tree._data is None for tree in trees])
        return real_load(path, raw, **kwargs)

    monkeypatch.setattr(loader, "Tree", Kept)
    monkeypatch.setattr(storyfiles, "load_document", load_document)
    b = SCENE.replace("  a:", "  b:").replace("goto: end", "goto: a")
    c = SCENE.replace("  a:", "  c:").replace("goto: end", "goto: b")
    story = load_story(_story_of(tmp_path, {"a.yaml": SCENE, "b.yaml": b, "c.yaml": c}))
    # story.yaml, then a, b and c: when each is read, every scene file before it is validated and its data gone
    assert released_before_each_read == [[], [], [True], [True, True]]
    assert list(story.scenes) == ["a", "b", "c"]  # and the places of a released file are found again
    assert [str(s.where).split("/s/", 1)[1] for s in story.scenes.values()] == [
        "scenes/a.yaml:2:3",
        "scenes/b.yaml:2:3",
        "scenes/c.yaml:2:3",
    ]


def test_a_cap_reached_after_files_with_mistakes_reports_reading_alone(tmp_path, monkeypatch):
    """The files before the cut-off were validated as they were read; what that found is not reported, as
    nothing else is checked (every goto into an unread file would be an error): only the cap, and what
    reading found, as when nothing was validated before the whole story was read."""
    from game.engine import storyfiles

    monkeypatch.setattr(storyfiles, "MAX_TOTAL_BYTES", 1_000)
    filler = "# " + "x" * 60 + "\n"
    root = _story_of(
        tmp_path,
        {
            "a.yaml": SCENE.replace("title: A", "title: 5").replace("goto: end", "goto: nowhere"),
            "b.yaml": "scenes:\n  b: [\n",
            "c.yaml": SCENE.replace("  a:", "  c:") + filler * 20,
        },
    )
    with pytest.raises(StoryError) as exc:
        load_story(root)
    shown = [str(p).split("/s/", 1)[1] for p in exc.value.problems]
    assert len(shown) == 2
    assert shown[0].startswith("scenes/b.yaml:3:1: YAML syntax: ")
    assert shown[1].startswith("scenes/c.yaml:1:1: the story is larger than 0 MB in all (reached at this file)")
