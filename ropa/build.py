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
  of exactly what shapes its bytes (see :mod:`ropa.cache`); a rebuild after
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

import functools
import gc
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, ProcessPoolExecutor, wait
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
        # Only when render_job is replaced: the real register goes through render_all's parts and their keys.
        from ropa.render.pdf import register_attachment, register_html, render_register_pdf

        attachment = register_attachment(register)
        html = register_html(register, report, templates)
        inputs: list[bytes | str] = [
            html,
            attachment.data,
            attachment.name,
            attachment.description,
            attachment.relationship,
            when,
        ]
        return inputs, lambda: render_register_pdf(register, report, templates)
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
    data: bytes | Path
    """The document, or the file it was written to (the joined register when a spill folder is given)."""
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
    """Where workers are spawned: receive the register once per worker."""
    global _SHARED
    _SHARED = shared


def _worker_started(parent: int, shared: _Shared | None = None) -> None:
    """Pool initializer: end with the main process ``parent`` (see :mod:`ropa.lifeline`); take ``shared`` if given."""
    from ropa.lifeline import die_with_parent

    die_with_parent(parent)
    if shared is not None:
        _init_worker(shared)


def _renderer_name() -> str:
    """The renderer in use, part of every key (a replaced ``render_job`` never shares entries)."""
    return f"{getattr(render_job, '__module__', '')}.{getattr(render_job, '__qualname__', repr(render_job))}"


def _run(job: Job, previous: Any) -> Rendered:
    """Render ``job``, or reuse the cached bytes when their key still matches (runs in a worker).

    ``previous`` is the verified :class:`ropa.cache.Entry` of the target, or None.
    """
    shared = _SHARED
    assert shared is not None, "worker started without the build's register"
    key = None
    if shared.environment is not None:
        from ropa.cache import document_key, read_blob

        inputs, render = _prepare(job, shared.register, shared.report, shared.templates)
        looks = shared.templates_digest if job.kind != "xlsx" else ""  # the workbook uses no template
        key = document_key(job.kind, shared.environment, looks, _renderer_name(), job.target, *inputs)
        if previous is not None and previous.key == key and shared.cache_root is not None:
            data = read_blob(shared.cache_root, previous)
            if data is not None:
                return Rendered(job.target, data, key, True)
        if render_job is _RENDER_JOB:  # not replaced (tests do): render from the HTML made for the key
            data = render()
            if job.kind != "xlsx":
                from ropa.render.pdf import release_memory

                release_memory()
            return Rendered(job.target, data, key, False)
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


TASKS_PER_WORKER = 20
"""Tasks a worker process renders before a fresh one takes over (see :class:`_Recycling`)."""


def _executor(count: int, shared: _Shared) -> _Recycling:
    """The build's pool. Its workers are forked from the thread that calls ``submit`` and ``pump``, which is also
    the thread that shuts the pool down (see :func:`ropa.lifeline.die_with_parent` on why that matters)."""
    parent = os.getpid()
    if "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        return _Recycling(
            lambda: ProcessPoolExecutor(
                max_workers=count, mp_context=context, initializer=_worker_started, initargs=(parent,)
            ),
            count,
        )
    return _Recycling(
        lambda: ProcessPoolExecutor(max_workers=count, initializer=_worker_started, initargs=(parent, shared)), count
    )


class _Recycling(Executor):
    """A process pool whose workers are replaced every :data:`TASKS_PER_WORKER` tasks each.

    A forked worker shares the register's pages with the main process until it
    touches them (a reference count is a write), and WeasyPrint's allocations do
    not all go back to the system: at 10,000 activities long-lived workers grew to
    400 MB each. Tasks are handed to the current pool one per worker at a time;
    after its share the pool finishes what it holds, its workers exit, and a new
    pool forks fresh workers (a core waits for at most one task per pool: pools
    that overlapped had four workers alive at once). Tasks are handed on from the
    thread that submits or that calls :meth:`pump`, never from a pool's own threads.
    """

    def __init__(self, make: Callable[[], Executor], workers: int) -> None:
        self._make = make
        self._limit = workers
        self._per_pool = workers * TASKS_PER_WORKER
        self._queue: deque[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = deque()
        self._pool: Executor | None = None
        self._given = 0
        self._running = 0
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        outer: Future[Any] = Future()
        self._queue.append((outer, fn, args))
        self.pump()
        return outer

    def pump(self) -> None:
        """Hand queued tasks to the current pool, up to the limit in flight."""
        while self._queue:
            with self._lock:
                if self._running >= self._limit:
                    return
                retiring = self._pool is not None and self._given >= self._per_pool
                if retiring and self._running:
                    return  # the old pool finishes first: its workers exit before fresh ones fork
                self._running += 1
            outer, fn, args = self._queue.popleft()
            if not outer.set_running_or_notify_cancel():
                with self._lock:
                    self._running -= 1
                continue
            if self._pool is None or self._given >= self._per_pool:
                if self._pool is not None:
                    self._pool.shutdown(wait=True)  # idle by now: its workers exit at once
                self._pool, self._given = self._make(), 0
            self._given += 1
            self._pool.submit(fn, *args).add_done_callback(functools.partial(self._finish, outer))

    def _finish(self, outer: Future[Any], inner: Future[Any]) -> None:
        with self._lock:
            self._running -= 1
        if inner.cancelled():  # the pool was shut down after another task failed: no traceback from a callback
            outer.set_exception(CancelledError())
            return
        error = inner.exception()
        if error is not None:
            outer.set_exception(error)
        else:
            outer.set_result(inner.result())

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            while self._queue:
                self._queue.popleft()[0].cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class _Inline(Executor):
    """Runs each job when it is submitted (one worker: no processes, same code path)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


PART_PREFIX = f"{REGISTER_PDF}#"
"""Cache targets of the register's parts: ``register.pdf#part:...``, ``#front``, ``#numbers``."""


def _part_target(task_name: str) -> str:
    """The cache slot of a task: rounds of the front and of each page-number document share one slot."""
    if task_name.startswith(("front:", "numbers:")):
        kind, _round, *chunk = task_name.split(":")
        task_name = ":".join([kind, *chunk])
    return PART_PREFIX + task_name


def _task_key(task: Any) -> str | None:
    """Cache key of a register part (None when the cache is off)."""
    shared = _SHARED
    assert shared is not None
    if shared.environment is None:
        return None
    from ropa.cache import document_key
    from ropa.dates import document_datetime

    attachment = b""
    if task.attach:
        from ropa.render.pdf import register_attachment

        spec = register_attachment(shared.register)
        attachment = spec.data + spec.name.encode() + spec.description.encode() + spec.relationship.encode()
    when = document_datetime(shared.register).isoformat()
    return document_key(
        "part",
        shared.environment,
        shared.templates_digest,
        "layout" if task.layout_only else "pdf",
        task.digest,
        attachment,
        when,
    )


def _run_task(task: Any) -> bytes:
    """Render one part of the register (runs in a worker); the result as a cache blob."""
    shared = _SHARED
    assert shared is not None, "worker started without the build's register"
    from ropa.render.pdf import release_memory, render_task

    blob = render_task(task, shared.register, shared.templates).to_bytes()
    release_memory()
    return blob


def _cached_part(blob: bytes) -> Any:
    """A register part read back from the cache; None (a miss: it renders again) when the blob is no part."""
    from ropa.render.parts import PartResult

    try:
        return PartResult.from_bytes(blob)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


class _Register:
    """Drives a :class:`~ropa.render.parts.RegisterPlan` through the pool, reusing cached parts."""

    def __init__(
        self, register: Register, report: Report, templates: Path | None, cache: Any, spill: Path | None
    ) -> None:
        from ropa.render.parts import RegisterPlan

        self.plan = RegisterPlan(register, report, templates)
        self.cache = cache
        self.spill = spill
        self.keys: dict[str, str | None] = {}
        self.waiting: set[str] = set()
        self.used: set[str] = set()
        self.rendered: list[str] = []
        self.spilled = 0

    def submit(self, pool: Executor) -> dict[Future[bytes], str]:
        """Start the plan's next round; cached parts are taken at once. Empty when the plan is complete."""
        futures: dict[Future[bytes], str] = {}
        while not futures:
            tasks = self.plan.tasks()
            if not tasks:
                return futures
            for task in sorted(tasks, key=lambda t: -len(t.packed)):
                key = self.keys[task.name] = _task_key(task)
                target = _part_target(task.name)
                self.used.add(target)
                blob = self.cache.get(target, key) if self.cache is not None and key is not None else None
                cached = _cached_part(blob) if blob is not None else None
                if cached is not None:
                    self.plan.receive(task.name, self._kept(cached))
                    continue
                self.waiting.add(task.name)
                futures[pool.submit(_run_task, task)] = task.name
        return futures

    def done(self, name: str, blob: bytes) -> None:
        """A part came back from a worker."""
        from ropa.render.parts import PartResult

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
            from ropa.cache import document_key

            key = document_key("joined", *(f"{name}={k}" for name, k in sorted(self.keys.items())))
            data = self.cache.get(REGISTER_PDF, key) if self.cache is not None else None
            if data is not None:
                return Rendered(REGISTER_PDF, data, key, True)
        if self.spill is None:
            return Rendered(REGISTER_PDF, self.plan.join(), key, False)
        from ropa.fsutil import spilling

        path = self.spill / REGISTER_PDF
        with spilling(path), open(path, "wb") as out:
            self.plan.join_to(out)
        return Rendered(REGISTER_PDF, path, key, False)


def render_all(
    register: Register,
    report: Report,
    jobs: list[Job],
    templates: Path | None,
    workers: int | None = None,
    progress: Progress | None = None,
    cache: Any = None,
    spill: Path | None = None,
) -> dict[str, bytes | Path]:
    """Render ``jobs`` (in parallel processes when there is more than one job and core), in plan order.

    The register PDF is rendered in parts (see :mod:`ropa.render.parts`): its
    parts go to the workers first, the annexes and the workbook fill the gaps,
    and the parts are joined here once the last one is back.

    Args:
        cache: A :class:`ropa.cache.BuildCache`: documents and register parts whose
            key matches are reused, the others rendered and stored in it. None renders everything.
        spill: A folder (see :func:`ropa.fsutil.spill_dir`) where the register's parts and the joined
            register are set aside instead of held in memory; the register is then returned as the path
            of its file there, which must outlive the cache's :meth:`~ropa.cache.BuildCache.save`.
            None keeps everything in memory and returns bytes.
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
    in_parts = render_job is _RENDER_JOB and any(job.kind == "pdf" for job in jobs)
    whole = [job for job in jobs if not (in_parts and job.kind == "pdf")]
    previous = {job.target: cache.entry(job.target) if cache is not None else None for job in whole}
    parts_count = 8 if in_parts else 0
    count = _workers(len(whole) + parts_count, workers)
    outcomes: dict[str, Rendered] = {}
    _SHARED = shared
    driver: _Register | None = None
    try:
        if in_parts:
            driver = _Register(register, report, templates, cache, spill)
        parallel = count > 1 and len(whole) + parts_count > 1
        if parallel:
            gc.freeze()  # forked workers then do not copy every page of the register when the collector runs
        try:
            with _executor(count, shared) if parallel else _Inline() as pool:
                futures: dict[Future[Any], tuple[str, str]] = {}
                try:
                    if driver is not None:
                        futures.update({f: ("part", n) for f, n in driver.submit(pool).items()})
                    order = sorted(whole, key=lambda j: -_cost(j, register))
                    futures.update({pool.submit(_run, j, previous[j.target]): ("job", j.target) for j in order})
                    register_open = driver is not None
                    while futures or register_open:
                        if driver is not None and register_open and not driver.waiting:
                            futures.update({f: ("part", n) for f, n in driver.submit(pool).items()})
                            if not driver.waiting:
                                if not futures:
                                    pool.shutdown(wait=True)  # idle workers release their memory before the join
                                outcomes[REGISTER_PDF] = driver.join()
                                register_open = False
                                if progress:
                                    progress(REGISTER_PDF)
                                continue
                        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                        if isinstance(pool, _Recycling):
                            pool.pump()
                        for future in finished:
                            kind, name = futures.pop(future)
                            if kind == "part":
                                assert driver is not None
                                driver.done(name, future.result())
                            else:
                                outcomes[name] = future.result()
                                if progress:
                                    progress(name)
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        finally:
            if parallel:
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

    from ropa.fsutil import atomic_path, atomic_write, clean_stale_temps

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
) -> list[Path]:
    """Render and write the documents of ``only`` (all kinds by default) into ``out``.

    Args:
        use_cache: Reuse documents from ``out/.ropa-cache`` whose inputs have not
            changed. False renders everything (and refreshes the cache).
        cache: A :class:`ropa.cache.BuildCache` to use instead of opening one
            (callers read its ``hits`` and ``misses`` afterwards).
    """
    from ropa.cache import BuildCache
    from ropa.fsutil import spill_dir

    kinds = set(KINDS) if only is None else only
    jobs = plan(register, kinds)
    store = cache if cache is not None else BuildCache(out)
    if not use_cache:
        store.clear()
    with spill_dir(out) as spill:
        documents = render_all(register, report, jobs, templates, workers, progress, store, spill)
        written = write_outputs(out, documents, prune_annexes="annexes" in kinds)
        if "annexes" in kinds:
            planned = {job.target for job in jobs}
            store.forget({t for t in store.targets() if t.startswith(f"{ANNEX_DIR}/") and t not in planned})
        store.save()
    return written
