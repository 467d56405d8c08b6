"""The reporters as they were before they wrote incrementally (commit 16f038e), kept as the test oracle.

Each module is that commit's module verbatim except for this import line:
``from ropa.reporters import ReportContext, shown_path`` became an import of
:class:`ropa.reporters.ReportContext` (the input type, unchanged) and of the
frozen :func:`shown_path` below. Every one of them builds its whole output in
memory and returns one string, which is what the streaming reporters must
reproduce byte for byte. Do not edit them to follow a change of format: a
deliberate change of output is a change of this oracle's purpose.
"""

from __future__ import annotations

from ropa.reporters import ReportContext


def shown_path(ctx: ReportContext, file: str) -> str:
    """A register-relative file name as the user sees it."""
    root = ctx.root.rstrip("/")
    return file if root in ("", ".") else f"{root}/{file}"
