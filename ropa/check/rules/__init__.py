"""The rule catalogue: an explicit registry, one package or module per family, ids never reused.

Retired ids stay in :data:`RETIRED` so they are never given to a new rule.
"""

from __future__ import annotations

from functools import cache

from ropa.check.rules.base import Check, Context, Hit, Rule

CATALOGUE_VERSION = "2026.12.4"
"""Bumped whenever a rule is added, removed or changes meaning."""

RETIRED: dict[str, str] = {}
"""Retired rule id -> reason; these ids are never reused."""

_FAMILIES = (
    "ropa.check.rules.completeness",
    "ropa.check.rules.quality",
    "ropa.check.rules.lawfulness",
    "ropa.check.rules.transfers",
    "ropa.check.rules.processors",
    "ropa.check.rules.roles",
    "ropa.check.rules.freshness",
)


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule by id, in catalogue order. Duplicate or retired ids are rejected."""
    import importlib

    rules: dict[str, Rule] = {}
    names: set[str] = set()
    for module_name in _FAMILIES:
        module = importlib.import_module(module_name)
        for rule in module.RULES:
            if rule.id in rules or rule.id in RETIRED:
                raise RuntimeError(f"rule id {rule.id} is defined twice or retired")
            if rule.name in names:
                raise RuntimeError(f"rule name {rule.name} is defined twice")
            rules[rule.id] = rule
            names.add(rule.name)
    return rules


__all__ = ["CATALOGUE_VERSION", "RETIRED", "Check", "Context", "Hit", "Rule", "catalogue"]
