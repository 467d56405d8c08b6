"""A sheet read as a table: find its header row, check it, and give each data row by heading.

Shared by the tabular sources (the ICO templates, ropa's own workbook). A header row is the first
row, among the first 30, where enough cells are known headings. Merged cells across the header or
a data column, and formulas in a column the import reads, are problems: the value a merged range
or a formula shows is not reliably in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ropa.importing.grid import EMPTY, Cell, CellValue, Sheet
from ropa.importing.problems import Problem, cell_name
from ropa.importing.values import folded, text

HEADER_SCAN_ROWS = 30
"""How many rows from the top are searched for the header row."""


def heading_key(value: str) -> str:
    """A heading as compared: folded, without parenthesised asides ('(if applicable)') or trailing '?:*'."""
    key = re.sub(r"\([^)]*\)", " ", folded(value))
    return re.sub(r"\s+", " ", key).strip(" ?:*.")


@dataclass
class Row:
    """One data row: its number, its cells by canonical heading, and the cells of columns that do not map."""

    sheet: str
    number: int
    cells: dict[str, Cell]
    extra: list[tuple[str, str]] = field(default_factory=list)

    def raw(self, heading: str) -> CellValue:
        """The cell value under a heading (None when blank or absent)."""
        return self.cells.get(heading, EMPTY).value

    def get(self, heading: str) -> str | None:
        """The cell under a heading as text, None when blank or absent."""
        return text(self.raw(heading))


@dataclass
class Table:
    """A sheet's data rows and where its header row is."""

    sheet: Sheet
    header_row: int
    columns: dict[int, str]
    rows: list[Row]


def find_header(sheet: Sheet, known: Mapping[str, str], minimum: int) -> int | None:
    """The 1-based number of the first row with at least ``minimum`` known headings, or None."""
    for number in range(1, min(HEADER_SCAN_ROWS, len(sheet.rows)) + 1):
        found = sum(1 for c in sheet.rows[number - 1] if isinstance(c.value, str) and heading_key(c.value) in known)
        if found >= minimum:
            return number
    return None


def read_table(
    shown: str,
    sheet: Sheet,
    headings: Sequence[str],
    problems: list[Problem],
    minimum: int = 3,
    aliases: Mapping[str, str] | None = None,
) -> Table | None:
    """The rows of ``sheet`` under the known ``headings`` (each data row keyed by the heading as given here).

    Problems (no header row, merged header cells, a formula in a read column, merged data cells,
    a heading twice) are appended to ``problems``; None when there is no header row at all.
    """
    known = {heading_key(h): h for h in headings}
    known.update({heading_key(a): h for a, h in (aliases or {}).items()})
    header = find_header(sheet, known, minimum)
    if header is None:
        sample = "', '".join(headings[:3])
        problems.append(
            Problem(shown, sheet.name, "A1", f"no header row found (looked for headings such as '{sample}')")
        )
        return None
    columns: dict[int, str] = {}
    extra: dict[int, str] = {}
    for index, cell in enumerate(sheet.rows[header - 1]):
        label = text(cell.value)
        if label is None:
            continue
        where = cell_name(header, index)
        if cell.formula:
            problems.append(Problem(shown, sheet.name, where, "a formula in the header row; type the heading"))
            continue
        canonical = known.get(heading_key(label))
        if canonical is None:
            extra[index] = label
        elif canonical in columns.values():
            problems.append(Problem(shown, sheet.name, where, f"heading '{label}' appears twice; remove one column"))
        else:
            columns[index] = canonical
    for merge in sheet.merges:
        if merge.first_row <= header <= merge.last_row:
            first, last = cell_name(merge.first_row, merge.first_column), cell_name(merge.last_row, merge.last_column)
            problems.append(
                Problem(
                    shown,
                    sheet.name,
                    first,
                    f"merged header cells {first}:{last}; unmerge them so that each column has its own heading",
                )
            )
        elif (
            merge.first_row > header
            and merge.last_row > merge.first_row
            and any(merge.first_column <= c <= merge.last_column for c in columns)
        ):
            first = cell_name(merge.first_row, merge.first_column)
            last = cell_name(merge.last_row, merge.last_column)
            problems.append(
                Problem(
                    shown,
                    sheet.name,
                    first,
                    f"merged cells {first}:{last} across rows; unmerge them and repeat the value in each row",
                )
            )
    rows = []
    for number in range(header + 1, len(sheet.rows) + 1):
        cells = sheet.rows[number - 1]
        if all(text(c.value) is None for c in cells):
            continue
        row = Row(sheet.name, number, {})
        for index, cell in enumerate(cells):
            if index in columns:
                if cell.formula:
                    problems.append(
                        Problem(
                            shown,
                            sheet.name,
                            cell_name(number, index),
                            f"a formula ({str(cell.value)[:40]}) where text is expected; "
                            "paste the values instead (Paste special > Values)",
                        )
                    )
                    continue
                row.cells[columns[index]] = cell
            elif index in extra and (value := text(cell.value)) is not None:
                row.extra.append((extra[index], value))
        rows.append(row)
    return Table(sheet, header, columns, rows)


def source(shown: str, row: Row) -> str:
    """``FILE, sheet, row N``: the ``source`` of every fact imported from the row."""
    return f"{shown}, {row.sheet}, row {row.number}"
