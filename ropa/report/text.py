"""Plain text: ``path:line:col: severity rule-id message``, colour on a terminal only."""

from __future__ import annotations

import re

from ropa.check.findings import Report
from ropa.report import Emit, ReportContext, shown_path

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"
_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    """``text`` with line breaks folded to `` / ``: one finding stays one line, whatever a message quotes."""
    return _LINE_BREAKS.sub(" / ", text.strip())


def write(report: Report, ctx: ReportContext, emit: Emit) -> None:
    """One line per finding, then a summary line, each sent to ``emit`` as it is made."""
    for f in report.findings:
        severity = f.severity.value
        if ctx.color:
            severity = f"{_COLOURS[severity]}{severity}{_RESET}"
        emit(f"{shown_path(ctx, f.file)}:{f.line}:{f.column}: {severity} {f.rule} {one_line(f.message)}\n")
    s = report.summary()
    tail = f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} info"
    if report.waived:
        tail += f", {len(report.waived)} waived"
    if ctx.not_shown:
        tail += "; not shown: " + ", ".join(f"{n} {severity}" for severity, n in ctx.not_shown)
    emit(tail + "\n")
