"""The Art. 28 annexes and the providers' review documents in German and French: every label from the catalogues.

The example's annexes and review documents are built with ``--lang de`` and ``--lang fr`` and their
text extracted with pdftotext. For each message of the annex catalogue (and the gap word) that the
English document prints, the English text must be gone from the translated document and the
translation printed there instead; a message with placeholders is compared by its literal parts
(the values between them are the register's own text, printed as written). The transfer part under
Decision (EU) 2021/914, which the example does not use, is checked the same way on the annex test
register (tests/annex_truth). English documents are the default build's, byte for byte.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from ropa import i18n
from ropa.cli import main
from tests.conftest import EXAMPLE

PROVIDERS = ("amd-telecom", "backtrace", "sendsmsgate", "symphonyroute", "tecparts")
"""Every provider of the example: each has an annex and a review document."""
DOCUMENTS = tuple(f"{p}{kind}.pdf" for p in PROVIDERS for kind in ("", ".review"))
GAP_WORD = "Not recorded"
ENGLISH_FINDINGS = (
    "Finding messages and the names and summaries of the rules are in English, as the rule catalogue writes them."
)
"""What a German or French review document says above its findings (the message is the validation report's)."""
FINDINGS_TABLE = "Finding"
"""The heading of the findings table's first column (partials/macros.html): the review document's messages are
compared only above it."""
SHORT = 20
"""A message shorter than this is a label: compared with whole lines of the text, not searched inside them."""
WORDS = 12
"""A label this long is words enough to be recognised inside a line of the English document."""

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")


def annex_messages(lang: str) -> dict[str, str]:
    """The annex catalogue of ``lang`` (and the gap word the annexes print), English -> translation."""
    with (i18n.catalogue_path(lang).parent / "annex.po").open("rb") as handle:
        catalogue = read_po(handle)
    found = {str(m.id): str(m.string) for m in catalogue if m.id and any("annexes" in c for c in m.auto_comments)}
    found[GAP_WORD] = i18n.messages(lang)[GAP_WORD]
    return found


class Text:
    """A PDF's text as pdftotext gives it (``raw``), and its lines and all of it :func:`norm`-ed.

    ``until``: the text before the first line that says so only (a review document before its findings table:
    the finding messages come from the rules, in English in every language).
    """

    def __init__(self, pdf: bytes, until: str | None = None) -> None:
        raw = subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True).stdout.decode()
        if until is not None:
            raw = raw.split(f"\n{until}\n")[0]
        self.raw = raw
        self.lines = {norm(line) for line in raw.splitlines()}
        self.text = norm(raw)

    def has(self, part: str, kind: str = "fragment") -> bool:
        """Whether ``part`` is printed: a ``label`` as a whole line, a ``sentence`` as whole words, a ``fragment``
        (of a message with placeholders) anywhere."""
        if kind == "label":
            return norm(part) in self.lines
        if kind == "sentence":
            return re.search(rf"(?<!\w){re.escape(norm(part))}(?!\w)", self.text) is not None
        return norm(part) in self.text


def norm(text: str) -> str:
    """``text`` with its white space collapsed and without hyphens: lines wrap anywhere (also after a slash), and the
    German and French tables break words at their syllables (pdftotext joins some broken words and keeps the hyphen
    of others)."""
    text = re.sub("[-\u2010]\n", "", re.sub(r"/\s+", "/", text))
    return re.sub(r"\s+", " ", re.sub("[-\u2010]", "", text)).strip()


def parts(message: str) -> list[tuple[str, str]]:
    """What stands for a message in a text: the message itself (a label when short, else a sentence), or the
    literal parts between its ``{placeholders}`` that are long enough to tell (fragments)."""
    if "{" not in message:
        return [(message, "label" if len(message) < SHORT else "sentence")]
    return [(p, "fragment") for p in re.split(r"\{\w+\}", message) if len(norm(p)) >= 8]


def compare(english: Text, translated: Text, messages: dict[str, str]) -> tuple[set[str], set[str], set[str]]:
    """The messages the English document prints, those still in English in the translated one, and those whose
    translation is not printed there (anywhere: a translated label may share its line with a value)."""
    shown, left, missing = set(), set(), set()
    for message, translation in messages.items():
        english_parts = parts(message)
        # A label of a few words is printed wherever its words stand (a cell may wrap it, a value may follow it on
        # its line), a single word only on a line of its own; either counts as left in English only on a line of
        # its own: the register's English text may use the same words.
        if not english_parts or not all(
            english.has(p, "sentence" if k == "label" and len(p) >= WORDS else k) for p, k in english_parts
        ):
            continue
        shown.add(message)
        if translation != message and any(
            translated.has(*p) and norm(p[0]) not in norm(translation) for p in english_parts
        ):
            left.add(message)
        if not all(translated.has(p) for p, _kind in parts(translation)):
            missing.add(message)
    return shown, left, missing


def build(out: Path, *lang: str) -> dict[str, bytes]:
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "--only", "annexes", "--out", str(out), "-q", *lang])
    assert result.exit_code == 0, result.output
    return {name: (out / "annexes" / name).read_bytes() for name in DOCUMENTS}


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return build(tmp_path_factory.mktemp("en"))


@pytest.fixture(scope="module", params=["de", "fr"])
def translated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, bytes]]:
    lang = str(request.param)
    return lang, build(tmp_path_factory.mktemp(lang), "--lang", lang)


def test_every_annex_and_review_document_is_in_the_language(
    english: dict[str, bytes], translated: tuple[str, dict[str, bytes]]
) -> None:
    lang, documents = translated
    messages = annex_messages(lang)
    shown: set[str] = set()
    table = i18n.translator(lang)(FINDINGS_TABLE)
    for name in DOCUMENTS:
        review = name.endswith(".review.pdf")
        english_text = Text(english[name], FINDINGS_TABLE if review else None)
        found, left, missing = compare(english_text, Text(documents[name], table if review else None), messages)
        assert left == set(), f"{name}: still in English"
        assert missing == set(), f"{name}: translation not printed"
        shown |= found
    assert len(shown) >= 110, sorted(set(messages) - shown)
    review = Text(documents["backtrace.review.pdf"])
    assert review.has(messages["Findings about this provider"])
    note = i18n.translator(lang)(ENGLISH_FINDINGS)
    assert note != ENGLISH_FINDINGS and review.has(note) and not Text(english["backtrace.review.pdf"]).has(note)
    assert review.has(messages["Internal review · not part of the agreement with the provider"].upper())


DATES = {"de": ("01.11.2026", "16.03.2026", "Version"), "fr": ("01/11/2026", "16/03/2026", "version")}
"""The record's date and the date sendsmsgate's agreement was signed, and the running header's word for version."""


def test_dates_and_the_running_header_are_in_the_language(
    english: dict[str, bytes], translated: tuple[str, dict[str, bytes]]
) -> None:
    lang, documents = translated
    record_date, signed, version = DATES[lang]
    for name in DOCUMENTS:
        text = Text(documents[name])
        assert norm(record_date) in text.text, name
        assert norm(f"{version} 2026.2") in text.text, name
        if not name.endswith(".review.pdf"):
            # Finding messages (English, from the rules) quote ISO dates; an annex prints none of its own.
            assert not re.search(r"\d{4}-\d{2}-\d{2}", text.raw), name
    assert f"{signed} (" in Text(documents["sendsmsgate.pdf"]).raw
    assert "2026-03-16 (" in Text(english["sendsmsgate.pdf"]).raw


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_the_2021_914_appendix_is_in_the_language(lang: str, truth_pdfs: dict[str, dict[str, bytes]]) -> None:
    """The example relies on no SCCs 2021/914: the annex test register's providers print Annex I.A-I.C."""
    messages = annex_messages(lang)
    shown: set[str] = set()
    for provider, pdf in truth_pdfs[lang].items():
        found, left, missing = compare(Text(truth_pdfs["en"][provider]), Text(pdf), messages)
        assert left == set(), f"{provider}: still in English"
        assert missing == set(), f"{provider}: translation not printed"
        shown |= found
    for heading in ("ANNEX I.A – List of parties", "ANNEX I.B – Description of transfer", "Data importer(s):"):
        assert heading in shown
    assert "ANNEX I.C – Competent supervisory authority" in shown
    assert "The controller has authorised the use of the following sub-processors:" in shown


@pytest.fixture(scope="module")
def truth_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The annexes of the annex test register with SCCs 2021/914 (usproc: Module Two; fourth: Module Four only),
    in each language."""
    from ropa.pipeline import load_and_check_for_documents
    from ropa.render.annexes import render_annex_pdf
    from tests.annex_truth.conftest import write_register

    register, report = load_and_check_for_documents(write_register(tmp_path_factory.mktemp("truth") / "register"))
    out: dict[str, dict[str, bytes]] = {}
    for lang in ("en", "de", "fr"):
        with i18n.active(lang):
            out[lang] = {p: render_annex_pdf(register, p, report) for p in ("usproc", "fourth")}
    return out


def test_the_english_documents_are_the_default_build(english: dict[str, bytes], tmp_path: Path) -> None:
    assert build(tmp_path, "--lang", "en") == english
    text = Text(english["backtrace.pdf"])
    assert text.has("ANNEX IV – List of sub-processors")
    assert text.has("From the record of processing activities, version 2026.2 of 2026-11-01.")
    assert text.has("version 2026.2")


def test_the_annex_footer_numbers_its_pages_in_the_language(translated: tuple[str, dict[str, bytes]]) -> None:
    lang, documents = translated
    footer = {"de": "Seite 1 von ", "fr": "page 1 sur "}[lang]
    for name, pdf in documents.items():
        text = Text(pdf).raw
        assert footer in text and "page 1 of " not in text, name
