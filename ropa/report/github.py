"""GitHub Actions workflow commands: each finding becomes an annotation on its file and line.

A line reads ``::error file=PATH,line=N,col=N,title=RULE-ID::message``; warnings
use ``::warning`` and info findings ``::notice``. Values are escaped as the
Actions runner expects (as in ``@actions/core``): in the message ``%``, CR and
LF; in properties also ``:`` and ``,``, which would otherwise end the value.
Without the escaping, a newline in user text would end the command and the
rest of the line could be read as a new command. Waived findings are not
annotated. A last plain line summarises the counts in the log.
"""

from __future__ import annotations

from ropa.check.findings import Report
from ropa.model.common import Severity
from ropa.report import Emit, ReportContext, shown_path

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
"""ropa severity -> workflow command."""


def escape_data(text: str) -> str:
    """Escape a command's message: ``%``, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(report: Report, ctx: ReportContext, emit: Emit) -> None:
    """One workflow command per finding, then a summary line, each sent to ``emit`` as it is made."""
    for finding in report.findings:
        props = {"file": shown_path(ctx, finding.file).replace("\\", "/")}
        if finding.line > 0:
            props["line"] = str(finding.line)
            if finding.column > 0:
                props["col"] = str(finding.column)
        props["title"] = finding.rule
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
        emit(f"::{COMMANDS[finding.severity]} {joined}::{escape_data(finding.message)}\n")
    s = report.summary()
    tail = f"ropa: {s['error']} error(s), {s['warning']} warning(s), {s['info']} info"
    if report.waived:
        tail += f", {len(report.waived)} waived"
    emit(escape_data(tail) + "\n")
