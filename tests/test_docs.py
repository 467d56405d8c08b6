"""Generated documentation stays in step with the code."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ropa.check.rules import CATALOGUE_VERSION, catalogue
from ropa.check.rules.docs import reference_markdown
from ropa.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_rules_page_is_current() -> None:
    expected = reference_markdown(list(catalogue().values()), CATALOGUE_VERSION)
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md is stale: run `ropa rules --format markdown --all > docs/rules.md`"


def test_rules_all_markdown_is_the_page() -> None:
    result = CliRunner().invoke(main, ["rules", "--format", "markdown", "--all"])
    assert result.exit_code == 0
    assert result.output == reference_markdown(list(catalogue().values()), CATALOGUE_VERSION)
    for rule_id in catalogue():
        assert f"## {rule_id} (" in result.output


def test_readme_opens_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1 : lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == ["bash scripts/example.sh", "bash scripts/test.sh"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci
