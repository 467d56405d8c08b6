"""Read an XLSX workbook into grids, safely: read-only, no external links, formulas seen as formulas.

openpyxl is imported here only, when a workbook is imported, never by ``ropa validate``.
Read-only worksheets do not expose merged ranges, so those are read from the sheet's own XML.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from ropa.importing.grid import Book, Cell, CellValue, Merge, Sheet
from ropa.importing.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, check_file, check_zip
from ropa.importing.problems import ImportFailed, Problem

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def read_xlsx(path: Path, shown: str) -> Book:
    """The workbook at ``path`` as grids; ``shown`` is its name in messages.

    Raises:
        ImportFailed: the file is too large, not a workbook, or has more cells than the limits allow.
    """
    check_file(path, shown)
    check_zip(path, shown, "XLSX")
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except (InvalidFileException, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ImportFailed([Problem(shown, "", "", f"not a readable XLSX workbook ({exc})")]) from None
    try:
        sheets = []
        budget = [MAX_CELLS]
        for worksheet in workbook.worksheets:
            sheet = Sheet(str(worksheet.title), _rows(worksheet, shown, budget))
            sheet.merges = _merges(path, getattr(worksheet, "_worksheet_path", None))
            sheets.append(sheet)
        modified = workbook.properties.modified
        return Book(sheets, modified.date() if isinstance(modified, dt.datetime) else None)
    finally:
        workbook.close()


def _value(cell: Any) -> Cell:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=") and len(value) > 1):
        return Cell(str(value), formula=True)
    if isinstance(value, str | int | float | bool | dt.date | dt.datetime) or value is None:
        typed: CellValue = value
        return Cell(typed)
    return Cell(str(value))


def _rows(worksheet: Any, shown: str, budget: list[int]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for number, raw in enumerate(worksheet.iter_rows(), 1):
        if number > MAX_ROWS:
            raise ImportFailed(
                [Problem(shown, str(worksheet.title), "", f"more than {MAX_ROWS} rows; split the sheet")]
            )
        cells = [_value(c) for c in raw[:MAX_COLUMNS]]
        while cells and cells[-1].value in (None, ""):
            cells.pop()
        budget[0] -= len(cells)
        if budget[0] < 0:
            raise ImportFailed([Problem(shown, "", "", f"more than {MAX_CELLS} cells; split the workbook")])
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _merges(path: Path, part: str | None) -> list[Merge]:
    """The merged ranges the sheet's XML declares (``<mergeCell ref="A1:B2"/>``)."""
    if not part:
        return []
    from openpyxl.utils.cell import range_boundaries

    found: list[Merge] = []
    with zipfile.ZipFile(path) as archive:
        try:
            stream = archive.open(part.lstrip("/"))
        except KeyError:
            return []
        with stream:
            for _event, element in iterparse(stream):
                if element.tag == f"{_MAIN}mergeCell":
                    ref = element.get("ref", "")
                    try:
                        low_col, low_row, high_col, high_row = range_boundaries(ref)
                    except (ValueError, TypeError):
                        continue
                    if None not in (low_col, low_row, high_col, high_row):
                        found.append(
                            Merge(int(low_row or 0), int(low_col or 0) - 1, int(high_row or 0), int(high_col or 0) - 1)
                        )
                element.clear()
    return found
