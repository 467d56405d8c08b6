"""One entry of the record: an Art. 30(1) activity or an Art. 30(2) processing, with its parts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
from ropa.model.facts import derogation_claimed, outside_eea
from ropa.model.labels import FREQUENCY_LABELS, RISK_LABELS, ROLE_LABELS, SPECIAL_LABELS
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider
from ropa.model.register import Register
from ropa.render.text import country_label, period_text
from ropa.render.views.measures import MeasureView, measures
from ropa.render.views.transfers import TransferView, transfer_view
from ropa.render.views.wording import Detail, document_text, recipient_name, retention_text, sources_of, yes_no


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
