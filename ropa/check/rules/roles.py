"""Rules on who does what: a processor's own purposes, roles per involvement, the organisation's own
sub-processors when it is a processor (Art. 28(2), (10), Art. 29, Art. 30(2))."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import brief_list
from ropa.model.activity import InvolvementRole
from ropa.model.common import Severity
from ropa.model.facts import is_processor, parties
from ropa.model.provider import Provider

RULES: list[Rule] = []
define = registrar(RULES)


def _disclosed_to(ctx: Context) -> set[str]:
    """Providers the record names as a controller receiving data in some activity (a recorded disclosure)."""
    controllers = (InvolvementRole.INDEPENDENT_CONTROLLER, InvolvementRole.JOINT_CONTROLLER)
    return {
        party.provider.id
        for entry in ctx.activities()
        for party in parties(ctx.register, entry)
        if party.sub is None and party.role in controllers
    }


@define(
    id="A28-10-own-purposes",
    name="roles.own-purposes",
    severity=Severity.ERROR,
    summary="A processor does not use the data it processes for the organisation for purposes of its own.",
    article="Art. 28(10), Art. 29, Art. 28(3)(a)",
    why=(
        "A processor may process the controller's data only on the controller's documented instructions "
        "(Art. 28(3)(a), Art. 29). A processor that uses that data for its own purposes (its analytics, product "
        "improvement, fraud models, marketing, sharing with 'business partners') determines purposes and is a "
        "controller for that processing (Art. 28(10)); the organisation then discloses the data to another "
        "controller, which its record must show, with its own basis for the disclosure, or its contract must "
        "forbid. Where the source does not say whether the provider's own purposes touch the organisation's data, "
        "the finding is a warning: ask (Art. 28(3)(h))."
    ),
    fix=(
        "Get the contract to forbid the use (and record uses_organisation_data: false with its source), or record "
        "the disclosure: list the provider in the activity's providers as independent_controller, with its purpose, "
        "and the organisation's lawful basis for disclosing the data."
    ),
    bad="""
role: processor
own_processing:
  - id: analytics
    purpose: Product analytics and service improvement
    data: [phone numbers, message content]
    uses_organisation_data: true
    source: privacy policy §4
""",
    good="""
role: processor
own_processing:
  - id: billing
    purpose: Billing of its own customer accounts
    data: [account holder name, invoices]
    uses_organisation_data: false
    source: privacy policy §4
""",
)
def own_purposes(ctx: Context) -> Iterator[Hit]:
    disclosed = ctx.once("roles.disclosed", _disclosed_to)
    for provider in ctx.register.providers:
        if not provider.own_processing or not is_processor(ctx.register, provider):
            continue
        for index, own in enumerate(provider.own_processing):
            shared = f", shared with {brief_list(own.shared_with)}" if own.shared_with else ""
            if own.uses_organisation_data is None:
                yield _unknown(ctx, provider, index, own.purpose, shared)
            elif own.uses_organisation_data and provider.id not in disclosed:
                yield ctx.prov(
                    provider,
                    "own_processing",
                    index,
                    "uses_organisation_data",
                    message=(
                        f"{provider.id} processes data for the organisation and uses it for its own purpose "
                        f"{own.purpose!r}{shared}: for that it is a controller, not a processor (Art. 28(10)); have "
                        "the contract forbid it, or record the disclosure to it as an independent controller in the "
                        "activities concerned, with the organisation's basis for it"
                    ),
                )


def _unknown(ctx: Context, provider: Provider, index: int, purpose: str, shared: str) -> Hit:
    return ctx.prov(
        provider,
        "own_processing",
        index,
        message=(
            f"{provider.id} is a processor and has its own purpose {purpose!r}{shared}; the record does not say "
            "whether it uses data it processes for the organisation (Art. 28(10), 29): ask it (Art. 28(3)(h)) and "
            "record uses_organisation_data"
        ),
        severity=Severity.WARNING,
    )


@define(
    id="A28-2-processor-subprocessors",
    name="roles.processor-subprocessors",
    severity=Severity.ERROR,
    summary="Where the organisation is a processor, its own sub-processors are authorised by the controller.",
    article="Art. 28(2), Art. 30(2)",
    why=(
        "A processor shall not engage another processor without the controller's prior specific or general "
        "written authorisation (Art. 28(2)). The organisation's processor record lists the sub-processors it "
        "engages; each needs that authorisation on record."
    ),
    fix="Record the controller's written authorisation in the processor record ('authorisation').",
    bad="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: sms-for-clients
    controller: Client AG
    categories_of_processing: [SMS delivery]
    sub_processors: [acme]
---
role: processor
""",
    good="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: sms-for-clients
    controller: Client AG
    categories_of_processing: [SMS delivery]
    sub_processors: [acme]
    authorisation: General written authorisation, DPA with Client AG §7 (2026-01-10)
---
role: processor
""",
)
def processor_subprocessors(ctx: Context) -> Iterator[Hit]:
    for index, record in enumerate(ctx.register.organisation.processor_activities):
        if record.sub_processors and not record.authorisation:
            yield ctx.org(
                "processor_activities",
                index,
                "sub_processors",
                message=(
                    f"processor record {record.id!r} engages {brief_list(record.sub_processors)} for "
                    f"{record.controller} but records no authorisation by that controller (Art. 28(2)); add "
                    "'authorisation'"
                ),
            )


@define(
    id="A28-involvement-role",
    name="roles.involvement",
    severity=Severity.WARNING,
    summary="A sub-processor taking part in an activity names the processor that engages it.",
    article="Art. 28(2), (4)",
    why=(
        "A sub-processor is engaged by one of the organisation's processors, and the flow-down of obligations runs "
        "through that processor's contract (Art. 28(4)); without naming it the chain cannot be checked."
    ),
    fix="Give 'via' (the processor's id), or name the sub-processor as 'processor-id/sub-id'.",
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    providers:
      - provider: acme
        role: sub_processor
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    providers:
      - provider: acme
        role: processor
        processing: Sends the passcodes on the organisation's instructions
""",
)
def involvement_role(ctx: Context) -> Iterator[Hit]:
    for entry in ctx.activities():
        for party in parties(ctx.register, entry):
            inv = party.involvement
            if inv is None or party.role is not InvolvementRole.SUB_PROCESSOR or party.sub is not None or inv.via:
                continue
            yield ctx.act(
                entry,
                "providers",
                party.index or 0,
                message=(
                    f"{party.ref} is a sub-processor in activity {entry.activity.id!r} but the processor that "
                    "engages it is not named; add 'via' or reference it as 'processor-id/sub-id'"
                ),
            )
