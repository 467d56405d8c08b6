"""Reading ahead in forked workers (ropa/read/readahead.py) hands out exactly what reading in-process gives.

Documents, positions and diagnostics must come out equal and in file order
whatever the number of workers, whatever they did (read everything, died,
failed on a file), and closing must leave no process or file descriptor behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

import ropa.read.readahead
from ropa.read.readahead import Item, ReadAhead, Result, can_fork, read_one
from ropa.read.source import read_file

pytestmark = pytest.mark.skipif(not can_fork(), reason="reading ahead forks worker processes")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"


def _items(root: Path) -> list[Item]:
    paths = [root / "organisation.yaml", *sorted((root / "providers").iterdir())]
    return [(path, path.relative_to(root).as_posix()) for path in paths]


@pytest.fixture
def items(tmp_path: Path) -> list[Item]:
    """The example register plus files that cannot be read, each for another reason."""
    root = tmp_path / "reg"
    shutil.copytree(EXAMPLE, root)
    broken = root / "providers"
    (broken / "b-syntax.yaml").write_text("id: b\nlegal_name: [unclosed\n", encoding="utf-8")
    (broken / "c-duplicate.yaml").write_text("id: c\nid: c\n", encoding="utf-8")
    (broken / "d-empty.yaml").write_text("# nothing\n", encoding="utf-8")
    (broken / "e-utf16.yaml").write_bytes("id: e\n".encode("utf-16"))
    (broken / "f-folder.yaml").mkdir()
    return _items(root)


def _expected(items: list[Item]) -> list[Result]:
    return [read_one(item) for item in items]


def _wait_until_read(ahead: ReadAhead, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(ahead._ready) < count:
        assert time.monotonic() < deadline, "the workers never read the files"
        time.sleep(0.01)


def test_the_fixture_has_documents_and_each_kind_of_problem(items: list[Item]) -> None:
    expected = _expected(items)
    problems = [r for r in expected if isinstance(r, list)]
    assert len(problems) == 5 and len(expected) - len(problems) == 6
    messages = " ".join(d.message for found in problems for d in found)
    for part in ("syntax error", "duplicate key", "empty", "UTF-16", "not a regular file"):
        assert part in messages


@pytest.mark.parametrize("workers", [0, 1, 2, 3])
def test_results_equal_reading_in_process_in_file_order(items: list[Item], workers: int) -> None:
    expected = _expected(items)
    with ReadAhead(items, workers) as ahead:
        got = list(ahead.results())
    assert got == expected
    assert [r.file if not isinstance(r, list) else r[0].file for r in got] == [name for _, name in items]


def test_workers_read_while_the_caller_is_busy(items: list[Item], monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _expected(items)
    with ReadAhead(items, 1) as ahead:
        _wait_until_read(ahead, len(items))  # the caller "imports" meanwhile

        def not_here(item: Item) -> Result:
            raise AssertionError(f"{item[1]} was read by the caller")

        monkeypatch.setattr(ropa.read.readahead, "read_one", not_here)
        assert list(ahead.results()) == expected


@pytest.mark.parametrize("after", [0, 3])
def test_a_worker_killed_part_way_only_means_the_caller_reads_more(items: list[Item], after: int) -> None:
    expected = _expected(items)
    with ReadAhead(items, 2) as ahead:
        _wait_until_read(ahead, after)
        os.kill(ahead._pids[0], signal.SIGKILL)
        assert list(ahead.results()) == expected


def test_an_unexpected_error_in_a_worker_is_met_again_by_the_caller(
    items: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = read_file

    def fails_on_tecparts(path: Path, display: str | None = None) -> object:
        if path.name == "tecparts.yaml":
            raise RuntimeError("unexpected")
        return real(path, display)

    monkeypatch.setattr(ropa.read.readahead, "read_file", fails_on_tecparts)
    with ReadAhead(items, 2) as ahead, pytest.raises(RuntimeError, match="unexpected"):
        list(ahead.results())


def test_a_file_a_worker_failed_on_is_read_again_by_the_caller(
    items: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _expected(items)
    real = read_file

    def fails_on_tecparts(path: Path, display: str | None = None) -> object:
        if path.name == "tecparts.yaml":
            raise MemoryError
        return real(path, display)

    monkeypatch.setattr(ropa.read.readahead, "read_file", fails_on_tecparts)
    with ReadAhead(items, 2) as ahead:
        _wait_until_read(ahead, len(items))
        monkeypatch.setattr(ropa.read.readahead, "read_file", real)  # the workers keep the failing one
        assert list(ahead.results()) == expected


def test_files_that_do_not_fit_in_the_task_pipe_are_read_by_the_caller(
    items: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pipe that takes only two records (the user's pipe quota spent): the rest is read in-process."""
    expected = _expected(items)
    caller = os.getpid()
    real_write = os.write
    calls = []

    def small_pipe(fd: int, data: bytes) -> int:
        if os.getpid() == caller:
            calls.append(len(data))
            if len(calls) > 1:
                raise BlockingIOError
        return real_write(fd, data)

    monkeypatch.setattr(ropa.read.readahead, "_PIPE_BUF", 8)
    monkeypatch.setattr(os, "write", small_pipe)
    with ReadAhead(items, 2) as ahead:
        assert ahead._unqueued == 2
        monkeypatch.setattr(os, "write", real_write)
        assert list(ahead.results()) == expected


@pytest.mark.parametrize("pipes_left", [0, 1, 2])
def test_without_descriptors_for_pipes_the_caller_reads_the_rest(
    items: list[Item], monkeypatch: pytest.MonkeyPatch, pipes_left: int
) -> None:
    """No pipe at all, only the task pipe, or one worker's: fewer workers (or none), same results."""
    expected = _expected(items)
    real_pipe = os.pipe
    made: list[int] = []

    def scarce() -> tuple[int, int]:
        if len(made) >= pipes_left:
            raise OSError(24, "Too many open files")
        made.append(1)
        return real_pipe()

    monkeypatch.setattr(os, "pipe", scarce)
    with ReadAhead(items, 3) as ahead:
        monkeypatch.setattr(os, "pipe", real_pipe)
        assert len(ahead._pids) == max(0, pipes_left - 1)
        assert list(ahead.results()) == expected


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("consume", [0, 4, None])
def test_closing_leaves_no_process_or_descriptor(items: list[Item], consume: int | None) -> None:
    before = _open_fds()
    ahead = ReadAhead(items, 2)
    pids = list(ahead._pids)
    assert len(pids) == 2
    results = ahead.results()
    for _ in range(len(items) if consume is None else consume):
        next(results)
    ahead.close()
    ahead.close()  # a second close does nothing
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    assert _open_fds() == before
