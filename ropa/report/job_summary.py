"""A Markdown job summary for GitHub Actions, appended to ``$GITHUB_STEP_SUMMARY``.

GitHub shows at most 10 error and 10 warning annotations per step (50 per job)
and drops the rest without a word, so a register with a hundred findings looks
like it has twenty. The summary page has no such limit: it gets the counts by
severity and by rule, and the first errors and warnings with ``file:line``, so
what the annotations leave out is one click away. ``--format github`` writes it
when the variable is set (the runner sets it in every step).

All user text is escaped (every ASCII punctuation mark backslash-escaped, line
breaks and control characters made spaces), so a message cannot open a link,
inject HTML or break the table. The summary is made whole first and appended in
one ``O_APPEND`` write: what earlier commands of the step wrote is kept, and a
failure leaves no half table.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from ropa.check.findings import Finding, Report
from ropa.errors import OutputError
from ropa.model.common import Severity
from ropa.report import ReportContext, shown_path

ENV = "GITHUB_STEP_SUMMARY"
SHOWN = 50
"""Findings listed at most (errors first, then warnings): enough to act on, far below GitHub's 1 MiB a step."""
MESSAGE_CHARS = 300
"""A longer message is cut (with an ellipsis): the table stays readable and its size bounded."""

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_NOT_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def cell(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` as literal Markdown on one line: safe in a table cell, a heading or running text."""
    flat = _SURROGATE.sub("\ufffd", _NOT_TEXT.sub(" ", text)).strip()
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return _PUNCTUATION.sub(r"\\\1", flat)


def _where(finding: Finding, ctx: ReportContext) -> str:
    path = shown_path(ctx, finding.file).replace("\\", "/")
    return f"{path}:{finding.line}" if finding.line > 0 else path


def markdown(report: Report, ctx: ReportContext) -> str:
    """The summary: a headline, counts by severity, counts by rule, the first errors and warnings."""
    counts = report.summary()
    total = len(report.findings)
    register = ctx.root.rstrip("/") or "."
    lines = [f"### ropa validate {cell(register)}", ""]
    tail = f", {len(report.waived)} waived" if report.waived else ""
    lines.append(
        f"**{counts['error']} error(s)**, {counts['warning']} warning(s), {counts['info']} info{tail}"
        f" (catalogue {cell(report.catalogue_version)}, as of {cell(report.as_of)})."
    )
    if not total:
        return "\n".join([*lines, "", "No findings.", ""])
    lines += ["", "| severity | findings |", "|---|---:|"]
    lines += [f"| {severity.value} | {counts[severity.value]} |" for severity in _ORDER]
    if report.waived:
        lines.append(f"| waived | {len(report.waived)} |")

    by_rule: dict[str, Counter[Severity]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, Counter())[finding.severity] += 1
    ranked = sorted(by_rule.items(), key=lambda item: (*(-item[1][s] for s in _ORDER), item[0]))
    lines += ["", "| rule | errors | warnings | info |", "|---|---:|---:|---:|"]
    lines += [
        f"| {cell(rule)} | {c[Severity.ERROR]} | {c[Severity.WARNING]} | {c[Severity.INFO]} |" for rule, c in ranked
    ]

    listed = [f for severity in _ORDER[:2] for f in report.findings if f.severity is severity][:SHOWN]
    if listed:
        lines += ["", f"#### First errors and warnings ({len(listed)} of {counts['error'] + counts['warning']})", ""]
        lines += ["| where | severity | rule | message |", "|---|---|---|---|"]
        lines += [
            f"| {cell(_where(f, ctx))} | {f.severity.value} | {cell(f.rule)} | {cell(f.message)} |" for f in listed
        ]
    if total > len(listed):
        lines += ["", f"{total - len(listed)} more finding(s) not listed: run `ropa validate` locally for every one."]
    return "\n".join(lines) + "\n"


def append(path: Path, text: str) -> None:
    """Append ``text`` to ``path`` in one write, after a blank line when the file already has content.

    Raises:
        OutputError: when the file cannot be opened or written.
    """
    data = text.encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size > 0:
                data = b"\n" + data
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(f"{path}: cannot append the job summary ({reason}); set {ENV} to a writable file") from None


def write_if_requested(report: Report, ctx: ReportContext) -> None:
    """Append the summary to the file ``$GITHUB_STEP_SUMMARY`` names, if it names one."""
    target = os.environ.get(ENV)
    if target:
        append(Path(target), markdown(report, ctx))
