"""A corpus of hostile story files: each gives located errors or plays literally, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.engine import Game, StoryError, load_story

ROOT = Path(__file__).parent.parent.parent
MANIFEST = textwrap.dedent("""\
    title: Hostile
    start: a
    clock: {start: "09:00", end: "17:00"}
    categories: [focus]
    stats: {energy: {start: 5}}
    flags: [done]
    words: {lead: Sam}
    endings:
      - {id: last, title: The end, text: Over.}
""")
SCENE = (
    "scenes:\n  a:\n    title: A\n    text: Hello.\n    choices:\n      - {id: go, text: Go, minutes: 5, goto: end}\n"
)
LIMIT_MB = 1024


def write(root: Path, scene: bytes | str, manifest: bytes | str = MANIFEST, name: str = "a.yaml") -> Path:
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    for path, content in ((root / "story.yaml", manifest), (root / "scenes" / name, scene)):
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def check_in_subprocess(root: Path) -> subprocess.CompletedProcess:
    """`dayjob check` with capped memory, so a blow-up fails the test instead of the machine."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_MB} << 20, {LIMIT_MB} << 20))\n"
        "from game.cli import main\n"
        f"sys.exit(main(['check', {str(root)!r}, '--format', 'json']))\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)


def located_errors(root: Path) -> list[dict]:
    out = check_in_subprocess(root)
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 1, (out.returncode, out.stdout, out.stderr)
    errors = json.loads(out.stdout)["errors"]
    assert errors and all(e["line"] >= 1 and e["col"] >= 1 for e in errors)
    return errors


HOSTILE = {
    "alias_bomb": "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
    + SCENE,
    "deep_nesting_block": "scenes:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(5000)) + "  " * 5001 + "x\n",
    "deep_nesting_flow": "scenes: " + "[" * 5000 + "]" * 5000 + "\n",
    "python_tag": SCENE.replace("title: A", "title: !!python/object/apply:os.system ['echo pwned']"),
    "custom_tag": SCENE.replace("title: A", "title: !secret A"),
    "duplicate_keys": SCENE.replace("    text: Hello.\n", "    text: Hello.\n    text: Bye.\n"),
    "nan_chance": SCENE
    + "  b:\n    title: B\n    text: b\n    interrupt: {chance: .nan}\n    choices: [{id: x, text: x, goto: back}]\n",
    "wrong_types": SCENE.replace("minutes: 5", "minutes: 1.5").replace("title: A", "title: [1, 2]"),
    "expression_pow": SCENE.replace("goto: end}", "goto: end, if: 9**9**9 > 1}"),
    "expression_import": SCENE.replace("goto: end}", "goto: end, if: \"__import__('os').system('x')\"}"),
    "expression_chain": SCENE.replace("goto: end}", 'goto: end, if: "' + "+".join(["energy"] * 150) + ' > 1"}'),
    "expression_parens": SCENE.replace(
        "goto: end}", 'goto: end, if: "' + "(" * 60 + "energy" + " + 1)" * 60 + ' > 1"}'
    ),
    "multi_document": SCENE + "---\nscenes: {}\n",
    "control_chars": SCENE.replace("Hello.", "Hel\x07lo."),
    "escape_sequence": SCENE.replace("Hello.", '"\\e[2J\\e[31mred"'),
    "not_a_mapping": "- just\n- a list\n",
    "empty_scenes": "scenes:\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_scene_file_gives_located_errors(tmp_path, name):
    errors = located_errors(write(tmp_path, HOSTILE[name]))
    assert any(e["path"].endswith("a.yaml") for e in errors), errors


def test_twenty_megabyte_file_is_refused_before_parsing(tmp_path):
    big = SCENE + "# " + "x" * 100 + "\n"
    write(tmp_path, big * (20_000_000 // len(big)))
    errors = located_errors(tmp_path)
    assert "a story file may be at most" in errors[0]["message"]


def test_scene_ids_duplicated_across_files(tmp_path):
    write(tmp_path, SCENE)
    write(tmp_path, SCENE, name="b.yaml")
    errors = located_errors(tmp_path)
    assert any("is already defined at" in e["message"] for e in errors)


def test_non_utf8_bytes(tmp_path):
    errors = located_errors(write(tmp_path, SCENE.encode().replace(b"Hello", b"H\xc0llo")))
    assert errors[0]["line"] == 4 and "not UTF-8" in errors[0]["message"]


def test_bom_and_crlf_play(tmp_path):
    write(tmp_path, b"\xef\xbb\xbf" + SCENE.replace("\n", "\r\n").encode(), MANIFEST.replace("\n", "\r\n"))
    game = Game(load_story(tmp_path), seed="s")
    assert game.text == "Hello."


PAYLOADS = [
    "[/]",
    "[@click=app.quit]x[/]",
    "[link=https://example.com]y[/link]",
    "[bold red]z",
    "\\[escaped]",
    "$(rm -rf /)",
    "`whoami`",
    "<script>alert(1)</script>",
    "%s %d {{0}}",
]
WIDE = ["漢字かな交じり文のテキスト" * 20, "🧑‍💻🔥📉🎉" * 50, "שלום עולם مرحبا بالعالم", "x" * 3000]


def test_markup_and_action_payloads_in_every_text_field_play_literally(tmp_path):
    texts = PAYLOADS + WIDE
    scene = {
        "scenes": {
            "a": {
                "title": texts[0],
                "text": "\n".join(texts),
                "variants": [{"if": "energy >= 0", "text": t} for t in texts],
                "choices": [
                    {
                        "id": f"c{i}",
                        "text": t,
                        "minutes": 1,
                        "goto": "end",
                        **({"if": "energy > 99", "locked": t} if i % 2 else {}),
                    }
                    for i, t in enumerate(texts)
                ],
            }
        }
    }
    manifest = MANIFEST.replace(
        "title: The end, text: Over.", f"title: {json.dumps(texts[1])}, text: {json.dumps(texts[2])}"
    )
    write(tmp_path, json.dumps(scene, ensure_ascii=False), manifest)  # JSON is YAML, and escapes every byte safely
    game = Game(load_story(tmp_path), seed="s")
    assert game.title == texts[0]
    shown = [t.replace("{{", "{").replace("}}", "}") for t in texts]
    assert game.paragraphs == ["\n".join(shown), *shown]
    views = game.choices
    assert [v.text for v in views] == shown
    assert [v.locked for v in views if not v.available] == shown[1::2]
    game.choose("c0")
    assert game.ended and game.title == shown[1]
    assert game.report().ending_text == shown[2]


def test_brace_payloads_cannot_reach_python_formatting(tmp_path):
    write(tmp_path, SCENE.replace("Hello.", "'{lead.__class__} {0} {{lead}}'"))
    errors = located_errors(tmp_path)
    assert "{lead.__class__} is not a declared word" in errors[0]["message"]


def test_expression_dos_is_rejected_quickly_and_never_evaluated(tmp_path):
    for expr in ("9**9**9", "10**10**10 > 0", "(" * 300 + "1" + ")" * 300, "not " * 300 + "done"):
        root = tmp_path / str(abs(hash(expr)))
        write(root, SCENE.replace("goto: end}", f"goto: end, if: {json.dumps(expr)}}}"))
        with pytest.raises(StoryError) as exc:
            load_story(root)
        assert exc.value.problems[0].path.endswith("a.yaml")
