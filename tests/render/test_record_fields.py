"""The optional record fields reach the documents: register PDF, Art. 28 annex and XLSX, read back.

One small register sets every one of them: an organisation outside the EU that claims the Art. 27(2)
exemption and the Art. 30(5) derogation; an activity with children (Art. 8 consent ages, parental
consent, notice, balancing), health data under professional secrecy with safeguards, retention with a
statutory period and a period after consent is withdrawn, a typed purpose and a transfer on compelling
legitimate interests; a second activity that leans on the organisation's claim; and a processor on
the Art. 28 SCCs that acceded to the transfer SCCs through Clause 7, with a contact at its sub-processor.
The facts must appear where a reader looks for them, and only there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from ropa.check.findings import Report
from ropa.model.register import Register
from ropa.render.text import NOT_STATED
from tests.render.conftest import flat, load, pdf_text, write_register

EXEMPTION = "Occasional processing of no Art. 9 data on a large scale, unlikely to result in a risk"
SAFEGUARDS = "Read only by the two school nurses; every access logged"
SECRECY = "School nurses bound by the Health Professions Act"
NOTICE = "Comic-strip privacy notice for ages 13 to 17"
PARENTAL = "Parent confirms by e-mail link; the school checks the parent list"
LIA_CHILDREN = "Pupils cannot expect tracking, so only aggregate figures are kept"
ASSISTANCE = "Ticket queue for data subject requests, answered within 5 working days"
SAFEGUARDS_49 = "Only a pseudonymised extract leaves; deleted after the hearing"
SUBJECTS_49 = "3 claimants in case 14"
INFORMED_49 = "Letter to each claimant of 2026-05-03"
RESIDUAL = "proof of consent for legal claims, 6.1.f"

ORGANISATION: dict[str, Any] = {
    "legal_name": "Lernwelt Inc.",
    "country": "US",
    "address": {"street": "5 Elm Street", "city": "Boston", "postal_code": "02108", "country": "US"},
    "contact": {"name": "Privacy office", "position": "Privacy lead", "email": "privacy@lernwelt.example"},
    "eu_establishment": False,
    "art3_2_applies": True,
    "art27_2_exemption": EXEMPTION,
    "employees": 40,
    "art30_5_derogation": True,
    "record": {"version": "2026.4", "date": "2026-11-01"},
    "settings": {"max_retention": {"marketing": "P2Y"}},
}

KIDS_APP: dict[str, Any] = {
    "id": "kids-app",
    "name": "Homework app for pupils",
    "purposes": [
        {
            "description": "Send pupils tips about new learning modules they may like",
            "lawful_basis": "6.1.a",
            "consent_mechanism": "Opt-in screen in the app",
            "withdrawal_mechanism": "Switch in the app settings",
            "purpose_type": "marketing",
        },
        {
            "description": "Measure which learning modules are used at which school",
            "lawful_basis": "6.1.f",
            "legitimate_interest": "Improving the modules",
        },
    ],
    "data_subjects": [{"name": "Pupils", "children": True}],
    "iss_offered_to_children": True,
    "child_safeguards": {
        "age_range": "13-17",
        "consent_ages": {"DE": 16, "FR": 15},
        "parental_consent": PARENTAL,
        "notice": NOTICE,
        "lia_reasoning": LIA_CHILDREN,
    },
    "data_categories": [
        {
            "id": "nurse",
            "name": "School nurse notes",
            "special": "health",
            "art9_condition": "9.2.h",
            "professional_secrecy": SECRECY,
            "safeguards": SAFEGUARDS,
            "retention": {
                "kind": "duration",
                "duration": "P1Y",
                "trigger_event": "end of the school year",
                "statutory_period": "P10Y",
                "after_withdrawal": "P30D",
                "residual_basis": RESIDUAL,
            },
        },
        {"id": "email", "name": "Pupil e-mail address", "retention": {"duration": "P6M", "trigger_event": "leaving"}},
    ],
    "recipients": [{"provider": "kappa", "role": "processor"}],
    "transfers": [
        {
            "country": "US",
            "recipient": "kappa",
            "frequency": "one-off",
            "data_categories": ["nurse"],
            "mechanism": {
                "type": "derogation",
                "derogation": "49.1.second",
                "justification": SAFEGUARDS_49,
                "evidence": {"ref": "Assessment CI-1", "date": "2026-04-20"},
                "compelling_interests": {
                    "non_repetitive": True,
                    "limited_data_subjects": SUBJECTS_49,
                    "sa_informed_on": "2026-05-02",
                    "data_subjects_informed": INFORMED_49,
                },
            },
        },
        {"country": "US", "recipient": "kappa", "data_categories": ["email"], "mechanism": {"type": "adequacy"}},
    ],
    "frequency": "regular",
    "risk": "likely",
    "art30_5_derogation": False,
}

NEWSLETTER: dict[str, Any] = {
    "id": "newsletter",
    "name": "Teacher newsletter",
    "purposes": [{"description": "Send teachers a monthly newsletter about the app", "lawful_basis": "6.1.a"}],
    "data_subjects": [{"name": "Teachers"}],
    "data_categories": [{"id": "email", "name": "Teacher e-mail address"}],
    "recipients": [],
}

KAPPA: dict[str, Any] = {
    "id": "kappa",
    "legal_name": "Kappa Cloud LLC",
    "country": "US",
    "role": "processor",
    "service": "App hosting",
    "address": {"street": "9 Pine Road", "city": "Austin", "postal_code": "73301", "country": "US"},
    "contacts": [{"name": "Jane Roe", "position": "Privacy counsel", "email": "privacy@kappa.example"}],
    "contract": {
        "title": "Kappa DPA on the Commission's clauses",
        "signed": "2026-01-10",
        "based_on": "scc_2021_915",
        "clause1_option": "2016/679",
        "nature": "Hosting and backups",
        "duration": "Term of the service agreement",
        "data_retention": "P90D",
        "assistance_measures": ASSISTANCE,
    },
    "mechanisms": [{"type": "scc_2021_914", "modules": [2], "acceded_via_clause7": True, "acceded_on": "2026-03-15"}],
    "toms": [{"kind": "encryption", "measure": "AES-256 at rest"}],
    "sub_processor_authorisation": {"type": "specific", "notice_period": "P30D"},
    "sub_processors": [
        {
            "id": "backup",
            "name": "Backup GmbH",
            "country": "DE",
            "address": "Weg 1, Berlin",
            "service": "Encrypted backups",
            "contact": {"name": "Max Muster", "position": "DPO", "email": "dpo@backup.example"},
        }
    ],
    "activities": [KIDS_APP, NEWSLETTER],
}


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The register loaded, and its PDF register, Kappa's annex and the workbook, rendered once."""
    from ropa.render.annexes import render_annex_pdf
    from ropa.render.pdf import render_register_pdf
    from ropa.render.xlsx import render_register_xlsx

    root = write_register(tmp_path_factory.mktemp("fields") / "register", ORGANISATION, {"kappa": KAPPA})
    register, report = load(root)
    annex = render_annex_pdf(register, "kappa", report, None)
    xlsx = render_register_xlsx(register, report)
    return {
        "register": register,
        "report": report,
        "pdf": _body(flat(pdf_text(render_register_pdf(register, report, None)))),
        "annex_bytes": annex,
        "annex": flat(pdf_text(annex)),
        "xlsx_bytes": xlsx,
        "xlsx": load_workbook(io.BytesIO(xlsx)),
    }


def _body(text: str) -> str:
    """The flat text of a register after its contents page, so headings are found where they head sections."""
    heading = flat("1. The controller (Art. 30(1)(a))")
    return text[text.index(heading, text.index(heading) + 1) :]


def _section(text: str, start: str, end: str) -> str:
    """The flat text from ``start`` to ``end`` (both given as printed)."""
    begin = text.index(flat(start))
    return text[begin : text.index(flat(end), begin)]


def _rows(workbook: Workbook, sheet: str, **match: str) -> list[dict[str, Any]]:
    rows = list(workbook[sheet].iter_rows(values_only=True))
    headers = [str(h) for h in rows[0]]
    records = [dict(zip(headers, row, strict=True)) for row in rows[1:]]
    return [r for r in records if all(r[k] == v for k, v in match.items())]


# ---------------------------------------------------------------------------
# Register PDF
# ---------------------------------------------------------------------------


def test_controller_shows_art27_exemption_and_art30_5_claim(documents: dict[str, Any]) -> None:
    controller = _section(documents["pdf"], "1. The controller (Art. 30(1)(a))", "2. Processing activities")
    assert flat(f"Representative (Art. 27)None designated: exempt under Art. 27(2): {EXEMPTION}") in controller
    assert (
        flat(
            "Art. 30(5) derogation (organisations under 250 employees)Claimed (fewer than 250 employees) for the "
            "activities that do not record a claim of their own"
        )
        in controller
    )


def test_child_safeguards_only_where_children_are_concerned(documents: dict[str, Any]) -> None:
    pdf = documents["pdf"]
    kids = _section(pdf, "2.1 Homework app for pupils", "2.2 Teacher newsletter")
    for fact in (
        "Children among the data subjects (Art. 8, Art. 12(1), Recital 38)",
        "Ages of the children concerned13-17",
        "Information society service offered directly to children (Art. 8(1))Yes",
        "Age from which a child consents itself, per Member State (Art. 8(1))Germany (DE): 16; France (FR): 15",
        f"Consent by the holder of parental responsibility and its verification (Art. 8(2)){PARENTAL}",
        f"Notice written for the children's age (Art. 12(1)){NOTICE}",
        f"Children's interests in the legitimate interests balance (Art. 6(1)(f)){LIA_CHILDREN}",
    ):
        assert flat(fact) in kids, fact
    newsletter = _section(pdf, "2.2 Teacher newsletter", "3. Summary tables")
    assert flat("Children among the data subjects") not in newsletter


def test_purpose_type_sensitive_safeguards_and_retention_details(documents: dict[str, Any]) -> None:
    kids = _section(documents["pdf"], "2.1 Homework app for pupils", "2.2 Teacher newsletter")
    assert flat("Type of purpose:marketing (longest retention set for it: 2 years (P2Y))") in kids
    assert flat(f"Restrictions or safeguards: {SAFEGUARDS}; professional secrecy (Art. 9(3)): {SECRECY}") in kids
    for fact in (
        "statutory period 10 years (P10Y)",
        "after consent is withdrawn, kept for 30 days (P30D)",
        f"basis for keeping it after withdrawal: {RESIDUAL}",
    ):
        assert flat(fact) in kids, fact
    # The retention summary uses the same sentence.
    summary = _section(documents["pdf"], "3.3 Retention per data category", "3.4 Security measures")
    assert flat("statutory period 10 years (P10Y)") in summary


def test_compelling_interests_documented_under_the_transfer(documents: dict[str, Any]) -> None:
    kids = _section(documents["pdf"], "2.1 Homework app for pupils", "2.2 Teacher newsletter")
    transfers = _section(kids, "Transfers to third countries (Art. 30(1)(e))", "Technical and organisational measures")
    assert (
        flat("Compelling legitimate interests (Art. 49(1), second subparagraph), documented under Art. 49(6):")
        in transfers
    )
    for fact in (
        "Assessment of all the circumstances: Assessment CI-1 (2026-04-20)",
        f"Suitable safeguards: {SAFEGUARDS_49}",
        "Not repetitive: Confirmed",
        f"Limited number of data subjects: {SUBJECTS_49}",
        "Supervisory authority informed on: 2026-05-02",
        f"Data subjects informed: {INFORMED_49}",
    ):
        assert flat(fact) in transfers, fact
    # Once, for the derogation only: the adequacy transfer carries no such block.
    assert transfers.count(flat("Compelling legitimate interests")) == 1


def test_frequency_risk_and_the_activity_claim(documents: dict[str, Any]) -> None:
    pdf = documents["pdf"]
    kids = _section(pdf, "2.1 Homework app for pupils", "2.2 Teacher newsletter")
    assert flat("Art. 30(5) derogationNot claimed: recorded in full") in kids
    assert flat("How often the processing happensRegular") in kids
    assert flat("Risk to data subjectsLikely to result in a risk to the rights and freedoms of data subjects") in kids
    newsletter = _section(pdf, "2.2 Teacher newsletter", "3. Summary tables")
    # The organisation's claim applies: its triggers are expected, so their absence shows.
    assert flat("Art. 30(5) derogationClaimed by the organisation, for activities without a claim") in newsletter
    assert flat("How often the processing happensNot recorded") in newsletter
    assert flat("Risk to data subjectsNot recorded") in newsletter


def test_processor_retention_and_accession_in_the_summaries(documents: dict[str, Any]) -> None:
    summaries = _section(documents["pdf"], "3.1 Recipients and providers", "3.3 Retention per data category")
    assert flat("personal data kept at most 90 days (P90D)") in summaries
    assert flat("acceded through the Clause 7 docking clause, signing Annex I.A on 2026-03-15") in summaries


def test_fields_that_do_not_apply_add_nothing(small_register_pdf: tuple[Register, Report, bytes]) -> None:
    text = _body(flat(pdf_text(small_register_pdf[2])))
    for absent in (
        "Compelling legitimate interests",
        "Children among the data subjects",
        "How often the processing happens",
        "Risk to data subjects",
        "Type of purpose",
        "docking clause",
    ):
        assert flat(absent) not in text, absent
    # Safeguards are asked for under special-category data only: the one health category, which states none.
    assert text.count(flat("Restrictions or safeguards")) == 1
    assert flat("Restrictions or safeguards:Not recorded") in text
    assert flat("Art. 30(5) derogation (organisations under 250 employees)Not claimed") in text


# ---------------------------------------------------------------------------
# Annex PDF
# ---------------------------------------------------------------------------


def test_annex_contract_clause1_and_accession(documents: dict[str, Any]) -> None:
    annex = documents["annex"]
    assert (
        flat("Clause 1 option (Decision (EU) 2021/915)Option 1: Article 28(3) and (4) of Regulation (EU) 2016/679")
        in annex
    )
    processors = _section(annex, "Processor(s):", "ANNEX II")
    assert flat("Signature and accession date2026-01-10 (Kappa DPA on the Commission's clauses)") in processors
    # The accession to the transfer clauses is the importer's signature in their own Annex I.A, not in 2021/915's.
    assert flat("Clause 7 docking clause") not in processors
    importers = _section(annex, "Data importer(s):", "ANNEX I.B")
    assert flat("Acceded through the Clause 7 docking clause, signing Annex I.A on 2026-03-15") in importers


def test_annex_ii_safeguards_and_duration(documents: dict[str, Any]) -> None:
    annex_ii = _section(documents["annex"], "ANNEX II", "ANNEX III")
    sensitive = _section(annex_ii, "applied restrictions or safeguards", "Nature of the processing")
    assert flat("School nurse notes") in sensitive
    assert flat(f"{SAFEGUARDS}; professional secrecy (Art. 9(3)): {SECRECY}") in sensitive
    assert (
        flat(
            "Duration of the processingTerm of the service agreementThe processor keeps the personal data for at most "
            "90 days (P90D)."
        )
        in annex_ii
    )


def test_annex_iii_assistance_and_annex_iv_contact(documents: dict[str, Any]) -> None:
    annex = documents["annex"]
    annex_iii = _section(annex, "ANNEX III", "ANNEX IV")
    assert (
        flat(
            "Description of the specific technical and organisational measures to be taken by the processor to be able "
            "to provide assistance to the controller"
        )
        in annex_iii
    )
    assert flat(ASSISTANCE) in annex_iii
    annex_iv = _section(annex, "ANNEX IV", "Transfers to third countries")
    assert flat("Contact person's name, position and contact detailsMax Muster, DPO, dpo@backup.example") in annex_iv


def test_annex_transfer_signatures_and_processor_retention(documents: dict[str, Any]) -> None:
    transfer = _section(documents["annex"], "Transfers to third countries", "ANNEX I.C")
    importers = _section(transfer, "Data importer(s):", "ANNEX I.B")
    assert flat("Kappa Cloud LLC") in importers
    assert flat("Signature and dateAcceded through the Clause 7 docking clause, signing Annex I.A on 2026-03-15") in (
        importers
    )
    assert flat("School nurse notes: 1 year (P1Y) from end of the school year") in transfer
    assert flat("The processor keeps the personal data for at most 90 days (P90D).") in transfer


def test_annex_gaps_where_expected_and_nothing_where_not(
    small_register_pdf: tuple[Register, Report, bytes],
) -> None:
    from ropa.render.annexes import render_annex_pdf

    register, report, _pdf = small_register_pdf
    alpha = flat(pdf_text(render_annex_pdf(register, "alpha", report, None)))
    # Annex III always asks how the processor assists; Alpha's DPA does not say.
    assert flat(f"to be able to provide assistance to the controller.{NOT_STATED}") in alpha
    # Alpha's DPA is not on the 2021/915 clauses: no Clause 1 row. Its SCCs have no signature date recorded.
    assert flat("Clause 1 option") not in alpha
    for importer in ("Alpha Messaging Inc.", "深圳短信科技有限公司"):
        block = _section(alpha, f"2021/914): {importer}", "ANNEX I.B")
        assert flat(f"Signature and date{NOT_STATED}") in block, importer
    assert flat("The processor keeps the personal data") not in alpha


def test_annex_same_bytes(documents: dict[str, Any]) -> None:
    from ropa.render.annexes import render_annex_pdf

    again = render_annex_pdf(documents["register"], "kappa", documents["report"], None)
    assert hashlib.sha256(again).digest() == hashlib.sha256(documents["annex_bytes"]).digest()


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------


def test_xlsx_about_sheet(documents: dict[str, Any]) -> None:
    about = {r["Item"]: r["Value"] for r in _rows(documents["xlsx"], "About")}
    assert about["EU representative (Art. 27)"] == f"None: exempt under Art. 27(2): {EXEMPTION}"
    assert about["Art. 30(5) derogation (under 250 employees)"] == (
        "Claimed (GDPR as in force) for activities that record no claim of their own"
    )


def test_xlsx_activities(documents: dict[str, Any]) -> None:
    [kids] = _rows(documents["xlsx"], "Activities", **{"Activity id": "kids-app"})
    assert kids["Type of purpose"] == "1. marketing"
    assert kids["Children: ages, consent, notice (Art. 8, 12(1))"] == "\n".join(
        [
            "Ages: 13-17",
            "Service offered directly to children (Art. 8(1)): Yes",
            "Consent ages (Art. 8(1)): DE 16, FR 15",
            f"Parental consent (Art. 8(2)): {PARENTAL}",
            f"Notice for children (Art. 12(1)): {NOTICE}",
            f"Children in the LIA (Art. 6(1)(f)): {LIA_CHILDREN}",
        ]
    )
    assert kids["Article 9 condition for processing special category data"] == (
        f"School nurse notes: Data concerning health; Art. 9(2)(h); safeguards: {SAFEGUARDS}; "
        f"Professional secrecy (Art. 9(3)): {SECRECY}"
    )
    assert (kids["Frequency"], kids["Risk to data subjects"], kids["Art. 30(5) derogation"]) == (
        "Regular",
        "Likely to result in a risk to the rights and freedoms of data subjects (Art. 30(5))",
        "Not claimed (recorded in full)",
    )
    assert "Statutory period 10 years (P10Y)" in kids["Retention schedule (if possible)"]
    [newsletter] = _rows(documents["xlsx"], "Activities", **{"Activity id": "newsletter"})
    assert newsletter["Children: ages, consent, notice (Art. 8, 12(1))"] == "Not applicable (no children recorded)"
    assert newsletter["Type of purpose"] == "None recorded"
    assert (newsletter["Frequency"], newsletter["Risk to data subjects"], newsletter["Art. 30(5) derogation"]) == (
        NOT_STATED,
        NOT_STATED,
        "Claimed (the organisation's claim)",
    )


def test_xlsx_categories_and_retention(documents: dict[str, Any]) -> None:
    [nurse] = _rows(documents["xlsx"], "Data categories", **{"Category id": "nurse"})
    assert nurse["Restrictions or safeguards (sensitive data)"] == (
        f"{SAFEGUARDS}; Professional secrecy (Art. 9(3)): {SECRECY}"
    )
    [kept] = _rows(documents["xlsx"], "Retention", **{"Data category": "School nurse notes"})
    assert kept["Statutory period"] == "10 years (P10Y)"
    assert kept["Kept after consent is withdrawn"] == "30 days (P30D)"
    assert kept["Basis for keeping after withdrawal"] == RESIDUAL
    assert kept["Retention (summary)"] == (
        "1 year (P1Y) from end of the school year; Statutory period 10 years (P10Y); "
        f"After consent is withdrawn: kept 30 days (P30D); Basis after withdrawal: {RESIDUAL}"
    )
    # Consent-based data without a period after withdrawal is a gap; non-statutory data has no statutory period.
    [teacher] = _rows(documents["xlsx"], "Retention", **{"Data category": "Teacher e-mail address"})
    assert teacher["Kept after consent is withdrawn"] == NOT_STATED
    assert teacher["Statutory period"] == "Not applicable"
    assert teacher["Basis for keeping after withdrawal"] == "Not applicable"


def test_xlsx_transfers_providers_and_sub_processors(documents: dict[str, Any]) -> None:
    workbook = documents["xlsx"]
    transfers = _rows(workbook, "Transfers", **{"Activity id": "kids-app"})
    derogation = [t for t in transfers if t["Art. 49 derogation"] != NOT_STATED]
    assert len(derogation) == 1
    [second] = derogation
    assert second["Art. 49 derogation"] == "Art. 49(1), second subparagraph"
    assert second["Justification or safeguards"] == SAFEGUARDS_49
    assert second["Art. 49(1) 2nd subpara.: not repetitive"] == "Yes"
    assert second["Art. 49(1) 2nd subpara.: data subjects"] == SUBJECTS_49
    assert second["Art. 49(1) 2nd subpara.: SA informed"] == dt.datetime(2026, 5, 2)
    assert second["Art. 49(1) 2nd subpara.: data subjects informed"] == INFORMED_49
    [adequacy] = [t for t in transfers if t is not second]
    assert adequacy["Art. 49(1) 2nd subpara.: data subjects"] == "Not applicable"

    [kappa] = _rows(workbook, "Providers", **{"Provider id": "kappa"})
    assert kappa["Data kept by the processor at most"] == "90 days (P90D)"
    assert kappa["Clause 1 option (2021/915)"] == "Option 1: Article 28(3) and (4) of Regulation (EU) 2016/679"
    assert kappa["Assistance to the controller (2021/915 Clauses 8, 9)"] == ASSISTANCE
    assert kappa["Transfer mechanisms"].endswith("importer acceded through Clause 7 (signed Annex I.A) on 2026-03-15")

    [backup] = _rows(workbook, "Sub-processors", **{"Sub-processor id": "backup"})
    assert backup["Contact person"] == "Max Muster, DPO\ndpo@backup.example"


def test_xlsx_same_bytes(documents: dict[str, Any]) -> None:
    from ropa.render.xlsx import render_register_xlsx

    again = render_register_xlsx(documents["register"], documents["report"])
    assert again == documents["xlsx_bytes"]
