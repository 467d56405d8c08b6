"""The Article 28 annex of one provider, laid out like the annexes of the Art. 28 SCCs (Decision 2021/915).

Annex I lists the parties, Annex II describes the processing, Annex III gives the recorded measures
under the decision's examples, Annex IV lists the sub-processors under the authorisation the record
holds (:mod:`ropa.render.annex_subprocessors`). The transfers follow as one table of destinations and
mechanisms, with the 2021/914 Annex I items only where those clauses are relied on
(:mod:`ropa.render.annex_transfers`), then the Art. 28(3) checklist in four states.

An annex is a contract document: it carries no validation findings unless asked (``findings=True``,
``--annex-findings``); the findings about the provider go to its review document
(:func:`render_review_pdf`). Facts the register does not state are ``None`` in the view and print as
a visible gap; a sentence stating a fact is printed only when the record holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ropa.check.findings import Report
from ropa.i18n import current, gettext
from ropa.model.activity import Activity
from ropa.model.common import TomKind
from ropa.model.facts import annexed, is_processor, roles_text
from ropa.model.labels import CLAUSE1_LABELS, ROLE_LABELS, SPECIAL_LABELS
from ropa.model.provider import ART28_ITEMS, Contract, CoverageStatus, Provider
from ropa.model.register import Register
from ropa.render.annex_subprocessors import AnnexIV, build_annex_iv, numbered
from ropa.render.annex_texts import EXAMPLE_MEASURES, TEXTS, Texts
from ropa.render.annex_transfers import SensitiveRow, TransferSection, build_transfer_section
from ropa.render.text import period_text
from ropa.render.views.activity import sensitive_safeguards
from ropa.render.views.findings import FindingView, Status, finding_view, sorted_findings, status_of
from ropa.render.views.register import DocumentMeta
from ropa.render.views.wording import Detail, contact_text


@dataclass(frozen=True)
class AnnexParty:
    """One entry of Annex I (controller or processor)."""

    number: int
    name: str
    address: str | None
    contact: list[str]
    signature: str | None


@dataclass(frozen=True)
class MeasureRow:
    """The recorded measures under one of the decision's example headings."""

    label: str
    measures: list[str]


@dataclass(frozen=True)
class ChecklistItem:
    """One Art. 28(3) stipulation and what the record says of its coverage."""

    point: str
    requirement: str
    status: str
    """``covered``, ``partly``, ``missing`` or ``not-recorded`` (the CSS class)."""
    status_label: str
    section: str | None
    note: str | None


STATUS_LABELS: dict[CoverageStatus | None, str] = {
    "covered": "Covered",
    "partly": "Partly covered",
    "missing": "Missing",
    None: "Not recorded",
}
"""The four states of a checklist point; ``None``: the record says nothing about the point."""


@dataclass(frozen=True)
class AnnexView:
    """Everything annex.html receives, as ``doc``."""

    meta: DocumentMeta
    texts: Texts
    """The decisions' wording the templates quote."""
    review: bool
    """True for the provider's review document (findings only), False for the annex."""
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
    sensitive: list[SensitiveRow]
    nature: str | None
    purposes: list[str]
    duration: str | None
    data_retention: str | None
    sub_processing: str
    measures: list[MeasureRow]
    unrecorded_examples: list[str]
    assistance: str | None
    assistance_clauses: list[str]
    annex_iv: AnnexIV
    transfer: TransferSection | None
    checklist: list[ChecklistItem]
    findings_inside: bool
    status: Status
    findings: list[FindingView]
    annex_file: str


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _sensitive(activities: list[Activity]) -> list[SensitiveRow]:
    rows: list[SensitiveRow] = []
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
            rows.append(SensitiveRow(category.name, "; ".join(kinds), sensitive_safeguards(category)))
    return rows


def _checklist(provider: Provider) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    coverage = provider.contract.art28 if provider.contract is not None else None
    for key, requirement in ART28_ITEMS.items():
        point = "Art. 28(3), second subparagraph" if key == "notice" else f"Art. 28(3)({key})"
        ref = coverage.item(key) if coverage is not None else None
        status = coverage.status(key) if coverage is not None else None
        css = status or "not-recorded"
        items.append(
            ChecklistItem(
                point,
                requirement,
                css,
                STATUS_LABELS[status],
                ref.section if ref else None,
                ref.note if ref else None,
            )
        )
    return items


def _measures(provider: Provider) -> tuple[list[MeasureRow], list[str]]:
    """The recorded measures under the decision's examples, and the examples with none recorded."""
    by_kind: dict[TomKind, list[str]] = {kind: [] for kind in TomKind}
    for tom in provider.toms:
        by_kind[tom.kind].append(tom.measure)
    rows = [MeasureRow(EXAMPLE_MEASURES[k], found) for k, found in by_kind.items() if found]
    empty = [EXAMPLE_MEASURES[k] for k, found in by_kind.items() if not found]
    return rows, empty


def _assistance_clauses(contract: Contract | None) -> list[str]:
    """Where the contract covers the assistance points (e) and (f), as the checklist records them."""
    if contract is None:
        return []
    lines = []
    for key in ("e", "f"):
        ref = contract.art28.item(key)
        status = contract.art28.status(key)
        if ref is None or status == "missing" or not (ref.section or ref.note):
            continue
        where = "; ".join(p for p in (ref.section, ref.note) if p)
        lines.append(f"Art. 28(3)({key}), {ART28_ITEMS[key]} ({STATUS_LABELS[status].lower()}): {where}")
    return lines


def _sub_processing(annex_iv: AnnexIV) -> str:
    """Annex II's last item: the sub-processors are described once, in Annex IV."""
    if not annex_iv.entries and not annex_iv.others:
        return "Not applicable: the record names no sub-processor of this provider."
    return (
        "The processing by each sub-processor is described in Annex IV (Description of the processing); the "
        "duration of their processing is not recorded."
    )


def _parties(register: Register, provider: Provider) -> tuple[list[AnnexParty], list[AnnexParty]]:
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
    processors = [
        AnnexParty(
            1,
            provider.legal_name + (f" ({provider.trading_name})" if provider.trading_name else ""),
            provider.address.one_line() if provider.address else None,
            provider_contact,
            signature,
        )
    ]
    return controllers, processors


def _contract_details(contract: Contract | None) -> list[Detail]:
    return [
        Detail("Agreement", contract.title if contract else None),
        Detail("Version", contract.version if contract else None),
        Detail("Signed or accepted", contract.signed.isoformat() if contract and contract.signed else None),
        Detail("Form (Art. 28(9))", contract.form if contract else None),
        Detail("Based on", _based_on(contract.based_on) if contract else None),
        *_clause1(contract),
        Detail("Where the signed copy is kept", contract.location if contract else None),
        Detail("Subject-matter of the processing", contract.subject_matter if contract else None),
    ]


def build_annex_view(
    register: Register, provider_id: str, report: Report, findings: bool = False, review: bool = False
) -> AnnexView:
    """The view-model of the annex for ``provider_id`` (``review``: of its review document instead).

    Args:
        findings: Print the validation findings about the provider inside the annex.

    Raises:
        KeyError: when the register has no such provider.
    """
    from ropa.util.dates import document_datetime

    provider = register.provider(provider_id)
    if provider is None:
        raise KeyError(f"no provider {provider_id!r} in the register")
    org = register.organisation
    contract = provider.contract
    activities = [entry.activity for entry in annexed(register, provider)]
    annex_iv = build_annex_iv(provider)
    sensitive = _sensitive(activities)
    measures, unrecorded = _measures(provider)
    controllers, processors = _parties(register, provider)
    role_note = None
    roles = roles_text(register, provider, ROLE_LABELS)
    if not is_processor(register, provider):
        role_note = (
            f"The register records this provider as {(roles or 'having no role').lower()}, not as a processor: "
            "Art. 28 applies only to processing on the organisation's behalf. The annex is kept to show what is known."
        )
    own = sorted_findings(f for f in report.findings if f.provider == provider.id)
    if review:
        title = f"Review of the record for {provider.legal_name}"
        subject = f"Validation findings about {provider.legal_name} (not part of the Art. 28 agreement)"
    else:
        title = gettext("Annex to the data processing agreement with {provider}").format(provider=provider.legal_name)
        subject = f"Art. 28 GDPR annexes (Decision (EU) 2021/915) for {provider.legal_name}"
    return AnnexView(
        meta=DocumentMeta(
            title=f"{title} \u2013 {org.legal_name}",
            author=org.legal_name,
            subject=subject,
            language=current(),
            created=document_datetime(register).strftime("%Y-%m-%dT%H:%M:%SZ"),
            keywords="GDPR, Article 28, data processing agreement, standard contractual clauses",
        ),
        texts=TEXTS,
        review=review,
        title=title,
        organisation=org.legal_name,
        provider=provider.legal_name,
        provider_role=(roles or "role not recorded").lower(),
        role_note=role_note,
        version=org.record.version,
        date=org.record.date.isoformat(),
        contract=_contract_details(contract),
        controllers=controllers,
        processors=processors,
        data_subjects=_unique([s.name for a in activities for s in a.data_subjects]),
        data_categories=_unique([c.name for a in activities for c in a.data_categories]),
        sensitive=sensitive,
        nature=contract.nature if contract else None,
        purposes=_unique([p.description for a in activities for p in a.purposes]),
        duration=contract.duration if contract else None,
        data_retention=(
            f"The processor keeps the personal data for at most {period_text(contract.data_retention)}."
            if contract and contract.data_retention
            else None
        ),
        sub_processing=_sub_processing(annex_iv),
        measures=measures,
        unrecorded_examples=unrecorded,
        assistance=contract.assistance_measures if contract else None,
        assistance_clauses=_assistance_clauses(contract),
        annex_iv=annex_iv,
        transfer=build_transfer_section(register, provider, numbered(annex_iv), sensitive),
        checklist=_checklist(provider),
        findings_inside=findings or review,
        status=status_of(report, own),
        findings=[finding_view(register, f) for f in own],
        annex_file=f"annexes/{provider.id}.pdf",
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


def annex_html(
    register: Register, provider_id: str, report: Report, templates: Path | None = None, findings: bool = False
) -> str:
    """The annex of one provider as one HTML string (what WeasyPrint lays out)."""
    from ropa.render.html import render

    return render("annex.html", templates, doc=build_annex_view(register, provider_id, report, findings))


def review_html(register: Register, provider_id: str, report: Report, templates: Path | None = None) -> str:
    """The review document of one provider (its findings, apart from the annex) as one HTML string."""
    from ropa.render.html import render

    return render("annex.html", templates, doc=build_annex_view(register, provider_id, report, review=True))


def render_annex_pdf(
    register: Register, provider_id: str, report: Report, templates: Path | None = None, findings: bool = False
) -> bytes:
    """The Art. 28 annex of ``provider_id`` as PDF/A-3b bytes (with its findings inside when ``findings``)."""
    from ropa.render.pdf import html_to_pdf

    return html_to_pdf(annex_html(register, provider_id, report, templates, findings), register, templates)


def render_review_pdf(register: Register, provider_id: str, report: Report, templates: Path | None = None) -> bytes:
    """The review document of ``provider_id`` (the validation findings about it) as PDF/A-3b bytes."""
    from ropa.render.pdf import html_to_pdf

    return html_to_pdf(review_html(register, provider_id, report, templates), register, templates)
