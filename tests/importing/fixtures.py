"""Fixture workbooks built with openpyxl to the templates' published column lists (test helper)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from ropa.importing.ico import CONTROLLER, PROCESSOR


def workbook(
    path: Path, sheets: dict[str, Sequence[Sequence[Any]]], merges: dict[str, list[str]] | None = None
) -> Path:
    """Write ``sheets`` (name -> rows) to ``path``; ``merges`` names ranges to merge per sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
    book.save(path)
    return path


def ico_rows(rows: Sequence[dict[str, Any]], extra: Sequence[str] = ()) -> list[list[Any]]:
    """An ICO controller sheet: the header block (rows 1-6, blank row 7-8), headings in row 9, then ``rows``."""
    head: list[list[Any]] = [
        ["Name", "Acme Retail Ltd"],
        ["Address", "1 High Street, London, United Kingdom"],
        ["Email", "privacy@acme.example"],
        ["Telephone", "+44 20 7946 0000"],
        ["DPO", "Jane Doe"],
        ["Representative", None],
        [],
        [],
        [*CONTROLLER, *extra],
    ]
    for values in rows:
        head.append([values.get(h) for h in (*CONTROLLER, *extra)])
    return head


def ico_processor_rows(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """An ICO processor sheet (columns as listed, unverified), headings in row 9."""
    head: list[list[Any]] = [
        ["Name", "Acme Processing Ltd"],
        ["Address", "2 Low Road, Leeds, UK"],
        [],
        [],
        [],
        [],
        [],
        [],
    ]
    head.append(list(PROCESSOR))
    head += [[values.get(h) for h in PROCESSOR] for values in rows]
    return head
