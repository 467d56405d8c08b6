"""Art. 30(1)(d) and (e): recipients are stated with a category and role, every recipient outside the
EEA (sub-processors too) is covered by a transfer, and every transfer names its destination.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa import refdata
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.activity import Activity
from ropa.model.common import Severity
from ropa.model.facts import is_processor, parties, resolve

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-1-d-recipients",
    name="completeness.recipients",
    severity=Severity.ERROR,
    summary="Activities state their recipients (an empty list for none), each with a provider or category and a role.",
    article="Art. 30(1)(d); Art. 4(9)",
    why=(
        "The record must give the categories of recipients; a missing list cannot be told apart from 'none' "
        "(an error). Art. 30(1)(d) asks only for categories: a recipient without a role is reported as info, "
        "as good practice, since the role decides whether an Art. 28 contract or a disclosure basis is needed."
    ),
    fix=(
        "Add 'recipients' (write 'recipients: []' when there are none); give each a provider id or a category, "
        "and a role: processor, sub_processor, controller, joint_controller, public_authority or internal. "
        "(A provider without a country is reported by A44-unknown-location.)"
    ),
    bad="""
activities:
  - id: otp
    name: One-time passcodes
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    recipients:
      - category: Mobile network operators terminating the SMS
        role: controller
""",
)
def recipients(ctx: Context) -> Iterator[Hit]:
    for entry in ctx.activities():
        activity = entry.activity
        if activity.recipients is None:
            yield ctx.act(
                entry,
                "recipients",
                message=(
                    f"activity {activity.id!r} does not state its recipients; add 'recipients' "
                    "(or 'recipients: []' when there are none)"
                ),
            )
            continue
        for r_index, recipient in enumerate(activity.recipients):
            if not recipient.provider and not recipient.category:
                yield ctx.act(
                    entry,
                    "recipients",
                    r_index,
                    message="a recipient names neither a provider nor a category; add one",
                )
            elif not recipient.provider and recipient.role is None:
                yield ctx.act(
                    entry,
                    "recipients",
                    r_index,
                    "category",
                    message=(
                        f"recipient {recipient.category!r} has no role; add role (processor, controller, "
                        "joint_controller, public_authority, internal ...)"
                    ),
                    severity=Severity.INFO,
                )


def _covered(activity: Activity, party: str | None, country: str) -> bool:
    """Whether a transfer of ``activity`` covers the party (by id) or the country (category recipients)."""
    for transfer in activity.transfers:
        if party is not None and transfer.recipient == party and transfer.country in (country, None):
            return True
        if party is None and transfer.country == country:
            return True
    return False


@define(
    id="A30-1-d-third-country-recipient",
    name="completeness.third-country-recipient",
    severity=Severity.ERROR,
    summary="Every recipient outside the EEA, including a processor's sub-processors, is covered by a transfer.",
    article="Art. 30(1)(d)-(e); Art. 44",
    why=(
        "Disclosure to anyone outside the EEA is a transfer: it must appear in the record with its destination "
        "and mechanism, and that holds for sub-processors reached through a processor too."
    ),
    fix=(
        "Add a 'transfers' entry to the activity naming the recipient (provider id, or 'provider/sub-processor') "
        "and the country, with its mechanism; for a sub-processor, alternatively record its 'mechanism'."
    ),
    bad="""
country: US
activities:
  - id: otp
    name: One-time passcodes
""",
    good="""
country: US
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - country: US
        recipient: acme
        mechanism:
          type: scc_2021_914
          modules: [2]
""",
)
def third_country_recipient(ctx: Context) -> Iterator[Hit]:
    eea = refdata.eea()
    named_subs: set[str] = set()
    for entry in ctx.activities():
        activity = entry.activity
        for transfer in activity.transfers:
            if "/" in transfer.recipient:
                named_subs.add(transfer.recipient)
        involved = [party.provider for party in parties(ctx.register, entry) if party.sub is None]
        for provider in involved:
            outside = provider.country and provider.country not in eea
            if outside and not _covered(activity, provider.id, str(provider.country)):
                yield ctx.act(
                    entry,
                    "transfers",
                    message=(
                        f"activity {activity.id!r} is carried out with {provider.id} in {provider.country} (outside "
                        f"the EEA) but records no transfer to it; add transfers: [{{country: {provider.country}, "
                        f"recipient: {provider.id}, mechanism: ...}}]"
                    ),
                )
            for country in provider.data_locations:
                if country not in eea and country != provider.country and not _covered(activity, None, country):
                    yield ctx.act(
                        entry,
                        "transfers",
                        message=(
                            f"{provider.id} keeps or accesses the data in {country} (data_locations) but activity "
                            f"{activity.id!r} records no transfer to {country}; add one with its recipient and "
                            "mechanism"
                        ),
                    )
        hosts = {provider.id for provider in involved}
        for r_index, recipient in enumerate(activity.recipients or ()):
            where: str | None = recipient.country
            party = recipient.provider
            if party in hosts and not where:
                continue  # a provider of the activity: checked above
            if party and not where:
                if "/" in party:
                    found = resolve(ctx.register, party)
                    where = found[1].country if found and found[1] else None
                else:
                    target = ctx.register.provider(party)
                    where = target.country if target else None
            if where and where not in eea and not _covered(activity, party, where):
                who = party or recipient.category or "recipient"
                yield ctx.act(
                    entry,
                    "recipients",
                    r_index,
                    message=(
                        f"recipient {who!r} is in {where} (outside the EEA) but activity {activity.id!r} records "
                        "no transfer to it; add a transfers entry with its mechanism"
                    ),
                )
    for provider in ctx.register.providers:
        if not is_processor(ctx.register, provider):
            continue
        for s_index, sub in enumerate(provider.sub_processors):
            if sub.country is None or sub.country in eea or sub.mechanism is not None:
                continue
            if f"{provider.id}/{sub.id}" in named_subs:
                continue
            yield ctx.prov(
                provider,
                "sub_processors",
                s_index,
                "country",
                message=(
                    f"sub-processor {sub.id!r} of {provider.id} processes the data in {sub.country} (outside the "
                    f"EEA) with no mechanism and no transfer naming '{provider.id}/{sub.id}'; record its mechanism "
                    "or add the transfer to the activities that reach it"
                ),
            )


@define(
    id="A30-1-e-destination",
    name="completeness.destination",
    severity=Severity.ERROR,
    summary="Every transfer names its destination country (ISO 3166) or international organisation.",
    article="Art. 30(1)(e); Art. 30(2)(c)",
    why="The record must identify the third country or international organisation of every transfer.",
    fix="Add 'country' (e.g. US) or 'international_organisation' to the transfer.",
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - recipient: acme
        mechanism:
          type: scc_2021_914
          modules: [2]
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - recipient: acme
        country: US
        mechanism:
          type: scc_2021_914
          modules: [2]
""",
)
def destination(ctx: Context) -> Iterator[Hit]:
    message = "transfer to {} names no destination; add 'country' (ISO 3166) or 'international_organisation'"
    for p_index, pa in enumerate(ctx.register.organisation.processor_activities):
        for t_index, transfer in enumerate(pa.transfers):
            if not transfer.country and not transfer.international_organisation:
                yield ctx.org(
                    "processor_activities",
                    p_index,
                    "transfers",
                    t_index,
                    message=message.format(repr(transfer.recipient)),
                )
    for entry in ctx.activities():
        activity = entry.activity
        for t_index, transfer in enumerate(activity.transfers):
            if not transfer.country and not transfer.international_organisation:
                yield ctx.act(entry, "transfers", t_index, message=message.format(repr(transfer.recipient)))
