"""The rule type, the context rules run in, and the hits they yield."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ropa.errors import KeyPath
from ropa.model.activity import DataCategory, DataSubjectCategory, Purpose, Recipient
from ropa.model.common import Severity
from ropa.model.provider import Provider
from ropa.model.register import Entry, Register

T = TypeVar("T")
ItemT = TypeVar("ItemT")
Item = tuple[Entry, int, ItemT]
"""One item of an activity list (purpose, data category ...) with where it is: the activity's entry, the
item's index, the item."""


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports: a message at a place, about a provider and/or activity."""

    message: str
    file: str
    path: KeyPath = ()
    provider: str | None = None
    activity: str | None = None
    severity: Severity | None = None
    """Set only when the rule itself lowers or raises its default for this case."""


@dataclass
class Context:
    """What a rule sees: the register, the date it is checked as of, and place helpers."""

    register: Register
    as_of: dt.date
    shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Indexes built once per check and reused by several rules (see :meth:`once`)."""

    def once(self, key: str, build: Callable[[Context], T]) -> T:
        """``build(self)``, computed on first use and shared by every rule of this check."""
        if key not in self.shared:
            self.shared[key] = build(self)
        value: T = self.shared[key]
        return value

    def org(self, *path: str | int, message: str, severity: Severity | None = None) -> Hit:
        """A hit in organisation.yaml."""
        return Hit(message, self.register.organisation_file, tuple(path), severity=severity)

    def prov(self, provider: Provider, *path: str | int, message: str, severity: Severity | None = None) -> Hit:
        """A hit in a provider's file."""
        return Hit(message, self.register.provider_files[provider.id], tuple(path), provider.id, None, severity)

    def act(self, entry: Entry, *path: str | int, message: str, severity: Severity | None = None) -> Hit:
        """A hit inside one activity, in the file that declares it."""
        return Hit(message, entry.file, (*entry.path, *path), entry.provider_id, entry.activity.id, severity)

    def activities(self) -> Iterator[Entry]:
        """Every activity of the controller record, wherever it is declared."""
        return iter(self.register.activities())

    def purposes(self) -> list[Item[Purpose]]:
        """Every purpose of every activity, as ``(entry, purpose index, purpose)``."""
        return self.once("purposes", lambda ctx: ctx._flat("purposes"))

    def data_categories(self) -> list[Item[DataCategory]]:
        """Every data category of every activity, as ``(entry, index, category)``."""
        return self.once("data_categories", lambda ctx: ctx._flat("data_categories"))

    def data_subjects(self) -> list[Item[DataSubjectCategory]]:
        """Every data-subject category of every activity, as ``(entry, index, category)``."""
        return self.once("data_subjects", lambda ctx: ctx._flat("data_subjects"))

    def recipients(self) -> list[Item[Recipient]]:
        """Every recipient of every activity, as ``(entry, index, recipient)``."""
        return self.once("recipients", lambda ctx: ctx._flat("recipients"))

    def _flat(self, key: str) -> list[Any]:
        # One pass, shared by every rule that looks at the same kind of item: rules then loop over a flat list
        # instead of walking the activities again.
        return [
            (entry, i, item)
            for entry in self.register.activities()
            for i, item in enumerate(getattr(entry.activity, key) or ())
        ]


Check = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue.

    Attributes:
        id: Stable id, never reused (``A44-mechanism``).
        name: Dotted name (``transfers.mechanism``).
        severity: Default severity.
        summary: One line: what the rule checks.
        article: GDPR provision(s) it rests on.
        why: Why it matters.
        fix: How to fix a finding.
        bad: A YAML fragment that fails the rule.
        good: The same fragment, fixed.
        check: The function that yields hits.
        known_problems: Where the rule can be wrong (a heuristic's false positives and negatives).
        options: The settings that change what the rule reports.
        references: Further sources as ``(title, url)``; the acts named in ``article`` are linked by the
            documentation itself (:func:`ropa.check.rules.docs.references`).

    A fragment holds keys of a provider file, or of organisation.yaml when its first
    line is ``# organisation.yaml``; ``---`` separates files, and a ``# as of
    YYYY-MM-DD`` line sets the date it is judged on. tests/rules/test_examples.py
    checks that every ``bad`` fires its rule and every ``good`` does not.
    """

    id: str
    name: str
    severity: Severity
    summary: str
    article: str
    why: str
    fix: str
    bad: str
    good: str
    check: Check = field(compare=False, repr=False)
    known_problems: str = ""
    options: str = ""
    references: tuple[tuple[str, str], ...] = ()


def registrar(rules: list[Rule]) -> Callable[..., Callable[[Check], Check]]:
    """A decorator factory that appends a :class:`Rule` built around a check to ``rules``.

    Usage::

        RULES: list[Rule] = []
        define = registrar(RULES)

        @define(id="A30-1-b-purpose", name="completeness.purpose", severity=Severity.ERROR, ...)
        def purpose(ctx: Context) -> Iterator[Hit]: ...
    """

    def define(
        *,
        id: str,
        name: str,
        severity: Severity,
        summary: str,
        article: str,
        why: str,
        fix: str,
        bad: str,
        good: str,
        known_problems: str = "",
        options: str = "",
        references: tuple[tuple[str, str], ...] = (),
    ) -> Callable[[Check], Check]:
        def wrap(check: Check) -> Check:
            rules.append(
                Rule(
                    id,
                    name,
                    severity,
                    summary,
                    article,
                    why,
                    fix,
                    bad.strip("\n"),
                    good.strip("\n"),
                    check,
                    known_problems,
                    options,
                    references,
                )
            )
            return check

        return wrap

    return define
