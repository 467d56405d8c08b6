"""Rule documentation in the manner of ruff's: what it does, why, known problems, example and use instead,
options and references with links, in `ropa rules ID` and docs/rules.md."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ropa.check.rules import catalogue
from ropa.check.rules.docs import explain, references
from ropa.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEURISTIC = ("A30-1-b-purpose-vague", "A30-1-d-recipients-vague", "A5-1-e-retention-vague", "VAL-placeholder")
GDPR = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"


def test_every_rule_links_the_acts_its_article_names() -> None:
    for rule in catalogue().values():
        urls = [url for _title, url in references(rule)]
        if any(part.strip().startswith("Art.") for part in rule.article.split(";")):
            assert GDPR in urls, rule.id
        if "2021/914" in rule.article:
            assert "https://eur-lex.europa.eu/eli/dec_impl/2021/914/oj" in urls, rule.id
        if "2021/915" in rule.article:
            assert "https://eur-lex.europa.eu/eli/dec_impl/2021/915/oj" in urls, rule.id


def test_heuristic_rules_say_where_they_can_be_wrong() -> None:
    for rule_id in HEURISTIC:
        assert "false positive" in catalogue()[rule_id].known_problems, rule_id


def test_ropa_rules_id_prints_every_section() -> None:
    result = CliRunner().invoke(main, ["rules", "A30-1-b-purpose-vague"])
    assert result.exit_code == 0, result.output
    for heading in (
        "What it does:",
        "Why it matters:",
        "Known problems:",
        "Example (fails):",
        "Use instead (passes):",
        "Options: settings.min_purpose_words",
        "References:",
        GDPR,
    ):
        assert heading in result.output, heading


def test_json_and_markdown_carry_the_new_sections() -> None:
    rule = catalogue()["A5-1-e-retention-exceeds-need"]
    data = json.loads(explain(rule, "json"))
    assert "settings.max_retention" in data["options"]
    assert {"title": "Regulation (EU) 2016/679 (GDPR)", "url": GDPR} in data["references"]
    page = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert "## Severity policy" in page
    assert f"- [Regulation (EU) 2016/679 (GDPR)]({GDPR})" in page
