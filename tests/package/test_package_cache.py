"""'ropa package' after 'ropa build': documents come from the build cache, the zip's bytes do not change.

The first tests render for real (WeasyPrint) a register of two small providers,
built once into an output folder (copied for each test): packaging into that
folder renders only the validation report, and its zip equals, byte for byte,
the one made without the cache. The rest check the report's own process with
stand-in renderers.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import time
import zipfile
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import ropa.produce.build
import ropa.render.pdf
import ropa.render.report_pdf
from ropa.archive.package import REPORT_PDF, build_package, render_documents
from ropa.cli import main
from ropa.pipeline import load_and_check_for_documents
from ropa.produce.cache import CACHE_DIR

from .conftest import Built, build_with_cache

REAL_RENDER_ALL = ropa.produce.build.render_all
"""The real renderer of the build; stand-ins are injected into it (its ``renderer``)."""

ORGANISATION: dict[str, Any] = {
    "legal_name": "Example GmbH",
    "country": "DE",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    "contact": {"email": "privacy@example.com"},
    "dpo": {"designated": True, "name": "DPO", "email": "dpo@example.com"},
    "record": {"version": "1", "date": "2026-11-01"},
}
PROVIDERS: dict[str, dict[str, Any]] = {
    pid: {"id": pid, "legal_name": f"{pid.title()} Mail GmbH", "country": "DE", "role": "processor", "service": "Mail"}
    for pid in ("acme", "zeta")
}
DOCUMENTS = [
    "annexes/acme.pdf",
    "annexes/acme.review.pdf",
    "annexes/zeta.pdf",
    "annexes/zeta.review.pdf",
    "register.pdf",
    "register.xlsx",
]


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Built once: the register, its build, and the bytes of its package made without any cache."""
    return build_with_cache(tmp_path_factory.mktemp("cached"), ORGANISATION, PROVIDERS)


@pytest.fixture
def built(original: Built, tmp_path: Path) -> Built:
    """A copy of the built register and output folder this test may change."""
    shutil.copytree(original.root, tmp_path / "register")
    shutil.copytree(original.out, tmp_path / "out")
    assert (tmp_path / "out" / CACHE_DIR / "index.json").is_file()
    return Built(tmp_path / "register", tmp_path / "out", original.fresh)


def index_bytes(out: Path) -> bytes:
    return (out / CACHE_DIR / "index.json").read_bytes()


def test_package_after_build_renders_only_the_report(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    index = index_bytes(built.out)
    laid_out: list[str] = []
    real = ropa.render.pdf.render_part

    def counting(html: str, *args: Any, **kwargs: Any) -> Any:
        laid_out.append(html)
        return real(html, *args, **kwargs)

    monkeypatch.setattr(ropa.render.pdf, "render_part", counting)
    cached = build_package(built.root, built.out, allow_findings=True, workers=1)  # one process: every call seen
    assert cached.reused == DOCUMENTS
    # only the report's parts and the page numbers drawn over them
    report_parts = [h for h in laid_out if "<title>Validation report" in h]
    numbers = [h for h in laid_out if 'class="page" data-label="page ' in h]
    assert report_parts and numbers and len(report_parts) + len(numbers) == len(laid_out)
    assert cached.path.read_bytes() == built.fresh
    with zipfile.ZipFile(cached.path) as archive:
        assert not [n for n in archive.namelist() if CACHE_DIR in n or n.startswith(".")]
    assert index_bytes(built.out) == index, "the package only reads the build's cache"


def test_cli_reports_reuse_and_no_cache_renders_everything(built: Built) -> None:
    index = index_bytes(built.out)
    code, text = cli("package", str(built.root), "--out", str(built.out), "--allow-findings")
    assert code == 0, text
    assert "; 6 document(s) unchanged since the last build)" in text
    (path,) = built.out.glob("*.zip")
    assert path.read_bytes() == built.fresh
    path.unlink()
    code, text = cli("package", str(built.root), "--out", str(built.out), "--allow-findings", "--no-cache")
    assert code == 0, text
    assert "unchanged since the last build" not in text
    assert path.read_bytes() == built.fresh
    assert index_bytes(built.out) == index


def test_a_damaged_or_stale_cache_entry_is_rendered_again(built: Built, tmp_path: Path) -> None:
    entries = json.loads(index_bytes(built.out))["entries"]
    (built.out / CACHE_DIR / "objects" / entries["register.xlsx"]["key"]).write_bytes(b"PK not what was rendered")
    damaged = build_package(built.root, built.out, allow_findings=True)
    assert damaged.reused == [d for d in DOCUMENTS if d != "register.xlsx"]
    assert damaged.path.read_bytes() == built.fresh

    provider = built.root / "providers" / "zeta.yaml"
    provider.write_text(provider.read_text("utf-8").replace("Zeta Mail GmbH", "Zeta Post GmbH"), "utf-8")
    edited = build_package(built.root, built.out, allow_findings=True)
    assert edited.reused == ["annexes/acme.pdf", "annexes/acme.review.pdf"]
    fresh = build_package(built.root, tmp_path / "fresh", allow_findings=True, use_cache=False)
    assert edited.path.read_bytes() == fresh.path.read_bytes() != built.fresh
    with zipfile.ZipFile(edited.path) as archive:
        assert b"Zeta Post GmbH" in archive.read("register.json")


# ------------------------------------------------------------------ the report's own process


@pytest.fixture
def stubbed(make_register: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The register and report of a small register, with documents rendered by a fast stand-in."""
    monkeypatch.setattr(
        ropa.produce.build,
        "render_all",
        functools.partial(REAL_RENDER_ALL, renderer=lambda job, *_: f"stub {job.target}".encode()),
    )
    return load_and_check_for_documents(make_register(PROVIDERS))


def test_report_renders_in_its_own_process_beside_the_documents(stubbed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    register, report = stubbed
    monkeypatch.setattr(ropa.render.report_pdf, "render_report_pdf", lambda *a, **k: str(os.getpid()).encode())
    done: list[str] = []
    documents, pdf = render_documents(register, report, [], workers=2, progress=done.append)
    assert int(pdf) != os.getpid()
    assert sorted(documents) == DOCUMENTS and documents["register.pdf"] == b"stub register.pdf"
    assert sorted(done) == sorted([*DOCUMENTS, REPORT_PDF])
    _, pdf = render_documents(register, report, [], workers=1)
    assert int(pdf) == os.getpid(), "--jobs 1 keeps every rendering in this process"


def test_report_is_a_job_of_the_pool_with_a_spill_folder_too(
    stubbed: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With a spill folder the report still renders in a worker and comes back as its bytes."""
    register, report = stubbed
    monkeypatch.setattr(ropa.render.report_pdf, "render_report_pdf", lambda *a, **k: str(os.getpid()).encode())
    documents, pdf = render_documents(register, report, [], workers=2, spill=tmp_path / "spill")
    assert isinstance(pdf, bytes) and int(pdf) != os.getpid()
    assert sorted(documents) == DOCUMENTS


def test_report_failures_reach_the_caller(stubbed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    register, report = stubbed

    def crash(*_args: Any, **_kwargs: Any) -> bytes:
        raise ValueError("report renderer crashed")

    monkeypatch.setattr(ropa.render.report_pdf, "render_report_pdf", crash)
    with pytest.raises(ValueError, match="report renderer crashed"):
        render_documents(register, report, [], workers=2)
    monkeypatch.setattr(ropa.render.report_pdf, "render_report_pdf", lambda *a, **k: os._exit(3))
    with pytest.raises(BrokenProcessPool):  # a worker that dies breaks the pool: no hang, no result
        render_documents(register, report, [], workers=2)


def test_failed_documents_stop_the_report_process(stubbed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    register, report = stubbed

    def slow(*_args: Any, **_kwargs: Any) -> bytes:
        time.sleep(60)
        return b""

    def broken(*_args: Any, **_kwargs: Any) -> dict[str, bytes]:
        raise RuntimeError("document renderer crashed")

    monkeypatch.setattr(ropa.render.report_pdf, "render_report_pdf", slow)
    monkeypatch.setattr(ropa.produce.build, "render_all", broken)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="document renderer crashed"):
        render_documents(register, report, [], workers=2)
    assert time.monotonic() - start < 30
    assert multiprocessing.active_children() == []
