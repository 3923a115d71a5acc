"""Warnings about a story that loads but may not play as its writer meant."""

from __future__ import annotations

from game.engine import Problem, Story


def lint(story: Story) -> list[Problem]:
    return []
