"""A provider's own processing is printed as its own: a sheet of its purposes, never the organisation's."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from ropa.check.engine import load_and_check_for_documents
from ropa.render.pdf import render_register_pdf
from ropa.render.xlsx import render_register_xlsx

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"


def _sheets(root: Path) -> dict[str, list[dict[str, Any]]]:
    register, report = load_and_check_for_documents(root)
    book = load_workbook(io.BytesIO(render_register_xlsx(register, report)))
    out: dict[str, list[dict[str, Any]]] = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        headers = [str(h) for h in rows[0]] if rows else []
        out[ws.title] = [dict(zip(headers, row, strict=False)) for row in rows[1:]]
    return out


def test_every_own_purpose_of_the_example_has_a_row_and_none_is_an_activity() -> None:
    register, _report = load_and_check_for_documents(EXAMPLE)
    sheets = _sheets(EXAMPLE)
    rows = sheets["Own processing"]
    expected = [(p.id, own.purpose) for p in register.providers for own in p.own_processing]
    assert expected, "the example records providers' own processing"
    assert [(r["Provider id"], r["Purpose of the provider's own processing"]) for r in rows] == expected
    purposes = "\n".join(str(r["Purpose of processing"]) for r in sheets["Activities"])
    assert purposes.strip()
    assert not any(purpose in purposes for _pid, purpose in expected), "an own purpose is listed as the organisation's"


def test_own_use_of_the_organisations_data_reads_as_a_controller() -> None:
    register, _report = load_and_check_for_documents(EXAMPLE)
    rows = _sheets(EXAMPLE)["Own processing"]
    flagged = {(p.id, o.purpose) for p in register.providers for o in p.own_processing if o.uses_organisation_data}
    column = "Uses data it processes for the organisation"
    yes = [r for r in rows if str(r[column]).startswith("Yes")]
    shown = {(r["Provider id"], r["Purpose of the provider's own processing"]) for r in yes}
    assert flagged and shown == flagged
    assert all("Art. 28(10)" in str(r[column]) for r in yes)


def test_a_register_without_own_processing_has_no_such_sheet(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    (root / "providers").mkdir(parents=True)
    (root / "organisation.yaml").write_text(
        "legal_name: Example GmbH\ncountry: DE\nrecord: {version: '1', date: 2026-11-01}\n", "utf-8"
    )
    (root / "providers" / "acme.yaml").write_text(
        "id: acme\nlegal_name: Acme Ltd\nrole: processor\nservice: SMS\nactivities:\n  - {id: otp, name: OTP}\n",
        "utf-8",
    )
    assert "Own processing" not in _sheets(root)


def test_the_register_pdf_prints_own_processing_apart_from_the_activities(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    (root / "providers").mkdir(parents=True)
    (root / "organisation.yaml").write_text(
        "legal_name: Example GmbH\ncountry: DE\nrecord: {version: '1', date: 2026-11-01}\n", "utf-8"
    )
    (root / "providers" / "acme.yaml").write_text(
        "id: acme\nlegal_name: Acme Ltd\nrole: processor\nservice: SMS\n"
        "activities: [{id: otp, name: One-time passcodes, purposes: [{description: Send login codes by SMS}]}]\n"
        "own_processing:\n"
        "  - {id: ads, purpose: Profiling recipients for its advertising, uses_organisation_data: true,\n"
        "     retention: {statement: two years}}\n",
        "utf-8",
    )
    register, report = load_and_check_for_documents(root)
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(render_register_pdf(register, report))).pages
    )
    own = text.index("Providers' own processing (not part of this record)")
    assert "Profiling recipients for its advertising" in text[own:]
    assert "Profiling recipients for its advertising" not in text[:own], "an own purpose printed as the organisation's"
    assert "the provider is a controller, not the organisation's processor" in text[own:]
