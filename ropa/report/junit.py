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
- waived findings are ``<skipped>`` cases with the waiver's reason and expiry
  (as the message, which Jenkins shows, and as the text, which GitLab shows).

The document validates against the Jenkins JUnit schema (``junit-10.xsd`` of
the xUnit plugin), so dashboards that validate strictly accept it; the Ant
schema is not the target, as it has no ``<system-out>`` per case and wants a
timestamp and host name, which would cost the same-bytes promise.
That schema has no ``file`` or ``line`` on a test case and no ``skipped`` on
``<testsuites>``: the location starts every failure message and is the
first line of the text of every failure and ``<system-out>`` (where waived
and info cases keep their details), as ``path:line:col: severity RULE
message``; the case name holds the file and key path. The suite keeps its
``skipped`` count. GitLab, whose documented parser read ``file`` into a
column of its own, now shows the location at the head of the failure text;
Jenkins shows it at the head of the failure message.

The XML is built with :mod:`xml.etree.ElementTree`, so user text is escaped by
the serialiser; characters XML 1.0 cannot carry at all (control characters,
lone surrogates) are replaced with U+FFFD first. No timestamps or durations are
written, so the same report gives the same bytes. The counts are worked out
first; then each test case is built, indented and written on its own, so a
report of tens of thousands of findings is never one tree in memory.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ropa.check.findings import Finding, Report
from ropa.check.rules import catalogue
from ropa.errors import format_path
from ropa.model.common import Severity
from ropa.report import Emit, ReportContext, shown_path

SUITE_NAME = "ropa"
INDENT = "  "
"""Indentation per level, as :func:`xml.etree.ElementTree.indent` gives by default."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot represent replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _safe(**attributes: str) -> dict[str, str]:
    return {k: xml_safe(v) for k, v in attributes.items()}


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, _safe(**attributes))
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


@dataclass(frozen=True)
class _Plan:
    """What the document holds, in order, worked out before any element is built."""

    entries: list[tuple[Finding, tuple[str, str] | None]]
    """Findings with their waiver (reason, expiry), or None when not waived, in case order."""
    passing: list[str]
    """Rules that ran and found nothing: one passing case each."""

    def counts(self) -> dict[str, int]:
        """The suite's attributes: tests, failures, skipped (errors and time are always 0)."""
        failed = sum(1 for f, w in self.entries if w is None and f.severity is not Severity.INFO)
        skipped = sum(1 for _, w in self.entries if w is not None)
        return {"tests": len(self.entries) + len(self.passing), "failures": failed, "skipped": skipped}


def _plan(report: Report) -> _Plan:
    cat = catalogue()
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
    with_findings = {f.rule for f, _ in entries}
    ran = report.rules_run or list(cat)
    return _Plan(entries, [rule_id for rule_id in ran if rule_id not in with_findings])


def _head(report: Report, ctx: ReportContext, plan: _Plan) -> tuple[ET.Element, ET.Element]:
    """``<testsuites>`` and its ``<testsuite>`` with counts and ``<properties>``, no test case yet."""
    counts = plan.counts()
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
    for element in (root, suite):
        element.set("tests", str(counts["tests"]))
        element.set("failures", str(counts["failures"]))
        element.set("errors", "0")
        if element is suite:  # the schema allows a skipped count on a suite only
            element.set("skipped", str(counts["skipped"]))
        element.set("time", "0")
    return root, suite


def _cases(ctx: ReportContext, plan: _Plan) -> Iterator[ET.Element]:
    """The ``<testcase>`` elements, made one at a time: one per finding, then one per rule that passed."""
    cat = catalogue()
    names: Counter[str] = Counter()
    for finding, waiver in plan.entries:
        rule = cat.get(finding.rule)
        base = f"{finding.rule} {shown_path(ctx, finding.file)}"
        base += f" {format_path(finding.path)}" if finding.path else ""
        names[base] += 1
        name = base if names[base] == 1 else f"{base} #{names[base]}"
        case = ET.Element(
            "testcase",
            _safe(
                classname=f"{SUITE_NAME}.{finding.name or finding.rule}",
                name=name,
                time="0",
            ),
        )
        details = _details(finding, ctx, rule.fix if rule else "")
        if waiver is not None:
            reason, expires = waiver
            why = f"waived until {expires}: {reason}"
            _element(case, "skipped", why, message=why)  # GitLab shows the text, Jenkins the message
            _element(case, "system-out", details)
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
        yield case
    for rule_id in plan.passing:
        rule = cat.get(rule_id)
        classname = f"{SUITE_NAME}.{rule.name if rule else rule_id}"
        yield ET.Element("testcase", _safe(classname=classname, name=rule_id, time="0"))


def build(report: Report, ctx: ReportContext) -> ET.Element:
    """The whole ``<testsuites>`` element (what :func:`write` writes, before indentation)."""
    plan = _plan(report)
    root, suite = _head(report, ctx, plan)
    suite.extend(_cases(ctx, plan))
    return root


def _start_tag(element: ET.Element) -> str:
    """``<tag attr="...">`` exactly as the serialiser writes it (attribute values escape ``>``)."""
    shell = ET.Element(element.tag, element.attrib)
    shell.text = "."
    text = ET.tostring(shell, encoding="unicode")
    return text[: text.index(">") + 1]


def write(report: Report, ctx: ReportContext, emit: Emit) -> None:
    """The report as a JUnit XML document (UTF-8, with declaration), written case by case.

    The bytes are those of ``ET.indent`` and ``ET.tostring`` on the whole tree:
    each child of the suite is indented as at depth 2 and preceded by the line
    break and indentation the whole-tree indent would put in its place.
    """
    plan = _plan(report)
    root, suite = _head(report, ctx, plan)
    (props,) = list(suite)
    emit('<?xml version="1.0" encoding="UTF-8"?>\n' + _start_tag(root) + "\n" + INDENT + _start_tag(suite))
    for child in itertools.chain([props], _cases(ctx, plan)):
        ET.indent(child, space=INDENT, level=2)
        emit("\n" + INDENT * 2 + ET.tostring(child, encoding="unicode"))
    emit("\n" + INDENT + "</testsuite>\n</testsuites>\n")
