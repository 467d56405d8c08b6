"""Findings tied to the values they are about, so a wrong value is marked where the register prints it.

Every finding gets a number in the order of Appendix A (``F1``, ``F2``, ...). A finding is about
the value at its key path in its file; a view asks a :class:`Scope` (one activity, one provider, the
organisation) for the marks under a path relative to it and prints them next to the value, and the
section lists every finding of its scope. Findings and views meet on (file, path prefix) only: the
activity views know their entry's file and path (:class:`~ropa.model.register.Entry`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass

from ropa.check.findings import Finding
from ropa.errors import KeyPath, format_path
from ropa.model.register import Register


@dataclass(frozen=True)
class Mark:
    """The marker printed next to a value a finding is about: its id, and its severity for the colour."""

    id: str
    severity: str
    anchor: str = ""
    """Anchor of the finding's entry in Appendix A (the marker links to it)."""


@dataclass(frozen=True)
class FindingRef:
    """A finding as its section lists it: id, severity, message, and the short rule name."""

    id: str
    severity: str
    rule: str
    short: str
    message: str
    where: str
    """The key path inside the section's entry ("" when the finding is about the entry as a whole)."""
    anchor: str = ""
    """Anchor of the finding's entry in Appendix A (the id links to it)."""


def finding_id(number: int) -> str:
    """The id of the ``number``-th finding of Appendix A."""
    return f"F{number}"


def finding_anchor(number: int) -> str:
    """The fixed anchor of the ``number``-th finding of Appendix A (never user text)."""
    return f"finding-{number}"


@dataclass(frozen=True)
class _Item:
    number: int
    finding: Finding
    rel: KeyPath | None
    """Path relative to the scope's prefix; None for a finding that names the scope but lies elsewhere."""


def _under(path: KeyPath, prefix: KeyPath) -> bool:
    return path[: len(prefix)] == prefix


@dataclass
class Scope:
    """The findings of one entry of the register, and the marks of the values inside it."""

    items: list[_Item] = field(default_factory=list)

    def at(self, *prefix: str | int, taken: Sequence[KeyPath] = ()) -> list[Mark]:
        """Marks of the findings under ``prefix`` (relative to the scope), leaving out those under ``taken``."""
        return [
            Mark(finding_id(item.number), item.finding.severity.value, finding_anchor(item.number))
            for item in self.items
            if item.rel is not None
            and _under(item.rel, prefix)
            and not any(_under(item.rel, (*prefix, *sub)) for sub in taken)
        ]

    def refs(self) -> list[FindingRef]:
        """Every finding of the scope, in appendix order."""
        return [
            FindingRef(
                id=finding_id(item.number),
                severity=item.finding.severity.value,
                rule=item.finding.rule,
                short=item.finding.name,
                message=item.finding.message,
                where=format_path(item.rel) if item.rel else "",
                anchor=finding_anchor(item.number),
            )
            for item in self.items
        ]

    def numbers(self) -> list[int]:
        """Appendix numbers of the scope's findings."""
        return [item.number for item in self.items]


class FindingIndex:
    """Findings numbered in appendix order, looked up by the register file and key path they are about."""

    def __init__(self, register: Register, findings: Iterable[Finding]) -> None:
        self.numbered = list(enumerate(findings, start=1))
        files = sorted(register.files(), key=len, reverse=True)
        known: dict[str, str | None] = {}
        self._by_file: dict[str, list[tuple[int, Finding]]] = {}
        self._by_entry: dict[tuple[str, KeyPath], list[tuple[int, Finding]]] = {}
        """Findings by file and the first two keys of their path (an entry: ``("activities", 3)``), so that
        the scope of one activity of a large file does not walk the findings of the whole file."""
        for number, finding in self.numbered:
            if finding.file not in known:
                known[finding.file] = next(
                    (f for f in files if finding.file == f or finding.file.endswith("/" + f)), None
                )
            own = known[finding.file]
            if own is not None:
                self._by_file.setdefault(own, []).append((number, finding))
                self._by_entry.setdefault((own, finding.path[:2]), []).append((number, finding))

    def scope(self, file: str | None, prefix: KeyPath = (), activity: str | None = None) -> Scope:
        """The findings about ``file`` under ``prefix``, plus those naming ``activity`` elsewhere in the file."""
        items = []
        candidates = self._by_file.get(file or "", [])
        if len(prefix) == 2:  # one entry: its own findings, and those of the file's top level naming it
            own = self._by_entry.get((file or "", prefix), [])
            top = self._by_entry.get((file or "", ()), [])
            candidates = sorted(own + top, key=lambda item: item[0])
        for number, finding in candidates:
            if _under(finding.path, prefix):
                items.append(_Item(number, finding, finding.path[len(prefix) :]))
            elif activity is not None and finding.activity == activity and not finding.path:
                items.append(_Item(number, finding, None))
        return Scope(items)


def linked_anchors(view: object) -> set[str]:
    """The appendix anchors a view links to: those of every :class:`Mark` and :class:`FindingRef` inside it.

    A part that draws the view holds empty stand-ins for them (the entries are in the appendix, another part);
    walking the view's fields finds every marker, wherever a template prints it.
    """
    found: set[str] = set()
    todo: list[object] = [view]
    while todo:
        item = todo.pop()
        if isinstance(item, Mark | FindingRef):
            if item.anchor:
                found.add(item.anchor)
        elif isinstance(item, list | tuple):
            todo.extend(item)
        elif is_dataclass(item) and not isinstance(item, type):
            todo.extend(getattr(item, f.name) for f in fields(item))
    return found


EMPTY = Scope()
"""The scope of a view built without findings (the annexes, tests of a single view)."""
