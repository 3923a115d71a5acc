"""Play whole days in the real Textual app, headless (`App.run_test`), pressing the keys a player would.

Shared by the memory and choice-latency benchmarks. `frames` records when Textual rendered a frame:
`App._display` is wrapped so that each compositor update is also turned into the terminal bytes the
real driver would write (the headless driver writes nothing), and the time it finished is kept, with
the process's CPU time then (`frames.cpu`: less disturbed than wall time by other work on the machine).
"""

from __future__ import annotations

import random
import time


class Frames(list):
    """Frame times (`time.perf_counter`), and beside them in `cpu` the process's CPU time (`time.process_time`)."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []


def instrument(app) -> Frames:
    """Wrap app._display: every rendered update is encoded as a terminal would get it; returns the frame times."""
    from textual._compositor import CompositorUpdate

    frames = Frames()
    original = app._display

    def display(screen, renderable):
        original(screen, renderable)
        if renderable is None:
            return
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)  # the bytes a terminal would receive
        frames.append(time.perf_counter())
        frames.cpu.append(time.process_time())

    app._display = display
    return frames


async def wait_until(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(0.01)


async def play_days(days: int, seed: str, *, size=(100, 36), story=None, on_choice=None) -> dict:
    """Play `days` days (new day from the title screen each time, random available choices).

    on_choice(t_press, t_chosen, frames_after, cpu) is called after every choice with the times (cpu: the
    process's CPU seconds from the press to the last frame); returns a summary.
    The process takes the collector policy `dayjob`'s entry point gives it (game/tui/run.py), so call
    it in a process of its own, as the benchmarks do.
    """
    from game.startup import collector_off_for_start
    from game.tui.app import make_app
    from game.tui.options import TuiOptions

    collector_off_for_start()  # as run_tui does before the app starts

    rng = random.Random(seed)
    app = make_app(TuiOptions(story=story, seed=seed, save=False))
    choices = 0
    async with app.run_test(size=size) as pilot:
        frames = instrument(app)
        await wait_until(pilot, lambda: app.session is not None)
        chosen_at: list[float] = []
        original_choose = app.choose

        def choose(choice_id):
            original_choose(choice_id)
            chosen_at.append(time.perf_counter())

        app.choose = choose
        for day in range(days):
            from game.tui.screens.scene import SceneScreen

            await pilot.press("n")
            await wait_until(pilot, lambda: isinstance(app.screen, SceneScreen) and app.game is not None)
            await pilot.pause()
            game = app.game
            while not game.ended:
                ids = game.available
                key = str(rng.randrange(len(ids)) + 1) if len(ids) <= 9 else "1"
                before = len(game.state.history)
                n_frames = len(frames)
                n_chosen = len(chosen_at)
                t_press = time.perf_counter()
                c_press = time.process_time()
                await pilot.press(key)
                await wait_until(
                    pilot,
                    lambda: (
                        len(game.state.history) > before
                        and len(frames) > n_frames
                        and len(chosen_at) > n_chosen
                        and frames[-1] > chosen_at[-1]
                    ),
                )
                await pilot.pause()
                choices += 1
                if on_choice is not None:
                    on_choice(
                        t_press,
                        chosen_at[-1],
                        [f for f in frames[n_frames:] if f >= chosen_at[-1]],
                        frames.cpu[-1] - c_press,
                    )
            await pilot.pause()
            app.show_title(new_seed=True)
            await pilot.pause()
    return {"choices": choices, "frames": len(frames)}
