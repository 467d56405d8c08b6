"""The one-pass plain reader (ropa/read/source.py ``_read_plain``) gives exactly what the exact reader gives.

The plain reader builds data and positions straight from libyaml's events and
hands every unusual document (anchors, tags, odd keys, limits, errors) to the
exact reader. Whatever the text, when it answers, its answer must be the exact
reader's; and read_text's outcome, success or diagnostics, must not change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ropa.read.source
from ropa.errors import InputError
from ropa.read.source import _read_plain, read_text

pytestmark = pytest.mark.skipif(not ropa.read.source._LIBYAML, reason="the plain reader needs libyaml")


def exact(text: str) -> Any:
    """read_text's outcome with the plain reader switched off."""
    real = ropa.read.source._read_plain
    ropa.read.source._read_plain = lambda text, file: None  # type: ignore[assignment]
    try:
        return outcome(text)
    finally:
        ropa.read.source._read_plain = real


def outcome(text: str) -> Any:
    try:
        doc = read_text(text, "f.yaml")
    except InputError as exc:
        return [(d.line, d.column, d.code, d.message, d.path) for d in exc.diagnostics]
    return doc.data, doc.positions


def check(text: str) -> bool:
    """Assert the plain reader agrees with the exact one; True when it answered itself."""
    plain = _read_plain(text, "f.yaml")
    reference = exact(text)
    if plain is not None:
        assert (plain.data, plain.positions) == reference, text
    assert outcome(text) == reference, text
    return plain is not None


REGISTER = """\
id: acme
legal_name: "Acme: Messaging # Ltd"
country: DE
founded: 2001-02-03
stamp: 2001-02-03 04:05:06
count: 12
ratio: 1.5
flag: yes
nothing: ~
empty: ''
text: |
  two
  lines
folded: >
  one
  line
activities:
  - id: a
    purposes: [{description: x, lawful_basis: 6.1.b}, {description: 'y'}]
    tags: []
    more: {}
  - - nested
    - [1, 2]
"""


def test_an_ordinary_file_takes_the_plain_path() -> None:
    assert check(REGISTER)
    doc = _read_plain(REGISTER, "f.yaml")
    assert doc is not None
    assert doc.data["founded"] == dt.date(2001, 2, 3) and doc.data["stamp"] == "2001-02-03T04:05:06"
    assert doc.positions[("activities", 0, "purposes", 1, "description")] == (19, 56)


UNUSUAL = {
    "anchor and alias": "a: &x 1\nb: *x\n",
    "explicit tag": "a: !!str 1\n",
    "custom tag": "a: !thing 1\n",
    "merge key": "base: {a: 1}\nother:\n  <<: {b: 2}\n",
    "integer key": "1: one\n",
    "null key": "? \n: x\n",
    "complex key": "? [a, b]\n: x\n",
    "duplicate key": "a: 1\na: 2\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "syntax error": "a: [1, 2\n",
    "impossible date": "a: 2026-02-30\n",
    "control escape": 'a: "bell \\x07"\n',
    "open bidi": "a: \u202eevil\n",
    "line break in key": '"a\\nb": 1\n',
    "long key": "k" * 2000 + ": 1\n",
    "deep": "a: " + "[" * 45 + "]" * 45 + "\n",
    "at the depth limit": "a: " + "[" * 39 + "]" * 39 + "\n",
    "huge integer": "a: " + "9" * 5000 + "\n",
    "scalar document": "just text\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
}


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_documents_get_the_exact_readers_outcome(text: str) -> None:
    check(text)


scalars = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.dates(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(["yes", "No", "~", "null", "0x1F", "1_000", ".inf", "2026-11-01", "<<", "&a", "*a", "!x", "# c"]),
)
keys = st.one_of(st.text(max_size=8), st.sampled_from(["id", "a b", "yes", "1", "<<", "-", "?", ":", "#"]))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from([False, True, None]), st.sampled_from([2, 4]))
def test_any_dumped_document_reads_the_same(data: Any, flow: bool | None, indent: int) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, indent=indent, allow_unicode=True, sort_keys=False)
    if text.strip():
        check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab:- \n[]{},'\"#&*!?|>~0123\t", max_size=60))
def test_any_syntax_soup_reads_the_same(text: str) -> None:
    check(text)
