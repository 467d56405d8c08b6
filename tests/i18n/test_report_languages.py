"""The validation report in German and French: headings, labels, counts, status and dates from the catalogues.

The example's report is rendered in each language (as ``ropa package --lang`` renders it: in
the job's language) and its text extracted with pdftotext. Each message of ``report.po`` and the
severity words that the English report prints must be gone from the translated report and their
translation there instead; the finding messages stay English, and the report says so. The English
report is the one rendered without a language, byte for byte.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po

from ropa import i18n
from ropa.check.findings import Finding, Report
from ropa.model.common import Severity
from ropa.model.register import Register
from ropa.pipeline import load_and_check_for_documents
from ropa.render import report_pdf
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")

SHARED = ("error", "warning", "info", "Record version", "Record date", "Findings", "Severity", "Rule", "Waived")
"""Messages the report prints that live in other catalogues of the language (the workbook's)."""
NOTE = "Finding messages and the names and summaries of the rules are in English, as the rule catalogue writes them."


def report_messages(lang: str) -> dict[str, str]:
    """The messages of ``report.po`` and the shared ones the report prints, English -> translation."""
    with (i18n.catalogue_path(lang).parent / "report.po").open("rb") as handle:
        found = {str(m.id): str(m.string) for m in read_po(handle) if m.id}
    return found | {m: i18n.messages(lang)[m] for m in SHARED}


def pattern(message: str) -> re.Pattern[str]:
    """``message`` as a regular expression: each ``{placeholder}`` stands for any text, words end at a boundary."""
    parts = re.split(r"\{\w+\}", message)
    body = r".+?".join(re.escape(re.sub(r"\s+", " ", p)) for p in parts)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def printed(message: str, text: str, lines: list[str]) -> bool:
    """Whether ``message`` is printed: as a whole line when short (a label, a cell; also in capitals, as the
    severity badges are), else anywhere in the text."""
    if len(message) < 24:
        whole = (pattern(message), pattern(message.upper()))
        return any(p.fullmatch(line) for p in whole for line in lines)
    return pattern(message).search(text) is not None


def pdf_text(pdf: bytes) -> tuple[str, list[str]]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    text = out.stdout.decode("utf-8")
    return re.sub(r"\s+", " ", text), [line.strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def checked() -> tuple[Register, Report, list[Finding]]:
    register, report = load_and_check_for_documents(EXAMPLE)
    allowed = [f for f in report.findings if f.severity is Severity.ERROR][:3]
    assert allowed and any(f.severity is Severity.WARNING for f in report.findings)
    return register, report, allowed


def render(checked: tuple[Register, Report, list[Finding]], lang: str | None) -> bytes:
    register, report, allowed = checked
    if lang is None:
        return report_pdf.render_report_pdf(register, report, allowed)
    with i18n.active(lang):
        return report_pdf.render_report_pdf(register, report, allowed)


@pytest.fixture(scope="module")
def english(checked: tuple[Register, Report, list[Finding]]) -> bytes:
    return render(checked, None)


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_the_report_is_in_the_language(
    lang: str, checked: tuple[Register, Report, list[Finding]], english: bytes
) -> None:
    register, report, _allowed = checked
    en_text, en_lines = pdf_text(english)
    text, lines = pdf_text(render(checked, lang))
    messages = report_messages(lang)
    shown = {m for m in messages if printed(m, en_text, en_lines)}
    assert len(shown) >= 35, sorted(set(messages) - shown)
    left = {m for m in shown if messages[m] != m and not pattern(m).search(messages[m]) and printed(m, text, lines)}
    assert left == set()
    missing = {m for m in shown if not any(pattern(t).search(text) for t in (messages[m], messages[m].upper()))}
    assert missing == set()
    day = register.organisation.record.date
    assert day.strftime(i18n.messages(lang)["%Y-%m-%d"]) in text
    assert day.isoformat() not in text, "dates are written as the language writes them"
    assert messages[NOTE] in text
    assert report.findings[0].message.split(";")[0] in text, "finding messages are printed as the rules write them"
    title = messages["Validation report"]
    version = register.organisation.record.version
    assert f"{title} – {messages['version']} {version}" in text, "the running header"
    assert NOTE not in en_text


def test_the_english_report_is_the_default(checked: tuple[Register, Report, list[Finding]], english: bytes) -> None:
    assert render(checked, "en") == english
    text, _lines = pdf_text(english)
    assert "PACKAGED WITH OPEN FINDINGS" in text and "The register has" not in text
    assert "Rules that ran (" in text and "the rules are explained by ropa rules RULE-ID." in text


def test_package_renders_the_report_in_the_language_of_its_documents(
    checked: tuple[Register, Report, list[Finding]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ropa.archive import package
    from ropa.produce import build

    seen: list[tuple[str, str]] = []

    def render_all(register: Register, report: Report, jobs: list[build.Job], *args: object) -> dict[str, bytes]:
        seen.extend((job.target, job.language) for job in jobs)
        return {job.target: b"" for job in jobs}

    monkeypatch.setattr(build, "render_all", render_all)
    register, report, allowed = checked
    package.render_documents(register, report, allowed, language="fr")
    assert (package.REPORT_PDF, "fr") in seen and {lang for _target, lang in seen} == {"fr"}
