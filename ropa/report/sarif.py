"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps and SARIF viewers).

One run with the tool ``ropa``; its rules array describes every rule that has a
finding (waived ones included), so a viewer can show what the rule checks, why
it matters and how to fix it next to each result. File locations are the paths
as the user gave them, relative to ``%SRCROOT%`` (the repository root in CI);
absolute paths become ``file://`` URIs. Waived findings are results with an
external suppression, so scanners close them instead of raising alerts.

Every rule's ``helpUri`` points at its section of ``docs/rules.md`` (the
anchor GitHub and Markdown tools make from the heading ``ID (name)``). The run's
``automationDetails.id`` is ``ropa/validate/<register>/``: code scanning keeps
one set of alerts per id, so two registers checked in one repository do not
close each other's alerts.

Each result carries a partial fingerprint built from the rule, the
register-relative file and the key path (not the line), so an alert stays the
same alert when lines above it move. Output is key-sorted and indented: the same
report always gives the same bytes; :func:`json.dump` writes it piece by piece, so its text is never
held whole.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from ropa.check.findings import Finding, Report
from ropa.check.rules import catalogue
from ropa.check.rules.base import Rule
from ropa.errors import format_path
from ropa.model.common import Severity
from ropa.report import Emit, EmitFile, ReportContext, shown_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/gdpr-ropa/"
SRCROOT = "%SRCROOT%"
RULES_DOC_URI = "https://github.com/gdpr-ropa/ropa/blob/main/docs/rules.md"
"""docs/rules.md in the repository ``[project.urls] Source`` names (a test keeps the two in step)."""
AUTOMATION_PREFIX = "ropa/validate/"
FINGERPRINT_KEY = "ropaFinding/v1"
"""Name of the partial fingerprint; bump the version if its recipe ever changes."""

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
"""ropa severity -> SARIF level."""

PSEUDO_RULES: dict[str, tuple[str, str, str, str]] = {
    "WAIVER-expired": (
        "A waiver in settings.waivers has passed its expiry date.",
        "An expired waiver no longer silences its finding; the accepted risk must be looked at again.",
        "Fix the finding, or renew the waiver with a new expiry date and a current reason.",
        "Art. 5(2)",
    ),
    "WAIVER-unused": (
        "A waiver in settings.waivers matches no finding.",
        "A waiver that matches nothing is dead configuration and may hide a future finding by accident.",
        "Remove the waiver, or correct its rule, provider or activity so it matches the finding meant.",
        "Art. 5(2)",
    ),
}
"""Ids that are not catalogue rules but flow through the reporters: (summary, why, fix, article)."""

_ABSOLUTE_WINDOWS = re.compile(r"^[A-Za-z]:/")


def artifact_location(path: str) -> dict[str, str]:
    """A SARIF artifactLocation for a path as the user sees it.

    Relative paths keep their form (forward slashes, ``./`` dropped, unsafe
    characters percent-encoded) under ``%SRCROOT%``; absolute paths become
    ``file://`` URIs, which upload tools rewrite relative to the checkout.
    """
    posix = path.replace("\\", "/")
    if posix.startswith("/") or _ABSOLUTE_WINDOWS.match(posix):
        pure = PureWindowsPath(posix) if _ABSOLUTE_WINDOWS.match(posix) else PurePosixPath(posix)
        return {"uri": pure.as_uri()}
    while posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def anchor(heading: str) -> str:
    """The fragment GitHub (and Python-Markdown's toc) gives a heading: lower case, punctuation dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def help_uri(rule: Rule | None) -> str:
    """The rule's section of docs/rules.md, whose headings read ``## ID (name)``; the page itself for other ids."""
    return RULES_DOC_URI if rule is None else f"{RULES_DOC_URI}#{anchor(f'{rule.id} ({rule.name})')}"


def automation_id(root: str) -> str:
    """``ropa/validate/<register>/`` for the register folder as given (the category code scanning tells runs by).

    An absolute folder is named by its last part only, since where a checkout
    lies differs from machine to machine while the alerts must stay the same.
    """
    posix = root.replace("\\", "/").rstrip("/")
    while posix.startswith("./"):
        posix = posix[2:]
    if posix.startswith("/") or _ABSOLUTE_WINDOWS.match(posix + "/"):
        name = posix.rsplit("/", 1)[-1]
        posix = "" if name.endswith(":") else name  # a drive's root has no name
    return AUTOMATION_PREFIX if posix in ("", ".") else f"{AUTOMATION_PREFIX}{posix}/"


def _descriptor(rule_id: str, sample: Finding, rule: Rule | None) -> dict[str, Any]:
    if rule is not None:
        name, summary, why, fix, article = rule.name, rule.summary, rule.why, rule.fix, rule.article
        level = LEVELS[rule.severity]
        markdown = (
            f"**{rule.summary}**\n\n{rule.why}\n\n**How to fix:** {rule.fix}\n\n"
            f"Fails:\n\n```yaml\n{rule.bad}\n```\n\nPasses:\n\n```yaml\n{rule.good}\n```\n\n"
            f"Rests on: {rule.article}. Run `ropa rules {rule.id}` for details."
        )
    else:
        fallback = (f"{sample.name or rule_id} check.", "Reported outside the rule catalogue.", "See the message.", "")
        summary, why, fix, article = PSEUDO_RULES.get(rule_id, fallback)
        name = sample.name or rule_id
        article = article or sample.article
        level = LEVELS[Severity.WARNING]
        markdown = f"**{summary}**\n\n{why}\n\n**How to fix:** {fix}"
    tags = list(dict.fromkeys(t for t in ("gdpr", name.split(".")[0], article) if t))
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": why},
        "help": {"text": fix, "markdown": markdown},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": level},
        "properties": {"tags": tags, "article": article},
    }


def fingerprint(finding: Finding, occurrence: int) -> str:
    """A stable hash of what a finding is about, independent of line numbers and wording."""
    parts = (
        finding.rule,
        finding.file.replace("\\", "/"),
        format_path(finding.path),
        finding.provider or "",
        finding.activity or "",
        str(occurrence),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _result(
    finding: Finding, ctx: ReportContext, rule_index: int, occurrence: int, waiver: tuple[str, str] | None
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(shown_path(ctx, finding.file))}
    if finding.line > 0:
        physical["region"] = {"startLine": finding.line, "startColumn": max(finding.column, 1)}
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.path:
        location["logicalLocations"] = [{"fullyQualifiedName": format_path(finding.path), "kind": "member"}]
    properties: dict[str, Any] = {"severity": finding.severity.value}
    for key, value in (("provider", finding.provider), ("activity", finding.activity), ("article", finding.article)):
        if value:
            properties[key] = value
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "kind": "fail",
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, occurrence)},
        "properties": properties,
    }
    if waiver is not None:
        reason, expires = waiver
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": reason,
                "properties": {"expires": expires},
            }
        ]
    return result


def build(report: Report, ctx: ReportContext) -> dict[str, Any]:
    """The whole SARIF log as a JSON-ready dict (what :func:`write` writes)."""
    from ropa import __version__

    entries: list[tuple[Finding, tuple[str, str] | None]] = [(f, None) for f in report.findings]
    entries += [(w.finding, (w.reason, w.expires)) for w in report.waived]
    entries.sort(key=lambda e: (*e[0].sort_key(), e[1] is not None))
    cat = catalogue()
    ordered_ids = [rid for rid in cat if any(f.rule == rid for f, _ in entries)]
    ordered_ids += sorted({f.rule for f, _ in entries} - set(cat))
    samples = {f.rule: f for f, _ in reversed(entries)}
    rules = [_descriptor(rid, samples[rid], cat.get(rid)) for rid in ordered_ids]
    index = {rid: i for i, rid in enumerate(ordered_ids)}
    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    for finding, waiver in sorted(entries, key=lambda e: (e[0].rule, e[0].file, format_path(e[0].path), e[0].message)):
        key = (finding.rule, finding.file, format_path(finding.path))
        results.append((finding, waiver, seen[key]))
        seen[key] += 1
    results.sort(key=lambda r: (*r[0].sort_key(), r[1] is not None))
    version = ctx.tool_version or __version__
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ropa",
                        "fullName": "ropa: GDPR Article 30 records of processing activities as code",
                        "version": version,
                        "semanticVersion": version,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": automation_id(ctx.root)},
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, ctx, index[f.rule], n, w) for f, w, n in results],
                "properties": {"asOf": report.as_of, "catalogueVersion": report.catalogue_version},
            }
        ],
    }


def write(report: Report, ctx: ReportContext, emit: Emit) -> None:
    """The report as a SARIF 2.1.0 log: indented, key-sorted JSON."""
    json.dump(build(report, ctx), EmitFile(emit), indent=2, sort_keys=True, ensure_ascii=False)
    emit("\n")
