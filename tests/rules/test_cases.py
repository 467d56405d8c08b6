"""Runs every case of tests/rules/cases/<family>.yaml: the rule fires (where and how expected) or it does not.

Each case names a rule id, gives a minimal register (organisation and providers
as mappings, merged over the bases in conftest.py) and says whether the rule
must fire. A firing case may pin the key path (``path``), the file, a message
fragment and the effective severity of at least one finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ropa.check.findings import Report
from ropa.check.rules import catalogue
from ropa.errors import format_path

Build = Callable[..., Report]

CASES_DIR = Path(__file__).parent / "cases"
CASE_KEYS = {
    "rule",
    "about",
    "activity_files",
    "fires",
    "path",
    "file",
    "message",
    "severity",
    "organisation",
    "providers",
    "as_of",
    "select",
    "count",
}


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every case, with an id ``<file>:<index>:<rule>:<fires|passes>``."""
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text("utf-8")) or []
        for index, case in enumerate(cases):
            verdict = "fires" if case.get("fires") else "passes"
            out.append((f"{path.stem}:{index}:{case.get('rule')}:{verdict}", case))
    return out


CASES = load_cases()


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_case(case: dict[str, Any], run_rules: Build) -> None:
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"unknown case keys {unknown}"
    rule_id = case["rule"]
    assert rule_id in catalogue(), f"no rule {rule_id}"
    as_of = case.get("as_of", dt.date(2026, 11, 23))
    report = run_rules(
        {rule_id, *case.get("select", [])},
        organisation=case.get("organisation"),
        providers=case.get("providers"),
        activity_files=case.get("activity_files"),
        as_of=as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of)),
    )
    found = [f for f in report.findings if f.rule == rule_id]
    shown = [(format_path(f.path), f.severity.value, f.message) for f in found]
    if not case["fires"]:
        assert not found, f"{rule_id} fired but must not: {shown}"
        return
    assert found, f"{rule_id} did not fire"
    if "count" in case:
        assert len(found) == case["count"], shown

    def matches(f: Any) -> bool:
        return (
            ("path" not in case or format_path(f.path) == case["path"])
            and ("file" not in case or f.file == case["file"])
            and ("message" not in case or case["message"] in f.message)
            and ("severity" not in case or f.severity.value == case["severity"])
        )

    assert any(matches(f) for f in found), f"no finding matches {case}: {shown}"


def test_every_rule_has_failing_and_passing_cases() -> None:
    fires: set[str] = set()
    passes: set[str] = set()
    for _, case in CASES:
        (fires if case.get("fires") else passes).add(case["rule"])
    rules = set(catalogue())
    assert not rules - fires, f"rules without a failing case: {sorted(rules - fires)}"
    assert not rules - passes, f"rules without a passing case: {sorted(rules - passes)}"


def test_case_files_are_named_after_families() -> None:
    families = {rule.name.split(".")[0] for rule in catalogue().values()}
    for path in CASES_DIR.glob("*.yaml"):
        assert path.stem in families, f"{path.name} is not a rule family ({sorted(families)})"
    for case_id, case in CASES:
        family = catalogue()[case["rule"]].name.split(".")[0]
        assert case_id.startswith(family + ":"), f"{case_id}: {case['rule']} belongs in cases/{family}.yaml"
