"""Register files read by forked worker processes while the caller does other work.

Parsing YAML needs neither pydantic nor the models, and ``ropa validate`` spends its
first fifth of a second importing pydantic and building the model schemas. So the
command starts the reading first: worker processes, forked while the interpreter is
still small, parse files and send back :class:`~ropa.read.source.Document` objects,
while the caller imports. Once ready, the caller takes documents in file order and,
whenever the next one is not there yet, reads a file nobody has started itself:
all processes stay busy until every file is read, and the caller sees exactly
what reading in-process gives (documents, positions, diagnostics, their order).

Workers claim files from a pipe holding the index of every file (a 4-byte record
each; a pipe hands every record to one reader). Each worker sends its results
through a pipe of its own, which a thread of the caller drains, so a worker never
waits for a caller that is busy importing. Anything unexpected in a worker (an
exception, a crash, a kill) only means the caller reads that file itself, so errors
surface where they would without workers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import struct
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from ropa.errors import Diagnostic, InputError
from ropa.produce.lifeline import die_with_parent
from ropa.read.source import Document, read_file

Item = tuple[Path, str]
"""A file to read and the name messages give it."""
Result = Document | list[Diagnostic]
"""A file read: its document, or the problems that kept it from being read."""

_TASK = struct.Struct("<I")
_FRAME = struct.Struct("<IBQ")
"""Header of a worker's result: file index, kind, length of the pickled payload."""
_READ = 0
"""Kind of a result frame: the pickled :data:`Result`."""
_FAILED = 1
"""Kind of a result frame: the worker could not read the file; the caller reads it again to see why."""
_PIPE_BUF = getattr(select, "PIPE_BUF", 512) // _TASK.size * _TASK.size
"""Bytes of whole records a pipe takes in one piece or not at all."""
_CHUNK = 1 << 20


def read_one(item: Item, folder: str | None = None) -> Result:
    """Read one file, refused unless inside ``folder`` (the register, resolved: see :mod:`ropa.read.safefiles`).

    Problems come back as diagnostics (an InputError does not survive pickling).
    """
    try:
        return read_file(*item) if folder is None else read_file(*item, folder=folder)
    except InputError as exc:
        return exc.diagnostics


def usable_cpus() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be forked here (POSIX, not Windows)."""
    return hasattr(os, "fork") and hasattr(os, "waitpid")


class ReadAhead:
    """Reading of ``items`` in progress in worker processes; hands out the results in order.

    Use as a context manager, or call :meth:`close`: workers still running are then
    stopped and reaped, whatever was read or not.
    """

    def __init__(self, items: Sequence[Item], workers: int, folder: str | None = None) -> None:
        """Fork ``workers`` processes that start reading ``items`` at once, each only inside ``folder``."""
        self.items: list[Item] = list(items)
        self.folder = folder
        """The resolved folder every file must lie in (None: no such check), for workers and caller alike."""
        self._ready: dict[int, tuple[int, bytes] | Result] = {}
        self._cond = threading.Condition()
        self._pids: list[int] = []
        self._threads: list[threading.Thread] = []
        self._running = 0
        self._tasks = -1
        self._unqueued = 0
        """Files from this index on were not handed to workers (the pipe was full): the caller reads them."""
        self._closed = False
        if workers < 1 or not self.items:
            return
        try:
            tasks, feed = os.pipe()
        except OSError:  # no descriptors left: the caller reads every file
            return
        try:
            os.set_blocking(feed, False)
            records = b"".join(_TASK.pack(index) for index in range(len(self.items)))
            written = 0
            while written < len(records):  # writes of at most PIPE_BUF go in whole or not at all
                written += os.write(feed, records[written : written + _PIPE_BUF])
                self._unqueued = written // _TASK.size
        except OSError:  # a pipe smaller than usual (the user's pipe quota is spent): the caller reads the rest
            pass
        finally:
            os.close(feed)  # once the indexes are taken, readers see end of file
        self._tasks = tasks
        drained: list[int] = []
        parent = os.getpid()
        for _ in range(workers):  # every worker is forked before any thread of ours runs
            try:
                results, sink = os.pipe()
            except OSError:  # no more pipes: the caller reads what the others do not
                break
            try:
                pid = os.fork()
            except OSError:
                os.close(results)
                os.close(sink)
                break
            if pid == 0:  # the worker: never returns into the caller's code
                code = 1
                try:
                    die_with_parent(parent)  # a killed caller takes its readers with it (ropa.produce.lifeline)
                    for fd in (*drained, results):
                        os.close(fd)
                    _serve(tasks, sink, self.items, folder)
                    code = 0
                finally:
                    os._exit(code)
            os.close(sink)
            self._pids.append(pid)
            drained.append(results)
        self._running = len(drained)
        for fd in drained:
            thread = threading.Thread(target=self._drain, args=(fd,), name="ropa-read-ahead", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _drain(self, fd: int) -> None:
        """Collect one worker's results as they arrive (runs in a thread of the caller)."""
        buffer = bytearray()
        try:
            while True:
                chunk = os.read(fd, _CHUNK)
                if not chunk:
                    break
                buffer += chunk
                start = 0
                while len(buffer) - start >= _FRAME.size:
                    index, kind, length = _FRAME.unpack_from(buffer, start)
                    end = start + _FRAME.size + length
                    if len(buffer) < end:
                        break
                    payload = bytes(buffer[start + _FRAME.size : end])
                    with self._cond:
                        self._ready[index] = (kind, payload)
                        self._cond.notify_all()
                    start = end
                del buffer[:start]
        except OSError:
            pass
        finally:
            os.close(fd)
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    def _claim(self) -> int | None:
        """Index of a file no worker has started, now the caller's to read; None when none is left."""
        if self._tasks >= 0:
            try:
                record = os.read(self._tasks, _TASK.size)
            except OSError:
                record = b""
            if len(record) == _TASK.size:
                index: int = _TASK.unpack(record)[0]
                return index
            os.close(self._tasks)
            self._tasks = -1
        if self._unqueued < len(self.items):
            self._unqueued += 1
            return self._unqueued - 1
        return None

    def _take(self, index: int) -> Result:
        """The result for file ``index``: a worker's, or read here (while waiting for it, or after all)."""
        while True:
            with self._cond:
                if index in self._ready:
                    entry = self._ready.pop(index)
                    break
            claimed = self._claim()
            if claimed == index:
                return read_one(self.items[index], self.folder)
            if claimed is not None:
                result = read_one(self.items[claimed], self.folder)
                with self._cond:
                    self._ready[claimed] = result
                continue
            with self._cond:
                while index not in self._ready and self._running:
                    self._cond.wait()
                if index not in self._ready:  # every worker ended, none sent it: its worker died
                    return read_one(self.items[index], self.folder)
        if isinstance(entry, tuple):
            kind, payload = entry
            if kind != _READ:
                return read_one(self.items[index], self.folder)
            result = pickle.loads(payload)
            assert isinstance(result, (Document, list))
            return result
        return entry

    def results(self) -> Iterator[Result]:
        """Every file's result, in the order of :attr:`items`."""
        for index in range(len(self.items)):
            yield self._take(index)

    def close(self) -> None:
        """Stop and reap the workers (whatever they were doing), release the pipes."""
        if self._closed:
            return
        self._closed = True
        for pid in self._pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in self._pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        for thread in self._threads:
            thread.join()
        if self._tasks >= 0:
            os.close(self._tasks)
            self._tasks = -1
        self._ready.clear()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(tasks: int, sink: int, items: list[Item], folder: str | None) -> None:
    """A worker's loop: claim a file, read it, send the result; until no file is left."""
    for number in (signal.SIGINT, signal.SIGTERM):  # the caller stops its workers itself
        with contextlib.suppress(ValueError):  # forked from a thread other than the main one
            signal.signal(number, signal.SIG_DFL)
    gc.disable()  # what is read holds no cycles (see ropa.load.loader.collector_paused)
    while True:
        record = os.read(tasks, _TASK.size)
        if len(record) != _TASK.size:
            return
        (index,) = _TASK.unpack(record)
        try:
            payload = pickle.dumps(read_one(items[index], folder), protocol=pickle.HIGHEST_PROTOCOL)
            kind = _READ
        except Exception:  # the caller reads this file again and meets the error itself
            payload, kind = b"", _FAILED
        _write_all(sink, _FRAME.pack(index, kind, len(payload)) + payload)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
