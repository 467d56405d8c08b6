"""No silent gaps: an empty record fails, and a sub-processor with no country is reported, never read as
'no transfer'."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ropa.check.engine import check
from ropa.cli import main
from ropa.load.loader import load_register

ROOT = Path(__file__).resolve().parents[2]


def _bases() -> Any:
    spec = importlib.util.spec_from_file_location("rule_bases", ROOT / "tests" / "rules" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_empty_register_fails_validation(tmp_path: Path) -> None:
    root = _bases().write_register(tmp_path / "empty", None, [])
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1, result.output
    assert "organisation.yaml:1:1: error A30-record-empty the record holds no processing activity" in result.output


def test_a_sub_processor_with_no_country_is_a_finding_not_a_pass(tmp_path: Path) -> None:
    provider = {
        "sub_processors": [{"id": "group", "category": "Group entities worldwide"}],
        "activities": [
            {"id": "otp", "name": "OTP", "recipients": [{"provider": "acme/group", "role": "sub_processor"}]}
        ],
    }
    root = _bases().write_register(tmp_path / "r", None, [provider])
    report = check(load_register(root, display_root=""), dt.date(2026, 11, 23))
    found = [f for f in report.findings if f.rule == "A44-unknown-location"]
    assert [(f.file, f.severity.value) for f in found] == [("providers/acme.yaml", "warning")]
    assert "'group'" in found[0].message and "no transfer can be ruled out" in found[0].message
