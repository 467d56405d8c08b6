"""View-models for the register templates: plain, ordered, pre-formatted values.

Templates decide layout, never logic. Everything they show is computed here
(labels, joins, derived facts such as "outside the EEA") and handed over as
frozen dataclasses of strings, booleans and lists. A value that the register
does not state is ``None``; templates pass it through the ``stated`` filter,
which prints a visible "Not stated" marker, so a document shows its gaps.

The fields of each view are documented in templates/README.md; keep the two in
step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ropa.findings import Finding, Report
from ropa.model.activity import (
    BASIS_LABELS,
    Activity,
    ChildSafeguards,
    DataCategory,
    LawfulBasis,
    ProcessorActivity,
    Purpose,
    Recipient,
    RecipientRole,
    Retention,
)
from ropa.model.common import DURATION_PATTERN, TOM_LABELS, Contact, DocumentRef, Severity, Tom, TomKind
from ropa.model.labels import (
    END_ACTION_LABELS,
    FREQUENCY_LABELS,
    MECHANISM_LABELS,
    MODULE_LABELS,
    RISK_LABELS,
    ROLE_LABELS,
    SPECIAL_LABELS,
)
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider, SubProcessor
from ropa.model.register import Register
from ropa.model.transfer import ART46_TOOLS, Derogation, Mechanism, MechanismType, Transfer

if TYPE_CHECKING:
    from ropa.render.figures import FigureView

NOT_STATED = "Not stated"
"""The marker printed for every fact the register leaves out."""

_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")


# --------------------------------------------------------------------------- formatting helpers


def country_label(code: str | None) -> str | None:
    """``"United States (US)"`` for ``"US"``; None stays None so it renders as "Not stated"."""
    if not code:
        return None
    from ropa.refdata import country_name

    name = country_name(code)
    return f"{name} ({code})" if name else code


def outside_eea(code: str | None) -> bool:
    """Whether ``code`` is a country outside the EEA (unknown countries are not flagged)."""
    if not code:
        return False
    from ropa.refdata import eea

    return code.upper() not in eea()


def duration_label(value: str) -> str:
    """An ISO 8601 duration in words: ``P1Y6M`` -> ``1 year 6 months``."""
    match = DURATION_PATTERN.match(value)
    if match is None:
        return value
    parts = []
    for unit, amount in zip(_UNITS, match.groups(), strict=True):
        if amount:
            number = int(amount)
            parts.append(f"{number} {unit}{'' if number == 1 else 's'}")
    return " ".join(parts) or value


def period_text(value: str | None) -> str | None:
    """An ISO 8601 duration in words with the code kept: ``6 months (P6M)``; None stays None."""
    return f"{duration_label(value)} ({value})" if value else None


def retention_text(retention: Retention | None) -> str | None:
    """One readable sentence for a retention rule, or None when it states nothing."""
    if retention is None:
        return None
    parts: list[str] = []
    if retention.duration:
        text = f"{duration_label(retention.duration)} ({retention.duration})"
        if retention.trigger_event:
            text += f" from {retention.trigger_event}"
        parts.append(text)
    elif retention.trigger_event:
        parts.append(f"until {retention.trigger_event}")
    if retention.criteria:
        parts.append(f"criteria: {retention.criteria}")
    if retention.legal_basis_for_period:
        parts.append(f"required by {retention.legal_basis_for_period}")
    if retention.statutory_period:
        parts.append(f"statutory period {period_text(retention.statutory_period)}")
    if retention.kind == "unlimited":
        parts.append("no time limit" + (f" ({retention.not_possible_reason})" if retention.not_possible_reason else ""))
    elif retention.not_possible_reason:
        parts.append(f"no limit can be given: {retention.not_possible_reason}")
    if retention.end_action:
        parts.append(f"then {END_ACTION_LABELS[retention.end_action]}")
    if retention.after_withdrawal:
        parts.append(f"after consent is withdrawn, kept for {period_text(retention.after_withdrawal)}")
    if retention.residual_basis:
        parts.append(f"basis for keeping it after withdrawal: {retention.residual_basis}")
    if retention.statement:
        parts.append(f"stated as \u201c{retention.statement}\u201d")
    return "; ".join(parts) or None


def contact_text(contact: Contact | None) -> str | None:
    """Name, position and channels of a contact on one line."""
    if contact is None:
        return None
    parts = [p for p in (contact.name, contact.position) if p]
    parts.extend(contact.channels())
    return ", ".join(parts) or None


def document_text(doc: DocumentRef | None) -> str | None:
    """A document reference as ``ref (date), location``."""
    if doc is None:
        return None
    text = doc.ref
    if doc.date:
        text += f" ({doc.date.isoformat()})"
    if doc.location:
        text += f", {doc.location}"
    return text


def tia_text(mechanism: Mechanism | None) -> str | None:
    """The transfer impact assessment; None (Not stated) only where an Art. 46 tool needs one."""
    if mechanism is None:
        return None
    if mechanism.tia is not None:
        return document_text(mechanism.tia)
    if mechanism.type in ART46_TOOLS:
        return None
    return "Not required for this mechanism"


def mechanism_text(mechanism: Mechanism | None) -> str | None:
    """The mechanism's label, with the Art. 49(1) point for derogations."""
    if mechanism is None:
        return None
    label = MECHANISM_LABELS[mechanism.type]
    if mechanism.derogation is not None:
        point = mechanism.derogation.value.removeprefix("49.1.")
        label += " second subparagraph" if point == "second" else f", point ({point})"
    accession = accession_text(mechanism)
    if accession:
        label += f"; {accession[0].lower()}{accession[1:]}"
    return label


def accession_text(mechanism: Mechanism | None) -> str | None:
    """How the importer joined SCCs 2021/914 through the Clause 7 docking clause, or None when it did not.

    An accession is the importer's signature of Annex I.A, so its date belongs wherever the signature
    date is shown; a missing date is spelt out because the accession is then unverifiable.
    """
    if mechanism is None or not mechanism.acceded_via_clause7:
        return None
    when = f"on {mechanism.acceded_on.isoformat()}" if mechanism.acceded_on else "(accession date not stated)"
    return f"Acceded through the Clause 7 docking clause, signing Annex I.A {when}"


def modules_text(mechanism: Mechanism | None) -> str | None:
    """The SCC 2021/914 module(s); "Not applicable" for other mechanisms, None when SCCs name none."""
    if mechanism is None:
        return None
    if mechanism.type not in (MechanismType.SCC_2021_914, MechanismType.SCC_UNSPECIFIED):
        return "Not applicable"
    if not mechanism.modules:
        return None
    return "; ".join(MODULE_LABELS[m] for m in sorted(set(mechanism.modules)))


def sub_processor_name(sub: SubProcessor) -> str:
    """The sub-processor's name, or its category in the provider's words, or its id."""
    return sub.name or sub.category or sub.id


def recipient_name(register: Register, ref: str) -> str:
    """Resolve a provider id, ``provider/sub`` reference or free name to a display name."""
    if "/" in ref:
        found = register.sub_processor(ref)
        if found is not None:
            return f"{sub_processor_name(found[1])} (sub-processor of {found[0].legal_name})"
        return ref
    provider = register.provider(ref)
    return provider.legal_name if provider is not None else ref


def yes_no(value: bool | None, yes: str = "Yes", no: str = "No") -> str | None:
    """``Yes``/``No`` for a boolean, None when unknown."""
    if value is None:
        return None
    return yes if value else no


def sources_of(*models: BaseModel | None) -> list[str]:
    """Every ``source`` stated anywhere inside ``models``, first appearance first, no repeats."""
    seen: dict[str, None] = {}

    def walk(value: object) -> None:
        if isinstance(value, BaseModel):
            source = getattr(value, "source", None)
            if isinstance(source, str) and source:
                seen.setdefault(source, None)
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for model in models:
        walk(model)
    return list(seen)


# --------------------------------------------------------------------------- shared views


@dataclass(frozen=True)
class Detail:
    """A labelled value; ``value`` None renders as "Not stated"."""

    label: str
    value: str | None


@dataclass(frozen=True)
class Party:
    """Identity and contact details of an organisation (controller, processor, sub-processor)."""

    name: str
    trading_name: str | None
    registration_number: str | None
    address: str | None
    country: str | None
    outside_eea: bool
    contact: str | None
    dpo: str | None
    representative: str | None


@dataclass(frozen=True)
class MeasureView:
    """One technical or organisational measure and who applies it."""

    kind: str
    measure: str
    applies_to: str


@dataclass(frozen=True)
class MeasureGroup:
    """The measures of one of the 17 Annex II kinds, in the Annex's order."""

    number: int
    label: str
    measures: list[MeasureView]


@dataclass(frozen=True)
class TransferView:
    """A transfer outside the EEA (Art. 30(1)(e)) or a place a provider keeps data outside the EEA."""

    destination: str | None
    outside_eea: bool
    recipient: str
    mechanism: str | None
    modules: str | None
    frequency: str | None
    data: str
    tia: str | None
    declared_in: str
    compelling: list[Detail]


@dataclass(frozen=True)
class FindingView:
    """One validation finding, as printed in the appendix."""

    severity: str
    rule: str
    name: str
    message: str
    location: str
    about: str
    article: str


@dataclass(frozen=True)
class WaivedView:
    """A finding silenced by a waiver, with the reason and expiry."""

    finding: FindingView
    reason: str
    expires: str


@dataclass(frozen=True)
class Status:
    """Validation status for the cover and the appendix."""

    word: str
    level: str
    errors: int
    warnings: int
    infos: int
    waived: int
    summary: str
    as_of: str


@dataclass(frozen=True)
class DocumentMeta:
    """PDF metadata: title, author, subject, language and the fixed document date."""

    title: str
    author: str
    subject: str
    language: str
    created: str
    keywords: str


def party_of_organisation(org: Organisation) -> Party:
    """The organisation as a party (controller and/or processor)."""
    rep = org.eu_representative
    representative = None
    if rep is not None:
        representative = ", ".join(
            p for p in (rep.name, country_label(rep.member_state), contact_text(rep.contact)) if p
        )
    elif org.eu_establishment and not org.art3_2_applies:
        representative = "Not applicable (established in the EU/EEA)"
    elif org.art27_2_exemption:
        representative = f"None designated: exempt under Art. 27(2): {org.art27_2_exemption}"
    dpo = contact_text(org.dpo) if org.dpo is not None and org.dpo.designated is not False else None
    if org.dpo is not None and org.dpo.designated is False:
        dpo = "No DPO designated"
    return Party(
        name=org.legal_name,
        trading_name=org.trading_name,
        registration_number=org.registration_number,
        address=org.address.one_line() if org.address else None,
        country=country_label(org.country),
        outside_eea=outside_eea(org.country),
        contact=contact_text(org.contact),
        dpo=dpo,
        representative=representative,
    )


def party_of_provider(provider: Provider) -> Party:
    """A provider as a party, its contacts joined."""
    contacts = [c for c in (contact_text(c) for c in provider.contacts) if c]
    return Party(
        name=provider.legal_name,
        trading_name=provider.trading_name,
        registration_number=provider.registration_number,
        address=provider.address.one_line() if provider.address else None,
        country=country_label(provider.country),
        outside_eea=outside_eea(provider.country),
        contact="; ".join(contacts) or None,
        dpo=contact_text(provider.dpo),
        representative=provider.eu_representative,
    )


def provider_locations(provider: Provider) -> list[str]:
    """Country codes where the provider is established or keeps data, sorted, no repeats."""
    codes = {str(code) for code in (provider.country, *provider.data_locations) if code}
    return sorted(codes)


def measures(toms: Iterable[Tom], applies_to: str) -> list[MeasureView]:
    """View of ``toms`` in the Annex II kind order (stable within a kind)."""
    order = {kind: i for i, kind in enumerate(TomKind)}
    return [MeasureView(TOM_LABELS[t.kind], t.measure, applies_to) for t in sorted(toms, key=lambda t: order[t.kind])]


def measure_groups(items: Iterable[tuple[Tom, str]]) -> list[MeasureGroup]:
    """All 17 kinds in order, each with its measures (possibly none)."""
    by_kind: dict[TomKind, list[MeasureView]] = {kind: [] for kind in TomKind}
    for tom, applies_to in items:
        by_kind[tom.kind].append(MeasureView(TOM_LABELS[tom.kind], tom.measure, applies_to))
    return [MeasureGroup(i, TOM_LABELS[kind], by_kind[kind]) for i, kind in enumerate(TomKind, start=1)]


def compelling_details(mechanism: Mechanism | None) -> list[Detail]:
    """Art. 49(6): the assessment, safeguards and conditions of a transfer on compelling legitimate interests.

    Empty unless the mechanism is the Art. 49(1) second-subparagraph derogation (or records its conditions):
    only those transfers must carry this documentation in the record itself (Art. 30(1)(e), 30(2)(c)).
    """
    if mechanism is None:
        return []
    conditions = mechanism.compelling_interests
    if mechanism.derogation is not Derogation.SECOND and conditions is None:
        return []
    informed = conditions.sa_informed_on if conditions else None
    return [
        Detail("Assessment of all the circumstances", document_text(mechanism.evidence)),
        Detail("Suitable safeguards", mechanism.justification),
        Detail(
            "Not repetitive",
            yes_no(conditions.non_repetitive, "Confirmed", "No: the transfer repeats") if conditions else None,
        ),
        Detail("Limited number of data subjects", conditions.limited_data_subjects if conditions else None),
        Detail("Supervisory authority informed on", informed.isoformat() if informed else None),
        Detail("Data subjects informed", conditions.data_subjects_informed if conditions else None),
    ]


def transfer_view(register: Register, transfer: Transfer, activity: Activity | None, declared_in: str) -> TransferView:
    """View of one declared transfer."""
    if activity is not None and transfer.data_categories:
        names = {c.id: c.name for c in activity.data_categories}
        data = ", ".join(names.get(c, c) for c in transfer.data_categories)
    else:
        data = "All data categories of the activity"
    destination = country_label(transfer.country) or transfer.international_organisation
    return TransferView(
        destination=destination,
        outside_eea=transfer.country is None or outside_eea(transfer.country),
        recipient=recipient_name(register, transfer.recipient),
        mechanism=mechanism_text(transfer.mechanism),
        modules=modules_text(transfer.mechanism),
        frequency=transfer.frequency,
        data=data,
        tia=tia_text(transfer.mechanism),
        declared_in=declared_in,
        compelling=compelling_details(transfer.mechanism),
    )


def provider_transfers(provider: Provider) -> list[TransferView]:
    """Places outside the EEA a provider or its sub-processors hold the data, with the mechanism relied on."""
    rows: list[TransferView] = []
    dpf = ""
    if provider.dpf is not None:
        dpf = "; DPF: certified" if provider.dpf.certified else "; DPF: not certified"
    for code in provider_locations(provider):
        if not outside_eea(code):
            continue
        mechanisms: list[Mechanism | None] = list(provider.mechanisms) or [None]
        for mechanism in mechanisms:
            text = mechanism_text(mechanism)
            rows.append(
                TransferView(
                    destination=country_label(code),
                    outside_eea=True,
                    recipient=provider.legal_name,
                    mechanism=(text + dpf) if text and code == "US" else text,
                    modules=modules_text(mechanism),
                    frequency=None,
                    data="Data processed for the organisation",
                    tia=tia_text(mechanism),
                    declared_in="Provider location",
                    compelling=compelling_details(mechanism),
                )
            )
    for sub in provider.sub_processors:
        if sub.country is None or not outside_eea(sub.country):
            continue
        rows.append(
            TransferView(
                destination=country_label(sub.country),
                outside_eea=True,
                recipient=f"{sub_processor_name(sub)} (sub-processor of {provider.legal_name})",
                mechanism=mechanism_text(sub.mechanism),
                modules=modules_text(sub.mechanism),
                frequency=None,
                data=sub.service or "Data processed for the provider",
                tia=tia_text(sub.mechanism),
                declared_in="Sub-processor list",
                compelling=compelling_details(sub.mechanism),
            )
        )
    return rows


def finding_view(register: Register, finding: Finding) -> FindingView:
    """View of one finding with its location and the provider/activity it concerns."""
    from ropa.errors import format_path

    location = f"{finding.file}:{finding.line}:{finding.column}"
    if finding.path:
        location += f" ({format_path(finding.path)})"
    about = []
    if finding.provider:
        provider = register.provider(finding.provider)
        about.append(provider.legal_name if provider else finding.provider)
    if finding.activity:
        about.append(f"activity {finding.activity}")
    return FindingView(
        severity=finding.severity.value,
        rule=finding.rule,
        name=finding.name,
        message=finding.message,
        location=location,
        about=" \u00b7 ".join(about),
        article=finding.article,
    )


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; within a severity by file, line, column, rule."""
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.sort_key()))


def status_of(report: Report, findings: list[Finding] | None = None) -> Status:
    """The validation status line for the cover and the appendix."""
    chosen = report.findings if findings is None else findings
    counts = {s: sum(1 for f in chosen if f.severity is s) for s in Severity}
    errors, warnings, infos = counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
    if errors:
        word, level = "Findings to fix: the record has errors", "error"
    elif warnings:
        word, level = "Passed with warnings", "warning"
    elif infos:
        word, level = "Passed (information only)", "info"
    else:
        word, level = "Passed: no findings", "ok"
    summary = (
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}, {infos} info"
    )
    return Status(word, level, errors, warnings, infos, len(report.waived), summary, report.as_of)


# --------------------------------------------------------------------------- register views


@dataclass(frozen=True)
class PurposeView:
    """A purpose with its lawful basis and the evidence for that basis."""

    description: str
    basis: str | None
    details: list[Detail]


@dataclass(frozen=True)
class SubjectView:
    """A category of data subjects."""

    name: str
    note: str | None


@dataclass(frozen=True)
class CategoryView:
    """A category of personal data with its retention."""

    name: str
    special: str | None
    safeguards: str | None
    retention: str | None
    retention_from_activity: bool


@dataclass(frozen=True)
class RecipientView:
    """A recipient or category of recipients."""

    name: str
    role: str | None
    country: str | None
    outside_eea: bool
    data: str | None


@dataclass(frozen=True)
class ActivityView:
    """One processing activity of the controller record (Art. 30(1)(b)-(g) plus evidence)."""

    anchor: str
    number: int
    id: str
    name: str
    description: str | None
    provider: str
    provider_role: str
    purposes: list[PurposeView]
    data_subjects: list[SubjectView]
    children: list[Detail]
    data_categories: list[CategoryView]
    data_source: str | None
    recipients_stated: bool
    recipients: list[RecipientView]
    transfers: list[TransferView]
    measures: list[MeasureView]
    profile: list[Detail]
    dpia: str | None
    dpia_required: str | None
    owner: str | None
    last_reviewed: str | None
    sources: list[str]


@dataclass(frozen=True)
class ProcessorActivityView:
    """A category of processing on behalf of a controller (Art. 30(2))."""

    anchor: str
    id: str
    controller: str
    controller_contact: str | None
    categories: list[str]
    transfers: list[TransferView]
    measures: list[MeasureView]
    last_reviewed: str | None
    sources: list[str]


@dataclass(frozen=True)
class ControllerView:
    """Art. 30(1)(a): the controller, joint controllers, representative, DPO."""

    party: Party
    roles: str
    dpo_designated: str | None
    joint_controllers: list[str]
    lead_supervisory_authority: str | None
    employees: str | None
    public_authority: str
    art30_5_derogation: str


@dataclass(frozen=True)
class RecipientRow:
    """One line of the recipients and providers summary."""

    name: str
    role: str | None
    country: str | None
    outside_eea: bool
    service: str | None
    contract: str | None
    activities: str


@dataclass(frozen=True)
class RetentionRow:
    """One line of the retention summary: a data category of an activity."""

    activity: str
    category: str
    retention: str | None
    from_activity: bool


@dataclass(frozen=True)
class TocEntry:
    """A table-of-contents line; ``anchor`` is a fixed, generated id (never user text)."""

    anchor: str
    title: str
    level: int


@dataclass(frozen=True)
class RegisterView:
    """Everything register.html receives, as ``doc``."""

    meta: DocumentMeta
    title: str
    organisation: str
    version: str
    date: str
    status: Status
    controller: ControllerView
    activities: list[ActivityView]
    processor_record: bool
    processor_party: Party
    processor_activities: list[ProcessorActivityView]
    recipients: list[RecipientRow]
    transfers: list[TransferView]
    retention: list[RetentionRow]
    measure_groups: list[MeasureGroup]
    figure: FigureView
    findings: list[FindingView]
    waived: list[WaivedView]
    toc: list[TocEntry]
    headings: dict[str, str]
    reference_data: list[Detail] = field(default_factory=list)


def purpose_view(purpose: Purpose, max_retention: Mapping[str, str] | None = None) -> PurposeView:
    """A purpose with only the details that apply to it.

    ``max_retention`` is the organisation's longest retention per purpose type: shown next to the
    type, it is the yardstick a reader needs to judge the retention of the purpose's data.
    """
    basis = BASIS_LABELS[purpose.lawful_basis] if purpose.lawful_basis else None
    if basis is None and purpose.stated_basis:
        basis = f"As stated: \u201c{purpose.stated_basis}\u201d (no Art. 6(1) point named)"
    elif basis and purpose.stated_basis:
        basis += f" (stated as \u201c{purpose.stated_basis}\u201d)"
    details: list[Detail] = []
    basis_value = purpose.lawful_basis.value if purpose.lawful_basis is not None else ""
    if purpose.legitimate_interest or basis_value == "6.1.f":
        details.append(Detail("Legitimate interest", purpose.legitimate_interest))
        details.append(Detail("Legitimate interests assessment", document_text(purpose.lia)))
    if purpose.consent_mechanism or basis_value == "6.1.a":
        details.append(Detail("How consent is collected", purpose.consent_mechanism))
        details.append(Detail("How consent is withdrawn", purpose.withdrawal_mechanism))
    if purpose.legal_provision or basis_value in ("6.1.c", "6.1.e"):
        details.append(Detail("Legal provision", purpose.legal_provision))
    if purpose.archiving_research_statistics:
        details.append(Detail("Art. 89(1)", "Archiving, research or statistics purpose"))
    if purpose.purpose_type:
        longest = (max_retention or {}).get(purpose.purpose_type)
        kind = purpose.purpose_type + (f" (longest retention set for it: {period_text(longest)})" if longest else "")
        details.append(Detail("Type of purpose", kind))
    return PurposeView(purpose.description, basis, details)


def category_view(category: DataCategory, activity: Activity) -> CategoryView:
    """A data category with its own retention, or the activity's default marked as such."""
    special = None
    if category.special is not None:
        special = f"Special category (Art. 9): {SPECIAL_LABELS[category.special]}"
        if category.art9_condition is not None:
            point = category.art9_condition.value.removeprefix("9.2.")
            special += f"; condition Art. 9(2)({point})"
            if category.art9_law_ref:
                special += f", {category.art9_law_ref}"
        else:
            special += "; Art. 9(2) condition not stated"
    if category.criminal:
        special = (special + "; " if special else "") + "Criminal convictions and offences (Art. 10)"
        if category.art10_authority:
            special += f", under {category.art10_authority}"
    own = retention_text(category.retention)
    fallback = retention_text(activity.retention) if own is None else None
    return CategoryView(
        category.name,
        special,
        sensitive_safeguards(category),
        own or fallback,
        own is None and fallback is not None,
    )


def sensitive_safeguards(category: DataCategory) -> str | None:
    """The restrictions or safeguards applied to a sensitive category, with Art. 9(3) professional secrecy."""
    parts = [p for p in (category.safeguards,) if p]
    if category.professional_secrecy:
        parts.append(f"professional secrecy (Art. 9(3)): {category.professional_secrecy}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else None


def children_details(activity: Activity) -> list[Detail]:
    """How an activity protects the children among its data subjects; empty when no child is concerned.

    Age range and age-appropriate notice are expected whenever children are concerned (Art. 12(1),
    Recital 38); the Art. 8 consent ages and parental consent only for an information society service
    offered to children; the child-specific balancing only under legitimate interests (Art. 6(1)(f)).
    """
    safeguards = activity.child_safeguards
    iss = activity.iss_offered_to_children
    if not (safeguards is not None or iss or any(s.children for s in activity.data_subjects)):
        return []
    given = safeguards or ChildSafeguards()
    details = [Detail("Ages of the children concerned", given.age_range)]
    if iss is not None:
        details.append(Detail("Information society service offered directly to children (Art. 8(1))", yes_no(iss)))
    if iss or given.consent_ages:
        ages = "; ".join(f"{country_label(code)}: {age}" for code, age in sorted(given.consent_ages.items()))
        details.append(Detail("Age from which a child consents itself, per Member State (Art. 8(1))", ages or None))
    if iss or given.parental_consent:
        details.append(
            Detail(
                "Consent by the holder of parental responsibility and its verification (Art. 8(2))",
                given.parental_consent,
            )
        )
    details.append(Detail("Notice written for the children's age (Art. 12(1))", given.notice))
    if given.lia_reasoning or any(p.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS for p in activity.purposes):
        details.append(
            Detail("Children's interests in the legitimate interests balance (Art. 6(1)(f))", given.lia_reasoning)
        )
    return details


def derogation_claimed(org: Organisation, activity: Activity) -> bool:
    """Whether the Art. 30(5) derogation is claimed for ``activity``: its own claim, else the organisation's."""
    return activity.art30_5_derogation if activity.art30_5_derogation is not None else org.art30_5_derogation


def profile_details(org: Organisation, activity: Activity) -> list[Detail]:
    """Frequency, risk and the Art. 30(5) derogation of an activity, as far as they matter.

    Frequency and risk are the derogation's triggers, so they are expected (and shown as gaps) when the
    derogation is claimed; otherwise they are shown only when stated.
    """
    claimed = derogation_claimed(org, activity)
    details: list[Detail] = []
    if claimed:
        whose = "this activity" if activity.art30_5_derogation else "the organisation, for activities without a claim"
        details.append(Detail("Art. 30(5) derogation", f"Claimed by {whose}"))
    elif activity.art30_5_derogation is False and org.art30_5_derogation:
        details.append(Detail("Art. 30(5) derogation", "Not claimed: recorded in full"))
    if claimed or activity.frequency:
        details.append(
            Detail(
                "How often the processing happens", FREQUENCY_LABELS[activity.frequency] if activity.frequency else None
            )
        )
    if claimed or activity.risk:
        details.append(Detail("Risk to data subjects", RISK_LABELS[activity.risk] if activity.risk else None))
    return details


def derogation_summary(register: Register) -> str:
    """The organisation's Art. 30(5) claim in one line, with the activities that claim it on their own."""
    org = register.organisation
    own = [a.name for _p, _i, a in register.activities() if a.art30_5_derogation]
    if org.art30_5_derogation:
        if org.settings.art30_5_regime == "omnibus-iv":
            text = "Claimed under the 2025 Omnibus IV proposal (fewer than 750 employees, no high risk)"
        else:
            text = "Claimed (fewer than 250 employees)"
        return text + " for the activities that do not record a claim of their own"
    if own:
        return "Not claimed by the organisation; claimed for: " + ", ".join(own)
    return "Not claimed"


def recipient_view(register: Register, recipient: Recipient) -> RecipientView:
    """A recipient resolved against the register's providers."""
    name = None
    country = recipient.country
    if recipient.provider:
        name = recipient_name(register, recipient.provider)
        if country is None:
            found = register.sub_processor(recipient.provider) if "/" in recipient.provider else None
            if found is not None:
                country = found[1].country
            else:
                provider = register.provider(recipient.provider)
                country = provider.country if provider else None
    if recipient.category and (name is None or recipient.category not in name):
        name = f"{name} \u2013 {recipient.category}" if name else recipient.category
    return RecipientView(
        name=name or "Unnamed recipient",
        role=ROLE_LABELS.get(recipient.role.value) if recipient.role else None,
        country=country_label(country),
        outside_eea=outside_eea(country),
        data=", ".join(recipient.data_shared) or None,
    )


def activity_view(register: Register, provider: Provider, activity: Activity, number: int) -> ActivityView:
    """The full Art. 30(1) entry of one activity."""
    org = register.organisation
    dpia_required = yes_no(activity.dpia_required, "Required", "Not required")
    role = ROLE_LABELS.get(provider.role.value, provider.role.value)
    docs = [
        ", ".join(p for p in (d.title, d.date.isoformat() if d.date else None, d.url) if p) for d in provider.documents
    ]
    return ActivityView(
        anchor=f"activity-{number}",
        number=number,
        id=activity.id,
        name=activity.name,
        description=activity.description,
        provider=provider.legal_name,
        provider_role=role,
        purposes=[purpose_view(p, org.settings.max_retention) for p in activity.purposes],
        data_subjects=[
            SubjectView(s.name, "includes children" if s.children else None) for s in activity.data_subjects
        ],
        children=children_details(activity),
        data_categories=[category_view(c, activity) for c in activity.data_categories],
        data_source=activity.data_source,
        recipients_stated=activity.recipients is not None,
        recipients=[recipient_view(register, r) for r in activity.recipients or []],
        transfers=[transfer_view(register, t, activity, activity.name) for t in activity.transfers],
        measures=measures(activity.security_measures, "this activity") + measures(provider.toms, provider.legal_name),
        profile=profile_details(org, activity),
        dpia=document_text(activity.dpia),
        dpia_required=dpia_required,
        owner=activity.owner,
        last_reviewed=activity.last_reviewed.isoformat() if activity.last_reviewed else None,
        sources=[*sources_of(activity), *docs],
    )


def processor_activity_view(register: Register, item: ProcessorActivity, number: int) -> ProcessorActivityView:
    """One Art. 30(2) entry."""
    return ProcessorActivityView(
        anchor=f"processing-{number}",
        id=item.id,
        controller=item.controller,
        controller_contact=item.controller_contact,
        categories=list(item.categories_of_processing),
        transfers=[transfer_view(register, t, None, item.id) for t in item.transfers],
        measures=measures(item.security_measures, "this processing"),
        last_reviewed=item.last_reviewed.isoformat() if item.last_reviewed else None,
        sources=sources_of(item),
    )


def recipient_rows(register: Register) -> list[RecipientRow]:
    """Providers (by id) then other named recipients (by name), with the activities they serve."""
    rows: list[RecipientRow] = []
    for provider in register.providers:
        contract = None
        if provider.contract is not None:
            c = provider.contract
            kept = c.data_retention and f"personal data kept at most {period_text(c.data_retention)}"
            contract = ", ".join(
                p for p in (c.title, c.version and f"version {c.version}", c.signed and f"signed {c.signed}", kept) if p
            )
        locations = [code for code in provider_locations(provider) if code != provider.country]
        country = country_label(provider.country)
        if locations:
            where = ", ".join(locations)
            country = f"{country}; data also in {where}" if country else f"establishment not stated; data in {where}"
        rows.append(
            RecipientRow(
                name=provider.legal_name + (f" ({provider.trading_name})" if provider.trading_name else ""),
                role=ROLE_LABELS.get(provider.role.value, provider.role.value),
                country=country,
                outside_eea=any(outside_eea(code) for code in provider_locations(provider)),
                service=provider.service,
                contract=contract,
                activities=", ".join(a.name for a in provider.activities) or "No activity recorded",
            )
        )
    others: dict[tuple[str, str], list[str]] = {}
    details: dict[tuple[str, str], RecipientView] = {}
    for _provider, _index, activity in register.activities():
        for recipient in activity.recipients or []:
            if recipient.provider and "/" not in recipient.provider:
                continue
            view = recipient_view(register, recipient)
            key = (view.name, view.role or "")
            others.setdefault(key, [])
            if activity.name not in others[key]:
                others[key].append(activity.name)
            details.setdefault(key, view)
    no_contract = {
        ROLE_LABELS[RecipientRole.PUBLIC_AUTHORITY.value]: "Not applicable (public authority)",
        ROLE_LABELS[RecipientRole.SUB_PROCESSOR.value]: "Through the provider's contract (Art. 28(4))",
        ROLE_LABELS[RecipientRole.INTERNAL.value]: "Not applicable (internal)",
    }
    for key in sorted(others):
        view = details[key]
        rows.append(
            RecipientRow(
                name=view.name,
                role=view.role,
                country=view.country,
                outside_eea=view.outside_eea,
                service=view.data,
                contract=no_contract.get(view.role or ""),
                activities=", ".join(others[key]),
            )
        )
    return rows


def retention_rows(register: Register) -> list[RetentionRow]:
    """Every data category of every activity with its retention."""
    rows = []
    for _provider, _index, activity in register.activities():
        if not activity.data_categories:
            fallback = retention_text(activity.retention)
            rows.append(RetentionRow(activity.name, "No data category recorded", fallback, False))
        for category in activity.data_categories:
            view = category_view(category, activity)
            rows.append(RetentionRow(activity.name, category.name, view.retention, view.retention_from_activity))
    return rows


def all_measures(register: Register) -> Iterator[tuple[Tom, str]]:
    """Every measure in the register with who applies it, in register order."""
    for provider in register.providers:
        for tom in provider.toms:
            yield tom, provider.legal_name
        for activity in provider.activities:
            for tom in activity.security_measures:
                yield tom, f"Activity: {activity.name}"
    for item in register.organisation.processor_activities:
        for tom in item.security_measures:
            yield tom, f"Processing for {item.controller}"


def build_register_view(register: Register, report: Report) -> RegisterView:
    """The complete view-model of the PDF register."""
    from ropa.dates import document_datetime
    from ropa.refdata import versions
    from ropa.render.figures import build_figure

    org = register.organisation
    title = org.record.title or "Record of processing activities"
    created = document_datetime(register).strftime("%Y-%m-%dT%H:%M:%SZ")
    activities = [
        activity_view(register, provider, activity, n)
        for n, (provider, _i, activity) in enumerate(register.activities(), start=1)
    ]
    processor_items = [processor_activity_view(register, p, n) for n, p in enumerate(org.processor_activities, 1)]
    processor_record = "processor" in org.roles or bool(processor_items)
    transfers = [
        transfer_view(register, t, activity, f"Activity: {activity.name}")
        for _p, _i, activity in register.activities()
        for t in activity.transfers
    ]
    for provider in register.providers:
        transfers.extend(provider_transfers(provider))
    toc = [
        TocEntry("controller", "1. The controller (Art. 30(1)(a))", 1),
        TocEntry("activities", "2. Processing activities (Art. 30(1)(b)-(g))", 1),
        *(TocEntry(a.anchor, f"2.{a.number} {a.name}", 2) for a in activities),
    ]
    section = 3
    if processor_record:
        toc.append(TocEntry("processor-record", f"{section}. Processing on behalf of controllers (Art. 30(2))", 1))
        section += 1
    toc += [
        TocEntry("summaries", f"{section}. Summary tables", 1),
        TocEntry("summary-recipients", f"{section}.1 Recipients and providers", 2),
        TocEntry("summary-transfers", f"{section}.2 Transfers outside the EEA", 2),
        TocEntry("summary-retention", f"{section}.3 Retention per data category", 2),
        TocEntry("summary-measures", f"{section}.4 Security measures", 2),
        TocEntry("data-flow", f"{section + 1}. Data flows: providers and sub-processors", 1),
        TocEntry("findings", "Appendix A. Validation findings", 1),
    ]
    status = status_of(report)
    return RegisterView(
        meta=DocumentMeta(
            title=f"{title} \u2013 {org.legal_name}",
            author=org.legal_name,
            subject=f"Record of processing activities under Art. 30 GDPR, version {org.record.version}",
            language="en",
            created=created,
            keywords="GDPR, Article 30, record of processing activities",
        ),
        title=title,
        organisation=org.legal_name,
        version=org.record.version,
        date=org.record.date.isoformat(),
        status=status,
        controller=ControllerView(
            party=party_of_organisation(org),
            roles=" and ".join(org.roles),
            dpo_designated=yes_no(org.dpo.designated, "Designated", "Not designated") if org.dpo else None,
            joint_controllers=[
                ", ".join(p for p in (j.name, contact_text(j.contact), j.arrangement_ref) if p)
                for j in org.joint_controllers
            ],
            lead_supervisory_authority=org.lead_supervisory_authority,
            employees=str(org.employees) if org.employees is not None else None,
            public_authority="Yes" if org.public_authority else "No",
            art30_5_derogation=derogation_summary(register),
        ),
        activities=activities,
        processor_record=processor_record,
        processor_party=party_of_organisation(org),
        processor_activities=processor_items,
        recipients=recipient_rows(register),
        transfers=transfers,
        retention=retention_rows(register),
        measure_groups=measure_groups(all_measures(register)),
        figure=build_figure(register),
        findings=[finding_view(register, f) for f in sorted_findings(report.findings)],
        waived=[
            WaivedView(finding_view(register, w.finding), w.reason, w.expires)
            for w in sorted(report.waived, key=lambda w: w.finding.sort_key())
        ],
        toc=toc,
        headings={entry.anchor: entry.title for entry in toc},
        reference_data=[Detail(name, date) for name, date in sorted(versions().items())],
    )
