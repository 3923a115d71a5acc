"""The key bar at the foot of the day's screens, rebuilt only when the keys it shows have changed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class QuietFooter(Footer):
    """Textual's Footer, except that it keeps its keys when the screen's bindings come back the same.

    Textual rebuilds the footer's keys on every change of focus or of the screen stack (about 13 ms
    of CPU and a layout each): four times when the report opens, twice of them for the scene's
    footer, on its way out, and twice for the same keys.
    """

    _shown: tuple[object, ...] | None = None  # what the keys were built from, once there were keys

    def __init__(self, *, at_once: bool = False) -> None:
        super().__init__()
        if at_once:
            # Textual leaves a footer empty until the first change of bindings after it mounts, then
            # builds its keys after the screen's first frame, with a layout of their own; a screen whose
            # keys are all enabled from the start (the report's) can have them built with it
            self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        self._shown = self._keys_from() if keys else None
        for key in keys:
            if isinstance(key, FooterKey) and "compact" in (key._reactive_connect or {}):
                # as the footer's `compact` will make the keys bound to it when they mount: the key's own default
                # is the other, and changing it then restyled each key (~0.5 ms a key)
                key.set_reactive(FooterKey.compact, self.compact)
                key.set_class(self.compact, "-compact", update=False)
            elif isinstance(key, FooterKey):  # the command palette's key, not bound: its first watch of its own
                key.set_reactive(FooterKey.compact, True)  # default, True, restyled it alone as it mounted
                key.set_class(True, "-compact", update=False)
        yield from keys

    async def recompose(self) -> None:
        if not self.is_attached:  # gone with its screen: nothing to build (as Textual's own check)
            return
        if self._shown is not None:
            if not self.screen.is_current:  # replaced or covered: the screen asks again when it shows
                return
            if self._shown == self._keys_from():
                return
        await super().recompose()

    def _keys_from(self) -> tuple[object, ...]:
        """Everything the keys are built from: the shown bindings (and the palette's), the footer's settings."""
        palette = self.app.COMMAND_PALETTE_BINDING
        shown = tuple(
            (key, binding, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )
        return (self.compact, self.show_command_palette, self.combine_groups, shown)
