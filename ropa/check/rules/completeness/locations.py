"""Art. 30(1)(e) and Art. 44: every party the data goes to has a known location, so that an unknown place
is reported and never read as 'no transfer'.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import brief_list
from ropa.model.activity import RecipientRole
from ropa.model.common import Severity
from ropa.model.facts import is_processor

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A44-unknown-location",
    name="completeness.location",
    severity=Severity.WARNING,
    summary=(
        "Every provider states its country, every sub-processor of a processor where it processes, and every "
        "recipient named only by category where it is."
    ),
    article="Art. 30(1)(e); Art. 44",
    why=(
        "Whether data leaves the EEA, and so whether Chapter V applies, depends on where each party is. A party "
        "with no country cannot be judged: the record must not read as 'no transfer' because a country is "
        "missing. A provider or sub-processor without a country is incomplete (a warning, one per provider "
        "naming its sub-processors); a category recipient without one is info, as categories often span "
        "countries."
    ),
    fix=(
        "Add 'country' (ISO 3166) to the provider, to each sub-processor, and to category recipients; where a "
        "policy names no country, ask the provider and record the answer with its source."
    ),
    bad="""
role: processor
sub_processors:
  - id: cloud
    name: Cloud Hosting Inc.
""",
    good="""
role: processor
sub_processors:
  - id: cloud
    name: Cloud Hosting Inc.
    country: DE
""",
)
def unknown_location(ctx: Context) -> Iterator[Hit]:
    for provider in ctx.register.providers:
        if provider.country is None:
            yield ctx.prov(
                provider,
                "country",
                message=(
                    f"provider {provider.id} states no country of establishment, so the record cannot show whether "
                    "data leaves the EEA; add 'country'"
                ),
            )
        if not is_processor(ctx.register, provider):
            continue
        nowhere = [sub.id for sub in provider.sub_processors if sub.country is None]
        if nowhere:
            yield ctx.prov(
                provider,
                "sub_processors",
                message=(
                    f"{provider.id} has {len(nowhere)} sub-processor(s) with no country: {brief_list(nowhere, 8)}; "
                    "where they process is unknown, so no transfer can be ruled out (add 'country' to each)"
                ),
            )
    for entry, r_index, recipient in ctx.recipients():
        if recipient.provider or recipient.country or recipient.role is RecipientRole.INTERNAL:
            continue
        if recipient.category:
            yield ctx.act(
                entry,
                "recipients",
                r_index,
                "category",
                message=(
                    f"recipient {recipient.category!r} has no country; say where it is (country), or record the "
                    "transfer if it is outside the EEA"
                ),
                severity=Severity.INFO,
            )
