"""JSON: ``{"findings": [...], "summary": {...}}`` with file names as the user sees them."""

from __future__ import annotations

import json

from reporters_stream.legacy import shown_path
from ropa.findings import Report
from ropa.reporters import ReportContext


def render(report: Report, ctx: ReportContext) -> str:
    """The report as indented, key-sorted JSON."""
    data = report.to_json()
    for item in (*data["findings"], *data["waived"]):
        item["file"] = shown_path(ctx, item["file"])
    data["as_of"] = report.as_of
    data["catalogue_version"] = report.catalogue_version
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
