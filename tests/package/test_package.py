"""'ropa package' end to end: contents, manifest, reproducibility, refusal, --since, atomic writes."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

import ropa.render.report_pdf
from ropa.archive.normalise import register_json
from ropa.archive.package import build_package
from ropa.cli import main
from ropa.load.loader import load_register

from .conftest import EXAMPLE, package_bytes, read_members

ZIP_DATE = (2026, 11, 1, 0, 0, 0)


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def example_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A frozen copy of the example, so both builds of a test read the very same files."""
    target = tmp_path_factory.mktemp("example") / "sms-providers"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture(scope="module")
def example_package(example_register: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package of the example register, built once through the CLI."""
    out = tmp_path_factory.mktemp("out")
    code, text = cli("package", str(example_register), "--out", str(out), "--allow-findings")
    assert code == 0, text
    (path,) = out.glob("*.zip")
    return path


def pdf_text(data: bytes, pages: slice = slice(None)) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages[pages])


def test_package_name_and_detached_hash(example_package: Path) -> None:
    register = load_register(EXAMPLE)
    assert example_package.name == f"nordlicht-commerce-gmbh-ropa-{register.organisation.record.version}.zip"
    side = example_package.with_name(example_package.name + ".sha256").read_text()
    assert side == f"{hashlib.sha256(example_package.read_bytes()).hexdigest()}  {example_package.name}\n"
    assert not [p for p in example_package.parent.iterdir() if p.name.startswith(".ropa-tmp-")]


def test_every_manifest_hash_matches(example_package: Path, example_register: Path) -> None:
    members = read_members(example_package)
    manifest = json.loads(members["manifest.json"])
    listed = {item["path"]: item for item in manifest["files"]}
    assert set(listed) == set(members) - {"manifest.json", "SHA256SUMS"}
    for name, item in listed.items():
        assert hashlib.sha256(members[name]).hexdigest() == item["sha256"], name
        assert len(members[name]) == item["size"], name
    inputs = {item["path"]: item for item in manifest["inputs"]}
    providers = {f"providers/{p.name}" for p in (example_register / "providers").glob("*.yaml")}
    activities = {f"activities/{p.name}" for p in (example_register / "activities").glob("*.yaml")}
    assert activities and set(inputs) == {"organisation.yaml"} | activities | providers
    for rel, item in inputs.items():
        data = (example_register / rel).read_bytes()
        assert item == {"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        assert members[f"source/{rel}"] == data
    lines = members["SHA256SUMS"].decode().splitlines()
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    assert set(sums) == set(members) - {"SHA256SUMS"}
    assert all(hashlib.sha256(members[n]).hexdigest() == h for n, h in sums.items())


def test_manifest_versions_and_dates(example_package: Path) -> None:
    from ropa import __version__, refdata
    from ropa.check.rules import CATALOGUE_VERSION

    manifest = json.loads(read_members(example_package)["manifest.json"])
    record = load_register(EXAMPLE).organisation.record
    assert manifest["format"] == "ropa-package"
    assert manifest["ropa_version"] == __version__
    assert manifest["rule_catalogue_version"] == CATALOGUE_VERSION
    assert manifest["register"]["version"] == record.version
    assert manifest["register"]["date"] == record.date.isoformat()
    assert manifest["reference_data"]["last_verified"]["adequacy"] == refdata.versions()["adequacy"]
    assert manifest["validation"]["packaged_with_open_findings"] is True


def test_contents_are_the_documents_reports_and_inputs(example_package: Path) -> None:
    members = read_members(example_package)
    register = load_register(EXAMPLE)
    expected = {
        "README.txt",
        "SHA256SUMS",
        "manifest.json",
        "register.json",
        "register.pdf",
        "register.xlsx",
        "report/validation-report.pdf",
        "report/validation-report.json",
        "report/validation-report.sarif",
    }
    expected |= {f"annexes/{p.id}{suffix}" for p in register.providers for suffix in (".pdf", ".review.pdf")}
    expected |= {f"source/{rel}" for rel in register.files()}
    assert any(rel.startswith("source/activities/") for rel in expected)
    assert set(members) == expected
    assert members["register.json"] == register_json(register)
    assert "Nordlicht" in pdf_text(members["register.pdf"], slice(0, 1))
    workbook = load_workbook(io.BytesIO(members["register.xlsx"]), read_only=True)
    assert workbook.sheetnames
    for provider in register.providers:
        assert PdfReader(io.BytesIO(members[f"annexes/{provider.id}.pdf"])).pages
    report = json.loads(members["report/validation-report.json"])
    sarif = json.loads(members["report/validation-report.sarif"])
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == len(report["findings"])


def test_zip_entries_are_sorted_with_fixed_time_and_mode(example_package: Path) -> None:
    with zipfile.ZipFile(example_package) as archive:
        infos = archive.infolist()
        assert archive.comment == b""
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {ZIP_DATE}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_nothing_of_the_host_inside(example_package: Path, example_register: Path) -> None:
    members = read_members(example_package)
    host = os.uname().nodename.encode()
    for name in ("manifest.json", "README.txt", "report/validation-report.json", "report/validation-report.sarif"):
        assert str(example_register).encode() not in members[name], name
        assert str(example_package.parent).encode() not in members[name], name
        if len(host) > 3:
            assert host not in members[name], name


def test_open_findings_are_said_plainly_and_listed(example_package: Path) -> None:
    members = read_members(example_package)
    errors = [f for f in json.loads(members["report/validation-report.json"])["findings"] if f["severity"] == "error"]
    assert errors, "the example is expected to carry error-level findings"
    readme = members["README.txt"].decode()
    assert "!!! PACKAGED WITH OPEN FINDINGS !!!" in readme.splitlines()[4]
    assert f"had {len(errors)} error-level finding(s)" in readme
    for finding in errors:
        assert f"{finding['file']}:{finding['line']}:{finding['column']}: {finding['rule']}" in readme
    first = pdf_text(members["report/validation-report.pdf"], slice(0, 1))
    assert "PACKAGED WITH OPEN FINDINGS" in first
    assert errors[0]["rule"] in first
    manifest = json.loads(members["manifest.json"])
    assert len(manifest["validation"]["open_findings"]) == len(errors)


def test_readme_describes_every_file_and_how_to_verify(example_package: Path) -> None:
    members = read_members(example_package)
    readme = members["README.txt"].decode()
    listing = readme[readme.index("WHAT EACH FILE IS") : readme.index("HOW TO VERIFY")]
    for name in members:
        assert f"  {name}  " in listing, name
    assert f"ropa verify {example_package.name}" in readme
    assert f"sha256sum -c {example_package.name}.sha256" in readme
    assert "sha256sum -c SHA256SUMS" in readme


def test_verify_accepts_the_package_and_catches_each_tampering(example_package: Path, tmp_path: Path) -> None:
    code, out = cli("verify", str(example_package))
    assert code == 0, out
    assert "intact" in out and "archive SHA-256 matches" in out
    members = read_members(example_package)
    victim = "register.json"
    cases: dict[str, Callable[[dict[str, bytes]], object]] = {
        f"changed: {victim}": lambda m: m.update({victim: m[victim][:10] + b"X" + m[victim][11:]}),
        "added: annexes/extra.pdf": lambda m: m.update({"annexes/extra.pdf": b"%PDF"}),
        "removed: register.pdf": lambda m: m.pop("register.pdf"),
    }
    from ropa.archive.package import zip_bytes

    from .conftest import WHEN

    for expected, edit in cases.items():
        copy = dict(members)
        edit(copy)
        path = tmp_path / f"case-{len(list(tmp_path.iterdir()))}.zip"
        path.write_bytes(zip_bytes(copy, WHEN))
        code, out = cli("verify", str(path))
        assert code == 1, out
        assert expected in out


def test_same_input_same_bytes(example_package: Path, example_register: Path, tmp_path: Path) -> None:
    result = build_package(example_register, tmp_path, allow_findings=True)
    assert result.path.name == example_package.name
    first, second = read_members(example_package), read_members(result.path)
    assert [n for n in first if first[n] != second.get(n)] == []
    assert result.sha256 == hashlib.sha256(example_package.read_bytes()).hexdigest()


# ------------------------------------------------------------------ refusal, clean registers, --since, atomicity


def test_refused_with_error_findings(example_register: Path, tmp_path: Path) -> None:
    code, out = cli("package", str(example_register), "--out", str(tmp_path / "out"))
    assert code == 1
    assert "refused:" in out and "--allow-findings" in out
    assert " error " in out
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


CLEAN_PROVIDER: dict[str, Any] = {
    "id": "acme",
    "legal_name": "Acme Mail GmbH",
    "country": "DE",
    "role": "processor",
    "service": "E-mail delivery",
}


@pytest.fixture
def clean_register(make_register: Callable[..., Path]) -> Path:
    """A small register without error-level findings (whatever errors the catalogue raises are lowered)."""
    from ropa.pipeline import load_and_check_for_documents

    root = make_register({"acme": CLEAN_PROVIDER})
    _, report = load_and_check_for_documents(root)
    lowered = {f.rule: "warning" for f in report.findings if f.severity.value == "error"}
    organisation = yaml.safe_load((root / "organisation.yaml").read_text("utf-8"))
    organisation["settings"] = {"severity_overrides": lowered}
    return make_register({"acme": CLEAN_PROVIDER}, organisation)


def test_clean_register_packages_without_the_open_findings_notice(clean_register: Path, tmp_path: Path) -> None:
    result = build_package(clean_register, tmp_path / "out")
    assert not result.open_findings
    members = read_members(result.path)
    assert "OPEN FINDINGS" not in members["README.txt"].decode()
    assert "OPEN FINDINGS" not in pdf_text(members["report/validation-report.pdf"], slice(0, 1))
    assert json.loads(members["manifest.json"])["validation"]["packaged_with_open_findings"] is False
    assert "changes/changes.txt" not in members


def test_since_adds_a_change_log(clean_register: Path, tmp_path: Path) -> None:
    previous_data = json.loads(register_json(load_register(clean_register)))
    previous_data["organisation"]["record"]["version"] = "0.9"
    previous_data["providers"][0]["service"] = "Newsletters"
    previous = tmp_path / "example-gmbh-ropa-0.9.zip"
    previous.write_bytes(package_bytes({"register.json": json.dumps(previous_data).encode()}))
    code, out = cli("package", str(clean_register), "--out", str(tmp_path / "out"), "--since", str(previous))
    assert code == 0, out
    (path,) = (tmp_path / "out").glob("*.zip")
    members = read_members(path)
    text = members["changes/changes.txt"].decode()
    assert text.startswith("Changes 0.9 (2026-11-01) -> 1 (2026-11-01): 0 added, 0 removed, 2 changed")
    assert "service: Newsletters -> E-mail delivery" in text
    assert json.loads(members["changes/changes.json"])["summary"]["changed"] == 2
    manifest = json.loads(members["manifest.json"])
    assert manifest["since"]["package"] == previous.name
    assert manifest["since"]["sha256"] == hashlib.sha256(previous.read_bytes()).hexdigest()
    assert manifest["since"]["register_version"] == "0.9"
    assert "previous package example-gmbh-ropa-0.9.zip" in members["README.txt"].decode()
    assert cli("verify", str(path))[0] == 0


def test_since_must_be_an_intact_package(clean_register: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.zip"
    bogus.write_text("not a zip")
    code, out = cli("package", str(clean_register), "--out", str(tmp_path / "out"), "--since", str(bogus))
    assert code == 2
    assert "not a readable zip archive" in out
    assert not (tmp_path / "out").exists()


def test_failure_leaves_nothing_under_the_target_name(
    clean_register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = build_package(clean_register, out)
    before = first.path.read_bytes()
    side_before = first.path.with_name(first.path.name + ".sha256").read_bytes()

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(ropa.render.report_pdf, "render_report_pdf", broken)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        build_package(clean_register, out)
    monkeypatch.undo()
    assert first.path.read_bytes() == before
    real_replace = os.replace

    def failing_replace(src: Any, dst: Any) -> None:
        if str(dst).endswith(".zip"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    first.path.unlink()
    code, text = cli("package", str(clean_register), "--out", str(out))
    assert code == 2
    assert "cannot write (No space left on device)" in text
    assert sorted(p.name for p in out.iterdir()) == [first.path.name + ".sha256"]
    assert first.path.with_name(first.path.name + ".sha256").read_bytes() == side_before


def test_register_edited_during_the_render_is_refused(
    clean_register: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ropa.produce.build

    real = ropa.produce.build.render_all

    def edit_then_render(*args: Any, **kwargs: Any) -> dict[str, bytes]:
        provider = clean_register / "providers" / "acme.yaml"
        provider.write_text(provider.read_text("utf-8") + "# edited\n", "utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(ropa.produce.build, "render_all", edit_then_render)
    code, out = cli("package", str(clean_register), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "register files changed while the package was being made (providers/acme.yaml)" in out
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.zip"))
