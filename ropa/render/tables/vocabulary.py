"""The closed vocabulary of the workbook's cells: the words ropa itself puts in a cell, to translate.

A cell is translated only when its whole text is one of these words (a gap word, Yes/No, a label
of an enumerated value from :mod:`ropa.model.labels` and the other label tables), never by
searching inside it, so text the register's author wrote is printed as written. Headings, sheet
names and the About sheet's item names are translated where they are written (``ropa/render/xlsx.py``,
``about.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from ropa.render.tables.table import Row


@cache
def vocabulary() -> frozenset[str]:
    """Every English word ropa writes as a whole cell value."""
    from ropa.model import labels
    from ropa.model.activity import BASIS_LABELS
    from ropa.model.common import TOM_LABELS
    from ropa.render import text
    from ropa.render.tables import activities, cells, present

    words: set[str] = {text.NOT_STATED, text.NONE_RECORDED, text.NOT_APPLICABLE, cells.NONE_RECORDED, "Yes", "No"}
    words.add(activities.IN_HOUSE)
    tables = [getattr(labels, name) for name in dir(labels) if name.endswith("_LABELS")]
    tables += [BASIS_LABELS, TOM_LABELS, present.BASED_ON_LABELS]
    for table in tables:
        for label in table.values():
            if isinstance(label, str):
                words.update({label, labels.sentence_case(label)})
    return frozenset(words)


def translated_rows(rows: Iterable[Row], translate: dict[str, str]) -> Iterator[Row]:
    """``rows`` with every cell whose whole text is a translated word of :func:`vocabulary` translated."""
    words = vocabulary()
    for row in rows:
        yield tuple(translate.get(v, v) if isinstance(v, str) and v in words else v for v in row)
