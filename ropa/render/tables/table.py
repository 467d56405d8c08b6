"""What a sheet is: columns (header, width, getter) over lazily produced items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

Value = str | int | dt.date
"""A cell value: text, a whole number for counts and line numbers, or a date."""

Row = tuple[Value, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its header, a width in characters, and how to get its value from an item."""

    header: str
    width: int
    value: Callable[[T], Value]


@dataclass(frozen=True)
class Table:
    """One sheet's worth of data.

    Attributes:
        name: Sheet name (at most 31 characters, no ``[]:*?/\\``).
        description: What one row is, for the About sheet.
        headers: Column headers, in order.
        widths: Column widths in characters, in the same order.
        rows: Called once per render; yields the rows lazily.
    """

    name: str
    description: str
    headers: tuple[str, ...]
    widths: tuple[int, ...]
    rows: Callable[[], Iterator[Row]]


def _rows(columns: Sequence[Column[T]], items: Callable[[], Iterable[T]]) -> Iterator[Row]:
    getters = [c.value for c in columns]
    for item in items():
        yield tuple([get(item) for get in getters])  # a list comprehension: no generator per row


def make_table(name: str, description: str, columns: Sequence[Column[T]], items: Callable[[], Iterable[T]]) -> Table:
    """A table of ``items`` under ``columns``, each cell made by its column."""
    return Table(
        name=name,
        description=description,
        headers=tuple(c.header for c in columns),
        widths=tuple(c.width for c in columns),
        rows=partial(_rows, columns, items),
    )
