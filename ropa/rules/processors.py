"""Rules: processors."""

from __future__ import annotations

from ropa.rules.base import Rule, registrar

RULES: list[Rule] = []
define = registrar(RULES)
