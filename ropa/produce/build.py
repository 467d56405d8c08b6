"""'ropa build': render every document first, then write them all atomically.

Documents are independent byte strings, so they render in parallel worker
processes and nothing is written until every one of them has rendered: a
failure half-way leaves the output folder as it was.

Where the time goes: WeasyPrint lays out about four pages a second, so the
register PDF and the annexes cost seconds to hours while loading, checking and
making HTML cost milliseconds to seconds. Hence:

* **The register in parts.** The register PDF is laid out in parts that start
  on a new page anyway (see :mod:`ropa.render.parts`): the parts render in the
  workers beside the annexes, the contents' page numbers come from the parts'
  page counts, "page X of Y" is drawn over the joined pages, and
  :mod:`ropa.render.joinpdf` joins them into one tagged PDF/A-3b.
* **Cache.** Each document and each part of the register is keyed by a hash
  of exactly what shapes its bytes (see :mod:`ropa.produce.cache`); a rebuild after
  one provider changed re-renders that provider's annex, the workbook and the
  register parts that show it, and reuses the rest byte for byte.
* **Workers that do not copy the register.** On platforms with ``fork`` the
  register and the report are handed to the workers by inheritance, not by
  pickling them once per document (which cost a second per annex at 1,000
  activities); elsewhere they are pickled once per worker.
* **Longest first.** The register's parts, longest first, then the workbook and
  the annexes longest first, so the cores stay busy until the end.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ropa.check.findings import Finding, Report
from ropa.model.facts import annexed
from ropa.model.register import Register
from ropa.produce.workers import Pool

if TYPE_CHECKING:
    from ropa.render.joinpdf import PartJoiner

KINDS = ("pdf", "xlsx", "annexes")
REGISTER_PDF = "register.pdf"
REGISTER_XLSX = "register.xlsx"
ANNEX_DIR = "annexes"

Progress = Callable[[str], None]
"""Told the name of each document as it is done; may also have ``stage(name, total)`` (see :func:`announce`)."""


def announce(progress: Progress | None, stage: str, total: int = 0) -> None:
    """Tell ``progress`` that a stage starts ("checking", "rendering", "writing"), if it follows stages."""
    begin = getattr(progress, "stage", None)
    if callable(begin):
        begin(stage, total)


REPORT = "report"
"""Kind of the validation report PDF's job (the package's; never cached, see :func:`report_job`)."""
REVIEW = "review"
"""Kind of a provider's review document: the findings about it, kept out of its annex."""
REVIEW_SUFFIX = ".review.pdf"


@dataclass(frozen=True)
class Job:
    """One document to render: its output name and what to call."""

    target: str
    kind: str
    provider: str | None = None
    findings: tuple[Finding, ...] = ()
    """The open error-level findings the validation report lists as allowed (a :data:`REPORT` job only)."""
    annex_findings: bool = False
    """An annex job: print the provider's findings inside the annex (no review document is made then)."""
    language: str = "en"
    """Language the document is written in (a code of :data:`ropa.i18n.LANGUAGES`); part of its cache key."""


def report_job(target: str, allowed: tuple[Finding, ...], language: str = "en") -> Job:
    """The validation report PDF as a job of the build, written to ``target``."""
    return Job(target, REPORT, findings=allowed, language=language)


def document_language(register: Register, language: str | None = None) -> str:
    """The language of the documents: ``language`` (``--lang``), else ``record.language``, else English."""
    return language or register.organisation.record.language or "en"


def plan(register: Register, only: set[str], annex_findings: bool = False, language: str | None = None) -> list[Job]:
    """The documents a build of ``only`` produces, in a stable order.

    Annexes are contract documents: each provider's findings go to its review document
    (``annexes/<id>.review.pdf``; ids hold no dot, so it never meets an annex), or inside the
    annex with ``annex_findings``. Every job carries the :func:`document_language`.
    """
    lang = document_language(register, language)
    jobs: list[Job] = []
    if "pdf" in only:
        jobs.append(Job(REGISTER_PDF, "pdf", language=lang))
    if "xlsx" in only:
        jobs.append(Job(REGISTER_XLSX, "xlsx", language=lang))
    if "annexes" in only:
        for p in register.providers:
            jobs.append(Job(f"{ANNEX_DIR}/{p.id}.pdf", "annex", p.id, annex_findings=annex_findings, language=lang))
            if not annex_findings:
                jobs.append(Job(f"{ANNEX_DIR}/{p.id}{REVIEW_SUFFIX}", REVIEW, p.id, language=lang))
    return jobs


def render_job(job: Job, register: Register, report: Report, templates: Path | None) -> bytes:
    """Render one document to bytes in its language (runs in a worker process)."""
    from ropa.i18n import active

    with active(job.language):
        return _render_job(job, register, report, templates)


def _render_job(job: Job, register: Register, report: Report, templates: Path | None) -> bytes:
    if job.kind == REPORT:
        from ropa.render import report_pdf

        return report_pdf.render_report_pdf(register, report, job.findings)
    if job.kind == "pdf":
        from ropa.render.pdf import render_register_pdf

        return render_register_pdf(register, report, templates)
    if job.kind == "xlsx":
        from ropa.render.xlsx import render_register_xlsx

        return render_register_xlsx(register, report)
    from ropa.render.annexes import render_annex_pdf, render_review_pdf

    assert job.provider is not None
    if job.kind == REVIEW:
        return render_review_pdf(register, job.provider, report, templates)
    return render_annex_pdf(register, job.provider, report, templates, job.annex_findings)


Renderer = Callable[[Job, Register, Report, "Path | None"], bytes]
"""What renders a whole document; :func:`render_all` takes one instead of :func:`render_job` (tests: stand-ins)."""


def _prepare(
    job: Job, register: Register, report: Report, templates: Path | None, renderer: Renderer | None
) -> tuple[list[bytes | str], Callable[[], bytes]]:
    """The key inputs of ``job`` and a function rendering it from them (the HTML is made once).

    For PDFs the inputs are the HTML WeasyPrint lays out, plus attachment and date; it
    costs milliseconds next to the seconds of layout and captures everything the
    document draws from the register, cross-references included. A given ``renderer``
    is keyed the same way and renders in place of WeasyPrint.
    """
    from ropa.util.dates import document_datetime

    when = document_datetime(register).isoformat()
    inputs: list[bytes | str]
    if job.kind == "pdf":
        # Only for a register PDF rendered whole; render_all renders the register in parts with keys of their own.
        from ropa.render.pdf import register_attachment, register_html, render_register_pdf

        attachment = register_attachment(register)
        html = register_html(register, report, templates)
        inputs = [html, attachment.data, attachment.name, attachment.description, attachment.relationship, when]

        def make() -> bytes:
            return render_register_pdf(register, report, templates)

    elif job.kind in ("annex", REVIEW):
        from ropa.render.annexes import annex_html, review_html
        from ropa.render.pdf import html_to_pdf

        assert job.provider is not None
        if job.kind == REVIEW:
            page = review_html(register, job.provider, report, templates)
        else:
            page = annex_html(register, job.provider, report, templates, job.annex_findings)
        inputs = [page, when]

        def make() -> bytes:
            return html_to_pdf(page, register, templates)

    else:
        inputs = [*_register_inputs(register), _report_input(report), when]

        def make() -> bytes:
            return render_job(job, register, report, templates)

    if renderer is None:
        return inputs, make
    return inputs, lambda: renderer(job, register, report, templates)


def _register_inputs(register: Register) -> list[bytes | str]:
    """The register as bytes: pydantic's JSON of each model (fast, and stable for the same input)."""
    parts: list[bytes | str] = [register.organisation.model_dump_json(), register.organisation_file]
    for provider in register.providers:
        parts.append(register.provider_files.get(provider.id, ""))
        parts.append(provider.model_dump_json())
    return parts


def _report_input(report: Report) -> str:
    import json

    from ropa.produce.cache import canonical

    return json.dumps(canonical(report), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Rendered:
    """What a worker hands back: the bytes, the key they were made for, and whether they came from the cache."""

    target: str
    data: bytes | Path
    """The document, or the file it was written to (the joined register when a spill folder is given)."""
    key: str | None
    reused: bool


@dataclass(frozen=True)
class _Shared:
    """What every job of one build reads: the state of its :class:`~ropa.produce.workers.Pool` (inherited)."""

    register: Register
    report: Report
    templates: Path | None
    environment: str | None
    """The cache's environment digest (code, document date); None when the cache is off."""
    templates_digest: str
    cache_root: Path | None
    renderer: Renderer | None = None
    """A stand-in for :func:`render_job` (tests); None renders for real, the register in parts."""
    language: str = "en"
    """Language of the register PDF, whose parts are planned here and rendered by :func:`_run_task`."""


def _renderer_name(renderer: Renderer | None) -> str:
    """The renderer in use, part of every key (a stand-in never shares entries with the real one)."""
    used = render_job if renderer is None else renderer
    return f"{getattr(used, '__module__', '')}.{getattr(used, '__qualname__', repr(used))}"


def _run(shared: _Shared, job: Job, previous: Any) -> Rendered:
    """Render ``job``, or reuse the cached bytes when their key still matches (a job of the pool).

    ``previous`` is the verified :class:`ropa.produce.cache.Entry` of the target, or None. The
    validation report is never cached. The document's inputs (its HTML) are made in its language.
    """
    from ropa.i18n import active

    with active(job.language):
        return _run_in_language(shared, job, previous)


def _run_in_language(shared: _Shared, job: Job, previous: Any) -> Rendered:
    if job.kind == REPORT:  # rendered by ropa.render.report_pdf whatever the renderer
        return Rendered(job.target, render_job(job, shared.register, shared.report, shared.templates), None, False)
    if shared.environment is None:
        render = shared.renderer or render_job
        return Rendered(job.target, render(job, shared.register, shared.report, shared.templates), None, False)
    from ropa.produce.cache import document_key, read_blob

    inputs, make = _prepare(job, shared.register, shared.report, shared.templates, shared.renderer)
    looks = shared.templates_digest if job.kind != "xlsx" else ""  # the workbook uses no template
    key = document_key(
        job.kind, shared.environment, looks, _renderer_name(shared.renderer), job.target, job.language, *inputs
    )
    if previous is not None and previous.key == key and shared.cache_root is not None:
        data = read_blob(shared.cache_root, previous)
        if data is not None:
            return Rendered(job.target, data, key, True)
    data = make()
    if job.kind != "xlsx" and shared.renderer is None:
        from ropa.render.pdf import release_memory

        release_memory()
    return Rendered(job.target, data, key, False)


def _cost(job: Job, register: Register, report: Report) -> int:
    """Rough rendering cost, to start the longest documents first."""
    if job.kind == REPORT:
        return len(report.findings) // 8 + 1
    if job.kind == "pdf":
        return 2 * len(register.activities()) + 10
    if job.kind == "annex":
        provider = register.provider(job.provider or "")
        return len(annexed(register, provider)) + 1 if provider else 1
    return len(register.activities()) // 20 + 1


def _workers(count: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    return max(1, min(count, os.cpu_count() or 1))


PART_PREFIX = f"{REGISTER_PDF}#"
"""Cache targets of the register's parts: ``register.pdf#part:...``, ``#front``, ``#numbers``."""


def _part_target(task_name: str) -> str:
    """The cache slot of a task: the rounds of each part of the front share one slot."""
    if task_name.startswith("front:"):
        kind, _round, *chunk = task_name.split(":")
        task_name = ":".join([kind, *chunk])
    return PART_PREFIX + task_name


def _task_key(shared: _Shared, task: Any) -> str | None:
    """Cache key of a register part (None when the cache is off)."""
    if shared.environment is None:
        return None
    from ropa.produce.cache import document_key
    from ropa.util.dates import document_datetime

    attachment = b""
    if task.attach:
        from ropa.render.pdf import register_attachment

        spec = register_attachment(shared.register)
        attachment = spec.data + spec.name.encode() + spec.description.encode() + spec.relationship.encode()
    when = document_datetime(shared.register).isoformat()
    return document_key(
        "part",
        shared.environment,
        shared.language,
        shared.templates_digest,
        "layout" if task.layout_only else "pdf",
        task.digest,
        attachment,
        when,
    )


def _run_task(shared: _Shared, task: Any) -> bytes:
    """Render one part of the register (a job of the pool); the result as a cache blob."""
    from ropa.i18n import active
    from ropa.render.pdf import release_memory, render_task

    with active(shared.language):
        blob = render_task(task, shared.register, shared.templates).to_bytes()
    release_memory()
    return blob


def _cached_part(blob: bytes) -> Any:
    """A register part read back from the cache; None (a miss: it renders again) when the blob is no part."""
    from ropa.render.jobs import PartResult

    try:
        return PartResult.from_bytes(blob)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


class _Register:
    """Drives a :class:`~ropa.render.parts.RegisterPlan` through the pool, reusing cached parts."""

    def __init__(self, shared: _Shared, cache: Any, spill: Path | None) -> None:
        from ropa.render.parts import RegisterPlan

        self.shared = shared
        self.plan = RegisterPlan(shared.register, shared.report, shared.templates)
        self.cache = cache
        self.spill = spill
        self.keys: dict[str, str | None] = {}
        self.waiting: set[str] = set()
        self.used: set[str] = set()
        self.rendered: list[str] = []
        self.spilled = 0
        self._thread: ThreadPoolExecutor | None = None
        self._ahead: Future[None] | None = None
        self._out: IO[bytes] | None = None
        self._joiner: PartJoiner | None = None

    def submit(self, pool: Pool[_Shared]) -> dict[Future[bytes], str]:
        """Start the plan's next round; cached parts are taken at once. Empty when the plan is complete."""
        futures: dict[Future[bytes], str] = {}
        while not futures:
            tasks = self.plan.tasks()
            if not tasks:
                return futures
            for task in sorted(tasks, key=lambda t: -len(t.packed)):
                key = self.keys[task.name] = _task_key(self.shared, task)
                target = _part_target(task.name)
                self.used.add(target)
                blob = self.cache.get(target, key) if self.cache is not None and key is not None else None
                cached = _cached_part(blob) if blob is not None else None
                if cached is not None:
                    self.plan.receive(task.name, self._kept(cached))
                    continue
                self.waiting.add(task.name)
                futures[pool.submit(_run_task, task)] = task.name
            if futures and pool.parallel and self.rendered and self._thread is None and self.plan.can_join_ahead():
                self._begin_join()
        return futures

    def _begin_join(self) -> None:
        """Start writing the parts no later round changes into the joined register, in a thread of this
        process, while the workers lay out the contents and the appendix (the join is otherwise a serial
        tail). Only when a part was rendered: with every part cached, the joined register may be too."""
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="ropa-join")
        self._ahead = self._thread.submit(self._join_ahead)

    def _join_ahead(self) -> None:
        with self._spilling():
            # closed by close(), after the join that runs in the main thread
            self._out = io.BytesIO() if self.spill is None else open(self.spill / REGISTER_PDF, "wb")  # noqa: SIM115
            self._joiner = self.plan.joiner(self._out)
            self.plan.join_ahead(self._joiner)

    def _spilling(self) -> Any:
        """Write errors of the joined register's file as one-line output errors (nothing to do in memory)."""
        from ropa.util.fsutil import spilling

        return spilling(self.spill / REGISTER_PDF) if self.spill is not None else contextlib.nullcontext()

    def close(self) -> None:
        """Wait for a join begun in the thread and close its file (after a failure, or a cached join)."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        if self._out is not None:
            self._out.close()
            self._out = None

    def done(self, name: str, blob: bytes) -> None:
        """A part came back from a worker."""
        from ropa.render.jobs import PartResult

        self.waiting.discard(name)
        self.rendered.append(name)
        key = self.keys.get(name)
        result = self._kept(PartResult.from_bytes(blob))
        if self.cache is not None and key is not None:
            if result.path:  # the cache copies the PDF from the spilled file when it is saved
                self.cache.put(_part_target(name), key, Path(result.path), head=blob[: blob.index(b"\n") + 1])
            else:
                self.cache.put(_part_target(name), key, blob)
        self.plan.receive(name, result)

    def _kept(self, result: Any) -> Any:
        """``result`` with its PDF set aside in the spill folder, if there is one (a part is about 1 MB)."""
        if self.spill is None or not result.pdf:
            return result
        self.spilled += 1
        return result.spill(self.spill / f"part-{self.spilled:05d}.pdf")

    def join(self) -> Rendered:
        """The joined register PDF; taken from the cache when every part's key is the one it was joined from."""
        key = None
        if all(k is not None for k in self.keys.values()) and self.keys:
            from ropa.produce.cache import document_key

            key = document_key("joined", *(f"{name}={k}" for name, k in sorted(self.keys.items())))
            data = self.cache.get(REGISTER_PDF, key) if self.cache is not None else None
            if data is not None:
                self.close()
                return Rendered(REGISTER_PDF, data, key, True)
        if self._ahead is not None:
            self._ahead.result()  # the thread's error, if it had one
            out = self._out
            assert out is not None
            with self._spilling():
                self.plan.join_to(out, self._joiner)
            joined: bytes | Path = self.spill / REGISTER_PDF if self.spill is not None else _written(out)
            self.close()
            return Rendered(REGISTER_PDF, joined, key, False)
        if self.spill is None:
            return Rendered(REGISTER_PDF, self.plan.join(), key, False)
        from ropa.util.fsutil import spilling

        path = self.spill / REGISTER_PDF
        with spilling(path), open(path, "wb") as out:
            self.plan.join_to(out)
        return Rendered(REGISTER_PDF, path, key, False)


def _written(out: IO[bytes]) -> bytes:
    """What was written to an in-memory file."""
    assert isinstance(out, io.BytesIO)
    return out.getvalue()


def render_all(
    register: Register,
    report: Report,
    jobs: list[Job],
    templates: Path | None,
    workers: int | None = None,
    progress: Progress | None = None,
    cache: Any = None,
    spill: Path | None = None,
    renderer: Renderer | None = None,
) -> dict[str, bytes | Path]:
    """Render ``jobs`` (in parallel processes when there is more than one job and core), in plan order.

    The register PDF is rendered in parts (see :mod:`ropa.render.parts`): its
    parts go to the workers first, the annexes, the workbook and the validation
    report fill the gaps, and the parts are joined here once the last one is back.
    Whole documents are handed to the pool only as workers free up, so each later
    round of the register (its contents and appendix, which wait for every other
    part's pages) starts ahead of them; the parts no later round changes are joined
    in a thread of this process while the workers lay out that round.

    Args:
        cache: A :class:`ropa.produce.cache.BuildCache`: documents and register parts whose
            key matches are reused, the others rendered and stored in it. None renders everything.
        spill: A folder (see :func:`ropa.util.fsutil.spill_dir`) where the register's parts and the joined
            register are set aside instead of held in memory; the register is then returned as the path
            of its file there, which must outlive the cache's :meth:`~ropa.produce.cache.BuildCache.save`.
            None keeps everything in memory and returns bytes.
        renderer: Renders every document whole instead of :func:`render_job` (the register too, not in
            parts; the validation report still by :mod:`ropa.render.report_pdf`); for tests that stand in
            for WeasyPrint.
    """
    from ropa.i18n import active

    language = next((job.language for job in jobs if job.kind == "pdf"), "en")
    with active(language):
        return _render_all(register, report, jobs, templates, workers, progress, cache, spill, renderer, language)


def _render_all(
    register: Register,
    report: Report,
    jobs: list[Job],
    templates: Path | None,
    workers: int | None,
    progress: Progress | None,
    cache: Any,
    spill: Path | None,
    renderer: Renderer | None,
    language: str,
) -> dict[str, bytes | Path]:
    """:func:`render_all` with the register PDF's language active (its parts are planned in this process)."""
    from ropa.produce.cache import environment_digest, templates_digest

    shared = _Shared(
        register,
        report,
        templates,
        environment_digest() if cache is not None else None,
        templates_digest(templates) if cache is not None else "",
        cache.root if cache is not None else None,
        renderer,
        language,
    )
    in_parts = renderer is None and any(job.kind == "pdf" for job in jobs)
    whole = [job for job in jobs if not (in_parts and job.kind == "pdf")]
    cached = [job for job in whole if job.kind != REPORT]
    previous = {job.target: cache.entry(job.target) if cache is not None else None for job in cached}
    parts_count = 8 if in_parts else 0
    count = _workers(len(whole) + parts_count, workers)
    outcomes: dict[str, Rendered] = {}
    driver = _Register(shared, cache, spill) if in_parts else None
    parallel = count > 1 and len(whole) + parts_count > 1
    announce(progress, "rendering", len(jobs))
    with Pool(shared, count if parallel else 1) as pool, contextlib.ExitStack() as stack:
        if driver is not None:
            stack.callback(driver.close)
        futures: dict[Future[Any], tuple[str, str]] = {}
        pending = deque(sorted(whole, key=lambda j: -_cost(j, register, report)))

        def fill(limit: int) -> None:
            """Start whole documents, longest first, while fewer than ``limit`` jobs are in flight."""
            while pending and len(futures) < limit:
                job = pending.popleft()
                futures[pool.submit(_run, job, previous.get(job.target))] = ("job", job.target)

        register_open = driver is not None
        while futures or register_open or pending:
            if driver is not None and register_open and not driver.waiting:
                futures.update({f: ("part", n) for f, n in driver.submit(pool).items()})
                if not driver.waiting:
                    fill(len(futures) + len(pending))  # the workers go on with these while the join runs here
                    if not futures:
                        pool.shutdown()  # idle workers release their memory before the join
                    outcomes[REGISTER_PDF] = driver.join()
                    register_open = False
                    if progress:
                        progress(REGISTER_PDF)
                    continue
            fill(count)  # the register's rounds go first: its last round and the join are the serial tail
            if not futures:
                continue
            finished, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in finished:
                kind, name = futures.pop(future)
                if kind == "part":
                    assert driver is not None
                    driver.done(name, future.result())
                else:
                    outcomes[name] = future.result()
                    if progress:
                        progress(name)
    if cache is not None:
        reports = {job.target for job in whole if job.kind == REPORT}
        for outcome in outcomes.values():
            if outcome.target in reports:
                continue
            if outcome.reused:
                cache.hits.append(outcome.target)
            else:
                cache.misses.append(outcome.target)
                if outcome.key is not None:
                    cache.put(outcome.target, outcome.key, outcome.data)
        if driver is not None:
            cache.part_misses.extend(_part_target(name) for name in driver.rendered)
            cache.part_hits.extend(sorted(driver.used - set(cache.part_misses)))
            cache.forget({t for t in cache.targets() if t.startswith(PART_PREFIX) and t not in driver.used})
    return {job.target: outcomes[job.target].data for job in jobs}


def _unchanged(path: Path, data: bytes | Path) -> bool:
    """Whether ``path`` already holds exactly ``data`` (then it is left alone, mtime and all)."""
    import filecmp

    try:
        if isinstance(data, Path):
            return filecmp.cmp(path, data, shallow=False)
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_outputs(out: Path, documents: dict[str, bytes | Path], prune_annexes: bool) -> list[Path]:
    """Write every document atomically; remove annexes of providers no longer in the register.

    A file that already holds the same bytes is not rewritten, so an incremental
    build touches only what changed.
    """
    import shutil

    from ropa.util.fsutil import atomic_path, atomic_write, clean_stale_temps

    written = []
    for target in sorted(documents):
        path, data = out / target, documents[target]
        if not _unchanged(path, data):
            if isinstance(data, Path):  # a large document set aside in the spill folder
                with atomic_path(path) as tmp:
                    shutil.copyfile(data, tmp)
            else:
                atomic_write(path, data)
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
    annex_findings: bool = False,
    language: str | None = None,
) -> list[Path]:
    """Render and write the documents of ``only`` (all kinds by default) into ``out``.

    Args:
        use_cache: Reuse documents from ``out/.ropa-cache`` whose inputs have not
            changed. False renders everything (and refreshes the cache).
        cache: A :class:`ropa.produce.cache.BuildCache` to use instead of opening one
            (callers read its ``hits`` and ``misses`` afterwards).
        annex_findings: Print each provider's findings inside its annex instead of in its review document.
        language: Language of the documents (see :func:`document_language`).
    """
    from ropa.produce.cache import BuildCache
    from ropa.util.fsutil import spill_dir

    kinds = set(KINDS) if only is None else only
    jobs = plan(register, kinds, annex_findings, language)
    store = cache if cache is not None else BuildCache(out)
    if not use_cache:
        store.clear()
    with spill_dir(out) as spill:
        documents = render_all(register, report, jobs, templates, workers, progress, store, spill)
        announce(progress, "writing", len(documents))
        written = write_outputs(out, documents, prune_annexes="annexes" in kinds)
        if "annexes" in kinds:
            planned = {job.target for job in jobs}
            store.forget({t for t in store.targets() if t.startswith(f"{ANNEX_DIR}/") and t not in planned})
        store.save()
    return written
