"""The validation report as a PDF a person reads: status first, then every finding, rule and waiver.

It goes into the auditor package beside the JSON and SARIF forms of the same
report. The first page says whether the register passed; a package made with
``--allow-findings`` says so there in plain words and lists the open
error-level findings. The view-model is built here; the layout is
``templates/report.html`` (rendered with the register's Jinja environment and
written by the register's PDF writer, so the same fetcher and date rules apply).

Every heading, label, count sentence, severity word and date is in the document's language
(:mod:`ropa.i18n`, catalogue ``report.po``); the finding messages and the rules' names and
summaries come from the rule catalogue and stay English, which a German or French report says once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ropa.check.findings import Finding, Report
from ropa.i18n import current, format_date
from ropa.i18n import gettext as _
from ropa.model.common import Severity
from ropa.model.register import Register

TEMPLATE = "report.html"
OPEN_ON_COVER = 50
"""Rules the cover names with their count of open error-level findings; the findings themselves are listed
once, under Errors (a report that lists each finding twice reads as twice the errors)."""
RULES_HELP = (
    "Each finding names the register file, line and column it comes from, and the GDPR provision the rule rests "
    "on. The same report is in this package as JSON and SARIF; the rules are explained by {command}."
)
"""The cover's closing sentence; ``{command}`` is printed as code (``ropa rules RULE-ID``)."""
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
    severity_label: str = ""
    """``severity`` in the document's language (``severity`` itself picks the CSS class)."""


@dataclass(frozen=True)
class WaivedRow:
    """A waived finding with the reason and expiry of its waiver."""

    finding: FindingRow
    reason: str
    expires: str
    expiry: str = ""
    """``expires {date}`` in the document's language."""


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
    severity_label: str = ""


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
    headline: str = ""
    """``Validation status: <word>`` in the document's language."""


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
    language: str = "en"
    """The document's language (``<html lang>``); a report in another language than English says that the
    finding messages are English."""
    description: str = ""
    """The PDF's description (``<meta name="description">``)."""
    open_more_text: str = ""
    """The sentence naming :attr:`open_more` (empty when there are none)."""
    waived_heading: str = ""
    rules_heading: str = ""
    rules_help: tuple[str, str] = ("", "")
    """The sentence on where the rules are explained, before and after the command it names (printed as code)."""


def _breakable(text: str) -> str:
    """A dotted name or file path that wraps only between its parts (zero-width spaces after dots and slashes)."""
    return text.replace(".", ".\u200b").replace("/", "/\u200b")


def _date(iso: str) -> str:
    """An ISO date of the report (record date, as-of date, waiver expiry) as the document's language writes it."""
    import datetime as dt

    try:
        return format_date(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


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
        severity_label=_(finding.severity.value),
    )


def _status(report: Report, open_findings: Sequence[Finding]) -> Status:
    """The verdict, with its headline in the document's language."""
    status = _verdict(report, open_findings)
    return Status(status.level, status.word, status.summary, _("Validation status: {word}").format(word=status.word))


def _verdict(report: Report, open_findings: Sequence[Finding]) -> Status:
    summary = report.summary()
    counts = _("{error} error, {warning} warning, {info} info").format(**summary)
    n = {"counts": counts}
    if open_findings:
        return Status(
            "error",
            _("Packaged with open findings"),
            _(
                "This package was made although the register has {count} error-level finding(s) "
                "({counts}). The record is incomplete or wrong on the points listed below."
            ).format(count=len(open_findings), counts=counts),
        )
    if summary["error"]:
        return Status("error", _("Errors found"), _("The register has error-level findings ({counts}).").format_map(n))
    if summary["warning"]:
        return Status("warning", _("Passed with warnings"), _("No error-level findings ({counts}).").format_map(n))
    if summary["info"]:
        return Status("info", _("Passed"), _("No error- or warning-level findings ({counts}).").format_map(n))
    return Status("ok", _("Passed"), _("Every rule that ran passed: there are no findings."))


def _waived(finding: Finding, reason: str, expires: str) -> WaivedRow:
    day = _date(expires)
    return WaivedRow(_row(finding), reason, day, _("expires {date}").format(date=day))


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
            parts.append(_("{count} finding(s)").format(count=found[rule_id]))
        if waived.get(rule_id):
            parts.append(_("{count} waived").format(count=waived[rule_id]))
        rows.append(
            RuleRow(
                rule.id,
                rule.name,
                rule.severity.value,
                rule.article,
                rule.summary,
                ", ".join(parts) or _("passed"),
                not found.get(rule_id),
                _(rule.severity.value),
            )
        )
    return rows


def build_report_view(register: Register, report: Report, open_findings: Sequence[Finding] = ()) -> ReportView:
    """The view-model of the report; ``open_findings`` are the errors a package was made with."""
    from ropa import __version__, refdata
    from ropa.util.dates import document_datetime

    org = register.organisation
    summary = report.summary()
    by_rule = _by_rule(open_findings)
    more = max(0, len(by_rule) - OPEN_ON_COVER)
    before, _command, after = _(RULES_HELP).partition("{command}")
    rules = _rules(report)
    sections = []
    for severity in SEVERITY_ORDER:
        rows = [_row(f) for f in report.findings if f.severity is severity]
        if rows:
            sections.append(SeveritySection(severity.value, _(SEVERITY_TITLES[severity]), rows))
    return ReportView(
        title=_("Validation report"),
        organisation=org.legal_name,
        version=org.record.version,
        date=format_date(org.record.date),
        created=document_datetime(register).strftime("%Y-%m-%dT%H:%M:%SZ"),
        as_of=_date(report.as_of),
        catalogue_version=report.catalogue_version,
        ropa_version=__version__,
        status=_status(report, open_findings),
        open_findings=[],
        open_by_rule=by_rule[:OPEN_ON_COVER],
        open_more=more,
        counts=[
            (_("Errors"), summary["error"]),
            (_("Warnings"), summary["warning"]),
            (_("Information"), summary["info"]),
            (_("Waived"), len(report.waived)),
            (_("Rules run"), len(report.rules_run)),
        ],
        sections=sections,
        waived=[_waived(w.finding, w.reason, w.expires) for w in report.waived],
        rules=rules,
        reference_data=[(_(title), _date(day)) for title, day in refdata.dated_titles()],
        language=current(),
        description=_("Validation report of the record of processing activities, version {version}").format(
            version=org.record.version
        ),
        open_more_text=_("… and {count} more rules; every finding is listed under Errors.").format(count=more)
        if more
        else "",
        waived_heading=_("Waived findings ({count})").format(count=len(report.waived)),
        rules_heading=_("Rules that ran ({count})").format(count=len(rules)),
        rules_help=(before, after),
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
