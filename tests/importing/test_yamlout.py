"""The emitter writes YAML that reads back as the same data, the same bytes every time, comments kept."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ropa.importing.yamlout import Node, dump, scalar

TRICKY = [
    "yes", "No", "on", "null", "~", "1", "1.5", "1e3", "0x1F", "010", "12:30", "2026-03-01", "6.1.b", "P30D",
    "a: b", "# not a comment", "- dash", "'quoted'", '"dq"', "trailing ", " leading", "two  spaces", "tab\there",
    "line\nbreak", "back\\slash", "ünïcødé", "\x85nel", "\u2028", "\x7f", "&anchor", "*alias", "!tag", "%", "@",
    "[list]", "{map}", "a,b", "Nordlicht's", "§ 147 AO", "", "y", "N",
]  # fmt: skip


def test_every_tricky_string_reads_back_as_itself() -> None:
    node = Node()
    for n, value in enumerate(TRICKY):
        node.items[f"k{n}"] = value
    data = yaml.safe_load(dump(node))
    assert data == {f"k{n}": v for n, v in enumerate(TRICKY)}


def test_nested_lists_dates_booleans_and_comments() -> None:
    inner = Node(notes=["Not mapped, column 'X': y"])
    inner.set("id", "a")
    inner.set("when", dt.date(2026, 3, 1))
    inner.set("flag", False)
    inner.set("list", ["one", "two: 2"])
    inner.set("empty", [], keep_empty=True)
    root = Node()
    root.set("activities", [inner])
    text = dump(root, ["header line"])
    assert text.startswith("# header line\n")
    assert "  # Not mapped, column 'X': y\n  - id: a\n" in text
    assert yaml.safe_load(text) == {
        "activities": [{"id": "a", "when": dt.date(2026, 3, 1), "flag": False, "list": ["one", "two: 2"], "empty": []}]
    }
    assert dump(root, ["header line"]) == text


def test_plain_only_where_yaml_reads_a_string() -> None:
    assert scalar("tecparts-otp") == "tecparts-otp"
    assert scalar("yes") == '"yes"'
    assert scalar("2026-03-01") == '"2026-03-01"'
    assert scalar("10117") == '"10117"'


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=8), st.text(max_size=30))
def test_any_text_reads_back(values: list[str], note: str) -> None:
    node = Node(notes=[note])
    for n, value in enumerate(values):
        node.items[f"k{n}"] = value
    node.set("items", list(values), keep_empty=True)
    assert yaml.safe_load(dump(node, [note])) == {**{f"k{n}": v for n, v in enumerate(values)}, "items": values}
