"""One entry of the record: an Art. 30(1) activity or an Art. 30(2) processing, with its parts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ropa.i18n import format_date
from ropa.i18n import gettext as _
from ropa.model.activity import (
    BASIS_LABELS,
    Activity,
    ChildSafeguards,
    DataCategory,
    LawfulBasis,
    ProcessorActivity,
    Purpose,
    Recipient,
)
from ropa.model.facts import Party, derogation_claimed, outside_eea, parties
from ropa.model.labels import DPIA_STATUS_LABELS, FREQUENCY_LABELS, RISK_LABELS, ROLE_LABELS, SPECIAL_LABELS
from ropa.model.organisation import Organisation
from ropa.model.register import Entry, Register
from ropa.render.countries import country_label
from ropa.render.text import period_text, severity_count
from ropa.render.views.marks import EMPTY, FindingRef, Mark, Scope
from ropa.render.views.measures import MeasureView, measures
from ropa.render.views.places import Place, place_of
from ropa.render.views.transfers import ImporterMarks, TransferView, transfer_view
from ropa.render.views.wording import (
    Detail,
    document_text,
    joined,
    recipient_name,
    retention_text,
    sources_of,
    sub_processor_of,
    yes_no,
)


@dataclass(frozen=True)
class PurposeView:
    """A purpose with its lawful basis and the evidence for that basis."""

    description: str
    basis: str | None
    details: list[Detail]
    marks: list[Mark] = field(default_factory=list)
    """Findings about the basis and its evidence."""
    description_marks: list[Mark] = field(default_factory=list)


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
    marks: list[Mark] = field(default_factory=list)
    """Findings about the category itself (special data, its condition and safeguards)."""
    retention_marks: list[Mark] = field(default_factory=list)


@dataclass(frozen=True)
class RecipientView:
    """A recipient or category of recipients."""

    name: str
    role: str | None
    country: str | None
    outside_eea: bool
    data: str | None
    place: Place | None = None
    """Where the recipient is; None for an internal recipient, whose place is the organisation's."""
    marks: list[Mark] = field(default_factory=list)


@dataclass(frozen=True)
class PartyView:
    """A provider taking part in an activity, with its role for that activity."""

    name: str
    role: str | None
    part: str | None
    """What it does: the processing on instructions, a controller's own purpose, or the Art. 26 arrangement."""
    role_in_line: str = ""
    """The role as the activity head names it inside its line (lower case in English)."""


@dataclass(frozen=True)
class ActivityView:
    """One processing activity of the controller record (Art. 30(1)(b)-(g) plus evidence)."""

    anchor: str
    number: int
    id: str
    name: str
    description: str | None
    done_by: str
    parties: list[PartyView]
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
    record_details: list[Detail]
    dpia: str | None
    dpia_required: str | None
    owner: str | None
    last_reviewed: str | None
    sources: list[str]
    findings: list[FindingRef] = field(default_factory=list)
    """The findings about this activity, in appendix order (each is also in Appendix A)."""
    transfer_note: str = ""
    """What the record says about transfers when the activity declares none (never silent on unknown places)."""
    subjects_marks: list[Mark] = field(default_factory=list)
    recipients_marks: list[Mark] = field(default_factory=list)
    measures_marks: list[Mark] = field(default_factory=list)
    accountability_marks: list[Mark] = field(default_factory=list)
    findings_summary: str = ""
    """``3 findings about this activity (2 errors, 1 warning)``; "" without findings."""


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
    findings: list[FindingRef] = field(default_factory=list)
    title: str = ""
    """The heading: ``Processing for <controller>``."""


def purpose_view(
    purpose: Purpose, max_retention: Mapping[str, str] | None = None, scope: Scope = EMPTY, index: int = 0
) -> PurposeView:
    """A purpose with only the details that apply to it.

    ``max_retention`` is the organisation's longest retention per purpose type: shown next to the
    type, it is the yardstick a reader needs to judge the retention of the purpose's data.
    """
    basis = _(BASIS_LABELS[purpose.lawful_basis]) if purpose.lawful_basis else None
    if basis is None and purpose.stated_basis:
        basis = _("As stated: \u201c{stated}\u201d (no Art. 6(1) point named)").format(stated=purpose.stated_basis)
    elif basis and purpose.stated_basis:
        basis = _("{basis} (stated as \u201c{stated}\u201d)").format(basis=basis, stated=purpose.stated_basis)
    details: list[Detail] = []
    basis_value = purpose.lawful_basis.value if purpose.lawful_basis is not None else ""
    if purpose.legitimate_interest or basis_value == "6.1.f":
        details.append(Detail(_("Legitimate interest"), purpose.legitimate_interest))
        details.append(Detail(_("Legitimate interests assessment"), document_text(purpose.lia)))
    if purpose.consent_mechanism or basis_value == "6.1.a":
        details.append(Detail(_("How consent is collected"), purpose.consent_mechanism))
        details.append(Detail(_("How consent is withdrawn"), purpose.withdrawal_mechanism))
    if purpose.legal_provision or basis_value in ("6.1.c", "6.1.e"):
        details.append(Detail(_("Legal provision"), purpose.legal_provision))
    if purpose.archiving_research_statistics:
        details.append(Detail(_("Art. 89(1)"), _("Archiving, research or statistics purpose")))
    if purpose.purpose_type:
        longest = (max_retention or {}).get(purpose.purpose_type)
        kind = purpose.purpose_type
        if longest:
            kind = _("{type} (longest retention set for it: {period})").format(type=kind, period=period_text(longest))
        details.append(Detail(_("Type of purpose"), kind))
    return PurposeView(
        purpose.description,
        basis,
        details,
        scope.at("purposes", index, taken=[("description",)]),
        scope.at("purposes", index, "description"),
    )


def category_view(category: DataCategory, activity: Activity, scope: Scope = EMPTY, index: int = 0) -> CategoryView:
    """A data category with its own retention, or the activity's default marked as such."""
    special = None
    if category.special is not None:
        special = _("Special category (Art. 9): {category}").format(category=_(SPECIAL_LABELS[category.special]))
        if category.art9_condition is not None:
            point = category.art9_condition.value.removeprefix("9.2.")
            special = _("{text}; condition Art. 9(2)({point})").format(text=special, point=point)
            if category.art9_law_ref:
                special += f", {category.art9_law_ref}"
        else:
            special = _("{text}; Art. 9(2) condition not stated").format(text=special)
    if category.criminal:
        special = (special + "; " if special else "") + _("Criminal convictions and offences (Art. 10)")
        if category.art10_authority:
            special = _("{text}, under {authority}").format(text=special, authority=category.art10_authority)
    own = retention_text(category.retention)
    fallback = retention_text(activity.retention) if own is None else None
    return CategoryView(
        category.name,
        special,
        sensitive_safeguards(category),
        own or fallback,
        own is None and fallback is not None,
        scope.at("data_categories", index, taken=[("retention",)]),
        scope.at("data_categories", index, "retention") + (scope.at("retention") if own is None else []),
    )


def sensitive_safeguards(category: DataCategory) -> str | None:
    """The restrictions or safeguards applied to a sensitive category, with Art. 9(3) professional secrecy."""
    parts = [p for p in (category.safeguards,) if p]
    if category.professional_secrecy:
        parts.append(_("professional secrecy (Art. 9(3)): {secrecy}").format(secrecy=category.professional_secrecy))
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
    details = [Detail(_("Ages of the children concerned"), given.age_range)]
    if iss is not None:
        details.append(Detail(_("Information society service offered directly to children (Art. 8(1))"), yes_no(iss)))
    if iss or given.consent_ages:
        ages = "; ".join(f"{country_label(code)}: {age}" for code, age in sorted(given.consent_ages.items()))
        details.append(Detail(_("Age from which a child consents itself, per Member State (Art. 8(1))"), ages or None))
    if iss or given.parental_consent:
        details.append(
            Detail(
                _("Consent by the holder of parental responsibility and its verification (Art. 8(2))"),
                given.parental_consent,
            )
        )
    details.append(Detail(_("Notice written for the children's age (Art. 12(1))"), given.notice))
    if given.lia_reasoning or any(p.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS for p in activity.purposes):
        details.append(
            Detail(_("Children's interests in the legitimate interests balance (Art. 6(1)(f))"), given.lia_reasoning)
        )
    return details


def profile_details(org: Organisation, activity: Activity) -> list[Detail]:
    """Frequency, risk and the Art. 30(5) derogation of an activity, as far as they matter.

    Frequency and risk are the derogation's triggers, so they are expected (and shown as gaps) when the
    derogation is claimed; otherwise they are shown only when stated.
    """
    claimed = derogation_claimed(org, activity)
    details: list[Detail] = []
    if claimed:
        if activity.art30_5_derogation:
            whose = _("Claimed by this activity")
        else:
            whose = _("Claimed by the organisation, for activities without a claim")
        details.append(Detail(_("Art. 30(5) derogation"), whose))
    elif activity.art30_5_derogation is False and org.art30_5_derogation:
        details.append(Detail(_("Art. 30(5) derogation"), _("Not claimed: recorded in full")))
    if claimed or activity.frequency:
        frequency = _(FREQUENCY_LABELS[activity.frequency]) if activity.frequency else None
        details.append(Detail(_("How often the processing happens"), frequency))
    if claimed or activity.risk:
        details.append(Detail(_("Risk to data subjects"), _(RISK_LABELS[activity.risk]) if activity.risk else None))
    return details


def recipient_view(register: Register, recipient: Recipient, scope: Scope = EMPTY, index: int = 0) -> RecipientView:
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
    internal = recipient.role is not None and recipient.role.value == "internal"
    return RecipientView(
        name=name or _("Unnamed recipient"),
        role=role_label(recipient.role.value) if recipient.role else None,
        country=country_label(country),
        outside_eea=outside_eea(country),
        data=", ".join(recipient.data_shared) or None,
        place=None if internal and country is None else place_of(country),
        marks=scope.at("recipients", index),
    )


def role_label(value: str) -> str | None:
    """The label of a role value (:data:`ROLE_LABELS`) in the document language; None for an unknown value."""
    label = ROLE_LABELS.get(value)
    return _(label) if label is not None else None


def party_view(party: Party) -> PartyView:
    """One provider of an activity: its name, its role for the activity, and what it does in it."""
    name = party.provider.legal_name
    if party.sub is not None:
        name = sub_processor_of(party.sub.name or party.sub.category or party.sub.id, name)
    involvement = party.involvement
    part = None
    if involvement is not None:
        part = involvement.processing or involvement.purpose or involvement.arrangement
        if involvement.via:
            if part:
                part = _("engaged by {via}: {part}").format(via=involvement.via, part=part)
            else:
                part = _("engaged by {via}").format(via=involvement.via)
    label = ROLE_LABELS.get(party.role.value) if party.role else None
    return PartyView(
        name=name,
        role=_(label) if label else None,
        part=part,
        role_in_line=_(label.lower()) if label else _("role not recorded"),
    )


def done_by(views: list[PartyView]) -> str:
    """The activity head's one line on who carries it out."""
    if not views:
        return _("In-house: no provider takes part")
    return _("With {parties}").format(parties="; ".join(f"{v.name} ({v.role_in_line})" for v in views))


def record_details(activity: Activity) -> list[Detail]:
    """The optional fields regulators' templates ask for (ICO, CNIL), shown only when stated."""
    follows = None
    if activity.follows_retention_policy is not None:
        deviation = activity.policy_deviation or _("reason not recorded")
        follows = _("Yes") if activity.follows_retention_policy else _("No: {reason}").format(reason=deviation)
    found: list[tuple[str, str | None]] = [
        ("Business function", activity.business_function),
        ("Systems and applications", ", ".join(activity.systems) or None),
        ("Rights available to data subjects and how they are exercised", activity.rights),
        ("Record of consent", activity.consent_record),
        ("Retention and erasure policy", activity.retention_policy),
        ("Retention follows the policy", follows),
        ("DPIA progress", _(DPIA_STATUS_LABELS[activity.dpia_status]) if activity.dpia_status else None),
        ("Entry created", format_date(activity.created) if activity.created else None),
    ]
    decisions = activity.automated_decisions
    if decisions is not None:
        text = _("Yes") if decisions.used else _("No")
        if decisions.used and decisions.description:
            text += f": {decisions.description}"
        if decisions.used and decisions.exception:
            text += f" (Art. 22(2)({decisions.exception[-1]}))"
        found.append(("Automated decision-making, including profiling (Art. 22)", text))
    return [Detail(_(label), value) for label, value in found if value]


def findings_summary(refs: list[FindingRef]) -> str:
    """How many findings an entry has, by severity, in one phrase ("" for none)."""
    if not refs:
        return ""
    counts = [(sum(1 for r in refs if r.severity == level), level) for level in ("error", "warning", "info")]
    parts = ", ".join(severity_count(n, level) for n, level in counts if n)
    total = len(refs)
    one, other = "{count} finding about this activity ({parts})", "{count} findings about this activity ({parts})"
    return _(one if total == 1 else other).format(count=total, parts=parts)


def transfer_note(register: Register, involved: list[Party], recipients: list[RecipientView]) -> str:
    """The sentence for an activity that declares no transfer: plain only when every location is known.

    A provider or sub-processor of the activity, or a recipient, whose location is not recorded may
    hold the data anywhere, and one that keeps data outside the EEA makes the missing declaration a
    gap: either way "no transfer is recorded" alone would mislead.
    """
    unknown: list[str] = []
    outside: list[str] = []
    for party in involved:
        if party.sub is not None:
            name = party.sub.name or party.sub.category or party.sub.id
            codes = [party.sub.country] if party.sub.country else []
        else:
            name = party.provider.legal_name
            codes = [str(c) for c in (party.provider.country, *party.provider.data_locations) if c]
        if not codes:
            unknown.append(name)
        elif any(outside_eea(code) for code in codes):
            outside.append(name)
    unknown += [r.name for r in recipients if r.place is not None and r.place.unknown]
    if unknown:
        return _(
            "No transfer outside the EEA is declared for this activity, but where {names} keep the data is not "
            "recorded: a transfer cannot be excluded."
        ).format(names=joined(sorted(set(unknown))))
    if outside:
        return _(
            "No transfer is declared for this activity, although {names} keep data outside the EEA (see the "
            "summary of transfers)."
        ).format(names=joined(sorted(set(outside))))
    return _("No transfer outside the EEA is recorded for this activity; every location it names is in the EEA.")


def activity_view(
    register: Register, entry: Entry, number: int, scope: Scope = EMPTY, importer: ImporterMarks | None = None
) -> ActivityView:
    """The full Art. 30(1) entry of one activity; ``scope`` holds the findings about it, ``importer`` those
    about the mechanisms its importers rely on in their own records."""
    org = register.organisation
    activity = entry.activity
    dpia_required = yes_no(activity.dpia_required, "Required", "Not required")
    involved = parties(register, entry)
    views = [party_view(party) for party in involved]
    processors = [party.provider for party in involved if party.processes and party.sub is None]
    hosts = [entry.host] if entry.host is not None else []
    docs = [
        ", ".join(p for p in (d.title, format_date(d.date) if d.date else None, d.url) if p)
        for provider in hosts
        for d in provider.documents
    ]
    recipients = [recipient_view(register, r, scope, i) for i, r in enumerate(activity.recipients or [])]
    return ActivityView(
        anchor=f"activity-{number}",
        number=number,
        id=activity.id,
        name=activity.name,
        description=activity.description,
        done_by=done_by(views),
        parties=views,
        purposes=[purpose_view(p, org.settings.max_retention, scope, i) for i, p in enumerate(activity.purposes)],
        data_subjects=[
            SubjectView(s.name, _("includes children") if s.children else None) for s in activity.data_subjects
        ],
        children=children_details(activity),
        data_categories=[category_view(c, activity, scope, i) for i, c in enumerate(activity.data_categories)],
        data_source=activity.data_source,
        recipients_stated=activity.recipients is not None,
        recipients=recipients,
        transfers=[
            transfer_view(register, t, activity, activity.name, scope, i, importer)
            for i, t in enumerate(activity.transfers)
        ],
        measures=measures(activity.security_measures, _("this activity"))
        + [m for provider in processors for m in measures(provider.toms, provider.legal_name)],
        profile=profile_details(org, activity),
        record_details=record_details(activity),
        dpia=document_text(activity.dpia),
        dpia_required=dpia_required,
        owner=activity.owner,
        last_reviewed=format_date(activity.last_reviewed) if activity.last_reviewed else None,
        sources=[*sources_of(activity), *docs],
        findings=scope.refs(),
        transfer_note="" if activity.transfers else transfer_note(register, involved, recipients),
        subjects_marks=scope.at("data_subjects"),
        recipients_marks=scope.at("recipients", taken=[(i,) for i in range(len(recipients))]),
        measures_marks=scope.at("security_measures"),
        accountability_marks=scope.at("dpia") + scope.at("dpia_required") + scope.at("last_reviewed"),
        findings_summary=findings_summary(scope.refs()),
    )


def processor_activity_view(
    register: Register, item: ProcessorActivity, number: int, scope: Scope = EMPTY
) -> ProcessorActivityView:
    """One Art. 30(2) entry; ``scope`` holds the findings about it."""
    return ProcessorActivityView(
        anchor=f"processing-{number}",
        id=item.id,
        controller=item.controller,
        controller_contact=item.controller_contact,
        categories=list(item.categories_of_processing),
        transfers=[transfer_view(register, t, None, item.id, scope, i) for i, t in enumerate(item.transfers)],
        measures=measures(item.security_measures, _("this processing")),
        last_reviewed=format_date(item.last_reviewed) if item.last_reviewed else None,
        sources=sources_of(item),
        findings=scope.refs(),
        title=_("Processing for {controller}").format(controller=item.controller),
    )
