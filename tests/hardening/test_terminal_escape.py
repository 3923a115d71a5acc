"""The audit's terminal payloads (#14 item 4) go through every command; no raw control reaches the terminal."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.engine import Problem, load_story
from game.engine.safetext import SafeStream, terminal_safe

ROOT = Path(__file__).parent.parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
ROOM = ROOT / "tests" / "workshop" / "fixtures" / "room"

TITLE = "\x1b]0;PWNED\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen
OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # writes the clipboard
CSI8 = "\x9b2J"  # the 8-bit CSI some terminals obey
RLO = "\u202e"  # right-to-left override ("Trojan Source")
ISOLATE = "\u2066x\u2069"
PAYLOADS = [TITLE, CLEAR, OSC52, CSI8, RLO, ISOLATE]
# What may never reach a terminal: C0 but tab/newline, DEL, C1, bidi controls, line separators,
# and undecodable bytes (read back as surrogates).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def run(*args: str) -> tuple[int, str]:
    """`dayjob ARGS` in a subprocess; its exit code and stdout + stderr as the terminal would get them."""
    out = subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, timeout=120, cwd=ROOT)
    text = (out.stdout + out.stderr).decode("utf-8", errors="surrogateescape")
    return out.returncode, text


def assert_harmless(text: str) -> None:
    assert "Traceback" not in text, text
    bad = RAW.search(text)
    assert bad is None, f"raw U+{ord(bad.group()):04X} reached the terminal in {text!r}"


@given(st.text())
def test_terminal_safe_leaves_nothing_that_steers_a_terminal(text):
    shown = terminal_safe(text)
    assert RAW.search(shown) is None
    assert shown.count("\n") == text.count("\n")
    assert "\n" not in terminal_safe(text, one_line=True)
    assert terminal_safe(shown) == shown  # escaping twice changes nothing


def test_text_let_through_unchanged_holds_nothing_the_escape_would_change():
    """`terminal_safe` returns text that `str.isprintable` passes as it is: every character its pattern escapes
    (and the line break, for one line) must be one that `isprintable` refuses, over all of Unicode."""
    from game.engine.safetext import _unsafe

    everything = "".join(map(chr, range(0x110000)))
    for one_line in (False, True):
        escaped = _unsafe(one_line).findall(everything)
        assert escaped and not any(ch.isprintable() for ch in escaped)


def test_terminal_safe_shows_each_payload_visibly():
    assert terminal_safe(f"a{TITLE}b") == "a\\x1b]0;PWNED\\x07b"
    assert terminal_safe(CSI8) == "\\x9b2J"
    assert terminal_safe(f"{RLO}gnp.exe") == "\\u202egnp.exe"
    assert terminal_safe("tab\tnew\nline", one_line=True) == "tab\tnew\\x0aline"
    assert terminal_safe("漢字 🧑‍💻 [b]x[/b] \\e") == "漢字 🧑‍💻 [b]x[/b] \\e"


def test_a_problem_is_one_escaped_line():
    p = Problem(f"scenes/a{CLEAR}\n.yaml", 3, 4, f"in `{TITLE} energy`: unknown")
    assert str(p) == "scenes/a\\x1b[2J\\x0a.yaml:3:4: in `\\x1b]0;PWNED\\x07 energy`: unknown"


def test_safe_stream_escapes_writes_and_passes_the_rest(tmp_path):
    with open(tmp_path / "out", "w", encoding="utf-8") as raw:
        stream = SafeStream(raw)
        print(f"x{OSC52}y", file=stream)
        stream.flush()
        assert stream.fileno() == raw.fileno()
    assert (tmp_path / "out").read_text() == "x\\x1b]52;c;cHduZWQ=\\x07y\n"


@pytest.fixture
def broken_story(tmp_path) -> Path:
    """A story whose problems quote every payload: a condition, a `{…}` in text, file names, an ending."""
    root = tmp_path / "broken"
    shutil.copytree(MINI, root)
    (root / "scenes" / f"x{CLEAR}{RLO}.yaml").write_text(
        "scenes:\n"
        "  odd:\n"
        "    title: Odd\n"
        '    text: "before {\\e]0;T\\a} after \\e]52;c;cHduZWQ=\\a"\n'
        "    choices:\n"
        '      - {id: go, text: Go, minutes: 5, goto: desk, if: "\\e]0;PWNED\\a energy"}\n',
        encoding="utf-8",
    )
    (root / "scenes" / os.fsdecode(b"bad\xff\x9b.yaml")).write_text("scenes: {odd: 1}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["check", "--format", "json"],
        ["playtest", "-n", "2", "--jobs", "1"],
        ["route", "desk"],
        ["graph"],
        ["play", "--plain", "--choices", "coffee"],
    ],
    ids=lambda c: "-".join(c[:2]),
)
def test_problems_quoting_payloads_reach_the_terminal_escaped(broken_story, command):
    code, text = run(*command, "--story", str(broken_story))
    assert code != 0
    assert_harmless(text)
    if command[-1] != "json":  # JSON escapes the payloads its own way (\u001b)
        assert "\\x1b]0;PWNED\\x07" in text and "\\x1b[2J\\u202e.yaml" in text


@pytest.fixture
def playable_story(tmp_path) -> Path:
    """A story that loads: bidi controls in text, a file named with escapes, a never-used stat."""
    root = tmp_path / "playable"
    shutil.copytree(MINI, root)
    morning = root / "scenes" / "morning.yaml"
    morning.write_text(
        morning.read_text(encoding="utf-8").replace("The alarm.", f"The alarm{RLO}.{ISOLATE}"), encoding="utf-8"
    )
    morning.rename(root / "scenes" / f"morning{CLEAR}.yaml")
    manifest = root / "story.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("flags: [", "flags: [never_used, "), encoding="utf-8"
    )
    return root


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["playtest", "-n", "3", "--jobs", "1"],
        ["route", "standup"],
        ["graph"],
        ["graph", "--format", "dot"],
        ["play", "--plain", "--choices", "coffee"],
    ],
    ids=lambda c: "-".join(c[:3]),
)
def test_a_story_that_plays_reaches_the_terminal_escaped(playable_story, command):
    code, text = run(*command, "--story", str(playable_story))
    assert_harmless(text)
    if command[0] == "play":
        assert code == 0 and "The alarm\\u202e.\\u2066x\\u2069" in text
    if command[0] == "check":
        assert code == 0 and "never_used" in text


@pytest.mark.parametrize(
    "args",
    [
        ["route", TITLE],
        ["graph", "--around", CLEAR],
        ["check", f"/nonexistent{OSC52}"],
        ["playtest", f"/nonexistent{RLO}"],
        ["check", "--format", CLEAR],  # argparse's own error
        ["play", "--plain", "--choices", f"coffee,{TITLE}"],
        ["play", "--plain", "--set", f"energy={CSI8}"],
        ["--set", f"{TITLE}"],  # the TUI's option error, before Textual starts
        ["play", "--plain", "--story", f"/nonexistent{TITLE}"],
    ],
    ids=lambda a: "-".join(x.encode("unicode_escape").decode() for x in a[:2]),
)
def test_command_line_errors_echo_arguments_escaped(args):
    code, text = run(*args)
    assert code != 0
    assert_harmless(text)


@pytest.fixture
def hostile_results(tmp_path) -> Path:
    """A workshop's results folder whose every field a debrief shows holds a payload, and a file named with one."""
    story = load_story(ROOM)
    folder = tmp_path / "results"
    folder.mkdir()
    data = {
        "result_version": 1,
        "story_title": story.title,
        "story_hash": story.hash,
        "seed": f"S{CLEAR}",
        "short": False,
        "ending": {"id": f"helper{OSC52}", "title": f"The helper{RLO}"},
        "stats": {"morale": 4, "energy": 2},
        "minutes": {"focus": 90, "data": 60},
        "choices": [f"coffee{CSI8}", f"data{TITLE}"],
        "scenes": ["arrive", f"desk{ISOLATE}"],
        "finished_at": "2025-05-01T10:00:00Z",
        "nickname": f"Sam{TITLE}{RLO}",
    }
    (folder / "a.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / "foreign.json").write_text(json.dumps(data | {"story_title": f"Room{TITLE}"}), encoding="utf-8")
    (folder / f"b{CLEAR}{RLO}.json").write_text("{", encoding="utf-8")  # damaged: listed by its name
    return folder


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "csv"])
def test_debrief_in_every_format_reaches_the_terminal_escaped(hostile_results, fmt):
    code, text = run("debrief", str(hostile_results), "--story", str(ROOM), "--format", fmt)
    assert code == 0, text
    assert_harmless(text)
    assert "\\x1b[2J\\u202e.json" in text  # the damaged file's name, shown
    assert "seed S\\x1b" in text or "S\\x1b[2J,false,helper" in text  # the seed
    if fmt == "csv":  # a row per day: the ending's id and the choices' ids as the file had them
        assert "helper\\x1b]52;c;cHduZWQ=\\x07,The helper" in text and "coffee\\x9b2J data\\x1b]0;PWNED" in text


def test_the_language_servers_stderr_is_escaped():
    """What `dayjob lsp` logs (to the editor's log, or a terminal) quotes what an editor sent, escaped."""

    def message(obj: dict) -> bytes:
        body = json.dumps(obj).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    evil = TITLE + RLO
    talk = b"".join(
        message(m)
        for m in [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "id": 2, "method": evil, "params": {}},  # an unknown method: logged with its name
            {"jsonrpc": "2.0", "method": f"{CLEAR}note", "params": {}},
            {"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "exit"},
        ]
    )
    out = subprocess.run([sys.executable, "-m", "game", "lsp"], input=talk, capture_output=True, timeout=120, cwd=ROOT)
    err = out.stderr.decode("utf-8", errors="surrogateescape")
    assert out.returncode == 0, err
    assert_harmless(err)
    assert "\\x1b]0;PWNED\\x07\\u202e" in err and "\\x1b[2Jnote" in err  # logged, and visibly
    assert b"Content-Length" in out.stdout  # the protocol itself is not escaped: its JSON escapes its own way


def test_a_crash_in_a_command_reaches_the_terminal_escaped(monkeypatch, capsys):
    """Never meant to happen; if a bug does raise, its traceback may quote a story and is escaped too."""
    from game.authoring import check
    from game.cli import main

    def crash(opts):
        raise ValueError(f"a story said {TITLE}{RLO}")

    monkeypatch.setattr(check, "run_check", crash)
    assert main(["check", str(MINI)]) == 1
    err = capsys.readouterr().err
    assert "ValueError: a story said \\x1b]0;PWNED\\x07\\u202e" in err
    assert RAW.search(err) is None
