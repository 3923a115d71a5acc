"""Killing the game at any moment while it saves never loses the day: the save or its .bak is whole."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

from game.engine import Game, load_story
from game.engine.saves import SaveSlot

ROOT = Path(__file__).parent.parent.parent


def _write_forever(folder: Path, story, ready_fd: int) -> None:
    """The child: play days and save after every choice until killed."""
    slot = SaveSlot(folder)
    os.write(ready_fd, b"r")
    n = 0
    while True:
        game = Game(story, seed=str(n))
        while not game.ended:
            game.choose(game.available[0])
            slot.write(game.snapshot())  # the seed counts the days: progress is (seed, choices)
        n += 1


def test_sigkill_while_saving_always_leaves_a_readable_save(tmp_path):
    story = load_story(ROOT / "tests" / "fixtures" / "mini")
    rng = random.Random(7)
    last_n = -1
    for attempt in range(100):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(read_fd)
                _write_forever(tmp_path, story, write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        assert os.read(read_fd, 1) == b"r"
        os.close(read_fd)
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        slot = SaveSlot(tmp_path)
        if not slot.exists():
            continue  # killed before the first write finished: nothing to lose yet
        data, notice = slot.read()
        assert notice is None, f"attempt {attempt}: {notice}"
        assert data is not None
        game = Game.from_snapshot(story, data)  # and it resumes
        assert game.state.history
        last_n = max(last_n, int(data["seed"]) * 1000 + len(data["state"]["history"]))
        for p in tmp_path.iterdir():  # a temp file from the killed write may remain; it is never read
            if p.name.endswith(".tmp"):
                os.unlink(p)
    assert last_n > 0  # the writer really was saving when it was killed


def test_save_file_is_valid_json_after_every_write(tmp_path, mini_story):
    slot = SaveSlot(tmp_path)
    game = Game(mini_story, seed="x")
    while not game.ended:
        game.choose(game.available[0])
        slot.write(game.snapshot())
        assert json.loads(slot.path.read_text())["state"] == game.snapshot()["state"]
