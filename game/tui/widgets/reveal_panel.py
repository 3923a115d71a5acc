"""Writers' side panel (--reveal): the hidden stats, flags that are set, and where the scene is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from game.tui.storytext import literal
from game.tui.widgets.charts import stat_bars

if TYPE_CHECKING:
    from game.engine import Game


class RevealPanel(Static):
    """Live view of the day's state, refreshed after every choice."""

    DEFAULT_CSS = """
    RevealPanel {
        width: 28;
        height: 1fr;
        dock: right;
        padding: 0 1;
        background: $panel;
        overflow-y: auto;
    }
    """

    def show_game(self, game: Game) -> None:
        from game.engine.report import StatLine

        st = game.state
        stats = [StatLine(s.name, s.label, st.stats[s.name], s.min, s.max) for s in game.story.stats.values()]
        flags = [f for f, on in st.flags.items() if on]
        scene = game.scene
        where = f"{scene.where.path}:{scene.where.line}" if scene is not None else ""
        parts = [
            Content.styled("Hidden stats", "bold $accent"),
            stat_bars(stats, width=26),
            Content(""),
            Content.styled("Flags set", "bold $accent"),
            literal(", ".join(flags) if flags else "none"),
            Content(""),
            Content.styled("Scene", "bold $accent"),
            literal(game.scene_id),
            literal(where).stylize("$foreground-muted"),
        ]
        if st.held:
            parts += [Content.assemble(("held: ", "$foreground-muted"), literal(st.held))]
        self.update(Content("\n").join(parts))
