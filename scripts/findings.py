"""Findings of a register by rule and severity, and how many distinct root causes they have.

Usage: .venv/bin/python scripts/findings.py [REGISTER] [--as-of YYYY-MM-DD]

REGISTER defaults to examples/sms-providers. A root cause is the place a finding's fix goes to
(ropa/check/rootcause.py); findings sharing one are duplicates. The last column counts, per rule and
severity, the distinct root causes; the totals line compares findings with root causes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ropa.check.engine import load_and_check  # noqa: E402
from ropa.check.rootcause import root_cause  # noqa: E402

ORDER = {"error": 0, "warning": 1, "info": 2}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", nargs="?", default=str(ROOT / "examples" / "sms-providers"))
    parser.add_argument("--as-of", default="2026-11-23", help="the date the register is judged on")
    args = parser.parse_args(argv)
    register, report = load_and_check(Path(args.register), dt.date.fromisoformat(args.as_of))
    counts: Counter[tuple[str, str]] = Counter()
    roots: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for finding in report.findings:
        key = (finding.rule, finding.severity.value)
        counts[key] += 1
        roots.setdefault(key, set()).add(root_cause(register, finding))
    rows = sorted(counts, key=lambda k: (ORDER[k[1]], -counts[k], k[0]))
    width = max((len(rule) for rule, _ in rows), default=4)
    print(f"{'rule':<{width}}  {'severity':<8}  {'findings':>8}  {'roots':>5}")
    for rule, severity in rows:
        print(f"{rule:<{width}}  {severity:<8}  {counts[(rule, severity)]:>8}  {len(roots[(rule, severity)]):>5}")
    by_severity = Counter(f.severity.value for f in report.findings)
    distinct = {root_cause(register, f) for f in report.findings}
    print(
        f"{len(report.findings)} finding(s) ({by_severity['error']} error, {by_severity['warning']} warning, "
        f"{by_severity['info']} info); {len(distinct)} distinct root cause(s); {len(report.rules_run)} rules ran"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
