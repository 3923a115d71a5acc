"""Fixtures for the workshop tests."""

from __future__ import annotations

import os
import signal

import pytest
from workshop_serving import Served


@pytest.fixture
def serve(tmp_path):
    """Start `dayjob serve ARGS` on a free loopback port; always stopped at the end."""
    started: list[Served] = []
    leftovers: list[int] = []

    def start(*args: str, ready: bool = True) -> Served:
        served = Served(list(args), tmp_path)
        started.append(served)
        if ready:
            served.wait_ready()
        return served

    yield start
    for served in started:
        leftovers += served.games()
        starter = served.starter()
        served.stop()
        if starter is not None:
            leftovers.append(starter)
    for pid in leftovers:  # never leave a game behind, whatever the test did
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
