"""A register made to catch documents that say more than the record: unknown locations, a UK exporter,
derogations, an invalid mechanism, a vague retention. Built once per module into a PDF the tests read."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from ropa.check.findings import Report
from ropa.model.register import Register

ORGANISATION: dict[str, Any] = {
    "legal_name": "Thames Parcels Ltd",
    "country": "GB",
    "address": {"street": "1 River Road", "postal_code": "SE1 1AA", "city": "London", "country": "GB"},
    "contact": {"email": "privacy@thames.example"},
    "dpo": {"designated": True, "name": "DPO", "email": "dpo@thames.example"},
    "roles": ["controller"],
    "record": {"version": "7", "date": "2026-11-01"},
}

PURPOSE = [{"description": "Tell customers when their parcel arrives", "lawful_basis": "6.1.b"}]
SUBJECTS = [{"name": "Customers"}]

PROVIDERS: dict[str, dict[str, Any]] = {
    "shieldco": {
        "id": "shieldco",
        "legal_name": "Shield Messaging Inc.",
        "country": "US",
        "role": "processor",
        "service": "SMS delivery",
        "mechanisms": [{"type": "privacy_shield"}],
        "activities": [
            {
                "id": "arrival-sms",
                "name": "Arrival SMS",
                "purposes": PURPOSE,
                "data_subjects": SUBJECTS,
                "data_categories": [
                    {"id": "phone", "name": "Mobile phone number", "retention": {"statement": "6-24 months"}},
                ],
                "recipients": [{"provider": "shieldco", "role": "processor"}],
                "transfers": [{"country": "US", "recipient": "shieldco", "mechanism": {"type": "privacy_shield"}}],
            }
        ],
    },
    "nowhere": {
        "id": "nowhere",
        "legal_name": "Nowhere Hosting Ltd",
        "role": "processor",
        "service": "Parcel tracking pages",
        "sub_processors": [{"id": "cdn", "name": "Global CDN"}],
        "activities": [
            {
                "id": "tracking",
                "name": "Parcel tracking",
                "purposes": PURPOSE,
                "data_subjects": SUBJECTS,
                "data_categories": [
                    {
                        "id": "parcel",
                        "name": "Parcel number and address",
                        "retention": {
                            "kind": "duration",
                            "duration": "P90D",
                            "trigger_event": "delivery",
                            "end_action": "delete",
                        },
                    },
                ],
                "recipients": [{"provider": "nowhere", "role": "processor"}],
            },
            {
                "id": "abroad",
                "name": "Deliveries abroad",
                "purposes": PURPOSE,
                "data_subjects": SUBJECTS,
                "data_categories": [
                    {
                        "id": "address",
                        "name": "Delivery address",
                        "retention": {
                            "kind": "duration",
                            "duration": "P90D",
                            "trigger_event": "delivery",
                            "end_action": "delete",
                        },
                    },
                ],
                "recipients": [{"category": "Carriers abroad", "role": "controller"}],
                "transfers": [
                    {
                        "country": "BR",
                        "recipient": "Carriers abroad",
                        "mechanism": {
                            "type": "derogation",
                            "derogation": "49.1.b",
                            "justification": "The customer asked for delivery to Brazil",
                        },
                    },
                    {
                        "recipient": "Carriers abroad",
                        "mechanism": {
                            "type": "derogation",
                            "derogation": "49.1.b",
                            "justification": "The customer asked for delivery abroad",
                        },
                    },
                ],
            },
        ],
    },
    "euhost": {
        "id": "euhost",
        "legal_name": "Rhein Hosting GmbH",
        "country": "DE",
        "data_locations": ["US"],
        "role": "processor",
        "service": "Order database hosting",
        "mechanisms": [{"type": "scc_2021_914", "modules": [2]}],
    },
}


def write(root: Path) -> Path:
    """Write the register to ``root`` (same YAML every time)."""
    import yaml

    (root / "providers").mkdir(parents=True, exist_ok=True)
    (root / "organisation.yaml").write_text(yaml.safe_dump(ORGANISATION, sort_keys=False), "utf-8")
    for pid, data in PROVIDERS.items():
        (root / "providers" / f"{pid}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return root


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Register, Report, bytes]:
    """The register, its findings and its PDF."""
    from ropa.pipeline import load_and_check_for_documents
    from ropa.render.pdf import render_register_pdf

    register, report = load_and_check_for_documents(write(tmp_path_factory.mktemp("truth") / "register"))
    return register, report, render_register_pdf(register, report, None)


def pages_of(pdf: bytes) -> list[str]:
    """The text of each page (pdftotext, reading order)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def words_of(pdf: bytes, page: int) -> list[tuple[float, float, float, float, str]]:
    """Every word of page ``page`` (0-based) with its box (xMin, yMin, xMax, yMax, text), from ``pdftotext -bbox``."""
    import html
    import re

    args = ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    return [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in found]
