"""One function per command: read -> load -> check [-> render -> package], and nothing about the terminal.

The CLI (:mod:`ropa.cli`) parses options, calls one function here and turns its result into lines
and an exit code. Every stage is imported where it is first needed, so ``ropa validate`` never
imports the document stack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ropa.archive.package import PackageResult
    from ropa.archive.verify import Verification
    from ropa.check.findings import Report
    from ropa.model.register import Register
    from ropa.report import ReportContext

Progress = Callable[[str], None]
"""Told the name of each document as it is rendered; one with ``stage(name, total)`` is also told each stage
(:func:`ropa.produce.build.announce`)."""


def load_and_check(
    root: Path, as_of: dt.date, select: set[str] | None = None, display_root: str | None = None
) -> tuple[Register, Report]:
    """Read, load and check the register (:func:`ropa.check.engine.load_and_check`), imported only when called."""
    from ropa.check.engine import load_and_check as run

    return run(root, as_of, select, display_root)


def load_and_check_for_documents(root: Path, display_root: str | None = None) -> tuple[Register, Report]:
    """Load and check as of the record's own date (:func:`ropa.check.engine.load_and_check_for_documents`)."""
    from ropa.check.engine import load_and_check_for_documents as run

    return run(root, display_root)


def validate(
    root: Path,
    display_root: str,
    as_of: dt.date,
    select: set[str] | None,
    fmt: str,
    context: ReportContext,
    output: Path | None,
    emit: Callable[[str], None],
) -> Report:
    """``ropa validate``: check the register and write the report, to ``output`` or through ``emit``.

    To ``output`` the report is made whole first and written atomically (nothing is written when
    reporting fails); through ``emit`` it goes in chunks of whole lines as the reporter makes them.
    """
    report = load_and_check(root, as_of, select, display_root=display_root)[1]
    from ropa.report import render_bytes, stream

    if output is not None:
        from ropa.util.fsutil import atomic_write

        atomic_write(output, render_bytes(fmt, report, context))
    else:
        stream(fmt, report, context, emit)
    if fmt == "github":  # GitHub shows 10 annotations of a kind per step; the job summary shows the rest
        from ropa.report.job_summary import write_if_requested

        write_if_requested(report, context)
    return report


@dataclass
class Built:
    """What ``ropa build`` wrote, for its summary line."""

    written: list[Path]
    report: Report
    reused: int = 0
    parts_rendered: int = 0
    parts: int = 0


def build(
    root: Path,
    display_root: str,
    out: Path,
    kinds: set[str] | None,
    templates: Path | None,
    jobs: int | None,
    progress: Progress,
    use_cache: bool,
    annex_findings: bool = False,
    language: str | None = None,
) -> Built:
    """``ropa build``: validate as of the record's date, then render the documents of ``kinds`` into ``out``."""
    from ropa.produce.build import announce
    from ropa.produce.build import build as render_documents
    from ropa.produce.cache import BuildCache
    from ropa.util.dates import source_date_epoch

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is refused before anything is read or written
    announce(progress, "checking")
    register, report = load_and_check_for_documents(root, display_root=display_root)
    cache = BuildCache(out)
    written = render_documents(
        register, report, out, kinds, templates, jobs, progress, use_cache, cache, annex_findings, language
    )
    return Built(
        written,
        report,
        reused=len(cache.hits),
        parts_rendered=len(cache.part_misses),
        parts=len(cache.part_hits) + len(cache.part_misses),
    )


def package(
    root: Path,
    display_root: str,
    out: Path,
    since: Path | None,
    allow_findings: bool,
    jobs: int | None,
    progress: Progress,
    use_cache: bool,
    annex_findings: bool = False,
    language: str | None = None,
) -> PackageResult:
    """``ropa package``: validate, render and write the auditor package of the register into ``out``."""
    from ropa.archive.package import build_package
    from ropa.produce.build import announce
    from ropa.util.dates import source_date_epoch

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH is refused before anything is read or written
    announce(progress, "checking")
    return build_package(
        root, out, since, allow_findings, jobs, progress, display_root, use_cache, annex_findings, language
    )


def verify(path: Path, expected_sha256: str | None) -> Verification:
    """``ropa verify``: recompute every hash of the package against its manifest."""
    from ropa.archive.verify import verify as verify_package

    return verify_package(path, expected_sha256)


@dataclass(frozen=True)
class Compared:
    """What ``ropa diff`` found, rendered, with the notes on packages made with other versions."""

    text: str
    differ: bool
    notes: list[tuple[str, str]]
    """(path, note) for each package made with other versions than the running ones."""


def diff(old: str, new: str, fmt: str) -> Compared:
    """``ropa diff``: the change log from ``old`` to ``new``, each a register folder or a package zip."""
    from ropa.archive.diff import RENDERERS, compare

    notes: list[tuple[str, str]] = []
    sides = [_register_data(path, notes) for path in (old, new)]
    log = compare(*sides)
    return Compared(RENDERERS[fmt](log), bool(log.changes), notes)


def _register_data(path: str, notes: list[tuple[str, str]]) -> dict[str, Any]:
    """Register data from a register folder or a package zip (a note added when its versions differ)."""
    target = Path(path)
    if target.is_dir():
        from ropa.archive.normalise import register_data
        from ropa.load.loader import load_register

        return register_data(load_register(target, display_root=path))
    from ropa.archive.verify import read_package

    contents = read_package(target)
    if contents.version_note:
        notes.append((path, contents.version_note))
    return contents.data
