"""Art. 30(1)(g) and 30(2)(d): every activity has security measures, its own or its provider's."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.common import Severity
from ropa.model.facts import parties

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-1-g-toms",
    name="completeness.toms",
    severity=Severity.ERROR,
    summary="Every activity has security measures: its own or its provider's (Art. 30(2) entries too).",
    article="Art. 30(1)(g); Art. 30(2)(d); Art. 32(1)",
    why=(
        "The record must describe the Art. 32 security measures 'where possible'; none at all describes nothing. "
        "A missing Art. 30(1) item is an error, as a missing retention is."
    ),
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
    for entry in ctx.activities():
        activity = entry.activity
        if activity.security_measures:
            continue
        processors = [p.provider for p in parties(ctx.register, entry) if p.processes and p.sub is None]
        if any(provider.toms for provider in processors):
            continue
        if processors:
            names = ", ".join(provider.id for provider in processors)
            who = f"provider {names} has" if len(processors) == 1 else f"providers {names} have"
            message = f"activity {activity.id!r} has no security measures and {who} no toms; add either"
        else:
            message = f"activity {activity.id!r} is done in-house and records no security measures; add them"
        yield ctx.act(entry, "security_measures", message=message)
