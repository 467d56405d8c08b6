"""Problems with an input spreadsheet, each located as ``file:sheet!cell``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ropa.errors import RopaError, printable


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the input workbook.

    Attributes:
        file: The file as given on the command line.
        sheet: Sheet name, empty when the problem is the file's.
        cell: Cell reference such as ``B9``, empty for a whole sheet.
        message: What is wrong and what to do, in one line.
    """

    file: str
    sheet: str
    cell: str
    message: str

    def render(self) -> str:
        """``file:sheet!cell: message`` (``file:sheet: ...`` or ``file: ...`` when less is known)."""
        where = self.file
        if self.sheet:
            where += f":{self.sheet}" + (f"!{self.cell}" if self.cell else "")
        return printable(f"{where}: {self.message}")


class ImportFailed(RopaError):
    """The workbook cannot be imported; nothing was written (exit code 2)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(p.render() for p in self.problems))


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``: the spreadsheet name of a 0-based column."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def cell_name(row: int, column: int) -> str:
    """``B9`` for the 1-based row 9 and the 0-based column 1."""
    return f"{column_letter(column)}{row}"
