"""Validation findings for the appendix and the status line of the cover."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ropa.check.findings import Finding, Report
from ropa.i18n import gettext as _
from ropa.model.common import Severity
from ropa.model.register import Register
from ropa.render.text import severity_count


@dataclass(frozen=True)
class FindingView:
    """One validation finding, as printed in the appendix."""

    severity: str
    rule: str
    name: str
    message: str
    location: str
    about: str
    article: str
    id: str = ""
    """``F<n>``: the id the register prints next to the values the finding is about ("" in the annexes)."""
    anchor: str = ""
    section: str = ""
    """Anchor of the register section the finding concerns ("" when no section shows the value)."""
    section_title: str = ""


@dataclass(frozen=True)
class WaivedView:
    """A finding silenced by a waiver, with the reason and expiry."""

    finding: FindingView
    reason: str
    expires: str


@dataclass(frozen=True)
class Status:
    """Validation status for the cover and the appendix."""

    word: str
    level: str
    errors: int
    warnings: int
    infos: int
    waived: int
    summary: str
    as_of: str


def finding_view(
    register: Register, finding: Finding, number: int = 0, section: tuple[str, str] = ("", "")
) -> FindingView:
    """View of one finding with its location and the provider/activity it concerns.

    ``number`` (its place in Appendix A) gives it an id and an anchor; ``section`` is the (anchor, title)
    of the register section that shows the value it is about.
    """
    from ropa.errors import format_path
    from ropa.render.views.marks import finding_anchor, finding_id

    location = f"{finding.file}:{finding.line}:{finding.column}"
    if finding.path:
        location += f" ({breakable_path(format_path(finding.path))})"
    about = []
    if finding.provider:
        provider = register.provider(finding.provider)
        about.append(provider.legal_name if provider else finding.provider)
    if finding.activity:
        about.append(_("activity {id}").format(id=finding.activity))
    return FindingView(
        severity=finding.severity.value,
        rule=finding.rule,
        name=finding.name,
        message=finding.message,
        location=location,
        about=" \u00b7 ".join(about),
        article=finding.article,
        id=finding_id(number) if number else "",
        anchor=finding_anchor(number) if number else "",
        section=section[0],
        section_title=section[1],
    )


def breakable_path(path: str) -> str:
    """A key path that wraps only between its keys: a zero-width space after each dot and before each index."""
    return path.replace(".", ".\u200b").replace("[", "\u200b[")


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; within a severity by file, line, column, rule."""
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.sort_key()))


def status_of(report: Report, findings: list[Finding] | None = None) -> Status:
    """The validation status line for the cover and the appendix."""
    chosen = report.findings if findings is None else findings
    counts = {s: sum(1 for f in chosen if f.severity is s) for s in Severity}
    errors, warnings, infos = counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
    if errors:
        word, level = _("Findings to fix: the record has errors"), "error"
    elif warnings:
        word, level = _("Passed with warnings"), "warning"
    elif infos:
        word, level = _("Passed (information only)"), "info"
    else:
        word, level = _("Passed: no findings"), "ok"
    counted = ((errors, "error"), (warnings, "warning"), (infos, "info"))
    summary = ", ".join(severity_count(n, severity) for n, severity in counted)
    return Status(word, level, errors, warnings, infos, len(report.waived), summary, report.as_of)
