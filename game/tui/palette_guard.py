"""The one place that patches Textual: races in its option lists and command palette that keys can reach,
and a second layout pass after every change of size.

Textual 8.2.8 (a bare Textual app does the same) ends the app on each of these, found by key storms
with Ctrl+P (a served game runs with --no-save: the day is lost):

- `OptionList._move_page` reads the highlighted option's line from a cache filled at layout; PageUp
  within a frame of the list getting options (Ctrl+P then PageUp, about 50 ms) raises KeyError.
  Until the list has lines there is no page to move by, so the move is skipped.
- `CommandPalette.dismiss` pops whatever screen is on top: a second Enter already queued to a palette
  that has closed pops the game's own screen, or raises ScreenStackError on the last one. Only the
  palette on top may close itself.
- Once closed, a screen's queued messages (the palette's watchers, key bindings and command-gathering
  worker too) still run and query its removed children (NoMatches). Those errors are dropped, and only
  for a screen no longer on the screen stack: on an open one they still surface.
- Under load the palette's gathering worker can start before its nested command list has mounted
  (NoMatches on an open palette, seen in CI): it gathers again after the next frame instead.
- Keys still queued when the app closes (the palette's Quit) find no screen (ScreenStackError); they
  are dropped.
- Two Ctrl+P within a frame push two palettes with one id (DuplicateIds): Textual's "is one open"
  looks at a class the palette gets only once mounted, and a closing one still holds the id.

And one that costs a frame on nearly every choice (bench/bench_latency.py):

- `Widget._size_updated` hands each widget the virtual size the layout has just worked out, through a
  reactive that asks for another layout: a scene whose text is longer or shorter than the last one was
  laid out twice and drawn twice, a frame (~17 ms) apart, the second frame unchanged. The size is
  stored without asking (as Textual's own scrolling path does); a scroll bar that has to appear or go
  still asks for its layout, on its own reactive.

Beside these, our own subclasses lean on three private members, pinned by tests/tui/test_tui_frames.py:
`Widget._refresh_scrollbars` and `OptionList._on_resize` (widgets/choice_list.py), `Footer._bindings_ready`
(widgets/footer.py).

Applied only to the Textual versions tested (TESTED, matching pyproject.toml's pin);
tests/hardening/test_palette.py fails loudly when a wrapped member changes or the version leaves it.
"""

from __future__ import annotations

import weakref
from pathlib import Path

TESTED = ((8, 2), (9, 0))  # textual >= 8.2, < 9 (pyproject.toml)
WRAPPED = ("OptionList._move_page", "Screen.dismiss", "Screen._dispatch_message", "Widget._size_updated")
WRAPPED_WORKER = "CommandPalette._gather_commands"
_MARK = "_dayjob_guarded"


def textual_version() -> tuple[int, ...]:
    """The installed Textual's version as numbers (major, minor, patch)."""
    return tuple(int(part) for part in _installed_version().split(".")[:3] if part.isdigit())


def _installed_version() -> str:
    """Textual's version from its own dist-info beside it: importlib.metadata costs ~20 ms before the first frame."""
    import textual

    site = Path(textual.__file__).parent.parent
    try:
        for info in site.glob("textual-*.dist-info"):
            with open(info / "METADATA", encoding="utf-8") as meta:
                for line in meta:
                    if line.startswith("Version:"):
                        return line.partition(":")[2].strip()
                    if not line.strip():  # the headers end at the first blank line
                        break
    except OSError:
        pass
    from importlib.metadata import version  # another layout (a zip, an egg): ask the slow way

    return version("textual")


# long: the wrappers of every guarded Textual member, each beside the reason it is needed
def guard_textual() -> bool:
    """Install the wrappers described above, once; True when they are in place."""
    from textual import work
    from textual.app import App, ScreenStackError
    from textual.await_complete import AwaitComplete
    from textual.command import CommandList, CommandPalette
    from textual.css.query import NoMatches
    from textual.geometry import Size
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.widgets import OptionList

    low, high = TESTED
    if not low <= textual_version()[:2] < high:
        return False  # untested Textual: its own code runs, and the tests say the guard needs a look
    if getattr(OptionList._move_page, _MARK, False):
        return True

    def closed(screen: Screen) -> bool:
        return screen not in screen.app.screen_stack or not screen.is_attached

    move_page = OptionList._move_page

    def _move_page(self: OptionList, direction) -> None:
        try:
            move_page(self, direction)
        except (KeyError, IndexError):  # no lines yet (not laid out): nothing to page through
            pass

    dismiss = Screen.dismiss

    def dismiss_if_on_top(self: Screen, result=None) -> AwaitComplete:
        if self.app.screen is not self:  # already closed: popping would take another screen
            return AwaitComplete.nothing()
        return dismiss(self, result)

    dispatch = Screen._dispatch_message

    async def _dispatch_message(self: Screen, message) -> None:
        try:
            await dispatch(self, message)
        except (NoMatches, ScreenStackError):
            if not closed(self):
                raise

    gather = CommandPalette._gather_commands.__wrapped__  # type: ignore[attr-defined]  # the worker's body under Textual's @work

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self: CommandPalette, search_value: str) -> None:
        try:
            await gather(self, search_value)
        except NoMatches:
            if closed(self):
                return
            if not self.query(CommandList):  # its Mount ran before the nested list mounted: once it has
                self.call_after_refresh(self._gather_commands, search_value)
                return
            raise

    open_palette = App.action_command_palette

    last_palette: weakref.WeakKeyDictionary[App, CommandPalette] = weakref.WeakKeyDictionary()

    def action_command_palette(self: App) -> None:
        if any(isinstance(screen, CommandPalette) for screen in self.screen_stack):
            return  # pushed by the last Ctrl+P but not mounted yet: Textual's own check misses it
        last = last_palette.get(self)
        if last is not None and last.is_attached:
            return  # the last one is still closing: a second with its id would raise DuplicateIds
        open_palette(self)
        if self.screen_stack and isinstance(self.screen_stack[-1], CommandPalette):
            last_palette[self] = self.screen_stack[-1]

    def palette_check_action(self: CommandPalette, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not closed(self)  # its keys, still queued once it closed, query its removed children

    on_key = App._on_key

    async def _on_key(self: App, event) -> None:
        if self.screen_stack:  # empty while the app closes (Quit, with keys still queued): none to take it
            await on_key(self, event)

    size_updated = Widget._size_updated

    def _size_updated(self: Widget, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # the layout computed virtual_size: storing it must not ask for that layout again
        return size_updated(self, size, virtual_size, container_size, layout=False)

    for owner, name, wrapper, original in (
        (App, "_on_key", _on_key, on_key),
        (App, "action_command_palette", action_command_palette, open_palette),
        (CommandPalette, "check_action", palette_check_action, CommandPalette.check_action),
        (OptionList, "_move_page", _move_page, move_page),
        (Screen, "dismiss", dismiss_if_on_top, dismiss),
        (Screen, "_dispatch_message", _dispatch_message, dispatch),
        (CommandPalette, "_gather_commands", _gather_commands, CommandPalette._gather_commands),
        (Widget, "_size_updated", _size_updated, size_updated),
    ):
        setattr(wrapper, _MARK, True)
        wrapper.__wrapped__ = original  # type: ignore[attr-defined,union-attr]
        setattr(owner, name, wrapper)
    return True
