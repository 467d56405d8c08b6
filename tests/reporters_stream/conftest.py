"""Reports to render: the bundled example, a synthetic register with many findings, and hostile hand-made ones."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from ropa.check.findings import Finding, Report, Waived
from ropa.check.rules import catalogue
from ropa.model.common import Severity
from ropa.pipeline import load_and_check

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sms-providers"
AS_OF = dt.date(2026, 11, 20)

HOSTILE = (
    "bad value \"x\" <b>&amp;</b> 100% 'q'\nsecond line\r\n::error file=evil.yaml::injected, a:b"
    " \x1b[31mred\x1b[0m \u2028 tab\there \U0001f600 \x07\x0b\x00 \ud800 \\ ] } {"
)
"""Text that every format must escape its own way: markup, quotes, line breaks, ANSI, control and astral
characters, a lone surrogate (PyYAML refuses one in input, but nothing stops a rule from writing one), JSON
and XML delimiters."""
ENCODABLE = HOSTILE.replace("\ud800", "")
"""The same without the lone surrogate, which UTF-8 cannot encode: for comparisons of bytes."""


def _synth_register(folder: Path, providers: int, per_provider: int) -> Path:
    """The benchmark's deterministic register, the generator imported from benchmarks/ as its own test does."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synth import write_register  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    write_register(folder, providers, per_provider)
    return folder


def _with_settings(root: Path, report: Report) -> None:
    """Add waivers (matching, expired, unused) and a severity override to the register's organisation.yaml.

    So the synthetic register's reports also carry waived findings, pseudo-rule
    findings and info findings, which the benchmark's register alone has few of.
    """
    common = [rule for rule, _ in Counter(f.rule for f in report.findings).most_common(3)]
    provider = next(f.provider for f in report.findings if f.rule == common[0] and f.provider)
    org_file = root / "organisation.yaml"
    org: dict[str, Any] = yaml.safe_load(org_file.read_text(encoding="utf-8"))
    settings = org.setdefault("settings", {})
    settings["waivers"] = [
        {
            "rule": common[0],
            "provider": provider,
            "reason": 'accepted "for now" <see ticket & minutes>',
            "expires": "2027-06-30",
        },
        {"rule": common[1], "reason": "lapsed", "expires": "2025-01-31"},
        {"rule": common[1], "provider": "nobody-by-this-id", "reason": "stale", "expires": "2027-01-31"},
    ]
    settings["severity_overrides"] = {common[2]: "info"}
    org_file.write_text(yaml.safe_dump(org, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_job_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in GitHub Actions, ``--format github`` here must not append to the real job summary."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture(scope="session")
def example_report() -> Report:
    """The bundled example's findings, judged as of a fixed date."""
    return load_and_check(EXAMPLE, AS_OF, display_root="examples/sms-providers")[1]


@pytest.fixture(scope="session")
def synth_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 200-activity synthetic register (about 900 findings) with waivers and an override added."""
    root = _synth_register(tmp_path_factory.mktemp("synth") / "register", 20, 10)
    _with_settings(root, load_and_check(root, AS_OF)[1])
    return root


@pytest.fixture(scope="session")
def synth_report(synth_root: Path) -> Report:
    """The synthetic register's report, with waived, pseudo-rule and info findings among the many."""
    report = load_and_check(synth_root, AS_OF)[1]
    kinds = {f.severity for f in report.findings}
    assert report.waived and Severity.INFO in kinds and any(f.rule.startswith("WAIVER-") for f in report.findings)
    return report


def _finding(rule: str, n: int, message: str, **changes: Any) -> Finding:
    """Finding ``n``: findings in threes share file and key path (and rule, as :func:`hostile_report` picks it)."""
    known = catalogue().get(rule)
    group = n // 3
    fields: dict[str, Any] = {
        "rule": rule,
        "name": known.name if known else "",
        "severity": (Severity.ERROR, Severity.WARNING, Severity.INFO)[n % 3],
        "message": message,
        "file": f"providers/p{group % 7}.yaml",
        "line": n % 50,
        "column": n % 4,
        "path": ("activities", group % 5, "purposes") if group % 6 else (),
        "provider": f"p{group % 7}" if group % 2 else None,
        "activity": f"a{group % 11}" if group % 3 else None,
        "article": known.article if known else "",
    }
    fields.update(changes)
    return Finding(**fields)


def hostile_report(size: int, text: str = HOSTILE) -> Report:
    """``size`` findings over every catalogue rule plus pseudo and unknown ids, with hostile text and paths.

    Many findings share rule, file and key path, so SARIF occurrence counters and
    JUnit ``#n`` names are exercised; some lie outside the catalogue; some sit on
    absolute POSIX or Windows paths, or on names with spaces, commas and colons.
    """
    rules = [*catalogue(), "WAIVER-expired", "WAIVER-unused", "X-unknown"]
    files = ["providers/a b,c:d.yaml", "/abs/reg/providers/x.yaml", "C:\\reg\\providers\\w.yaml", "./o.yaml"]
    findings = []
    for n in range(size):
        extra: dict[str, Any] = {"file": files[n // 3 % len(files)]} if n // 3 % 9 == 0 else {}
        message = f"finding {n % 13}: {text if n % 4 == 0 else 'plain words'}"
        findings.append(_finding(rules[n // 3 % len(rules)], n, message, **extra))
    findings.sort(key=Finding.sort_key)
    waived = [
        Waived(_finding(rules[n // 3 % len(rules)], n, f"waived {n} {text}"), f"reason {n} {text}", "2027-03-31")
        for n in range(0, size, 5)
    ]
    return Report(findings, waived, as_of="2026-11-20", catalogue_version="test <&>", rules_run=list(catalogue()))
