"""Output formats for findings: one module each, behind one small interface.

A reporter is a function ``(report, context) -> str``. :data:`FORMATS` feeds the
CLI's ``--format`` choice, so a new module registered here shows up by itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ropa.findings import Report


@dataclass(frozen=True)
class ReportContext:
    """What a reporter may need besides the findings."""

    root: str
    """Register folder as the user gave it: prefixed to file names."""
    color: bool = False
    tool_version: str = ""


Reporter = Callable[[Report, ReportContext], str]

FORMATS: dict[str, str] = {
    "text": "ropa.reporters.text",
    "json": "ropa.reporters.json_format",
    "sarif": "ropa.reporters.sarif",
    "junit": "ropa.reporters.junit",
    "github": "ropa.reporters.github",
}
"""Format name -> module that defines ``render(report, ctx) -> str``."""


def get(name: str) -> Reporter:
    """The reporter for ``name`` (imported on first use)."""
    module = importlib.import_module(FORMATS[name])
    render: Reporter = module.render
    return render


def shown_path(ctx: ReportContext, file: str) -> str:
    """A register-relative file name as the user sees it."""
    root = ctx.root.rstrip("/")
    return file if root in ("", ".") else f"{root}/{file}"
