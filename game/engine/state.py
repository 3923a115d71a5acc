"""A day's state as plain data: what the machine moves and what a save holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Arrival(StrEnum):
    """How the day came to its current scene (saved as the value)."""

    START = "start"
    CHOICE = "choice"
    APPOINTMENT = "appointment"
    INTERRUPTION = "interruption"
    BACK = "back"
    END = "end"


@dataclass
class DayState:
    """Everything about a day so far, as plain data (the machine sets `scene`)."""

    scene: str
    stats: dict[str, int]
    flags: dict[str, bool]
    words: dict[str, str]
    clock: int
    day_start: int
    day_end: int
    rng: int
    held: str | None = None
    arrival: Arrival = Arrival.START
    minutes: dict[str, int] = field(default_factory=dict)
    visits: dict[str, int] = field(default_factory=dict)
    taken: list[str] = field(default_factory=list)  # once-choices taken, "scene/choice"
    history: list[list] = field(default_factory=list)  # [scene, choice, clock before, arrival]
    ending: str | None = None
    outcome: str | None = None  # what the last choice did, shown before the scene it led to
    skipped: list[str] = field(default_factory=list)  # conditional appointments whose `if` was false when due

    def to_dict(self, history: bool = True) -> dict:
        """JSON-ready data; `history=False` keeps only the history's length (see Game._undo_point)."""
        return {
            "scene": self.scene,
            "stats": dict(self.stats),
            "flags": dict(self.flags),
            "words": dict(self.words),
            "clock": self.clock,
            "day_start": self.day_start,
            "day_end": self.day_end,
            "rng": self.rng,
            "held": self.held,
            "arrival": self.arrival.value,
            "minutes": dict(self.minutes),
            "visits": dict(self.visits),
            "taken": list(self.taken),
            "history": [list(h) for h in self.history] if history else len(self.history),
            "ending": self.ending,
            "outcome": self.outcome,
            "skipped": list(self.skipped),
        }

    def copy(self, *, history: bool = True) -> DayState:
        """A state sharing nothing mutable with this one; `history=False` starts the copy's history empty."""
        return DayState(
            scene=self.scene,
            stats=dict(self.stats),
            flags=dict(self.flags),
            words=dict(self.words),
            clock=self.clock,
            day_start=self.day_start,
            day_end=self.day_end,
            rng=self.rng,
            held=self.held,
            arrival=self.arrival,
            minutes=dict(self.minutes),
            visits=dict(self.visits),
            taken=list(self.taken),
            history=[list(h) for h in self.history] if history else [],
            ending=self.ending,
            outcome=self.outcome,
            skipped=list(self.skipped),
        )
