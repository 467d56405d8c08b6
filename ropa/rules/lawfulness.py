"""Lawful basis (Art. 6-8), special categories (Art. 9), criminal data (Art. 10) and children.

The validator never infers a basis or a condition: a basis in free text
(``stated_basis``) is reported, not mapped to an Art. 6(1) point.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.model.common import Severity
from ropa.rules.base import Context, Hit, Rule, registrar

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A6-1-basis",
    name="lawfulness.basis",
    severity=Severity.ERROR,
    summary="Every purpose names one Art. 6(1) lawful basis (6.1.a ... 6.1.f), not free text.",
    article="Art. 6(1); Art. 5(1)(a); Art. 5(2)",
    why=(
        "Processing is lawful only if one of the six bases applies, and the controller must be able to show "
        "which; 'GDPR compliance' or a basis that covers several purposes at once shows nothing."
    ),
    fix=(
        "Set 'lawful_basis' to one of 6.1.a consent, 6.1.b contract, 6.1.c legal obligation, 6.1.d vital "
        "interests, 6.1.e public task, 6.1.f legitimate interests; keep the source's words in 'stated_basis'."
    ),
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - description: Deliver one-time login passcodes by SMS
        stated_basis: Contractual necessity and legitimate interests
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - description: Deliver one-time login passcodes by SMS
        stated_basis: Contractual necessity and legitimate interests
        lawful_basis: 6.1.b
""",
)
def basis(ctx: Context) -> Iterator[Hit]:
    for provider, index, activity in ctx.activities():
        for p_index, purpose in enumerate(activity.purposes):
            if purpose.lawful_basis is not None:
                continue
            if purpose.stated_basis:
                yield ctx.act(
                    provider,
                    index,
                    activity,
                    "purposes",
                    p_index,
                    "stated_basis",
                    message=(
                        f"purpose {purpose.description!r} gives its basis only as {purpose.stated_basis!r}; set "
                        "lawful_basis to one Art. 6(1) point (6.1.a ... 6.1.f)"
                    ),
                )
            else:
                yield ctx.act(
                    provider,
                    index,
                    activity,
                    "purposes",
                    p_index,
                    "lawful_basis",
                    message=(
                        f"purpose {purpose.description!r} has no lawful basis; set lawful_basis to one Art. 6(1) "
                        "point (6.1.a ... 6.1.f)"
                    ),
                )
