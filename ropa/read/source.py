"""Safe YAML reading that keeps the position of every key and item.

The document is composed into a node tree by libyaml's safe loader (pure-Python
fallback when libyaml is missing), then walked once: the walk refuses duplicate
keys, non-string keys, merge keys, tags outside the YAML core schema, alias
expansion beyond a budget, too deep nesting and oversized scalars, and builds
plain Python data plus a map from key path to ``(line, column)`` (a compact
:class:`~ropa.read.positions.Positions` table). Nothing in the input can construct an
object or run code.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ropa.errors import Diagnostic, InputError, KeyPath
from ropa.read.positions import Position, Positions, PositionsBuilder
from ropa.read.safefiles import RefusedFile, read_regular
from ropa.read.syntax import Mark, explain

try:  # libyaml is several times faster; fall back to pure Python where missing.
    from yaml import CSafeLoader as _Loader

    _LIBYAML = True
except ImportError:  # pragma: no cover - depends on the platform build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    _LIBYAML = False

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest register file accepted (8 MiB: far above any real provider file)."""
MAX_SCALAR_CHARS = 100_000
"""Longest single value accepted."""
MAX_KEY_CHARS = 1_024
"""Longest key accepted (keys are field names and rule ids; YAML's own limit for plain keys)."""
MAX_DEPTH = 40
"""Deepest nesting of mappings and lists accepted."""
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels; flatten the structure"
_NESTING_REFUSED = "exceeded maximum nesting depth"
"""What libyaml says when it refuses nesting itself (its limit is far above ``MAX_DEPTH``)."""
MAX_NODES = 2_000_000
"""Most values one file may expand to, aliases counted at every use."""
MAX_TEXT_CHARS = 8 * 1024 * 1024
"""Most characters of text one file may expand to, aliases counted at every use (a file without
aliases never reaches it; one long value aliased many times would give gigabytes to render)."""
MAX_ALIAS_NODES = 100_000
"""Most values aliases may add to one file: reuse stays cheap, an alias bomb stops within a second."""

_STR_TAG = "tag:yaml.org,2002:str"
_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
"""Characters no register text may hold: C0/C1 controls except tab, LF, CR; the XML non-characters."""

_RAW_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters YAML 1.1 does not allow in a stream (c-printable's complement): C0/C1 controls but tab,
LF, CR and NEL; surrogates; U+FFFE and U+FFFF."""
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
_BIDI_EMBEDDINGS = "\u202a\u202b\u202d\u202e"
"""LRE, RLE, LRO, RLO: closed by PDF (U+202C)."""
_BIDI_ISOLATES = "\u2066\u2067\u2068"
"""LRI, RLI, FSI: closed by PDI (U+2069)."""
_BIDI_OPENERS = re.compile("[\u202a-\u202e\u2066-\u2068]")
"""Any embedding, override or isolate character (LRE ... RLO, LRI ... FSI): the cheap test before pairing."""


def _unclosed_bidi(text: str) -> int | None:
    """Index of the first bidirectional embedding or isolate that ``text`` leaves open (UAX #9 pairing)."""
    if _BIDI_OPENERS.search(text) is None:  # a regex scan: a Python loop here cost 10% of reading
        return None
    stack: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if char in _BIDI_EMBEDDINGS:
            stack.append(("embedding", index))
        elif char in _BIDI_ISOLATES:
            stack.append(("isolate", index))
        elif char == "\u202c" and stack and stack[-1][0] == "embedding":
            stack.pop()
        elif char == "\u2069" and any(kind == "isolate" for kind, _ in stack):
            while stack.pop()[0] != "isolate":  # a PDI also closes the embeddings inside its isolate
                pass
    return stack[0][1] if stack else None


@dataclass
class Document:
    """A YAML file read safely: its data and the position of every key path."""

    file: str
    data: Any
    positions: Positions = field(default_factory=Positions.empty)

    def locate(self, path: KeyPath) -> Position:
        """Position of the longest prefix of ``path`` that exists (1, 1 as a last resort)."""
        return self.positions.locate(path)


class _Walker:
    """Turns a composed node tree into data and positions, enforcing the limits."""

    def __init__(self, file: str, loader: Any) -> None:
        self.file = file
        self.loader = loader
        self.positions = PositionsBuilder()
        self.deepest = 0
        """Longest key path given a position (the depth pass counts one more level: the root)."""
        self.root_record = 0
        self.errors: list[Diagnostic] = []
        self.nodes = 0
        self.anchored: dict[int, Any] = {}
        self.seen: set[int] = set()
        self.replaying = 0
        self.alias_nodes = 0
        self.chars = 0

    def fail(self, node: yaml.Node, path: KeyPath, message: str) -> None:
        mark = node.start_mark
        self.errors.append(Diagnostic(self.file, mark.line + 1, mark.column + 1, message, path, "INPUT-yaml"))

    def walk(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        """Walk ``node``; a node met again is an alias use, and what it expands to is budgeted."""
        reused = id(node) in self.seen
        if reused:
            self.replaying += 1
        else:
            self.seen.add(id(node))
        try:
            if self.replaying:
                self.alias_nodes += 1
                if self.alias_nodes > MAX_ALIAS_NODES:
                    raise _TooBig(node, f"aliases expand to more than {MAX_ALIAS_NODES:,} values (an alias bomb?)")
            return self._walk(node, path, depth)
        finally:
            if reused:
                self.replaying -= 1

    def _walk(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(node, f"document expands to more than {MAX_NODES:,} values (alias/anchor bomb?)")
        if depth > MAX_DEPTH:
            self.fail(node, path, _TOO_DEEP)
            return None
        if node.tag not in _CORE_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(
                node,
                path,
                f"tag {tag!r} is not allowed; register files hold plain text, numbers, "
                "dates, lists and mappings only (remove the tag)",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            out = []
            children = self.positions.open()
            self.deepest = max(self.deepest, len(path) + 1)
            for index, item in enumerate(node.value):
                children += (item.start_mark.line + 1, item.start_mark.column + 1, 0)
                out.append(self.walk(item, (*path, index), depth + 1))
            self.root_record = self.positions.close(None)
            return out
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        if len(node.value) > MAX_SCALAR_CHARS:
            self.fail(
                node,
                path,
                f"value is {len(node.value):,} characters long, over the limit of "
                f"{MAX_SCALAR_CHARS:,}; shorten it or refer to a document instead",
            )
            return None
        self.chars += len(node.value)
        if self.chars > MAX_TEXT_CHARS:
            raise _TooBig(node, f"document expands to more than {MAX_TEXT_CHARS:,} characters of text (an alias bomb?)")
        try:
            # Text, most of every register, is the node's value as is: skip the constructor's bookkeeping.
            value = node.value if node.tag == _STR_TAG else self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.fail(node, path, f"cannot read this value: {getattr(exc, 'problem', exc)}")
            return None
        except (ValueError, OverflowError) as exc:  # 2026-02-30, integers of thousands of digits
            if node.tag.endswith(":timestamp"):
                problem = f"not a real date ({exc}); write YYYY-MM-DD"
            else:
                problem = "number too large"
            self.fail(node, path, f"cannot read this value: {problem}, or quote it if it is meant as text")
            return None
        if isinstance(value, _dt.datetime):
            return value.isoformat()
        if isinstance(value, str) and not self._printable(node, path, value):
            return None
        return value

    def _printable(self, node: yaml.Node, path: KeyPath, text: str) -> bool:
        """Refuse control characters (escapes such as "\\0" or "\\x07"): no document format holds them.

        Also refuse a bidirectional embedding, override or isolate left open: it
        would reverse whatever follows the value in a message, a table row or a
        terminal line ("Trojan Source"). Closed ones, and the marks LRM/RLM, are fine.
        """
        bad = _CONTROL.search(text)
        if bad is not None:
            self.fail(
                node,
                path,
                f"control character U+{ord(bad.group()):04X} at position {bad.start() + 1} of the value; remove it",
            )
            return False
        open_at = _unclosed_bidi(text)
        if open_at is not None:
            closer = "U+2069" if text[open_at] in _BIDI_ISOLATES else "U+202C"
            self.fail(
                node,
                path,
                f"right-to-left control U+{ord(text[open_at]):04X} at position {open_at + 1} is never closed; "
                f"close it with {closer} or remove it",
            )
            return False
        return True

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        children = self.positions.open()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, path, "merge keys ('<<') are not supported; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                self.fail(
                    key_node,
                    path,
                    "keys must be plain text; quote this key or rename it",
                )
                continue
            key = key_node.value
            if len(key) > MAX_KEY_CHARS:
                self.fail(key_node, path, f"key is {len(key):,} characters long, over the limit of {MAX_KEY_CHARS:,}")
                continue
            if not self._printable(key_node, path, key):
                continue
            if _LINE_BREAK.search(key):  # a key is a field name; it is printed in every message's key path
                self.fail(key_node, path, f"key {key!r} holds a line break; keys are names on one line")
                continue
            key = sys.intern(key)  # one object per field name instead of one per use
            key_path = (*path, key)
            if key in out:
                first = children[3 * list(out).index(key) :]
                self.fail(
                    key_node,
                    key_path,
                    f"duplicate key {key!r} (first defined at line {first[0]}); keep one of them",
                )
                continue
            children += (key_node.start_mark.line + 1, key_node.start_mark.column + 1, 0)
            self.deepest = max(self.deepest, len(key_path))
            out[key] = self.walk(value_node, key_path, depth + 1)
        self.root_record = self.positions.close(tuple(out))
        return out


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, what: str) -> None:
        self.node = node
        self.what = what


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError([Diagnostic(file, 1, 1, "file is UTF-32 encoded; save it as UTF-8", (), "INPUT-encoding")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError([Diagnostic(file, 1, 1, "file is UTF-16 encoded; save it as UTF-8", (), "INPUT-encoding")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1  # characters, as editors count
        raise InputError(
            [
                Diagnostic(
                    file,
                    line,
                    column,
                    f"invalid UTF-8 byte 0x{raw[exc.start]:02x}; save the file as UTF-8",
                    (),
                    "INPUT-encoding",
                )
            ]
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise InputError(
            [Diagnostic(file, line, column, "NUL byte in file; this is not a text file", (), "INPUT-encoding")]
        )
    return text


def _check_depth(text: str, file: str) -> None:
    """Refuse too deep nesting from the event stream, before anything is composed.

    libyaml's composer recurses on the C stack and crashes the interpreter (no
    exception) at a few ten thousand levels, which a 100 kB file of '[' reaches;
    the event parser is iterative, and costs about a sixth of composing.
    """
    events = _Loader(text)
    try:
        depth = 0
        while True:
            event = events.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    raise InputError(
                        [
                            Diagnostic(
                                file,
                                line,
                                column,
                                _TOO_DEEP,
                                (),
                                "INPUT-limit",
                            )
                        ]
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        events.dispose()


SAFE_COMPOSE_DEPTH = 2_000
"""Nesting libyaml's composer takes without risk; it crashes at a few ten thousand levels."""
_STRUCTURE_PREFIX = re.compile(r"^[ \t?:-]*", re.MULTILINE)


def _nesting_bound(text: str) -> int:
    """An upper bound of how deep ``text`` nests, from two character counts and one regex scan.

    Block collections nest by indentation or by ``-``/``?``/``:`` indicators at the
    start of a line, at most two levels (a mapping and a sequence inside it) per
    column of that prefix; flow collections by ``[`` and ``{``, at most one level
    each. Characters inside scalars only raise the bound, never lower it.
    """
    flow = text.count("[") + text.count("{")
    if flow > SAFE_COMPOSE_DEPTH:
        return flow
    prefix = max(map(len, _STRUCTURE_PREFIX.findall(text)), default=0)
    return flow + 2 * (prefix + 1)


def _depth_first(text: str, file: str) -> None:
    """Raise the depth error before any other, as when the depth pass ran first (see :func:`read_text`)."""
    with contextlib.suppress(yaml.YAMLError):  # the composer met the same syntax error: report the composer's
        _check_depth(text, file)


class _NotPlain(Exception):
    """The document holds something the plain reader leaves to the exact one (see :func:`_read_plain`)."""


_RESOLVED_FIRST = frozenset(k for k in getattr(_Loader, "yaml_implicit_resolvers", {}) if k)
"""First characters for which a plain scalar may resolve to something other than text."""


def _implicit_resolvers() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]] | None:
    """The loader's implicit resolvers by first character, as its ``resolve`` tries them on a plain scalar.

    None when the loader has path resolvers (then only its own ``resolve`` is exact).
    """
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = getattr(_Loader, "yaml_implicit_resolvers", {})
    if getattr(_Loader, "yaml_path_resolvers", None):
        return None
    anywhere = table.get(None, [])
    return {first: tuple(found + anywhere) for first, found in table.items() if first is not None}


_IMPLICIT = _implicit_resolvers()
_UNSAFE = re.compile(_CONTROL.pattern[:-1] + "\u202a-\u202e\u2066-\u2068]")
""":data:`_CONTROL` or :data:`_BIDI_OPENERS` in one expression."""
_UNSAFE_KEY = re.compile(_CONTROL.pattern[:-1] + "\u202a-\u202e\u2066-\u2068\n\r\x85\u2028\u2029]")
""":data:`_CONTROL`, :data:`_BIDI_OPENERS` or :data:`_LINE_BREAK` in one expression."""


_Resolvers = dict[str, tuple[tuple[str, re.Pattern[str]], ...]]


def _resolve_plain(value: str, flags: tuple[bool, bool], table: _Resolvers | None, resolve: Any) -> str:
    """The tag of a plain scalar: what the loader's ``resolve()`` gives, from its table when there is one."""
    if table is None:
        tag: str = resolve(yaml.ScalarNode, value, flags)
        return tag
    for resolved, pattern in table.get(value[:1], ()):
        if pattern.match(value):
            return resolved
    return _STR_TAG


def _read_plain(text: str, file: str) -> Document | None:
    """Read an ordinary register file in one pass over libyaml's events, or return None.

    Ordinary means what register files are: mappings, lists and scalars of the
    core schema, no anchors, aliases or explicit tags, no limit reached, no problem
    to report. Such a document gives exactly the data and positions of composing
    it and walking the nodes, without building the node tree. At the first thing
    outside that (including every error), it returns None and :func:`read_text`
    reads the file the exact way, which reports problems.

    Kept because it is measured (``benchmarks/README.md``, "Tuning kept and removed"). Public PyYAML
    API only: the C loader's ``get_event`` and ``resolve``, and the resolver table
    ``yaml_implicit_resolvers`` that ``add_implicit_resolver`` fills; ``tests/test_source_plain.py``
    and ``tests/validate_speed/test_plain_reader.py`` compare it with the exact reader.
    """
    loader = _Loader(text)
    resolve: Any = loader.resolve
    get_event: Any = loader.get_event  # events are used duck-typed: their stubs are a union
    implicit = _IMPLICIT
    plain_keys: dict[str, str] = {}
    positions = PositionsBuilder()
    # Only a double-quoted scalar can hold a character the text does not (an escape such as "\x07"): when the
    # text holds no control or bidirectional character, only those need looking at.
    clean = _UNSAFE.search(text) is None
    # The open collection (None at the top), whether it is a mapping, the key waiting for its value and the
    # children's positions; the same for every enclosing collection on the stack.
    container: Any = None
    is_map = False
    key: Any = None
    children: list[int] = []
    stack: list[tuple[Any, bool, Any, list[int]]] = []
    root: Any = None
    root_mark: Any = None
    root_record = 0
    nodes = chars = 0
    try:
        if not isinstance(get_event(), yaml.StreamStartEvent) or not isinstance(get_event(), yaml.DocumentStartEvent):
            raise _NotPlain
        while True:
            event = get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                value = event.value
                tag = event.tag
                if event.anchor is not None or (tag is not None and tag != "!"):
                    raise _NotPlain
                plain = event.implicit[0]
                if is_map and key is None:  # a mapping key
                    # A plain key's fitness depends on its text alone: each distinct one is looked at once a file.
                    key = plain_keys.get(value) if plain else None
                    if key is None:
                        tag = _STR_TAG
                        if plain and (not value or value[0] in _RESOLVED_FIRST):
                            tag = _resolve_plain(value, event.implicit, implicit, resolve)
                        if tag != _STR_TAG or len(value) > MAX_KEY_CHARS or _UNSAFE_KEY.search(value):
                            raise _NotPlain
                        key = sys.intern(value)
                        if plain:
                            plain_keys[value] = key
                    if key in container:
                        raise _NotPlain
                    mark = event.start_mark
                    children += (mark.line + 1, mark.column + 1, 0)
                    continue
                tag = _STR_TAG
                if plain and (not value or value[0] in _RESOLVED_FIRST):
                    tag = _resolve_plain(value, event.implicit, implicit, resolve)
                size = len(value)
                if size > MAX_SCALAR_CHARS:
                    raise _NotPlain
                chars += size
                if tag == _STR_TAG:
                    if (not clean or event.style == '"') and _UNSAFE.search(value):
                        raise _NotPlain
                    item: Any = value
                else:
                    if tag not in _CORE_TAGS:
                        raise _NotPlain
                    try:
                        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
                        item = loader.construct_object(node, deep=True)
                    except (yaml.YAMLError, ValueError, OverflowError):
                        raise _NotPlain from None
                    if isinstance(item, _dt.datetime):
                        item = item.isoformat()
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    raise _NotPlain
                if is_map and key is None:  # a collection as a key
                    raise _NotPlain
                item = {} if kind is yaml.MappingStartEvent else []
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                root_record = positions.close(container if is_map else None)
                container, is_map, key, children = stack.pop()
                continue
            elif kind is yaml.DocumentEndEvent:
                break
            else:  # an alias, or anything unexpected
                raise _NotPlain
            nodes += 1
            if nodes > MAX_NODES or chars > MAX_TEXT_CHARS:
                raise _NotPlain
            if container is None:
                if root_mark is not None:
                    raise _NotPlain
                root, root_mark = item, event.start_mark
            elif is_map:
                container[key] = item
                key = None
            else:
                container.append(item)
                mark = event.start_mark
                children += (mark.line + 1, mark.column + 1, 0)
            if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) + 1 >= MAX_DEPTH:  # near the limit: the exact reader words it
                    raise _NotPlain
                stack.append((container, is_map, key, children))
                container, is_map, key, children = item, kind is yaml.MappingStartEvent, None, positions.open()
        if root_mark is None or not isinstance(get_event(), yaml.StreamEndEvent):
            raise _NotPlain
    except (_NotPlain, yaml.YAMLError):
        return None
    finally:
        loader.dispose()
    table = positions.finish(root_record, root_mark.line + 1, root_mark.column + 1)
    return Document(file=file, data=root, positions=table)


def read_text(text: str, file: str) -> Document:
    """Parse YAML text safely into a :class:`Document`.

    Raises:
        InputError: with every problem found, each located at file:line:column.
    """
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise InputError([Diagnostic(file, 1, 1, "file is empty; fill it in or delete it", (), "INPUT-yaml")])
    raw = _RAW_FORBIDDEN.search(text)
    if raw is not None:  # libyaml would refuse it too, but without saying where
        at = raw.start()
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise InputError(
            [
                Diagnostic(
                    file,
                    line,
                    column,
                    f"character U+{ord(raw.group()):04X} is not allowed in YAML text "
                    "(a control character or non-character); remove it",
                    (),
                    "INPUT-encoding",
                )
            ]
        )
    if _LIBYAML:
        plain = _read_plain(text, file)
        if plain is not None:
            return plain
    # The depth pass only guards libyaml's composer against a crash. When a cheap bound shows the file
    # cannot nest deep enough for that, it runs only if reading fails (to report depth first, as always):
    # a register then parses once instead of twice.
    deferred = _LIBYAML and _nesting_bound(text) <= SAFE_COMPOSE_DEPTH
    loader = _Loader(text)
    try:
        try:
            if not deferred:
                _check_depth(text, file)
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            if deferred:
                _depth_first(text, file)
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
            if _NESTING_REFUSED not in problem and exc.problem:
                start = exc.context_mark
                where, problem = explain(
                    text,
                    exc.context,
                    exc.problem,
                    Mark(line, column),
                    Mark(start.line + 1, start.column + 1) if start else None,
                )
                line, column = where.line, where.column
            if _NESTING_REFUSED in problem:
                # The libyaml bundled from PyYAML 6.0.4 on refuses deep nesting before ropa's own pass
                # sees it: the same limit, so the same message whatever the parser's version.
                raise InputError([Diagnostic(file, line, column, _TOO_DEEP, (), "INPUT-limit")]) from None
            raise InputError(
                [Diagnostic(file, line, column, f"YAML syntax error: {problem}", (), "INPUT-yaml")]
            ) from None
        except yaml.YAMLError as exc:
            if deferred:
                _depth_first(text, file)
            message = " ".join(str(exc).split())
            raise InputError([Diagnostic(file, 1, 1, f"YAML error: {message}", (), "INPUT-yaml")]) from None
        if node is None:
            raise InputError([Diagnostic(file, 1, 1, "file is empty; fill it in or delete it", (), "INPUT-yaml")])
        walker = _Walker(file, loader)
        try:
            data = walker.walk(node, (), 0)
        except _TooBig as big:
            if deferred:
                _depth_first(text, file)
            mark = big.node.start_mark
            raise InputError(
                [
                    Diagnostic(
                        file,
                        mark.line + 1,
                        mark.column + 1,
                        f"{big.what}; remove the anchors and aliases",
                        (),
                        "INPUT-yaml",
                    )
                ]
            ) from None
        except RecursionError:
            if deferred:
                _depth_first(text, file)
            raise InputError(
                [Diagnostic(file, 1, 1, "document nests too deeply; flatten it", (), "INPUT-yaml")]
            ) from None
    finally:
        loader.dispose()
    if walker.errors:
        if deferred:
            _depth_first(text, file)
        raise InputError(walker.errors)
    if deferred and walker.deepest >= MAX_DEPTH:
        _depth_first(text, file)  # the walker counts from the root's content, the depth pass from the root
    root = walker.root_record if isinstance(data, (dict, list)) else 0
    table = walker.positions.finish(root, node.start_mark.line + 1, node.start_mark.column + 1)
    return Document(file=file, data=data, positions=table)


def read_file(path: Path, display: str | None = None, folder: str | None = None) -> Document:
    """Read one YAML file safely; ``display`` is the name used in messages.

    The file is read by :func:`ropa.read.safefiles.read_regular`: only a regular file
    (a FIFO would block, ``/dev/zero`` never ends), only inside ``folder`` (the
    register folder, resolved; a symbolic link leaving it is refused unread), and
    never more than :data:`MAX_FILE_BYTES` bytes, even if it grows while being read.
    """
    name = display or str(path)
    try:
        raw = read_regular(path, folder, MAX_FILE_BYTES, "register")
    except RefusedFile as refused:
        if refused.too_big is not None:
            message = f"file is {refused.too_big:,} bytes, over the limit of {MAX_FILE_BYTES:,}; split it"
            raise InputError([Diagnostic(name, 1, 1, message, (), "INPUT-limit")]) from None
        raise InputError([Diagnostic(name, 0, 0, refused.reason, (), "INPUT-file")]) from None
    return read_text(_decode(raw, name), name)
