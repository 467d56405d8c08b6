"""Fixtures of the fault suite: a valid register, an output folder holding an earlier run, helpers."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile.support import ORGANISATION, PROVIDER, seed_output

from faults.driver import stub_document

DRIVER = Path(__file__).with_name("driver.py")
BUILD_TARGETS = ("annexes/acme.pdf", "annexes/acme.review.pdf", "register.pdf", "register.xlsx")


@dataclass
class FaultSpace:
    """A register (version ``1``), a second one (version ``2``) and one output folder."""

    root: Path
    register: Path
    register2: Path
    out: Path

    def previous(self) -> dict[str, bytes]:
        """Seed the output folder with an earlier run's files; return them."""
        from hostile.support import PREVIOUS

        seed_output(self.out)
        return {rel: data for rel, data in PREVIOUS.items() if rel in BUILD_TARGETS}


def write_register(folder: Path, version: str) -> Path:
    """A valid one-provider register whose record version is ``version``."""
    (folder / "providers").mkdir(parents=True, exist_ok=True)
    org = ORGANISATION.replace('version: "1"', f'version: "{version}"')
    (folder / "organisation.yaml").write_text(org, encoding="utf-8")
    (folder / "providers" / "acme.yaml").write_text(PROVIDER, encoding="utf-8")
    return folder


@pytest.fixture
def fs(tmp_path: Path) -> FaultSpace:
    """Two registers differing only in version, and an empty output folder path."""
    return FaultSpace(
        tmp_path, write_register(tmp_path / "reg1", "1"), write_register(tmp_path / "reg2", "2"), tmp_path / "out"
    )


def temps(folder: Path) -> list[Path]:
    """Temporary files of ropa anywhere under ``folder``."""
    return sorted(folder.rglob(".ropa-tmp-*")) if folder.exists() else []


def driver(spec: str, *args: str) -> list[str]:
    """Command line running ropa through the fault-injecting driver."""
    return [sys.executable, str(DRIVER), spec, *args]


def run_driver(spec: str, *args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the driver to completion."""
    return subprocess.run(driver(spec, *args), cwd=cwd, capture_output=True, text=True, timeout=timeout)


def stub(target: str, version: str) -> bytes:
    """What the driver's stub renderer writes for ``target``."""
    return stub_document(target, version)


def assert_whole(out: Path, allowed: dict[str, list[bytes]]) -> None:
    """Each target is absent or exactly one of its ``allowed`` versions: never truncated, never mixed."""
    for rel, versions in allowed.items():
        path = out / rel
        if path.exists():
            data = path.read_bytes()
            assert any(data == v for v in versions), f"{rel}: neither the previous nor a whole new file ({len(data)} B)"
