"""Messages the app's parts send each other (the loading worker, screens, the app)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from game.engine import Story, StoryError
    from game.tui.session import Session


class StoryLoaded(Message):
    """The story was read: a new session (first load), or a story read again for the session in play."""

    def __init__(self, session: Session, story: Story | None = None) -> None:
        self.session = session
        self.story = story  # set for a reload: the app adopts it on its own thread
        super().__init__()


class StoryFailed(Message):
    """The story could not be read: its problems, each with a place."""

    def __init__(self, error: StoryError) -> None:
        self.error = error
        super().__init__()
