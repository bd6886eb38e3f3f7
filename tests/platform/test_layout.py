"""The architecture, checked: no import cycles, no upward imports from the write layer, and
only ``articles.search`` speaks to OpenSearch. Read from the source with ``ast``; nothing runs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("articles", "ctsearch", "collection", "alerts")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Project modules this module imports, at top level or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in known and t != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        for nxt in graph.get(current, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _parents(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_no_import_cycles(graph):
    # A package's __init__ importing its own submodules is not a cycle worth reporting.
    cycles = sorted(
        f"{a} -> {b}"
        for a, targets in graph.items()
        for b in targets
        if a not in _parents(b) and b not in _parents(a) and _reaches(graph, b, a)
    )
    assert cycles == []


def test_write_layer_does_not_import_celery_tasks(graph):
    writers = [name for name in graph if name.endswith(".actions") or ".actions." in name]
    assert writers
    for writer in writers:
        assert not any(t.endswith(".tasks") for t in graph[writer]), writer


def _imports_library(path: Path, library: str) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == library for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == library:
            return True
    return False


def test_only_the_search_package_speaks_to_opensearch():
    speakers = sorted(
        _module_name(path)
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if _imports_library(path, "opensearchpy")
    )
    assert speakers
    assert all(name.startswith("articles.search") for name in speakers), speakers
