"""Art. 30(1) and 30(2) completeness: every mandatory field of the record is there.

One module per group of Art. 30 points; :data:`RULES` lists them in catalogue order (the order of
``ropa rules``, docs/rules.md and the SARIF rule index), which follows the points of Art. 30.
"""

from __future__ import annotations

from ropa.check.rules.base import Rule
from ropa.check.rules.completeness import (
    controller,
    empty,
    exemption,
    locations,
    processing,
    processor_record,
    recipients,
    retention,
    security,
)

RULES: list[Rule] = [
    *controller.RULES,
    *processing.RULES,
    *recipients.RULES,
    *retention.RULES,
    *security.RULES,
    *processor_record.RULES,
    *exemption.RULES,
    *locations.RULES,
    *empty.RULES,
]
