"""Findings, the PDF register, the annex and the XLSX say the same of each transfer.

Each document used to work out a transfer's destination, EEA status and mechanism for itself, and the
copies disagreed. They now read :mod:`ropa.model.facts` and :mod:`ropa.model.labels`; this test builds
a register whose transfers have an unknown destination, a UK exporter, an Art. 49 derogation and an
invalid mechanism, then reads every document back and compares.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from ropa.cli import main
from ropa.model.labels import MECHANISM_LABELS
from ropa.model.transfer import MechanismType

PURPOSE = [{"description": "Delivery of one-time passcodes by SMS", "lawful_basis": "6.1.b"}]

TRANSFERS: dict[str, dict[str, Any]] = {
    "scc": {"country": "US", "recipient": "acme", "mechanism": {"type": "scc_2021_914", "modules": [2]}},
    "unknown": {"recipient": "acme"},
    "uk": {"country": "US", "recipient": "acme", "origin_regime": "UK", "mechanism": {"type": "bcr"}},
    "derogation": {
        "country": "BR",
        "recipient": "acme",
        "mechanism": {"type": "derogation", "derogation": "49.1.b", "justification": "A booking the subject asked for"},
    },
    "shield": {"country": "US", "recipient": "acme", "mechanism": {"type": "privacy_shield"}},
}
"""One activity per transfer, so each row of each document can be told apart by its activity."""

EXPECTED: dict[str, tuple[str, bool, str | None]] = {
    "scc": ("United States (US)", True, MECHANISM_LABELS[MechanismType.SCC_2021_914]),
    "unknown": ("Not recorded", False, None),
    "uk": ("United States (US)", True, MECHANISM_LABELS[MechanismType.BCR]),
    "derogation": ("Brazil (BR)", True, MECHANISM_LABELS[MechanismType.DEROGATION]),
    "shield": ("United States (US)", True, MECHANISM_LABELS[MechanismType.PRIVACY_SHIELD]),
}
"""Destination as printed, whether it is marked as outside the EEA, and the mechanism's label."""


def _provider() -> dict[str, Any]:
    activities = [
        {
            "id": f"act-{key}",
            "name": f"Activity {key}",
            "purposes": PURPOSE,
            "data_subjects": [{"name": "Customers"}],
            "data_categories": [{"id": "phone", "name": "Mobile phone number"}],
            "recipients": [{"provider": "acme", "role": "processor"}],
            "transfers": [transfer],
        }
        for key, transfer in TRANSFERS.items()
    ]
    return {
        "id": "acme",
        "legal_name": "Acme Messaging Inc.",
        "country": "US",
        "role": "processor",
        "service": "SMS delivery",
        "activities": activities,
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Validate and build the register once; keep the findings and the text of every document."""
    import json

    import yaml

    from tests.conftest import MINIMAL_ORGANISATION

    root = tmp_path_factory.mktemp("agree")
    register = root / "register"
    (register / "providers").mkdir(parents=True)
    (register / "organisation.yaml").write_text(yaml.safe_dump(MINIMAL_ORGANISATION, sort_keys=False), "utf-8")
    (register / "providers" / "acme.yaml").write_text(yaml.safe_dump(_provider(), sort_keys=False), "utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", str(register), "--format", "json", "--fail-on", "never"])
    assert checked.exit_code == 0, checked.output
    out = root / "out"
    done = runner.invoke(main, ["build", str(register), "--out", str(out), "--no-cache"])
    assert done.exit_code == 0, done.output
    return {
        "findings": json.loads(checked.stdout)["findings"],
        "pdf": _pdf_text(out / "register.pdf"),
        "annex": _pdf_text(out / "annexes" / "acme.pdf"),
        "xlsx": out / "register.xlsx",
    }


def _pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


def _xlsx_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    header_at = next(i for i, row in enumerate(rows) if row and "Activity id" in row)
    header = [str(cell) for cell in rows[header_at]]
    return [dict(zip(header, row, strict=False)) for row in rows[header_at + 1 :] if any(row)]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("key", list(TRANSFERS))
def test_xlsx_cells_state_the_facts(built: dict[str, Any], key: str) -> None:
    destination, _outside, label = EXPECTED[key]
    [row] = [r for r in _xlsx_rows(built["xlsx"], "Transfers") if r["Activity id"] == f"act-{key}"]
    assert row["Destination"] == destination
    assert row["Export regime"] == TRANSFERS[key].get("origin_regime", "EU")
    if label is None:
        assert row["Mechanism"] == "Not recorded"
    else:
        assert _flat(str(row["Mechanism"])).startswith(label)


def _transfers_of(pdf: str, key: str) -> str:
    """The register's transfer table of activity ``key`` (its section starts with the activity's id)."""
    heading = re.escape(f"Activity {key} Activity act-{key} ")
    table = re.escape("Transfers to third countries (Art. 30(1)(e))")
    found = re.search(rf"{heading}.*?{table}(.*?)Technical and organisational measures", pdf)
    assert found, f"no transfer table for activity {key}"
    return found.group(1)


@pytest.mark.parametrize("key", list(TRANSFERS))
def test_pdf_register_states_the_facts(built: dict[str, Any], key: str) -> None:
    from ropa.render.text import UNKNOWN_LOCATION

    destination, outside, label = EXPECTED[key]
    table = _transfers_of(built["pdf"], key)
    row = table.split("Frequency, data, TIA", 1)[1]
    if key == "unknown":  # the PDF says what an unknown destination means; the sheet keeps the gap word
        destination = UNKNOWN_LOCATION
        assert "outside the EEA" not in row
    assert row.strip().startswith(destination)
    assert (f"{destination} outside the EEA" in row) is outside
    if label is None:
        assert "Acme Messaging Inc. Not recorded" in row
    else:
        assert _flat(label) in row


def test_annex_lists_each_destination_once_and_names_no_placeholder(built: dict[str, Any]) -> None:
    annex: str = built["annex"]
    # The transfer with no destination says so, and does not call it outside the EEA.
    assert "Location not recorded: a transfer cannot be excluded" in " ".join(annex.split())
    assert "Destination not stated" not in annex
    assert re.search(r"\bDestination transfer declared", annex) is None  # not the bare placeholder label
    for key, (destination, _outside, label) in EXPECTED.items():
        if key == "unknown" or key == "uk":
            continue
        assert destination in annex
        assert label is not None


def _findings_of(built: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in built["findings"] if f["rule"] == rule]


def test_findings_agree_with_the_documents(built: dict[str, Any]) -> None:
    at: Callable[[dict[str, Any]], str] = lambda f: str(f.get("activity"))  # noqa: E731
    missing = {at(f) for f in _findings_of(built, "A44-mechanism")}
    assert missing == {"act-unknown"}  # the only transfer the documents print without a mechanism
    invalid = {at(f) for f in _findings_of(built, "A44-invalid-mechanism")}
    assert invalid == {"act-shield"}
    no_destination = [f for f in built["findings"] if "names no destination" in f["message"]]
    assert {at(f) for f in no_destination} == {"act-unknown"}
    # the SCC 2021/914 rules never judge the UK export
    eu_only = [f for f in built["findings"] if f["rule"].startswith("SCC914") and at(f) == "act-uk"]
    assert eu_only == []
