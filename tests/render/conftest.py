"""Fixtures of the render tests: a small but complete register written to tmp_path, loaded and checked.

The register covers what the documents must show: a controller that is also a
processor, three providers (one outside the EEA with sub-processors in and out
of the EEA, one with almost nothing stated, one independent controller), special
category data, transfers with SCC modules, names in Latvian, Greek, Chinese and
Arabic, and long unbroken words that must wrap inside table cells.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ropa.check.findings import Report
from ropa.model.register import Register

LONG_WORD = "Kundendatenverarbeitungsvereinbarungsdokumentationsverzeichnisnummer" * 2
"""An unbroken 136-character word: must wrap in a table cell instead of running off the page."""

ORGANISATION: dict[str, Any] = {
    "legal_name": "Rīgas Ziņu Serviss SIA",
    "trading_name": "Ziņas",
    "country": "LV",
    "address": {"street": "Brīvības iela 1", "postal_code": "LV-1010", "city": "Rīga", "country": "LV"},
    "contact": {"name": "Privacy team", "email": "privacy@zinas.example", "phone": "+371 6000 0000"},
    "dpo": {"designated": True, "name": "Jānis Bērziņš", "position": "DPO", "email": "dpo@zinas.example"},
    "lead_supervisory_authority": "Datu valsts inspekcija",
    "roles": ["controller", "processor"],
    "employees": 120,
    "record": {"version": "2026.3", "date": "2026-11-01", "title": "Record of processing activities"},
    "processor_activities": [
        {
            "id": "white-label-sms",
            "controller": "Ελληνικά Καταστήματα Α.Ε.",
            "controller_contact": "privacy@katastimata.example",
            "categories_of_processing": ["SMS delivery on behalf of the controller", "Delivery reports"],
            "security_measures": [{"kind": "transmission", "measure": "TLS 1.3 between the controller and us"}],
        }
    ],
}

ALPHA: dict[str, Any] = {
    "id": "alpha",
    "legal_name": "Alpha Messaging Inc.",
    "country": "US",
    "role": "processor",
    "service": "CPaaS SMS delivery",
    "address": {"street": "1 Main Street", "city": "Miami", "postal_code": "33172", "country": "US"},
    "contacts": [{"name": "Legal", "email": "legal@alpha.example"}],
    "contract": {
        "title": "Alpha Data Processing Addendum",
        "version": "3.1",
        "signed": "2026-02-01",
        "nature": "Storage and transmission of SMS messages",
        "duration": "For the term of the main agreement",
        "subject_matter": "Delivery of transactional SMS",
        "art28": {
            "a": {"covered": True, "section": "§2.1"},
            "b": {"covered": True, "section": "§4"},
            "c": {"covered": False, "note": "Refers to a security page only"},
        },
    },
    "data_locations": ["US", "DE"],
    "mechanisms": [{"type": "scc_2021_914", "modules": [2], "competent_authority": "Datu valsts inspekcija"}],
    "toms": [
        {"kind": "encryption", "measure": "AES-256 for stored messages"},
        {"kind": "transmission", "measure": "TLS 1.3 for all API traffic"},
    ],
    "sub_processor_authorisation": {"type": "general", "notice_period": "P30D", "objection_channel": "e-mail"},
    "sub_processors": [
        {"id": "aws", "name": "Amazon Web Services EMEA SARL", "country": "DE", "service": "Hosting"},
        {
            "id": "shenzhen",
            "name": "深圳短信科技有限公司",
            "country": "CN",
            "service": "SMS routing in China",
            "mechanism": {"type": "scc_2021_914", "modules": [3]},
        },
        {"id": "carriers", "category": "Telecom carriers", "service": "Final delivery to handsets"},
    ],
    "activities": [
        {
            "id": "otp",
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
            "data_subjects": [{"name": "Customers with an account"}],
            "data_categories": [
                {
                    "id": "phone",
                    "name": "Mobile phone number",
                    "retention": {
                        "kind": "duration",
                        "duration": "P30D",
                        "trigger_event": "delivery",
                        "end_action": "delete",
                    },
                },
                {"id": "health", "name": "Pharmacy order status", "special": "health", "art9_condition": "9.2.a"},
                {"id": "ref", "name": LONG_WORD},
            ],
            "recipients": [{"provider": "alpha", "role": "processor", "data_shared": ["phone number", "message text"]}],
            "transfers": [
                {
                    "country": "US",
                    "recipient": "alpha",
                    "frequency": "continuous",
                    "data_categories": ["phone"],
                    "mechanism": {
                        "type": "scc_2021_914",
                        "modules": [2],
                        "competent_authority": "Datu valsts inspekcija",
                    },
                }
            ],
            "security_measures": [{"kind": "minimisation", "measure": "Only the phone number leaves our systems"}],
            "dpia_required": False,
            "owner": "Head of Security",
            "last_reviewed": "2026-10-01",
            "source": "Alpha privacy policy §2",
        }
    ],
}

BETA: dict[str, Any] = {
    "id": "beta",
    "legal_name": "Bērziņa Ziņapmaiņa SIA",
    "country": "LV",
    "role": "processor",
    "service": "Bulk SMS gateway",
    "activities": [
        {
            "id": "marketing",
            "name": "Marketing SMS",
            "purposes": [{"description": "Send offers by SMS to customers who opted in", "lawful_basis": "6.1.a"}],
        }
    ],
}

GAMMA: dict[str, Any] = {
    "id": "gamma",
    "legal_name": "شركة الرسائل القصيرة",
    "country": "AE",
    "role": "independent_controller",
    "service": "Carrier in the United Arab Emirates",
}


def register_files() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Fresh copies of the organisation and providers (tests may change them)."""
    return copy.deepcopy(ORGANISATION), {p["id"]: copy.deepcopy(p) for p in (ALPHA, BETA, GAMMA)}


def write_register(root: Path, organisation: dict[str, Any], providers: dict[str, dict[str, Any]]) -> Path:
    """Write a register folder (same YAML form every time, so the same data gives the same files)."""
    import yaml

    (root / "providers").mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(organisation, allow_unicode=True, sort_keys=False)
    (root / "organisation.yaml").write_text(text, "utf-8")
    for pid, data in providers.items():
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (root / "providers" / f"{pid}.yaml").write_text(text, "utf-8")
    return root


def load(root: Path) -> tuple[Register, Report]:
    """Load and check a register folder as ``ropa build`` does."""
    from ropa.pipeline import load_and_check_for_documents

    return load_and_check_for_documents(root)


@pytest.fixture
def small_register(tmp_path: Path) -> tuple[Register, Report]:
    """The small register above, written to tmp_path, loaded and checked."""
    organisation, providers = register_files()
    return load(write_register(tmp_path / "register", organisation, providers))


@pytest.fixture(scope="session")
def small_register_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Register, Report, bytes]:
    """The small register rendered once per session (rendering is the slow part)."""
    from ropa.render.pdf import render_register_pdf

    organisation, providers = register_files()
    register, report = load(write_register(tmp_path_factory.mktemp("small") / "register", organisation, providers))
    return register, report, render_register_pdf(register, report, None)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, as pdftotext extracts it (layout off, so table cells stay whole)."""
    import subprocess

    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text with all whitespace and bidi embedding marks removed, to find phrases that wrapped across lines."""
    return "".join(text.replace("\u202b", "").replace("\u202c", "").split())


def word_boxes(pdf: bytes, folder: Path) -> tuple[float, float, list[tuple[float, float, float, float, str]]]:
    """Page width and height and every word's box (xMin, yMin, xMax, yMax, text), from ``pdftotext -bbox``."""
    import re
    import subprocess

    path = folder / "words.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout.decode()
    width, height = (float(v) for v in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">', html)[0])
    words = [
        (float(a), float(b), float(c), float(d), text)
        for a, b, c, d, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html
        )
    ]
    return width, height, words


TODAY = dt.date(2026, 11, 1)
