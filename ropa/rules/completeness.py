"""Art. 30(1) and 30(2) completeness: every mandatory field of the record is there."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.model.common import Severity
from ropa.rules.base import Context, Hit, Rule, registrar

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-1-b-purpose",
    name="completeness.purpose",
    severity=Severity.ERROR,
    summary="Every activity states at least one purpose.",
    article="Art. 30(1)(b)",
    why="The purposes are a mandatory item of the controller record; without them nothing else can be judged.",
    fix="Add a 'purposes' list with at least one specific purpose.",
    bad="""
activities:
  - id: sms-delivery
    name: SMS delivery
    purposes: []
""",
    good="""
activities:
  - id: sms-delivery
    name: SMS delivery
    purposes:
      - description: Deliver transactional SMS (order and delivery notices) to customers
        lawful_basis: 6.1.b
""",
)
def purpose(ctx: Context) -> Iterator[Hit]:
    for provider, index, activity in ctx.activities():
        if not activity.purposes:
            yield ctx.act(provider, index, activity, "purposes", message="no purpose is stated; add one")
