"""JUnit XML for CI test dashboards (GitLab, Jenkins, Azure DevOps, CircleCI).

Dashboards count and track test cases, so the report is shaped to make the
counts mean something and the names stay stable from run to run:

- one ``<testsuite name="ropa">`` inside ``<testsuites>``;
- one failing test case per finding, named ``RULE-ID file key.path`` (the key
  path, not the line, so a case keeps its history when lines move), with
  ``classname`` ``ropa.<rule name>`` so dashboards group cases by rule family;
- one passing test case per rule that ran and found nothing;
- errors **and warnings** are ``<failure>`` elements, told apart by
  ``type="error"`` / ``type="warning"``: a dashboard shows a warning as red,
  which is what a warning in a record of processing deserves, even when
  ``--fail-on error`` lets the pipeline pass;
- info findings are passing cases with the message in ``<system-out>``;
- waived findings are ``<skipped>`` cases with the waiver's reason and expiry.

The XML is built with :mod:`xml.etree.ElementTree`, so user text is escaped by
the serialiser; characters XML 1.0 cannot carry at all (control characters,
lone surrogates) are replaced with U+FFFD first. No timestamps or durations are
written, so the same report gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

from reporters_stream.legacy import shown_path
from ropa.errors import format_path
from ropa.findings import Finding, Report
from ropa.model.common import Severity
from ropa.reporters import ReportContext
from ropa.rules import catalogue

SUITE_NAME = "ropa"

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot represent replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attributes.items()})
    if text is not None:
        child.text = xml_safe(text)
    return child


def _where(finding: Finding, ctx: ReportContext) -> str:
    return f"{shown_path(ctx, finding.file)}:{finding.line}:{finding.column}"


def _details(finding: Finding, ctx: ReportContext, fix: str) -> str:
    lines = [
        f"{_where(finding, ctx)}: {finding.severity.value} {finding.rule} {finding.message}",
        f"rule: {finding.rule} ({finding.name})",
    ]
    if finding.path:
        lines.append(f"key: {format_path(finding.path)}")
    if finding.provider:
        lines.append(f"provider: {finding.provider}")
    if finding.activity:
        lines.append(f"activity: {finding.activity}")
    if finding.article:
        lines.append(f"rests on: {finding.article}")
    if fix:
        lines.append(f"how to fix: {fix}")
    return "\n".join(lines) + "\n"


def build(report: Report, ctx: ReportContext) -> ET.Element:
    """The ``<testsuites>`` element (see :func:`render`)."""
    cat = catalogue()
    root = ET.Element("testsuites", {"name": SUITE_NAME})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME})
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("as_of", report.as_of),
        ("catalogue_version", report.catalogue_version),
        ("tool_version", ctx.tool_version),
        ("register", ctx.root),
    ):
        _element(props, "property", name=name, value=value)

    entries: list[tuple[Finding, tuple[str, str] | None]] = [(f, None) for f in report.findings]
    entries += [(w.finding, (w.reason, w.expires)) for w in report.waived]
    order = {rule_id: i for i, rule_id in enumerate(cat)}
    entries.sort(
        key=lambda e: (
            order.get(e[0].rule, len(order)),
            e[0].rule,
            e[0].file,
            format_path(e[0].path),
            e[0].line,
            e[0].message,
            e[1] is not None,
        )
    )
    names: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    with_findings = {f.rule for f, _ in entries}

    for finding, waiver in entries:
        rule = cat.get(finding.rule)
        base = f"{finding.rule} {shown_path(ctx, finding.file)}"
        base += f" {format_path(finding.path)}" if finding.path else ""
        names[base] += 1
        name = base if names[base] == 1 else f"{base} #{names[base]}"
        case = _element(
            suite,
            "testcase",
            classname=f"{SUITE_NAME}.{finding.name or finding.rule}",
            name=name,
            file=shown_path(ctx, finding.file),
            line=str(finding.line),
            time="0",
        )
        details = _details(finding, ctx, rule.fix if rule else "")
        counts["tests"] += 1
        if waiver is not None:
            reason, expires = waiver
            _element(case, "skipped", message=f"waived until {expires}: {reason}")
            _element(case, "system-out", details)
            counts["skipped"] += 1
        elif finding.severity is Severity.INFO:
            _element(case, "system-out", details)
        else:
            _element(
                case,
                "failure",
                details,
                message=f"{_where(finding, ctx)}: {finding.message}",
                type=finding.severity.value,
            )
            counts["failures"] += 1

    ran = report.rules_run or list(cat)
    for rule_id in ran:
        if rule_id in with_findings:
            continue
        rule = cat.get(rule_id)
        _element(
            suite,
            "testcase",
            classname=f"{SUITE_NAME}.{rule.name if rule else rule_id}",
            name=rule_id,
            time="0",
        )
        counts["tests"] += 1

    for element in (root, suite):
        element.set("tests", str(counts["tests"]))
        element.set("failures", str(counts["failures"]))
        element.set("errors", "0")
        element.set("skipped", str(counts["skipped"]))
        element.set("time", "0")
    return root


def render(report: Report, ctx: ReportContext) -> str:
    """The report as a JUnit XML document (UTF-8, with declaration)."""
    root = build(report, ctx)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
