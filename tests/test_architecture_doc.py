"""docs/architecture.md stays true to the tree: every file it names exists, and it places every module.

The page tells a newcomer where a new rule, reporter, document or reference-data file goes and which tests
keep each honest; a module moved or added without the page following would send them to the wrong place.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "architecture.md"
NAME = re.compile(r"(?<![\w./<*-])((?:[\w-]+/)*[\w-]+(?:\.py|\.yaml|\.md|/))(?![\w*>])")
"""A file or folder name as the page writes it: ``model/facts.py``, ``render/views/``, ``parts.py``."""


def _named() -> set[str]:
    return set(NAME.findall(PAGE.read_text(encoding="utf-8")))


def _exists(name: str) -> bool:
    """Relative to the repository or ``ropa/``, or, for a short name, the tail of a path inside ``ropa/`` or
    ``tests/`` (the diagram writes ``parts.py`` beside ``render/pdf.py``)."""
    if (ROOT / name).exists() or (ROOT / "ropa" / name).exists():
        return True
    tail = name.rstrip("/")
    return any(p.as_posix().endswith("/" + tail) for top in ("ropa", "tests") for p in (ROOT / top).rglob("*"))


def test_every_file_the_page_names_exists() -> None:
    named = _named()
    assert {"model/facts.py", "tests/test_import_graph.py", "rules/helpers.py"} <= named
    missing = sorted(name for name in named if not _exists(name))
    assert not missing, f"docs/architecture.md names files that do not exist (update the page): {missing}"


def test_the_page_places_every_top_level_module() -> None:
    text = PAGE.read_text(encoding="utf-8")
    entries = [p for p in (ROOT / "ropa").iterdir() if not p.name.startswith("_")]
    packages = {p.name + "/" for p in entries if (p / "__init__.py").is_file()}
    top = {p.name for p in entries if p.suffix == ".py"} | packages
    assert {"read/", "load/", "model/", "check/", "render/", "archive/"} <= top
    unplaced = sorted(name for name in top if not re.search(rf"(?<![\w/]){re.escape(name)}", text))
    assert not unplaced, f"docs/architecture.md does not say where these modules of ropa/ belong: {unplaced}"
