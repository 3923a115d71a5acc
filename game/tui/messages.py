"""Messages the app's parts send each other (the loading worker, screens, the app)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from game.engine import StoryError
    from game.tui.session import Session


class StoryLoaded(Message):
    """The story was read (first load, or a reload that worked)."""

    def __init__(self, session: Session, notices: list[str], reloaded: bool = False) -> None:
        self.session = session
        self.notices = notices
        self.reloaded = reloaded
        super().__init__()


class StoryFailed(Message):
    """The story could not be read: its problems, each with a place."""

    def __init__(self, error: StoryError, reloaded: bool = False) -> None:
        self.error = error
        self.reloaded = reloaded
        super().__init__()
