"""Fixtures for the package, verify and diff tests: small hand-made packages and archive surgery."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from ropa.archive.package import MANIFEST, MANIFEST_FORMAT, SUMS, build_package, sha256, sums_text, zip_bytes
from ropa.cli import main

WHEN = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"


@dataclass(frozen=True)
class Built:
    """A register, an output folder holding its build (and so the build's cache), and its uncached package."""

    root: Path
    out: Path
    fresh: bytes
    """The package made without any cache."""


def build_with_cache(base: Path, organisation: dict[str, Any], providers: dict[str, dict[str, Any]]) -> Built:
    """Write the register under ``base``, build it (filling the cache) and package it once without the cache."""
    root = base / "register"
    (root / "providers").mkdir(parents=True)
    (root / "organisation.yaml").write_text(yaml.safe_dump(organisation, allow_unicode=True), "utf-8")
    for pid, data in providers.items():
        (root / "providers" / f"{pid}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(base / "out"), "--quiet"])
    assert result.exit_code == 0, result.output
    fresh = build_package(root, base / "fresh", allow_findings=True, use_cache=False)
    assert fresh.reused == []
    return Built(root, base / "out", fresh.path.read_bytes())


def package_bytes(files: dict[str, bytes]) -> bytes:
    """A minimal well-formed package of ``files``: manifest and checksum list added."""
    members = dict(files)
    manifest = {
        "format": MANIFEST_FORMAT,
        "format_version": 1,
        "register": {"version": "1", "date": "2026-11-01"},
        "files": [{"path": n, "sha256": sha256(members[n]), "size": len(members[n])} for n in sorted(members)],
    }
    members[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    members[SUMS] = sums_text(members).encode()
    return zip_bytes(members, WHEN)


def read_members(path: Path) -> dict[str, bytes]:
    """Every member of a (trusted, test-made) zip."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.fixture
def mini_package(tmp_path: Path) -> Path:
    """A small valid package on disk, without the detached hash file."""
    files = {
        "README.txt": b"read me\n",
        "register.json": b'{"format": "ropa-register"}\n',
        "annexes/acme.pdf": b"%PDF-1.7 not really\n" * 50,
    }
    path = tmp_path / "mini.zip"
    path.write_bytes(package_bytes(files))
    return path


@pytest.fixture
def rezip(tmp_path: Path) -> Callable[[Path, Callable[[dict[str, bytes]], object]], Path]:
    """Copy a package with its members changed by ``edit`` (re-zipped cleanly, manifest untouched)."""

    def make(source: Path, edit: Callable[[dict[str, bytes]], object]) -> Path:
        members = read_members(source)
        edit(members)
        target = tmp_path / f"edited-{len(list(tmp_path.iterdir()))}.zip"
        target.write_bytes(zip_bytes(members, WHEN))
        return target

    return make


@pytest.fixture
def example_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of the example register under ``tmp_path/<name>``."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(EXAMPLE, target)
        return target

    return make


@pytest.fixture(scope="session")
def real_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package of the bundled example, built once per session through the CLI (documents and all)."""
    from click.testing import CliRunner

    from ropa.cli import main

    register = tmp_path_factory.mktemp("real-register") / "sms-providers"
    shutil.copytree(EXAMPLE, register)
    out = tmp_path_factory.mktemp("real-out")
    result = CliRunner().invoke(main, ["package", str(register), "--out", str(out), "--allow-findings", "--no-cache"])
    assert result.exit_code == 0, result.output
    (path,) = out.glob("*.zip")
    return path


def repackage(members: dict[str, bytes], edited: str | None = None) -> dict[str, bytes]:
    """Make ``members`` consistent again after ``edited`` changed: its manifest entry and SHA256SUMS.

    With ``edited`` None (or the manifest itself) only the checksum list is rewritten, so an edited
    manifest is what the reader meets, hashes and all in agreement.
    """
    out = dict(members)
    if edited is not None and edited not in (MANIFEST, SUMS):
        manifest = json.loads(out[MANIFEST])
        for item in manifest["files"]:
            if item["path"] == edited:
                item["sha256"], item["size"] = sha256(out[edited]), len(out[edited])
        out[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    out[SUMS] = sums_text({k: v for k, v in out.items() if k != SUMS}).encode()
    return out
