"""The layers of docs/architecture.md, read from the code: every `import` of the project, at any depth."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAME = ROOT / "game"

SHARED = ("game.startup", "game.prose")  # below every tool, above the engine
TOOLS = ("game.authoring", "game.workshop", "game.tui", "game.plain", "game.lsp")
# one tool standing on another, each for a reason docs/architecture.md gives
TOOL_ON_TOOL = {
    ("game.lsp", "game.authoring"),  # the language server reports what `dayjob check` reports
    ("game.workshop", "game.tui"),  # serve runs the TUI in its games
    ("game.tui", "game.workshop.results"),  # a finished day's result file, written by every front end
    ("game.plain", "game.workshop.results"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(GAME.rglob("*.py"))}


class _Imports(ast.NodeVisitor):
    """The project's modules one module imports when it runs (inside functions too, not under TYPE_CHECKING)."""

    def __init__(self, name: str, is_package: bool):
        self.name, self.is_package = name, is_package
        self.found: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.update(a.name for a in node.names if a.name.split(".")[0] == "game")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            package = self.name if self.is_package else self.name.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        if base.split(".")[0] != "game":
            return
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            self.found.add(sub if sub in MODULES else base)


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        visitor = _Imports(name, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        graph[name] = {m for m in visitor.found if m in MODULES and m != name}
    return graph


GRAPH = import_graph()


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_graph_sees_the_imports_inside_functions():
    assert "game.authoring.check" in GRAPH["game.cli"]  # the CLI imports each command when it runs
    assert len(GRAPH) > 40 and all(name.startswith("game") for name in GRAPH)


def test_no_module_imports_itself_back_through_others():
    assert circles(GRAPH) == []


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_engine_imports_nothing_of_the_game_outside_it():
    """Only the engine itself, and the root package `game` (its version, and nothing it imports)."""
    wrong = {
        (m, i)
        for m in GRAPH
        if within(m, "game.engine")
        for i in GRAPH[m]
        if not within(i, "game.engine") and i != "game"
    }
    assert wrong == set() and GRAPH["game"] == set()


def test_shared_helpers_stand_on_the_engine_only():
    wrong = {(m, i) for m in GRAPH if within(m, *SHARED) for i in GRAPH[m] if not within(i, "game.engine", *SHARED)}
    assert wrong == set()


def test_no_tool_imports_the_cli():
    assert {m for m in GRAPH if "game.cli" in GRAPH[m]} <= {"game.__main__"}


def test_a_tool_stands_on_another_only_where_the_architecture_says_why():
    def tool(module: str) -> str | None:
        return next((t for t in TOOLS if within(module, t)), None)

    crossings = set()
    for m, imports in GRAPH.items():
        for i in imports:
            if tool(m) and tool(i) and tool(m) != tool(i):
                crossings.add((tool(m), i if i == "game.workshop.results" else tool(i)))
    assert crossings <= TOOL_ON_TOOL, crossings - TOOL_ON_TOOL


def _reads_a_namespace(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            if any(p.arg == "args" and p.annotation is None for p in params):
                return True
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr" and node.args:
            if getattr(node.args[0], "id", None) == "args":
                return True
    return False


def test_only_the_cli_reads_argparse_and_each_command_takes_typed_options():
    readers = {
        name
        for name, path in MODULES.items()
        if name != "game.cli" and _reads_a_namespace(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert readers == set()  # each command's run_* takes its frozen options dataclass


def test_the_namespace_check_sees_an_untyped_args_and_a_getattr():
    assert _reads_a_namespace(ast.parse("def run(args):\n    return 0"))
    assert _reads_a_namespace(ast.parse("def run(o: int):\n    return getattr(args, 'x', None)"))
    assert not _reads_a_namespace(ast.parse("def run(opts: Options, *args):\n    return opts.x"))
