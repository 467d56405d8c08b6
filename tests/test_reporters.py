"""Reporters: each output format checked against its own structure, with hostile message text.

SARIF is validated with jsonschema against a compact schema holding the parts of
the SARIF 2.1.0 schema that ropa's output uses (objects closed to unknown keys,
enums, required properties and minimums as in the official schema); JUnit is
parsed back with ElementTree; GitHub workflow commands are parsed and unescaped.
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from ropa.check.findings import Finding, Report, Waived
from ropa.check.rules import catalogue
from ropa.cli import FORMAT_NAMES, main
from ropa.model.common import Severity
from ropa.report import FORMATS, ReportContext, get
from ropa.report.github import escape_data, escape_property
from ropa.report.sarif import artifact_location

HOSTILE = "bad value \"x\" <b>&amp;</b> 100% 'q'\nsecond line\r\n::error file=evil.yaml::injected, a:b"
CONTROL = "bell \x07 and vertical tab \x0b end"


def _rule_ids() -> list[str]:
    return list(catalogue())


def _finding(
    rule: str,
    severity: Severity,
    message: str,
    file: str = "providers/acme.yaml",
    line: int = 3,
    column: int = 5,
    path: tuple[str | int, ...] = ("activities", 0, "purposes"),
) -> Finding:
    rule_obj = catalogue().get(rule)
    return Finding(
        rule=rule,
        name=rule_obj.name if rule_obj else "waivers.unused",
        severity=severity,
        message=message,
        file=file,
        line=line,
        column=column,
        path=path,
        provider="acme",
        activity="acme-otp",
        article=rule_obj.article if rule_obj else "Art. 5(2)",
    )


@pytest.fixture
def report() -> Report:
    """Errors, a warning, an info, a pseudo-rule finding and a waived one; hostile text throughout."""
    rule = _rule_ids()[0]
    findings = [
        _finding(rule, Severity.ERROR, HOSTILE),
        _finding(rule, Severity.ERROR, "second finding at the same key", line=3),
        _finding(rule, Severity.WARNING, "a warning", file="providers/b,c:d.yaml", line=7, column=1, path=("x",)),
        _finding(rule, Severity.INFO, "just so you know", file="organisation.yaml", line=1, column=1, path=()),
        _finding(
            "WAIVER-unused",
            Severity.WARNING,
            "waiver for X matches no finding; remove it",
            file="organisation.yaml",
            line=12,
            column=7,
            path=("settings", "waivers", 0),
        ),
        _finding(rule, Severity.ERROR, CONTROL, file="providers/ctl.yaml", line=0, column=0, path=()),
    ]
    waived = [
        Waived(
            _finding(rule, Severity.ERROR, "accepted <risk> & more", file="providers/w.yaml"),
            'contract renegotiation "Q1" <2027>',
            "2027-03-31",
        )
    ]
    findings.sort(key=Finding.sort_key)
    return Report(findings=findings, waived=waived, as_of="2026-11-20", catalogue_version="test", rules_run=_rule_ids())


CTX = ReportContext(root="registers/main", tool_version="9.9.9")


def test_every_format_is_registered_and_offered_by_the_cli() -> None:
    assert set(FORMATS) == set(FORMAT_NAMES)
    for name in FORMATS:
        assert callable(get(name))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_is_deterministic_and_ends_with_newline(fmt: str, report: Report) -> None:
    first = get(fmt)(report, CTX)
    assert first == get(fmt)(report, CTX)
    assert first.endswith("\n")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_empty_report_renders(fmt: str) -> None:
    text = get(fmt)(Report(as_of="2026-11-20", catalogue_version="test", rules_run=_rule_ids()), CTX)
    assert text.strip()


# --- text and JSON -------------------------------------------------------------------------------


def test_text_keeps_one_line_per_finding(report: Report) -> None:
    lines = get("text")(report, CTX).splitlines()
    assert len(lines) == len(report.findings) + 1
    hostile = next(line for line in lines if "second line" in line)
    assert hostile == (
        f"registers/main/providers/acme.yaml:3:5: error {_rule_ids()[0]} "
        "bad value \"x\" <b>&amp;</b> 100% 'q' / second line / ::error file=evil.yaml::injected, a:b"
    )
    assert lines[-1] == "3 error(s), 2 warning(s), 1 info, 1 waived"


def test_text_colours_only_when_asked(report: Report) -> None:
    plain = get("text")(report, CTX)
    coloured = get("text")(report, ReportContext(root="registers/main", color=True))
    assert "\033[" not in plain
    assert "\033[31merror\033[0m" in coloured


def test_json_round_trips_hostile_text(report: Report) -> None:
    data = json.loads(get("json")(report, CTX))
    assert [f["message"] for f in data["findings"]] == [f.message for f in report.findings]
    assert data["findings"][0]["file"].startswith("registers/main/")
    assert data["summary"] == {"error": 3, "warning": 2, "info": 1}
    assert data["waived"][0]["waiver_reason"] == 'contract renegotiation "Q1" <2027>'


# --- SARIF ---------------------------------------------------------------------------------------


def _obj(properties: dict[str, Any], required: list[str] | None = None, closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


_MESSAGE_STRING = _obj({"text": {"type": "string"}, "markdown": {"type": "string"}, "properties": {}}, ["text"])
_PROPERTY_BAG = _obj({"tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True}}, closed=False)
_ARTIFACT_LOCATION = _obj(
    {
        "uri": {"type": "string"},
        "uriBaseId": {"type": "string"},
        "index": {"type": "integer", "minimum": -1},
        "description": {},
        "properties": _PROPERTY_BAG,
    },
)
_REGION = _obj(
    {
        "startLine": {"type": "integer", "minimum": 1},
        "startColumn": {"type": "integer", "minimum": 1},
        "endLine": {"type": "integer", "minimum": 1},
        "endColumn": {"type": "integer", "minimum": 1},
        "charOffset": {},
        "charLength": {},
        "byteOffset": {},
        "byteLength": {},
        "snippet": {},
        "message": {},
        "sourceLanguage": {},
        "properties": _PROPERTY_BAG,
    },
)
_LOCATION = _obj(
    {
        "id": {},
        "message": {},
        "annotations": {},
        "relationships": {},
        "properties": _PROPERTY_BAG,
        "physicalLocation": {
            **_obj(
                {
                    "address": {},
                    "artifactLocation": _ARTIFACT_LOCATION,
                    "region": _REGION,
                    "contextRegion": _REGION,
                    "properties": _PROPERTY_BAG,
                }
            ),
            "anyOf": [{"required": ["address"]}, {"required": ["artifactLocation"]}],
        },
        "logicalLocations": {
            "type": "array",
            "items": _obj(
                {
                    "name": {"type": "string"},
                    "index": {},
                    "fullyQualifiedName": {"type": "string"},
                    "decoratedName": {},
                    "parentIndex": {},
                    "kind": {"type": "string"},
                    "properties": _PROPERTY_BAG,
                }
            ),
        },
    },
)
_LEVEL = {"enum": ["none", "note", "warning", "error"]}
_DESCRIPTOR = _obj(
    {
        "id": {"type": "string"},
        "deprecatedIds": {},
        "guid": {},
        "deprecatedGuids": {},
        "name": {"type": "string"},
        "deprecatedNames": {},
        "shortDescription": _MESSAGE_STRING,
        "fullDescription": _MESSAGE_STRING,
        "messageStrings": {},
        "helpUri": {"type": "string"},
        "help": _MESSAGE_STRING,
        "relationships": {},
        "defaultConfiguration": _obj(
            {"enabled": {"type": "boolean"}, "level": _LEVEL, "rank": {}, "parameters": {}, "properties": _PROPERTY_BAG}
        ),
        "properties": _PROPERTY_BAG,
    },
    ["id"],
)
_RESULT = _obj(
    {
        "ruleId": {"type": "string"},
        "ruleIndex": {"type": "integer", "minimum": -1},
        "rule": {},
        "kind": {"enum": ["notApplicable", "pass", "fail", "review", "open", "informational"]},
        "level": _LEVEL,
        "message": {
            **_obj({"text": {"type": "string"}, "markdown": {}, "id": {}, "arguments": {}, "properties": {}}),
            "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
        },
        "analysisTarget": {},
        "locations": {"type": "array", "items": _LOCATION},
        "guid": {},
        "correlationGuid": {},
        "occurrenceCount": {},
        "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
        "fingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
        "stacks": {},
        "codeFlows": {},
        "graphs": {},
        "graphTraversals": {},
        "relatedLocations": {},
        "suppressions": {
            "type": "array",
            "items": _obj(
                {
                    "guid": {},
                    "kind": {"enum": ["inSource", "external"]},
                    "status": {"enum": ["accepted", "underReview", "rejected"]},
                    "justification": {"type": "string"},
                    "location": _LOCATION,
                    "properties": _PROPERTY_BAG,
                },
                ["kind"],
            ),
        },
        "baselineState": {},
        "rank": {},
        "attachments": {},
        "hostedViewerUri": {},
        "workItemUris": {},
        "provenance": {},
        "fixes": {},
        "taxa": {},
        "webRequest": {},
        "webResponse": {},
        "properties": _PROPERTY_BAG,
    },
    ["message"],
)
_DRIVER = _obj(
    {
        key: {"type": "string"}
        for key in (
            "guid",
            "name",
            "organization",
            "product",
            "productSuite",
            "fullName",
            "version",
            "semanticVersion",
            "dottedQuadFileVersion",
            "releaseDateUtc",
            "downloadUri",
            "informationUri",
            "language",
            "localizedDataSemanticVersion",
            "minimumRequiredLocalizedDataSemanticVersion",
        )
    }
    | {
        "shortDescription": _MESSAGE_STRING,
        "fullDescription": _MESSAGE_STRING,
        "globalMessageStrings": {},
        "notifications": {"type": "array"},
        "rules": {"type": "array", "items": _DESCRIPTOR},
        "taxa": {"type": "array"},
        "locations": {"type": "array"},
        "contents": {},
        "isComprehensive": {},
        "associatedComponent": {},
        "translationMetadata": {},
        "supportedTaxonomies": {},
        "properties": _PROPERTY_BAG,
    },
    ["name"],
)
SARIF_SCHEMA: dict[str, Any] = _obj(
    {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": _obj(
                {
                    "tool": _obj({"driver": _DRIVER, "extensions": {}, "properties": _PROPERTY_BAG}, ["driver"]),
                    "results": {"type": "array", "items": _RESULT},
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "originalUriBaseIds": {"type": "object", "additionalProperties": _ARTIFACT_LOCATION},
                    "invocations": {},
                    "conversion": {},
                    "language": {},
                    "versionControlProvenance": {},
                    "artifacts": {},
                    "logicalLocations": {},
                    "graphs": {},
                    "automationDetails": {},
                    "runAggregates": {},
                    "baselineGuid": {},
                    "redactionTokens": {},
                    "defaultEncoding": {},
                    "defaultSourceLanguage": {},
                    "newlineSequences": {},
                    "externalPropertyFileReferences": {},
                    "threadFlowLocations": {},
                    "taxonomies": {},
                    "addresses": {},
                    "translations": {},
                    "policies": {},
                    "webRequests": {},
                    "webResponses": {},
                    "specialLocations": {},
                    "properties": _PROPERTY_BAG,
                },
                ["tool"],
            ),
        },
        "inlineExternalProperties": {},
        "properties": _PROPERTY_BAG,
    },
    ["version", "runs"],
)

_URI_REFERENCE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


def _sarif(report: Report, ctx: ReportContext = CTX) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(get("sarif")(report, ctx))
    jsonschema.validate(data, SARIF_SCHEMA)
    return data


def test_the_schema_rejects_what_sarif_forbids() -> None:
    """The compact schema is not vacuous: typos, bad levels and line 0 fail it."""
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "ropa"}}, "results": []}]}
    jsonschema.validate(good, SARIF_SCHEMA)
    bad_cases = [
        {**good, "version": "2.0.0"},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "ropa", "rulez": []}}}]},
        {
            "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}],
        },
        {
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": "x"}},
                    "results": [
                        {
                            "message": {"text": "m"},
                            "locations": [
                                {"physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {"startLine": 0}}}
                            ],
                        }
                    ],
                }
            ],
        },
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "x"}]}]},
    ]
    for case in bad_cases:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(case, SARIF_SCHEMA)


def test_sarif_matches_the_schema_and_code_scanning_expectations(report: Report) -> None:
    data = _sarif(report)
    assert data["version"] == "2.1.0"
    assert data["$schema"].endswith("sarif-2.1.0.json")
    (run,) = data["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "ropa"
    assert driver["version"] == "9.9.9"
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert set(ids) == {f.rule for f in report.findings} | {w.finding.rule for w in report.waived}
    cat = catalogue()
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["properties"]["tags"]
        if rule["id"] in cat:
            known = cat[rule["id"]]
            assert rule["fullDescription"]["text"] == known.why
            assert rule["help"]["text"] == known.fix
            assert known.article in rule["properties"]["tags"]
            assert (
                rule["defaultConfiguration"]["level"]
                == {"error": "error", "warning": "warning", "info": "note"}[known.severity.value]
            )
    pseudo = next(r for r in rules if r["id"] == "WAIVER-unused")
    assert pseudo["defaultConfiguration"]["level"] == "warning"

    results = run["results"]
    assert len(results) == len(report.findings) + len(report.waived)
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert artifact["uri"].startswith("registers/main/")
        assert _URI_REFERENCE.match(artifact["uri"]), artifact["uri"]
        assert set(result["partialFingerprints"]) == {"ropaFinding/v1"}
    levels = sorted(r["level"] for r in results)
    assert levels == sorted(["error", "error", "warning", "note", "warning", "error", "error"])


def test_sarif_messages_locations_and_hostile_text(report: Report) -> None:
    results = _sarif(report)["runs"][0]["results"]
    hostile = next(r for r in results if r["message"]["text"] == HOSTILE)
    region = hostile["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 5)
    artifact = hostile["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == "registers/main/providers/acme.yaml"
    comma = next(r for r in results if r["message"]["text"] == "a warning")
    assert comma["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "registers/main/providers/b%2Cc%3Ad.yaml"
    )
    # Line 0 (a whole-file problem) has no region rather than an invalid startLine 0.
    whole_file = next(r for r in results if r["message"]["text"] == CONTROL)
    assert "region" not in whole_file["locations"][0]["physicalLocation"]
    waived = [r for r in results if "suppressions" in r]
    assert len(waived) == 1
    assert waived[0]["suppressions"][0]["kind"] == "external"
    assert waived[0]["suppressions"][0]["justification"] == 'contract renegotiation "Q1" <2027>'


def test_sarif_fingerprints_are_stable_when_lines_move_and_distinct_per_finding(report: Report) -> None:
    prints = [r["partialFingerprints"]["ropaFinding/v1"] for r in _sarif(report)["runs"][0]["results"]]
    assert len(prints) == len(set(prints)), "two findings share a fingerprint"
    moved = Report(
        findings=sorted((dataclasses.replace(f, line=f.line + 10) for f in report.findings), key=Finding.sort_key),
        waived=report.waived,
        as_of=report.as_of,
        catalogue_version=report.catalogue_version,
    )
    moved_prints = [r["partialFingerprints"]["ropaFinding/v1"] for r in _sarif(moved)["runs"][0]["results"]]
    assert sorted(moved_prints) == sorted(prints)


def test_sarif_is_key_sorted_json(report: Report) -> None:
    text = get("sarif")(report, CTX)
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("./reg/providers/a.yaml", {"uri": "reg/providers/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("reg\\providers\\a.yaml", {"uri": "reg/providers/a.yaml", "uriBaseId": "%SRCROOT%"}),
        ("my reg/ä.yaml", {"uri": "my%20reg/%C3%A4.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/abs/reg/a.yaml", {"uri": "file:///abs/reg/a.yaml"}),
        ("C:\\work\\reg\\a.yaml", {"uri": "file:///C:/work/reg/a.yaml"}),
    ],
)
def test_sarif_artifact_locations(shown: str, expected: dict[str, str]) -> None:
    assert artifact_location(shown) == expected


# --- JUnit ---------------------------------------------------------------------------------------


def _junit(report: Report) -> ET.Element:
    text = get("junit")(report, CTX)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def test_junit_structure_counts_and_names(report: Report) -> None:
    root = _junit(report)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "ropa"
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failures))
        assert element.get("errors") == "0"
    # errors and warnings fail (typed), info passes with its message in system-out, waived is skipped.
    assert sorted(c.find("failure").get("type") for c in failures) == ["error", "error", "error", "warning", "warning"]
    assert len(skipped) == 1
    assert "waived until 2027-03-31" in skipped[0].find("skipped").get("message")
    info = [
        c for c in cases if c.find("system-out") is not None and c.find("failure") is None and c.find("skipped") is None
    ]
    assert len(info) == 1 and "just so you know" in info[0].find("system-out").text
    # one passing case for every rule that ran without findings
    with_findings = {f.rule for f in report.findings} | {w.finding.rule for w in report.waived}
    passing = {c.get("name") for c in cases if len(c) == 0}
    assert passing == set(report.rules_run) - with_findings
    # names are unique (dashboards key history on classname + name) and start with the rule id
    keys = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(keys) == len(set(keys))
    rule = _rule_ids()[0]
    first = [c for c in failures if c.get("name").startswith(f"{rule} registers/main/providers/acme.yaml")]
    assert [c.get("name") for c in first] == [
        f"{rule} registers/main/providers/acme.yaml activities[0].purposes",
        f"{rule} registers/main/providers/acme.yaml activities[0].purposes #2",
    ]
    assert all(c.get("classname") == f"ropa.{catalogue()[rule].name}" for c in first)
    # the Jenkins schema has no file/line attributes: the location leads the failure message and text instead
    assert first[0].get("file") is None and first[0].get("line") is None
    assert first[0].find("failure").get("message").startswith("registers/main/providers/acme.yaml:3:5: ")
    assert first[0].find("failure").text.startswith("registers/main/providers/acme.yaml:3:5: error ")
    assert root.get("skipped") is None and suite.get("skipped") == str(len(skipped))


def test_junit_escapes_hostile_text(report: Report) -> None:
    root = _junit(report)
    failures = [f for f in root.iter("failure")]
    # XML parsers normalise CR LF in element text to LF (attributes keep it, escaped as &#13;).
    hostile = next(f for f in failures if HOSTILE.replace("\r\n", "\n") in (f.text or ""))
    assert hostile.get("message") == f"registers/main/providers/acme.yaml:3:5: {HOSTILE}"
    control = next(f for f in failures if "bell" in (f.text or ""))
    assert "\x07" not in control.text and "\ufffd" in control.text
    skipped = next(root.iter("skipped"))
    assert 'contract renegotiation "Q1" <2027>' in skipped.get("message")


def test_junit_lists_only_rules_that_ran() -> None:
    ran = _rule_ids()[:1]
    root = _junit(Report(as_of="2026-11-20", catalogue_version="t", rules_run=ran))
    cases = root.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ran
    assert root.get("failures") == "0"


# --- GitHub --------------------------------------------------------------------------------------

_COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def _github(report: Report) -> list[tuple[str, dict[str, str], str]]:
    # The runner splits its input on CR and LF only (not on VT, FF or U+2028 as str.splitlines does).
    lines = get("github")(report, CTX).rstrip("\n").split("\n")
    commands = []
    for line in lines[:-1]:
        match = _COMMAND.match(line)
        assert match, line
        props = dict(item.split("=", 1) for item in match["props"].split(","))
        commands.append((match[1], {k: _unescape(v) for k, v in props.items()}, _unescape(match["message"])))
    assert lines[-1].startswith("ropa: ") and not lines[-1].startswith("::")
    return commands


def test_github_commands_parse_back(report: Report) -> None:
    commands = _github(report)
    assert len(commands) == len(report.findings)
    assert sorted(c[0] for c in commands) == sorted(["error", "error", "error", "warning", "warning", "notice"])
    by_message = {c[2]: c for c in commands}
    kind, props, _ = by_message[HOSTILE]
    assert kind == "error"
    assert props == {"file": "registers/main/providers/acme.yaml", "line": "3", "col": "5", "title": _rule_ids()[0]}
    assert by_message["a warning"][1]["file"] == "registers/main/providers/b,c:d.yaml"
    assert "line" not in by_message[CONTROL][1]


def test_github_hostile_text_cannot_start_a_new_command(report: Report) -> None:
    text = get("github")(report, CTX)
    assert sum(1 for line in text.split("\n") if line.startswith("::")) == len(report.findings)
    assert "\r" not in text
    assert "%0A::error file=evil.yaml::injected, a:b" in text


def test_github_escaping_functions() -> None:
    assert escape_data("100%\r\n:,") == "100%25%0D%0A:,"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


# --- Through the pipeline ------------------------------------------------------------------------


def test_every_format_on_a_real_register(make_register: Callable[..., Path]) -> None:
    """Load a register written to disk, run the CLI with each format, check what each produces."""
    root = make_register(
        {
            "acme": {
                "id": "acme",
                "legal_name": "Acme",
                "country": "DE",
                "role": "processor",
                "service": "SMS",
                "activities": [{"id": "acme-otp", "name": "OTP", "purposes": []}],
            }
        }
    )
    runner = CliRunner()
    outputs = {}
    for fmt in sorted(FORMATS):
        result = runner.invoke(
            main, ["validate", str(root), "--format", fmt, "--fail-on", "never", "--as-of", "2026-11-20"]
        )
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.stdout
    sarif = json.loads(outputs["sarif"])
    jsonschema.validate(sarif, SARIF_SCHEMA)
    results = sarif["runs"][0]["results"]
    assert results, "an activity without purposes must give at least one finding"
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file://") for r in results
    )  # tmp_path is absolute
    findings = json.loads(outputs["json"])["findings"]
    assert len(results) == len(findings)
    junit = ET.fromstring(outputs["junit"])
    assert int(junit.get("failures")) == sum(1 for f in findings if f["severity"] in ("error", "warning"))
    github = [line for line in outputs["github"].splitlines() if line.startswith("::")]
    assert len(github) == len(findings)
    assert any(f"file={root}/providers/acme.yaml" in line for line in github)
