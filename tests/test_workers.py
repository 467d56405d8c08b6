"""The one process pool (ropa/produce/workers.py): state handed to every job, workers tied to the main process."""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import pytest

import ropa.util.gcpolicy as gcpolicy
from ropa.produce.workers import Pool

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")


@dataclass(frozen=True)
class State:
    label: str

    def __reduce_ex__(self, protocol: object) -> object:
        raise AssertionError("the state was pickled")


def _labelled(state: State, value: int) -> tuple[str, int, int]:
    return state.label, value * value, os.getpid()


def _fail(state: State, value: int) -> int:
    raise ValueError(f"{state.label}: job {value} failed")


def _die(state: State) -> None:
    os._exit(3)


def _parent_death_signal(state: State) -> int:
    """The signal this worker gets when its parent dies (``prctl(PR_GET_PDEATHSIG)``)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    value = ctypes.c_int(0)
    libc.prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
    return value.value


@needs_fork
def test_jobs_get_the_inherited_state_in_worker_processes() -> None:
    with Pool(State("register"), 2) as pool:
        assert pool.parallel and gc.get_freeze_count() > 0
        futures = [pool.submit(_labelled, n) for n in range(6)]
        results = [f.result() for f in futures]
    assert [(label, square) for label, square, _ in results] == [("register", n * n) for n in range(6)]
    assert os.getpid() not in {pid for *_, pid in results}
    assert gc.get_freeze_count() == 0, "the collector is thawed when the pool closes"


def test_one_worker_runs_each_job_here_when_submitted() -> None:
    pool = Pool(State("here"), 1)
    future = pool.submit(_labelled, 3)
    assert future.done() and future.result() == ("here", 9, os.getpid())
    failed = pool.submit(_fail, 4)
    with pytest.raises(ValueError, match="here: job 4 failed"):
        failed.result()
    pool.shutdown()


@needs_fork
def test_a_failing_job_fails_its_future_only() -> None:
    with Pool(State("s"), 2) as pool:
        bad, good = pool.submit(_fail, 3), pool.submit(_labelled, 4)
        wait([bad, good])
        assert good.result()[1] == 16
        with pytest.raises(ValueError, match="s: job 3 failed"):
            bad.result()


@needs_fork
def test_a_dead_worker_breaks_the_pool_instead_of_hanging() -> None:
    with Pool(State("s"), 2) as pool:
        dead = pool.submit(_die)
        with pytest.raises(BrokenProcessPool):
            dead.result(timeout=60)
    assert multiprocessing.active_children() == []


@needs_fork
@pytest.mark.skipif(os.uname().sysname != "Linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_every_worker_asks_to_be_killed_with_the_main_process() -> None:
    import signal

    with Pool(State("s"), 2) as pool:
        signals = {pool.submit(_parent_death_signal).result() for _ in range(4)}
    assert signals == {signal.SIGKILL}


def _released(state: State) -> tuple[int, int, int, int]:
    """In a worker: the frozen objects before and after :func:`gcpolicy.release_memory`, its collections, the pid."""
    collections = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        before = gc.get_freeze_count()
        gcpolicy.release_memory()
        return before, gc.get_freeze_count(), len(collections), os.getpid()
    finally:
        gc.callbacks.remove(count)


@needs_fork
def test_workers_live_as_long_as_the_pool_by_default() -> None:
    assert gcpolicy.jobs_per_worker() is None
    with Pool(State("s"), 2) as pool:
        pids = {pool.submit(_labelled, n).result()[2] for n in range(6)}
    assert 1 <= len(pids) <= 2


@needs_fork
def test_recycling_gives_every_job_a_fresh_fork_with_the_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gcpolicy, "RENDER_GC", "recycle")
    with Pool(State("register"), 2) as pool:
        futures = [pool.submit(_labelled, n) for n in range(6)]
        results = [f.result(timeout=60) for f in futures]
        released = pool.submit(_released).result(timeout=60)
    assert [(label, square) for label, square, _ in results] == [("register", n * n) for n in range(6)]
    assert len({pid for *_, pid in results}) == 6
    assert released[2] == 0, "a recycled worker leaves its garbage to its exit"
    assert multiprocessing.active_children() == []


@needs_fork
def test_a_worker_collects_after_each_document(monkeypatch: pytest.MonkeyPatch) -> None:
    for policy in ("relaxed", "off"):
        monkeypatch.setattr(gcpolicy, "RENDER_GC", policy)
        with Pool(State("s"), 2) as pool:
            _, _, collections, _ = pool.submit(_released).result(timeout=60)
        assert collections == 1, policy  # object counts move by a few with what else the process imported


@needs_fork
def test_frozen_freezes_what_the_first_document_left_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gcpolicy, "RENDER_GC", "frozen")
    with Pool(State("s"), 2) as pool:
        runs = [pool.submit(_released).result(timeout=60) for _ in range(5)]
    by_worker: dict[int, list[tuple[int, int, int, int]]] = {}
    for run in runs:
        by_worker.setdefault(run[3], []).append(run)
    assert max(len(worker) for worker in by_worker.values()) >= 3, "five jobs on two workers"
    for (before, after, collections, _), *later in by_worker.values():
        assert after > before > 0 and collections == 1, "the first document's survivors are frozen"
        assert all(run[0] == run[1] <= after and run[2] == 1 for run in later), "and then left alone"


def test_the_collector_while_laying_out(monkeypatch: pytest.MonkeyPatch) -> None:
    old = gc.get_threshold()
    for policy, enabled, threshold in (
        ("relaxed", True, gcpolicy.GC_THRESHOLDS),
        ("frozen", True, gcpolicy.GC_THRESHOLDS),
        ("off", False, old),
        ("recycle", False, old),
    ):
        monkeypatch.setattr(gcpolicy, "RENDER_GC", policy)
        with gcpolicy.laying_out():
            assert (gc.isenabled(), gc.get_threshold()) == (enabled, threshold), policy
        assert gc.isenabled() and gc.get_threshold() == old, policy
