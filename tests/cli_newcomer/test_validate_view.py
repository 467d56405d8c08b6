"""'ropa validate --summary' and '--severity': counts by rule, fewer findings, the exit code unchanged."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from ropa.cli import main
from ropa.cli.options import SUMMARY_FORMATS
from ropa.report import view

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sms-providers"
AS_OF = "2026-12-01"


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("validate") / "register"
    shutil.copytree(EXAMPLE, target)
    return target


def run(register: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", str(register), "--as-of", AS_OF, *args])
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def findings(register: Path) -> list[dict[str, str]]:
    code, out = run(register, "--format", "json")
    assert code == 1
    found: list[dict[str, str]] = json.loads(out)["findings"]
    assert {f["severity"] for f in found} == {"error", "warning", "info"}, "the example should hold all three"
    return found


def test_summary_counts_by_rule_and_severity(register: Path, findings: list[dict[str, str]]) -> None:
    code, out = run(register, "--summary")
    assert code == 1  # --fail-on error still judges every finding
    lines = out.splitlines()
    assert lines[0].split() == ["rule", "severity", "count"]
    rows = [line.split() for line in lines[1:-1]]
    counted = {(r[0], r[2]): int(r[3]) for r in rows}
    assert counted == Counter((f["rule"], f["severity"]) for f in findings)
    ranks = [(-view.RANK[r[2]], -int(r[3]), r[0]) for r in rows]
    assert ranks == sorted(ranks), "errors first, then the most frequent"
    totals = Counter(f["severity"] for f in findings)
    assert lines[-1] == (
        f"{len(findings)} finding(s): {totals['error']} error(s), {totals['warning']} warning(s), {totals['info']} info"
    )
    assert not any(":" in line.split()[0] for line in lines[1:-1]), "no finding lines in the summary"


def test_summary_as_json(register: Path, findings: list[dict[str, str]]) -> None:
    code, out = run(register, "--summary", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["total"] == len(findings)
    assert sum(r["count"] for r in data["by_rule"]) == len(findings)
    assert data["summary"] == dict(Counter(f["severity"] for f in findings))
    assert "findings" not in data and "not_shown" not in data


def test_severity_shows_only_that_level_and_above(register: Path, findings: list[dict[str, str]]) -> None:
    code, out = run(register, "--severity", "warning")
    assert code == 1
    lines = out.splitlines()
    severities = Counter(line.split()[1] for line in lines[:-1])
    assert severities == Counter(f["severity"] for f in findings if f["severity"] != "info")
    info = sum(f["severity"] == "info" for f in findings)
    assert lines[-1].endswith(f"; not shown: {info} info")
    code, out = run(register, "--severity", "error", "--format", "json")
    data = json.loads(out)
    assert {f["severity"] for f in data["findings"]} == {"error"}
    assert data["not_shown"]["warning"] == sum(f["severity"] == "warning" for f in findings)
    code, out = run(register, "--severity", "error", "--format", "sarif")
    levels = {r["level"] for r in json.loads(out)["runs"][0]["results"]}
    assert levels == {"error"}


def test_exit_code_follows_fail_on_over_hidden_findings_too(register: Path, findings: list[dict[str, str]]) -> None:
    warnings = sum(f["severity"] == "warning" for f in findings)
    code, out = run(register, "--severity", "error", "--summary", "--fail-on", "warning")
    assert code == 1
    assert f"{warnings} warning not shown" in out.splitlines()[-1]
    code, _ = run(register, "--severity", "error", "--fail-on", "never")
    assert code == 0


def test_summary_refuses_list_only_formats(register: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(register), "--summary", "--format", "junit"])
    assert result.exit_code == 2
    assert "--summary works with --format text or json, not junit" in result.output
    assert SUMMARY_FORMATS == view.SUMMARY_FORMATS
