"""The example workbook as LibreOffice prints it: every cell in full, at a readable size, with running heads.

The review of December 2026 found the Activities sheet printed as a strip of 1-pt text and wrapped cells
cut to their first line. These tests print the workbook with LibreOffice (converted once per module) and
read the PDF back with pdftotext, pypdf and pdftoppm.
"""

from __future__ import annotations

import math
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from openpyxl.workbook.workbook import Workbook
from pypdf import PageObject, PdfReader

from ropa.render.text import NOT_STATED

ORGANISATION = "Nordlicht Commerce GmbH"
RUNNING_HEAD = "Record of processing activities, version 2026.2 of 2026-11-01"


@pytest.fixture(scope="module")
def pages(printed: Path) -> list[str]:
    """The text of each printed page, in reading order."""
    text = subprocess.run(["pdftotext", "-raw", str(printed), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _sheet(page: str) -> str:
    """The sheet a printed page belongs to, from its footer ("Activities Page 3 of 86")."""
    found = re.search(r"^(.+?) Page \d+ of \d+$", page, re.MULTILINE)
    assert found, page[:200]
    return found.group(1)


def _flat(text: str) -> str:
    """Text without any whitespace: a cell's lines break wherever its column does."""
    return re.sub(r"\s+", "", text)


def _shown(value: object) -> str:
    """A cell value as the printout shows it (dates in the workbook's ISO date format)."""
    if hasattr(value, "date") and callable(value.date):
        return str(value.date().isoformat())
    return str(value)


def test_every_cell_is_printed_in_full(workbook: Workbook, pages: list[str]) -> None:
    printed = _flat("".join(pages))
    cut: list[tuple[str, str, str]] = []
    count = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                count += 1
                if _flat(_shown(cell.value)) not in printed:
                    cut.append((ws.title, cell.coordinate, _shown(cell.value)[:60]))
    assert count > 3000, "the example workbook should hold thousands of cells"
    assert not cut, f"{len(cut)} cells are not printed in full, e.g. {cut[:5]}"


def _sizes(printed: Path) -> list[Counter[float]]:
    """The size in points at which each page's text is drawn (font size times text and page scaling)."""
    return [_page_sizes(page) for page in PdfReader(printed).pages]


def _page_sizes(page: PageObject) -> Counter[float]:
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            scale = math.hypot(tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])
            sizes[round(size * scale, 1)] += 1

    page.extract_text(visitor_text=visit)
    return sizes


def test_text_is_printed_at_a_readable_size(printed: Path, pages: list[str]) -> None:
    sizes = _sizes(printed)
    assert len(sizes) == len(pages)
    smallest = min(s for page in sizes for s in page)
    assert smallest >= 6.0, f"text printed at {smallest} pt"
    activities = [sizes[i] for i, text in enumerate(pages) if _sheet(text) == "Activities"]
    assert len(activities) >= 5, "the 33 columns of Activities continue on pages across"
    body = Counter[float]()
    for page in activities:
        body.update(page)
    assert body.most_common(1)[0][0] >= 7.5, body  # 11 pt at 70 %


def test_every_page_names_the_organisation_record_version_date_and_page_x_of_y(pages: list[str]) -> None:
    total = len(pages)
    for number, text in enumerate(pages, 1):
        assert ORGANISATION in text, number
        assert RUNNING_HEAD in text, number
        assert f"Page {number} of {total}" in text, number


def test_wide_sheets_repeat_their_key_column_on_every_page_across(workbook: Workbook, pages: list[str]) -> None:
    ws = workbook["Activities"]
    headers = [c.value for c in ws[1]]
    names = [_flat(str(row[headers.index("Activity")])) for row in ws.iter_rows(min_row=2, values_only=True)]
    activities = [_flat(text) for text in pages if _sheet(text) == "Activities"]
    assert len(activities) > len(names), "the rows continue on pages across"
    for number, text in enumerate(activities, 1):
        assert any(name in text for name in names), f"Activities page {number} does not say which activity it is"
    assert any(_flat(str(headers[-1])) in text for text in activities), "the last column is printed too"


def test_gaps_are_highlighted_on_paper(printed: Path, pages: list[str], tmp_path: Path) -> None:
    from PIL import Image

    number = next(i for i, text in enumerate(pages, 1) if NOT_STATED in text and _sheet(text) == "Activities")
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", str(number), "-l", str(number), str(printed), str(tmp_path / "p")],
        check=True,
    )
    [png] = tmp_path.glob("p*.png")
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    yellow = sum(n for n, (r, g, b) in colours if r > 240 and 215 < g < 245 and 130 < b < 175)
    assert yellow > 200, f"page {number} shows {NOT_STATED!r} but no highlighted cell"
