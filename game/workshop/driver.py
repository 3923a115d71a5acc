"""The served game's side of `dayjob serve`: Textual's web driver, made safe for a room.

Runs inside each player's game process (TEXTUAL_DRIVER points here). On top of Textual's
WebDriver it:
- ends the game when the server goes away (its pipe closes), so no game outlives the server;
- keeps at most one report download waiting, so repeated `s` cannot pile up memory;
- tells the server, a few times a second at most, where the player is (clock, scene
  category, finished, ending) for the room screen;
- obeys the round: the time left and the two-minute notice, and at the end of the round a
  day still being played ends where it is, its result written and marked unfinished.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from textual.drivers.web_driver import WebDriver

STATUS_EVERY = 1.0  # seconds between looks at the day (only changes are sent)
EXIT_GRACE = 3.0  # seconds the app has to exit on its own once the server is gone


class WorkshopDriver(WebDriver):
    """Textual's web driver with the room's rules (see the module docstring)."""

    def __init__(self, app, *args: Any, **kwargs: Any) -> None:
        super().__init__(app, *args, **kwargs)
        self._last_status: dict[str, object] | None = None
        self.round_over = False

    # -- the server going away ------------------------------------------------------------

    def run_input_thread(self) -> None:
        super().run_input_thread()
        # stdin is closed: the server stopped or died. Quit politely, then for sure.
        if self.exit_event.is_set():
            return
        try:
            self._app.call_from_thread(self._app.exit, 0)
        except Exception:  # the app may already be shutting down; the timer below still ends us
            pass
        timer = threading.Timer(EXIT_GRACE, os._exit, args=(0,))
        timer.daemon = True
        timer.start()

    # -- downloads ---------------------------------------------------------------------------

    def deliver_binary(self, binary, **kwargs: Any) -> None:  # type: ignore[override]
        # only the newest report waits for the browser to fetch it; older ones are dropped
        for key, pending in list(self._deliveries.items()):
            pending.close()
            del self._deliveries[key]
        super().deliver_binary(binary, **kwargs)

    # -- the room ---------------------------------------------------------------------------

    def start_application_mode(self) -> None:
        super().start_application_mode()
        self._app.call_later(self._watch_day)

    def _watch_day(self) -> None:
        self._app.set_interval(STATUS_EVERY, self.send_status)

    def send_status(self) -> None:
        """Tell the server where this player is, when it changed."""
        status = day_status(self._app)
        if status != self._last_status:
            self._last_status = status
            self.write_meta({"type": "dayjob_status", **status})

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == "dayjob_notice":
            text = str(payload.get("text", ""))[:200]
            self._app.call_from_thread(self._app.notify, text, markup=False, timeout=10)
        elif packet_type == "dayjob_round_over":
            self.round_over = True
            self._app.call_from_thread(end_round, self._app, str(payload.get("by", "clock")))
            self._app.call_from_thread(self.send_status)
        else:
            super().on_meta(packet_type, payload)


def day_status(app) -> dict[str, object]:
    """Where the player is: on the title screen, in a scene (its clock and category), or at the end."""
    session = getattr(app, "session", None)
    game = getattr(session, "game", None)
    if game is None:
        return {"state": "title", "attempt": getattr(session, "attempts", 0)}
    out: dict[str, object] = {
        "state": "ended" if game.ended else "playing",
        "clock": game.clock_text,
        "attempt": getattr(session, "attempts", 1),
    }
    if game.ended and game.ending is not None:
        out["ending"] = game.ending.id
        out["ending_title"] = game.report().ending_title
    elif not game.ended:
        scene = game.scene
        if scene is not None:
            out["category"] = scene.category
            out["category_label"] = game.story.category_labels.get(scene.category, scene.category)
    if getattr(session, "unfinished", False):
        out["state"] = "unfinished"
    return out


ROUND_OVER = {  # what a player whose day the round stopped is told, by what ended the round
    "clock": "Time is up: your day stops here. Stay on your report: we will compare.",
    "facilitator": "The facilitator has ended the round: your day stops here. Stay on your report: we will compare.",
}


NO_DAY_PLAYED = "The round is over before your day began: watch the shared screen, we will talk it through."


def end_round(app, by: str = "clock") -> None:
    """The round is over: a day still being played stops where it is, is recorded as unfinished, shows its report."""
    session = getattr(app, "session", None)
    game = getattr(session, "game", None)
    if game is None:  # still on the title screen: no day, no report to stay on (and no new day now)
        app.notify(NO_DAY_PLAYED, markup=False, timeout=30)
        return
    if session is None or game.ended:
        return
    from game.workshop.results import write_result

    opts = session.options
    session.unfinished = True
    if opts.results is not None:
        try:
            write_result(
                game,
                opts.results,
                nickname=opts.nickname,
                player=opts.player,
                attempt=session.attempts or 1,
                unfinished=True,
            )
        except OSError as exc:
            app.notify(f"Could not write the result ({exc.strerror or exc}).", markup=False, severity="error")
    app.show_game(fresh=True)  # the app's screen for a stopped day: its report, titled for the round
    app.notify(ROUND_OVER.get(by, ROUND_OVER["clock"]), markup=False, timeout=30)
