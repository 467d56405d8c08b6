"""ropa.util.fsutil under faults: full disks, read-only folders, failed renames, interrupts, stale temporaries.

Read-only folders are simulated two ways: by patching the system calls to fail
with EROFS/EACCES (always), and for real with ``chattr +i`` (an immutable folder
refuses writes even to root; the suite often runs as root, for whom ``chmod``
changes nothing) or ``chmod 0555`` when not root.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from faults.conftest import temps
from ropa.errors import OutputError
from ropa.util.fsutil import STALE_AFTER_SECONDS, TMP_PREFIX, atomic_path, atomic_write, clean_stale_temps

OLD = b"previous complete file\n"
NEW = b"new content " * 10_000


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "out" / "register.pdf"
    path.parent.mkdir()
    path.write_bytes(OLD)
    return path


def test_write_replaces_whole_file_and_leaves_no_temporary(target: Path) -> None:
    atomic_write(target, NEW)
    assert target.read_bytes() == NEW
    assert temps(target.parent) == []
    assert target.stat().st_mode & 0o777 == 0o644


def test_temporary_name_carries_the_process_id(target: Path) -> None:
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent
        assert tmp.name.startswith(f"{TMP_PREFIX}{os.getpid()}-") and tmp.suffix == ".pdf"
        tmp.write_bytes(NEW)
        assert target.read_bytes() == OLD, "the target changed before the block ended"
    assert target.read_bytes() == NEW


def _enospc_half_way(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        real(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_disk_full_half_way_keeps_previous_file(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _enospc_half_way(monkeypatch)
    with pytest.raises(OutputError) as info:
        atomic_write(target, NEW)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert temps(target.parent) == []
    message = str(info.value)
    assert str(target) in message and "No space left on device" in message and "left as it was" in message


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO])
def test_failed_rename_keeps_previous_file(target: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def replace(src: object, dst: object) -> None:
        raise OSError(code, os.strerror(code), str(dst))

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError) as info:
        atomic_write(target, NEW)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert temps(target.parent) == []
    assert os.strerror(code) in str(info.value)


def test_folder_that_refuses_new_files(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def mkstemp(**kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(kwargs.get("dir")))

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    with pytest.raises(OutputError, match="Read-only file system"):
        atomic_write(target, NEW)
    monkeypatch.undo()
    assert target.read_bytes() == OLD


def test_failed_fsync_keeps_previous_file(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputError, match="Input/output error"):
        atomic_write(target, NEW)
    monkeypatch.undo()
    assert target.read_bytes() == OLD and temps(target.parent) == []


@pytest.mark.parametrize("exc", [RuntimeError("render failed"), KeyboardInterrupt()])
def test_any_failure_inside_the_block_removes_the_temporary(target: Path, exc: BaseException) -> None:
    with pytest.raises(type(exc)), atomic_path(target) as tmp:
        tmp.write_bytes(NEW[:100])
        raise exc
    assert target.read_bytes() == OLD and temps(target.parent) == []


def test_missing_target_stays_absent_after_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "new.xlsx"
    _enospc_half_way(monkeypatch)
    with pytest.raises(OutputError):
        atomic_write(target, NEW)
    monkeypatch.undo()
    assert not target.exists() and temps(tmp_path) == []


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A folder the kernel refuses to change: chattr +i as root, chmod 0555 otherwise."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "register.pdf").write_bytes(OLD)
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"running as root and chattr +i is not available here: {done.stderr.strip()}")
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = ["chmod", "0755", str(folder)]
    try:
        yield folder
    finally:
        subprocess.run(undo, check=True)


def test_really_read_only_folder(immutable: Path) -> None:
    with pytest.raises(OutputError) as info:
        atomic_write(immutable / "register.pdf", NEW)
    assert (immutable / "register.pdf").read_bytes() == OLD
    assert temps(immutable) == []
    assert "cannot write" in str(info.value)
    assert any(word in str(info.value) for word in ("Operation not permitted", "Permission denied", "Read-only"))


# --- stale temporary files ------------------------------------------------------------------


def _temp(folder: Path, pid: int | str, age: float = 0) -> Path:
    path = folder / f"{TMP_PREFIX}{pid}-{'old' if age else 'new'}123.pdf"
    path.write_bytes(b"half")
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
    return path


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_cleanup_removes_only_temporaries_of_dead_processes(tmp_path: Path) -> None:
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        dead = _temp(tmp_path, _dead_pid())
        legacy = tmp_path / f"{TMP_PREFIX}k3j4h5.xlsx"  # name of an older ropa, without a process id
        legacy.write_bytes(b"half")
        mine = _temp(tmp_path, os.getpid())
        theirs = _temp(tmp_path, alive.pid)
        ancient = _temp(tmp_path, alive.pid, age=STALE_AFTER_SECONDS + 60)
        unrelated = tmp_path / "register.pdf"
        unrelated.write_bytes(OLD)
        clean_stale_temps(tmp_path)
        assert not dead.exists() and not legacy.exists() and not ancient.exists()
        assert mine.exists() and theirs.exists(), "a live run's temporary file was removed"
        assert unrelated.read_bytes() == OLD
    finally:
        alive.kill()
        alive.wait()


def test_cleanup_of_missing_folder_is_quiet(tmp_path: Path) -> None:
    clean_stale_temps(tmp_path / "nowhere")


def test_first_write_into_a_folder_cleans_what_dead_runs_left(tmp_path: Path) -> None:
    """Every folder ropa writes into (output, annexes, build cache) is tidied by the next run writing there."""
    folder = tmp_path / "cache" / "objects"
    folder.mkdir(parents=True)
    dead = _temp(folder, _dead_pid())
    mine = _temp(folder, os.getpid(), age=0)
    atomic_write(folder / "blob", b"data")
    assert not dead.exists() and mine.exists()
    again = _temp(folder, _dead_pid(), age=60)
    atomic_write(folder / "blob2", b"data")
    assert again.exists(), "one scan per folder and process, not one per file"
