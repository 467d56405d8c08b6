"""The streamed join of tagged parts (ropa/render/joinpdf.py), tested on small parts of its own.

What no PDF library does for us: one structure tree whose elements all point at pages of the
joined file, a parent tree with an entry per page, the page numbers drawn over the right pages and
the outline shifted to where each part's pages landed.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from ropa.model.register import Register
from ropa.pipeline import load_and_check_for_documents
from ropa.render.jobs import PartResult
from ropa.render.joinpdf import join_parts, join_parts_to
from ropa.render.pdf import render_part

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"


@pytest.fixture(scope="module")
def register() -> Register:
    return load_and_check_for_documents(EXAMPLE)[0]


def page(text: str, heading: str = "") -> str:
    head = f"<h1>{heading}</h1>" if heading else ""
    return f'<section style="page-break-before: always">{head}<p>{text}</p></section>'


def part(register: Register, *pages: str) -> PartResult:
    return render_part(f"<html lang='en'><body>{''.join(pages)}</body></html>", register, None)


def numbers(register: Register, total: int) -> PartResult:
    return part(register, *(page(f"NUMBER {n} OF {total}") for n in range(1, total + 1)))


def texts(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return [" ".join(text.split()) for text in out.stdout.decode("utf-8").split("\f")[:-1]]


def elements(node: Any) -> list[Any]:
    """Every structure element below ``node``."""
    found = []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found.extend(elements(kid))
    return found


@pytest.fixture(scope="module")
def joined(register: Register) -> bytes:
    first = part(register, page("FIRST ONE", "Chapter A"), page("FIRST TWO"))
    second = part(register, page("SECOND ONE", "Chapter B"))
    return join_parts([first, second], [numbers(register, 3)], None, set())


def test_the_pages_of_every_part_in_order_with_their_numbers_drawn_over(joined: bytes) -> None:
    pages = texts(joined)
    assert len(pages) == 3
    for index, words in enumerate(["FIRST ONE", "FIRST TWO", "SECOND ONE"]):
        assert words in pages[index] and f"NUMBER {index + 1} OF 3" in pages[index], pages[index]


def test_one_structure_tree_pointing_only_at_pages_of_the_file(joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        root = pdf.Root.StructTreeRoot
        pages = {page.obj.objgen for page in pdf.pages}
        tagged = [element for element in elements(root) if "/Pg" in element]
        assert tagged and {element.Pg.objgen for element in tagged} <= pages
        assert {element.Pg.objgen for element in tagged} == pages, "every page of every part keeps its tagged content"
        trees = [root.ParentTree, *root.ParentTree.get("/Kids", [])]
        keys = {int(key) for tree in trees for key in tree.get("/Nums", [])[::2]}
        assert {int(page.StructParents) for page in pdf.pages} <= keys, "one parent-tree entry per page"
        assert len({int(page.StructParents) for page in pdf.pages}) == 3


def test_the_outline_points_at_the_pages_where_each_part_landed(joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            found = {item.title: index[item.destination[0].objgen] for item in outline.root}
    assert found == {"Chapter A": 0, "Chapter B": 2}


def test_page_numbers_for_another_page_count_are_refused(register: Register) -> None:
    one = part(register, page("ONLY"))
    out = io.BytesIO()
    with pytest.raises(ValueError, match="page numbers for 2 pages, but the register has 1"):
        join_parts_to(out, [one], [numbers(register, 2)], None, set())
