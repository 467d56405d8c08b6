"""The "Findings" sheet: open and waived validation findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ropa.check.findings import Finding, Report
from ropa.i18n import gettext as _
from ropa.render.tables.table import Column
from ropa.render.text import NOT_STATED


@dataclass(frozen=True)
class FindingItem:
    """An open or waived finding."""

    finding: Finding
    status: str
    reason: str
    expires: str


def finding_items(report: Report) -> Iterator[FindingItem]:
    """The open findings in report order, then the waived ones with their reason and expiry."""
    for finding in report.findings:
        yield FindingItem(finding, _("Open"), "", "")
    for waived in report.waived:
        yield FindingItem(waived.finding, _("Waived"), waived.reason, waived.expires)


def finding_columns() -> list[Column[FindingItem]]:
    """The columns of the Findings sheet."""
    return [
        Column("Severity", 10, lambda i: _(i.finding.severity.value)),
        Column("Rule", 22, lambda i: i.finding.rule),
        Column("Rule name", 24, lambda i: i.finding.name),
        Column("Message", 60, lambda i: i.finding.message),
        Column("File", 26, lambda i: i.finding.file),
        Column("Line", 7, lambda i: i.finding.line),
        Column("Column", 7, lambda i: i.finding.column),
        Column("Key path", 26, lambda i: _path(i.finding)),
        Column("Provider", 16, lambda i: i.finding.provider or "Not applicable"),
        Column("Activity", 18, lambda i: i.finding.activity or "Not applicable"),
        Column("Article", 16, lambda i: i.finding.article or NOT_STATED),
        Column("Status", 9, lambda i: i.status),
        Column("Waiver reason", 30, lambda i: i.reason),
        Column("Waiver expires", 13, lambda i: i.expires),
    ]


def _path(finding: Finding) -> str:
    from ropa.errors import format_path

    return format_path(finding.path)
