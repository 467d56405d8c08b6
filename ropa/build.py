"""'ropa build': render every document first, then write them all atomically.

Documents are independent byte strings, so they render in parallel worker
processes (the register PDF in one, annexes spread over the rest) and nothing is
written until every one of them has rendered: a failure half-way leaves the
output folder as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ropa.findings import Report
from ropa.model.register import Register

KINDS = ("pdf", "xlsx", "annexes")
REGISTER_PDF = "register.pdf"
REGISTER_XLSX = "register.xlsx"
ANNEX_DIR = "annexes"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Job:
    """One document to render: its output name and what to call."""

    target: str
    kind: str
    provider: str | None = None


def plan(register: Register, only: set[str]) -> list[Job]:
    """The documents a build of ``only`` produces, in a stable order."""
    jobs: list[Job] = []
    if "pdf" in only:
        jobs.append(Job(REGISTER_PDF, "pdf"))
    if "xlsx" in only:
        jobs.append(Job(REGISTER_XLSX, "xlsx"))
    if "annexes" in only:
        jobs.extend(Job(f"{ANNEX_DIR}/{p.id}.pdf", "annex", p.id) for p in register.providers)
    return jobs


def render_job(job: Job, register: Register, report: Report, templates: Path | None) -> bytes:
    """Render one document to bytes (runs in a worker process)."""
    if job.kind == "pdf":
        from ropa.render.pdf import render_register_pdf

        return render_register_pdf(register, report, templates)
    if job.kind == "xlsx":
        from ropa.render.xlsx import render_register_xlsx

        return render_register_xlsx(register, report)
    from ropa.render.annexes import render_annex_pdf

    assert job.provider is not None
    return render_annex_pdf(register, job.provider, report, templates)


def _workers(count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    return max(1, min(count, os.cpu_count() or 1))


def render_all(
    register: Register,
    report: Report,
    jobs: list[Job],
    templates: Path | None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> dict[str, bytes]:
    """Render ``jobs``; in parallel processes when there is more than one job and core."""
    count = _workers(len(jobs), workers)
    results: dict[str, bytes] = {}
    if count <= 1 or len(jobs) <= 1:
        for job in jobs:
            results[job.target] = render_job(job, register, report, templates)
            if progress:
                progress(job.target)
        return results
    with ProcessPoolExecutor(max_workers=count) as pool:
        futures = {job.target: pool.submit(render_job, job, register, report, templates) for job in jobs}
        for target, future in futures.items():
            results[target] = future.result()
            if progress:
                progress(target)
    return results


def write_outputs(out: Path, documents: dict[str, bytes], prune_annexes: bool) -> list[Path]:
    """Write every document atomically; remove annexes of providers no longer in the register."""
    from ropa.fsutil import atomic_write, clean_stale_temps

    written = []
    for target in sorted(documents):
        path = out / target
        atomic_write(path, documents[target])
        written.append(path)
    if prune_annexes:
        keep = {out / t for t in documents if t.startswith(f"{ANNEX_DIR}/")}
        for old in (out / ANNEX_DIR).glob("*.pdf"):
            if old not in keep:
                old.unlink()
    clean_stale_temps(out)
    clean_stale_temps(out / ANNEX_DIR)
    return written


def build(
    register: Register,
    report: Report,
    out: Path,
    only: set[str] | None = None,
    templates: Path | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Render and write the documents of ``only`` (all kinds by default) into ``out``."""
    kinds = set(KINDS) if only is None else only
    jobs = plan(register, kinds)
    documents = render_all(register, report, jobs, templates, workers, progress)
    return write_outputs(out, documents, prune_annexes="annexes" in kinds)
