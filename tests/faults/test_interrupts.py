"""A build or package process killed in the middle of writing, and two builds into one folder at once.

These run ropa in real separate processes (through ``driver.py``, which injects
the fault from outside by patching, and can stub rendering for speed). After each:
the files under the target names are the previous ones or whole new ones, never
truncated; a temporary file may be left by SIGKILL, and the next run removes it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from faults.conftest import BUILD_TARGETS, FaultSpace, assert_whole, driver, run_driver, stub, temps


def _spec(**kwargs: object) -> str:
    return json.dumps(kwargs)


def _build_args(register: Path, out: Path) -> list[str]:
    return ["build", str(register), "--out", str(out), "--jobs", "1", "--quiet"]


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"process ended ({proc.returncode}) before writing: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the process never reached the write")
        time.sleep(0.01)


def test_build_killed_half_way_through_a_write(fs: FaultSpace) -> None:
    """SIGKILL (no clean-up possible) in the middle of writing register.xlsx, the last target."""
    previous = fs.previous()
    done = run_driver(_spec(stub_render=True, kill_in_write=".xlsx"), *_build_args(fs.register, fs.out), cwd=fs.root)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert_whole(fs.out, {rel: [previous[rel], stub(rel, "1")] for rel in BUILD_TARGETS})
    assert (fs.out / "register.xlsx").read_bytes() == previous["register.xlsx"]
    leftover = temps(fs.out)
    assert [p.suffix for p in leftover] == [".xlsx"], leftover
    assert 0 < leftover[0].stat().st_size < len(stub("register.xlsx", "1")), "the temporary should be half-written"
    # a later run completes, and removes what the killed run left
    again = run_driver(_spec(stub_render=True), *_build_args(fs.register, fs.out), cwd=fs.root)
    assert again.returncode == 0, again.stderr
    assert temps(fs.out) == []
    assert all((fs.out / rel).read_bytes() == stub(rel, "1") for rel in BUILD_TARGETS)


def test_build_killed_while_saving_its_cache(fs: FaultSpace) -> None:
    """Killed after the outputs, half-way through a blob of the build cache: the next run cleans that too."""
    fs.previous()
    spec = _spec(stub_render=True, kill_in_write="", in_folder=".ropa-cache")
    done = run_driver(spec, *_build_args(fs.register, fs.out), cwd=fs.root)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert all((fs.out / rel).read_bytes() == stub(rel, "1") for rel in BUILD_TARGETS)
    assert [p for p in temps(fs.out) if ".ropa-cache" in p.parts], temps(fs.out)
    again = run_driver(_spec(stub_render=True), *_build_args(fs.register, fs.out), cwd=fs.root)
    assert again.returncode == 0, again.stderr
    assert temps(fs.out) == []


def test_build_killed_from_outside_while_writing(fs: FaultSpace) -> None:
    """The writing of register.xlsx is slowed and the process is killed by another one."""
    previous = fs.previous()
    flag = fs.root / "writing"
    spec = _spec(stub_render=True, slow_write={"suffix": ".xlsx", "seconds": 30}, announce=str(flag))
    proc = subprocess.Popen(
        driver(spec, *_build_args(fs.register, fs.out)),
        cwd=fs.root,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(flag, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert (fs.out / "register.xlsx").read_bytes() == previous["register.xlsx"]
    for rel in ("register.pdf", "annexes/acme.pdf"):  # written before the kill: whole new files
        assert (fs.out / rel).read_bytes() == stub(rel, "1"), rel
    assert len(temps(fs.out)) == 1
    again = run_driver(_spec(stub_render=True), *_build_args(fs.register, fs.out), cwd=fs.root)
    assert again.returncode == 0, again.stderr
    assert temps(fs.out) == []


def test_build_terminated_while_writing_cleans_up_at_once(fs: FaultSpace) -> None:
    """SIGTERM unwinds like Ctrl-C: the temporary file goes, the message says what was left."""
    previous = fs.previous()
    flag = fs.root / "writing"
    spec = _spec(stub_render=True, slow_write={"suffix": ".xlsx", "seconds": 30}, announce=str(flag))
    proc = subprocess.Popen(
        driver(spec, *_build_args(fs.register, fs.out)),
        cwd=fs.root,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(flag, proc)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr and "no partial file" in stderr
    assert temps(fs.out) == []
    assert (fs.out / "register.xlsx").read_bytes() == previous["register.xlsx"]
    assert_whole(fs.out, {rel: [previous[rel], stub(rel, "1")] for rel in BUILD_TARGETS})


def test_package_killed_half_way_through_the_archive(fs: FaultSpace) -> None:
    fs.out.mkdir()
    old_zip = fs.out / "example-gmbh-ropa-1.zip"
    old_zip.write_bytes(b"PK previous package")
    args = ["package", str(fs.register), "--out", str(fs.out), "--jobs", "1", "--quiet"]
    done = run_driver(_spec(stub_render=True, kill_in_write=".zip"), *args, cwd=fs.root)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert old_zip.read_bytes() == b"PK previous package"
    assert not (fs.out / "example-gmbh-ropa-1.zip.sha256").exists()
    assert temps(fs.out), "SIGKILL leaves the temporary files"
    again = run_driver(_spec(stub_render=True), *args, cwd=fs.root)
    assert again.returncode == 0, again.stderr
    assert temps(fs.out) == []
    import hashlib

    digest = hashlib.sha256(old_zip.read_bytes()).hexdigest()
    assert (fs.out / "example-gmbh-ropa-1.zip.sha256").read_text().split()[0] == digest


# --- two builds into the same folder at once ------------------------------------------------------


def test_concurrent_build_does_not_remove_the_other_runs_temporary_file(fs: FaultSpace) -> None:
    """Build A pauses half-way through register.xlsx; build B runs start to finish meanwhile.

    B's clean-up of stale temporary files must spare A's (A is alive). Before the
    process id was part of temporary names, B deleted it and A failed with
    'cannot write (No such file or directory)'.
    """
    flag = fs.root / "a-is-writing"
    spec_a = _spec(stub_render=True, slow_write={"suffix": ".xlsx", "seconds": 3}, announce=str(flag))
    proc_a = subprocess.Popen(
        driver(spec_a, *_build_args(fs.register, fs.out)),
        cwd=fs.root,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(flag, proc_a)
        done_b = run_driver(_spec(stub_render=True), *_build_args(fs.register2, fs.out), cwd=fs.root)
        assert done_b.returncode == 0, done_b.stderr
        assert proc_a.poll() is None, "A should still be writing when B has finished"
        _, stderr_a = proc_a.communicate(timeout=60)
    finally:
        if proc_a.poll() is None:
            proc_a.kill()
    assert proc_a.returncode == 0, stderr_a
    assert temps(fs.out) == []
    assert_whole(fs.out, {rel: [stub(rel, "1"), stub(rel, "2")] for rel in BUILD_TARGETS})
    assert (fs.out / "register.xlsx").read_bytes() == stub("register.xlsx", "1"), "A renamed last"


def test_two_real_builds_at_once(fs: FaultSpace) -> None:
    """Two unmodified 'ropa build' processes into one folder: both succeed, every file is whole."""
    import sys

    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "ropa", *_build_args(reg, fs.out)],
            cwd=fs.root,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for reg in (fs.register, fs.register2)
    ]
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in procs]
    assert all(code == 0 for code, _ in results), results
    assert temps(fs.out) == []
    from openpyxl import load_workbook
    from pypdf import PdfReader

    for rel in ("register.pdf", "annexes/acme.pdf"):
        assert len(PdfReader(fs.out / rel).pages) >= 1
    assert load_workbook(fs.out / "register.xlsx").sheetnames
