"""Findings and reports: the data that feeds every reporter and every document."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ropa.errors import KeyPath, format_path
from ropa.model.common import Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of one rule, located in the register.

    Attributes:
        rule: Stable rule id, e.g. ``A44-mechanism``.
        name: Dotted rule name, e.g. ``transfers.mechanism``.
        severity: Effective severity after overrides.
        message: What is wrong and how to fix it.
        file: File relative to the register root.
        line: 1-based line.
        column: 1-based column.
        path: Key path inside the file.
        provider: Provider id, when the finding is about one.
        activity: Activity id, when the finding is about one.
        article: The GDPR provision the rule rests on.
    """

    rule: str
    name: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    path: KeyPath = ()
    provider: str | None = None
    activity: str | None = None
    article: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Stable order: file, line, column, rule, message."""
        return (self.file, self.line, self.column, self.rule, self.message)

    def to_json(self) -> dict[str, Any]:
        """The JSON form used by the json reporter and the package."""
        # Field by field rather than dataclasses.asdict, which deep-copies every value of every finding.
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": format_path(self.path),
            "provider": self.provider,
            "activity": self.activity,
            "article": self.article,
        }


@dataclass(frozen=True, slots=True)
class Waived:
    """A finding silenced by a waiver, kept for the record."""

    finding: Finding
    reason: str
    expires: str


@dataclass
class Report:
    """The outcome of checking a register."""

    findings: list[Finding] = field(default_factory=list)
    waived: list[Waived] = field(default_factory=list)
    as_of: str = ""
    catalogue_version: str = ""
    rules_run: list[str] = field(default_factory=list)
    """Ids of the rules that ran (selected and not switched off), so reporters can show passes."""

    def summary(self) -> dict[str, int]:
        """Count of findings per severity, every severity present."""
        counts = Counter(f.severity.value for f in self.findings)
        return {s.value: counts.get(s.value, 0) for s in Severity}

    def reaches(self, threshold: Severity) -> bool:
        """Whether any finding is at or above ``threshold``."""
        order = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
        return any(order[f.severity] >= order[threshold] for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        """``{"findings": [...], "summary": {...}}`` plus waived findings."""
        return {
            "findings": [f.to_json() for f in self.findings],
            "summary": self.summary(),
            "waived": [
                {**w.finding.to_json(), "waiver_reason": w.reason, "waiver_expires": w.expires} for w in self.waived
            ],
        }
