"""JSON from an untrusted package, parsed within limits before any model sees it.

``json.loads`` alone accepts ``NaN`` and ``Infinity``, numbers of any length (and
then fails on the interpreter's digit limit), duplicate keys (the last one silently
wins where another reader may take the first), lone surrogates that no terminal can
print, control characters that a terminal obeys, and nesting until the recursion
limit. Each of these is refused here with the JSON path where it occurs, so the
caller can print one located line instead of a traceback.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class JsonLimits:
    """What one JSON member may hold; set far above anything ropa writes."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 48
    """Lists and objects inside each other; ropa's register.json nests about ten deep."""
    max_values: int = 10_000_000
    """Values in the whole document, containers and keys counted."""
    max_string_chars: int = 100_000
    max_key_chars: int = 1_024
    max_number_chars: int = 40
    """Characters of one number literal: any 64-bit size fits in 20."""


class JsonRefused(ValueError):
    """The document is not JSON, or not JSON within the limits.

    Attributes:
        where: ``line:column`` for a syntax error, else the JSON path (``$.files[3].size``).
        reason: What is wrong, in a few words.
    """

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class _Bad:
    """A value the decoder hooks refused; reported with its path by :func:`_check`."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Duplicated(dict[str, Any]):
    """An object that repeated a key; reported with its path by :func:`_check`."""

    duplicate = ""


_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters (tab, newline and carriage return are text) and lone surrogates."""
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(path: Path) -> str:
    """``$.files[3].size``; keys that are not plain names are quoted (``$["a b"]``), never raw."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part[:80])}]"
    return out


def _describe(text: str) -> str:
    match = _FORBIDDEN.search(text)
    assert match is not None
    code = ord(match.group())
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"{kind} (U+{code:04X}) at character {match.start() + 1}"


def loads(data: bytes, limits: JsonLimits | None = None) -> Any:
    """Parse ``data`` (UTF-8 JSON) within ``limits``.

    Raises:
        JsonRefused: when it is not UTF-8 JSON or breaks a limit, naming where.
    """
    limits = limits or JsonLimits()
    if len(data) > limits.max_bytes:
        raise JsonRefused("$", f"{len(data):,} bytes, over the limit of {limits.max_bytes:,}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonRefused(f"byte {exc.start}", "not UTF-8 text") from None
    most = limits.max_number_chars

    def number(literal: str, kind: type[int] | type[float]) -> Any:
        if len(literal) > most:
            return _Bad(f"a number of {len(literal):,} characters (at most {most})")
        value = kind(literal)
        if isinstance(value, float) and not math.isfinite(value):
            return _Bad(f"{literal} is out of range")
        return value

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) == len(items):
            return out
        dup = _Duplicated(out)
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                dup.duplicate = key
                break
            seen.add(key)
        return dup

    try:
        value = json.loads(
            text,
            parse_int=lambda s: number(s, int),
            parse_float=lambda s: number(s, float),
            parse_constant=lambda s: _Bad(f"{s} is not a JSON number"),
            object_pairs_hook=pairs,
        )
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"{exc.lineno}:{exc.colno}", f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise JsonRefused("$", f"nested more than {limits.max_depth} levels deep") from None
    _check(value, limits)
    return value


def _check(root: Any, limits: JsonLimits) -> None:
    """Walk the parsed document once (no recursion) and refuse what breaks a limit."""
    stack: list[tuple[Any, int, Path]] = [(root, 0, ())]
    values = 1
    max_chars, max_key = limits.max_string_chars, limits.max_key_chars
    while stack:
        node, depth, path = stack.pop()
        if depth >= limits.max_depth:  # depth counts from 0: the root container is level 1
            raise JsonRefused(json_path(path), f"nested more than {limits.max_depth} levels deep")
        if type(node) is str:
            if len(node) > max_chars:
                raise JsonRefused(json_path(path), f"a text of {len(node):,} characters (at most {max_chars:,})")
            if _FORBIDDEN.search(node):
                raise JsonRefused(json_path(path), f"the text holds {_describe(node)}")
            continue
        if isinstance(node, _Bad):
            raise JsonRefused(json_path(path), node.reason)
        if isinstance(node, dict):
            if isinstance(node, _Duplicated):
                raise JsonRefused(json_path(path), f"the key {json.dumps(node.duplicate[:80])} appears twice")
            values += 2 * len(node)
            items: Any = node.items()
            for key in node:
                if len(key) > max_key:
                    raise JsonRefused(json_path(path), f"a key of {len(key):,} characters (at most {max_key:,})")
                if _FORBIDDEN.search(key):
                    raise JsonRefused(json_path(path), f"a key holds {_describe(key)}")
        elif isinstance(node, list):
            values += len(node)
            items = enumerate(node)
        else:
            continue
        if values > limits.max_values:
            raise JsonRefused(json_path(path), f"more than {limits.max_values:,} values")
        for key, child in items:
            if type(child) is str:
                if len(child) > max_chars or _FORBIDDEN.search(child):
                    stack.append((child, depth + 1, (*path, key)))
            elif isinstance(child, dict | list | _Bad):
                stack.append((child, depth + 1, (*path, key)))
