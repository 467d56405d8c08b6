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
from ropa.render.html import render
from ropa.render.jobs import PartResult
from ropa.render.joinpdf import join_parts
from ropa.render.pagestamp import PAGE_LABEL, SampleError
from ropa.render.parts import numbers_html
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


PATTERN = "NUMBER {page} OF {pages}"
"""A label other than the register's, so the words come from the pattern and not from the template."""


def numbers(register: Register, pattern: str = PATTERN, templates: Path | None = None) -> PartResult:
    """``page_numbers.html`` laid out with the sample labels of ``pattern`` (what the joiner draws from)."""
    return render_part(numbers_html(pattern, templates), register, templates)


def footer_words(pdf: bytes, folder: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page, the words in the bottom margin with their boxes (``pdftotext -bbox``)."""
    import re

    path = folder / "footer.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout.decode()
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
    return [
        [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in word.findall(one) if float(b) > 800]
        for one in html.split("</page>")[:-1]
    ]


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
    return join_parts([first, second], numbers(register), PATTERN, None, set())


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


def test_the_page_numbers_are_artifacts_in_one_embedded_font(joined: bytes) -> None:
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        fonts = set()
        for one in pdf.pages:
            form = one.obj.Resources.XObject.RopaPageNumber
            assert b"MCID" not in form.read_bytes(), "the number is an artifact, not tagged content"
            fonts |= {font.objgen for font in form.Resources.Font.values()}
            font = next(iter(form.Resources.Font.values()))
            assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor and "/ToUnicode" in font
        assert len(fonts) == 1, "every page's number draws from the one font of the sample"
        last = pdf.pages[-1].obj.Contents[-1].read_bytes()
        assert b"/Artifact BMC" in last and b"/RopaPageNumber Do" in last


RIGHT, LEFT, CENTRE = "@bottom-right", "@bottom-left", "@bottom-center"


@pytest.mark.parametrize("box", [RIGHT, LEFT, CENTRE])
def test_each_number_is_where_the_margin_box_puts_it(register: Register, tmp_path: Path, box: str) -> None:
    """The drawn numbers against page_numbers.html laid out with the very labels (as numbers were drawn before)."""
    from ropa.render.html import BUILTIN

    templates = None
    if box != RIGHT:
        templates = tmp_path / "templates"
        templates.mkdir()
        source = (BUILTIN / "page_numbers.html").read_text(encoding="utf-8")
        rule = f"{box} {{ content: string(page-label); }}"
        off = "@bottom-right { content: none; }"
        moved = source.replace("@bottom-left { content: none; }", rule if box == LEFT else "")
        moved = moved.replace(
            "@bottom-right { content: string(page-label); }", f"{off} {rule if box == CENTRE else ''}"
        )
        moved = moved.replace("div.page {", f"@page :first {{ {off} {rule} }}\ndiv.page {{")
        assert moved.count("string(page-label)") == 2, moved
        (templates / "page_numbers.html").write_text(moved, encoding="utf-8")
    pages = [page(f"TEXT {n}") for n in range(12)]
    joined = join_parts([part(register, *pages)], numbers(register, PAGE_LABEL, templates), PAGE_LABEL, None)
    labels = [f"page {n} of 12" for n in range(1, 13)]
    drawn = render_part(render("page_numbers.html", templates, labels=labels), register, templates).pdf
    found, expected = footer_words(joined, tmp_path), footer_words(drawn, tmp_path)
    assert len(found) == len(expected) == 12
    for mine, theirs in zip(found, expected, strict=True):
        assert [w[0] for w in mine] == [w[0] for w in theirs]
        for a, b in zip(mine, theirs, strict=True):
            assert all(abs(x - y) < 0.01 for x, y in zip(a[1:], b[1:], strict=True)), (a, b)


def test_a_sample_without_one_line_of_text_is_refused(register: Register) -> None:
    blank = part(register, page(""), page(""))
    with pytest.raises(SampleError, match="drawn as 0 runs of text"):
        join_parts([part(register, page("ONLY"))], blank, PATTERN, None)
