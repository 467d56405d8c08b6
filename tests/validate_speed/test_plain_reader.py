"""The one-pass reader's shortcuts (ropa/read/source.py ``_read_plain``) answer exactly as the exact reader does.

Two shortcuts are checked here: a text without any control or bidirectional
character has only its double-quoted scalars checked for them (escapes are the
only way such a character gets into a value then), and plain scalars are
resolved (bool, null, int, float, timestamp) without calling the loader's
``resolve``. Whatever the input, the outcome of reading must be the exact
reader's, and the shortcut must refuse what the exact reader refuses.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import ropa.read.source
from ropa.errors import InputError
from ropa.read.source import _read_plain, read_text

pytestmark = pytest.mark.skipif(not ropa.read.source._LIBYAML, reason="the one-pass reader needs libyaml")


def _outcome(text: str, plain: bool) -> Any:
    real = ropa.read.source._read_plain
    if not plain:
        ropa.read.source._read_plain = lambda text, file: None
    try:
        doc = read_text(text, "f.yaml")
    except InputError as exc:
        return [(d.line, d.column, d.code, d.message, d.path) for d in exc.diagnostics]
    finally:
        ropa.read.source._read_plain = real
    return doc.data, dict(doc.positions)


ESCAPES = {
    "bell in a value": 'a: "ring \\a"\n',
    "C1 control in a value": 'a: "x \\x9b y"\n',
    "next line in a value": 'a: "x \\N y"\n',
    "right-to-left override in a value": 'a: "\\u202eevil"\n',
    "first-strong isolate in a value": 'a: "\\u2068x"\n',
    "non-character in a value": 'a: "\\uffff"\n',
    "line feed in a key": '"a\\nb": 1\n',
    "line separator in a key": '"a\\Lb": 1\n',
    "paragraph separator in a key": '"a\\Pb": 1\n',
    "bell in a key": '"a\\ab": 1\n',
    "override in a key": '"\\u202db": 1\n',
    "escape in a list item": 'a:\n  - fine\n  - "\\x1b[31m red"\n',
}


@pytest.mark.parametrize("text", ESCAPES.values(), ids=ESCAPES.keys())
def test_escapes_in_a_clean_text_are_still_refused(text: str) -> None:
    assert ropa.read.source._UNSAFE.search(text) is None, "the text itself must be clean for this case"
    assert _read_plain(text, "f.yaml") is None
    refused = _outcome(text, plain=True)
    assert isinstance(refused, list) and refused == _outcome(text, plain=False)


RAW = {
    "raw override in a plain value": "a: \u202eevil\n",
    "raw override in a single-quoted value": "a: '\u202eevil'\n",
    "raw isolate in a block value": "a: |\n  \u2066x\n",
    "raw C1 control in a plain value": "a: x\x9by\n",
    "closed override elsewhere, open one in a quoted value": 'a: "\u202ex\u202c"\nb: "\\u202ey"\n',
}


@pytest.mark.parametrize("text", RAW.values(), ids=RAW.keys())
def test_characters_in_the_text_itself_are_refused_wherever_they_are(text: str) -> None:
    assert _read_plain(text, "f.yaml") is None
    assert _outcome(text, plain=True) == _outcome(text, plain=False)


def test_closed_bidirectional_text_is_left_to_the_exact_reader_which_accepts_it() -> None:
    text = 'a: "\u202bשלום\u202c"\nb: plain\n'
    assert _read_plain(text, "f.yaml") is None
    assert _outcome(text, plain=True) == _outcome(text, plain=False)
    assert _outcome(text, plain=True)[0] == {"a": "\u202bשלום\u202c", "b": "plain"}


SCALARS = [
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nul",
    "nullable",
    "yes",
    "Yes",
    "YES",
    "yEs",
    "no",
    "No",
    "NO",
    "n",
    "y",
    "on",
    "On",
    "off",
    "OFF",
    "true",
    "True",
    "tru",
    "false",
    "FALSE",
    "falsehood",
    "0",
    "-0",
    "+1",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "1:30",
    "190:20:30",
    "1.5",
    "-.5",
    ".5",
    "+.inf",
    "-.Inf",
    ".NaN",
    ".nan",
    "1e3",
    "1.0e+3",
    "2026-01-02",
    "2026-1-2",
    "2026-01-02 03:04:05",
    "2026-01-02T03:04:05Z",
    "2026-01-02t03:04:05.5+01:00",
    "2026-13-40",
    "<<",
    "=",
    "- x",
    "12 monkeys",
    "Tuesday",
    "DE",
    "NO",
]


@pytest.mark.parametrize("value", SCALARS)
def test_plain_scalars_resolve_as_the_loader_resolves_them(value: str) -> None:
    text = f"a: {value}\nlist: [{value}]\n" if value and value[0] not in "-<=" else f"a: {value}\n"
    got = _outcome(text, plain=True)
    assert repr(got) == repr(_outcome(text, plain=False))  # repr: NaN is not equal to itself
    try:
        reference = yaml.load(text, Loader=yaml.CSafeLoader)["a"]
    except (yaml.YAMLError, ValueError):  # 2026-13-40, '- x': refused by both readers too
        assert isinstance(got, list)
        return
    if value not in ("<<", "="):
        assert repr(got[0]["a"]) == repr(reference.isoformat() if hasattr(reference, "hour") else reference)


def test_the_resolver_table_is_the_loaders() -> None:
    table = ropa.read.source._IMPLICIT
    assert table is not None
    loader = yaml.CSafeLoader("")
    resolve: Any = loader.resolve
    try:
        for value in SCALARS:
            if not value:
                continue
            expected = resolve(yaml.ScalarNode, value, (True, False))
            found = next((tag for tag, pattern in table.get(value[0], ()) if pattern.match(value)), None)
            assert (found or "tag:yaml.org,2002:str") == expected, value
    finally:
        loader.dispose()


KEYS = {
    "same plain key in many mappings": "a: {k: 1}\nb: {k: 2}\nc: [{k: 3}, {k: 4}]\n",
    "quoted then plain 'yes'": 'a: {"yes": 1}\nb: {yes: 2}\n',
    "plain 'yes' then quoted": 'a: {yes: 1}\nb: {"yes": 2}\n',
    "a key repeated in one mapping after use elsewhere": "a: {k: 1}\nb: {k: 1, k: 2}\n",
    "a long key used twice": f"a: {{{'k' * 1100}: 1}}\nb: {{{'k' * 1100}: 2}}\n",
    "escaped line break, then the same text plain": 'a: {"x y": 1}\nb: {"x\\ny": 2}\nc: {x y: 3}\n',
}


@pytest.mark.parametrize("text", KEYS.values(), ids=KEYS.keys())
def test_keys_met_again_are_judged_as_the_first_time(text: str) -> None:
    """Plain keys are looked at once per file; what the exact reader refuses must still be refused."""
    assert _outcome(text, plain=True) == _outcome(text, plain=False)
