"""One gap, one finding: no two findings of a check share a rule and a root cause.

The root cause of a finding is the place its fix goes to (ropa/check/rootcause.py: the key path, the
provider for Art. 28 contract and authorisation rules, the importer for mechanism rules). The example
register and every register of tests/rules/cases are checked with the whole catalogue.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from ropa.check.engine import check, load_and_check
from ropa.check.findings import Finding
from ropa.check.rootcause import RootCause, root_cause
from ropa.errors import format_path
from ropa.load.loader import load_register
from ropa.model.register import Register

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "tests" / "rules" / "cases").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 23)


def _conftest() -> Any:
    spec = importlib.util.spec_from_file_location("rule_bases", ROOT / "tests" / "rules" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def duplicates(register: Register, findings: list[Finding]) -> dict[RootCause, list[str]]:
    """Root causes shared by more than one finding, with where each of them points."""
    groups: dict[RootCause, list[str]] = defaultdict(list)
    for finding in findings:
        groups[root_cause(register, finding)].append(f"{finding.file}:{format_path(finding.path)}: {finding.message}")
    return {key: shown for key, shown in groups.items() if len(shown) > 1}


def test_the_example_reports_each_root_cause_once() -> None:
    register, report = load_and_check(ROOT / "examples" / "sms-providers", AS_OF)
    assert report.findings, "the example has known gaps; a check that finds nothing checks nothing"
    assert duplicates(register, report.findings) == {}


def _cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in CASES:
        for index, case in enumerate(yaml.safe_load(path.read_text("utf-8")) or []):
            out.append((f"{path.stem}:{index}:{case['rule']}", case))
    return out


@pytest.mark.parametrize("case", [c for _, c in _cases()], ids=[i for i, _ in _cases()])
def test_every_rule_case_reports_each_root_cause_once(case: dict[str, Any], tmp_path: Path) -> None:
    bases = _conftest()
    root = bases.write_register(tmp_path, case.get("organisation"), case.get("providers"), case.get("activity_files"))
    register = load_register(root, display_root="")
    as_of = case.get("as_of", AS_OF)
    report = check(register, as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of)))
    assert duplicates(register, report.findings) == {}


def test_two_transfers_restating_one_invalid_mechanism_are_one_finding(tmp_path: Path) -> None:
    """The review's case: Privacy Shield on the sub-processor and on the transfer to it is one reliance."""
    bases = _conftest()
    transfer = {"country": "US", "recipient": "acme/us", "mechanism": {"type": "privacy_shield"}}
    provider = {
        "sub_processors": [{"id": "us", "name": "US Inc.", "country": "US", "mechanism": {"type": "privacy_shield"}}],
        "activities": [
            {"id": "a", "name": "A", "transfers": [transfer]},
            {"id": "b", "name": "B", "transfers": [transfer]},
        ],
    }
    root = bases.write_register(tmp_path, None, [provider])
    register = load_register(root, display_root="")
    found = [f for f in check(register, AS_OF, {"A44-invalid-mechanism"}).findings]
    assert [format_path(f.path) for f in found] == ["sub_processors[0].mechanism.type"]
    assert "also covers the transfer(s) of 'a', 'b'" in found[0].message
