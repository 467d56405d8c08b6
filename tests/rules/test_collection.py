"""Every rule a module defines reaches the catalogue.

The transfers, completeness, lawfulness and quality families are packages, one module per topic, whose
``__init__`` lists the topic modules' rules; a topic module left out of that list would silently drop its rules.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import ropa.check.rules
from ropa.check.rules import catalogue


def _rule_modules() -> dict[str, ModuleType]:
    """Every module under ``ropa.check.rules`` (packages included) that defines a ``RULES`` list."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.walk_packages(ropa.check.rules.__path__, "ropa.check.rules."):
        module = importlib.import_module(info.name)
        if isinstance(getattr(module, "RULES", None), list):
            found[info.name] = module
    return found


def test_every_defined_rule_is_in_the_catalogue() -> None:
    modules = _rule_modules()
    assert {
        "ropa.check.rules.transfers.scc",
        "ropa.check.rules.completeness.controller",
        "ropa.check.rules.quality",
        "ropa.check.rules.quality.retention",
        "ropa.check.rules.lawfulness.special",
    } <= set(modules)
    listed = {id(rule) for rule in catalogue().values()}
    lost = {name: ids for name, m in modules.items() if (ids := [r.id for r in m.RULES if id(r) not in listed])}
    assert not lost, f"rules not in the catalogue (add the module to its family's RULES): {lost}"
