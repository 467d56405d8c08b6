"""The compact position tables (ropa/read/positions.py) answer as the dict of key paths they replace.

Every reader (the one-pass plain reader and the exact node walker) must give the
line and column of each key and item, and a missing path must fall back to its
longest existing prefix, as findings and diagnostics are located that way.
"""

from __future__ import annotations

import pickle

import pytest

import ropa.read.source
from ropa.read.positions import Positions, PositionsBuilder
from ropa.read.source import read_text

TEXT = """\
id: acme
activities:
  - id: a1
    purposes:
      - description: Sending messages
        basis: contract
      - {description: Billing, basis: legal_obligation}
    data_categories: []
  - id: a2
    notes:
      nested: [1, [2, 3]]
empty: {}
"""

EXPECTED = {
    (): (1, 1),
    ("id",): (1, 1),
    ("activities",): (2, 1),
    ("activities", 0): (3, 5),
    ("activities", 0, "id"): (3, 5),
    ("activities", 0, "purposes"): (4, 5),
    ("activities", 0, "purposes", 0): (5, 9),
    ("activities", 0, "purposes", 0, "description"): (5, 9),
    ("activities", 0, "purposes", 0, "basis"): (6, 9),
    ("activities", 0, "purposes", 1): (7, 9),
    ("activities", 0, "purposes", 1, "description"): (7, 10),
    ("activities", 0, "purposes", 1, "basis"): (7, 32),
    ("activities", 0, "data_categories"): (8, 5),
    ("activities", 1): (9, 5),
    ("activities", 1, "id"): (9, 5),
    ("activities", 1, "notes"): (10, 5),
    ("activities", 1, "notes", "nested"): (11, 7),
    ("activities", 1, "notes", "nested", 0): (11, 16),
    ("activities", 1, "notes", "nested", 1): (11, 19),
    ("activities", 1, "notes", "nested", 1, 0): (11, 20),
    ("activities", 1, "notes", "nested", 1, 1): (11, 23),
    ("empty",): (12, 1),
}


def _exact(text: str) -> Positions:
    real = ropa.read.source._read_plain
    ropa.read.source._read_plain = lambda text, file: None  # type: ignore[assignment]
    try:
        return read_text(text, "f.yaml").positions
    finally:
        ropa.read.source._read_plain = real


@pytest.mark.parametrize("reader", ["plain", "exact"])
def test_every_key_and_item_has_its_line_and_column(reader: str) -> None:
    table = read_text(TEXT, "f.yaml").positions if reader == "plain" else _exact(TEXT)
    assert dict(table.items()) == EXPECTED
    assert len(table) == len(EXPECTED)
    assert table == EXPECTED
    for path, position in EXPECTED.items():
        assert table[path] == position
        assert path in table


def test_aliases_are_located_by_the_nodes_they_stand_for() -> None:
    text = "base: &b {x: 1}\nfirst: *b\nsecond:\n  - *b\n"
    table = read_text(text, "f.yaml").positions
    assert table[("base", "x")] == (1, 11)
    assert table[("first",)] == (2, 1)
    assert table[("first", "x")] == (1, 11)  # the alias's content is where the anchor defined it
    assert table[("second", 0)] == (1, 7)  # an item is where its node starts: the anchored mapping


def test_missing_paths_are_not_found_and_locate_falls_back_to_the_longest_prefix() -> None:
    table = read_text(TEXT, "f.yaml").positions
    for missing in [
        ("nope",),
        ("activities", 2),
        ("activities", -1),
        ("activities", "0"),
        ("id", "deeper"),
        ("empty", "x"),
        ("activities", 0, "data_categories", 0),
    ]:
        assert missing not in table
        assert table.get(missing) is None
        with pytest.raises(KeyError):
            table[missing]
    assert table.locate(("activities", 0, "purposes", 1, "basis", "more")) == (7, 32)
    assert table.locate(("activities", 1, "purposes", 0)) == (9, 5)
    assert table.locate(("activities", 7, "id")) == (2, 1)
    assert table.locate(("elsewhere",)) == (1, 1)
    assert read_text("\n\nkey: value\n", "f.yaml").locate(("other",)) == (3, 1)


def test_a_scalar_document_has_only_the_root() -> None:
    table = read_text("\n  just text\n", "f.yaml").positions
    assert dict(table.items()) == {(): (2, 3)}
    assert table.locate(("a", 0)) == (2, 3)


def test_an_empty_table_has_no_root() -> None:
    table = Positions.empty()
    assert len(table) == 0
    assert list(table) == []
    assert table.get(()) is None
    assert table.locate(("a",)) == (1, 1)


def test_positions_survive_pickling_as_workers_send_them() -> None:
    table = read_text(TEXT, "f.yaml").positions
    copy = pickle.loads(pickle.dumps(table))
    assert copy == table
    assert copy.locate(("activities", 1, "notes", "nested", 1, 1, "x")) == (11, 23)


def test_builder_shares_one_shape_for_mappings_with_the_same_keys() -> None:
    builder = PositionsBuilder()
    outer = builder.open()
    for line in (1, 2):
        outer += (line, 3, 0)
        inner = builder.open()
        inner += (line, 5, 0, line, 9, 0)
        builder.close(("a", "b"))
    root = builder.close(None)
    assert builder.shapes == {("a", "b"): 0}
    table = builder.finish(root, 1, 1)
    assert table[(1, "b")] == (2, 9)
    assert list(table) == [(), (0,), (0, "a"), (0, "b"), (1,), (1, "a"), (1, "b")]
