"""The example's register PDF page by page against a reference taken before its page numbers were stamped.

``tests/data/register-pages.json`` holds the page count, the text of every page and the box of
every word of each page's "page X of Y" (``scripts/register_pages.py`` wrote it; it says how to
regenerate it). The page numbers are now written by the joiner instead of laid out by WeasyPrint
on blank pages: text and place must not have moved.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "register_pages.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("register_pages", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built() -> tuple[ModuleType, bytes]:
    script = _script()
    return script, script.example_register_pdf()


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "tests" / "data" / "register-pages.json").read_text(encoding="utf-8"))
    return data


def test_every_page_has_the_reference_text(built: tuple[ModuleType, bytes], reference: dict[str, Any]) -> None:
    script, pdf = built
    found = script.pages_of(pdf)
    assert found["pages"] == reference["pages"] == len(reference["text"])
    for number, (mine, theirs) in enumerate(zip(found["text"], reference["text"], strict=True), start=1):
        assert mine == theirs, f"page {number} differs from the reference"
        assert f"page {number} of {reference['pages']}" in mine


def test_every_page_number_is_where_it_was(built: tuple[ModuleType, bytes], reference: dict[str, Any]) -> None:
    script, pdf = built
    found = script.pages_of(pdf)["page_numbers"]
    assert len(found) == reference["pages"]
    for number, (mine, theirs) in enumerate(zip(found, reference["page_numbers"], strict=True), start=1):
        assert [w[0] for w in mine] == [w[0] for w in theirs], f"page {number}"
        for a, b in zip(mine, theirs, strict=True):
            assert all(abs(x - y) <= 0.015 for x, y in zip(a[1:], b[1:], strict=True)), (number, a, b)


def test_every_font_is_embedded_with_its_text(built: tuple[ModuleType, bytes], tmp_path: Path) -> None:
    """PDF/A: each font drawn is embedded and maps back to text (pdffonts: emb and uni)."""
    _script, pdf = built
    path = tmp_path / "register.pdf"
    path.write_bytes(pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        emb, _sub, uni = row.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), row
