"""'ropa build': render every document first, then write them all atomically.

Documents are independent byte strings, so they render in parallel worker
processes and nothing is written until every one of them has rendered: a
failure half-way leaves the output folder as it was.

Where the time goes: WeasyPrint lays out about four pages a second, so the
register PDF and the annexes cost seconds to hours while loading, checking and
making HTML cost milliseconds to seconds. Hence:

* **Cache.** Each document is keyed by a hash of exactly what shapes its bytes
  (see :mod:`ropa.cache`); a rebuild after one provider changed re-renders that
  provider's annex and the two registers, and reuses the rest byte for byte.
* **Workers that do not copy the register.** On platforms with ``fork`` the
  register and the report are handed to the workers by inheritance, not by
  pickling them once per document (which cost a second per annex at 1,000
  activities); elsewhere they are pickled once per worker.
* **Longest first.** The register PDF, the longest job, starts first and the
  annexes fill the other cores, so on two cores the build takes about as long as
  its longest document or half the sum, whichever is larger.
* The register PDF is not split: its running "page X of N" footer and its table
  of contents with page numbers need the whole document in one layout.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


_RENDER_JOB = render_job
"""The renderer as defined here; when it has not been replaced, PDFs are made from the HTML of their key."""


def job_inputs(job: Job, register: Register, report: Report, templates: Path | None) -> list[bytes | str]:
    """What the bytes of ``job`` are a function of, besides code and templates (for the cache key).

    For PDFs that is the HTML WeasyPrint lays out, plus attachment and date; it
    costs milliseconds next to the seconds of layout and captures everything the
    document draws from the register, cross-references included.
    """
    return _prepare(job, register, report, templates)[0]


def _prepare(
    job: Job, register: Register, report: Report, templates: Path | None
) -> tuple[list[bytes | str], Callable[[], bytes]]:
    """The key inputs of ``job`` and a function rendering it from them (the HTML is made once)."""
    from ropa.dates import document_datetime

    when = document_datetime(register).isoformat()
    if job.kind == "pdf":
        from ropa.render.pdf import html_to_pdf, register_attachment, register_html

        attachment = register_attachment(register)
        html = register_html(register, report, templates)
        inputs: list[bytes | str] = [
            html, attachment.data, attachment.name, attachment.description, attachment.relationship, when
        ]
        return inputs, lambda: html_to_pdf(html, register, templates, [attachment])
    if job.kind == "annex":
        from ropa.render.annexes import annex_html
        from ropa.render.pdf import html_to_pdf as annex_to_pdf

        assert job.provider is not None
        page = annex_html(register, job.provider, report, templates)
        return [page, when], lambda: annex_to_pdf(page, register, templates)
    return [*_register_inputs(register), _report_input(report), when], lambda: _RENDER_JOB(
        job, register, report, templates
    )


def _register_inputs(register: Register) -> list[bytes | str]:
    """The register as bytes: pydantic's JSON of each model (fast, and stable for the same input)."""
    parts: list[bytes | str] = [register.organisation.model_dump_json(), register.organisation_file]
    for provider in register.providers:
        parts.append(register.provider_files.get(provider.id, ""))
        parts.append(provider.model_dump_json())
    return parts


def _report_input(report: Report) -> str:
    import json

    from ropa.cache import canonical

    return json.dumps(canonical(report), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Rendered:
    """What a worker hands back: the bytes, the key they were made for, and whether they came from the cache."""

    target: str
    data: bytes
    key: str | None
    reused: bool


@dataclass(frozen=True)
class _Shared:
    """What every job of one build reads; inherited by forked workers instead of pickled per job."""

    register: Register
    report: Report
    templates: Path | None
    environment: str | None
    """The cache's environment digest (code, document date); None when the cache is off."""
    templates_digest: str
    cache_root: Path | None


_SHARED: _Shared | None = None


def _init_worker(shared: _Shared) -> None:
    """Pool initializer where workers are spawned: receive the register once per worker."""
    global _SHARED
    _SHARED = shared


def _renderer_name() -> str:
    """The renderer in use, part of every key (a replaced ``render_job`` never shares entries)."""
    return f"{getattr(render_job, '__module__', '')}.{getattr(render_job, '__qualname__', repr(render_job))}"


def _run(job: Job, previous: tuple[str, str] | None) -> Rendered:
    """Render ``job``, or reuse the cached bytes when their key still matches (runs in a worker)."""
    shared = _SHARED
    assert shared is not None, "worker started without the build's register"
    key = None
    if shared.environment is not None:
        from ropa.cache import document_key, read_blob

        inputs, render = _prepare(job, shared.register, shared.report, shared.templates)
        looks = shared.templates_digest if job.kind != "xlsx" else ""  # the workbook uses no template
        key = document_key(job.kind, shared.environment, looks, _renderer_name(), job.target, *inputs)
        if previous is not None and previous[0] == key and shared.cache_root is not None:
            data = read_blob(shared.cache_root, key, previous[1])
            if data is not None:
                return Rendered(job.target, data, key, True)
        if render_job is _RENDER_JOB:  # not replaced (tests do): render from the HTML made for the key
            return Rendered(job.target, render(), key, False)
    data = render_job(job, shared.register, shared.report, shared.templates)
    return Rendered(job.target, data, key, False)


def _cost(job: Job, register: Register) -> int:
    """Rough rendering cost, to start the longest documents first."""
    if job.kind == "pdf":
        return 2 * sum(len(p.activities) for p in register.providers) + 10
    if job.kind == "annex":
        provider = register.provider(job.provider or "")
        return len(provider.activities) + 1 if provider else 1
    return sum(len(p.activities) for p in register.providers) // 20 + 1


def _workers(count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    return max(1, min(count, os.cpu_count() or 1))


def _executor(count: int, shared: _Shared) -> Executor:
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork"))
    return ProcessPoolExecutor(max_workers=count, initializer=_init_worker, initargs=(shared,))


def render_all(
    register: Register,
    report: Report,
    jobs: list[Job],
    templates: Path | None,
    workers: int | None = None,
    progress: Progress | None = None,
    cache: Any = None,
) -> dict[str, bytes]:
    """Render ``jobs`` (in parallel processes when there is more than one job and core), in plan order.

    Args:
        cache: A :class:`ropa.cache.BuildCache`: documents whose key matches are
            reused, the others rendered and stored in it. None renders everything.
    """
    global _SHARED
    from ropa.cache import environment_digest, templates_digest

    shared = _Shared(
        register,
        report,
        templates,
        environment_digest() if cache is not None else None,
        templates_digest(templates) if cache is not None else "",
        cache.root if cache is not None else None,
    )
    previous = {job.target: cache.entry(job.target) if cache is not None else None for job in jobs}
    count = _workers(len(jobs), workers)
    outcomes: dict[str, Rendered] = {}
    _SHARED = shared
    try:
        if count <= 1 or len(jobs) <= 1:
            for job in jobs:
                outcomes[job.target] = _run(job, previous[job.target])
                if progress:
                    progress(job.target)
        else:
            order = sorted(jobs, key=lambda j: -_cost(j, register))
            gc.freeze()  # forked workers then do not copy every page of the register when the collector runs
            try:
                with _executor(count, shared) as pool:
                    futures: dict[Future[Rendered], Job] = {pool.submit(_run, j, previous[j.target]): j for j in order}
                    try:
                        for future in as_completed(futures):
                            outcomes[futures[future].target] = future.result()
                            if progress:
                                progress(futures[future].target)
                    except BaseException:
                        pool.shutdown(wait=True, cancel_futures=True)
                        raise
            finally:
                gc.unfreeze()
    finally:
        _SHARED = None
    if cache is not None:
        for outcome in outcomes.values():
            if outcome.reused:
                cache.hits.append(outcome.target)
            else:
                cache.misses.append(outcome.target)
                if outcome.key is not None:
                    cache.put(outcome.target, outcome.key, outcome.data)
    return {job.target: outcomes[job.target].data for job in jobs}


def _unchanged(path: Path, data: bytes) -> bool:
    """Whether ``path`` already holds exactly ``data`` (then it is left alone, mtime and all)."""
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_outputs(out: Path, documents: dict[str, bytes], prune_annexes: bool) -> list[Path]:
    """Write every document atomically; remove annexes of providers no longer in the register.

    A file that already holds the same bytes is not rewritten, so an incremental
    build touches only what changed.
    """
    from ropa.fsutil import atomic_write, clean_stale_temps

    written = []
    for target in sorted(documents):
        path = out / target
        if not _unchanged(path, documents[target]):
            atomic_write(path, documents[target])
        written.append(path)
    if prune_annexes:
        keep = {out / t for t in documents if t.startswith(f"{ANNEX_DIR}/")}
        for old in (out / ANNEX_DIR).glob("*.pdf"):
            if old not in keep and not old.name.startswith("."):  # another run's temporary file is not stale
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
    use_cache: bool = True,
    cache: Any = None,
) -> list[Path]:
    """Render and write the documents of ``only`` (all kinds by default) into ``out``.

    Args:
        use_cache: Reuse documents from ``out/.ropa-cache`` whose inputs have not
            changed. False renders everything (and refreshes the cache).
        cache: A :class:`ropa.cache.BuildCache` to use instead of opening one
            (callers read its ``hits`` and ``misses`` afterwards).
    """
    from ropa.cache import BuildCache

    kinds = set(KINDS) if only is None else only
    jobs = plan(register, kinds)
    store = cache if cache is not None else BuildCache(out)
    if not use_cache:
        store.clear()
    documents = render_all(register, report, jobs, templates, workers, progress, store)
    written = write_outputs(out, documents, prune_annexes="annexes" in kinds)
    if "annexes" in kinds:
        planned = {job.target for job in jobs}
        store.forget({t for t in store.targets() if t.startswith(f"{ANNEX_DIR}/") and t not in planned})
    store.save()
    return written
