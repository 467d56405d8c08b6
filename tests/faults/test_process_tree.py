"""A killed ropa takes its whole process tree with it (ropa/produce/lifeline.py).

A CI time-out sends SIGKILL to the command: nothing can run in the dying process,
so each child must be killed by the kernel (``PR_SET_PDEATHSIG``). Each test starts
ropa with its own stdout and stderr pipes and a marker in its environment, waits
until the workers it looks for exist, kills the main process, and then requires
within :data:`DEADLINE` seconds that no process carrying the marker is alive and
that both pipes read end of file (which proves no process holds a writing end).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ropa.produce.lifeline import ORPHANED_EXIT, die_with_parent

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 2.0
"""Seconds from the SIGKILL until every process of the tree is gone and the pipes are closed."""
TIMINGS: list[tuple[str, float]] = []

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG")


def _state(pid: int) -> str | None:
    """The process state letter of ``pid`` (None when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _children(pid: int) -> set[int]:
    """Live descendants of ``pid``, from the parent field of every process."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if fields[0] != "Z":
                    parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _marked(marker: str) -> set[int]:
    """Live processes (zombies are dead) whose environment carries ``marker``: the tree, wherever it was moved."""
    needle = f"ROPA_TREE_MARK={marker}".encode()
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle in (entry / "environ").read_bytes().split(b"\0") and _state(int(entry.name)) not in (
                    None,
                    "Z",
                ):
                    out.add(int(entry.name))
    return out


@contextlib.contextmanager
def _started(command: list[str], cwd: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    marker = uuid.uuid4().hex
    env = {**os.environ, "ROPA_TREE_MARK": marker, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield proc, marker
    finally:
        for pid in _marked(marker):  # never leave a stray process behind, whatever the test found
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def _wait_for_children(proc: subprocess.Popen[bytes], count: int, timeout: float = 120) -> set[int]:
    """Wait until ``proc`` has ``count`` live descendants; return them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"ropa ended ({proc.returncode}) before its workers were seen: {proc.communicate()}")
        found = _children(proc.pid)
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} workers after {timeout} s")


def _drain_to_eof(proc: subprocess.Popen[bytes], until: float) -> bool:
    """Read both pipes until end of file on each; False when ``until`` passes first."""
    open_fds = [p.fileno() for p in (proc.stdout, proc.stderr) if p is not None]
    while open_fds:
        left = until - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select(open_fds, [], [], left)
        for fd in ready:
            if not os.read(fd, 1 << 16):
                open_fds.remove(fd)
    return True


def _kill_and_measure(proc: subprocess.Popen[bytes], marker: str, name: str) -> float:
    """SIGKILL the main process; the seconds until no marked process lives and both pipes are at end of file."""
    tree = _marked(marker)
    assert proc.pid in tree and len(tree) > 1, "the marker should find the main process and its workers"
    start = time.monotonic()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=DEADLINE)
    closed = _drain_to_eof(proc, start + DEADLINE)
    while _marked(marker) and time.monotonic() < start + DEADLINE:
        time.sleep(0.005)
    elapsed = time.monotonic() - start
    survivors = _marked(marker)
    assert not survivors, f"{len(survivors)} process(es) of the tree still alive {elapsed:.2f} s after SIGKILL"
    assert closed, f"a pipe of the killed command was still open {DEADLINE} s after SIGKILL"
    TIMINGS.append((name, elapsed))
    print(f"{name}: {len(tree) - 1} other process(es) gone and pipes closed {elapsed * 1000:.0f} ms after SIGKILL")
    return elapsed


@pytest.fixture(scope="module")
def busy_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic register of 30 activities (5 providers): seconds of rendering on two workers."""
    root = tmp_path_factory.mktemp("tree") / "register"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "synth.py"), str(root), "--activities", "30", "--providers", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(list((root / "providers").glob("*.yaml"))) == 5
    return root


def _ropa(*args: str) -> list[str]:
    return [sys.executable, "-m", "ropa", *args]


def test_killed_build_takes_its_render_workers_along(busy_register: Path, tmp_path: Path) -> None:
    with _started(_ropa("build", str(busy_register), "--out", str(tmp_path / "out"), "--jobs", "2"), tmp_path) as (
        proc,
        marker,
    ):
        _wait_for_children(proc, 2)
        time.sleep(0.3)  # the workers are laying out pages now
        assert _kill_and_measure(proc, marker, "build") < DEADLINE


def test_killed_package_takes_its_render_workers_along(busy_register: Path, tmp_path: Path) -> None:
    command = _ropa("package", str(busy_register), "--out", str(tmp_path / "out"), "--jobs", "2", "--allow-findings")
    with _started(command, tmp_path) as (proc, marker):
        _wait_for_children(proc, 2)  # two workers of the pool (the validation report is one of their jobs)
        time.sleep(0.3)
        assert _kill_and_measure(proc, marker, "package") < DEADLINE


# ---------------------------------------------------------------- the function itself, in forked children


def _fork_and_wait(body: str) -> tuple[int, bytes]:
    """Fork a child that runs ``body`` (``die_with_parent`` with the right or a wrong parent) and reports."""
    import ctypes

    parent = os.getpid()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, never return into pytest
        try:
            os.close(reading)
            die_with_parent(parent if body == "right" else parent + 1_000_000)
            signal_number = ctypes.c_int(0)
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(2, ctypes.byref(signal_number), 0, 0, 0)  # PR_GET_PDEATHSIG
            os.write(writing, str(signal_number.value).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        said = pipe.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), said


def test_a_child_asks_to_be_killed_with_its_parent() -> None:
    code, said = _fork_and_wait("right")
    assert code == 0 and said == str(int(signal.SIGKILL)).encode()


def test_a_child_whose_parent_is_already_gone_ends_at_once() -> None:
    """The race the kernel leaves open: the parent died before prctl, so no signal will come; the check ends it."""
    code, said = _fork_and_wait("wrong")
    assert code == ORPHANED_EXIT and said == b""
