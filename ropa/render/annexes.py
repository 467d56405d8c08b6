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

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ropa.check.findings import Report
from ropa.i18n import current, format_date, gettext
from ropa.model.activity import Activity
from ropa.model.common import TomKind
from ropa.model.facts import annexed, is_processor, roles_text
from ropa.model.labels import CLAUSE1_LABELS, ROLE_LABELS, SPECIAL_LABELS
from ropa.model.provider import ART28_ITEMS, Contract, CoverageStatus, Provider
from ropa.model.register import Register
from ropa.render.annex_subprocessors import AnnexIV, build_annex_iv, numbered
from ropa.render.annex_texts import EXAMPLE_MEASURES, Piece, Texts, pieces, texts
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
"""The four states of a checklist point; ``None``: the record says nothing about the point (English msgids)."""

ROLE_WORDS: dict[str, str] = {value: label.lower() for value, label in ROLE_LABELS.items()}
"""The roles as read inside a sentence ("... and BackTrace (processor)"): msgids of their own, since German
keeps the capital of a noun that English and French lower."""

_ = gettext


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
    parties_line: list[Piece]
    """"<organisation> (controller) and <provider> (<role>)", the organisation marked for the running header."""
    source_line: list[Piece]
    """"From the record ..., version <version> of <date>.", with the version and date for the running header."""
    gap_line: list[Piece]
    """"Facts the register does not state are marked <marker>." (the annex's header)."""
    annex_note: str
    """That the annex carries none of the findings (the review document's header)."""
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
    unrecorded_note: str | None
    """The sentence naming the decision's examples with no measure recorded (None when every one has some)."""
    assistance: str | None
    assistance_clauses: list[str]
    annex_iv: AnnexIV
    transfer: TransferSection | None
    checklist: list[ChecklistItem]
    findings_inside: bool
    status: Status
    status_line: str
    """The counts of the status and the date they were checked as of, as one sentence."""
    findings: list[FindingView]
    annex_file: str
    version_word: str
    """The word before the version in the running header ("version")."""
    page_words: tuple[str, str, str] | None = None
    """The words around the page number and the page count in the footer, in a language other than English
    (``("Seite ", " von ", "")``); None in English, whose footer base.css writes."""


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _sensitive(activities: list[Activity]) -> list[SensitiveRow]:
    rows: list[SensitiveRow] = []
    seen: set[tuple[str, str]] = set()
    for activity in activities:
        for category in activity.data_categories:
            kinds = []
            if category.special is not None:
                label = _(SPECIAL_LABELS[category.special])
                kinds.append(_("Special category (Art. 9): {label}").format(label=label))
            if category.criminal:
                kinds.append(_("Criminal convictions and offences (Art. 10)"))
            if not kinds:
                continue
            key = (category.name, "; ".join(kinds))
            if key in seen:
                continue
            seen.add(key)
            if category.art9_condition is not None:
                point = category.art9_condition.value.removeprefix("9.2.")
                law = f", {category.art9_law_ref}" if category.art9_law_ref else ""
                kinds.append(_("condition Art. 9(2)({point})").format(point=point) + law)
            rows.append(SensitiveRow(category.name, "; ".join(kinds), sensitive_safeguards(category)))
    return rows


def _checklist(provider: Provider) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    coverage = provider.contract.art28 if provider.contract is not None else None
    for key, requirement in ART28_ITEMS.items():
        point = _("Art. 28(3), second subparagraph") if key == "notice" else _("Art. 28(3)({key})").format(key=key)
        ref = coverage.item(key) if coverage is not None else None
        status = coverage.status(key) if coverage is not None else None
        css = status or "not-recorded"
        items.append(
            ChecklistItem(
                point,
                _(requirement),
                css,
                _(STATUS_LABELS[status]),
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
    rows = [MeasureRow(_(EXAMPLE_MEASURES[k]), found) for k, found in by_kind.items() if found]
    empty = [_(EXAMPLE_MEASURES[k]) for k, found in by_kind.items() if not found]
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
        lines.append(
            _("Art. 28(3)({key}), {requirement} ({status}): {where}").format(
                key=key, requirement=_(ART28_ITEMS[key]), status=_(STATUS_LABELS[status].lower()), where=where
            )
        )
    return lines


def _sub_processing(annex_iv: AnnexIV) -> str:
    """Annex II's last item: the sub-processors are described once, in Annex IV."""
    if not annex_iv.entries and not annex_iv.others:
        return _("Not applicable: the record names no sub-processor of this provider.")
    return _(
        "The processing by each sub-processor is described in Annex IV (Description of the processing); the "
        "duration of their processing is not recorded."
    )


def _parties(register: Register, provider: Provider) -> tuple[list[AnnexParty], list[AnnexParty]]:
    org = register.organisation
    contract = provider.contract
    signature = None
    if contract is not None and contract.signed is not None:
        signature = f"{format_date(contract.signed)} ({contract.title})"
    org_contact = [c for c in (contact_text(org.contact),) if c]
    if org.dpo is not None and org.dpo.designated is not False and contact_text(org.dpo):
        org_contact.append(_("Data protection officer: {contact}").format(contact=contact_text(org.dpo)))
    if org.eu_representative is not None:
        org_contact.append(_("Representative in the Union: {name}").format(name=org.eu_representative.name))
    provider_contact = [c for c in (contact_text(c) for c in provider.contacts) if c]
    if provider.dpo is not None and contact_text(provider.dpo):
        provider_contact.append(_("Data protection officer: {contact}").format(contact=contact_text(provider.dpo)))
    if provider.eu_representative:
        provider_contact.append(_("Representative in the Union: {name}").format(name=provider.eu_representative))
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
        Detail(_("Agreement"), contract.title if contract else None),
        Detail(_("Version"), contract.version if contract else None),
        Detail(_("Signed or accepted"), format_date(contract.signed) if contract and contract.signed else None),
        Detail(_("Form (Art. 28(9))"), _(contract.form) if contract and contract.form else None),
        Detail(_("Based on"), _based_on(contract.based_on) if contract else None),
        *_clause1(contract),
        Detail(_("Where the signed copy is kept"), contract.location if contract else None),
        Detail(_("Subject-matter of the processing"), contract.subject_matter if contract else None),
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
    roles = roles_text(register, provider, {value: _(word) for value, word in ROLE_WORDS.items()})
    if not is_processor(register, provider):
        role_note = _(
            "The register records this provider as {roles}, not as a processor: Art. 28 applies only to processing "
            "on the organisation's behalf. The annex is kept to show what is known."
        ).format(roles=roles or _("having no role"))
    own = sorted_findings(f for f in report.findings if f.provider == provider.id)
    name = provider.legal_name
    if review:
        title = _("Review of the record for {provider}").format(provider=name)
        subject = _("Validation findings about {provider} (not part of the Art. 28 agreement)").format(provider=name)
        parties = _("{organisation} and {provider} ({role})")
    else:
        title = _("Annex to the data processing agreement with {provider}").format(provider=name)
        subject = _("Art. 28 GDPR annexes (Decision (EU) 2021/915) for {provider}").format(provider=name)
        parties = _("{organisation} (controller) and {provider} ({role})")
    provider_role = roles or _("role not recorded")
    date = format_date(org.record.date)
    status = status_of(report, own)
    return AnnexView(
        meta=DocumentMeta(
            title=f"{title} \u2013 {org.legal_name}",
            author=org.legal_name,
            subject=subject,
            language=current(),
            created=document_datetime(register).strftime("%Y-%m-%dT%H:%M:%SZ"),
            keywords=_("GDPR, Article 28, data processing agreement, standard contractual clauses"),
        ),
        texts=texts(),
        review=review,
        title=title,
        organisation=org.legal_name,
        provider=provider.legal_name,
        provider_role=provider_role,
        parties_line=pieces(parties, organisation=org.legal_name, provider=name, role=provider_role),
        source_line=pieces(
            _("From the record of processing activities, version {version} of {date}."),
            version=org.record.version,
            date=date,
        ),
        gap_line=pieces(_("Facts the register does not state are marked {marker}."), marker=""),
        annex_note=_("The annex to the agreement ({file}) carries none of these findings.").format(
            file=f"annexes/{provider.id}.pdf"
        ),
        role_note=role_note,
        version=org.record.version,
        date=date,
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
            _("The processor keeps the personal data for at most {period}.").format(
                period=period_text(contract.data_retention)
            )
            if contract and contract.data_retention
            else None
        ),
        sub_processing=_sub_processing(annex_iv),
        measures=measures,
        unrecorded_examples=unrecorded,
        unrecorded_note=_(
            'The decision\'s "Examples of possible measures" are examples, not a required list. Of them, the record '
            "holds no measure under: {examples}."
        ).format(examples="; ".join(unrecorded))
        if unrecorded
        else None,
        assistance=contract.assistance_measures if contract else None,
        assistance_clauses=_assistance_clauses(contract),
        annex_iv=annex_iv,
        transfer=build_transfer_section(register, provider, numbered(annex_iv), sensitive),
        checklist=_checklist(provider),
        findings_inside=findings or review,
        status=status,
        status_line=_status_line(status),
        findings=[finding_view(register, f) for f in own],
        annex_file=f"annexes/{provider.id}.pdf",
        version_word=_("version"),
        page_words=_page_words(),
    )


def _page_words() -> tuple[str, str, str] | None:
    """The catalogue's "page {page} of {pages}" cut at its two numbers, for the footer's CSS counters."""
    label = _("page {page} of {pages}")
    if current() == "en" or "{page}" not in label or "{pages}" not in label.split("{page}", 1)[1]:
        return None
    before, rest = label.split("{page}", 1)
    between, after = rest.split("{pages}", 1)
    return before, between, after


def _clause1(contract: Contract | None) -> list[Detail]:
    """The Clause 1 option, for agreements on the Art. 28 SCCs (2021/915) or that record one."""
    if contract is None or (contract.based_on != "scc_2021_915" and contract.clause1_option is None):
        return []
    option = CLAUSE1_LABELS[contract.clause1_option] if contract.clause1_option else None
    return [Detail(_("Clause 1 option (Decision (EU) 2021/915)"), _(option) if option else None)]


def _based_on(value: str | None) -> str | None:
    labels = {
        "custom": "The provider's own terms",
        "scc_2021_915": "Standard contractual clauses of Decision (EU) 2021/915 (Art. 28(7))",
        "scc_2021_914": "Standard contractual clauses of Decision (EU) 2021/914 (Art. 46(2)(c))",
    }
    label = labels.get(value) if value else None
    return _(label) if label else None


def _status_line(status: Status) -> str:
    """The counts of the status line, with the date the record was checked as of when there is one."""
    if not status.as_of:
        return f"{status.summary}."
    try:
        as_of = format_date(dt.date.fromisoformat(status.as_of))
    except ValueError:
        as_of = status.as_of
    return _("{summary}, checked as of {date}.").format(summary=status.summary, date=as_of)


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
