"""A register built to test what the annexes may assert: each provider holds one kind of fact, or its absence.

- ``usproc``: a US processor on SCCs 2021/914 Module Two with a competent authority, specific authorisation
  of sub-processors (one authorised with a date, one not), every Art. 28(3) state (covered, partly,
  missing, not recorded);
- ``ukbcr``: a UK exporter's transfer to the US on binding corporate rules (``origin_regime: UK``);
- ``derog``: a transfer on an Art. 49(1)(a) derogation, general authorisation with a notice period;
- ``nowhere``: no country, no authorisation, sub-processors named only by category, no location;
- ``fourth``: SCCs 2021/914 on Module Four only, where Clause 13 and so Annex I.C do not exist.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ropa.check.findings import Report
from ropa.model.register import Register

ORGANISATION: dict[str, Any] = {
    "legal_name": "Testwerk GmbH",
    "country": "DE",
    "address": {"street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
    "contact": {"name": "Privacy team", "email": "privacy@testwerk.example"},
    "dpo": {"designated": True, "name": "Eva Muster", "email": "dpo@testwerk.example"},
    "lead_supervisory_authority": "Berliner Beauftragte für Datenschutz und Informationsfreiheit",
    "roles": ["controller"],
    "employees": 80,
    "record": {"version": "1.0", "date": "2026-11-01", "title": "Record of processing activities"},
}


def _activity(aid: str, name: str, transfers: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": aid,
        "name": name,
        "purposes": [{"description": f"Purpose of {name}", "lawful_basis": "6.1.b"}],
        "data_subjects": [{"name": "Customers"}],
        "data_categories": [
            {"id": "contact", "name": "Contact details", "retention": {"kind": "duration", "duration": "P1Y"}}
        ],
        "transfers": transfers,
        "last_reviewed": "2026-10-01",
    }


USPROC: dict[str, Any] = {
    "id": "usproc",
    "legal_name": "Usproc Inc.",
    "country": "US",
    "role": "processor",
    "service": "Hosting",
    "contract": {
        "title": "Usproc DPA",
        "signed": "2026-01-15",
        "based_on": "scc_2021_914",
        "nature": "Storage",
        "subject_matter": "Hosting of the shop",
        "duration": "For the term of the main agreement",
        "assistance_measures": "Ticket queue for data subject requests answered within 5 working days",
        "art28": {
            "a": {"status": "covered", "section": "§2"},
            "b": {"status": "partly", "section": "§3", "note": "Contractors are not bound"},
            "c": {"covered": False, "note": "No security clause"},
        },
    },
    "mechanisms": [{"type": "scc_2021_914", "modules": [2], "competent_authority": "Berliner Beauftragte"}],
    "sub_processor_authorisation": {"type": "specific", "notice_period": "P14D"},
    "sub_processors": [
        {"id": "dc", "name": "Datacenter One SE", "country": "DE", "service": "Racks", "authorised_on": "2026-01-20"},
        {"id": "later", "name": "Later Ltd", "country": "IE", "service": "Backups"},
    ],
    "activities": [_activity("shop", "Web shop hosting", [])],
}

UKBCR: dict[str, Any] = {
    "id": "ukbcr",
    "legal_name": "UK BCR Group plc",
    "country": "GB",
    "role": "processor",
    "service": "Payroll",
    "activities": [
        _activity(
            "payroll",
            "Payroll of the UK branch",
            [
                {
                    "country": "US",
                    "recipient": "ukbcr",
                    "origin_regime": "UK",
                    "mechanism": {"type": "bcr", "approving_authority": "ICO"},
                }
            ],
        )
    ],
}

DEROG: dict[str, Any] = {
    "id": "derog",
    "legal_name": "Derog Pty Ltd",
    "country": "AU",
    "role": "processor",
    "service": "Event tickets",
    "sub_processor_authorisation": {"type": "general", "notice_period": "P30D", "objection_channel": "e-mail"},
    "sub_processors": [{"id": "mail", "name": "Mailer AU", "country": "AU", "service": "E-mail"}],
    "activities": [
        _activity(
            "tickets",
            "Event tickets",
            [
                {
                    "country": "AU",
                    "recipient": "derog",
                    "mechanism": {"type": "derogation", "derogation": "49.1.a", "justification": "Consent"},
                }
            ],
        )
    ],
}

NOWHERE: dict[str, Any] = {
    "id": "nowhere",
    "legal_name": "Nowhere Messaging",
    "role": "processor",
    "service": "SMS",
    "sub_processors": [{"id": "dcs", "category": "Datacenters"}, {"id": "carriers", "category": "Carriers"}],
    "activities": [_activity("sms", "SMS notices", [{"recipient": "nowhere"}])],
}

FOURTH: dict[str, Any] = {
    "id": "fourth",
    "legal_name": "Fourth Module Corp.",
    "country": "US",
    "role": "processor",
    "service": "Returns data to its controller",
    "mechanisms": [{"type": "scc_2021_914", "modules": [4]}],
    "activities": [_activity("returns", "Returns to the controller", [])],
}

PROVIDERS = (USPROC, UKBCR, DEROG, NOWHERE, FOURTH)


def write_register(root: Path) -> Path:
    """Write the register into ``root`` (the same files every time)."""
    import yaml

    (root / "providers").mkdir(parents=True, exist_ok=True)
    (root / "organisation.yaml").write_text(yaml.safe_dump(ORGANISATION, allow_unicode=True, sort_keys=False), "utf-8")
    for provider in PROVIDERS:
        text = yaml.safe_dump(copy.deepcopy(provider), allow_unicode=True, sort_keys=False)
        (root / "providers" / f"{provider['id']}.yaml").write_text(text, "utf-8")
    return root


@pytest.fixture(scope="session")
def truth_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The register's folder."""
    return write_register(tmp_path_factory.mktemp("truth") / "register")


@pytest.fixture(scope="session")
def truth(truth_root: Path) -> tuple[Register, Report]:
    """The register, loaded and checked as ``ropa build`` does."""
    from ropa.pipeline import load_and_check_for_documents

    return load_and_check_for_documents(truth_root)


@pytest.fixture(scope="session")
def annex_texts(truth: tuple[Register, Report]) -> dict[str, str]:
    """Each provider's annex, rendered to PDF and read back as text."""
    from ropa.render.annexes import render_annex_pdf
    from tests.render.conftest import pdf_text

    register, report = truth
    return {p["id"]: pdf_text(render_annex_pdf(register, p["id"], report)) for p in PROVIDERS}
