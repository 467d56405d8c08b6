"""Art. 28: processors are bound by a complete contract, and sub-processors are authorised and bound too.

These rules look only at providers whose recorded role is ``processor`` or
``sub_processor``: an independent or joint controller needs no Art. 28 contract.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import brief_list, has_contact_person
from ropa.model.common import Severity
from ropa.model.facts import is_processor, processed_by
from ropa.model.provider import ART28_ITEMS, Provider, ProviderRole
from ropa.model.register import Register
from ropa.model.transfer import MechanismType

RULES: list[Rule] = []
define = registrar(RULES)

PROCESSOR_ROLES = (ProviderRole.PROCESSOR, ProviderRole.SUB_PROCESSOR)


def processors(ctx: Context) -> Iterator[Provider]:
    """Providers acting as processor or sub-processor for the organisation in at least one activity."""
    return (p for p in ctx.register.providers if is_processor(ctx.register, p))


def _role_words(provider: Provider) -> str:
    """The provider's role as a message names it: its file's role, else what it is in the activities."""
    return provider.role.value if provider.role is not None else "processor in at least one activity"


def _scc_contract(provider: Provider) -> bool:
    """Whether Module 2/3 SCCs of the provider double as the Art. 28 contract (2021/914 Art. 1(2))."""
    return any(m.type == MechanismType.SCC_2021_914 and {2, 3} & set(m.modules) for m in provider.mechanisms)


@define(
    id="A28-3-contract",
    name="processors.contract",
    severity=Severity.ERROR,
    summary="Every processor is bound by a written contract (or Module 2/3 SCCs), with its date and form.",
    article="Art. 28(3), 28(9); 2021/914 Art. 1(2)",
    why=(
        "Processing by a processor must be governed by a contract in writing (electronic form counts); without "
        "one the processor is not bound to the controller's instructions. A missing date or form is a warning."
    ),
    fix="Add 'contract' with its title, signed date and form (written or electronic).",
    bad="""
role: processor
""",
    good="""
role: processor
contract:
  title: Data Processing Agreement
  version: "2025-03"
  signed: 2025-03-14
  form: electronic
""",
)
def contract(ctx: Context) -> Iterator[Hit]:
    for provider in processors(ctx):
        if provider.contract is None:
            if _scc_contract(provider):
                continue
            yield ctx.prov(
                provider,
                *(("role",) if provider.role is not None else ()),
                message=(
                    f"{provider.id} is a {_role_words(provider)} but no Art. 28 contract is recorded; add 'contract' "
                    "(title, signed, form), or Module 2/3 SCCs that serve as one"
                ),
            )
            continue
        missing = [name for name in ("signed", "form") if getattr(provider.contract, name) is None]
        if missing:
            yield ctx.prov(
                provider,
                "contract",
                message=(
                    f"contract {provider.contract.title!r} with {provider.id} does not record its "
                    + " or ".join(missing)
                    + "; add it (Art. 28(9): in writing, electronic form included)"
                ),
                severity=Severity.WARNING,
            )


@define(
    id="A28-3-contract-content",
    name="processors.contract-content",
    severity=Severity.WARNING,
    summary="The processor contract covers each Art. 28(3)(a)-(h) item, the infringement notice and the basics.",
    article="Art. 28(3) chapeau, (a)-(h) and second subparagraph; EDPB Guidelines 07/2020",
    known_problems=(
        "The chapeau's purpose, type of data and data subjects are read from the activities the provider "
        "processes in, not from the contract text; the controller's obligations and rights have no field in the "
        "model and are not checked."
    ),
    why=(
        "Art. 28(3) lists what the contract must stipulate: in its chapeau the subject-matter, duration, nature "
        "and purpose of the processing, the type of personal data, the categories of data subjects and the "
        "controller's obligations and rights, then points (a)-(h) and the infringement notice. A DPA that misses "
        "one leaves that obligation unenforceable. One finding per contract lists every gap: an error when the "
        "record states an item is not covered (the contract is unlawful), a warning when the record is silent "
        "or the item is only partly covered. Purpose, type of data and data subjects are read from the "
        "activities the provider processes in."
    ),
    fix=(
        "Record under contract.art28 where each item is covered (a ... h, notice: {section: ...}), and the "
        "contract's subject_matter, duration and nature; mark covered: false where it is not."
    ),
    bad="""
role: processor
contract:
  title: Data Processing Agreement
  subject_matter: SMS delivery
  duration: Term of the service agreement
  nature: Transmission and short-term storage of messages
  art28:
    a: {section: "3.1"}
    b: {section: "5"}
    c: {section: "6"}
    d: {section: "7"}
    e: {section: "8.1"}
    f: {section: "8.2"}
    g: {section: "11"}
    h: {section: "9"}
activities:
  - id: otp
    name: One-time passcodes
    purposes: [{description: Deliver one-time login passcodes by SMS, lawful_basis: 6.1.b}]
    data_subjects: [{name: Customers logging in}]
    data_categories: [{id: phone, name: Mobile phone number}]
""",
    good="""
role: processor
contract:
  title: Data Processing Agreement
  subject_matter: SMS delivery
  duration: Term of the service agreement
  nature: Transmission and short-term storage of messages
  art28:
    a: {section: "3.1"}
    b: {section: "5"}
    c: {section: "6"}
    d: {section: "7"}
    e: {section: "8.1"}
    f: {section: "8.2"}
    g: {section: "11"}
    h: {section: "9"}
    notice: {section: "3.3"}
activities:
  - id: otp
    name: One-time passcodes
    purposes: [{description: Deliver one-time login passcodes by SMS, lawful_basis: 6.1.b}]
    data_subjects: [{name: Customers logging in}]
    data_categories: [{id: phone, name: Mobile phone number}]
""",
)
def contract_content(ctx: Context) -> Iterator[Hit]:
    register = ctx.register
    for provider in processors(ctx):
        agreement = provider.contract
        if agreement is None:
            continue
        stated_missing: list[str] = []
        gaps: list[str] = []
        for key in ART28_ITEMS:
            status = agreement.art28.status(key)
            point = "2nd subpara." if key == "notice" else f"({key})"
            if status == "missing":
                stated_missing.append(point)
            elif status == "partly":
                gaps.append(f"{point} only partly")
            elif status is None:
                gaps.append(f"{point} not recorded")
        chapeau = [
            name.replace("_", " ") for name in ("subject_matter", "duration", "nature") if not getattr(agreement, name)
        ]
        chapeau += _chapeau_from_activities(register, provider)
        parts = []
        if stated_missing:
            parts.append("does not cover Art. 28(3) " + ", ".join(stated_missing))
        if gaps:
            parts.append("Art. 28(3) " + ", ".join(gaps))
        if chapeau:
            parts.append("the chapeau's " + ", ".join(chapeau) + " not recorded")
        if parts:
            yield ctx.prov(
                provider,
                "contract",
                message=(
                    f"contract {agreement.title!r} with {provider.id}: "
                    + "; ".join(parts)
                    + "; record where each point is covered (contract.art28.<item>, subject_matter, duration, "
                    "nature, and the activities it serves) or get the contract amended"
                ),
                severity=Severity.ERROR if stated_missing else None,
            )


def _chapeau_from_activities(register: Register, provider: Provider) -> list[str]:
    """The Art. 28(3) chapeau items (purpose, type of data, data subjects) the record does not describe for the
    processing the provider does; they are read from the activities it processes in (Annex I of 2021/915)."""
    entries = processed_by(register, provider)
    missing = []
    if not any(entry.activity.purposes for entry in entries):
        missing.append("purpose")
    if not any(entry.activity.data_categories for entry in entries):
        missing.append("type of personal data")
    if not any(entry.activity.data_subjects for entry in entries):
        missing.append("categories of data subjects")
    return missing


@define(
    id="A28-2-authorisation-type",
    name="processors.authorisation-type",
    severity=Severity.ERROR,
    summary="A processor with sub-processors declares specific or general authorisation, consistently.",
    article="Art. 28(2); Art. 28(3)(d)",
    why=(
        "A processor may engage another processor only with the controller's prior specific or general written "
        "authorisation; which one applies decides what must be checked next."
    ),
    fix="Add sub_processor_authorisation: {type: specific | general}; keep each sub-processor's 'authorisation' equal.",
    bad="""
role: processor
sub_processors:
  - id: cloud
    name: Cloud Hosting GmbH
    country: DE
""",
    good="""
role: processor
sub_processor_authorisation:
  type: specific
sub_processors:
  - id: cloud
    name: Cloud Hosting GmbH
    country: DE
    authorised_on: 2025-03-14
""",
)
def authorisation_type(ctx: Context) -> Iterator[Hit]:
    for provider in processors(ctx):
        if not provider.sub_processors:
            continue
        regime = provider.sub_processor_authorisation
        if regime is None:
            yield ctx.prov(
                provider,
                "sub_processors",
                message=(
                    f"{provider.id} uses {len(provider.sub_processors)} sub-processor(s) but the authorisation "
                    "type is not recorded; add sub_processor_authorisation: {type: specific | general}"
                ),
            )
            continue
        for s_index, sub in enumerate(provider.sub_processors):
            if sub.authorisation is not None and sub.authorisation != regime.type:
                yield ctx.prov(
                    provider,
                    "sub_processors",
                    s_index,
                    "authorisation",
                    message=(
                        f"sub-processor {sub.id!r} is recorded as {sub.authorisation} but {provider.id}'s "
                        f"authorisation is {regime.type}; make them agree"
                    ),
                )


@define(
    id="A28-2-general-notice",
    name="processors.general-authorisation-notice",
    severity=Severity.WARNING,
    summary="General authorisation of sub-processors records the notice period and the objection channel.",
    article="Art. 28(2); 2021/915 Clause 7.7(a) Option 2; 2021/914 Clause 9(a) Option 2",
    why=(
        "Under general authorisation the controller's only safeguard is advance notice of changes and the "
        "right to object; both must be known to be used."
    ),
    fix="Set sub_processor_authorisation.notice_period (e.g. P30D) and objection_channel.",
    bad="""
role: processor
sub_processor_authorisation:
  type: general
""",
    good="""
role: processor
sub_processor_authorisation:
  type: general
  notice_period: P30D
  objection_channel: E-mail to dpa@acme.example within the notice period
""",
)
def general_notice(ctx: Context) -> Iterator[Hit]:
    for provider in processors(ctx):
        regime = provider.sub_processor_authorisation
        if regime is None or regime.type != "general":
            continue
        missing = [name for name in ("notice_period", "objection_channel") if not getattr(regime, name)]
        if missing:
            yield ctx.prov(
                provider,
                "sub_processor_authorisation",
                "type",
                message=(
                    f"{provider.id} has general authorisation of sub-processors without "
                    + " and ".join(missing)
                    + "; add them so changes can be objected to in time"
                ),
            )


@define(
    id="A28-2-specific-listed",
    name="processors.specific-authorisation-listed",
    severity=Severity.ERROR,
    summary="Under specific authorisation, every sub-processor in use has the date it was authorised.",
    article="Art. 28(2); 2021/915 Annex IV; 2021/914 Annex III",
    why=(
        "Specific authorisation means each sub-processor was approved before it was engaged; one without an "
        "authorisation date is not shown to be on the authorised list."
    ),
    fix="Record authorised_on for each sub-processor (or remove the ones not authorised).",
    bad="""
role: processor
sub_processor_authorisation:
  type: specific
sub_processors:
  - id: cloud
    name: Cloud Hosting GmbH
    country: DE
""",
    good="""
role: processor
sub_processor_authorisation:
  type: specific
sub_processors:
  - id: cloud
    name: Cloud Hosting GmbH
    country: DE
    authorised_on: 2025-03-14
""",
)
def specific_listed(ctx: Context) -> Iterator[Hit]:
    for provider in processors(ctx):
        regime = provider.sub_processor_authorisation
        if regime is None or regime.type != "specific":
            continue
        for s_index, sub in enumerate(provider.sub_processors):
            if sub.authorised_on is None:
                yield ctx.prov(
                    provider,
                    "sub_processors",
                    s_index,
                    message=(
                        f"sub-processor {sub.id!r} of {provider.id} has no authorisation date, though specific "
                        "authorisation applies; record authorised_on"
                    ),
                )


@define(
    id="A28-4-flow-down",
    name="processors.flow-down",
    severity=Severity.WARNING,
    summary="Every sub-processor is bound by a contract imposing the same data protection obligations.",
    article="Art. 28(4); 2021/915 Clause 7.7(b), (d)",
    why=(
        "The processor must impose the same obligations on its sub-processors by contract, and stays fully "
        "liable for them; the record should show that contract. One finding per processor names the "
        "sub-processors without one. Where the processor's own contract covers Art. 28(3)(d) (which binds it "
        "to flow the obligations down), the per-sub-processor contracts are the processor's evidence: info."
    ),
    fix="Add flow_down to the sub-processor: the contract that binds it.",
    bad="""
role: processor
sub_processors:
  - id: cloud
    name: Cloud Hosting GmbH
    country: DE
""",
    good="""
role: processor
sub_processors:
  - id: cloud
    name: Cloud Hosting GmbH
    country: DE
    flow_down: Cloud Hosting DPA v4 (2024), Art. 28(4) terms
""",
)
def flow_down(ctx: Context) -> Iterator[Hit]:
    for provider in processors(ctx):
        unbound = [sub.id for sub in provider.sub_processors if not sub.flow_down]
        if not unbound:
            continue
        promised = provider.contract is not None and provider.contract.art28.status("d") == "covered"
        yield ctx.prov(
            provider,
            "sub_processors",
            message=(
                f"{provider.id} records no flow-down contract for {len(unbound)} sub-processor(s): "
                + brief_list(unbound, shown=8)
                + "; add flow_down to each (the contract imposing the same obligations)"
                + (", which its contract's Art. 28(3)(d) clause requires" if promised else "")
            ),
            severity=Severity.INFO if promised else None,
        )


@define(
    id="SCC915-annexes",
    name="processors.scc-2021-915-annexes",
    severity=Severity.WARNING,
    summary=(
        "A DPA on the Art. 28 SCCs (2021/915) has its Clause 1 and 7.7 options and the facts for Annexes I-IV: "
        "parties, description of processing, concrete measures with assistance, and listed sub-processors."
    ),
    article="2021/915 Clauses 1, 7.7; Annexes I-IV",
    why=(
        "The Commission's clauses are complete only with their options chosen and their annexes filled in: "
        "the parties and the signature date (Annex I), the seven items describing the processing (Annex II), "
        "concrete measures and how the processor assists the controller (Annex III), and, under specific "
        "authorisation, every sub-processor with its contact (Annex IV)."
        " Facts missing from the record for annexes of a contract that exists are incomplete evidence: a warning."
    ),
    fix=(
        "Add what each message lists: contract.clause1_option (2016/679 for the GDPR), contract.signed, nature "
        "and duration, contract.assistance_measures, the provider's toms, sub_processor_authorisation with "
        "notice_period (the Clause 7.7 time period), and for each sub-processor its name, address, contact and "
        "service."
    ),
    bad="""
role: processor
address: {street: Weg 1, city: Berlin, country: DE}
contacts:
  - {name: Max Muster, position: DPO, email: dpo@acme.example}
toms:
  - {kind: encryption, measure: Message store encrypted with AES-256}
contract:
  title: DPA on the Commission's SCCs
  based_on: scc_2021_915
  signed: 2026-01-10
  nature: Sending SMS and keeping delivery receipts
  duration: Term of the service agreement
  assistance_measures: Ticket queue for data subject requests, answered within 5 working days
activities:
  - id: otp
    name: One-time passcodes
    purposes: [{description: Deliver one-time login passcodes by SMS, lawful_basis: 6.1.b}]
    data_subjects: [{name: Customers logging in}]
    data_categories: [{id: phone, name: Mobile phone number}]
""",
    good="""
role: processor
address: {street: Weg 1, city: Berlin, country: DE}
contacts:
  - {name: Max Muster, position: DPO, email: dpo@acme.example}
toms:
  - {kind: encryption, measure: Message store encrypted with AES-256}
contract:
  title: DPA on the Commission's SCCs
  based_on: scc_2021_915
  clause1_option: 2016/679
  signed: 2026-01-10
  nature: Sending SMS and keeping delivery receipts
  duration: Term of the service agreement
  assistance_measures: Ticket queue for data subject requests, answered within 5 working days
sub_processor_authorisation:
  type: general
  notice_period: P30D
activities:
  - id: otp
    name: One-time passcodes
    purposes: [{description: Deliver one-time login passcodes by SMS, lawful_basis: 6.1.b}]
    data_subjects: [{name: Customers logging in}]
    data_categories: [{id: phone, name: Mobile phone number}]
""",
)
def scc_915_annexes(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    controller_gaps = []
    if org.address is None:
        controller_gaps.append("the controller's address (address in organisation.yaml)")
    if not (has_contact_person(org.contact) or has_contact_person(org.dpo)):
        controller_gaps.append(
            "the controller's contact person (contact or dpo in organisation.yaml, with a name "
            "or position and an e-mail, phone or url)"
        )
    for provider in ctx.register.providers:
        agreement = provider.contract
        if agreement is None or agreement.based_on != "scc_2021_915":
            continue
        name = f"the 2021/915 clauses with {provider.id}"
        if agreement.clause1_option is None:
            yield ctx.prov(
                provider,
                "contract",
                "clause1_option",
                message=f"{name} do not record the Clause 1 option; set contract.clause1_option (2016/679 for the "
                "GDPR, 2018/1725 for EU institutions)",
            )
        annex_i = list(controller_gaps)
        if provider.address is None:
            annex_i.append("the processor's address (address)")
        if not any(has_contact_person(c) for c in (*provider.contacts, provider.dpo)):
            annex_i.append("the processor's contact person (contacts or dpo with a name or position and a channel)")
        if agreement.signed is None:
            annex_i.append("the signature date (contract.signed)")
        annex_ii = _annex_ii_gaps(ctx.register, provider)
        annex_iii = []
        if not provider.toms:
            annex_iii.append("the processor's measures (toms)")
        if not agreement.assistance_measures:
            annex_iii.append("how the processor assists the controller (contract.assistance_measures)")
        annexes = [
            f"Annex {number} lacks " + "; ".join(gaps)
            for number, gaps in (("I", annex_i), ("II", annex_ii), ("III", annex_iii))
            if gaps
        ]
        if annexes:
            # One finding for the contract: its annexes are filled in one go.
            yield ctx.prov(provider, "contract", message=f"{name}: " + ". ".join(annexes))
        regime = provider.sub_processor_authorisation
        if regime is None or not regime.notice_period:
            what = "the Clause 7.7(a) option and its time period (sub_processor_authorisation: {type, notice_period})"
            if regime is not None:
                what = "the Clause 7.7(a) time period (sub_processor_authorisation.notice_period)"
            yield ctx.prov(provider, "sub_processor_authorisation", message=f"{name} do not record {what}")
        if regime is not None and regime.type == "specific":
            yield from _annex_iv(ctx, provider, name)


def _annex_ii_gaps(register: Register, provider: Provider) -> list[str]:
    """What Annex II (description of the processing) lacks, from the provider's activities and contract."""
    agreement = provider.contract
    assert agreement is not None
    activities = [entry.activity for entry in processed_by(register, provider)]
    gaps = []
    if not any(a.data_subjects for a in activities):
        gaps.append("the categories of data subjects (data_subjects)")
    if not any(a.data_categories for a in activities):
        gaps.append("the categories of personal data (data_categories)")
    unsafe = [c.id for a in activities for c in a.data_categories if (c.special or c.criminal) and not c.safeguards]
    if unsafe:
        gaps.append(f"the safeguards for sensitive data {brief_list(unsafe)} (safeguards)")
    if not agreement.nature:
        gaps.append("the nature of the processing (contract.nature)")
    if not any(a.purposes for a in activities):
        gaps.append("the purposes (purposes)")
    if not agreement.duration:
        gaps.append("the duration of the processing (contract.duration)")
    vague = [sub.id for sub in provider.sub_processors if not sub.service]
    if vague:
        gaps.append(f"what sub-processor(s) {brief_list(vague)} do for it (service)")
    return gaps


def _annex_iv(ctx: Context, provider: Provider, name: str) -> Iterator[Hit]:
    """Annex IV (specific authorisation): every sub-processor with name, address, contact person and service."""
    for s_index, sub in enumerate(provider.sub_processors):
        missing = [
            label
            for label, ok in (
                ("name", sub.name),
                ("address", sub.address),
                ("contact person (contact)", has_contact_person(sub.contact)),
                ("description of the processing (service)", sub.service),
            )
            if not ok
        ]
        if missing:
            yield ctx.prov(
                provider,
                "sub_processors",
                s_index,
                message=f"Annex IV of {name} lists sub-processor {sub.id!r} without its " + ", ".join(missing),
            )


def _identity_gaps(provider: Provider) -> list[str]:
    """What the record lacks to identify a processor and its sub-processors (2021/915 Annex I and IV)."""
    gaps = []
    if provider.address is None:
        gaps.append("its address (address)")
    if not any(has_contact_person(c) for c in (*provider.contacts, provider.dpo)):
        gaps.append("a contact person (contacts or dpo, with a name or position and a channel)")
    for sub in provider.sub_processors:
        missing = [
            label
            for label, ok in (
                ("legal name", sub.name),
                ("address", sub.address),
                ("contact", has_contact_person(sub.contact)),
            )
            if not ok
        ]
        if missing:
            gaps.append(f"sub-processor {sub.id!r}'s " + ", ".join(missing))
    return gaps


@define(
    id="A28-identity",
    name="processors.identity",
    severity=Severity.WARNING,
    summary="A processor and each of its sub-processors are identified: legal entity, address and a contact.",
    article="Art. 28(1), (2), (4); 2021/915 Annex I, Annex IV; EDPB Opinion 22/2024",
    why=(
        "The controller may use only processors giving sufficient guarantees (Art. 28(1)) and authorises each "
        "sub-processor (Art. 28(2), (4)); neither can be done for an entity the record cannot name or reach. "
        "Annex I of the 2021/915 clauses names each party with its address and contact person, Annex IV each "
        "sub-processor with its name, address and contact. One finding per processor lists every gap; a "
        "sub-processor known only by a category ('group entities') has no legal name."
    ),
    fix=(
        "Add the processor's address and a contact person; give each sub-processor its legal name (name), its "
        "address and a contact, as the processor's sub-processor list states them (ask for the list if the "
        "policy gives only categories)."
    ),
    bad="""
role: processor
sub_processors:
  - id: group
    category: Group entities
""",
    good="""
role: processor
address: {street: Hauptstraße 2, postal_code: "10115", city: Berlin, country: DE}
contacts:
  - {name: Jane Roe, position: Privacy counsel, email: privacy@acme.example}
sub_processors:
  - id: cloud
    name: Cloud Hosting GmbH
    address: Ring 1, 60311 Frankfurt, DE
    contact: {name: Privacy team, email: privacy@cloud.example}
""",
)
def identity(ctx: Context) -> Iterator[Hit]:
    for provider in processors(ctx):
        gaps = _identity_gaps(provider)
        if gaps:
            yield ctx.prov(
                provider,
                message=(
                    f"processor {provider.id} ({provider.legal_name}) is not fully identified: the record lacks "
                    + "; ".join(gaps)
                ),
            )
