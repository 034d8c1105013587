"""The project's modules import each other without a circle, and the lower apps never import
the apps built on them. Imports inside functions count too: a late import hides a circle from
Python, not from the design."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every package at the top of the repository is ours (tests aside).
APPS = sorted(
    path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests"
)
# Apps that others build on: they import nothing from the apps listed against them.
LOWER = {
    "diary": {"programming"},
    "programming": {"diary"},
}


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node Python may run: the bodies of `if TYPE_CHECKING:` are for the type checker."""
    nodes: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))
    return nodes


def imports_of(source: str, known: set[str], package: str) -> set[str]:
    """The project modules a source imports, anywhere in it (functions included)."""

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    found: set[str] = set()
    for node in runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(filter(None, (resolve(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = resolve(f"{base}.{alias.name}") or resolve(base)
                if target:
                    found.add(target)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = imports_of(path.read_text(), known, package) - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, as the list of modules around it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_project_imports_have_no_circle() -> None:
    assert find_cycle(import_graph()) is None


def test_diary_and_programming_import_nothing_built_on_them() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if (app := module.split(".")[0]) in LOWER
        and target.split(".")[0] not in LOWER[app] | {app}
    ]
    assert upward == []


def test_the_one_access_helper_sits_beside_the_patient_model() -> None:
    graph = import_graph()
    assert "diary.access" in graph and "clinic.access" not in graph
    for module in ("diary.views", "programming.views", "insights.views", "clinic.views"):
        assert "diary.access" in graph[module], module


def test_a_circle_through_a_late_import_is_found() -> None:
    known = {"a", "b", "c"}
    graph = {
        "a": imports_of("import b\n", known, ""),
        "b": imports_of("from c import thing\n", known, ""),
        "c": imports_of("def f():\n    from a import x\n", known, ""),
    }
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    graph["c"] = imports_of("def f():\n    import math\n", known, "")
    assert find_cycle(graph) is None
    graph["c"] = imports_of("if TYPE_CHECKING:\n    from a import x\n", known, "")
    assert find_cycle(graph) is None
