"""Findings (ropa/check/findings.py): their JSON form, order and summary, which every reporter and document reads."""

from __future__ import annotations

import dataclasses

import pytest

from ropa.check.findings import Finding, Report, Waived
from ropa.model.common import Severity


def _finding(**changes: object) -> Finding:
    base = Finding(
        "A44-mechanism",
        "transfers.mechanism",
        Severity.ERROR,
        "no transfer mechanism",
        "providers/acme.yaml",
        24,
        5,
        ("activities", 0, "transfers", 1, "mechanism"),
        "acme",
        "billing",
        "Art. 44",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_json_form_lists_every_field_in_order_with_plain_values() -> None:
    finding = _finding()
    data = finding.to_json()
    assert list(data) == [f.name for f in dataclasses.fields(Finding)]
    assert data == {
        "rule": "A44-mechanism",
        "name": "transfers.mechanism",
        "severity": "error",
        "message": "no transfer mechanism",
        "file": "providers/acme.yaml",
        "line": 24,
        "column": 5,
        "path": "activities[0].transfers[1].mechanism",
        "provider": "acme",
        "activity": "billing",
        "article": "Art. 44",
    }
    bare = Finding("R", "n", Severity.INFO, "m", "organisation.yaml", 1, 1).to_json()
    assert (bare["path"], bare["provider"], bare["activity"], bare["article"]) == ("", None, None, "")


def test_findings_are_frozen_and_hold_no_per_instance_dict() -> None:
    finding = _finding()
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.line = 3  # type: ignore[misc]
    assert not hasattr(finding, "__dict__")  # slots: 40,000 findings are a few MB, not tens
    assert dataclasses.replace(finding, line=30).line == 30


def test_report_json_carries_waived_findings_with_their_waiver() -> None:
    reason = "accepted until the DPA is signed"
    waived = Waived(_finding(line=9), reason, "2027-01-31")
    report = Report(findings=[_finding()], waived=[waived])
    data = report.to_json()
    assert data["summary"] == {"error": 1, "warning": 0, "info": 0}
    assert data["waived"] == [{**_finding(line=9).to_json(), "waiver_reason": reason, "waiver_expires": "2027-01-31"}]
    assert report.reaches(Severity.ERROR) and report.reaches(Severity.INFO)
    assert not Report(findings=[_finding(severity=Severity.INFO)]).reaches(Severity.WARNING)
