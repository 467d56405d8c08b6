"""Value quality and storage limitation: fields that are filled in but say nothing checkable.

Vagueness is decided only by the word lists of :mod:`ropa.check.rules.lexicons` (whole words,
case-insensitive, after Unicode NFKC normalisation), so every finding names the wording that triggered it.

One module per topic; :data:`RULES` lists them in catalogue order (the order of ``ropa rules``,
docs/rules.md and the SARIF rule index).
"""

from __future__ import annotations

from ropa.check.rules.base import Rule
from ropa.check.rules.quality import measures, retention, vague

RULES: list[Rule] = [
    *vague.RULES,
    *retention.RULES,
    *measures.RULES,
]
