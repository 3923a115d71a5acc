"""`dayjob check` on story format 1.1: every new error and warning at its exact place, with its message."""

from __future__ import annotations

import json

from game.authoring.route import find_route
from game.engine import Game, load_story

from .conftest import FIXTURES, fixture

BROKEN11 = "tests/authoring/fixtures/broken11"
LINT11 = "tests/authoring/fixtures/lint11"
EXPECTED_ERRORS = [
    f"{BROKEN11}/scenes/day.yaml:6:11: in `enrgy < 3`: unknown name 'enrgy'; did you mean 'energy'?",
    f"{BROKEN11}/scenes/day.yaml:7:7: `if` needs ':' after its condition, as in {{if energy < 3: text | else: text}}",
    f"{BROKEN11}/scenes/day.yaml:8:24: after ' | ' an inline condition goes on with `elif COND:` or `else:`; write {{|}} for a literal bar",
    f"{BROKEN11}/scenes/day.yaml:9:34: `else:` is the last alternative of an inline condition; nothing can follow it",
    f"{BROKEN11}/scenes/day.yaml:10:7: '{{seq a | b}}': a seq needs ':' after its name, {{seq: a | b}}",
    f"{BROKEN11}/scenes/day.yaml:10:23: cannot read '{{a | b}}': alternatives need `if COND:`, `seq:`, `cycle:` or `shuffle:` first",
    f"{BROKEN11}/scenes/day.yaml:10:35: '{{else: b}}': `else` belongs after ' | ' inside an inline condition, {{if COND: a | else: b}}",
    f"{BROKEN11}/scenes/day.yaml:11:7: {{Lead}} is not a declared word; for a capital first letter write {{^lead}}",
    f"{BROKEN11}/scenes/day.yaml:11:18: {{laed}} is not a declared word; did you mean 'lead'?",
    f"{BROKEN11}/scenes/day.yaml:11:29: {{lead.name}} is not a declared word (a word is letters, digits and _; an insertion is a word like {{lead}} or {{^lead}}, {{time}}, {{clock}}, {{late}}, {{since SCENE}}, {{if COND: text | else: text}}, {{seq: a | b}}, {{cycle: a | b}} or {{shuffle: a | b}}; write '{{{{' for a literal brace)",
    f"{BROKEN11}/scenes/day.yaml:12:7: {{late}} is only for an appointment's text (a scene with `at`); elsewhere write {{since SCENE}}",
    f"{BROKEN11}/scenes/day.yaml:12:25: {{since lunch}} needs an appointment (a scene with `at`)",
    f"{BROKEN11}/scenes/day.yaml:13:7: '{{' opens an insertion that is never closed; write '{{{{' for a literal brace",
    f"{BROKEN11}/scenes/day.yaml:14:19: '{{' opens an insertion that is never closed; write '{{{{' for a literal brace",
    f"{BROKEN11}/scenes/day.yaml:17:21: {{seq: ...}} can be used in a scene's, an outcome's or an ending's text, not in a choice's text",
    f"{BROKEN11}/scenes/day.yaml:18:24: in `dispte`: unknown name 'dispte'; did you mean 'dispute'?",
    f"{BROKEN11}/scenes/day.yaml:18:66: {{tme}} is not a declared word; did you mean 'time'?",
    f"{BROKEN11}/scenes/day.yaml:21:29: in `disput`: unknown name 'disput'; did you mean 'dispute'?",
    f"{BROKEN11}/story.yaml:13:18: an inline condition can be used in a scene's, an outcome's or an ending's text, not in a title",
    f"{BROKEN11}/story.yaml:14:19: {{tiem}} is not a declared word; did you mean 'time'?",
]
EXPECTED_WARNINGS = [
    f"{LINT11}/scenes/day.yaml:2:3: warning: scene 'desk' can be visited more than twice in a day and its text is 72 words long, read in full on every visit; give it `again:`, a short text for the second and later visits",
    f"{LINT11}/scenes/day.yaml:10:7: warning: {{team}} starts a sentence but inserts 'the platform team' in lower case; write {{^team}}",
    f"{LINT11}/scenes/day.yaml:12:9: warning: outcome 1 of choice 'work' in scene 'desk' is never shown: its `if` `energy > 7` never holds (energy is always 5: no effect changes it)",
    f"{LINT11}/scenes/day.yaml:25:3: warning: a {{shuffle:}} in scene 'corridor' has one alternative; separate them with ' | '",
    f"{LINT11}/scenes/day.yaml:28:63: warning: this `}}` closes no insertion, so the player sees it as written; write `}}}}` for a brace, or look before it for an insertion closed too early (its ` | else:` would show as text too)",
    f"{LINT11}/scenes/day.yaml:32:3: warning: a {{seq:}} or {{cycle:}} in scene 'lobby' steps on each visit, but no day comes back to the scene: only its first alternative is ever shown",
    f"{LINT11}/scenes/day.yaml:32:3: warning: scene 'lobby' has `again:`, but no day comes back to it, so it is never shown",
    f'{LINT11}/scenes/day.yaml:34:23: warning: {{time}} starts a sentence but is said in lower case ("ten past three"); write {{^time}}',
    f"{LINT11}/scenes/day.yaml:38:3: warning: appointment 'board' never happens: its `if` `energy > 5` never holds (energy is always 5: no effect changes it)",
    f"{LINT11}/story.yaml:9:9: warning: flag 'dispute' is set (at {LINT11}/scenes/day.yaml:20:9) but no `if` ever reads it",
    f"{LINT11}/story.yaml:12:5: warning: an inline condition in ending 'home', `{{if energy > 9: …}}`, never holds (energy is always 5: no effect changes it): its text is never shown",
]


def test_every_format_11_error_is_placed_at_its_line_and_column(dayjob):
    code, out, err = dayjob("check", BROKEN11)
    assert code == 1
    assert out.splitlines() == EXPECTED_ERRORS
    assert f"{len(EXPECTED_ERRORS)} error(s)" in err


def test_every_format_11_warning_is_placed(dayjob):
    code, out, err = dayjob("check", LINT11)
    assert code == 0  # warnings alone do not fail a check
    assert out.splitlines() == EXPECTED_WARNINGS


def test_check_json_carries_the_same_places(dayjob):
    code, out, _ = dayjob("check", BROKEN11, "--format", "json")
    places = [f"{p['path']}:{p['line']}:{p['col']}" for p in json.loads(out)["errors"]]
    assert places == [line.split(": ", 1)[0] for line in EXPECTED_ERRORS]


def test_route_reaches_a_conditional_appointment_and_replays_to_it(dayjob):
    story = load_story(FIXTURES / "calls")
    route = find_route(story, "quota")
    assert route.found and "dispute" in route.choices
    game = Game(story, route.seed)
    game.replay(route.choices)
    assert game.scene_id == "quota" and game.arrival == "appointment"
    code, out, _ = dayjob("route", "board", "--story", fixture("calls"))
    assert code != 0 and "No route to 'board'" in out


def test_playtest_follows_the_engine_on_conditional_appointments():
    from game.authoring.playtest import run_days, summarize

    story = load_story(FIXTURES / "calls")
    tally = run_days(story, str(FIXTURES / "calls"), 300, "t", False, 1)
    data = summarize(story, tally, n=300, seed="t", short=False, root=str(FIXTURES / "calls"))
    never = {n["id"] for n in data["coverage"]["scenes"]["never"]}
    assert never == {"board"}  # the quota call happens on the days the dispute was opened in time
