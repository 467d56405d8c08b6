"""Atomic writes meet special files: a device or pipe is written to, never replaced."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from ropa.errors import OutputError
from ropa.util.fsutil import atomic_path, atomic_write


def test_atomic_write_to_dev_null_keeps_the_device() -> None:
    atomic_write(Path("/dev/null"), "findings\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_atomic_write_to_a_fifo_streams_into_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    atomic_write(fifo, b"payload")
    reader.join(timeout=10)
    assert received == [b"payload"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_atomic_path_refuses_a_device() -> None:
    with pytest.raises(OutputError, match="not a regular file"), atomic_path(Path("/dev/null")):
        pass
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_atomic_write_replaces_a_regular_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
