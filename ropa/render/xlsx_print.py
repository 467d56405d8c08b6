"""How each workbook sheet prints: scale, column bands, running heads, row heights, highlighted gaps.

A spreadsheet program prints what the file says: with no row heights it shows only the first line
of a wrapped cell, and "fit to one page wide" shrinks a 33-column sheet to a strip of 1-pt text.
So every sheet here prints at a readable scale (never below :data:`MIN_SCALE`), wide sheets
continue on further pages across with their key column repeated, every row carries a height
estimated from its text, and each page names the organisation, the record's version and date.
Everything is computed from the register alone, so the file stays byte-for-byte reproducible.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ropa.render.tables.table import Table, Value
from ropa.render.text import NOT_STATED

MIN_SCALE = 70
"""Smallest print scale in percent: the 11-pt body text prints at 7.7 pt."""

LINE_PT = 15.0
"""Height of one line of 11-pt Calibri in points, as Excel spaces it (LibreOffice needs less)."""

MAX_ROW_PT = 409.0
"""Excel's tallest row."""

CHARS_PER_UNIT = 1.1
"""Characters of ordinary text that fit in one unit of column width (the width of a digit);
Calibri's average letter is narrower than its digits, so this errs towards a line too many."""

PAGE_MM = 297.0 - 2 * 0.4 * 25.4
"""Printable width of A4 landscape between the left and right margins (0.4 in each)."""

GAPS = tuple(sorted({NOT_STATED.lower(), "not stated", "not recorded"}))
"""Words that mark a gap in the record (:data:`NOT_STATED`, and the phrases that end in it, such as
"mechanism not stated"); a cell containing one of them, in any case, is highlighted."""

UNHIGHLIGHTED = frozenset({"Findings"})
"""Sheets whose cells describe gaps rather than being them (a finding's message says what is missing)."""

KEY_COLUMNS: Mapping[str, str] = {
    "Activities": "Activity",
    "Data categories": "Data category",
    "Recipients": "Activity",
    "Providers": "Legal name",
    "Sub-processors": "Sub-processor",
    "Transfers": "Activity or controller",
    "Retention": "Data category",
    "Art. 30(2) processor": "Activity id",
    "Findings": "Rule",
}
"""Sheet -> the column repeated at the left of every page when the sheet is wider than a page."""


@dataclass(frozen=True)
class PageInfo:
    """What every printed page says about the record it belongs to."""

    organisation: str
    version: str
    date: str
    """The record date as the document's language writes it."""


def width_mm(width: float) -> float:
    """Printed width at 100 % of a column ``width`` characters wide (7 px a character plus 5 px, at 96 dpi)."""
    return (width * 7 + 5) * 25.4 / 96


def print_scale(widths: Sequence[float]) -> int:
    """The scale at which the sheet fits one page wide, but never below :data:`MIN_SCALE` nor above 100."""
    total = sum(width_mm(w) for w in widths)
    return max(MIN_SCALE, min(100, math.floor(100 * PAGE_MM / total)))


@lru_cache(maxsize=4096)
def _weight(word: str) -> int:
    """Width of a word in characters, East Asian wide characters counting two."""
    if word.isascii():
        return len(word)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in word)


def text_lines(text: str, width: float, bold: bool = False) -> int:
    """Lines ``text`` takes when wrapped at word boundaries in a column ``width`` characters wide."""
    capacity = max(1, math.floor(width * CHARS_PER_UNIT * (0.9 if bold else 1.0)) - 1)
    count = 0
    for paragraph in text.split("\n"):
        if len(paragraph) <= capacity and paragraph.isascii():
            count += 1
            continue
        words = paragraph.split(" ")
        sizes = map(len, words) if paragraph.isascii() else map(_weight, words)
        lines, used = 1, 0
        for size in sizes:
            need = size + 1 if used else size
            if used + need <= capacity:
                used += need
                continue
            if used:
                lines += 1
            full, used = divmod(size, capacity)  # a word longer than a line breaks inside it
            if used == 0 and full:
                full, used = full - 1, capacity
            lines += full
        count += lines
    return count


_REMEMBERED = 4096
"""Long texts whose line count is kept per sheet (a provider's measures repeat on each of its activities)."""


class RowHeights:
    """Row heights for one sheet's columns: the tallest wrapped cell of a row, in points.

    Only a text longer than its column or holding a line break needs counting; the counts of
    such texts are remembered, since the same long text often fills a column row after row.
    """

    def __init__(self, widths: Sequence[float], bold: bool = False) -> None:
        self._columns = [(w, w * CHARS_PER_UNIT - 1) for w in widths]
        self._bold = bold
        self._seen: dict[tuple[str, float], int] = {}

    def __call__(self, values: Sequence[Value | None]) -> float | None:
        """The height of a row of ``values``, or None when one line is enough (the default height)."""
        most = 1
        for value, (width, fits) in zip(values, self._columns, strict=False):
            if isinstance(value, str) and (len(value) >= fits or "\n" in value or "\r" in value):
                most = max(most, self._lines(value, width))
        if most == 1:
            return None
        return min(MAX_ROW_PT, most * LINE_PT)

    def _lines(self, value: str, width: float) -> int:
        key = (value, width)
        found = self._seen.get(key)
        if found is None:
            text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
            found = text_lines(text, width, self._bold)
            if len(self._seen) >= _REMEMBERED:
                self._seen.clear()
            self._seen[key] = found
        return found


def _head_text(value: str) -> str:
    """Text for a running head: on one line, ``&`` doubled (one alone starts a code), short (Excel allows 255)."""
    value = " ".join(value.split())
    if len(value) > 80:
        value = value[:79] + "…"
    return value.replace("&", "&&")


def setup_print(ws: Any, table: Table, page: PageInfo, last_row: int) -> None:
    """Page set-up, running heads and gap highlighting of one sheet holding rows 1 to ``last_row``."""
    from openpyxl.formatting.rule import Rule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    scale = print_scale(table.widths)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.scale = scale
    ws.page_setup.pageOrder = "overThenDown"  # the pages across of the same rows follow each other
    ws.print_options.gridLines = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25, footer=0.25)
    ws.print_title_rows = "1:1"
    key = KEY_COLUMNS.get(table.name)
    if key in table.headers and sum(width_mm(w) for w in table.widths) * scale / 100 > PAGE_MM:
        letter = get_column_letter(table.headers.index(key) + 1)
        ws.print_title_cols = f"{letter}:{letter}"
    ws.oddHeader.left.text = _head_text(page.organisation)
    from ropa.i18n import gettext

    head = gettext("Record of processing activities, version {version} of {date}")
    ws.oddHeader.right.text = head.format(version=_head_text(page.version), date=page.date)
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = gettext("Page &P of &N")
    if last_row > 1 and table.name not in UNHIGHLIGHTED:
        cells = f"A2:{get_column_letter(len(table.headers))}{last_row}"
        gap = DifferentialStyle(font=Font(color="FF9C0006"), fill=PatternFill(bgColor="FFFFE699"))
        gaps = GAPS if gettext(NOT_STATED) == NOT_STATED else (*GAPS, gettext(NOT_STATED).lower())
        found = ",".join(f'ISNUMBER(SEARCH("{words}",A2))' for words in gaps)
        rule = Rule(type="expression", dxf=gap, formula=[f"OR({found})"])
        ws.conditional_formatting.add(cells, rule)
