"""The deferred depth pass of the source reader (ropa/read/source.py) changes speed, never results.

Reading skips the event pass that guards libyaml's composer when a cheap bound
shows a file cannot nest deep enough to crash it, and runs it only when reading
fails. Every outcome (data, positions, or the diagnostics and their order) must
be the same as with the pass always first; and the bound must never be below the
real depth, whatever the text.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import ropa.read.source
from ropa.errors import InputError
from ropa.read.source import MAX_DEPTH, _nesting_bound, read_text


def outcome(text: str) -> Any:
    try:
        doc = read_text(text, "f.yaml")
    except InputError as exc:
        return [(d.line, d.column, d.code, d.message) for d in exc.diagnostics]
    return doc.data, doc.positions


def both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    monkeypatch.setattr(ropa.read.source, "SAFE_COMPOSE_DEPTH", -1)  # the pass always runs first
    first = outcome(text)
    monkeypatch.setattr(ropa.read.source, "SAFE_COMPOSE_DEPTH", 2_000)
    assert _nesting_bound(text) <= 2_000, "this case must take the deferred path"
    return first, outcome(text)


def block(depth: int) -> str:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + f"{'  ' * depth}leaf\n"


CASES = {
    "flow, just allowed": "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
    "flow, one too deep": "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
    "block, one too deep": block(MAX_DEPTH + 1),
    "block, just allowed": block(MAX_DEPTH - 1),
    "block, at the limit": block(MAX_DEPTH),
    "flow, one less": "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",
    "flow at the top, at the limit": "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
    "too deep, then a syntax error": "a: " + "[" * 60 + "]" * 60 + "\nb: [unclosed\n",
    "syntax error, then too deep": "a: [unclosed\nb: " + "[" * 60 + "]" * 60 + "\n",
    "too deep and a duplicate key": "x: 1\nx: 2\ny: " + "{a: " * 50 + "1" + "}" * 50 + "\n",
    "too deep and an alias": "a: &x [1]\nb: *x\nc: " + "[" * 50 + "]" * 50 + "\n",
    "tag and too deep": "a: !!python/name:os.system x\nb: " + "[" * 45 + "]" * 45 + "\n",
    "plain register text": "id: acme\nactivities:\n  - id: a\n    purposes: [{description: x}]\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_deferred_depth_pass_gives_the_same_outcome(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first, deferred = both(text, monkeypatch)
    assert deferred == first


def test_a_deep_file_still_runs_the_pass_first() -> None:
    text = "a: " + "[" * 30_000 + "]" * 30_000 + "\n"
    assert _nesting_bound(text) > ropa.read.source.SAFE_COMPOSE_DEPTH
    with pytest.raises(InputError, match="nesting deeper than"):
        read_text(text, "f.yaml")


def _depth(node: yaml.Node) -> int:
    if isinstance(node, yaml.ScalarNode):
        return 0
    children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
    return 1 + max((_depth(c) for c in children), default=0)


values = st.recursive(
    st.one_of(st.integers(), st.text(alphabet="ab -[]{}:?#'\"", max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(alphabet="ab-?:", min_size=1, max_size=3), inner, max_size=3),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans(), st.sampled_from([1, 2, 4]))
def test_the_bound_is_never_below_the_real_depth(value: Any, flow: bool, indent: int) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, indent=max(indent, 2), allow_unicode=True)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is not None:
        assert _nesting_bound(text) >= _depth(node), text
