"""JSON written piece by piece, in the bytes of ``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``.

The JSON and SARIF reports of a large register are tens of megabytes, and
``json.dumps`` with an indent builds them from millions of small strings, held
all at once, after the whole document already exists as dicts. Here the long
arrays are :class:`Items`: iterables whose elements are made and written one at
a time, so only the document's skeleton and one element live at once. Every
other value is handed to ``json.dumps`` itself and re-indented to its depth,
which is exactly what the encoder does when it meets the value inside a larger
document (string values never hold a raw line break: JSON escapes it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ropa.reporters import Emit

INDENT = 2
"""Spaces per nesting level, as the reporters have always written."""


class Items:
    """A JSON array whose elements are produced while it is written, not before."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def dumps(value: Any, level: int = 0) -> str:
    """``value`` as indented, key-sorted JSON, as it appears nested ``level`` deep in a larger document."""
    text = json.dumps(value, indent=INDENT, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * (INDENT * level)) if level else text


def write(value: Any, emit: Emit, level: int = 0) -> None:
    """Write ``value`` (dicts with string keys, lists, :class:`Items`, plain JSON values) to ``emit``.

    Only dicts and lists that contain :class:`Items` are walked here; anything
    else is one ``json.dumps`` call, so small values cost no more than before.
    """
    if isinstance(value, Items):
        _write_array(value.items, emit, level)
    elif isinstance(value, dict) and _streams(value):
        _write_object(value, emit, level)
    elif isinstance(value, list) and _streams(value):
        _write_array(value, emit, level)
    else:
        emit(dumps(value, level))


def _streams(value: Any) -> bool:
    """Whether ``value`` holds an :class:`Items` anywhere (only the small skeleton is searched)."""
    if isinstance(value, Items):
        return True
    if isinstance(value, dict):
        return any(_streams(item) for item in value.values())
    if isinstance(value, list):
        return any(_streams(item) for item in value)
    return False


def _write_object(value: dict[str, Any], emit: Emit, level: int) -> None:
    inner = "\n" + " " * (INDENT * (level + 1))
    separator = "{"
    for key in sorted(value):
        if not isinstance(key, str):
            raise TypeError(f"JSON object keys must be strings here, not {type(key).__name__}")
        emit(separator + inner + json.dumps(key, ensure_ascii=False) + ": ")
        write(value[key], emit, level + 1)
        separator = ","
    emit("\n" + " " * (INDENT * level) + "}")


def _write_array(items: Iterable[Any], emit: Emit, level: int) -> None:
    inner = "\n" + " " * (INDENT * (level + 1))
    opened = False
    for item in items:
        emit(("," if opened else "[") + inner)
        write(item, emit, level + 1)
        opened = True
    emit("\n" + " " * (INDENT * level) + "]" if opened else "[]")
