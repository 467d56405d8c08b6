"""'ropa build' and 'ropa package' when writing fails: read-only folder, disk full half-way.

Rendering is replaced by the driver's stub (known bytes, milliseconds) so the
tests exercise the writing; each run goes through the real command line. After
every fault: exit code 2, a message that says what happened and names the file,
no traceback, every target either the previous file or a whole new one, and no
temporary file left behind.
"""

from __future__ import annotations

import errno
import functools
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.support import PREVIOUS, invoke, seed_output

import ropa.produce.build
import ropa.render.report_pdf
from faults.conftest import BUILD_TARGETS, FaultSpace, assert_whole, stub, temps
from faults.driver import stub_document

REAL_RENDER_ALL = ropa.produce.build.render_all
"""The real renderer of the build; stand-ins are injected into it (its ``renderer``)."""


@pytest.fixture(autouse=True)
def stub_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents and the package's report PDF become fixed bytes: these tests are about writing."""
    monkeypatch.setattr(
        ropa.produce.build,
        "render_all",
        functools.partial(
            REAL_RENDER_ALL,
            renderer=lambda job, reg, rep, tpl: stub_document(job.target, reg.organisation.record.version),
        ),
    )
    monkeypatch.setattr(ropa.render.report_pdf, "render_report_pdf", lambda *args, **kwargs: b"%PDF-1.7 stub\n")


def build(fs: FaultSpace) -> list[str]:
    return ["build", str(fs.register), "--out", str(fs.out), "--jobs", "1", "--quiet"]


def package(fs: FaultSpace) -> list[str]:
    return ["package", str(fs.register), "--out", str(fs.out), "--jobs", "1", "--quiet"]


PACKAGE = "example-gmbh-ropa-1.zip"


def package_targets(fs: FaultSpace) -> dict[str, bytes]:
    """A finished package run's two files, made once without faults in a scratch folder."""
    scratch = fs.root / "scratch"
    outcome = invoke(["package", str(fs.register), "--out", str(scratch), "--jobs", "1", "--quiet"])
    assert outcome.code == 0, outcome.stderr
    return {p.name: p.read_bytes() for p in scratch.iterdir()}


def seed_package(fs: FaultSpace) -> dict[str, bytes]:
    fs.out.mkdir(parents=True, exist_ok=True)
    old = {PACKAGE: b"PK previous package", PACKAGE + ".sha256": b"0" * 64 + f"  {PACKAGE}\n".encode()}
    for name, data in old.items():
        (fs.out / name).write_bytes(data)
    return old


def assert_fault_reported(outcome: object, words: tuple[str, ...]) -> None:
    code, stderr = outcome.code, outcome.stderr  # type: ignore[attr-defined]
    assert code == 2, (code, stderr)
    assert "Traceback" not in stderr
    assert "cannot write" in stderr and any(w in stderr for w in words), stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


def test_stubbed_build_and_package_succeed(fs: FaultSpace) -> None:
    """The baseline: without a fault both commands write every target and leave no temporary."""
    assert invoke(build(fs)).code == 0
    for rel in BUILD_TARGETS:
        assert (fs.out / rel).read_bytes() == stub(rel, "1")
    assert invoke(package(fs)).code == 0
    assert (fs.out / PACKAGE).is_file() and temps(fs.out) == []


# --- a read-only output folder -------------------------------------------------------------


def _erofs(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(kwargs.get("dir", args[-1] if args else "")))


def _read_only(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Creating the temporary file, or renaming it into place, fails with EROFS."""
    if where == "create":
        monkeypatch.setattr(tempfile, "mkstemp", _erofs)
    else:
        monkeypatch.setattr(os, "replace", _erofs)


@pytest.mark.parametrize("where", ["create", "rename"])
def test_build_into_read_only_folder_simulated(fs: FaultSpace, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    previous = fs.previous()
    with monkeypatch.context() as patch:
        _read_only(patch, where)
        outcome = invoke(build(fs))
    assert_fault_reported(outcome, ("Read-only file system",))
    assert_whole(fs.out, {rel: [data] for rel, data in previous.items()})
    assert temps(fs.out) == []


@pytest.mark.parametrize("where", ["create", "rename"])
def test_package_into_read_only_folder_simulated(fs: FaultSpace, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    old = seed_package(fs)
    with monkeypatch.context() as patch:
        _read_only(patch, where)
        outcome = invoke(package(fs))
    assert_fault_reported(outcome, ("Read-only file system",))
    assert {p.name: p.read_bytes() for p in fs.out.iterdir()} == old


@pytest.fixture
def locked_out(fs: FaultSpace) -> Iterator[dict[str, bytes]]:
    """The output folder, holding an earlier run, made immutable for real (chattr +i as root, else chmod)."""
    previous = fs.previous()
    folders = [fs.out, fs.out / "annexes"]
    if os.geteuid() == 0:
        lock, unlock = ["chattr", "+i"], ["chattr", "-i"]
    else:
        lock, unlock = ["chmod", "0555"], ["chmod", "0755"]
    done = subprocess.run([*lock, *map(str, folders)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot make a folder read-only here ({' '.join(lock)}): {done.stderr.strip()}")
    try:
        yield previous
    finally:
        subprocess.run([*unlock, *map(str, folders)], check=True)


def test_build_into_really_read_only_folder(fs: FaultSpace, locked_out: dict[str, bytes]) -> None:
    outcome = invoke(build(fs))
    assert_fault_reported(outcome, ("Operation not permitted", "Permission denied"))
    assert_whole(fs.out, {rel: [data] for rel, data in locked_out.items()})
    assert temps(fs.out) == []


def test_package_into_really_read_only_folder(fs: FaultSpace, locked_out: dict[str, bytes]) -> None:
    outcome = invoke(package(fs))
    assert_fault_reported(outcome, ("Operation not permitted", "Permission denied"))
    assert not (fs.out / PACKAGE).exists() and temps(fs.out) == []


# --- the disk fills half-way ---------------------------------------------------------------


def _disk_full_on(monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    """The ``nth`` file write (1-based) stops half-way with ENOSPC, as a full disk would."""
    real = Path.write_bytes
    count = {"n": 0}

    def write_bytes(self: Path, data: bytes) -> int:
        count["n"] += 1
        if count["n"] == nth:
            real(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.mark.parametrize("nth", [1, 2, 3, 4])
def test_build_when_disk_fills(fs: FaultSpace, monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    previous = fs.previous()
    with monkeypatch.context() as patch:
        _disk_full_on(patch, nth)
        outcome = invoke(build(fs))
    assert_fault_reported(outcome, ("No space left on device",))
    failed = sorted(BUILD_TARGETS)[nth - 1]
    assert failed in outcome.stderr
    assert (fs.out / failed).read_bytes() == previous[failed]
    assert_whole(fs.out, {rel: [previous[rel], stub(rel, "1")] for rel in BUILD_TARGETS})
    assert temps(fs.out) == []
    # the next run, with space again, completes and cleans up
    assert invoke(build(fs)).code == 0
    assert all((fs.out / rel).read_bytes() == stub(rel, "1") for rel in BUILD_TARGETS)


def _zip_disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package's zip (streamed into its temporary file) stops half-way with ENOSPC."""
    import io

    import ropa.archive.package

    real = ropa.archive.package.write_zip

    def write_zip(members: object, when: object, target: object) -> None:
        buffer = io.BytesIO()
        real(members, when, buffer)  # type: ignore[arg-type]
        data = buffer.getvalue()
        target.write(data[: len(data) // 2])  # type: ignore[attr-defined]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(ropa.archive.package, "write_zip", write_zip)


def test_package_when_disk_fills(fs: FaultSpace, monkeypatch: pytest.MonkeyPatch) -> None:
    good = package_targets(fs)
    old = seed_package(fs)
    with monkeypatch.context() as patch:
        _zip_disk_full(patch)
        outcome = invoke(package(fs))
    assert_fault_reported(outcome, ("No space left on device",))
    assert {p.name: p.read_bytes() for p in fs.out.iterdir()} == old
    assert invoke(package(fs)).code == 0
    assert {p.name: p.read_bytes() for p in fs.out.iterdir()} == good


def test_validate_report_when_disk_fills(fs: FaultSpace, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_output(fs.out)
    report = fs.out / "report.txt"
    with monkeypatch.context() as patch:
        _disk_full_on(patch, 1)
        outcome = invoke(["validate", str(fs.register), "--output", str(report)])
    assert_fault_reported(outcome, ("No space left on device",))
    assert report.read_bytes() == PREVIOUS["report.txt"] and temps(fs.out) == []
