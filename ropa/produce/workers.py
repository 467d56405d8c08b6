"""The one process pool of ropa: register parts, documents and the validation report run as its jobs.

Built on :class:`concurrent.futures.ProcessPoolExecutor`. Where ``fork`` exists the workers are
forked, so the state every job reads (the register, the report) is inherited once instead of
pickled per job; elsewhere it is pickled once per worker. A worker's initializer ties it to the
main process (:func:`ropa.produce.lifeline.die_with_parent`: a killed ``ropa`` leaves no worker) and keeps
the state; each job function is called with that state as its first argument, so no job reads a
module global of its own. With one worker, jobs run in this process: same code path, no processes.

A worker that dies (killed, out of memory) or an exception the parent cannot rebuild breaks the pool:
every job still pending fails with :class:`~concurrent.futures.process.BrokenProcessPool`.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

from ropa.produce.lifeline import die_with_parent
from ropa.util.gcpolicy import jobs_per_worker

S = TypeVar("S")
R = TypeVar("R")

_state: Any = None
"""The pool's state in a worker process (set once by :func:`_started`; never read in the main process)."""


def _started(parent: int, state: object) -> None:
    """Initializer of every worker: end with ``parent`` (:mod:`~ropa.produce.lifeline`), keep ``state`` for jobs."""
    global _state
    die_with_parent(parent)
    _state = state


def _call(fn: Callable[..., R], args: tuple[Any, ...]) -> R:
    """Run one job in a worker: ``fn(state, *args)``."""
    return fn(_state, *args)


class Pool(Generic[S]):
    """``workers`` processes sharing ``state``; use as a context manager.

    While the pool is open the collector's objects are frozen (:func:`gc.freeze`): a forked worker's
    collector then does not touch, and so copy, the pages of the inherited register.

    Under the ``recycle`` collector policy (:func:`ropa.util.gcpolicy.jobs_per_worker`) a worker exits
    after that many jobs and the executor forks a fresh one. The executor refuses
    ``max_tasks_per_child`` with the fork context, because the replacement is forked from its
    manager thread (cpython#90622), so the limit is set on its attribute after construction: a
    measured variant (``benchmarks/levers.py``), not the default.
    """

    def __init__(self, state: S, workers: int) -> None:
        self.state = state
        self._executor: ProcessPoolExecutor | None = None
        if workers > 1:
            fork = "fork" in multiprocessing.get_all_start_methods()
            gc.freeze()
            self._executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork" if fork else None),
                initializer=_started,
                initargs=(os.getpid(), state),
            )
            if fork and (tasks := jobs_per_worker()) is not None:
                self._executor._max_tasks_per_child = tasks  # type: ignore[attr-defined]

    @property
    def parallel(self) -> bool:
        """Whether jobs run in worker processes (False: each runs in this process when submitted)."""
        return self._executor is not None

    def submit(self, fn: Callable[..., R], /, *args: Any) -> Future[R]:
        """Start ``fn(state, *args)``; ``fn`` must be a module-level function (it is pickled by name)."""
        if self._executor is not None:
            return self._executor.submit(_call, fn, args)
        future: Future[R] = Future()
        try:
            future.set_result(fn(self.state, *args))
        except BaseException as error:
            future.set_exception(error)
        return future

    def shutdown(self, cancel: bool = False) -> None:
        """Wait for the workers to exit (idle ones exit at once); with ``cancel``, drop the jobs not yet started."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=cancel)
            self._executor = None
            gc.unfreeze()

    def __enter__(self) -> Pool[S]:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        self.shutdown(cancel=kind is not None)
