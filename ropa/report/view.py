"""What ``ropa validate --severity`` and ``--summary`` show: fewer findings, or counts instead of them.

Both only change the report that is printed; the exit code still follows ``--fail-on`` over every
finding (the CLI judges the whole report), so a hidden error still fails a run.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ropa.check.findings import Report
from ropa.model.common import Severity

RANK = {Severity.INFO.value: 0, Severity.WARNING.value: 1, Severity.ERROR.value: 2}
"""Severity name -> rank, lowest first."""
SUMMARY_FORMATS = ("text", "json")
"""Formats that have a summary view (SARIF, JUnit and GitHub annotations are lists of findings by design)."""


def at_or_above(report: Report, lowest: str) -> Report:
    """``report`` with only the findings (and waived findings) at ``lowest`` severity or above."""
    if lowest == Severity.INFO.value:
        return report
    floor = RANK[lowest]
    return dataclasses.replace(
        report,
        findings=[f for f in report.findings if RANK[f.severity.value] >= floor],
        waived=[w for w in report.waived if RANK[w.finding.severity.value] >= floor],
    )


def hidden(whole: Report, shown: Report) -> dict[str, int]:
    """Findings per severity that ``shown`` leaves out of ``whole`` (severities with none omitted)."""
    left_out = Counter(whole.summary()) - Counter(shown.summary())
    return {severity: left_out[severity] for severity in RANK if left_out[severity]}


@dataclass(frozen=True)
class RuleCount:
    """How many findings one rule gave at one severity."""

    rule: str
    name: str
    severity: str
    count: int

    def to_json(self) -> dict[str, Any]:
        """Plain data for the JSON summary."""
        return dataclasses.asdict(self)


def by_rule(report: Report) -> list[RuleCount]:
    """Counts per (rule, severity): errors first, then the most frequent, then by rule id."""
    counts = Counter((f.rule, f.name, f.severity.value) for f in report.findings)
    rows = [RuleCount(rule, name, severity, n) for (rule, name, severity), n in counts.items()]
    return sorted(rows, key=lambda r: (-RANK[r.severity], -r.count, r.rule))


def summary_text(report: Report, left_out: dict[str, int], waived: int) -> str:
    """A table of counts by rule and severity, then the total line."""
    rows = by_rule(report)
    lines: list[str] = []
    if rows:
        width = max(len(f"{r.rule} ({r.name})") for r in rows)
        lines.append(f"{'rule':<{width}}  severity  count")
        lines += [f"{f'{r.rule} ({r.name})':<{width}}  {r.severity:<8}  {r.count:>5}" for r in rows]
    return "\n".join([*lines, total_line(report, left_out, waived)]) + "\n"


def total_line(report: Report, left_out: dict[str, int], waived: int) -> str:
    """'N finding(s): e error(s), w warning(s), i info', with what ``--severity`` left out and the waived."""
    s = report.summary()
    line = f"{len(report.findings)} finding(s): {s['error']} error(s), {s['warning']} warning(s), {s['info']} info"
    extras = [f"{n} {severity} not shown" for severity, n in left_out.items()]
    if waived:
        extras.append(f"{waived} waived")
    return line + (f" ({', '.join(extras)})" if extras else "")


def summary_json(report: Report, left_out: dict[str, int], shown_from: str) -> str:
    """The JSON summary: severity counts, counts by rule, the total, and what was left out."""
    document = {
        "summary": report.summary(),
        "by_rule": [r.to_json() for r in by_rule(report)],
        "total": len(report.findings),
        "waived": len(report.waived),
        "as_of": report.as_of,
        "catalogue_version": report.catalogue_version,
    }
    if shown_from != Severity.INFO.value:
        document["severity"] = shown_from
        document["not_shown"] = left_out
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
