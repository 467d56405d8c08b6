"""A workbook as plain grids of cell values: what the XLSX and ODS readers produce and the mappers read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CellValue = str | int | float | bool | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Cell:
    """One cell: its value, and whether the file holds a formula there rather than a value."""

    value: CellValue
    formula: bool = False


@dataclass(frozen=True)
class Merge:
    """A merged range, 1-based rows and 0-based columns, both ends included."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int

    def covers(self, row: int, column: int) -> bool:
        """Whether the cell (row, column) lies inside the range."""
        return self.first_row <= row <= self.last_row and self.first_column <= column <= self.last_column


@dataclass
class Sheet:
    """One sheet: rows of cells (row 1 first), and its merged ranges."""

    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)

    def cell(self, row: int, column: int) -> Cell:
        """The cell at a 1-based row and 0-based column (an empty one outside the data)."""
        if 1 <= row <= len(self.rows) and 0 <= column < len(self.rows[row - 1]):
            return self.rows[row - 1][column]
        return EMPTY

    def merge_at(self, row: int, column: int) -> Merge | None:
        """The merged range covering a cell, if any."""
        return next((m for m in self.merges if m.covers(row, column)), None)


@dataclass
class Book:
    """A workbook: its sheets in order, and the date it was last saved, when the file says."""

    sheets: list[Sheet]
    modified: dt.date | None = None

    def sheet(self, name: str) -> Sheet | None:
        """The sheet of this name (case and surrounding spaces ignored)."""
        wanted = name.strip().casefold()
        return next((s for s in self.sheets if s.name.strip().casefold() == wanted), None)


EMPTY = Cell(None)
