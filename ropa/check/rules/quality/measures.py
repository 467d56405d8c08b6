"""Security measures (Art. 32): concrete, and covering enough of the Annex II measure types."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.common import Severity, Tom
from ropa.model.facts import parties

RULES: list[Rule] = []
define = registrar(RULES)


TOM_MIN_KINDS = 3
"""Fewest distinct Annex II measure types a set of measures should cover."""


@define(
    id="A32-1-toms-generic",
    name="quality.toms-generic",
    severity=Severity.WARNING,
    summary="Security measures are concrete and cover at least 3 of the 17 Annex II measure types.",
    article="Art. 32(1); 2021/914 Annex II and 2021/915 Annex III explanatory notes",
    known_problems=(
        "It counts measure types and looks for generic wording; it cannot judge whether a measure is adequate to "
        "the risk (Art. 32(1)), and measures of the organisation and of the provider are counted together, so a "
        "provider describing none can pass on the organisation's."
    ),
    why=(
        "'Industry-standard security' or 'appropriate measures' describe nothing; the SCC annexes require "
        "measures in specific, not generic, terms."
    ),
    fix="Describe each measure concretely (what, where, how strong) and cover the relevant measure kinds.",
    bad="""
toms:
  - kind: confidentiality_integrity
    measure: Industry-standard security
""",
    good="""
toms:
  - kind: confidentiality_integrity
    measure: Production systems in ISO 27001-certified data centres in Frankfurt
  - kind: transmission
    measure: TLS 1.2+ on every API call and SMPP bind
  - kind: identification_authorisation
    measure: SSO with hardware-key MFA for all staff; least-privilege roles reviewed quarterly
""",
)
def toms_generic(ctx: Context) -> Iterator[Hit]:
    def generic(tom: Tom) -> bool:
        return lx.GENERIC_TOMS.only(tom.measure) or lx.VAGUE_GENERIC.alone(tom.measure)

    message = "measure {!r} is generic; describe concretely what is done"
    for provider in ctx.register.providers:
        for t_index, tom in enumerate(provider.toms):
            if generic(tom):
                yield ctx.prov(provider, "toms", t_index, "measure", message=message.format(tom.measure))
        kinds = {t.kind for t in provider.toms}
        if provider.toms and len(kinds) < TOM_MIN_KINDS:
            yield ctx.prov(
                provider,
                "toms",
                message=(
                    f"provider {provider.id}'s measures cover {len(kinds)} measure type(s) "
                    f"({', '.join(sorted(k.value for k in kinds))}); describe at least {TOM_MIN_KINDS}"
                ),
            )
    for entry in ctx.activities():
        activity = entry.activity
        for t_index, tom in enumerate(activity.security_measures):
            if generic(tom):
                yield ctx.act(entry, "security_measures", t_index, "measure", message=message.format(tom.measure))
        processors = [p.provider for p in parties(ctx.register, entry) if p.processes and p.sub is None]
        kinds = {t.kind for provider in processors for t in provider.toms}
        if activity.security_measures and len(kinds) < TOM_MIN_KINDS:
            all_kinds = kinds | {t.kind for t in activity.security_measures}
            if len(all_kinds) < TOM_MIN_KINDS:
                who = " and ".join(["activity " + repr(activity.id), *(f"provider {p.id}" for p in processors)])
                silent = [p.id for p in processors if not p.toms]
                # The organisation's own measures do not make up for a processor that describes none.
                point = f"; {', '.join(silent)} describe(s) no measure of its own (Art. 28(3)(c), 32)" if silent else ""
                yield ctx.act(
                    entry,
                    "security_measures",
                    message=(
                        f"{who} together cover {len(all_kinds)} measure type(s); describe at least {TOM_MIN_KINDS}"
                        f"{point}"
                    ),
                )
