"""Read an ODS workbook (OpenDocument spreadsheet) into grids: a zip whose ``content.xml`` holds the sheets.

No ODS reader is in the lock, so the XML is read here, with :mod:`xml.etree.ElementTree` within
limits: the zip is checked first (:func:`~ropa.importing.limits.check_zip` refuses any document type
declaration, so no entity can be expanded), ``content.xml`` may not exceed :data:`MAX_CONTENT_BYTES`,
and repeated empty rows and columns (ODS writes "1,048,000 empty rows" as one element) are never
expanded past the last value.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ropa.importing.grid import Book, Cell, CellValue, Merge, Sheet
from ropa.importing.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, check_file, check_zip
from ropa.importing.problems import ImportFailed, Problem

MAX_CONTENT_BYTES = 50 * 1024 * 1024
"""Largest ``content.xml`` parsed."""

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"


def read_ods(path: Path, shown: str) -> Book:
    """The ODS workbook at ``path`` as grids; ``shown`` is its name in messages."""
    check_file(path, shown)
    check_zip(path, shown, "ODS")

    def fail(message: str) -> ImportFailed:
        return ImportFailed([Problem(shown, "", "", message)])

    with zipfile.ZipFile(path) as archive:
        try:
            info = archive.getinfo("content.xml")
        except KeyError:
            raise fail("not an ODS workbook (no content.xml)") from None
        if info.file_size > MAX_CONTENT_BYTES:
            raise fail(f"content.xml is over {MAX_CONTENT_BYTES // (1024 * 1024)} MB; refused")
        content = archive.read(info)
        meta = archive.read("meta.xml") if "meta.xml" in archive.namelist() else b""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise fail(f"content.xml is not well-formed XML ({exc})") from None
    budget = [MAX_CELLS]
    sheets = [_sheet(table, shown, budget) for table in root.iter(f"{_TABLE}table")]
    return Book(sheets, _modified(meta))


def _modified(meta: bytes) -> dt.date | None:
    if not meta:
        return None
    try:
        found = ElementTree.fromstring(meta).find(f".//{_DC}date")
    except ElementTree.ParseError:
        return None
    if found is None or not found.text:
        return None
    try:
        return dt.date.fromisoformat(found.text[:10])
    except ValueError:
        return None


def _text(element: ElementTree.Element) -> str:
    """The text of a paragraph, with ``text:s`` spaces, tabs and line breaks."""
    out = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            out.append(" " * int(child.get(f"{_TEXT}c", "1") or 1))
        elif child.tag == f"{_TEXT}tab":
            out.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            out.append("\n")
        else:
            out.append(_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _value(cell: ElementTree.Element) -> Cell:
    formula = cell.get(f"{_TABLE}formula")
    kind = cell.get(f"{_OFFICE}value-type")
    value: CellValue = None
    if kind in ("float", "percentage", "currency"):
        number = float(cell.get(f"{_OFFICE}value", "0"))
        value = int(number) if number.is_integer() else number
    elif kind == "date":
        raw = cell.get(f"{_OFFICE}date-value", "")
        try:
            value = dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
        except ValueError:
            value = raw
    elif kind == "boolean":
        value = cell.get(f"{_OFFICE}boolean-value") == "true"
    else:
        paragraphs = [_text(p) for p in cell.iter(f"{_TEXT}p")]
        value = "\n".join(paragraphs) if paragraphs else None
    if formula:
        return Cell(formula, formula=True)
    return Cell(value)


def _rows(table: ElementTree.Element) -> list[ElementTree.Element]:
    """The rows of a table, also those inside header-row and row-group elements, in order."""
    rows: list[ElementTree.Element] = []
    for child in table:
        if child.tag == f"{_TABLE}table-row":
            rows.append(child)
        elif child.tag in (f"{_TABLE}table-header-rows", f"{_TABLE}table-row-group", f"{_TABLE}table-rows"):
            rows.extend(_rows(child))
    return rows


def _sheet(table: ElementTree.Element, shown: str, budget: list[int]) -> Sheet:
    name = table.get(f"{_TABLE}name", "")
    sheet = Sheet(name)
    pending = 0  # empty rows seen since the last row with a value
    for row in _rows(table):
        repeat = int(row.get(f"{_TABLE}number-rows-repeated", "1") or 1)
        cells, merges = _cells(row, len(sheet.rows) + pending + 1)
        if not cells:
            pending += repeat
            continue
        for _ in range(min(repeat, MAX_ROWS)):
            sheet.rows.extend([[] for _ in range(pending)])
            pending = 0
            sheet.rows.append(list(cells))
            budget[0] -= len(cells)
            if len(sheet.rows) > MAX_ROWS:
                raise ImportFailed([Problem(shown, name, "", f"more than {MAX_ROWS} rows; split the sheet")])
            if budget[0] < 0:
                raise ImportFailed([Problem(shown, "", "", f"more than {MAX_CELLS} cells; split the workbook")])
        sheet.merges.extend(merges)
    return sheet


def _cells(row: ElementTree.Element, number: int) -> tuple[list[Cell], list[Merge]]:
    """The cells of one row up to its last value, and the merged ranges starting in it."""
    cells: list[Cell] = []
    merges: list[Merge] = []
    pending = 0
    for cell in row:
        if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
            continue
        repeat = int(cell.get(f"{_TABLE}number-columns-repeated", "1") or 1)
        value = _value(cell) if cell.tag == f"{_TABLE}table-cell" else Cell(None)
        across = int(cell.get(f"{_TABLE}number-columns-spanned", "1") or 1)
        down = int(cell.get(f"{_TABLE}number-rows-spanned", "1") or 1)
        if across > 1 or down > 1:
            column = len(cells) + pending
            merges.append(Merge(number, column, number + down - 1, column + across - 1))
        if value.value in (None, ""):
            pending += repeat
            continue
        for _ in range(min(repeat, MAX_COLUMNS)):
            cells.extend([Cell(None)] * pending)
            pending = 0
            cells.append(value)
        if len(cells) > MAX_COLUMNS:
            del cells[MAX_COLUMNS:]
            break
    return cells, merges
