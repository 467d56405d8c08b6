"""The source tree keeps its habits: every module says what it is for, the main modules have tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ropa"
TESTS = ROOT / "tests"

MAIN_MODULES = (
    "read.source",
    "load.loader",
    "load.references",
    "check.findings",
    "check.engine",
    "check.rules",
    "report",
    "schema",
    "scaffold",
    "util.fsutil",
    "cli",
)
"""Dotted below ``ropa``: each needs a test file named after its last part or importing it."""
"""The pipeline's stages and the CLI: each needs a test that names it."""


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "examples" not in p.relative_to(PACKAGE).parts)


def _ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in paths]


@pytest.mark.parametrize("path", _modules(), ids=_ids(_modules()))
def test_every_module_has_a_docstring(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and doc.strip(), f"{path.relative_to(ROOT)} has no module docstring saying what it is for"


def _is_registered_rule(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Rule checks are documented by the metadata of their ``@define(...)`` decorator."""
    return any(isinstance(d, ast.Call) and getattr(d.func, "id", "") == "define" for d in node.decorator_list)


@pytest.mark.parametrize("path", _modules(), ids=_ids(_modules()))
def test_public_functions_and_classes_have_docstrings(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = [
        f"{node.name} (line {node.lineno})"
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and not node.name.startswith("_")
        and not ast.get_docstring(node)
        and not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_registered_rule(node))
    ]
    assert not missing, f"{path.relative_to(ROOT)}: public names without a docstring: {missing}"


def _test_texts() -> dict[str, str]:
    return {p.relative_to(TESTS).as_posix(): p.read_text(encoding="utf-8") for p in TESTS.rglob("test_*.py")}


@pytest.mark.parametrize("module", MAIN_MODULES)
def test_main_modules_have_tests(module: str) -> None:
    where = PACKAGE.joinpath(*module.split("."))
    assert where.with_suffix(".py").is_file() or (where / "__init__.py").is_file(), (
        f"ropa.{module} is gone: update MAIN_MODULES"
    )
    texts = _test_texts()
    leaf = module.rpartition(".")[2]
    named = [name for name in texts if Path(name).stem.startswith(f"test_{leaf}") or name.startswith(f"{leaf}/")]
    parent, _, _ = f"ropa.{module}".rpartition(".")
    mention = re.compile(rf"\bropa\.{re.escape(module)}\b|\bfrom {re.escape(parent)} import [\w, ]*\b{leaf}\b")
    mentioned = [name for name, text in texts.items() if mention.search(text)]
    assert named or mentioned, f"no test file is named after or imports ropa.{module}"


def test_the_tree_checks_are_not_vacuous() -> None:
    assert len(_modules()) > 20
    assert len(_test_texts()) >= 8
