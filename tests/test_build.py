"""The build orchestrator (ropa/produce/build.py): plan, parallel rendering, atomic writing.

The parallel, cached path must give exactly the bytes of the plain renderers
(register PDF, workbook, annexes called one by one); workers get the register by
inheritance, so a register that cannot be pickled still builds; a failing
document leaves the output folder as it was.
"""

from __future__ import annotations

import copy
import functools
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from test_build_cache import ORGANISATION, PROVIDERS, load, outputs

import ropa.produce.build
from ropa.check.findings import Report
from ropa.model.register import Register
from ropa.produce.build import ANNEX_DIR, REGISTER_PDF, REGISTER_XLSX, Job, build, plan, render_all, write_outputs


def test_plan_lists_registers_then_one_annex_per_provider(make_register: Callable[..., Path]) -> None:
    register, _ = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    assert [j.target for j in plan(register, {"pdf", "xlsx", "annexes"})] == [
        REGISTER_PDF,
        REGISTER_XLSX,
        "annexes/acme.pdf",
        "annexes/acme.review.pdf",
        "annexes/beta.pdf",
        "annexes/beta.review.pdf",
        "annexes/zeta.pdf",
        "annexes/zeta.review.pdf",
    ]
    assert [j.kind for j in plan(register, {"annexes"})] == ["annex", "review"] * 3
    assert [j.target for j in plan(register, {"annexes"}, annex_findings=True)] == [
        "annexes/acme.pdf",
        "annexes/beta.pdf",
        "annexes/zeta.pdf",
    ]
    assert plan(register, set()) == []


def test_parallel_build_gives_the_bytes_of_the_plain_renderers(
    make_register: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when the parts that no later round changes were joined in a thread while the rest was laid out."""
    from ropa.render.annexes import render_annex_pdf
    from ropa.render.pdf import render_register_pdf
    from ropa.render.xlsx import render_register_xlsx

    begun: list[bool] = []
    begin = ropa.produce.build._Register._begin_join

    def counted(self: ropa.produce.build._Register) -> None:
        begun.append(True)
        begin(self)

    monkeypatch.setattr(ropa.produce.build._Register, "_begin_join", counted)
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    out = tmp_path / "out"
    written = build(register, report, out, workers=2)
    assert begun == [True]
    assert sorted(p.relative_to(out).as_posix() for p in written) == sorted(outputs(out))
    produced = outputs(out)
    assert produced[REGISTER_PDF] == render_register_pdf(register, report, None)
    assert produced[REGISTER_XLSX] == render_register_xlsx(register, report)
    for p in register.providers:
        assert produced[f"{ANNEX_DIR}/{p.id}.pdf"] == render_annex_pdf(register, p.id, report, None)
    text = "".join(page.extract_text() for page in PdfReader(out / REGISTER_PDF).pages)
    assert "Acme Messaging Ltd" in text and "Zeta Messaging Ltd" in text
    assert "Zeta Messaging Ltd" in "".join(pg.extract_text() for pg in PdfReader(out / "annexes/zeta.pdf").pages)
    assert load_workbook(out / REGISTER_XLSX, read_only=True).sheetnames


REAL_RENDER_ALL = render_all
"""The real renderer of the build; stand-ins are injected into it (its ``renderer``)."""


def quick(job: Job, register: Register, report: Report, templates: Path | None) -> bytes:
    """A stand-in renderer: fixed bytes and the process that made them."""
    return f"{job.target} by {os.getpid()}\n".encode()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method")
def test_workers_inherit_the_register_instead_of_unpickling_it(
    make_register: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))

    def refuse(self: object, protocol: int) -> object:
        raise AssertionError("the register was pickled")

    monkeypatch.setattr(Register, "__reduce_ex__", refuse)
    documents = render_all(register, report, plan(register, {"pdf", "annexes"}), None, workers=2, renderer=quick)
    annexes = [f"annexes/{p}{suffix}" for p in ("acme", "beta", "zeta") for suffix in (".pdf", ".review.pdf")]
    assert list(documents) == [REGISTER_PDF, *annexes]
    pids = {data.split(b" by ")[1] for data in documents.values()}
    assert str(os.getpid()).encode() + b"\n" not in pids, "rendered in worker processes"


def test_a_failing_document_writes_nothing(
    make_register: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    out = tmp_path / "out"
    monkeypatch.setattr(ropa.produce.build, "render_all", functools.partial(REAL_RENDER_ALL, renderer=quick))
    build(register, report, out, workers=2)
    before = outputs(out)

    def broken(job: Job, register: Register, report: Report, templates: Path | None) -> bytes:
        if job.target == "annexes/beta.pdf":
            raise RuntimeError("layout failed")
        return b"new " + job.target.encode()

    monkeypatch.setattr(ropa.produce.build, "render_all", functools.partial(REAL_RENDER_ALL, renderer=broken))
    for workers in (1, 2):
        with pytest.raises(RuntimeError, match="layout failed"):
            build(register, report, out, workers=workers, use_cache=False)
        assert outputs(out) == before


def test_write_outputs_skips_unchanged_files_and_prunes_only_stale_annexes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_outputs(out, {REGISTER_PDF: b"%PDF-1", "annexes/a.pdf": b"a", "annexes/old.pdf": b"old"}, True)
    stamp = (out / REGISTER_PDF).stat().st_mtime_ns
    other_run = out / ANNEX_DIR / f".ropa-tmp-{os.getpid()}-x.pdf"
    other_run.write_bytes(b"half")
    write_outputs(out, {REGISTER_PDF: b"%PDF-1", "annexes/a.pdf": b"a2"}, True)
    assert (out / REGISTER_PDF).stat().st_mtime_ns == stamp
    assert (out / "annexes/a.pdf").read_bytes() == b"a2"
    assert not (out / "annexes/old.pdf").exists()
    assert other_run.exists(), "a live run's temporary file is not a stale annex"
