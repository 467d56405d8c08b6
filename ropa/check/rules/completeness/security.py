"""Art. 30(1)(g) and 30(2)(d): every activity has security measures, its own or its provider's."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-1-g-toms",
    name="completeness.toms",
    severity=Severity.WARNING,
    summary="Every activity has security measures: its own or its provider's (Art. 30(2) entries too).",
    article="Art. 30(1)(g); Art. 30(2)(d); Art. 32(1)",
    why="The record must describe the Art. 32 security measures 'where possible'; none at all describes nothing.",
    fix="Add 'toms' to the provider, or 'security_measures' to the activity, each with a kind and the measure.",
    bad="""
activities:
  - id: otp
    name: One-time passcodes
""",
    good="""
toms:
  - kind: transmission
    measure: TLS 1.2+ on every API call and SMPP bind
activities:
  - id: otp
    name: One-time passcodes
""",
)
def toms(ctx: Context) -> Iterator[Hit]:
    for p_index, pa in enumerate(ctx.register.organisation.processor_activities):
        if not pa.security_measures:
            yield ctx.org(
                "processor_activities",
                p_index,
                message=f"processor activity {pa.id!r} describes no security measures; add security_measures",
            )
    for provider, index, activity in ctx.activities():
        if not activity.security_measures and not provider.toms:
            yield ctx.act(
                provider,
                index,
                activity,
                "security_measures",
                message=(
                    f"activity {activity.id!r} has no security measures and provider {provider.id} has no toms; "
                    "add either"
                ),
            )
