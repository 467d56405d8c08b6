"""Findings leave the annexes by default: build and package write a review document per provider beside each
annex, ``--annex-findings`` puts them back inside, and ``ropa verify`` accepts the package either way."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner

from ropa.cli.group import main
from tests.annex_truth.conftest import PROVIDERS
from tests.render.conftest import flat, pdf_text


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_build_writes_review_documents_and_annex_findings_restores_them(truth_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run("build", str(truth_root), "--out", str(out), "--only", "annexes", "--quiet", "--jobs", "1")
    names = sorted(p.name for p in (out / "annexes").iterdir() if not p.name.startswith("."))
    ids = sorted(p["id"] for p in PROVIDERS)
    assert names == sorted([f"{i}.pdf" for i in ids] + [f"{i}.review.pdf" for i in ids])
    annex = flat(pdf_text((out / "annexes" / "usproc.pdf").read_bytes()))
    review = flat(pdf_text((out / "annexes" / "usproc.review.pdf").read_bytes()))
    assert flat("Findings about this provider") not in annex
    assert flat("Findings about this provider") in review
    assert flat("A30-1-g-toms") in review and flat("A30-1-g-toms") not in annex
    assert flat("ANNEX I – List of parties") not in review

    _run("build", str(truth_root), "--out", str(out), "--only", "annexes", "--quiet", "--annex-findings")
    names = sorted(p.name for p in (out / "annexes").iterdir() if not p.name.startswith("."))
    assert names == sorted(f"{i}.pdf" for i in ids)  # the review documents of the previous build are gone
    inside = flat(pdf_text((out / "annexes" / "usproc.pdf").read_bytes()))
    assert flat("Findings about this provider") in inside
    assert flat("A30-1-g-toms") in inside


def test_package_holds_the_review_documents_and_verifies(truth_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    path = Path(_run("package", str(truth_root), "--out", str(out), "--allow-findings", "--quiet").strip())
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        readme = archive.read("README.txt").decode("utf-8")
        review = flat(pdf_text(archive.read("annexes/usproc.review.pdf")))
        annex = flat(pdf_text(archive.read("annexes/usproc.pdf")))
    assert {f"annexes/{p['id']}.review.pdf" for p in PROVIDERS} <= names
    assert "review of the record for Usproc Inc." in readme
    assert flat("A30-1-g-toms") in review and flat("A30-1-g-toms") not in annex
    _run("verify", str(path))
