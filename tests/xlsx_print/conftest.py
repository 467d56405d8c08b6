"""The example register's workbook, rendered once, and its printout by LibreOffice, converted once."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from ropa.check.findings import Report
from ropa.model.register import Register

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "examples" / "sms-providers"


@dataclass(frozen=True)
class Rendered:
    """The example's workbook: the register it came from, its bytes and the file on disk."""

    register: Register
    report: Report
    data: bytes
    path: Path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The example register's workbook, as ``ropa build --only xlsx`` writes it."""
    from ropa.pipeline import load_and_check_for_documents
    from ropa.render.xlsx import render_register_xlsx

    register, report = load_and_check_for_documents(EXAMPLE)
    data = render_register_xlsx(register, report)
    path = tmp_path_factory.mktemp("xlsx") / "register.xlsx"
    path.write_bytes(data)
    return Rendered(register, report, data, path)


@pytest.fixture(scope="module")
def workbook(rendered: Rendered) -> Workbook:
    """The workbook read back with openpyxl."""
    return load_workbook(io.BytesIO(rendered.data))


@pytest.fixture(scope="module")
def printed(rendered: Rendered, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workbook printed to PDF by LibreOffice (``soffice --headless --convert-to pdf``)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; scripts/setup.sh installs libreoffice-calc-nogui")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed; scripts/setup.sh installs poppler-utils")
    out = tmp_path_factory.mktemp("printed")
    profile = (out / "profile").as_uri()  # a profile of its own: no clash with a running LibreOffice
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    env = {**os.environ, "HOME": str(out)}
    subprocess.run(
        [*command, "--outdir", str(out), str(rendered.path)], check=True, capture_output=True, timeout=300, env=env
    )
    pdf = out / "register.pdf"
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    return pdf
