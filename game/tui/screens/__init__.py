"""One Screen subclass per screen the player sees; `ScreenName` is what each calls itself (`Screen.name`)."""

from __future__ import annotations

from enum import StrEnum


class ScreenName(StrEnum):
    """The app's screens by name: the app reads `app.screen.name` to know which is on top."""

    TITLE = "title"
    SCENE = "scene"
    REPORT = "report"
    HELP = "help"
    PROBLEMS = "problems"
    GLOSSARY = "glossary"
