"""Art. 30(1)(f): every data category has a retention, its own or the activity's, or a reason why none
can be given.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.activity import Retention
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


def says_anything(retention: Retention | None) -> bool:
    """Whether a retention object states anything at all (``retention: {}`` does not)."""
    if retention is None:
        return False
    return any(
        (
            retention.kind,
            retention.duration,
            retention.trigger_event,
            retention.criteria,
            retention.statement,
            retention.legal_basis_for_period,
            retention.not_possible_reason,
        )
    )


@define(
    id="A30-1-f-retention",
    name="completeness.retention",
    severity=Severity.ERROR,
    summary=(
        "Every data category has a retention (its own or the activity's), or a reason why none can be given; an "
        "activity with no data categories states a retention."
    ),
    article="Art. 30(1)(f); Art. 5(1)(e)",
    why=(
        "The record must give the envisaged time limits for erasure of the different categories of data "
        "'where possible'; a category with none is either kept forever or its limit is unknown. A missing "
        "Art. 30(1) item is an error; 'not possible' must be said, with its reason. An activity that lists no "
        "data categories and no retention of its own gives nothing to judge, which is a gap of its own."
    ),
    fix=(
        "Give the category (or the activity, for all its categories) a 'retention' with a duration and "
        "trigger_event, or criteria; if no limit can be set, say why in retention.not_possible_reason."
    ),
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    data_categories:
      - id: phone
        name: Mobile phone number
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    data_categories:
      - id: phone
        name: Mobile phone number
        retention:
          kind: duration
          duration: P30D
          trigger_event: message delivered
""",
)
def retention(ctx: Context) -> Iterator[Hit]:
    for entry in ctx.activities():
        activity = entry.activity
        if says_anything(activity.retention):
            continue
        if not activity.data_categories:
            yield ctx.act(
                entry,
                message=(
                    f"activity {activity.id!r} lists no data categories and sets no retention, so no time limit "
                    "for erasure can be judged; add data_categories with their retention, or the activity's retention"
                ),
            )
            continue
        for c_index, category in enumerate(activity.data_categories):
            if not says_anything(category.retention):
                yield ctx.act(
                    entry,
                    "data_categories",
                    c_index,
                    "retention",
                    message=(
                        f"data category {category.id!r} ({category.name}) has no retention and the activity sets "
                        "none; add a retention (duration with trigger_event, or criteria) or not_possible_reason"
                    ),
                )
