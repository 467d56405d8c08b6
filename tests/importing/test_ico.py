"""ICO templates: a messy controller sheet and a processor sheet imported, loaded and validated."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.importing.conftest import run
from tests.importing.fixtures import ico_processor_rows, ico_rows, workbook

ROWS = [
    {
        "Business function": "Sales",
        "Purpose of processing": "Send order confirmations to customers by e-mail",
        "Categories of individuals": "Customers",
        "Categories of personal data": "Name; E-mail address\nOrder history",
        "Categories of recipients": "Mail service provider",
        "Names of third countries or international organisations that personal data are transferred to": "USA",
        "Safeguards for exceptional transfers of personal data to third countries or international organisations": (
            "Standard contractual clauses"
        ),
        "Retention schedule": "6 years from the last order",
        "General description of technical and organisational security measures": "Encryption at rest\nGood practice",
        "Article 6 lawful basis for processing personal data": "Contract",
        "Data Protection Impact Assessment required": "no",
        "Has a personal data breach occurred": "No",
        "Extra notes": "see wiki",
    },
    {},  # a blank row
    {
        "Purpose of processing": "Marketing",
        "Article 6 lawful basis for processing personal data": "Consent",
        "Data Protection Impact Assessment required": "Y",
        "Is personal data retained and erased in accordance with the policy document": "YES",
        "Retention schedule": "as long as necessary",
    },
]


def _book(tmp_path: Path) -> Path:
    return workbook(
        tmp_path / "ico.xlsx",
        {
            "Notes": [["Green headings are required"]],
            "Template": ico_rows(ROWS, extra=["Extra notes"]),
            "Processor": ico_processor_rows(
                [{"Name and contact details of controller": "Big Co", "Categories of processing": "Payroll"}]
            ),
        },
    )


def test_import_maps_the_columns_and_keeps_the_rest_as_comments(tmp_path: Path) -> None:
    out = tmp_path / "reg"
    result = run("import", str(_book(tmp_path)), "--from", "ico", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "not verified" in result.stderr
    text = (out / "activities" / "ico-template.yaml").read_text(encoding="utf-8")
    assert "# Not mapped, column 'Extra notes': see wiki" in text
    assert "# Not mapped, column 'Has a personal data breach occurred': No" in text
    assert "# Security measure not imported (no measure type recognised): Good practice" in text
    first, second = yaml.safe_load(text)["activities"]
    assert first["source"].endswith("ico.xlsx, Template, row 10")
    assert second["source"].endswith("ico.xlsx, Template, row 12")  # the blank row 11 skipped
    assert first["purposes"][0]["lawful_basis"] == "6.1.b"
    assert [c["name"] for c in first["data_categories"]] == ["Name", "E-mail address", "Order history"]
    assert first["transfers"][0]["country"] == "US"
    assert first["transfers"][0]["mechanism"]["type"] == "scc_unspecified"
    assert first["retention"]["duration"] == "P6Y"
    assert first["dpia_required"] is False and second["dpia_required"] is True
    assert second["follows_retention_policy"] is True
    assert second["retention"] == {"statement": "as long as necessary", "source": second["source"]}
    org = yaml.safe_load((out / "organisation.yaml").read_text(encoding="utf-8"))
    assert org["legal_name"] == "Acme Retail Ltd" and org["country"] == "GB"
    assert org["processor_activities"][0]["controller"] == "Big Co"
    report = run("validate", str(out), "--format", "json", "--fail-on", "never")
    assert report.exit_code == 0, report.output
    rules = {f["rule"] for f in json.loads(report.stdout)["findings"]}
    vague = [f for f in json.loads(report.stdout)["findings"] if f["rule"] == "A5-1-e-retention-vague"]
    assert rules and any(f.get("activity") == "marketing" for f in vague), vague


def test_dry_run_prints_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "reg"
    result = run("import", str(_book(tmp_path)), "--from", "ico", "--out", str(out), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "--- organisation.yaml\n" in result.stdout and "--- activities/ico-template.yaml\n" in result.stdout
    assert not out.exists()


def test_country_from_the_command_line_when_the_header_block_has_none(tmp_path: Path) -> None:
    rows = ico_rows(ROWS[:1])
    rows[1] = ["Address", "1 High Street, Springfield"]
    book = workbook(tmp_path / "ico.xlsx", {"Template": rows})
    out = tmp_path / "reg"
    refused = run("import", str(book), "--from", "ico", "--out", str(out))
    assert refused.exit_code == 2 and "give it with --country" in refused.stderr and not out.exists()
    done = run("import", str(book), "--from", "ico", "--out", str(out), "--country", "ie")
    assert done.exit_code == 0, done.output
    assert yaml.safe_load((out / "organisation.yaml").read_text(encoding="utf-8"))["country"] == "IE"
    wrong = run("import", str(book), "--from", "ico", "--out", str(tmp_path / "other"), "--country", "ZZ")
    assert wrong.exit_code == 2 and "'ZZ' is not an ISO 3166-1 alpha-2 code" in wrong.stderr
