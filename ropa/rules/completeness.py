"""Art. 30(1) and 30(2) completeness: every mandatory field of the record is there."""

from __future__ import annotations

from collections.abc import Iterator

from ropa import refdata
from ropa.model.activity import Activity, Retention
from ropa.model.common import Severity
from ropa.model.facts import resolve
from ropa.model.provider import ProviderRole
from ropa.rules import lexicons as lx
from ropa.rules.base import Context, Hit, Rule, registrar

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A30-1-a-controller",
    name="completeness.controller",
    severity=Severity.ERROR,
    summary="The controller's name and at least one contact channel (address, e-mail, phone or web form) are given.",
    article="Art. 30(1)(a)",
    why="The record must name the controller and say how to reach it; a supervisory authority starts there.",
    fix="Add the organisation's postal 'address', or a 'contact' with an email, phone or url.",
    bad="""
# organisation.yaml
legal_name: Example GmbH
address: null
contact:
  name: Privacy team
""",
    good="""
# organisation.yaml
legal_name: Example GmbH
address: null
contact:
  name: Privacy team
  email: privacy@example.com
""",
)
def controller(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    if org.address is None and (org.contact is None or not org.contact.channels()):
        yield ctx.org(
            "contact",
            message=(
                f"{org.legal_name} has no postal address and no contact channel; add 'address' or a contact "
                "email, phone or url"
            ),
        )


@define(
    id="A30-1-a-joint-controller",
    name="completeness.joint-controller",
    severity=Severity.ERROR,
    summary="Every joint controller has contact details and a reference to the Art. 26 arrangement.",
    article="Art. 30(1)(a); Art. 26(1)-(2)",
    why=(
        "Joint controllers must set out their respective responsibilities in an arrangement, and the record "
        "must name them with their contact details."
    ),
    fix=(
        "In organisation.yaml give each joint_controllers entry a contact (email, phone or url) and an "
        "arrangement_ref; for a provider with role joint_controller, add contacts and the arrangement as 'contract'."
    ),
    bad="""
# organisation.yaml
joint_controllers:
  - name: Partner Retail SAS
""",
    good="""
# organisation.yaml
joint_controllers:
  - name: Partner Retail SAS
    contact:
      email: privacy@partner.example
    arrangement_ref: Joint controllership arrangement 2026-03
""",
)
def joint_controller(ctx: Context) -> Iterator[Hit]:
    for j_index, joint in enumerate(ctx.register.organisation.joint_controllers):
        missing = []
        if joint.contact is None or not joint.contact.channels():
            missing.append("contact details (email, phone or url)")
        if not joint.arrangement_ref:
            missing.append("the Art. 26 arrangement (arrangement_ref)")
        if missing:
            yield ctx.org(
                "joint_controllers",
                j_index,
                message=f"joint controller {joint.name!r} is missing " + " and ".join(missing) + "; add them",
            )
    for provider in ctx.register.providers:
        if provider.role != ProviderRole.JOINT_CONTROLLER:
            continue
        missing = []
        if provider.address is None and not any(c.channels() for c in provider.contacts):
            missing.append("contact details (address or contacts)")
        if provider.contract is None:
            missing.append("the Art. 26 arrangement (contract)")
        if missing:
            yield ctx.prov(
                provider,
                "role",
                message=f"joint controller {provider.id!r} is missing " + " and ".join(missing) + "; add them",
            )


@define(
    id="A30-1-a-dpo",
    name="completeness.dpo",
    severity=Severity.ERROR,
    summary="A designated DPO is named with contact details; whether one is designated is declared.",
    article="Art. 30(1)(a); Art. 37(1), 37(7)",
    why=(
        "The record must give the DPO's contact details where there is one; a public authority must have one. "
        "An undeclared DPO status leaves the reader guessing (reported as a warning)."
    ),
    fix="Set dpo.designated, and for a designated DPO its name or position and an email, phone or url.",
    bad="""
# organisation.yaml
dpo:
  designated: true
  name: Data Protection Officer
""",
    good="""
# organisation.yaml
dpo:
  designated: true
  name: Data Protection Officer
  email: dpo@example.com
""",
)
def dpo(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    if org.dpo is None or org.dpo.designated is None:
        yield ctx.org(
            "dpo",
            message="whether a DPO is designated is not declared; set dpo.designated (true or false)",
            severity=Severity.WARNING,
        )
        return
    if org.dpo.designated:
        missing = []
        if not (org.dpo.name or org.dpo.position):
            missing.append("a name or position")
        if not org.dpo.channels():
            missing.append("an email, phone or url")
        if missing:
            yield ctx.org("dpo", message="the designated DPO is missing " + " and ".join(missing) + "; add them")
    elif org.public_authority:
        yield ctx.org(
            "dpo",
            "designated",
            message="a public authority must designate a DPO (Art. 37(1)(a)); designate one and record it",
        )


@define(
    id="A30-1-a-representative",
    name="completeness.representative",
    severity=Severity.ERROR,
    summary=(
        "A controller without an EU establishment caught by Art. 3(2) names its EU representative, or the "
        "Art. 27(2) exemption with a reason that the record does not contradict."
    ),
    article="Art. 27(1)-(3); Art. 30(1)(a)",
    why=(
        "A controller outside the EU that targets or monitors people in the EU must designate a representative "
        "in a Member State, and the record must name it. Only occasional processing, unlikely to result in a "
        "risk and without large-scale Art. 9/10 data (or a public authority) is exempt (Art. 27(2))."
    ),
    fix=(
        "Add eu_representative with its name, member_state (an EU/EEA country) and a contact; or, where Art. "
        "27(2) applies, state why in art27_2_exemption. An exemption is reported when an activity is recorded "
        "as regular or continuous, or as likely to result in a risk."
    ),
    bad="""
# organisation.yaml
country: US
eu_establishment: false
art3_2_applies: true
""",
    good="""
# organisation.yaml
country: US
eu_establishment: false
art3_2_applies: true
eu_representative:
  name: Rep Services Ireland Ltd
  member_state: IE
  contact:
    email: rep@example.ie
""",
)
def representative(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    if org.eu_establishment or not org.art3_2_applies:
        return
    rep = org.eu_representative
    if rep is None and org.art27_2_exemption:
        yield from _art27_2_exemption(ctx, org.art27_2_exemption)
        return
    if rep is None:
        yield ctx.org(
            "art3_2_applies",
            message=(
                f"{org.legal_name} has no EU establishment and Art. 3(2) applies, but no eu_representative is "
                "recorded; add its name, member_state and contact (or the reason for the Art. 27(2) exemption "
                "in art27_2_exemption)"
            ),
        )
        return
    if rep.member_state not in refdata.eea():
        yield ctx.org(
            "eu_representative",
            "member_state",
            message=f"the representative's member_state {rep.member_state!r} is not in the EU/EEA; correct it",
        )
    if rep.contact is None or not rep.contact.channels():
        yield ctx.org(
            "eu_representative",
            message=f"representative {rep.name!r} has no contact (email, phone or url); add one",
        )


def _art27_2_exemption(ctx: Context, reason: str) -> Iterator[Hit]:
    """What in the record contradicts a claimed Art. 27(2) exemption from appointing a representative."""
    if lx.VAGUE_GENERIC.alone(reason):
        yield ctx.org(
            "art27_2_exemption",
            message=f"the Art. 27(2) exemption is claimed with the reason {reason!r}, which says nothing; say why",
        )
        return
    if ctx.register.organisation.public_authority:
        return  # Art. 27(2)(b): public authorities are exempt whatever they process
    for provider, index, activity in ctx.activities():
        if activity.frequency in ("regular", "continuous"):
            yield ctx.act(
                provider,
                index,
                activity,
                "frequency",
                message=(
                    f"the Art. 27(2)(a) exemption from appointing a representative covers only occasional "
                    f"processing, but activity {activity.id!r} is {activity.frequency}; designate a representative"
                ),
            )
            return
        if activity.risk in ("likely", "high"):
            yield ctx.act(
                provider,
                index,
                activity,
                "risk",
                message=(
                    "the Art. 27(2)(a) exemption from appointing a representative covers only processing "
                    f"unlikely to result in a risk, but activity {activity.id!r} is recorded as risk "
                    f"{activity.risk!r}; designate a representative"
                ),
            )
            return


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


@define(
    id="A30-1-c-categories",
    name="completeness.categories",
    severity=Severity.ERROR,
    summary="Every activity lists both its categories of data subjects and its categories of personal data.",
    article="Art. 30(1)(c)",
    why="The record must describe whose data is processed and which data; these are two separate lists.",
    fix="Add 'data_subjects' (e.g. customers receiving SMS) and 'data_categories' (e.g. mobile phone number).",
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    data_subjects:
      - name: Customers logging in
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    data_subjects:
      - name: Customers logging in
    data_categories:
      - id: phone
        name: Mobile phone number
""",
)
def categories(ctx: Context) -> Iterator[Hit]:
    for provider, index, activity in ctx.activities():
        if not activity.data_subjects:
            yield ctx.act(
                provider,
                index,
                activity,
                "data_subjects",
                message=f"activity {activity.id!r} lists no categories of data subjects; add data_subjects",
            )
        if not activity.data_categories:
            yield ctx.act(
                provider,
                index,
                activity,
                "data_categories",
                message=f"activity {activity.id!r} lists no categories of personal data; add data_categories",
            )


@define(
    id="A30-1-d-recipients",
    name="completeness.recipients",
    severity=Severity.ERROR,
    summary="Activities state their recipients (an empty list for none) with a category and role; providers a country.",
    article="Art. 30(1)(d); Art. 4(9)",
    why=(
        "The record must give the categories of recipients; a missing list cannot be told apart from 'none', "
        "and a recipient without a role does not say whether it is a processor or a controller."
    ),
    fix=(
        "Add 'recipients' (write 'recipients: []' when there are none); give each a provider id or a category, "
        "and a role: processor, sub_processor, controller, joint_controller, public_authority or internal. "
        "A provider without a country is reported as a warning: add 'country'."
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
    for provider in ctx.register.providers:
        if provider.country is None:
            yield ctx.prov(
                provider,
                "country",
                message=(
                    f"provider {provider.id} states no country of establishment, so the record cannot show whether "
                    "data leaves the EEA; add 'country'"
                ),
                severity=Severity.WARNING,
            )
    for provider, index, activity in ctx.activities():
        if activity.recipients is None:
            yield ctx.act(
                provider,
                index,
                activity,
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
                    provider,
                    index,
                    activity,
                    "recipients",
                    r_index,
                    message="a recipient names neither a provider nor a category; add one",
                )
            elif not recipient.provider and recipient.role is None:
                yield ctx.act(
                    provider,
                    index,
                    activity,
                    "recipients",
                    r_index,
                    "category",
                    message=(
                        f"recipient {recipient.category!r} has no role; add role (processor, controller, "
                        "joint_controller, public_authority, internal ...)"
                    ),
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
    for provider, index, activity in ctx.activities():
        for transfer in activity.transfers:
            if "/" in transfer.recipient:
                named_subs.add(transfer.recipient)
        if provider.country and provider.country not in eea and not _covered(activity, provider.id, provider.country):
            yield ctx.act(
                provider,
                index,
                activity,
                "transfers",
                message=(
                    f"activity {activity.id!r} is carried out with {provider.id} in {provider.country} (outside the "
                    f"EEA) but records no transfer to it; add transfers: [{{country: {provider.country}, "
                    f"recipient: {provider.id}, mechanism: ...}}]"
                ),
            )
        for country in provider.data_locations:
            if country not in eea and country != provider.country and not _covered(activity, None, country):
                yield ctx.act(
                    provider,
                    index,
                    activity,
                    "transfers",
                    message=(
                        f"{provider.id} keeps or accesses the data in {country} (data_locations) but activity "
                        f"{activity.id!r} records no transfer to {country}; add one with its recipient and mechanism"
                    ),
                )
        for r_index, recipient in enumerate(activity.recipients or ()):
            where: str | None = recipient.country
            party = recipient.provider
            if party == provider.id and not where:
                continue  # the activity's own provider: checked above
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
                    provider,
                    index,
                    activity,
                    "recipients",
                    r_index,
                    message=(
                        f"recipient {who!r} is in {where} (outside the EEA) but activity {activity.id!r} records "
                        "no transfer to it; add a transfers entry with its mechanism"
                    ),
                )
    for provider in ctx.register.providers:
        if provider.role not in (ProviderRole.PROCESSOR, ProviderRole.SUB_PROCESSOR):
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
    for provider, index, activity in ctx.activities():
        for t_index, transfer in enumerate(activity.transfers):
            if not transfer.country and not transfer.international_organisation:
                yield ctx.act(
                    provider, index, activity, "transfers", t_index, message=message.format(repr(transfer.recipient))
                )


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
    severity=Severity.WARNING,
    summary="Every data category has a retention (its own or the activity's), or a reason why none can be given.",
    article="Art. 30(1)(f); Art. 5(1)(e)",
    why=(
        "The record must give the envisaged time limits for erasure of the different categories of data "
        "'where possible'; a category with none is either kept forever or its limit is unknown."
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
    for provider, index, activity in ctx.activities():
        if says_anything(activity.retention):
            continue
        for c_index, category in enumerate(activity.data_categories):
            if not says_anything(category.retention):
                yield ctx.act(
                    provider,
                    index,
                    activity,
                    "data_categories",
                    c_index,
                    "retention",
                    message=(
                        f"data category {category.id!r} ({category.name}) has no retention and the activity sets "
                        "none; add a retention (duration with trigger_event, or criteria) or not_possible_reason"
                    ),
                )


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


@define(
    id="A30-2-a-identities",
    name="completeness.processor-identities",
    severity=Severity.ERROR,
    summary="Each controller the organisation processes for (Art. 30(2) entries) has contact details.",
    article="Art. 30(2)(a)",
    why="A processor's record must give the name and contact details of each controller it acts for.",
    fix="Add controller_contact (address, email or phone) to the processor activity.",
    bad="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: white-label-sms
    controller: Shop AG
    categories_of_processing: [SMS delivery for the controller's customers]
""",
    good="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: white-label-sms
    controller: Shop AG
    controller_contact: privacy@shop.example
    categories_of_processing: [SMS delivery for the controller's customers]
""",
)
def processor_identities(ctx: Context) -> Iterator[Hit]:
    for p_index, pa in enumerate(ctx.register.organisation.processor_activities):
        if not pa.controller_contact:
            yield ctx.org(
                "processor_activities",
                p_index,
                "controller",
                message=f"controller {pa.controller!r} of processor activity {pa.id!r} has no contact; add "
                "controller_contact",
            )


@define(
    id="A30-2-b-categories",
    name="completeness.processing-categories",
    severity=Severity.ERROR,
    summary="Each Art. 30(2) entry lists specific categories of processing carried out for its controller.",
    article="Art. 30(2)(b)",
    why="A processor's record must say which processing it carries out for each controller.",
    fix="List categories_of_processing concretely (e.g. 'SMS delivery', 'hosting of message logs').",
    bad="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: white-label-sms
    controller: Shop AG
    controller_contact: privacy@shop.example
    categories_of_processing: [various]
""",
    good="""
# organisation.yaml
roles: [controller, processor]
processor_activities:
  - id: white-label-sms
    controller: Shop AG
    controller_contact: privacy@shop.example
    categories_of_processing: [SMS delivery for the controller's customers]
""",
)
def processing_categories(ctx: Context) -> Iterator[Hit]:
    for p_index, pa in enumerate(ctx.register.organisation.processor_activities):
        if not pa.categories_of_processing:
            yield ctx.org(
                "processor_activities",
                p_index,
                message=f"processor activity {pa.id!r} lists no categories_of_processing; add them",
            )
        for c_index, category in enumerate(pa.categories_of_processing):
            if lx.VAGUE_GENERIC.alone(category):
                yield ctx.org(
                    "processor_activities",
                    p_index,
                    "categories_of_processing",
                    c_index,
                    message=f"category of processing {category!r} says nothing; describe the processing",
                )


ART30_5_LIMITS: dict[str, int] = {"gdpr-2016": 250, "omnibus-iv": 750}
"""Headcount from which the Art. 30(5) derogation is unavailable, per settings.art30_5_regime."""


@define(
    id="A30-5-exemption",
    name="completeness.art30-5-derogation",
    severity=Severity.ERROR,
    summary=(
        "An activity claimed under the Art. 30(5) derogation has a headcount under 250 and none of its triggers: "
        "risk, regular processing, Art. 9 or Art. 10 data."
    ),
    article="Art. 30(5); WP29 position paper on Art. 30(5) (19 April 2018)",
    why=(
        "The derogation for organisations under 250 does not apply to processing that is likely to result in a "
        "risk, is not occasional, or includes Art. 9 or Art. 10 data; any one of them brings the activity back "
        "into the record, and payroll, customers or marketing are never occasional. With settings.art30_5_regime "
        "'omnibus-iv' the 2025 proposal is applied instead: under 750, and only a high risk (Art. 35) counts."
    ),
    fix=(
        "Record the activity in full (art30_5_derogation: false on the activity, or drop the organisation's "
        "claim). A claim that does not state the activity's frequency and risk is reported as a warning: add them."
    ),
    bad="""
# organisation.yaml
employees: 40
art30_5_derogation: true
---
# providers/acme.yaml
activities:
  - id: offers
    name: SMS offers
    frequency: regular
    risk: unlikely
""",
    good="""
# organisation.yaml
employees: 40
art30_5_derogation: true
---
# providers/acme.yaml
activities:
  - id: open-day
    name: Invitation to the one-off open day
    frequency: one-off
    risk: unlikely
""",
)
def art30_5_derogation(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    regime = org.settings.art30_5_regime
    claimed = [
        (provider, index, activity)
        for provider, index, activity in ctx.activities()
        if activity.art30_5_derogation or (activity.art30_5_derogation is None and org.art30_5_derogation)
    ]
    if not claimed:
        return
    limit = ART30_5_LIMITS[regime]
    if org.employees is None:
        yield ctx.org(
            "employees",
            message=(
                f"the Art. 30(5) derogation is claimed for {len(claimed)} activit{'y' if len(claimed) == 1 else 'ies'} "
                f"but the headcount is not recorded; add employees (the derogation needs fewer than {limit})"
            ),
        )
    elif org.employees >= limit:
        yield ctx.org(
            "employees",
            message=(
                f"the Art. 30(5) derogation is claimed, but {org.legal_name} employs {org.employees} people; it is "
                f"only for fewer than {limit} ({regime}), so record every activity in full"
            ),
        )
        return
    for provider, index, activity in claimed:
        triggers, unstated = _art30_5_triggers(activity, regime)
        own = activity.art30_5_derogation is not None
        where: tuple[str, ...] = ("art30_5_derogation",) if own else ()
        claim = "is claimed under" if own else "falls under the organisation's claim of"
        if triggers:
            yield ctx.act(
                provider,
                index,
                activity,
                *where,
                message=(
                    f"activity {activity.id!r} {claim} the Art. 30(5) derogation, but "
                    + "; ".join(triggers)
                    + "; record it in full (art30_5_derogation: false)"
                ),
            )
        elif unstated:
            yield ctx.act(
                provider,
                index,
                activity,
                *where,
                message=(
                    f"activity {activity.id!r} {claim} the Art. 30(5) derogation without stating its "
                    + " and ".join(unstated)
                    + ", so the claim cannot be shown; add them"
                ),
                severity=Severity.WARNING,
            )


def _art30_5_triggers(activity: Activity, regime: str) -> tuple[list[str], list[str]]:
    """The Art. 30(5) triggers an activity meets, and the facts needed to rule them out that it does not state."""
    triggers: list[str] = []
    unstated: list[str] = []
    if regime == "omnibus-iv":
        if activity.risk == "high":
            triggers.append("it is likely to result in a high risk (risk: high)")
        elif activity.dpia_required:
            triggers.append("a DPIA is required, so it is likely to result in a high risk")
        elif activity.risk is None and activity.dpia_required is None:
            unstated.append("risk")
        return triggers, unstated
    if activity.risk in ("likely", "high"):
        triggers.append(f"it is likely to result in a risk (risk: {activity.risk})")
    elif activity.dpia_required:
        triggers.append("a DPIA is required, so it is likely to result in a risk")
    elif activity.risk is None:
        unstated.append("risk")
    if activity.frequency in ("regular", "continuous"):
        triggers.append(f"it is {activity.frequency}, not occasional")
    elif activity.frequency is None:
        unstated.append("frequency")
    special = next((c for c in activity.data_categories if c.special is not None), None)
    if special is not None:
        triggers.append(f"it includes Art. 9 data ({special.id!r})")
    criminal = next((c for c in activity.data_categories if c.criminal), None)
    if criminal is not None:
        triggers.append(f"it includes Art. 10 data ({criminal.id!r})")
    return triggers, unstated
