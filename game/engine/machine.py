"""The story's scenes as one `transitions.Machine`: the single authority on the current scene."""

from __future__ import annotations

from transitions import Event, Machine

TRIGGER = "choose"


class DirectedEvent(Event):
    """`choose` that tries only the transitions heading where the engine decided, not every edge out."""

    def _process(self, event_data):
        self.machine.callbacks(self.machine.prepare_event, event_data)
        dest = event_data.kwargs.get("dest")
        for trans in self.transitions[event_data.state.name]:
            if trans.dest != dest:
                continue
            event_data.transition = trans
            if trans.execute(event_data):
                event_data.result = True
                break


class SceneMachine(Machine):
    """A machine over scene ids whose models are bound by hand (no `is_<scene>` per model)."""

    event_cls = DirectedEvent
    _edges: set[tuple[str, str]]  # (source, dest) pairs that have a `choose` transition
    labels: dict[tuple[str, str], list[str]]  # the choice ids written on each edge

    def _add_model_to_state(self, state, model):  # binding is_<scene> costs ~100 ms at 5,000 scenes
        return None

    def edge(self, source: str, dest: str, label: str = "") -> None:
        """Allow `choose` from source to dest once; later calls are free."""
        key = (source, dest)
        if label:
            self.labels.setdefault(key, []).append(label)
        if key in self._edges:
            return
        self._edges.add(key)
        self.add_transition(TRIGGER, source, dest, conditions=[_Heading(dest)])

    def move(self, model, dest: str, choice: str) -> None:
        """Fire `choose` for the model; the guard lets only the edge to `dest` pass."""
        source = getattr(model, self.model_attribute)
        if (source, dest) not in self._edges:
            self.edge(source, dest)  # dynamic routes: appointments, interruptions, back, endings
        if not self.events[TRIGGER].trigger(model, choice=choice, dest=dest):
            raise RuntimeError(f"the machine refused {source!r} -> {dest!r}")  # pragma: no cover


class _Heading:
    """Guard: this transition is the one whose destination the engine picked."""

    __slots__ = ("dest",)

    def __init__(self, dest: str):
        self.dest = dest

    def __call__(self, event) -> bool:
        return event.kwargs.get("dest") == self.dest


def build_machine(story) -> SceneMachine:
    """States for every scene and ending; edges for every written goto."""
    states = [*story.scenes, *(e.id for e in story.endings)]
    machine = SceneMachine(
        model=None,
        states=states,
        initial=story.start,
        auto_transitions=False,
        send_event=True,
        model_attribute="scene",
        ignore_invalid_triggers=False,
    )
    machine._edges = set()
    machine.labels = {}
    for scene in story.scenes.values():
        for choice in scene.choices:
            for target in choice.targets:
                if target in story.scenes or target in story.ending_ids:
                    machine.edge(scene.id, target, label=choice.id)
    return machine
