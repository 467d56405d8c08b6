"""A small YAML emitter that keeps comments: mappings in the order given, every string quoted when needed.

ruamel.yaml is not in the lock, and PyYAML drops comments, so the register is emitted here. The
output is deterministic (same input, same bytes) and is re-parsed by the tests: a plain scalar is
written only where YAML would read the very same string back; anything else is double-quoted with
YAML's escapes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Union

Value = Union[str, int, bool, dt.date, "Node", list["Value"]]


@dataclass
class Node:
    """A mapping with comments: ``notes`` are written as comment lines just before it."""

    items: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def set(self, key: str, value: object, keep_empty: bool = False) -> None:
        """Set ``key`` unless the value is missing (None, blank text, or an empty list unless ``keep_empty``)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        if isinstance(value, list) and not value and not keep_empty:
            return
        if isinstance(value, Node) and not value.items:
            return
        self.items[key] = value

    def note(self, text: str) -> None:
        """Add a comment line (kept on one line)."""
        self.notes.append(text)

    def data(self) -> dict[str, object]:
        """The mapping as plain data (what a YAML reader would give back)."""
        return {key: _plain(value) for key, value in self.items.items()}


def _plain(value: Value) -> object:
    if isinstance(value, Node):
        return value.data()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.,/()+'&-]*")
"""Characters a plain scalar may hold here: no ':', '#', quotes first, brackets or leading indicators."""
_IMPLICIT = re.compile(
    r"""(?ix)
    (?:y|yes|n|no|true|false|on|off|null|~)$           # booleans and null of YAML 1.1 and 1.2
    | [-+]?(?:\d[\d_]*)?(?:\.[\d_]*)?(?:e[-+]?\d+)?$    # numbers, also '1.', '.5', '1e3'
    | [-+]?0[box]?[\d_a-f]+$                            # octal, binary, hex
    | [-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?$            # sexagesimal (YAML 1.1)
    | \d{4}-\d\d?-\d\d?                                 # dates and timestamps
    | [-+]?\.(?:inf|nan)$
    """
)


def _escape(char: str) -> str:
    code = ord(char)
    named = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if char in named:
        return named[char]
    if code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFEFF, 0xFFFE, 0xFFFF):
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    if code in (0x2028, 0x2029):
        return f"\\u{code:04x}"
    return char


def scalar(value: str | int | bool | dt.date) -> str:
    """One scalar as YAML text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if _PLAIN.fullmatch(value) and not value.endswith(" ") and "  " not in value and not _IMPLICIT.match(value):
        return value
    return '"' + "".join(_escape(c) for c in value) + '"'


def _comment(text: str, indent: str) -> list[str]:
    clean = "".join(c if c.isprintable() else " " for c in text).rstrip()
    return [f"{indent}# {clean}" if clean else f"{indent}#"]


def _inline(value: Value) -> bool:
    return not isinstance(value, Node | list) or (isinstance(value, list) and not value)


def _lines(node: Node, indent: str, first: str | None = None) -> list[str]:
    """The lines of a mapping; ``first`` replaces the indent of its first key (``- `` in a list)."""
    out: list[str] = []
    lead = first if first is not None else indent
    for key, value in node.items.items():
        head = f"{lead}{key}:"
        lead = indent
        if isinstance(value, list) and not value:
            out.append(f"{head} []")
        elif _inline(value):
            out.append(f"{head} {scalar(value)}")
        elif isinstance(value, Node):
            out.append(head)
            for note in value.notes:
                out.extend(_comment(note, indent + "  "))
            out.extend(_lines(value, indent + "  "))
        else:
            out.append(head)
            out.extend(_items(value, indent + "  "))
    return out


def _items(values: list[Value], indent: str) -> list[str]:
    out: list[str] = []
    for value in values:
        if isinstance(value, Node):
            for note in value.notes:
                out.extend(_comment(note, indent))
            if value.items:
                out.extend(_lines(value, indent + "  ", first=indent + "- "))
            else:
                out.append(f"{indent}- {{}}")
        elif isinstance(value, list):
            out.append(f"{indent}-")
            out.extend(_items(value, indent + "  ") if value else [f"{indent}  []"])
        else:
            out.append(f"{indent}- {scalar(value)}")
    return out


def dump(node: Node, header: list[str] | None = None) -> str:
    """A YAML document for ``node``, with ``header`` as comment lines at the top."""
    lines: list[str] = []
    for text in header or []:
        lines.extend(_comment(text, ""))
    for note in node.notes:
        lines.extend(_comment(note, ""))
    lines.extend(_lines(node, ""))
    return "\n".join(lines) + "\n"
