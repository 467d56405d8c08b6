"""Rule documentation generated from the catalogue: for 'ropa rules' and the README."""

from __future__ import annotations

import json

from ropa.rules.base import Rule


def listing(rules: list[Rule], fmt: str = "text") -> str:
    """The catalogue as a table (text or markdown) or JSON."""
    if fmt == "json":
        return json.dumps(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "severity": r.severity.value,
                    "summary": r.summary,
                    "article": r.article,
                }
                for r in rules
            ],
            indent=2,
        )
    if fmt == "markdown":
        rows = ["| id | name | severity | article | checks |", "|---|---|---|---|---|"]
        rows += [f"| `{r.id}` | {r.name} | {r.severity.value} | {r.article} | {r.summary} |" for r in rules]
        return "\n".join(rows)
    width = max((len(r.id) for r in rules), default=10)
    return "\n".join(f"{r.id:<{width}}  {r.severity.value:<7}  {r.summary}" for r in rules)


def explain(rule: Rule, fmt: str = "text") -> str:
    """One rule in full: what, why, how to fix, failing and passing examples."""
    if fmt == "json":
        return json.dumps(
            {
                "id": rule.id,
                "name": rule.name,
                "severity": rule.severity.value,
                "summary": rule.summary,
                "article": rule.article,
                "why": rule.why,
                "fix": rule.fix,
                "bad": rule.bad,
                "good": rule.good,
            },
            indent=2,
        )
    fence = "```yaml" if fmt == "markdown" else ""
    end = "```" if fmt == "markdown" else ""

    def block(text: str) -> str:
        body = "\n".join(("    " + line) if not fence else line for line in text.splitlines())
        return "\n".join(part for part in (fence, body, end) if part)

    head = f"## {rule.id} ({rule.name})" if fmt == "markdown" else f"{rule.id}  {rule.name}"
    return "\n\n".join(
        [
            head,
            f"Severity: {rule.severity.value}    Rests on: {rule.article}",
            f"What it checks: {rule.summary}",
            f"Why it matters: {rule.why}",
            f"How to fix: {rule.fix}",
            "Fails:\n" + block(rule.bad),
            "Passes:\n" + block(rule.good),
        ]
    )
