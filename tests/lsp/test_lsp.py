"""`dayjob lsp` end to end: the server started as a subprocess, driven by pytest-lsp's client on the shipped story."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parents[2]
STORY = ROOT / "story"
DESK = STORY / "scenes" / "desk.yaml"
MANIFEST = STORY / "story.yaml"
MORNING = STORY / "scenes" / "morning.yaml"


def uri(path: Path) -> str:
    return from_fs_path(str(path))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "game", "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=uri(STORY), process_id=None)
    )
    yield
    await lsp_client.shutdown_session()


def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=uri(path), language_id="yaml", version=version, text=text)
        )
    )
    return text


def replace_all(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def no_errors(diags) -> bool:
    """The shipped day checks without errors; its warnings come and go as the writers work on it."""
    return not [d for d in diags if d.severity == t.DiagnosticSeverity.Error]


async def diagnostics_for(client: LanguageClient, path: Path, want) -> list[t.Diagnostic]:
    """Waits until the diagnostics published for `path` satisfy `want`."""
    async with asyncio.timeout(60):  # a hang guard, not a speed limit: a loaded CI machine starts the server slowly
        while True:
            diags = client.diagnostics.get(uri(path))
            if diags is not None and want(diags):
                return diags
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


def position_of(text: str, needle: str, nth: int = 0, offset: int = 0) -> t.Position:
    """The place of the nth occurrence of `needle` in a file (plus `offset` characters)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    before = text[: start + offset]
    return t.Position(line=before.count("\n"), character=len(before) - (before.rfind("\n") + 1))


async def test_goto_completion_lists_the_story_scene_ids(client: LanguageClient):
    text = open_file(client, DESK)
    lines = text.split("\n")
    line = next(i for i, x in enumerate(lines) if x.strip().startswith("goto: "))
    col = lines[line].index("goto: ") + len("goto: ")
    result = await client.text_document_completion_async(
        t.CompletionParams(text_document=t.TextDocumentIdentifier(uri=uri(DESK)), position=t.Position(line, col))
    )
    labels = {item.label for item in result.items}
    from game.engine import load_story

    story = load_story(STORY)
    assert set(story.scenes) <= labels
    assert story.ending_ids <= labels
    assert {"back", "end"} <= labels


async def test_condition_completion_offers_flags_stats_and_visited(client: LanguageClient):
    text = open_file(client, DESK)
    pos = position_of(text, "if: ", offset=len("if: "))
    result = await client.text_document_completion_async(
        t.CompletionParams(text_document=t.TextDocumentIdentifier(uri=uri(DESK)), position=pos)
    )
    labels = {item.label for item in result.items}
    assert {"energy", "morale", "team_startup", "clock", 'visited("desk")'} <= labels
    assert "lead" not in labels  # words cannot be tested


async def test_a_misspelt_goto_gets_a_did_you_mean_diagnostic(client: LanguageClient):
    text = open_file(client, DESK)
    before = await diagnostics_for(client, DESK, no_errors)
    target = next(x.split("goto: ")[1].strip() for x in text.split("\n") if x.strip().startswith("goto: "))
    typo = target[:-1] + target[-1] * 2 if len(target) > 3 else target + "x"
    bad = text.replace(f"goto: {target}\n", f"goto: {typo}\n", 1)
    replace_all(client, DESK, bad, 2)
    diags = await diagnostics_for(client, DESK, lambda d: not no_errors(d))
    [diag] = [d for d in diags if d.severity == t.DiagnosticSeverity.Error]
    assert typo in diag.message
    assert diag.severity == t.DiagnosticSeverity.Error
    assert f"goto {typo!r}" in diag.message and f"did you mean {target!r}?" in diag.message
    pos = position_of(bad, f"goto: {typo}", offset=len("goto: "))
    assert diag.range.start == pos
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri(DESK)),
            range=diag.range,
            context=t.CodeActionContext(diagnostics=[diag]),
        )
    )
    [fix] = actions
    assert fix.title == f"Change to {target!r}"
    [edit] = fix.edit.changes[uri(DESK)]
    lines = bad.split("\n")
    line = lines[edit.range.start.line]
    fixed = line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
    assert fixed == line.replace(typo, target)
    replace_all(client, DESK, text, 3)  # fixed again: the problem goes away without saving
    after = await diagnostics_for(client, DESK, no_errors)
    assert [d.message for d in after] == [d.message for d in before]


async def test_definition_and_references_of_a_scene(client: LanguageClient):
    text = open_file(client, MANIFEST)
    pos = position_of(text, "start: alarm", offset=len("start: "))
    loc = await client.text_document_definition_async(
        t.DefinitionParams(text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)), position=pos)
    )
    assert loc.uri == uri(MORNING)
    lines = MORNING.read_text().split("\n")
    assert lines[loc.range.start.line][loc.range.start.character :].startswith("alarm:")
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)),
            position=pos,
            context=t.ReferenceContext(include_declaration=True),
        )
    )
    assert {Path(r.uri).name for r in refs} >= {"story.yaml", "morning.yaml"}
    for r in refs:
        path = Path(r.uri.removeprefix("file://"))
        line = path.read_text().split("\n")[r.range.start.line]
        assert line[r.range.start.character : r.range.end.character] == "alarm"
    # and a scene many choices lead to, asked from one of those choices
    text = open_file(client, DESK)
    pos = position_of(text, "goto: desk", offset=len("goto: "))
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            text_document=t.TextDocumentIdentifier(uri=uri(DESK)),
            position=pos,
            context=t.ReferenceContext(include_declaration=False),
        )
    )
    expected = sum(
        len(re.findall(r"\b(?:goto|to): desk\b|visited\(\\?\"desk\\?\"\)", p.read_text()))
        for p in STORY.rglob("*.yaml")
    )
    assert sum(1 for r in refs if r.uri != uri(MANIFEST)) == expected > 10


async def test_renaming_a_flag_edits_every_file(client: LanguageClient):
    text = open_file(client, MANIFEST)
    pos = position_of(text, "team_startup")
    edit = await client.text_document_rename_async(
        t.RenameParams(text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)), position=pos, new_name="startup_team")
    )
    mentions = {
        uri(p): p.read_text().count("team_startup")
        for p in [MANIFEST, *sorted((STORY / "scenes").glob("*.yaml"))]
        if "team_startup" in p.read_text()
    }
    assert len(mentions) > 3
    assert set(edit.changes) == set(mentions)
    for file_uri, edits in edit.changes.items():
        path = Path(file_uri.removeprefix("file://"))
        lines = path.read_text().split("\n")
        for e in edits:
            assert lines[e.range.start.line][e.range.start.character : e.range.end.character] == "team_startup"
            assert e.new_text == "startup_team"
        assert len(edits) == mentions[file_uri]


async def test_hover_on_a_scene_shows_its_title_and_who_leads_there(client: LanguageClient):
    text = open_file(client, MANIFEST)
    pos = position_of(text, "start: alarm", offset=len("start: "))
    hover = await client.text_document_hover_async(
        t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)), position=pos)
    )
    from game.engine import load_story

    story = load_story(STORY)
    value = hover.contents.value
    assert story.scenes["alarm"].title.render(story.words) in value
    assert "scenes/morning.yaml" in value and "Led to by:" in value


async def test_document_symbols_are_the_scenes_and_their_choices(client: LanguageClient):
    open_file(client, DESK)
    symbols = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri(DESK)))
    )
    from game.engine import load_story

    story = load_story(STORY)
    in_file = [s for s in story.scenes.values() if s.where.path.endswith("desk.yaml")]
    assert [s.name for s in symbols] == [s.id for s in in_file]
    for sym, scene in zip(symbols, in_file):
        assert [c.name for c in sym.children or []] == [c.id for c in scene.choices]
    # and the scenes of the whole folder, by part of an id or a title
    found = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="ALAR"))
    assert "alarm" in [s.name for s in found]
    [alarm] = [s for s in found if s.name == "alarm"]
    assert alarm.location.uri == uri(MORNING)


async def test_a_half_typed_buffer_does_not_crash_the_server(client: LanguageClient):
    text = open_file(client, DESK)
    await diagnostics_for(client, DESK, no_errors)
    cut = text.index("choices:") + len("choices:")
    broken = text[:cut] + "\n      - id: [half\n        goto: {"
    for version, end in enumerate(range(len(text[:cut]), len(broken) + 1, 7), 2):
        replace_all(client, DESK, broken[:end], version)
    diags = await diagnostics_for(client, DESK, lambda d: any("YAML" in x.message for x in d))
    assert diags[0].severity == t.DiagnosticSeverity.Error
    # the other features still answer, from the last good parse
    result = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)),
            position=position_of(MANIFEST.read_text(), "start: ", offset=len("start: ")),
        )
    )
    assert "desk" in {i.label for i in result.items}
    symbols = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri(DESK)))
    )
    assert "desk" in [s.name for s in symbols]


async def test_a_rename_right_after_an_unsaved_edit_lands_on_the_text_as_it_is_now(client: LanguageClient):
    text = open_file(client, DESK)
    edited = "# a note\n\n" + text
    replace_all(client, DESK, edited, 2)  # no wait: the rename comes before any check of this edit
    flag = next(f for f in ("team_startup", "team_bigco", "dom_fraud") if f in text)
    manifest = open_file(client, MANIFEST)
    edit = await client.text_document_rename_async(
        t.RenameParams(
            text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)),
            position=position_of(manifest, flag),
            new_name="renamed_flag",
        )
    )
    lines = edited.split("\n")
    desk_edits = edit.changes[uri(DESK)]
    assert len(desk_edits) == text.count(flag)
    for e in desk_edits:
        assert lines[e.range.start.line][e.range.start.character : e.range.end.character] == flag


async def test_renaming_any_flag_edits_each_use_once_and_leaves_none_behind(client: LanguageClient):
    """Every flag of the shipped story, including those written twice in one condition over several lines."""
    manifest = open_file(client, MANIFEST)
    from game.engine import load_story

    files = [MANIFEST, *sorted((STORY / "scenes").glob("*.yaml"))]
    texts = {uri(p): p.read_text() for p in files}
    for flag in sorted(load_story(STORY).flags):
        edit = await client.text_document_rename_async(
            t.RenameParams(
                text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)),
                position=position_of(manifest, f"  - {flag}\n", offset=4),
                new_name="zz_renamed",
            )
        )
        for file_uri, text in texts.items():
            edits = sorted(edit.changes.get(file_uri, []), key=lambda e: (e.range.start.line, e.range.start.character))
            places = [(e.range.start.line, e.range.start.character) for e in edits]
            assert len(places) == len(set(places)), (flag, file_uri)  # an editor refuses overlapping edits
            lines = text.split("\n")
            for e in reversed(edits):
                line = lines[e.range.start.line]
                assert line[e.range.start.character : e.range.end.character] == flag
                lines[e.range.start.line] = line[: e.range.start.character] + e.new_text + line[e.range.end.character :]
            left = [
                n + 1
                for n, line in enumerate(lines)
                if not line.lstrip().startswith("#") and re.search(rf"(?<![A-Za-z0-9_]){flag}(?![A-Za-z0-9_])", line)
            ]
            assert not left, (flag, file_uri, left)


@pytest.mark.parametrize(
    "right, wrong",
    [
        ("{chat}", "{caht}"),  # a misspelt word in text
        ("{^lead}", "{^Lead}"),  # a capitalised insertion written with a capital
        ('visited("desk")', 'visited("dsek")'),  # a misspelt scene in a condition
    ],
)
async def test_a_did_you_mean_quick_fix_rewrites_only_the_misspelt_name(client: LanguageClient, right, wrong):
    text = open_file(client, DESK)
    await diagnostics_for(client, DESK, no_errors)
    bad = text.replace(right, wrong, 1)
    replace_all(client, DESK, bad, 2)
    diags = await diagnostics_for(client, DESK, lambda d: not no_errors(d))
    [diag] = [d for d in diags if d.severity == t.DiagnosticSeverity.Error]
    lines = bad.split("\n")
    start, end = diag.range.start, diag.range.end
    assert lines[start.line][start.character : end.character] == wrong.removeprefix("visited(").removesuffix(")")
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri(DESK)),
            range=diag.range,
            context=t.CodeActionContext(diagnostics=[diag]),
        )
    )
    [fix] = actions
    [edit] = fix.edit.changes[uri(DESK)]
    line = lines[edit.range.start.line]
    fixed = line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
    assert fixed == text.split("\n")[edit.range.start.line]


async def test_saving_the_glossary_checks_the_story_again(client: LanguageClient, tmp_path):
    story = tmp_path / "story"
    shutil.copytree(STORY, story)
    desk, glossary = story / "scenes" / "desk.yaml", story / "glossary.yaml"
    open_file(client, desk)
    await diagnostics_for(client, desk, no_errors)
    open_file(client, glossary)
    replace_all(client, glossary, "- a list, not a mapping\n", 2)  # as an editor saves: the buffer, then the disk
    glossary.write_text("- a list, not a mapping\n")
    client.text_document_did_save(
        t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri(glossary)))
    )
    [diag] = await diagnostics_for(client, glossary, lambda d: not no_errors(d))
    assert "glossary.yaml must be a mapping with `terms:`" in diag.message
    assert (diag.range.start.line, diag.range.start.character) == (0, 0)
    result = await client.text_document_completion_async(
        t.CompletionParams(text_document=t.TextDocumentIdentifier(uri=uri(glossary)), position=t.Position(1, 0))
    )
    assert result is None  # not a scene file: no scene keys offered


async def test_an_unsaved_glossary_edit_is_checked_as_typed(client: LanguageClient, tmp_path):
    story = tmp_path / "story"
    shutil.copytree(STORY, story)
    desk, glossary = story / "scenes" / "desk.yaml", story / "glossary.yaml"
    open_file(client, desk)
    await diagnostics_for(client, desk, no_errors)
    text = open_file(client, glossary)
    assert "terms:" in text
    replace_all(client, glossary, "- a list, not a mapping\n", 2)  # typed, not saved: the disk is unchanged
    [diag] = await diagnostics_for(client, glossary, lambda d: not no_errors(d))
    assert "glossary.yaml must be a mapping with `terms:`" in diag.message
    replace_all(client, glossary, text, 3)
    await diagnostics_for(client, glossary, no_errors)


async def test_an_unsaved_scene_file_in_a_subfolder_is_checked(client: LanguageClient, tmp_path):
    story = tmp_path / "story"
    shutil.copytree(STORY, story)
    new = story / "scenes" / "extra" / "more.yaml"
    new.parent.mkdir()
    open_file(
        client,
        new,
        "scenes:\n  more:\n    title: More\n    text: Text.\n    choices:\n      - id: go\n        text: Go\n        goto: dsek\n",
    )
    diags = await diagnostics_for(client, new, lambda d: not no_errors(d))
    assert any("'dsek'" in d.message and d.range.start.line == 7 for d in diags), [d.message for d in diags]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "game", "lsp"]))
async def watching_client(lsp_client: LanguageClient):
    """A client that lets the server register for changes on disk, as VS Code and Neovim do."""
    lsp_client.registrations = []

    @lsp_client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def register(params: t.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)

    capabilities = t.ClientCapabilities(
        workspace=t.WorkspaceClientCapabilities(
            did_change_watched_files=t.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
        )
    )
    await lsp_client.initialize_session(
        t.InitializeParams(capabilities=capabilities, root_uri=uri(STORY), process_id=None)
    )
    yield
    await lsp_client.shutdown_session()


async def test_a_file_changed_on_disk_is_checked_again(watching_client: LanguageClient, tmp_path):
    client = watching_client
    story = tmp_path / "story"
    shutil.copytree(STORY, story)
    desk, inbox = story / "scenes" / "desk.yaml", story / "scenes" / "inbox.yaml"
    open_file(client, desk)
    await diagnostics_for(client, desk, no_errors)
    [watch] = [r for r in client.registrations if r.method == t.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    assert "**/*.yaml" in [w["globPattern"] for w in watch.register_options["watchers"]]
    # a file the editor does not have open changes on disk (a `git pull`): its new problem is shown
    inbox.write_text(inbox.read_text().replace("goto: desk", "goto: dsek", 1))
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=uri(inbox), type=t.FileChangeType.Changed)])
    )
    diags = await diagnostics_for(client, inbox, lambda d: not no_errors(d))
    assert any("goto 'dsek'" in d.message for d in diags)


async def test_a_rename_while_a_file_does_not_parse_is_refused_not_misplaced(client: LanguageClient):
    """The broken file's places are from its last good parse: edits there would overwrite other text."""
    text = open_file(client, DESK)
    manifest = open_file(client, MANIFEST)
    await diagnostics_for(client, DESK, no_errors)
    replace_all(client, DESK, "# a note\n# another\n" + text.replace("choices:", "choices: [", 1), 2)
    flag = next(f for f in ("team_startup", "day_planned", "page_started") if f in text)
    with pytest.raises(Exception) as refused:
        await client.text_document_rename_async(
            t.RenameParams(
                text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)),
                position=position_of(manifest, f"  - {flag}\n", offset=4),
                new_name="renamed_flag",
            )
        )
    assert "scenes/desk.yaml does not parse now; fix its YAML first" in str(refused.value)
    replace_all(client, DESK, text, 3)  # fixed: the rename goes through
    edit = await client.text_document_rename_async(
        t.RenameParams(
            text_document=t.TextDocumentIdentifier(uri=uri(MANIFEST)),
            position=position_of(manifest, f"  - {flag}\n", offset=4),
            new_name="renamed_flag",
        )
    )
    assert len(edit.changes[uri(DESK)]) == text.count(flag)


async def test_a_scene_name_in_prose_is_not_a_place_to_rename_it_from(client: LanguageClient):
    """Hover still says what "desk" is; a rename from the prose would leave that very word as it is."""
    text = open_file(client, DESK)
    pos = position_of(text, "{shuffle: Your desk", offset=len("{shuffle: Your "))
    doc = t.TextDocumentIdentifier(uri=uri(DESK))
    hover = await client.text_document_hover_async(t.HoverParams(text_document=doc, position=pos))
    assert hover.contents.value.startswith("**desk** (scene)")
    assert (
        await client.text_document_prepare_rename_async(t.PrepareRenameParams(text_document=doc, position=pos)) is None
    )
    edit = await client.text_document_rename_async(t.RenameParams(text_document=doc, position=pos, new_name="bench"))
    assert edit is None
    at_goto = position_of(text, "goto: desk", offset=len("goto: "))
    span = await client.text_document_prepare_rename_async(t.PrepareRenameParams(text_document=doc, position=at_goto))
    assert span is not None and text.split("\n")[span.start.line][span.start.character : span.end.character] == "desk"
