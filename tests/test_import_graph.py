"""The shape of ``ropa/``: no import cycles, no module over 800 lines.

A cycle makes the order of imports matter and hides which layer depends on which; a very
long module hides its topics. Both checks read the source with :mod:`ast` (nothing is
imported), so they see lazy imports inside functions as well as module-level ones; imports
under ``if TYPE_CHECKING:`` do not run and are not edges. Each known exception is listed
with its reason, so the tests fail on any new cycle or oversized module, and on an
exception that has gone away (remove it from the list then).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ropa"

EXPECTED_CYCLES: set[frozenset[str]] = set()
"""Import cycles tolerated for now, each the set of modules of one strongly connected component, with a
comment "to be removed". Empty: ``package <-> verify`` went when the package models moved to
:mod:`ropa.archive.model`; ``render.context <-> figures`` and ``render.joinpdf <-> parts`` when the
view-models and the part results got modules of their own."""

MAX_LINES = 800
OVERSIZED: set[str] = set()
"""Modules allowed over :data:`MAX_LINES`, relative to the repository root. None: rules/transfers.py and
rules/completeness.py were split by topic into packages."""


def module_name(path: Path) -> str:
    """``ropa/render/parts.py`` -> ``ropa.render.parts``; a package's ``__init__.py`` is the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of ``ropa/`` by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement under ``node`` at any depth, except those only run for type checkers."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _imports(ast.Module(body=[other], type_ignores=[]))
        else:
            yield from _imports(child)


def imported_by(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``name`` imports, each resolved to the most specific module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        found.update(t for t in targets if t in known and t != name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the ``ropa`` modules it imports (module level or inside functions)."""
    known = modules()
    names = set(known)
    return {name: imported_by(name, path, names) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def _path_in(component: frozenset[str], graph: dict[str, set[str]]) -> str:
    """One cycle through the component, spelt ``a -> b -> a``, for the failure message."""
    start = min(component)
    seen = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & component):
            if nxt == start:
                return " -> ".join([*seen[node], start])
            if nxt not in seen:
                seen[nxt] = [*seen[node], nxt]
                queue.append(nxt)
    return ", ".join(sorted(component))


def test_the_import_graph_has_no_new_cycle() -> None:
    graph = import_graph()
    assert "ropa.render.parts" in graph["ropa.render.pdf"], "the walk must see imports inside functions"
    found = cycles(graph)
    new = [_path_in(c, graph) for c in found if c not in EXPECTED_CYCLES]
    assert not new, "import cycle(s): " + "; ".join(new)
    gone = [sorted(c) for c in EXPECTED_CYCLES if c not in found]
    assert not gone, f"no longer a cycle, remove it from EXPECTED_CYCLES: {gone}"


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_the_spreadsheet_does_not_import_the_pdf_views() -> None:
    graph = import_graph()
    used = reachable(graph, "ropa.render.xlsx")
    assert {"ropa.render.tables.workbook", "ropa.render.text"} <= used
    pdf = sorted(m for m in used if m.startswith(("ropa.render.views", "ropa.render.figures")))
    assert not pdf, f"the XLSX tables reach the PDF view-models through: {pdf}"


def test_the_cycle_finder_sees_a_lazy_cycle_and_ignores_type_checking() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ropa.b import x\n"
    tree = list(_imports(ast.parse(source)))
    assert [n.module for n in tree if isinstance(n, ast.ImportFrom)] == ["typing"]
    lazy = "def f() -> None:\n    from ropa.b import x\n"
    assert [n.module for n in _imports(ast.parse(lazy)) if isinstance(n, ast.ImportFrom)] == ["ropa.b"]
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]
    assert _path_in(frozenset({"a", "b", "c"}), graph) == "a -> b -> c -> a"
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_over_800_lines() -> None:
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in modules().values()
    }
    assert len(sizes) > 50
    over = {name: n for name, n in sizes.items() if n > MAX_LINES and name not in OVERSIZED}
    assert not over, f"modules over {MAX_LINES} lines (split them by topic): {over}"
    fixed = sorted(name for name in OVERSIZED if sizes.get(name, 0) <= MAX_LINES)
    assert not fixed, f"no longer over {MAX_LINES} lines, remove from OVERSIZED: {fixed}"
