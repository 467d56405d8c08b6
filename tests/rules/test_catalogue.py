"""The catalogue as a whole: ids and names, the registry's refusals, overrides, waivers and the CLI."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from click.testing import CliRunner

import ropa.check.rules
from ropa.check.findings import Report
from ropa.check.rules import catalogue
from ropa.check.rules import quality as quality_module
from ropa.cli import main
from ropa.model.common import Severity

Build = Callable[..., Report]
ID = re.compile(r"^(A\d+(-\d+)?(-[a-z])?(-[a-z0-9]+)+|(VAL|SCC914|SCC915|CHILD|REF|REVIEW|DATA|WAIVER)(-[a-z0-9]+)+)$")
NO_TOMS = {"activities": [{"id": "otp", "name": "OTP"}]}
"""A provider whose one activity has no security measures: A30-1-g-toms fires once."""


def test_ids_names_and_families() -> None:
    rules = catalogue()
    assert len(rules) >= 55
    for rule_id, rule in rules.items():
        assert ID.match(rule_id), rule_id
        assert rule.id == rule_id
        family = rule.name.split(".")[0]
        families = {"completeness", "quality", "lawfulness", "transfers", "processors", "roles", "freshness", "waivers"}
        assert family in families
    for required in (
        "A44-invalid-mechanism",
        "A30-1-f-retention",
        "A44-mechanism",
        "A5-1-e-retention-vague",
        "A6-1-basis",
        "A30-1-d-recipients-vague",
        "SCC914-version-module",
        "A45-us-dpf-certification",
        "REF-orphan",
        "WAIVER-expired",
        "WAIVER-unused",
    ):
        assert required in rules


def _fresh_catalogue() -> dict[str, ropa.check.rules.Rule]:
    rules: dict[str, ropa.check.rules.Rule] = ropa.check.rules.catalogue.__wrapped__()
    return rules


def test_duplicate_id_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    first = quality_module.RULES[0]
    twin = dataclasses.replace(first, name="quality.twin")
    monkeypatch.setattr(quality_module, "RULES", [*quality_module.RULES, twin])
    with pytest.raises(RuntimeError, match=f"rule id {first.id} is defined twice"):
        _fresh_catalogue()


def test_duplicate_name_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    first = quality_module.RULES[0]
    twin = dataclasses.replace(first, id="VAL-twin")
    monkeypatch.setattr(quality_module, "RULES", [*quality_module.RULES, twin])
    with pytest.raises(RuntimeError, match=f"rule name {first.name} is defined twice"):
        _fresh_catalogue()


def test_retired_id_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ropa.check.rules.RETIRED, "A6-1-basis", "split in two")
    with pytest.raises(RuntimeError, match="A6-1-basis is defined twice or retired"):
        _fresh_catalogue()


def test_severity_override_changes_severity(run_rules: Build) -> None:
    plain = run_rules({"A30-1-g-toms"}, providers=[NO_TOMS])
    assert [f.severity for f in plain.findings] == [Severity.ERROR]
    lowered = run_rules(
        {"A30-1-g-toms"},
        organisation={"settings": {"severity_overrides": {"A30-1-g-toms": "info"}}},
        providers=[NO_TOMS],
    )
    assert [f.severity for f in lowered.findings] == [Severity.INFO]
    assert not lowered.reaches(Severity.WARNING)


def test_severity_override_off_disables_the_rule(run_rules: Build) -> None:
    report = run_rules(
        {"A30-1-g-toms", "A30-1-b-purpose"},
        organisation={"settings": {"severity_overrides": {"A30-1-g-toms": "off"}}},
        providers=[NO_TOMS],
    )
    assert not [f for f in report.findings if f.rule == "A30-1-g-toms"]
    assert "A30-1-g-toms" not in report.rules_run
    assert "A30-1-b-purpose" in report.rules_run


def test_override_beats_a_rules_own_severity_for_one_case(run_rules: Build) -> None:
    # A30-1-a-dpo lowers itself to warning when the DPO status is undeclared; an override still wins.
    report = run_rules(
        {"A30-1-a-dpo"}, organisation={"dpo": None, "settings": {"severity_overrides": {"A30-1-a-dpo": "info"}}}
    )
    assert [f.severity for f in report.findings] == [Severity.INFO]


def test_waiver_applies_and_keeps_the_finding_on_record(run_rules: Build) -> None:
    waiver = {
        "rule": "A30-1-g-toms",
        "provider": "acme",
        "activity": "otp",
        "reason": "Annex requested",
        "expires": "2027-01-01",
    }
    report = run_rules({"A30-1-g-toms"}, organisation={"settings": {"waivers": [waiver]}}, providers=[NO_TOMS])
    assert report.findings == []
    assert [(w.finding.rule, w.reason, w.expires) for w in report.waived] == [
        ("A30-1-g-toms", "Annex requested", "2027-01-01")
    ]


def test_expired_waiver_no_longer_applies_and_is_reported(run_rules: Build) -> None:
    waiver = {"rule": "A30-1-g-toms", "reason": "Annex requested", "expires": "2026-01-31"}
    report = run_rules({"A30-1-g-toms"}, organisation={"settings": {"waivers": [waiver]}}, providers=[NO_TOMS])
    assert sorted(f.rule for f in report.findings) == ["A30-1-g-toms", "WAIVER-expired"]
    expired = next(f for f in report.findings if f.rule == "WAIVER-expired")
    assert expired.name == "waivers.expired"
    assert expired.file == "organisation.yaml" and expired.line > 1
    assert report.waived == []


def test_unused_waiver_is_reported(run_rules: Build) -> None:
    waiver = {"rule": "A30-1-g-toms", "reason": "Annex requested", "expires": "2027-01-01"}
    with_toms = {**NO_TOMS, "toms": [{"kind": "logging", "measure": "API calls logged"}]}
    report = run_rules({"A30-1-g-toms"}, organisation={"settings": {"waivers": [waiver]}}, providers=[with_toms])
    assert [(f.rule, f.severity) for f in report.findings] == [("WAIVER-unused", Severity.WARNING)]


def test_meta_findings_follow_overrides(run_rules: Build) -> None:
    waivers = [
        {"rule": "A30-1-g-toms", "reason": "old", "expires": "2026-01-31"},
        {"rule": "A30-1-b-purpose", "reason": "unused", "expires": "2027-01-31"},
    ]
    settings = {"waivers": waivers, "severity_overrides": {"WAIVER-expired": "off", "WAIVER-unused": "error"}}
    with_purpose = {"activities": [{"id": "otp", "name": "OTP", "purposes": [{"description": "Deliver login codes"}]}]}
    report = run_rules({"A30-1-b-purpose"}, organisation={"settings": settings}, providers=[with_purpose])
    assert [(f.rule, f.severity) for f in report.findings] == [("WAIVER-unused", Severity.ERROR)]


def test_selected_run_reports_only_its_own_expired_waivers(run_rules: Build) -> None:
    waiver = {"rule": "A30-1-g-toms", "reason": "old", "expires": "2026-01-31"}
    report = run_rules({"A30-1-b-purpose"}, organisation={"settings": {"waivers": [waiver]}})
    assert report.findings == []


def test_cli_explains_meta_and_ordinary_rules() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["rules", "WAIVER-expired"])
    assert result.exit_code == 0, result.output
    assert "waivers.expired" in result.output and "emitted by the checker" in result.output
    assert "expires: 2026-01-31" in result.output
    result = runner.invoke(main, ["rules", "transfers.invalid-mechanism"])
    assert result.exit_code == 0 and "A44-invalid-mechanism" in result.output and "privacy_shield" in result.output
    listing = runner.invoke(main, ["rules"])
    assert all(rule_id in listing.output for rule_id in catalogue())
