"""`dayjob lsp` over stdio, spoken to byte by byte: what an editor that sends nonsense gets back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def message(obj: dict) -> bytes:
    return framed(json.dumps(obj).encode())


def replies(stream: bytes) -> list[dict]:
    """The server's messages, read by their Content-Length as an editor reads them."""
    out = []
    while stream:
        head, _, rest = stream.partition(b"\r\n\r\n")
        length = next(int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length"))
        out.append(json.loads(rest[:length]))
        stream = rest[length:]
    return out


def test_a_message_that_is_not_json_is_one_line_and_the_server_goes_on():
    talk = b"".join(
        [
            framed(b"{not json}"),
            framed(b"\xff\xfe{}"),  # not UTF-8 either
            message(
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}}
            ),
            message({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            message({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
            message({"jsonrpc": "2.0", "method": "exit"}),
        ]
    )
    out = subprocess.run([sys.executable, "-m", "game", "lsp"], input=talk, capture_output=True, timeout=120, cwd=ROOT)
    err = out.stderr.decode("utf-8", errors="replace")
    assert out.returncode == 0, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "is not JSON" in line]
    assert len(lines) == 2 and all(
        line.startswith("dayjob lsp: a message from the editor is not JSON (") for line in lines
    )
    answers = replies(out.stdout)
    assert any(a.get("id") == 1 and "capabilities" in a.get("result", {}) for a in answers)  # it went on
