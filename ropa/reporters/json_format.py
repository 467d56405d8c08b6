"""JSON: ``{"findings": [...], "summary": {...}}`` with file names as the user sees them.

The document is :meth:`ropa.findings.Report.to_json` plus ``as_of`` and
``catalogue_version``, indented and key-sorted; the findings are converted and
written one at a time (:mod:`ropa.reporters.jsonstream`), so a report of tens
of thousands of findings is never held as dicts and a string at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ropa.findings import Report
from ropa.reporters import Emit, ReportContext, jsonstream, shown_path


def _shown(items: Iterator[dict[str, Any]], ctx: ReportContext) -> Iterator[dict[str, Any]]:
    for item in items:
        item["file"] = shown_path(ctx, item["file"])
        yield item


def write(report: Report, ctx: ReportContext, emit: Emit) -> None:
    """The report as indented, key-sorted JSON, written finding by finding."""
    findings = (f.to_json() for f in report.findings)
    waived = ({**w.finding.to_json(), "waiver_reason": w.reason, "waiver_expires": w.expires} for w in report.waived)
    document = {
        "findings": jsonstream.Items(_shown(findings, ctx)),
        "summary": report.summary(),
        "waived": jsonstream.Items(_shown(waived, ctx)),
        "as_of": report.as_of,
        "catalogue_version": report.catalogue_version,
    }
    jsonstream.write(document, emit)
    emit("\n")
