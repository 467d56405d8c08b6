"""The Article 28 annex of one provider, laid out like the annexes of the Art. 28 SCCs (Decision 2021/915).

Annex I lists the parties, Annex II describes the processing, Annex III gives
the measures under the 17 headings of the SCC Annex II example list, Annex IV
lists the sub-processors. Where the provider's processing leaves the EEA, the
SCC 2021/914 Annex I.B and I.C items follow (module, frequency, retention,
competent supervisory authority). The document closes with the Art. 28(3)(a)-(h)
checklist and the findings about this provider.

Facts the register does not state are ``None`` in the view and print as a
visible "Not stated": an annex shows its gaps instead of hiding them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ropa.check.findings import Report
from ropa.model.activity import Activity
from ropa.model.facts import annexed, is_processor, outside_eea, resolve, roles_text, transfer_outside_eea
from ropa.model.labels import CLAUSE1_LABELS, MODULE_LABELS, ROLE_LABELS, SPECIAL_LABELS
from ropa.model.provider import ART28_ITEMS, Contract, Provider
from ropa.model.register import Register
from ropa.model.transfer import Mechanism, MechanismType, Transfer
from ropa.render.text import country_label, duration_label, period_text
from ropa.render.views.activity import sensitive_safeguards
from ropa.render.views.findings import FindingView, Status, finding_view, sorted_findings, status_of
from ropa.render.views.measures import MeasureGroup, measure_groups
from ropa.render.views.parties import provider_locations
from ropa.render.views.register import DocumentMeta
from ropa.render.views.wording import (
    Detail,
    accession_text,
    contact_text,
    mechanism_text,
    retention_text,
    sub_processor_name,
)


@dataclass(frozen=True)
class AnnexParty:
    """One entry of Annex I (controller or processor)."""

    number: int
    name: str
    address: str | None
    contact: list[str]
    signature: str | None


@dataclass(frozen=True)
class SensitiveView:
    """A special-category or criminal-offence data category and its safeguards."""

    category: str
    kind: str
    safeguards: str | None


@dataclass(frozen=True)
class SubProcessingView:
    """Subject matter, nature and duration of processing by one sub-processor (Annex II, last item)."""

    name: str
    subject_matter: str | None
    duration: str | None


@dataclass(frozen=True)
class SubProcessorView:
    """One entry of Annex IV."""

    number: int
    name: str
    address: str | None
    contact: str | None
    description: str | None
    location: str | None
    outside_eea: bool
    authorisation: str | None
    mechanism: str | None
    flow_down: str | None


@dataclass(frozen=True)
class ChecklistItem:
    """One Art. 28(3) stipulation and whether, and where, the contract covers it."""

    point: str
    requirement: str
    status: str
    status_label: str
    section: str | None
    note: str | None


@dataclass(frozen=True)
class TransferAnnex:
    """SCC 2021/914 Annex I.B and I.C for a provider whose processing leaves the EEA."""

    destinations: list[Detail]
    mechanisms: list[str]
    modules: str | None
    signatures: list[Detail]
    data_subjects: list[str]
    data_categories: list[str]
    sensitive: list[SensitiveView]
    frequency: str | None
    nature: str | None
    purposes: list[str]
    retention: list[Detail]
    data_retention: str | None
    sub_processing: list[SubProcessingView]
    authority: str | None
    authority_hint: str | None


@dataclass(frozen=True)
class AnnexView:
    """Everything annex.html receives, as ``doc``."""

    meta: DocumentMeta
    title: str
    organisation: str
    provider: str
    provider_role: str
    role_note: str | None
    version: str
    date: str
    contract: list[Detail]
    controllers: list[AnnexParty]
    processors: list[AnnexParty]
    data_subjects: list[str]
    data_categories: list[str]
    sensitive: list[SensitiveView]
    nature: str | None
    purposes: list[str]
    duration: str | None
    data_retention: str | None
    sub_processing: list[SubProcessingView]
    tom_groups: list[MeasureGroup]
    assistance: str | None
    authorisation: list[Detail]
    sub_processors: list[SubProcessorView]
    transfer: TransferAnnex | None
    checklist: list[ChecklistItem]
    status: Status
    findings: list[FindingView]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _sensitive(activities: list[Activity]) -> list[SensitiveView]:

    rows: list[SensitiveView] = []
    seen: set[tuple[str, str]] = set()
    for activity in activities:
        for category in activity.data_categories:
            kinds = []
            if category.special is not None:
                kinds.append(f"Special category (Art. 9): {SPECIAL_LABELS[category.special]}")
            if category.criminal:
                kinds.append("Criminal convictions and offences (Art. 10)")
            if not kinds:
                continue
            key = (category.name, "; ".join(kinds))
            if key in seen:
                continue
            seen.add(key)
            if category.art9_condition is not None:
                point = category.art9_condition.value.removeprefix("9.2.")
                law = f", {category.art9_law_ref}" if category.art9_law_ref else ""
                kinds.append(f"condition Art. 9(2)({point}){law}")
            rows.append(SensitiveView(category.name, "; ".join(kinds), sensitive_safeguards(category)))
    return rows


def _checklist(provider: Provider) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    for key, requirement in ART28_ITEMS.items():
        point = "Art. 28(3), second subparagraph" if key == "notice" else f"Art. 28(3)({key})"
        ref = provider.contract.art28.item(key) if provider.contract is not None else None
        if ref is None:
            items.append(ChecklistItem(point, requirement, "missing", "Missing", None, None))
        elif ref.covered:
            items.append(ChecklistItem(point, requirement, "covered", "Covered", ref.section, ref.note))
        else:
            items.append(ChecklistItem(point, requirement, "not-covered", "Not covered", ref.section, ref.note))
    return items


def _transfers_to(register: Register, provider: Provider) -> list[tuple[Activity, Transfer]]:
    prefix = provider.id + "/"
    return [
        (entry.activity, transfer)
        for entry in register.activities()
        for transfer in entry.activity.transfers
        if transfer.recipient == provider.id or transfer.recipient.startswith(prefix)
    ]


def _modules(mechanisms: list[Mechanism]) -> str | None:
    scc = [m for m in mechanisms if m.type in (MechanismType.SCC_2021_914, MechanismType.SCC_UNSPECIFIED)]
    if not scc:
        return "Not applicable (no standard contractual clauses relied on)" if mechanisms else None
    modules = sorted({module for m in scc for module in m.modules})
    if not modules:
        return None
    return "; ".join(MODULE_LABELS[m] for m in modules)


def _transfer_annex(
    register: Register, provider: Provider, sub_processing: list[SubProcessingView]
) -> TransferAnnex | None:
    transfers = _transfers_to(register, provider)
    destinations: list[Detail] = []
    mechanisms: list[Mechanism] = []
    importers: list[tuple[str, Mechanism]] = []
    for code in provider_locations(provider):
        if outside_eea(code):
            where = "establishment of the provider" if code == provider.country else "data location of the provider"
            destinations.append(Detail(country_label(code) or code, f"{provider.legal_name} ({where})"))
            mechanisms.extend(provider.mechanisms)
            importers.extend((provider.legal_name, m) for m in provider.mechanisms)
    for sub in provider.sub_processors:
        if sub.country and outside_eea(sub.country):
            destinations.append(
                Detail(country_label(sub.country) or sub.country, f"{sub_processor_name(sub)} (sub-processor)")
            )
            if sub.mechanism is not None:
                mechanisms.append(sub.mechanism)
                importers.append((sub_processor_name(sub), sub.mechanism))
    for activity, transfer in transfers:
        if transfer_outside_eea(transfer) is not False:
            destination = (
                country_label(transfer.country) or transfer.international_organisation or "Destination not stated"
            )
            destinations.append(Detail(destination, f"transfer declared in activity \u201c{activity.name}\u201d"))
            if transfer.mechanism is not None:
                mechanisms.append(transfer.mechanism)
                importers.append((_importer_name(register, provider, transfer.recipient), transfer.mechanism))
    if not destinations:
        return None
    activities = _unique_activities([a for a, _t in transfers]) or [e.activity for e in annexed(register, provider)]
    chosen: list[str] = []
    retention: list[Detail] = []
    for activity in activities:
        wanted: set[str] | None = None
        ids = [c for a, t in transfers if a is activity for c in t.data_categories]
        if ids and all(t.data_categories for a, t in transfers if a is activity):
            wanted = set(ids)
        for category in activity.data_categories:
            if wanted is not None and category.id not in wanted:
                continue
            chosen.append(category.name)
            text = retention_text(category.retention) or retention_text(activity.retention)
            retention.append(Detail(category.name, text))
    frequencies = _unique([t.frequency for _a, t in transfers if t.frequency])
    authorities = _unique([m.competent_authority for m in mechanisms if m.competent_authority])
    hint = None
    org = register.organisation
    if not authorities and org.lead_supervisory_authority:
        hint = f"The organisation's lead supervisory authority is {org.lead_supervisory_authority}."
    contract = provider.contract
    return TransferAnnex(
        destinations=destinations,
        mechanisms=_unique([text for m in mechanisms if (text := mechanism_text(m))]),
        modules=_modules(mechanisms),
        signatures=_signatures(provider, importers),
        data_subjects=_unique([s.name for a in activities for s in a.data_subjects]),
        data_categories=_unique(chosen),
        sensitive=_sensitive(activities),
        frequency=", ".join(frequencies) or None,
        nature=contract.nature if contract else None,
        purposes=_unique([p.description for a in activities for p in a.purposes]),
        retention=retention,
        data_retention=_data_retention(provider),
        sub_processing=sub_processing,
        authority="; ".join(authorities) or None,
        authority_hint=hint,
    )


def _importer_name(register: Register, provider: Provider, recipient: str) -> str:
    """The data importer a transfer names: the provider or sub-processor its ``recipient`` resolves to."""
    found = resolve(register, recipient)
    if found is None:
        return provider.legal_name
    target, sub = found
    return sub_processor_name(sub) if sub is not None else target.legal_name


def _signatures(provider: Provider, importers: list[tuple[str, Mechanism]]) -> list[Detail]:
    """SCC 2021/914 Annex I.A "Signature and date" of each importer: an accession, the SCCs' or the DPA's date.

    Only transfers on SCCs 2021/914 have an Annex I.A; a missing date stays None ("Not stated").
    """
    rows: list[Detail] = []
    for name, mechanism in importers:
        if mechanism.type is not MechanismType.SCC_2021_914:
            continue
        value = accession_text(mechanism)
        contract = provider.contract
        own_scc = contract is not None and contract.based_on == "scc_2021_914" and name == provider.legal_name
        if value is None and mechanism.evidence is not None and mechanism.evidence.date is not None:
            value = f"Signed on {mechanism.evidence.date.isoformat()} ({mechanism.evidence.ref})"
        elif value is None and own_scc and contract is not None and contract.signed:
            value = f"Signed on {contract.signed.isoformat()} ({contract.title})"
        detail = Detail(name, value)
        if detail not in rows:
            rows.append(detail)
    return rows


def _data_retention(provider: Provider) -> str | None:
    """The longest the processor keeps the data under the agreement, as a sentence; None when not recorded."""
    kept = provider.contract.data_retention if provider.contract else None
    return f"The processor keeps the personal data for at most {period_text(kept)}." if kept else None


def _unique_activities(activities: list[Activity]) -> list[Activity]:
    seen: dict[int, Activity] = {}
    for activity in activities:
        seen.setdefault(id(activity), activity)
    return list(seen.values())


def build_annex_view(register: Register, provider_id: str, report: Report) -> AnnexView:
    """The view-model of the annex for ``provider_id``.

    Raises:
        KeyError: when the register has no such provider.
    """
    from ropa.util.dates import document_datetime

    provider = register.provider(provider_id)
    if provider is None:
        raise KeyError(f"no provider {provider_id!r} in the register")
    org = register.organisation
    contract = provider.contract
    signature = None
    if contract is not None and contract.signed is not None:
        signature = f"{contract.signed.isoformat()} ({contract.title})"
    org_contact = [c for c in (contact_text(org.contact),) if c]
    if org.dpo is not None and org.dpo.designated is not False and contact_text(org.dpo):
        org_contact.append(f"Data protection officer: {contact_text(org.dpo)}")
    if org.eu_representative is not None:
        org_contact.append(f"Representative in the Union: {org.eu_representative.name}")
    provider_contact = [c for c in (contact_text(c) for c in provider.contacts) if c]
    if provider.dpo is not None and contact_text(provider.dpo):
        provider_contact.append(f"Data protection officer: {contact_text(provider.dpo)}")
    if provider.eu_representative:
        provider_contact.append(f"Representative in the Union: {provider.eu_representative}")
    controllers = [
        AnnexParty(1, org.legal_name, org.address.one_line() if org.address else None, org_contact, signature)
    ]
    for n, joint in enumerate(org.joint_controllers, start=2):
        contact = [c for c in (contact_text(joint.contact),) if c]
        controllers.append(AnnexParty(n, joint.name, None, contact, None))
    accessions = _unique([text for m in provider.mechanisms if (text := accession_text(m))])
    accessions = [f"{text} (standard contractual clauses 2021/914)" for text in accessions]
    processors = [
        AnnexParty(
            1,
            provider.legal_name + (f" ({provider.trading_name})" if provider.trading_name else ""),
            provider.address.one_line() if provider.address else None,
            provider_contact,
            "; ".join(p for p in (signature, *accessions) if p) or None,
        )
    ]
    activities = [entry.activity for entry in annexed(register, provider)]
    duration = contract.duration if contract else None
    sub_processing = [SubProcessingView(sub_processor_name(sub), sub.service, None) for sub in provider.sub_processors]
    auth = provider.sub_processor_authorisation
    authorisation = [
        Detail("Type of authorisation (Art. 28(2))", f"{auth.type} written authorisation" if auth else None),
    ]
    if auth is None or auth.type == "general":
        notice = auth.notice_period if auth else None
        authorisation.append(
            Detail("Advance notice of changes", f"{duration_label(notice)} ({notice})" if notice else None)
        )
        authorisation.append(Detail("How the controller can object", auth.objection_channel if auth else None))
    subs = []
    for n, sub in enumerate(provider.sub_processors, start=1):
        subs.append(
            SubProcessorView(
                number=n,
                name=sub_processor_name(sub),
                address=sub.address,
                contact=contact_text(sub.contact),
                description=sub.service,
                location=country_label(sub.country),
                outside_eea=outside_eea(sub.country),
                authorisation=(
                    sub.authorisation
                    + (f" (authorised on {sub.authorised_on.isoformat()})" if sub.authorised_on else "")
                    if sub.authorisation
                    else None
                ),
                mechanism=(
                    "Not applicable (in the EEA)"
                    if sub.country and not outside_eea(sub.country)
                    else mechanism_text(sub.mechanism)
                ),
                flow_down=sub.flow_down,
            )
        )
    contract_details = [
        Detail("Agreement", contract.title if contract else None),
        Detail("Version", contract.version if contract else None),
        Detail("Signed or accepted", contract.signed.isoformat() if contract and contract.signed else None),
        Detail("Form (Art. 28(9))", contract.form if contract else None),
        Detail("Based on", _based_on(contract.based_on) if contract else None),
        *_clause1(contract),
        Detail("Where the signed copy is kept", contract.location if contract else None),
        Detail("Subject-matter of the processing", contract.subject_matter if contract else None),
    ]
    role_note = None
    roles = roles_text(register, provider, ROLE_LABELS)
    if not is_processor(register, provider):
        role_note = (
            f"The register records this provider as {(roles or 'having no role').lower()}, not as a processor: "
            "Art. 28 applies only to processing on the organisation's behalf. The annex is kept to show what is known."
        )
    findings = sorted_findings(f for f in report.findings if f.provider == provider.id)
    title = f"Annex to the data processing agreement with {provider.legal_name}"
    return AnnexView(
        meta=DocumentMeta(
            title=f"{title} \u2013 {org.legal_name}",
            author=org.legal_name,
            subject=f"Art. 28 GDPR annexes (Decision (EU) 2021/915) for {provider.legal_name}",
            language="en",
            created=document_datetime(register).strftime("%Y-%m-%dT%H:%M:%SZ"),
            keywords="GDPR, Article 28, data processing agreement, standard contractual clauses",
        ),
        title=title,
        organisation=org.legal_name,
        provider=provider.legal_name,
        provider_role=(roles or "role not recorded").lower(),
        role_note=role_note,
        version=org.record.version,
        date=org.record.date.isoformat(),
        contract=contract_details,
        controllers=controllers,
        processors=processors,
        data_subjects=_unique([s.name for a in activities for s in a.data_subjects]),
        data_categories=_unique([c.name for a in activities for c in a.data_categories]),
        sensitive=_sensitive(activities),
        nature=contract.nature if contract else None,
        purposes=_unique([p.description for a in activities for p in a.purposes]),
        duration=duration,
        data_retention=_data_retention(provider),
        sub_processing=sub_processing,
        tom_groups=measure_groups((tom, provider.legal_name) for tom in provider.toms),
        assistance=contract.assistance_measures if contract else None,
        authorisation=authorisation,
        sub_processors=subs,
        transfer=_transfer_annex(register, provider, sub_processing),
        checklist=_checklist(provider),
        status=status_of(report, findings),
        findings=[finding_view(register, f) for f in findings],
    )


def _clause1(contract: Contract | None) -> list[Detail]:
    """The Clause 1 option, for agreements on the Art. 28 SCCs (2021/915) or that record one."""
    if contract is None or (contract.based_on != "scc_2021_915" and contract.clause1_option is None):
        return []
    option = CLAUSE1_LABELS[contract.clause1_option] if contract.clause1_option else None
    return [Detail("Clause 1 option (Decision (EU) 2021/915)", option)]


def _based_on(value: str | None) -> str | None:
    labels = {
        "custom": "The provider's own terms",
        "scc_2021_915": "Standard contractual clauses of Decision (EU) 2021/915 (Art. 28(7))",
        "scc_2021_914": "Standard contractual clauses of Decision (EU) 2021/914 (Art. 46(2)(c))",
    }
    return labels.get(value) if value else None


def annex_html(register: Register, provider_id: str, report: Report, templates: Path | None = None) -> str:
    """The annex of one provider as one HTML string (what WeasyPrint lays out)."""
    from ropa.render.html import render

    return render("annex.html", templates, doc=build_annex_view(register, provider_id, report))


def render_annex_pdf(register: Register, provider_id: str, report: Report, templates: Path | None = None) -> bytes:
    """The Art. 28 annex of ``provider_id`` as PDF/A-3b bytes."""
    from ropa.render.pdf import html_to_pdf

    return html_to_pdf(annex_html(register, provider_id, report, templates), register, templates)
