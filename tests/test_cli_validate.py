"""'ropa validate' and 'ropa rules' through the command line: exit codes, messages, outputs.

Registers are written to tmp_path; findings are made deterministic with ``--rule``
on one rule (other rules are being added all the time) plus severity overrides and
waivers, which the checker applies whatever the catalogue holds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ropa.check.rules import catalogue
from ropa.cli import main
from ropa.report import FORMATS
from ropa.util.fsutil import TMP_PREFIX

RULE = "A30-1-b-purpose"
"""An activity without purposes fails it: the one rule these tests lean on."""

ORGANISATION = """\
legal_name: Test GmbH
country: DE
record:
  version: "1"
  date: 2026-11-01
"""

PROVIDER = """\
id: acme
legal_name: Acme Ltd
country: DE
role: processor
service: SMS delivery
activities:
  - id: otp
    name: OTP
    purposes: {purposes}
"""
GOOD_PURPOSES = "\n      - description: Deliver one-time passcodes to customers by SMS\n        lawful_basis: 6.1.b"

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): error (?P<code>INPUT-[a-z]+) .+$")


def _register(tmp_path: Path, *, purposes: str = "[]", settings: str = "", name: str = "reg") -> Path:
    root = tmp_path / name
    (root / "providers").mkdir(parents=True)
    organisation = ORGANISATION + (f"settings:\n{settings}" if settings else "")
    (root / "organisation.yaml").write_text(organisation, encoding="utf-8")
    (root / "providers" / "acme.yaml").write_text(PROVIDER.format(purposes=purposes), encoding="utf-8")
    return root


def _bad_register(tmp_path: Path) -> Path:
    root = _register(tmp_path, name="bad")
    (root / "providers" / "acme.yaml").write_text("id: acme\nid: again\ncountry: XX\n", encoding="utf-8")
    (root / "providers" / "beta.yaml").write_text("id: beta\nlegal_name: [x]\n", encoding="utf-8")
    return root


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _validate(root: Path, *args: str) -> Result:
    return _run("validate", str(root), "--rule", RULE, "--as-of", "2026-11-20", *args)


@pytest.mark.parametrize(
    ("purposes", "override", "fail_on", "code"),
    [
        ("[]", "", "error", 1),
        ("[]", "", "warning", 1),
        ("[]", "", "info", 1),
        ("[]", "", "never", 0),
        ("[]", "warning", "error", 0),
        ("[]", "warning", "warning", 1),
        ("[]", "warning", "never", 0),
        ("[]", "info", "warning", 0),
        ("[]", "info", "info", 1),
        (GOOD_PURPOSES, "", "error", 0),
        (GOOD_PURPOSES, "", "info", 0),
    ],
)
def test_exit_codes_follow_fail_on(tmp_path: Path, purposes: str, override: str, fail_on: str, code: int) -> None:
    settings = f"  severity_overrides:\n    {RULE}: {override}\n" if override else ""
    result = _validate(_register(tmp_path, purposes=purposes, settings=settings), "--fail-on", fail_on)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output


def test_default_fail_on_is_error(tmp_path: Path) -> None:
    assert _validate(_register(tmp_path)).exit_code == 1
    warning = _register(tmp_path, settings=f"  severity_overrides:\n    {RULE}: warning\n", name="warn")
    assert _validate(warning).exit_code == 0


def test_findings_are_printed_one_per_line_with_location(tmp_path: Path) -> None:
    root = _register(tmp_path)
    result = _validate(root)
    lines = result.stdout.splitlines()
    assert lines[0] == f"{root}/providers/acme.yaml:9:5: error {RULE} no purpose is stated; add one"
    assert lines[-1] == "1 error(s), 0 warning(s), 0 info"
    assert result.stderr == ""


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_bad_input_exits_2_with_one_line_per_problem(tmp_path: Path, fail_on: str) -> None:
    root = _bad_register(tmp_path)
    result = _run("validate", str(root), "--fail-on", fail_on)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    places = [(m["file"], int(m["line"])) for m in parsed if m]
    assert places == sorted(places)
    # both files are reported in one run: the YAML error of one does not hide the schema errors of the other
    assert places[0] == (f"{root}/providers/acme.yaml", 2)
    assert "duplicate key 'id'" in lines[0]
    assert (f"{root}/providers/beta.yaml", 2) in places
    assert any("expected text, got a list" in line for line in lines)


def test_register_not_found_and_not_a_folder(tmp_path: Path) -> None:
    result = _run("validate", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "register folder not found" in result.stderr
    (tmp_path / "file.yaml").write_text("a: 1\n")
    assert _run("validate", str(tmp_path / "file.yaml")).exit_code == 2


def test_output_is_not_written_on_bad_input(tmp_path: Path) -> None:
    root = _bad_register(tmp_path)
    out = tmp_path / "out" / "report.json"
    result = _run("validate", str(root), "--format", "json", "--output", str(out))
    assert result.exit_code == 2
    assert not out.exists()
    out.parent.mkdir(exist_ok=True)
    out.write_text("previous report\n")
    assert _run("validate", str(root), "--output", str(out)).exit_code == 2
    assert out.read_text() == "previous report\n"


def test_output_is_written_atomically_on_success(tmp_path: Path) -> None:
    root = _register(tmp_path)
    out = tmp_path / "reports" / "ropa.sarif"
    out.parent.mkdir()
    out.write_text("stale\n")
    result = _validate(root, "--format", "sarif", "--output", str(out))
    assert result.exit_code == 1  # findings still decide the exit code
    assert result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["runs"][0]["results"][0]["ruleId"] == RULE
    assert sorted(p.name for p in out.parent.iterdir()) == ["ropa.sarif"], "temporary file left behind"
    # same bytes as printing to stdout
    assert out.read_text(encoding="utf-8") == _validate(root, "--format", "sarif").stdout


def test_failed_output_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _register(tmp_path)
    out = tmp_path / "report.txt"
    out.write_text("old\n")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = _validate(root, "--output", str(out))
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(TMP_PREFIX)] == []


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_format(tmp_path: Path, fmt: str) -> None:
    root = _register(tmp_path)
    result = _validate(root, "--format", fmt)
    assert result.exit_code == 1, result.output
    text = result.stdout
    if fmt == "text":
        assert f"error {RULE}" in text
    elif fmt == "json":
        assert [f["rule"] for f in json.loads(text)["findings"]] == [RULE]
    elif fmt == "sarif":
        assert json.loads(text)["runs"][0]["results"][0]["level"] == "error"
    elif fmt == "junit":
        suite = ET.fromstring(text).find("testsuite")
        assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == "1"
    elif fmt == "github":
        assert text.startswith(f"::error file={root}/providers/acme.yaml,line=9,col=5,title={RULE}::")
    else:  # pragma: no cover - a new format needs a check here
        pytest.fail(f"no check for format {fmt}")


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = _validate(_register(tmp_path), "--format", "yaml")
    assert result.exit_code == 2 and "Invalid value for '--format'" in result.stderr


def test_as_of_decides_waiver_expiry(tmp_path: Path) -> None:
    settings = (
        "  waivers:\n"
        f"    - rule: {RULE}\n"
        "      reason: purposes are being agreed with the provider\n"
        "      expires: 2026-06-30\n"
    )
    root = _register(tmp_path, settings=settings)
    before = _run("validate", str(root), "--rule", RULE, "--as-of", "2026-06-30", "--format", "json")
    assert before.exit_code == 0, before.output
    data = json.loads(before.stdout)
    assert data["findings"] == [] and [w["rule"] for w in data["waived"]] == [RULE]
    assert data["as_of"] == "2026-06-30"
    after = _run("validate", str(root), "--rule", RULE, "--as-of", "2026-07-01", "--format", "json")
    assert after.exit_code == 1
    rules = sorted(f["rule"] for f in json.loads(after.stdout)["findings"])
    assert rules == sorted([RULE, "WAIVER-expired"])


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2026-02-30"])
def test_bad_as_of_is_a_usage_error(tmp_path: Path, value: str) -> None:
    result = _run("validate", str(_register(tmp_path)), "--as-of", value)
    assert result.exit_code == 2
    assert "--as-of" in result.stderr and "YYYY-MM-DD" in result.stderr


def test_unknown_rule_selection_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    result = _run("validate", str(_register(tmp_path)), "--rule", RULE[:-1])
    assert result.exit_code == 2
    assert f"did you mean {RULE}?" in result.stderr


def test_rule_selection_by_dotted_name(tmp_path: Path) -> None:
    name = catalogue()[RULE].name
    result = _run("validate", str(_register(tmp_path)), "--rule", name, "--format", "json")
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == [RULE]


def test_rules_lists_the_catalogue() -> None:
    result = _run("rules")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == list(catalogue())
    as_json = json.loads(_run("rules", "--format", "json").stdout)
    assert [r["id"] for r in as_json] == list(catalogue())


def test_rules_explains_one_rule() -> None:
    rule = catalogue()[RULE]
    result = _run("rules", RULE)
    assert result.exit_code == 0
    for part in (rule.id, rule.name, rule.summary, rule.why, rule.fix, rule.article):
        assert part in result.stdout
    assert _run("rules", rule.name).stdout == result.stdout


def test_rules_unknown_id_exits_2_with_a_suggestion() -> None:
    result = _run("rules", RULE.upper())
    assert result.exit_code == 2
    assert f"no rule {RULE.upper()!r}" in result.stderr and f"did you mean {RULE}?" in result.stderr
    nothing = _run("rules", "ZZZ-nothing-like-it")
    assert nothing.exit_code == 2 and "ropa rules" in nothing.stderr


def _python_m_ropa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "ropa", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env
    )


def test_real_process_run(tmp_path: Path) -> None:
    """``python -m ropa`` as CI runs it: exit codes and streams of a real process."""
    _bad_register(tmp_path)
    _register(tmp_path, name="reg")
    bad = _python_m_ropa("validate", "bad", "--output", "out.txt", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "Traceback" not in bad.stderr
    assert all(LINE.match(line) for line in bad.stderr.splitlines()), bad.stderr
    assert bad.stderr.splitlines()[0].startswith("bad/providers/acme.yaml:2:1: error INPUT-yaml")
    assert not (tmp_path / "out.txt").exists()
    found = _python_m_ropa("validate", "reg", "--rule", RULE, "--format", "github", cwd=tmp_path)
    assert found.returncode == 1, found.stderr
    assert found.stdout.startswith(f"::error file=reg/providers/acme.yaml,line=9,col=5,title={RULE}::")
    assert found.stderr == ""
    passed = _python_m_ropa("validate", "reg", "--rule", RULE, "--fail-on", "never", cwd=tmp_path)
    assert passed.returncode == 0
