"""Each rule's documentation examples are valid YAML and true: ``bad`` fires the rule, ``good`` does not.

An example is a fragment of a provider file unless its first line is a
``# organisation.yaml`` comment; several files are separated by ``---``, each
starting with its own ``# organisation.yaml`` or ``# providers/<id>.yaml``
comment. An optional ``# as of YYYY-MM-DD`` line sets the date it is judged on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from ropa.check.findings import Report
from ropa.check.rules import catalogue
from ropa.check.rules.base import Rule

Build = Callable[..., Report]
RULES = list(catalogue().values())
_HEADER = re.compile(r"^#\s*(organisation\.yaml|providers/([a-z0-9_-]+)\.yaml)\s*$", re.MULTILINE)
_AS_OF = re.compile(r"^#\s*as of (\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


def parse_example(text: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]], dt.date | None]:
    """The organisation fragment, provider fragments and date of an example."""
    organisation: dict[str, Any] | None = None
    providers: list[dict[str, Any]] = []
    parts = re.split(r"^---\s*$", text, flags=re.MULTILINE)
    for part in parts:
        data = yaml.safe_load(part) or {}
        assert isinstance(data, dict), f"an example part must be a mapping: {part!r}"
        header = _HEADER.search(part)
        if header and header.group(1) == "organisation.yaml":
            organisation = data
        else:
            if header:
                data = {"id": header.group(2), **data}
            providers.append(data)
    as_of = _AS_OF.search(text)
    return organisation, providers, dt.date.fromisoformat(as_of.group(1)) if as_of else None


def _select(rule: Rule, organisation: dict[str, Any] | None) -> set[str]:
    """The rule, plus the rules its example's waivers name (so WAIVER-unused can judge them)."""
    waivers = ((organisation or {}).get("settings") or {}).get("waivers") or []
    return {rule.id, *(w["rule"] for w in waivers)}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_examples_are_yaml_and_documented(rule: Rule) -> None:
    for text in (rule.bad, rule.good):
        for part in re.split(r"^---\s*$", text, flags=re.MULTILINE):
            assert isinstance(yaml.safe_load(part), dict)
    assert rule.bad != rule.good
    for field in (rule.summary, rule.article, rule.why, rule.fix):
        assert field.strip()
    family, _, slug = rule.name.partition(".")
    assert family and re.fullmatch(r"[a-z0-9-]+", slug), rule.name


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_bad_example_fires_and_good_does_not(rule: Rule, run_rules: Build) -> None:
    for text, must_fire in ((rule.bad, True), (rule.good, False)):
        organisation, providers, as_of = parse_example(text)
        kwargs: dict[str, Any] = {"organisation": organisation, "providers": providers or None}
        if as_of:
            kwargs["as_of"] = as_of
        report = run_rules(_select(rule, organisation), **kwargs)
        found = [f.message for f in report.findings if f.rule == rule.id]
        if must_fire:
            assert found, f"{rule.id}: the 'bad' example does not fire\n{text}"
        else:
            assert not found, f"{rule.id}: the 'good' example fires: {found}\n{text}"
