"""Art. 30(1) and 30(2): a record holds at least one processing activity, so that a check of it has
something to check and a clean result means something.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-record-empty",
    name="completeness.record-empty",
    severity=Severity.ERROR,
    summary="The record holds at least one processing activity (Art. 30(1)) or processor activity (Art. 30(2)).",
    article="Art. 30(1); Art. 30(2); Art. 30(4)",
    why=(
        "A record of processing activities with no activity records nothing: every other rule then passes for "
        "want of anything to judge, and the documents would show a clean record to the supervisory authority "
        "(Art. 30(4)). An organisation that processes personal data has at least one activity."
    ),
    fix=(
        "Add the organisation's activities (activities/<name>.yaml, or under a provider's activities), or its "
        "Art. 30(2) entries (processor_activities in organisation.yaml)."
    ),
    bad="""
# organisation.yaml
processor_activities: []
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
""",
)
def record_empty(ctx: Context) -> Iterator[Hit]:
    register = ctx.register
    if register.activities() or register.organisation.processor_activities:
        return
    yield ctx.org(
        message=(
            "the record holds no processing activity (no activities, no processor_activities), so nothing was "
            "checked; add the activities the organisation carries out"
        )
    )
