"""The build cache (ropa/produce/cache.py): a rebuild reuses what did not change and stays byte-identical.

The first tests render for real (WeasyPrint), on a register of three small
providers: after one provider changes, only its annex and the two registers are
rendered again, and every output equals, byte for byte, a clean build of the
changed register. The rest check the cache's bookkeeping with a fast stand-in
renderer that records what it was asked to render.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import ropa.produce.build
import ropa.produce.cache
from ropa.check.findings import Report
from ropa.model.register import Register
from ropa.pipeline import load_and_check_for_documents
from ropa.produce.build import Job, build
from ropa.produce.cache import CACHE_DIR, BuildCache

REAL_RENDER_ALL = ropa.produce.build.render_all
"""The real renderer of the build; stand-ins are injected into it (its ``renderer``)."""

ORGANISATION: dict[str, Any] = {
    "legal_name": "Cache Test GmbH",
    "country": "DE",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    "contact": {"email": "privacy@example.com"},
    "dpo": {"designated": True, "name": "DPO", "email": "dpo@example.com"},
    "record": {"version": "1", "date": "2026-11-01"},
}


DOCUMENTS = 8
"""Two registers and, for each of the three providers, its annex and its review document."""


def provider(pid: str, country: str = "DE", transfer_to: str | None = None) -> dict[str, Any]:
    """A small provider with one activity; ``transfer_to`` adds a transfer to another provider."""
    activity: dict[str, Any] = {
        "id": f"{pid}-sms",
        "name": f"SMS delivery via {pid}",
        "purposes": [{"description": "Deliver order and delivery notices by SMS", "lawful_basis": "6.1.b"}],
        "data_subjects": [{"name": "Customers"}],
        "data_categories": [
            {"id": "phone", "name": "Mobile phone number", "retention": {"kind": "duration", "duration": "P30D"}}
        ],
        "recipients": [{"provider": pid, "role": "processor"}],
    }
    if transfer_to is not None:
        activity["transfers"] = [
            {"country": "US", "recipient": transfer_to, "mechanism": {"type": "scc_2021_914", "modules": [2]}}
        ]
    return {
        "id": pid,
        "legal_name": f"{pid.title()} Messaging Ltd",
        "country": country,
        "role": "processor",
        "service": "SMS delivery",
        "activities": [activity],
    }


PROVIDERS = {"acme": provider("acme", transfer_to="zeta"), "beta": provider("beta"), "zeta": provider("zeta", "US")}
# Zeta records the SCCs it signed, so clause-level findings about the transfer sit in zeta's file, not acme's.
PROVIDERS["zeta"]["mechanisms"] = [{"type": "scc_2021_914", "modules": [2]}]


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file (the cache folder left out) by relative path."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and CACHE_DIR not in p.relative_to(out).parts
    }


def load(root: Path) -> tuple[Register, Report]:
    return load_and_check_for_documents(root)


RENDERED: list[str] = []


def recording_render_job(job: Job, register: Register, report: Report, templates: Path | None) -> bytes:
    """The real renderer, noting each target it renders (run in-process: workers=1)."""
    RENDERED.append(job.target)
    return REAL_RENDER_JOB(job, register, report, templates)


REAL_RENDER_JOB = ropa.produce.build.render_job


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Route rendering through :func:`recording_render_job` and hand out its log."""
    RENDERED.clear()
    monkeypatch.setattr(
        ropa.produce.build, "render_all", functools.partial(REAL_RENDER_ALL, renderer=recording_render_job)
    )
    yield RENDERED
    RENDERED.clear()


def test_one_changed_provider_rerenders_its_annex_and_the_registers_only(
    make_register: Callable[..., Path], tmp_path: Path, recording: list[str]
) -> None:
    root = make_register(copy.deepcopy(PROVIDERS), ORGANISATION)
    out = tmp_path / "out"
    build(*load(root), out, workers=1)
    assert sorted(recording) == [
        "annexes/acme.pdf",
        "annexes/acme.review.pdf",
        "annexes/beta.pdf",
        "annexes/beta.review.pdf",
        "annexes/zeta.pdf",
        "annexes/zeta.review.pdf",
        "register.pdf",
        "register.xlsx",
    ]
    first = outputs(out)

    recording.clear()
    changed = copy.deepcopy(PROVIDERS)
    changed["beta"]["legal_name"] = "Beta Renamed Messaging Ltd"
    root = make_register(changed, ORGANISATION)
    cache = BuildCache(out)
    build(*load(root), out, workers=1, cache=cache)
    assert sorted(recording) == ["annexes/beta.pdf", "annexes/beta.review.pdf", "register.pdf", "register.xlsx"]
    assert sorted(cache.misses) == sorted(recording)
    assert sorted(cache.hits) == [
        "annexes/acme.pdf",
        "annexes/acme.review.pdf",
        "annexes/zeta.pdf",
        "annexes/zeta.review.pdf",
    ]
    incremental = outputs(out)
    assert incremental["annexes/acme.pdf"] == first["annexes/acme.pdf"]
    assert incremental["annexes/beta.pdf"] != first["annexes/beta.pdf"]

    clean = tmp_path / "clean"
    build(*load(root), clean, workers=1, use_cache=False)
    assert outputs(clean) == incremental, "an incremental build must equal a clean one byte for byte"


def test_a_transfer_to_another_provider_rerenders_that_providers_annex_too(
    make_register: Callable[..., Path], tmp_path: Path, recording: list[str]
) -> None:
    """Zeta's annex lists the transfers other providers' activities make to it: the key sees them."""
    root = make_register(copy.deepcopy(PROVIDERS), ORGANISATION)
    out = tmp_path / "out"
    build(*load(root), out, only={"annexes"}, workers=1)
    recording.clear()
    changed = copy.deepcopy(PROVIDERS)
    changed["acme"]["activities"][0]["transfers"][0]["frequency"] = "continuous"
    root = make_register(changed, ORGANISATION)
    build(*load(root), out, only={"annexes"}, workers=1)
    assert "annexes/zeta.pdf" in recording, "zeta's annex shows the transfers made to zeta"
    assert "annexes/beta.pdf" not in recording
    clean = tmp_path / "clean"
    build(*load(root), clean, only={"annexes"}, workers=1, use_cache=False)
    assert outputs(clean) == outputs(out)


# ---------------------------------------------------------------- bookkeeping, with a fast renderer


def stand_in(job: Job, register: Register, report: Report, templates: Path | None) -> bytes:
    """Fixed bytes per target: these tests are about what gets rendered, not what it shows."""
    RENDERED.append(job.target)
    return f"{job.target} of {register.organisation.legal_name}\n".encode()


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    RENDERED.clear()
    monkeypatch.setattr(ropa.produce.build, "render_all", functools.partial(REAL_RENDER_ALL, renderer=stand_in))
    yield RENDERED
    RENDERED.clear()


def test_an_unchanged_register_renders_nothing_and_touches_no_file(
    make_register: Callable[..., Path], tmp_path: Path, fast: list[str]
) -> None:
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    out = tmp_path / "out"
    build(register, report, out, workers=1)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")}
    fast.clear()
    cache = BuildCache(out)
    build(register, report, out, workers=1, cache=cache)
    assert fast == [] and cache.misses == [] and len(cache.hits) == DOCUMENTS
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")} == stamps


def test_no_cache_renders_everything_and_refreshes_the_cache(
    make_register: Callable[..., Path], tmp_path: Path, fast: list[str]
) -> None:
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    out = tmp_path / "out"
    build(register, report, out, workers=1)
    fast.clear()
    build(register, report, out, workers=1, use_cache=False)
    assert len(fast) == DOCUMENTS
    fast.clear()
    build(register, report, out, workers=1)
    assert fast == []


def test_the_cli_no_cache_option(make_register: Callable[..., Path], tmp_path: Path, fast: list[str]) -> None:
    from ropa.cli import main

    root = make_register(copy.deepcopy(PROVIDERS), ORGANISATION)
    out = tmp_path / "out"
    args = ["build", str(root), "--out", str(out), "--jobs", "1"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    fast.clear()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and fast == []
    assert f"{DOCUMENTS} unchanged since the last build" in again.output
    forced = CliRunner().invoke(main, [*args, "--no-cache"])
    assert forced.exit_code == 0 and len(fast) == DOCUMENTS
    assert "unchanged" not in forced.output


def test_a_damaged_cache_entry_is_rendered_again(
    make_register: Callable[..., Path], tmp_path: Path, fast: list[str]
) -> None:
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    out = tmp_path / "out"
    build(register, report, out, workers=1)
    good = outputs(out)
    index = json.loads((out / CACHE_DIR / "index.json").read_text())
    blob = out / CACHE_DIR / "objects" / index["entries"]["annexes/beta.pdf"]["key"]
    blob.write_bytes(b"garbage of the same length?")
    (out / CACHE_DIR / "objects" / index["entries"]["register.pdf"]["key"]).unlink()
    fast.clear()
    build(register, report, out, workers=1)
    assert sorted(fast) == ["annexes/beta.pdf", "register.pdf"]
    assert outputs(out) == good


def test_an_unreadable_index_means_a_full_build(
    make_register: Callable[..., Path], tmp_path: Path, fast: list[str]
) -> None:
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    out = tmp_path / "out"
    build(register, report, out, workers=1)
    (out / CACHE_DIR / "index.json").write_text("{not json")
    fast.clear()
    build(register, report, out, workers=1)
    assert len(fast) == DOCUMENTS


def test_changed_templates_rerender_the_pdfs_but_not_the_workbook(
    make_register: Callable[..., Path], tmp_path: Path, fast: list[str]
) -> None:
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "extra.css").write_text("p { color: black; }\n")
    out = tmp_path / "out"
    build(register, report, out, templates=templates, workers=1)
    fast.clear()
    (templates / "extra.css").write_text("p { color: navy; }\n")
    build(register, report, out, templates=templates, workers=1)
    pdfs = [f"annexes/{p}{suffix}" for p in ("acme", "beta", "zeta") for suffix in (".pdf", ".review.pdf")]
    assert sorted(fast) == sorted([*pdfs, "register.pdf"])


def test_a_removed_provider_leaves_neither_annex_nor_cache_entry(
    make_register: Callable[..., Path], tmp_path: Path, fast: list[str]
) -> None:
    out = tmp_path / "out"
    build(*load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION)), out, workers=1)
    blobs_before = set((out / CACHE_DIR / "objects").iterdir())
    fewer = copy.deepcopy(PROVIDERS)
    del fewer["beta"]
    root = make_register(fewer, ORGANISATION)
    (root / "providers" / "beta.yaml").unlink()
    build(*load(root), out, workers=1)
    assert not (out / "annexes" / "beta.pdf").exists()
    assert not (out / "annexes" / "beta.review.pdf").exists()
    index = json.loads((out / CACHE_DIR / "index.json").read_text())
    assert "annexes/beta.pdf" not in index["entries"]
    assert "annexes/beta.review.pdf" not in index["entries"]
    blobs = set((out / CACHE_DIR / "objects").iterdir())
    assert {b.name for b in blobs} == {e["key"] for e in index["entries"].values()}
    assert len(blobs) == 6 and blobs != blobs_before  # two registers, two annexes and their review documents


def test_a_cache_that_cannot_be_written_does_not_fail_the_build(
    make_register: Callable[..., Path], tmp_path: Path, fast: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ropa.errors import OutputError

    def refuse(path: Path, data: bytes | str) -> None:
        raise OutputError(f"{path}: cannot write (No space left on device)")

    monkeypatch.setattr(ropa.produce.cache, "atomic_write", refuse)
    register, report = load(make_register(copy.deepcopy(PROVIDERS), ORGANISATION))
    out = tmp_path / "out"
    build(register, report, out, workers=1)
    assert len(outputs(out)) == DOCUMENTS
    monkeypatch.undo()
    monkeypatch.setattr(ropa.produce.build, "render_all", functools.partial(REAL_RENDER_ALL, renderer=stand_in))
    fast.clear()
    build(register, report, out, workers=1)
    assert len(fast) == DOCUMENTS, "nothing was cached, so everything renders again"


def test_keys_cover_code_templates_and_the_document_date(
    make_register: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ropa.produce.cache.environment_digest()
    templates = tmp_path / "t"
    templates.mkdir()
    (templates / "a.css").write_text("x")
    looks = ropa.produce.cache.templates_digest(templates)
    (templates / "a.css").write_text("y")
    assert ropa.produce.cache.templates_digest(templates) not in (looks, ropa.produce.cache.templates_digest(None))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert ropa.produce.cache.environment_digest() != base
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    ropa.produce.cache.code_digest.cache_clear()
    monkeypatch.setattr(ropa, "__version__", "999.0")
    try:
        assert ropa.produce.cache.environment_digest() != base
    finally:
        ropa.produce.cache.code_digest.cache_clear()
    assert ropa.produce.cache.document_key("pdf", "env", "ab", "c") != ropa.produce.cache.document_key(
        "pdf", "env", "a", "bc"
    )


def test_blobs_are_checked_against_their_hash(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    cache.put("register.pdf", "k" * 64, b"%PDF- whole")
    cache.save()
    assert BuildCache(tmp_path).get("register.pdf", "k" * 64) == b"%PDF- whole"
    assert BuildCache(tmp_path).get("register.pdf", "other") is None
    (tmp_path / CACHE_DIR / "objects" / ("k" * 64)).write_bytes(b"%PDF- torn")
    assert BuildCache(tmp_path).get("register.pdf", "k" * 64) is None
    assert hashlib.sha256(b"%PDF- whole").hexdigest() == BuildCache(tmp_path).entry("register.pdf")[1]  # type: ignore[index]
