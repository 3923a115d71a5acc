"""One Screen subclass per screen the player sees; `ScreenName` is what each calls itself (`Screen.name`)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen


class ScreenName(StrEnum):
    """The app's screens by name: the app reads `app.screen.name` to know which is on top."""

    TITLE = "title"
    SCENE = "scene"
    REPORT = "report"
    HELP = "help"
    PROBLEMS = "problems"
    GLOSSARY = "glossary"


def fold_for_size(screen: Screen) -> None:
    """Give a screen the size classes (`-wide`, `-tall`...) Textual adds at its first Resize, after its first
    frame: set before it, that frame is drawn folded as it should be and the Resize restyles nothing."""
    app = screen.app
    size = app.size
    horizontal, vertical = app.HORIZONTAL_BREAKPOINTS or [], app.VERTICAL_BREAKPOINTS or []
    classes = {name: False for _, name in (*horizontal, *vertical)}
    for dimension, points in ((size.width, horizontal), (size.height, vertical)):
        # as Textual picks them (Screen._on_resize): the largest breakpoint the dimension reaches
        name = next((name for at, name in sorted(points, reverse=True) if dimension >= at), None)
        if name is not None:
            classes[name] = True
    screen.update_classes(classes, update=False)
