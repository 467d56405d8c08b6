"""Compact (line, column) tables for every key path of a YAML document.

Findings and diagnostics are located by key path, so a document keeps the
position of every key and list item. A dict of path tuples to position tuples
held three or four Python objects per key (most of the memory of a loaded
register's positions, and most of the time of sending documents back from the
reading workers; figures in ``benchmarks/README.md``). Here a document's positions
are one array of 32-bit cells plus the distinct key sequences of its mappings:
about a tenth of the memory, and one ``bytes`` to pickle.

Layout: every mapping or list of the document is one record, written when the
collection closes (so children come before their parent)::

    count, shape, then per child: line, column, record of the child (0: a scalar)

``shape`` indexes the document's key sequences (the keys of the mapping, in
order) or is :data:`_LIST` for a list, whose children are found by index. Cell 0
is padding, so that record offset 0 can mean "no collection".
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from typing import Any

from ropa.errors import KeyPath

Position = tuple[int, int]

_CELL = "I" if array("I").itemsize >= 4 else "L"
"""Array type code of a cell: unsigned, at least 32 bits (lines and columns of files up to 8 MiB fit)."""
_LIST = 0xFFFFFFFF
"""Shape of a list record: children are addressed by their index, not a key."""
_NO_ROOT = (0, 0)
"""Root position of an empty table (lines count from 1)."""


class Positions(Mapping[KeyPath, Position]):
    """The (line, column) of every key path of one document, read-only.

    Behaves as the ``dict`` it replaces (``get``, ``[]``, ``in``, iteration,
    equality with any mapping), and adds :meth:`locate`, the longest-prefix
    lookup findings use, in one walk down instead of one lookup per prefix.
    """

    __slots__ = ("_cells", "_keys", "_root", "_root_at")

    def __init__(self, cells: array[int], shapes: list[tuple[str, ...]], root: int, root_at: Position) -> None:
        self._cells = cells
        self._keys = [{key: index for index, key in enumerate(shape)} for shape in shapes]
        self._root = root
        self._root_at = root_at

    @classmethod
    def empty(cls) -> Positions:
        """A table without any path, not even the root."""
        return cls(array(_CELL, [0]), [], 0, _NO_ROOT)

    def __reduce__(self) -> tuple[Any, ...]:
        shapes = [tuple(keys) for keys in self._keys]
        return (_rebuild, (self._cells.tobytes(), shapes, self._root, self._root_at))

    def _walk(self, path: KeyPath) -> tuple[int, Position]:
        """How many parts of ``path`` exist, and the position of the last of them (the root's for none)."""
        cells = self._cells
        keys = self._keys
        record = self._root
        cell = 0  # the cells of the last part found (0: none, the root's position)
        depth = 0
        for part in path:  # one loop without calls: findings locate tens of thousands of paths
            if not record:
                break
            shape = cells[record + 1]
            if shape == _LIST:
                if not isinstance(part, int) or not 0 <= part < cells[record]:
                    break
                cell = record + 2 + 3 * part
            else:
                index = keys[shape].get(part) if isinstance(part, str) else None
                if index is None:
                    break
                cell = record + 2 + 3 * index
            record = cells[cell + 2]
            depth += 1
        return depth, ((cells[cell], cells[cell + 1]) if cell else self._root_at)

    def locate(self, path: KeyPath, default: Position = (1, 1)) -> Position:
        """Position of the longest prefix of ``path`` that exists (``default`` when not even the root does)."""
        if not self._root_at[0]:  # line 0: no root, an empty table
            return default
        return self._walk(path)[1]

    def get(self, path: KeyPath, default: Any = None) -> Any:
        """The position of exactly ``path``, or ``default``."""
        if not self._root_at[0]:  # line 0: no root, an empty table
            return default
        depth, found = self._walk(path)
        return found if depth == len(path) else default

    def __getitem__(self, path: KeyPath) -> Position:
        found: Position | None = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self.get(path) is not None

    def __iter__(self) -> Iterator[KeyPath]:
        if not self._root_at[0]:  # line 0: no root, an empty table
            return
        yield ()
        if self._root:
            yield from self._paths(self._root, ())

    def _paths(self, record: int, prefix: KeyPath) -> Iterator[KeyPath]:
        cells = self._cells
        shape = cells[record + 1]
        parts: Any = range(cells[record]) if shape == _LIST else list(self._keys[shape])
        for index, part in enumerate(parts):
            path = (*prefix, part)
            yield path
            child = cells[record + 4 + 3 * index]
            if child:
                yield from self._paths(child, path)

    def __len__(self) -> int:
        if not self._root_at[0]:  # line 0: no root, an empty table
            return 0
        cells = self._cells
        total = 1
        record = 1
        while record < len(cells):
            count = cells[record]
            total += count
            record += 2 + 3 * count
        return total

    def __repr__(self) -> str:
        return f"Positions({dict(self.items())!r})"


def _rebuild(cells: bytes, shapes: list[tuple[str, ...]], root: int, root_at: Position) -> Positions:
    """Unpickle a :class:`Positions` (workers send documents back to the main process)."""
    table = array(_CELL)
    table.frombytes(cells)
    return Positions(table, shapes, root, root_at)


class PositionsBuilder:
    """Builds a :class:`Positions` while a document is read, one collection at a time.

    Readers call :meth:`open` when a mapping or list starts, :meth:`add` for each
    key or item (before reading its value), and :meth:`close` when the collection
    ends, passing the mapping's keys in order (None for a list).
    """

    __slots__ = ("cells", "frames", "shapes")

    def __init__(self) -> None:
        self.cells = array(_CELL, [0])
        self.frames: list[list[int]] = []
        self.shapes: dict[tuple[str, ...], int] = {}

    def open(self) -> list[int]:
        """A mapping or list starts; returns the list its children's ``line, column, 0`` cells go to."""
        children: list[int] = []
        self.frames.append(children)
        return children

    def add(self, line: int, column: int) -> None:
        """The next key or item of the open collection starts at ``line``, ``column`` (1-based)."""
        self.frames[-1] += (line, column, 0)

    def close(self, keys: Iterator[str] | tuple[str, ...] | None) -> int:
        """The open collection ends; ``keys`` are its keys in order (None for a list). Returns its record."""
        children = self.frames.pop()
        if keys is None:
            shape = _LIST
        else:
            names = tuple(keys)
            shape = self.shapes.setdefault(names, len(self.shapes))
        cells = self.cells
        record = len(cells)
        cells.append(len(children) // 3)
        cells.append(shape)
        cells.extend(children)
        if self.frames:
            self.frames[-1][-1] = record  # the collection is the value of its parent's last child
        return record

    def finish(self, root: int, line: int, column: int) -> Positions:
        """The table, once the whole document is read; ``root`` is the root collection's record (0: a scalar)."""
        return Positions(self.cells, list(self.shapes), root, (line, column))
