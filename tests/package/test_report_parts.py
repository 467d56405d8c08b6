"""The validation report PDF is laid out in parts (ropa/render/report_pdf.py) and joined into one document."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

import ropa.render.report_pdf as report_pdf
from ropa.pipeline import load_and_check_for_documents

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"


def page_texts(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def test_report_in_parts_reads_as_one_document(monkeypatch: pytest.MonkeyPatch) -> None:
    import pikepdf

    register, report = load_and_check_for_documents(EXAMPLE)
    monkeypatch.setattr(report_pdf, "ROWS_PER_PART", 20)
    view = report_pdf.build_report_view(register, report)
    segments = report_pdf.report_segments(view)
    rows = sum(len(section.rows) for section in view.sections)
    assert rows == len(report.findings) > 40
    assert segments[0].name == "cover" and segments[-1].name == "closing"
    assert sum(len(s.rows) for s in segments) == rows
    assert [s.opens_chapter for s in segments].count(True) == 1

    pdf = report_pdf.render_report_pdf(register, report)
    pages = page_texts(pdf)
    for number, text in enumerate(pages, start=1):
        assert text.count(f"page {number} of {len(pages)}") == 1, f"page {number}"
    # The running header (organisation, section, title and version) opens every page but the cover.
    headers = [page[: page.index("version " + register.organisation.record.version)] for page in pages[1:]]
    assert "Rules that ran" in headers[-1], "the running header names the section"
    bodies = [pages[0]] + [page[len(header) :] for page, header in zip(pages[1:], headers, strict=True)]
    text = " ".join(" ".join(bodies).split())
    assert text.count("Rules that ran") == 1 and text.count("Reference data") == 1
    for section in view.sections:
        assert text.count(f"{section.title} ({len(section.rows)})") == 1
    compact = text.replace(" ", "").replace("-", "")  # narrow cells break long rule ids at their hyphens
    findings_pages = compact[: compact.index("Rulesthatran")]
    for finding in report.findings:
        assert finding.rule.replace("-", "") in findings_pages
    assert "Validation report" in pages[0]
    assert pages[1].startswith(register.organisation.legal_name), "later parts keep the running header"
    document = pikepdf.open(io.BytesIO(pdf))
    assert document.check_pdf_syntax() == []
    assert str(document.Root.Lang) == "en" and document.Root.StructTreeRoot.K[0].S == "/Document"
    assert document.open_metadata().get("dc:title")
