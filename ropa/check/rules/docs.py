"""Rule documentation generated from the catalogue: for 'ropa rules' and the README."""

from __future__ import annotations

import json

from ropa.check.rules.base import Rule

ACTS: tuple[tuple[str, str, str], ...] = (
    (
        "2021/914",
        "Commission Implementing Decision (EU) 2021/914 (SCCs for transfers)",
        "https://eur-lex.europa.eu/eli/dec_impl/2021/914/oj",
    ),
    (
        "2021/915",
        "Commission Implementing Decision (EU) 2021/915 (Art. 28 SCCs)",
        "https://eur-lex.europa.eu/eli/dec_impl/2021/915/oj",
    ),
    ("Art.", "Regulation (EU) 2016/679 (GDPR)", "https://eur-lex.europa.eu/eli/reg/2016/679/oj"),
)
"""The acts a rule's ``article`` can name, the text that marks each, its title and its EUR-Lex address."""


def references(rule: Rule) -> list[tuple[str, str]]:
    """``(title, url)`` of each act the rule's article names (a part naming no decision is the GDPR), then the
    rule's own further references."""
    found: list[tuple[str, str]] = []
    for part in rule.article.split(";"):
        part = part.strip()
        for marker, title, url in ACTS:
            if marker in part and (marker != "Art." or part.startswith("Art.")) and (title, url) not in found:
                found.append((title, url))
    return found + [ref for ref in rule.references if ref not in found]


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
                "known_problems": rule.known_problems,
                "options": rule.options,
                "references": [{"title": t, "url": u} for t, u in references(rule)],
            },
            indent=2,
        )
    fence = "```yaml" if fmt == "markdown" else ""
    end = "```" if fmt == "markdown" else ""

    def block(text: str) -> str:
        body = "\n".join(("    " + line) if not fence else line for line in text.splitlines())
        return "\n".join(part for part in (fence, body, end) if part)

    head = f"## {rule.id} ({rule.name})" if fmt == "markdown" else f"{rule.id}  {rule.name}"
    links = references(rule)
    if fmt == "markdown":
        cited = "\n".join(f"- [{title}]({url})" for title, url in links)
    else:
        cited = "\n".join(f"  {title}: {url}" for title, url in links)
    parts = [
        head,
        f"Severity: {rule.severity.value}    Rests on: {rule.article}",
        f"What it does: {rule.summary}",
        f"Why it matters: {rule.why}",
        f"How to fix: {rule.fix}",
        f"Known problems: {rule.known_problems}" if rule.known_problems else "",
        "Example (fails):\n" + block(rule.bad),
        "Use instead (passes):\n" + block(rule.good),
        f"Options: {rule.options}" if rule.options else "",
        "References:\n" + cited if links else "",
    ]
    return "\n\n".join(part for part in parts if part)


SEVERITY_POLICY = """## Severity policy

Every rule, and every case inside a rule that raises or lowers its default, follows one policy:

- **error**: the record or the contract it describes is unlawful, or an item Art. 30(1) or 30(2) asks
  for is missing. This covers a legal prerequisite the record does not state at all, which is presumed
  absent (no lawful basis, no transfer mechanism, no Art. 28 contract, no authorisation of a
  sub-processor), a fact the record states that the law forbids (an invalidated mechanism, a derogation
  used for a regular flow, a contract recorded as not covering an Art. 28(3) point, SCCs choosing a
  non-EU law) and an Art. 30 item left out (purposes, categories, recipients, destination, retention
  "where possible", security measures "where possible").
- **warning**: the record is incomplete or its evidence weak. The prerequisite is stated but a detail
  that shows it is missing or vague: a retention given only in words or as a range, a contract whose
  Art. 28(3) points are not recorded, SCCs whose annex facts or clause options are not recorded, a
  consent without its proof, a transfer impact assessment missing or stale.
- **info**: good practice the law does not require in the record: a recipient's role (Art. 30(1)(d)
  asks only for categories), the options of clauses to which the organisation is not a party (a
  processor's Module 3 clauses with its sub-processors: the organisation may ask for them under
  Art. 28(3)(h), its record need not hold them), per-sub-processor contracts a processor's contract
  already binds it to (Art. 28(3)(d)).

One gap gives one finding, at the place where it is fixed, naming what it covers: one flow-down finding
per processor, one Art. 28(3) finding per contract, one 2021/915 annex finding per contract, and a
mechanism (invalid, unnamed, without evidence or assessment, a misused derogation) once where it is
relied on: at the importer's own record when a transfer restates it, else at the first transfer, with
the transfers it covers named. `ropa/check/rootcause.py` defines that place per rule, and
`tests/findings_truth/` fails when two findings share it. Stating more true facts never raises more
errors than stating fewer: adding a valid mechanism, module or transfer impact assessment to a transfer
never increases the error count (`tests/property/test_more_facts.py`). `severity_overrides` in
organisation.yaml can change any rule's default.
"""


def reference_markdown(rules: list[Rule], catalogue_version: str) -> str:
    """The whole catalogue as one Markdown page: the severity policy, the table, then every rule explained."""
    head = [
        "# Rule catalogue",
        "",
        f"Generated by `ropa rules --format markdown --all` from catalogue version {catalogue_version};",
        "a test fails when this page is stale. Ids are stable and never reused.",
        "",
        SEVERITY_POLICY,
        listing(rules, "markdown"),
        "",
    ]
    body = [explain(rule, "markdown") for rule in rules]
    return "\n".join(head) + "\n" + "\n\n".join(body) + "\n"
