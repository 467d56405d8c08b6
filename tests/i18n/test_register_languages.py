"""The register PDF in German and French: labels, headings, gap words, status texts and dates from the catalogues.

Two scopes. The HTML of every part of a small register that is also a processor (tests/render) is
rendered in each language, so every chapter, the Art. 30(2) record included, is checked without
laying out pages. The example's register is built with ``ropa build --lang de|fr`` and its text
extracted with pdftotext. Either way, each English msgid of ``register.pdf`` (register.po, and the
labels the register takes from the other catalogues) that the English document prints must be gone
from the translated one, and its translation there instead. Finding messages stay English (they are
the rules' words, not labels) and user text is printed as written, so only the catalogue's own
texts are compared.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from pypdf import PdfReader

from ropa import i18n
from ropa.cli import main
from ropa.render.countries import country_label
from ropa.render.text import severity_count
from tests.conftest import EXAMPLE
from tests.render.conftest import load, register_files, write_register

REUSED = (
    "Record of processing activities · Article 30 GDPR",
    "Record version",
    "Record date",
    "Acts as",
    "Providers",
    "Not recorded",
    "Not applicable",
    "Retention",
    "Transfers",
    "Joint controllers (Art. 26)",
    "Employees",
    "Public authority or body",
    "Categories of personal data",
    "Trading name",
    "Registration number",
    "Data protection officer",
    "Waived findings",
    "Reference data",
    "Art. 30(5) derogation",
    "Risk to data subjects",
    "Passed with warnings",
    "Findings the organisation has accepted, with the reason and the date the waiver lapses.",
    "The reference data the checks use, each with the date it was last verified against its sources.",
    "Art. 6(1)(b) contract",
    "Art. 6(1)(c) legal obligation",
    "Art. 6(1)(f) legitimate interests",
    "Standard contractual clauses (decision or module not stated)",
    "EU-US Privacy Shield (invalidated on 16 July 2020)",
    "outside the EEA",
    "Criminal convictions and offences (Art. 10)",
)
"""Labels the register prints whose msgid lives in another catalogue of the language (ropa.po, annex.po,
report.po): a msgid lives in one catalogue, so the register reuses them."""

PLACEHOLDER = re.compile(r"\{\w+\}")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")


def register_messages(lang: str) -> dict[str, str]:
    """register.po of ``lang`` and the reused labels, English -> translation, texts without placeholders only."""
    with (i18n.catalogue_path(lang).parent / "register.po").open("rb") as handle:
        found = {str(m.id): str(m.string) for m in read_po(handle) if m.id}
    table = i18n.messages(lang)
    found.update({m: table[m] for m in REUSED if m in table})
    return {m: t for m, t in found.items() if not PLACEHOLDER.search(m)}


def normal(text: str) -> str:
    """Text with words joined again where the PDF hyphenated them, and each run of whitespace one space."""
    return re.sub(r"\s+", " ", text.replace("\u2010\n", "").replace("\u00ad", ""))


def printed(message: str, text: str, pieces: set[str]) -> bool:
    """Whether ``message`` is printed: short ones as a whole line or element (a label), long ones anywhere."""
    return message in pieces if len(message) < 20 else message in text


def left_and_missing(
    messages: dict[str, str], english: tuple[str, set[str]], translated: tuple[str, set[str]]
) -> tuple[set[str], set[str], set[str]]:
    """(shown, left, missing): the msgids the English document prints, those of them the translated one still
    prints in English (unless the English word is also a word of the translation), and those whose
    translation it does not print."""
    en_text, en_pieces = english
    text, pieces = translated
    shown = {m for m, t in messages.items() if t != m and printed(m, en_text, en_pieces)}
    left = {m for m in shown if printed(m, text, pieces) and m not in messages[m].split()}
    missing = {m for m in shown if loose(normal(messages[m])) not in loose(text)}
    return shown, left, missing


def loose(text: str) -> str:
    """Text without hyphens: pdftotext drops the hyphen of a compound broken after it (UE-États-|Unis)."""
    return text.replace("-", "")


# The HTML of a small register's parts: every chapter, quickly.


def parts_text(lang: str, root: Path) -> tuple[str, set[str]]:
    """The text of every part of the small register's HTML in ``lang``, and its lines and elements' texts."""
    from ropa.render.parts import RegisterPlan

    register, report = load(root)
    with i18n.active(lang):
        parts = RegisterPlan(register, report, None).html()
    body = "\n".join(re.sub(r"<style>.*?</style>", "", part, flags=re.S) for part in parts)
    nodes = [html.unescape(node).strip() for node in re.split(r"<[^>]+>", body)]
    return normal(" ".join(nodes)), {node for node in nodes if node}


@pytest.fixture(scope="module")
def small_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small register of tests/render without its own title, so that the default title is printed."""
    organisation, providers = register_files()
    del organisation["record"]["title"]
    return write_register(tmp_path_factory.mktemp("small") / "register", organisation, providers)


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_every_chapter_of_the_html_is_in_the_language(lang: str, small_root: Path) -> None:
    messages = register_messages(lang)
    english = parts_text("en", small_root)
    shown, left, missing = left_and_missing(messages, english, parts_text(lang, small_root))
    assert len(shown) >= 120, len(shown)
    assert {"The processor (Art. 30(2)(a))", "Controller's contact details"} <= shown
    assert left == set()
    assert missing == set()


# The example's register PDF, built as a user builds it.

USER_TEXT = {
    "Transfers": "a source's title, \u00a79 International Transfers of a provider's privacy policy, wraps before it",
    "Data": "a provider's words for what its own processing uses, Communication Data, wrap before it",
}
"""English labels that the example's own text prints as a line of their own (user text is printed as written)."""


@functools.cache
def example_english() -> tuple[str, list[str]]:
    """The example's title (user text, which begins with a msgid) and its finding messages (English)."""
    import yaml

    from ropa.pipeline import load_and_check_for_documents

    organisation = yaml.safe_load((EXAMPLE / "organisation.yaml").read_text("utf-8"))
    _register, report = load_and_check_for_documents(EXAMPLE)
    messages = [f.message for f in report.findings] + [w.finding.message for w in report.waived]
    return str(organisation["record"]["title"]), messages


def own_text(raw: str, reader: PdfReader, english: tuple[str, list[str]]) -> tuple[str, set[str]]:
    """The text of the register's own words: without the data-flow figure (its labels are the figure's, not
    the register's), the title and the finding messages; as one line and as the set of its lines."""
    chapters = [reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)]
    figure, appendix = chapters[-2:]  # the last two chapters: the data-flow figure, Appendix A
    pages = raw.split("\f")
    kept = pages[:figure] + pages[appendix:]
    text = "\n".join(kept).replace("\u2010\n", "")
    title, messages = english
    for message in [title, *messages]:
        words = [re.escape(word) for word in message.split() if word != "-"]  # a dash may be lost at a line's end
        text = re.sub(r"[\s-]+".join(words), "\n", text)
    lines = {normal(line).strip() for line in text.splitlines()}
    return normal(text), lines - set(USER_TEXT)


def build(out: Path, *lang: str) -> tuple[tuple[str, set[str]], PdfReader]:
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "--only", "pdf", "--out", str(out), "-q", *lang])
    assert result.exit_code == 0, result.output
    pdf = out / "register.pdf"
    raw = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    return own_text(raw, reader, example_english()), reader


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[str, set[str]], PdfReader]:
    return build(tmp_path_factory.mktemp("en"))


@pytest.fixture(scope="module", params=["de", "fr"])
def translated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    lang = str(request.param)
    return lang, build(tmp_path_factory.mktemp(lang), "--lang", lang)


def test_no_english_label_remains_in_the_pdf(
    english: tuple[tuple[str, set[str]], PdfReader], translated: tuple[str, tuple[tuple[str, set[str]], PdfReader]]
) -> None:
    lang, (text, _) = translated
    shown, left, missing = left_and_missing(register_messages(lang), english[0], text)
    assert len(shown) >= 120, len(shown)
    assert left == set()
    assert missing == set()


def test_dates_countries_status_and_metadata_are_in_the_language(
    english: tuple[tuple[str, set[str]], PdfReader], translated: tuple[str, tuple[tuple[str, set[str]], PdfReader]]
) -> None:
    lang, ((text, _), reader) = translated
    (en_text, _), en_reader = english
    with i18n.active(lang):
        record_date = i18n.format_date(dt.date(2026, 11, 1))
        counts = severity_count(45, "error")
        subject = i18n.gettext("Record of processing activities under Art. 30 GDPR, version {version}")
        united_states = country_label("US")
        outside = i18n.gettext("outside the EEA")
    assert "2026-11-01" in en_text and record_date in text
    assert ISO_DATE.findall(text) == []  # every date ropa writes is in the language's form
    assert "45 errors" in en_text and counts in text and "45 errors" not in text
    assert "United States (US) outside the EEA" in en_text and f"{united_states} {outside}" in text
    assert "United States (US)" not in text
    meta = reader.metadata
    assert meta is not None and en_reader.metadata is not None
    assert meta.subject == subject.format(version="2026.2") != en_reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert en_reader.trailer["/Root"]["/Lang"] == "en"


def test_english_prints_no_translation(english: tuple[tuple[str, set[str]], PdfReader]) -> None:
    """The English register prints the msgids themselves: no German or French label leaks into it."""
    en_text = english[0][0]
    for lang in ("de", "fr"):
        translations = {t for m, t in register_messages(lang).items() if t != m and len(t) >= 20}
        assert {t for t in translations if t in en_text} == set()
    meta = english[1].metadata
    assert meta is not None and meta.subject == "Record of processing activities under Art. 30 GDPR, version 2026.2"
