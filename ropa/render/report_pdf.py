"""The validation report as a PDF a person reads: status first, then every finding, rule and waiver.

It goes into the auditor package beside the JSON and SARIF forms of the same
report. The first page says whether the register passed; a package made with
``--allow-findings`` says so there in plain words and lists the open
error-level findings. The view-model is built here; the layout is
``templates/report.html`` (rendered with the register's Jinja environment and
written by the register's PDF writer, so the same fetcher and date rules apply).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ropa.check.findings import Finding, Report
from ropa.model.common import Severity
from ropa.model.register import Register

TEMPLATE = "report.html"
OPEN_ON_COVER = 50
"""Rules the cover names with their count of open error-level findings; the findings themselves are listed
once, under Errors (a report that lists each finding twice reads as twice the errors)."""
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
SEVERITY_TITLES = {
    Severity.ERROR: "Errors",
    Severity.WARNING: "Warnings",
    Severity.INFO: "Information",
}


@dataclass(frozen=True)
class FindingRow:
    """One finding, pre-formatted for a table row."""

    rule: str
    name: str
    severity: str
    message: str
    location: str
    subject: str
    article: str


@dataclass(frozen=True)
class WaivedRow:
    """A waived finding with the reason and expiry of its waiver."""

    finding: FindingRow
    reason: str
    expires: str


@dataclass(frozen=True)
class RuleRow:
    """A rule that ran and what it found."""

    id: str
    name: str
    severity: str
    article: str
    summary: str
    result: str
    passed: bool


@dataclass(frozen=True)
class SeveritySection:
    """The findings of one severity."""

    severity: str
    title: str
    rows: list[FindingRow]


@dataclass(frozen=True)
class Status:
    """The verdict on the first page."""

    level: str
    """``error``, ``warning``, ``info`` or ``ok``: picks the box colour."""
    word: str
    summary: str


@dataclass(frozen=True)
class ReportView:
    """Everything ``report.html`` shows (its fields are listed at the top of the template)."""

    title: str
    organisation: str
    version: str
    date: str
    created: str
    as_of: str
    catalogue_version: str
    ropa_version: str
    status: Status
    open_findings: list[FindingRow]
    counts: list[tuple[str, int]]
    sections: list[SeveritySection]
    waived: list[WaivedRow]
    rules: list[RuleRow]
    reference_data: list[tuple[str, str]] = field(default_factory=list)
    open_more: int = 0
    """Rules with open error-level findings beyond the first :data:`OPEN_ON_COVER` (counted, not named)."""
    open_by_rule: list[tuple[str, str, int]] = field(default_factory=list)
    """(rule, name, count) of the open error-level findings a package was made with, most frequent first."""


def _breakable(text: str) -> str:
    """A dotted name or file path that wraps only between its parts (zero-width spaces after dots and slashes)."""
    return text.replace(".", ".\u200b").replace("/", "/\u200b")


def _row(finding: Finding) -> FindingRow:
    subject = " / ".join(p for p in (finding.provider, finding.activity) if p)
    return FindingRow(
        rule=finding.rule,
        name=_breakable(finding.name),
        severity=finding.severity.value,
        message=finding.message,
        location=_breakable(f"{finding.file}:{finding.line}:{finding.column}"),
        subject=subject,
        article=finding.article,
    )


def _status(report: Report, open_findings: Sequence[Finding]) -> Status:
    summary = report.summary()
    counts = f"{summary['error']} error, {summary['warning']} warning, {summary['info']} info"
    if open_findings:
        return Status(
            "error",
            "Packaged with open findings",
            f"This package was made although the register has {len(open_findings)} error-level finding(s) "
            f"({counts}). The record is incomplete or wrong on the points listed below.",
        )
    if summary["error"]:
        return Status("error", "Errors found", f"The register has error-level findings ({counts}).")
    if summary["warning"]:
        return Status("warning", "Passed with warnings", f"No error-level findings ({counts}).")
    if summary["info"]:
        return Status("info", "Passed", f"No error- or warning-level findings ({counts}).")
    return Status("ok", "Passed", "Every rule that ran passed: there are no findings.")


def _by_rule(findings: Sequence[Finding]) -> list[tuple[str, str, int]]:
    """(rule, name, count) of ``findings``, most frequent first, then by rule id."""
    counts: dict[tuple[str, str], int] = {}
    for finding in findings:
        key = (finding.rule, finding.name)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((r, _breakable(n), c) for (r, n), c in counts.items()), key=lambda t: (-t[2], t[0]))


def _rules(report: Report) -> list[RuleRow]:
    from ropa.check.rules import catalogue

    found: dict[str, int] = {}
    for finding in report.findings:
        found[finding.rule] = found.get(finding.rule, 0) + 1
    waived: dict[str, int] = {}
    for item in report.waived:
        waived[item.finding.rule] = waived.get(item.finding.rule, 0) + 1
    rows = []
    cat = catalogue()
    for rule_id in report.rules_run:
        rule = cat.get(rule_id)
        if rule is None:
            continue
        parts = []
        if found.get(rule_id):
            parts.append(f"{found[rule_id]} finding(s)")
        if waived.get(rule_id):
            parts.append(f"{waived[rule_id]} waived")
        rows.append(
            RuleRow(
                rule.id,
                rule.name,
                rule.severity.value,
                rule.article,
                rule.summary,
                ", ".join(parts) or "passed",
                not found.get(rule_id),
            )
        )
    return rows


def build_report_view(register: Register, report: Report, open_findings: Sequence[Finding] = ()) -> ReportView:
    """The view-model of the report; ``open_findings`` are the errors a package was made with."""
    from ropa import __version__, refdata
    from ropa.util.dates import document_datetime

    org = register.organisation
    summary = report.summary()
    sections = []
    for severity in SEVERITY_ORDER:
        rows = [_row(f) for f in report.findings if f.severity is severity]
        if rows:
            sections.append(SeveritySection(severity.value, SEVERITY_TITLES[severity], rows))
    return ReportView(
        title="Validation report",
        organisation=org.legal_name,
        version=org.record.version,
        date=org.record.date.isoformat(),
        created=document_datetime(register).strftime("%Y-%m-%dT%H:%M:%SZ"),
        as_of=report.as_of,
        catalogue_version=report.catalogue_version,
        ropa_version=__version__,
        status=_status(report, open_findings),
        open_findings=[],
        open_by_rule=_by_rule(open_findings)[:OPEN_ON_COVER],
        open_more=max(0, len(_by_rule(open_findings)) - OPEN_ON_COVER),
        counts=[
            ("Errors", summary["error"]),
            ("Warnings", summary["warning"]),
            ("Information", summary["info"]),
            ("Waived", len(report.waived)),
            ("Rules run", len(report.rules_run)),
        ],
        sections=sections,
        waived=[WaivedRow(_row(w.finding), w.reason, w.expires) for w in report.waived],
        rules=_rules(report),
        reference_data=refdata.dated_titles(),
    )


ROWS_PER_PART = 100
"""Finding rows per part of the report: WeasyPrint holds every page of a document until it is written, so the
report is laid out in parts like the register (a 10,000-activity register has about 14,000 findings)."""


@dataclass(frozen=True)
class ReportSegment:
    """One part of the report (template variable ``segment``): ``cover``, ``findings:<severity>:<n>`` or ``closing``."""

    name: str
    rows: list[FindingRow] = field(default_factory=list)
    title: str = ""
    opens_chapter: bool = False


def report_segments(view: ReportView) -> list[ReportSegment]:
    """The parts of the report in order: the cover, runs of :data:`ROWS_PER_PART` findings, then the rest."""
    segments = [ReportSegment("cover")]
    for section in view.sections:
        for n, start in enumerate(range(0, len(section.rows), ROWS_PER_PART)):
            title = f"{section.title} ({len(section.rows)})" if n == 0 else ""
            rows = section.rows[start : start + ROWS_PER_PART]
            segments.append(
                ReportSegment(f"findings:{section.severity}:{n}", rows, title, opens_chapter=len(segments) == 1)
            )
    if len(segments) == 1:
        segments.append(ReportSegment("findings:none:0", opens_chapter=True))
    segments.append(ReportSegment("closing"))
    return segments


def report_html(
    register: Register, report: Report, open_findings: Sequence[Finding] = (), templates: Path | None = None
) -> list[str]:
    """The HTML of each part of the report, in order."""
    from ropa.render.html import check_parts_templates, render

    check_parts_templates(templates)
    view = build_report_view(register, report, open_findings)
    return [render(TEMPLATE, templates, doc=view, segment=segment) for segment in report_segments(view)]


def render_report_pdf(
    register: Register, report: Report, open_findings: Sequence[Finding] = (), templates: Path | None = None
) -> bytes:
    """The validation report as PDF bytes (same PDF writer, fetcher and fixed dates as the register).

    The parts are laid out one after another, so memory stays that of the largest part.
    """
    from ropa.render.pdf import render_parts_pdf

    return render_parts_pdf(report_html(register, report, open_findings, templates), register, templates)
