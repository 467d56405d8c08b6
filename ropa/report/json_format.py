"""JSON: ``{"findings": [...], "summary": {...}}`` with file names as the user sees them.

The document is :meth:`ropa.check.findings.Report.to_json` plus ``as_of`` and
``catalogue_version``, written by :func:`json.dump` (indented, key-sorted, UTF-8 as is) piece by piece
to ``emit``, so the text of the report is never held whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ropa.check.findings import Report
from ropa.report import Emit, EmitFile, ReportContext, shown_path


def _shown(items: Iterator[dict[str, Any]], ctx: ReportContext) -> Iterator[dict[str, Any]]:
    for item in items:
        item["file"] = shown_path(ctx, item["file"])
        yield item


def write(report: Report, ctx: ReportContext, emit: Emit) -> None:
    """The report as indented, key-sorted JSON."""
    findings = (f.to_json() for f in report.findings)
    waived = ({**w.finding.to_json(), "waiver_reason": w.reason, "waiver_expires": w.expires} for w in report.waived)
    document: dict[str, Any] = {
        "findings": list(_shown(findings, ctx)),
        "summary": report.summary(),
        "waived": list(_shown(waived, ctx)),
        "as_of": report.as_of,
        "catalogue_version": report.catalogue_version,
    }
    if ctx.severity != "info":  # ropa validate --severity: say what the findings above leave out
        document["severity"] = ctx.severity
        document["not_shown"] = dict(ctx.not_shown)
    json.dump(document, EmitFile(emit), indent=2, sort_keys=True, ensure_ascii=False)
    emit("\n")
