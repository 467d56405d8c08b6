"""When Python's cyclic garbage collector is paused: while a register is loaded and checked, nowhere else.

Loading builds hundreds of thousands of small objects (nodes, dicts, lists, key-path tuples,
models) that all stay alive, and each full collection walks all of them again, as does the
checking that follows. None of it forms reference cycles, so reference counting frees whatever
is dropped; the few cycles of a failed run (exceptions and their tracebacks) are collected once
the collector resumes. Public API only: :func:`gc.disable`, :func:`gc.enable`, :func:`gc.isenabled`.
What it saves is measured in ``benchmarks/README.md`` ("Tuning kept and removed").
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


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
