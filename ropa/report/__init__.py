"""Output formats for findings: one module each, behind one small interface.

Each format module defines ``write(report, context, emit)``, which hands its
output to ``emit`` piece by piece as it makes it, so the report's text never
exists whole (JSON and SARIF hold their findings as dicts first, as
:func:`json.dump` needs them). :func:`stream` passes the pieces on in chunks of
whole lines (to a terminal or pipe); :func:`render_bytes` collects them as UTF-8
for an atomic file write, and :func:`get` as one string for callers that embed a
report (the package). :data:`FORMATS` feeds the CLI's ``--format`` choice, so a
new module registered here shows up by itself.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass

from ropa.check.findings import Report


@dataclass(frozen=True)
class ReportContext:
    """What a reporter may need besides the findings."""

    root: str
    """Register folder as the user gave it, :func:`~ropa.errors.printable` (see :meth:`__post_init__`):
    prefixed to file names."""
    color: bool = False
    tool_version: str = ""
    severity: str = "info"
    """Lowest severity shown (``ropa validate --severity``); findings below it are left out of the report."""
    summary: bool = False
    """Counts by rule and severity instead of the findings (``ropa validate --summary``; text and JSON)."""
    not_shown: tuple[tuple[str, int], ...] = ()
    """(severity, count) of the findings :attr:`severity` left out, set by :func:`get_writer`."""

    def __post_init__(self) -> None:
        """Escape the folder name once for every reporter, those that show it on its own included."""
        from ropa.errors import printable

        object.__setattr__(self, "root", printable(self.root))


Emit = Callable[[str], None]
"""Where a reporter sends each piece of its output, in order."""
Writer = Callable[[Report, ReportContext, Emit], None]
"""A format's ``write(report, ctx, emit)``."""
Reporter = Callable[[Report, ReportContext], str]
"""A format's whole output as one string (see :func:`get`)."""


class EmitFile:
    """``emit`` as the text file :func:`json.dump` writes to."""

    __slots__ = ("write",)

    def __init__(self, emit: Emit) -> None:
        self.write = emit


CHUNK_CHARS = 1 << 16
"""About how many characters :func:`stream` gathers before handing them on."""

FORMATS: dict[str, str] = {
    "text": "ropa.report.text",
    "json": "ropa.report.json_format",
    "sarif": "ropa.report.sarif",
    "junit": "ropa.report.junit",
    "github": "ropa.report.github",
}
"""Format name -> module that defines ``write(report, ctx, emit) -> None``."""


def get_writer(name: str) -> Writer:
    """The writer for ``name`` (imported on first use), showing what the context's severity and summary ask."""
    module = importlib.import_module(FORMATS[name])
    write: Writer = module.write

    def viewed(report: Report, ctx: ReportContext, emit: Emit) -> None:
        if ctx.severity == "info" and not ctx.summary:
            write(report, ctx, emit)
            return
        from ropa.report import view

        shown = view.at_or_above(report, ctx.severity)
        left_out = view.hidden(report, shown)
        if not ctx.summary:
            write(shown, dataclasses.replace(ctx, not_shown=tuple(left_out.items())), emit)
        elif name == "json":
            emit(view.summary_json(shown, left_out, ctx.severity))
        else:
            emit(view.summary_text(shown, left_out, len(shown.waived)))

    return viewed


def get(name: str) -> Reporter:
    """A function giving the whole report for ``name`` as one string, for callers that need it whole."""
    write = get_writer(name)

    def render(report: Report, ctx: ReportContext) -> str:
        parts: list[str] = []
        write(report, ctx, parts.append)
        return "".join(parts)

    return render


def stream(name: str, report: Report, ctx: ReportContext, emit: Emit, chunk_chars: int = CHUNK_CHARS) -> None:
    """Send the report for ``name`` to ``emit`` in chunks of about ``chunk_chars`` characters.

    Each chunk ends at a line end (a chunk grows past ``chunk_chars`` until one
    comes), so a terminal escape sequence or a multi-byte character is never cut
    in two, and the receiver may treat each chunk as whole lines. Memory stays at
    one chunk plus what the format needs to order its findings.
    """
    pending: list[str] = []
    size = 0

    def gather(text: str) -> None:
        nonlocal pending, size
        pending.append(text)
        size += len(text)
        if size >= chunk_chars and "\n" in text:
            head, newline, tail = text.rpartition("\n")
            pending[-1] = head + newline
            emit("".join(pending))
            pending = [tail] if tail else []
            size = len(tail)

    get_writer(name)(report, ctx, gather)
    if pending:
        emit("".join(pending))


def render_bytes(name: str, report: Report, ctx: ReportContext) -> bytes:
    """The whole report for ``name`` as UTF-8, for one atomic write.

    Encoded chunk by chunk into one growing buffer, so the only copy of the
    output held is the bytes themselves: a few times less than building the
    document and then its string.
    """
    buffer = io.BytesIO()

    def add(chunk: str) -> None:
        buffer.write(chunk.encode("utf-8"))

    stream(name, report, ctx, add)
    return buffer.getvalue()


def shown_path(ctx: ReportContext, file: str) -> str:
    """A register-relative file name as the user sees it, :func:`~ropa.errors.printable` in every format.

    The one place every reporter's location comes from: a file name holding a newline,
    an escape sequence or a bidirectional control can then start no line of its own
    (a workflow command) nor reach a terminal raw.
    """
    from ropa.errors import printable

    root = ctx.root.rstrip("/")
    return printable(file if root in ("", ".") else f"{root}/{file}")
