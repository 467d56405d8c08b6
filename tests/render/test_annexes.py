"""The Art. 28 annex per provider, read back from the PDF."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from ropa.check.findings import Report
from ropa.model.provider import ART28_ITEMS
from ropa.model.register import Register
from tests.render.conftest import LONG_WORD, flat, pdf_text, word_boxes

ANNEX_I = ("Name", "Address", "Contact person's name, position and contact details", "Signature and accession date")
ANNEX_II = (
    "Categories of data subjects whose personal data is processed",
    "Categories of personal data processed",
    "Sensitive data processed (if applicable) and applied restrictions or safeguards",
    "Nature of the processing",
    "Purpose(s) for which the personal data is processed on behalf of the controller",
    "Duration of the processing",
    "For processing by (sub-) processors, also specify subject matter, nature and duration of the processing",
)
ANNEX_III = (
    "Technical and organisational measures including technical and organisational measures to ensure the security "
    "of the data"
)
ANNEX_IV = (
    "Name",
    "Address",
    "Contact person's name, position and contact details",
    "Description of the processing (including a clear delimitation of responsibilities in case several "
    "sub-processors are authorised)",
)
ANNEX_IB = (
    "Categories of data subjects whose personal data is transferred",
    "Categories of personal data transferred",
    "Sensitive data transferred (if applicable) and applied restrictions or safeguards that fully take into "
    "consideration the nature of the data and the risks involved",
    "The frequency of the transfer (e.g. whether the data is transferred on a one-off or continuous basis)",
    "Nature of the processing",
    "Purpose(s) of the data transfer and further processing",
    "The period for which the personal data will be retained, or, if that is not possible, the criteria used to "
    "determine that period",
    "For transfers to (sub-) processors, also specify subject matter, nature and duration of the processing",
)
ANNEX_IC = "Identify the competent supervisory authority/ies in accordance with Clause 13"


@pytest.fixture(scope="module")
def annexes(small_register_pdf: tuple[Register, Report, bytes]) -> dict[str, tuple[bytes, str]]:
    """Each provider's annex: PDF bytes and extracted text."""
    from ropa.render.annexes import render_annex_pdf

    register, report, _pdf = small_register_pdf
    out = {}
    for provider in register.providers:
        pdf = render_annex_pdf(register, provider.id, report, None)
        out[provider.id] = (pdf, pdf_text(pdf))
    return out


def _in_order(text: str, labels: tuple[str, ...] | list[str]) -> None:
    """Every label appears, word for word, after the previous one."""
    flat_text = flat(text)
    position = 0
    for label in labels:
        found = flat_text.find(flat(label), position)
        assert found >= 0, f"label missing or out of order: {label!r}"
        position = found + len(flat(label))


def test_annex_labels_are_the_commissions_word_for_word(annexes: dict[str, tuple[bytes, str]]) -> None:
    from ropa.render.annex_texts import ANNEX_III_BODY, ANNEX_III_NOTE, ANNEX_IV_NOTE, SENSITIVE_LABEL

    _pdf, text = annexes["alpha"]
    _in_order(text, ["ANNEX I – List of parties", "Controller(s):", *ANNEX_I, "Processor(s):", *ANNEX_I])
    annex_ii = [*ANNEX_II[:2], SENSITIVE_LABEL, *ANNEX_II[3:]]
    _in_order(text, ["ANNEX II – Description of the processing", *annex_ii])
    _in_order(text, [f"ANNEX III – {ANNEX_III}", ANNEX_III_NOTE, ANNEX_III_BODY])
    # Alpha's authorisation is general: the list is the agreed list, not "authorised" ones (Option 1 only).
    _in_order(text, ["ANNEX IV – List of sub-processors", ANNEX_IV_NOTE, "Clause 7.7(a), Option 2", "Agreed list"])
    assert flat("The controller has authorised the use of the following sub-processors") not in flat(text)


def test_transfer_items_only_for_transfers_on_2021_914(annexes: dict[str, tuple[bytes, str]]) -> None:
    _pdf, alpha = annexes["alpha"]
    _in_order(
        alpha,
        [
            "Transfers to third countries (Chapter V GDPR)",
            "ANNEX I.A – List of parties",
            "Data exporter(s):",
            "Activities relevant to the data transferred under these Clauses",
            "Role (controller/processor)",
            "Data importer(s):",
            "ANNEX I.B – Description of transfer",
            *ANNEX_IB[:2],
            "ANNEX I.C – Competent supervisory authority",
            ANNEX_IC,
            "Datu valsts inspekcija",
        ],
    )
    text = flat(alpha)
    for fact in (
        "Module Two (controller to processor)",
        "Module Three (processor to processor)",
        "Continuous",
        "Mobile phone number: 30 days (P30D)",
        "深圳短信科技有限公司",
    ):
        assert flat(fact) in text, fact
    # The second block (the processor's clauses with its Chinese sub-processor) records no authority.
    assert flat("Not recorded for these clauses") in text
    assert flat("Not statedThe organisation's lead supervisory authority") not in text
    _pdf, beta = annexes["beta"]
    assert flat("Description of transfer") not in flat(beta)
    assert flat(ANNEX_IC) not in flat(beta)


def test_checklist_has_four_states(annexes: dict[str, tuple[bytes, str]]) -> None:
    _pdf, alpha = annexes["alpha"]
    checklist = flat(alpha[alpha.index("Article 28(3) checklist") :])
    for key, requirement in ART28_ITEMS.items():
        assert flat(requirement) in checklist, key
    assert flat("Art. 28(3)(a)documented instructions, including for transfersCovered§2.1") in checklist
    assert flat("Art. 28(3)(c)security measures required by Art. 32MissingClause not recorded") in checklist
    assert flat("Refers to a security page only") in checklist
    not_recorded_d = "Art. 28(3)(d)conditions for engaging another processor (Art. 28(2), (4))Not recorded"
    assert flat(not_recorded_d) in checklist
    _pdf, beta = annexes["beta"]
    beta_checklist = flat(beta[beta.index("Article 28(3) checklist") :].split("Not recorded: the record says")[-1])
    assert beta_checklist.count(flat("Not recorded")) == len(ART28_ITEMS)


def test_sub_processor_entries(annexes: dict[str, tuple[bytes, str]]) -> None:
    _pdf, alpha = annexes["alpha"]
    annex_iv = flat(alpha[alpha.index("ANNEX IV") : alpha.index("Transfers to third countries")])
    assert flat("general written authorisation (Art. 28(2); Clause 7.7(a), Option 2)") in annex_iv
    assert flat("at least 30 days (P30D) in advance; the controller can object by e-mail") in annex_iv
    assert flat("LocationGermany (DE)") in annex_iv
    assert flat("LocationChina (CN) outside the EEATransfer mechanismStandard contractual clauses") in annex_iv
    # A sub-processor named only by a category is shown as a category, with no name, and its unknown
    # country is not assumed to be in the EEA.
    assert flat("Category (in the provider's words; no name recorded)Telecom carriers") in annex_iv
    assert flat("NameTelecom carriers") not in annex_iv
    assert flat("Location not recorded: a transfer cannot be excluded") in annex_iv
    # Each sub-processor is listed once.
    # Annex IV, the transfer table, the heading and Annex I.A of its clauses; no longer Annex II and I.B tables.
    assert flat(alpha).count(flat("深圳短信科技有限公司")) == 4


def test_gaps_show_as_not_recorded(annexes: dict[str, tuple[bytes, str]]) -> None:
    _pdf, beta = annexes["beta"]
    text = flat(beta)
    # No contract: nature, duration, agreement and the addresses are all unknown.
    assert flat("Nature of the processingNot recorded") in text
    assert flat("Duration of the processingNot recorded") in text
    assert flat("AgreementNot recorded") in text
    assert flat("Not recorded: the record holds no technical or organisational measure") in text
    # The decision's examples of measures are named as examples, not printed as 17 rows of gaps.
    assert flat("are examples, not a required list") in text
    assert flat("Measures for ensuring events loggingNot recorded") not in text
    assert flat("Measures for ensuring events logging") in text


def test_no_findings_in_the_annex_by_default(
    annexes: dict[str, tuple[bytes, str]], small_register_pdf: tuple[Register, Report, bytes]
) -> None:
    from ropa.render.annexes import render_annex_pdf, render_review_pdf

    register, report, _pdf = small_register_pdf
    for provider_id in ("alpha", "beta"):
        _pdf_bytes, text = annexes[provider_id]
        own = {f.rule for f in report.findings if f.provider == provider_id}
        assert own
        assert flat("Findings about this provider") not in flat(text)
        for rule in own:
            assert flat(rule) not in flat(text)
        review = flat(pdf_text(render_review_pdf(register, provider_id, report)))
        inside = flat(pdf_text(render_annex_pdf(register, provider_id, report, findings=True)))
        for section in (review, inside[inside.index(flat("Findings about this provider")) :]):
            for rule in own:
                assert flat(rule) in section
            others = {f.message for f in report.findings if f.provider not in (provider_id, None)}
            for message in others:
                assert flat(message) not in section
        assert flat("NOT PART OF THE AGREEMENT") in review
        assert flat("ANNEX I") not in review


def test_independent_controller_is_flagged(annexes: dict[str, tuple[bytes, str]]) -> None:
    _pdf, gamma = annexes["gamma"]
    assert flat("not as a processor: Art. 28 applies only to processing on the organisation's behalf") in flat(gamma)
    _pdf, alpha = annexes["alpha"]
    assert flat("Art. 28 applies only") not in flat(alpha)


def test_provider_without_findings_says_so(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    from ropa.render.annexes import render_annex_pdf

    register, report, _pdf = small_register_pdf
    clean = Report(findings=[f for f in report.findings if f.provider != "gamma"], as_of=report.as_of)
    text = flat(pdf_text(render_annex_pdf(register, "gamma", clean, None, findings=True)))
    assert flat("There are no validation findings about this provider") in text
    assert flat("Passed: no findings") in text


def test_annex_text_stays_on_the_page(annexes: dict[str, tuple[bytes, str]], tmp_path: Path) -> None:
    pdf, text = annexes["alpha"]
    assert LONG_WORD[:40] in flat(text)
    width, height, words = word_boxes(pdf, tmp_path)
    assert max(w[2] for w in words) <= width - 30
    assert max(w[3] for w in words) <= height


def test_annex_metadata_and_pdfa(annexes: dict[str, tuple[bytes, str]]) -> None:
    from pypdf import PdfReader

    pdf, _text = annexes["alpha"]
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.title == (
        "Annex to the data processing agreement with Alpha Messaging Inc. \u2013 Rīgas Ziņu Serviss SIA"
    )
    assert reader.metadata.author == "Rīgas Ziņu Serviss SIA"
    assert "2021/915" in (reader.metadata.subject or "")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert not reader.attachments
    assert 4 <= len(reader.pages) <= 20


def test_annex_same_bytes(
    small_register_pdf: tuple[Register, Report, bytes], annexes: dict[str, tuple[bytes, str]]
) -> None:
    from ropa.render.annexes import render_annex_pdf

    register, report, _pdf = small_register_pdf
    again = render_annex_pdf(register, "beta", report, None)
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(annexes["beta"][0]).hexdigest()


def test_unknown_provider_is_an_error(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    from ropa.render.annexes import annex_html

    register, report, _pdf = small_register_pdf
    with pytest.raises(KeyError, match="no provider 'nope'"):
        annex_html(register, "nope", report, None)
