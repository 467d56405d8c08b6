"""ropa's own workbook cells read back: the inverse of :mod:`ropa.render.tables.cells`, label by label.

The workbook prints "Not stated" for a gap, labels for enumerations ("Art. 6(1)(b) contract") and
``Name (ref)`` for references; each reader here turns one such text back into the register's value,
or None when the cell states nothing. Labels come from :mod:`ropa.model.labels`, the table the
workbook itself is written from.
"""

from __future__ import annotations

import re

from ropa.importing.table import Row, source
from ropa.importing.yamlout import Node
from ropa.model.activity import BASIS_LABELS
from ropa.model.common import TOM_LABELS
from ropa.model.labels import (
    END_ACTION_LABELS,
    FREQUENCY_LABELS,
    MECHANISM_LABELS,
    MODULE_LABELS,
    RISK_LABELS,
    ROLE_LABELS,
    SPECIAL_LABELS,
    sentence_case,
)

GAPS = frozenset(
    {"Not stated", "Not recorded", "Not applicable", "None recorded", "None", "In-house", "All of the activity"}
)
"""What the workbook prints where the register has no value."""


def given(value: str | None) -> str | None:
    """The value, or None for a gap marker ("Not stated", "Not applicable (...)", "None recorded"...)."""
    if value is None or value in GAPS or value.startswith("Not applicable ("):
        return None
    return value


def lines(value: str | None) -> list[str]:
    """The lines of a cell, gaps removed."""
    found = given(value)
    return [line for line in found.split("\n") if line.strip()] if found else []


_NUMBERED = re.compile(r"^(\d+)\. (.*)$")


def numbered(value: str | None, count: int) -> dict[int, str]:
    """A per-purpose cell ('1. x\\n2. y', or the bare value when there is one purpose) by purpose number."""
    found = given(value)
    if not found:
        return {}
    if count <= 1:
        return {1: found}
    out: dict[int, str] = {}
    current = 0
    for line in found.split("\n"):
        match = _NUMBERED.match(line)
        if match and int(match[1]) > current:
            current = int(match[1])
            out[current] = match[2]
        elif current:
            out[current] += "\n" + line
    return out


def purposes(value: str | None) -> list[str]:
    """The purposes of an activity: '1. ...' numbered when more than one."""
    found = given(value)
    if not found:
        return []
    if not _NUMBERED.match(found.split("\n", 1)[0]):
        return [found]
    parts = numbered(found, 2)
    return [parts[n] for n in sorted(parts)]


_BASIS = {label: basis.value for basis, label in BASIS_LABELS.items()}


def basis(value: str | None, node: Node) -> None:
    """Set ``lawful_basis`` (a label) or ``stated_basis`` ('As stated: ...') on a purpose."""
    found = given(value)
    if not found:
        return
    if found in _BASIS:
        node.set("lawful_basis", _BASIS[found])
    elif found.startswith("As stated: "):
        node.set("stated_basis", found[len("As stated: ") :])
    else:
        node.set("stated_basis", found)


def document(value: str | None, source: str | None = None) -> Node | None:
    """A document reference 'ref, dated 2026-03-20, kept at X'."""
    found = given(value)
    if not found:
        return None
    node = Node()
    ref, _, location = found.partition(", kept at ")
    ref, _, date = ref.partition(", dated ")
    node.set("ref", ref)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", date):
        import datetime as dt

        node.set("date", dt.date.fromisoformat(date))
    node.set("location", location)
    node.set("source", source)
    return node


_CODE = re.compile(r"^(.*) \(([A-Z]{2})\)$")


def country(value: str | None) -> str | None:
    """'United States (US)' -> 'US' (a bare code is kept)."""
    found = given(value)
    if not found:
        return None
    match = _CODE.match(found)
    if match:
        return match[2]
    return found if re.fullmatch(r"[A-Z]{2}", found) else None


_PERIOD = re.compile(r"\((P[0-9YMWDTHS]+)\)$")


def duration(value: str | None) -> str | None:
    """'6 months (P6M)' -> 'P6M'."""
    found = given(value)
    if not found:
        return None
    match = _PERIOD.search(found)
    return match[1] if match else None


_SPECIAL = {sentence_case(label): key.value for key, label in SPECIAL_LABELS.items()}
_ROLE = {label: role for role, label in ROLE_LABELS.items()}
_FREQUENCY = {label: key for key, label in FREQUENCY_LABELS.items()}
_RISK = {label: key for key, label in RISK_LABELS.items()}
_END = {label: key for key, label in END_ACTION_LABELS.items()}
_MECHANISM = {label: key.value for key, label in MECHANISM_LABELS.items()}
_MODULE = {label: number for number, label in MODULE_LABELS.items()}
_TOM = sorted(((label, kind.value) for kind, label in TOM_LABELS.items()), key=lambda t: -len(t[0]))


def special(value: str | None) -> str | None:
    """'Data concerning health' -> 'health'; 'No' -> None."""
    return _SPECIAL.get(value or "")


def role(value: str | None) -> str | None:
    """A role label -> its value ('Sub-processor' -> 'sub_processor')."""
    return _ROLE.get(value or "")


def frequency(value: str | None) -> str | None:
    """A frequency label (or the bare value of the Transfers sheet) -> its value."""
    found = given(value)
    if found in FREQUENCY_LABELS:
        return found
    return _FREQUENCY.get(found or "")


def risk(value: str | None) -> str | None:
    """A risk label -> its value."""
    return _RISK.get(value or "")


def end_action(value: str | None) -> str | None:
    """'anonymised' -> 'anonymise'."""
    return _END.get(value or "")


def article_point(value: str | None, article: str) -> str | None:
    """'Art. 9(2)(a)' -> '9.2.a'; 'Art. 49(1), second subparagraph' -> '49.1.second'."""
    found = given(value)
    if not found:
        return None
    match = re.fullmatch(rf"Art\. {article}\((\d)\)\(([a-j])\)", found)
    if match:
        return f"{article}.{match[1]}.{match[2]}"
    if found == f"Art. {article}(1), second subparagraph":
        return f"{article}.1.second"
    return None


def mechanism(value: str | None, source: str | None) -> Node | None:
    """A mechanism cell: 'Label; Module Two (...); Clause 9(a) general authorisation; Art. 49(1)(a)'."""
    found = given(value)
    if not found:
        return None
    label, *rest = found.split("; ")
    kind = _MECHANISM.get(label)
    if kind is None:
        return None
    node = Node()
    node.set("type", kind)
    for part in rest:
        modules = [_MODULE[m] for m in part.split(", ") if m in _MODULE]
        if modules:
            node.set("modules", modules)
        elif match := re.fullmatch(r"Clause 9\(a\) (specific|general) authorisation", part):
            node.set("clause9_option", match[1])
        elif point := article_point(part, "49"):
            node.set("derogation", point)
        elif part.startswith("importer acceded through Clause 7"):
            node.set("acceded_via_clause7", True)
            if date := re.search(r"on (\d{4}-\d\d-\d\d)$", part):
                import datetime as dt

                node.set("acceded_on", dt.date.fromisoformat(date[1]))
    node.set("source", source)
    return node


def modules(value: str | None) -> list[int]:
    """The SCC modules of a 'SCC module' cell."""
    return [_MODULE[line] for line in lines(value) if line in _MODULE]


def tom(line: str, source: str | None) -> Node | None:
    """'Measure type label: what is done' -> a measure; None when the line names no measure type."""
    for label, kind in _TOM:
        if line.startswith(label + ": "):
            node = Node()
            node.set("kind", kind)
            node.set("measure", line[len(label) + 2 :])
            node.set("source", source)
            return node
    return None


_REF = re.compile(r"^(.*) \(([a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)?)\)$")


def reference(value: str | None) -> str | None:
    """'Legal name (provider/sub)' -> 'provider/sub'; None when the text names no reference."""
    match = _REF.match(value or "")
    return match[2] if match else None


def origin(shown: str, row: Row, original: str | None) -> str:
    """The ``source`` of a fact read from ``row``, with the source the workbook itself gives for it."""
    where = source(shown, row)
    found = given(original)
    return f"{where} (source there: {found.replace(chr(10), '; ')})" if found else where


def choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    """The value when it is one of ``allowed`` (an enumeration's values), else None."""
    return value if value in allowed else None
