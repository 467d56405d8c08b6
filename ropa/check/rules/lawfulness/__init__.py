"""Lawful basis (Art. 6-8), special categories (Art. 9), criminal data (Art. 10) and children.

The validator never infers a basis or a condition: a basis in free text (``stated_basis``) is reported,
not mapped to an Art. 6(1) point.

One module per topic; :data:`RULES` lists them in catalogue order (the order of ``ropa rules``,
docs/rules.md and the SARIF rule index), which follows the articles; the child-safeguards rule, which draws
on several articles, comes last.
"""

from __future__ import annotations

from ropa.check.rules.base import Rule
from ropa.check.rules.lawfulness import basis, child_consent, children, special

RULES: list[Rule] = [
    *basis.RULES,
    *child_consent.RULES,
    *special.RULES,
    *children.RULES,
]
