"""When Python's cyclic garbage collector runs: paused while a register is loaded and checked, held back while
a document is laid out, run once after each document a worker renders.

Loading builds hundreds of thousands of small objects (nodes, dicts, lists, key-path tuples,
models) that all stay alive, and each full collection walks all of them again, as does the
checking that follows. None of it forms reference cycles, so reference counting frees whatever
is dropped; the few cycles of a failed run (exceptions and their tracebacks) are collected once
the collector resumes. Public API only: :func:`gc.disable`, :func:`gc.enable`, :func:`gc.isenabled`.

A laid-out document is the opposite: a web of cycles that dies whole when the document is
written. :data:`RENDER_GC` says how the collector treats it (the variants were measured against
each other with ``benchmarks/levers.py``; figures in ``benchmarks/README.md``, "Tuning kept and
removed").
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

RENDER_GC = "relaxed"
"""How the collector runs while a worker renders documents, one of :data:`RENDER_POLICIES`:

``relaxed``
    thresholds raised to :data:`GC_THRESHOLDS` while a document is laid out and written; one full
    collection and ``malloc_trim`` after it (:func:`release_memory`).
``off``
    the collector disabled while a document is laid out and written; the same collection after it.
``frozen``
    as ``relaxed``, and after a worker's first document what survived its collection (WeasyPrint's
    modules, caches) is frozen (:func:`gc.freeze`), so later collections do not walk it again.
``recycle``
    the collector disabled while laying out and never run: the worker exits after
    :data:`RECYCLE_AFTER` jobs and a fresh fork of the main process takes its place
    (:mod:`ropa.produce.workers`), so the layout's memory goes back with the process.
"""
RENDER_POLICIES = ("relaxed", "off", "frozen", "recycle")
GC_THRESHOLDS = (200_000, 50, 1_000)
"""Raised while WeasyPrint lays out pages (``relaxed``, ``frozen``): large registers render linearly instead of
slightly superlinearly."""
RECYCLE_AFTER = 1
"""Jobs a worker runs before it is replaced, under ``recycle`` (each keeps its layouts' garbage until it exits)."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the ``with`` block; restore it as it was (nesting is harmless)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def laying_out() -> Iterator[None]:
    """The collector while WeasyPrint lays out and writes one document, as :data:`RENDER_GC` says."""
    if _policy() in ("off", "recycle"):
        with collector_paused():
            yield
        return
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def jobs_per_worker() -> int | None:
    """How many jobs a pool worker runs before a fresh one replaces it (None: it lives as long as the pool)."""
    return RECYCLE_AFTER if _policy() == "recycle" else None


_warm = False
"""Whether this worker has frozen what its first document left alive (``frozen``)."""


def release_memory() -> None:
    """Free a finished layout now and hand the freed memory back to the system (the one use of ``malloc_trim``).

    A laid-out document is a web of cycles that the collector would reach only at
    some later threshold, and glibc keeps freed arenas for reuse; the pool's workers
    live for the whole build, so each would keep its largest layout (figures in
    benchmarks/README.md). Only in a worker process: in the main process a full
    collection would walk the whole register every time. Under ``recycle`` nothing is
    done: the worker's exit returns the memory.
    """
    import multiprocessing

    global _warm
    policy = _policy()
    if multiprocessing.parent_process() is None or policy == "recycle":
        return
    gc.collect()
    if policy == "frozen" and not _warm:
        gc.freeze()
        _warm = True
    with contextlib.suppress(OSError, AttributeError):
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)  # glibc only; elsewhere the attribute is missing and nothing happens


def _policy() -> str:
    if RENDER_GC not in RENDER_POLICIES:
        raise ValueError(f"RENDER_GC is {RENDER_GC!r}, not one of {', '.join(RENDER_POLICIES)}")
    return RENDER_GC
