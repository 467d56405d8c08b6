"""The build's worker pool replaces its workers every TASKS_PER_WORKER tasks (ropa/build.py, _Recycling)."""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, wait

import pytest

import ropa.build


def _pid_after(value: int) -> tuple[int, int]:
    return value * value, os.getpid()


def _fail(value: int) -> int:
    raise ValueError(f"task {value} failed")


def test_workers_are_replaced_and_every_result_arrives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ropa.build, "TASKS_PER_WORKER", 2)
    pool = ropa.build._executor(2, None)  # type: ignore[arg-type]
    try:
        futures = {pool.submit(_pid_after, n): n for n in range(12)}
        pending = set(futures)
        while pending:  # as render_all does: wait, then let the pool hand on more tasks
            _done, pending = wait(pending, return_when=FIRST_COMPLETED)
            pool.pump()
        results = {futures[f]: f.result() for f in futures}
    finally:
        pool.shutdown(wait=True)
    assert {n: square for n, (square, _pid) in results.items()} == {n: n * n for n in range(12)}
    pids = {pid for _square, pid in results.values()}
    assert os.getpid() not in pids
    assert len(pids) >= 4, "12 tasks at 2 per worker need fresh workers"


def test_a_failing_task_fails_its_future_only() -> None:
    pool = ropa.build._executor(2, None)  # type: ignore[arg-type]
    try:
        bad, good = pool.submit(_fail, 3), pool.submit(_pid_after, 4)
        wait([bad, good])
        assert good.result()[0] == 16
        with pytest.raises(ValueError, match="task 3 failed"):
            bad.result()
    finally:
        pool.shutdown(wait=True)
