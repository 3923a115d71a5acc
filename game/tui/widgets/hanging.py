"""Text laid out in columns that wrap well: a hanging indent, a stack of such rows, text made for its width."""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.strip import Strip
from textual.visual import RenderOptions, RulesMap, Visual


class Hanging(Visual):
    """A marker in a gutter, text that wraps beside it, and an aside (the minutes) in a right column."""

    def __init__(self, marker: Content, body: Content, indent: int, aside: Content | None = None) -> None:
        self.marker = marker
        self.body = body
        self.indent = indent
        self.aside = aside
        self.aside_width = aside.cell_length + 2 if aside is not None else 0

    def __str__(self) -> str:
        aside = f"  {self.aside.plain}" if self.aside is not None else ""
        return f"{self.marker.plain}  {self.body.plain}{aside}"

    def _flat(self) -> Content:
        parts: list[str | Content] = [self.marker, "  ", self.body]
        if self.aside is not None:
            parts += ["  ", self.aside]
        return Content.assemble(*parts)

    def body_width(self, width: int) -> int:
        """The width the body wraps at, between the gutter and the aside."""
        return width - self.indent - self.aside_width

    def render_strips(self, width: int, height: int | None, style, options: RenderOptions) -> list[Strip]:
        body_width = self.body_width(width)
        if body_width < 8:  # too narrow for columns: wrap it all as one text
            return self._flat().render_strips(max(1, width), height, style, options)
        rich = style.rich_style
        body = self.body.render_strips(body_width, height, style, options)
        marker = self.marker.render_strips(self.indent, 1, style, options)
        aside = self.aside.render_strips(self.aside_width, 1, style, options) if self.aside is not None else []
        out = []
        for n, line in enumerate(body):
            left = marker[0] if n == 0 and marker else Strip.blank(self.indent, rich)
            parts = [
                left.adjust_cell_length(self.indent, rich),
                line.adjust_cell_length(body_width, rich),
            ]
            if self.aside_width:
                right = aside[0] if n == 0 and aside else Strip.blank(0, rich)
                pad = self.aside_width - right.cell_length
                parts += [Strip.blank(pad, rich), right]
            out.append(Strip.join(parts))
        return out

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.indent + self.aside_width + self.body.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        body_width = self.body_width(width)
        if body_width < 8:
            return self._flat().get_height(rules, max(1, width))
        return self.body.get_height(rules, body_width)


class Stack(Visual):
    """Visuals one under the other, with blank lines between them if asked."""

    def __init__(self, rows: list[Visual], gap: int = 0) -> None:
        self.rows = rows
        self.gap = gap

    def __str__(self) -> str:
        return "\n".join(str(r) for r in self.rows)

    def render_strips(self, width: int, height: int | None, style, options: RenderOptions) -> list[Strip]:
        out: list[Strip] = []
        blank = Strip.blank(width, style.rich_style)
        for n, row in enumerate(self.rows):
            if n and self.gap:
                out.extend([blank] * self.gap)
            out.extend(row.render_strips(width, None, style, options))
        return out

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((r.get_optimal_width(rules, container_width) for r in self.rows), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        rows = sum(r.get_height(rules, width) for r in self.rows)
        return rows + self.gap * max(0, len(self.rows) - 1)


class Fitted(Visual):
    """Content built for the width it is drawn at (charts whose bars fill the line).

    A widget that reads its own `content_size` in `render` makes Textual look the widget up in a
    layout it is still working out: on the report, laying the whole screen out again (30-70 ms).
    """

    def __init__(self, build: Callable[[int], Content]) -> None:
        self.build = build
        self._built: tuple[int, Content] | None = None

    def _at(self, width: int) -> Content:
        if self._built is None or self._built[0] != width:
            self._built = (width, self.build(width))
        return self._built[1]

    def __str__(self) -> str:
        return self._at(80).plain

    def render_strips(self, width: int, height: int | None, style, options: RenderOptions) -> list[Strip]:
        return self._at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._at(width).get_height(rules, width)
