"""The whole register view: what register.html receives as ``doc``, assembled from the topic views."""

from __future__ import annotations

from dataclasses import dataclass, field

from ropa.check.findings import Report
from ropa.i18n import current, format_date
from ropa.i18n import gettext as _
from ropa.model.register import Register
from ropa.render.figures import FigureView, build_figure
from ropa.render.text import GAP_VOCABULARY
from ropa.render.views.activity import ActivityView, ProcessorActivityView, activity_view, processor_activity_view
from ropa.render.views.findings import FindingView, Status, WaivedView, finding_view, sorted_findings, status_of
from ropa.render.views.marks import FindingIndex, Scope
from ropa.render.views.measures import MeasureGroup, activity_label, all_measures, measure_groups
from ropa.render.views.overview import Overview, build_overview
from ropa.render.views.own import OwnRow, own_processing_rows
from ropa.render.views.parties import Party, party_of_organisation
from ropa.render.views.summaries import RecipientRow, RetentionRow, recipient_rows, retention_rows
from ropa.render.views.transfers import TransferView, importer_marks, provider_transfers, transfer_view
from ropa.render.views.wording import Detail, contact_text, date_text, joined, yes_no


@dataclass(frozen=True)
class DocumentMeta:
    """PDF metadata: title, author, subject, language and the fixed document date."""

    title: str
    author: str
    subject: str
    language: str
    created: str
    keywords: str


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
    overview: Overview | None = None
    vocabulary: list[Detail] = field(default_factory=list)
    """The three words for an empty value and what each means (defined on the cover)."""
    own_processing: list[OwnRow] = field(default_factory=list)
    """What providers do for their own purposes, printed beside the recipients, outside the record."""
    cover_status: str = ""
    """The cover's line under the status word: the counts, waivers and the date checked."""
    appendix_status: str = ""
    """Appendix A's line under the status word: the counts and the date checked."""


def derogation_summary(register: Register) -> str:
    """The organisation's Art. 30(5) claim in one line, with the activities that claim it on their own."""
    org = register.organisation
    own = [entry.activity.name for entry in register.activities() if entry.activity.art30_5_derogation]
    if org.art30_5_derogation:
        if org.settings.art30_5_regime == "omnibus-iv":
            return _(
                "Claimed under the 2025 Omnibus IV proposal (fewer than 750 employees, no high risk) "
                "for the activities that do not record a claim of their own"
            )
        return _("Claimed (fewer than 250 employees) for the activities that do not record a claim of their own")
    if own:
        return _("Not claimed by the organisation; claimed for: {activities}").format(activities=", ".join(own))
    return _("Not claimed")


def status_lines(status: Status) -> tuple[str, str]:
    """The cover's and the appendix's sentence under the status word (counts, waivers, date checked)."""
    cover = status.summary
    if status.waived:
        cover = _("{summary}; {count} waived").format(summary=cover, count=status.waived)
    appendix = status.summary
    if status.as_of:
        when = date_text(status.as_of)
        cover = _("{summary} (checked as of {date})").format(summary=cover, date=when)
        appendix = _("{summary}, checked as of {date}").format(summary=appendix, date=when)
    return cover + ".", appendix + "."


def build_register_view(register: Register, report: Report) -> RegisterView:
    """The complete view-model of the PDF register."""
    from ropa.refdata import dated_titles
    from ropa.util.dates import document_datetime

    org = register.organisation
    title = org.record.title or _("Record of processing activities")
    created = document_datetime(register).strftime("%Y-%m-%dT%H:%M:%SZ")
    ordered = sorted_findings(report.findings)
    index = FindingIndex(register, ordered)
    entries = register.activities()
    scopes = [index.scope(entry.file, entry.path, entry.activity.id) for entry in entries]
    importer = importer_marks(register, index.scope)
    activities = [
        activity_view(register, entry, n, scope, importer)
        for n, (entry, scope) in enumerate(zip(entries, scopes, strict=True), 1)
    ]
    processor_scopes = [
        index.scope(register.organisation_file, ("processor_activities", i))
        for i in range(len(org.processor_activities))
    ]
    processor_items = [
        processor_activity_view(register, p, n, scope)
        for n, (p, scope) in enumerate(zip(org.processor_activities, processor_scopes, strict=True), 1)
    ]
    processor_record = "processor" in org.roles or bool(processor_items)
    transfers = [
        transfer_view(register, t, entry.activity, activity_label(entry.activity.name), scope, i, importer)
        for entry, scope in zip(entries, scopes, strict=True)
        for i, t in enumerate(entry.activity.transfers)
    ]
    for provider in register.providers:
        transfers.extend(provider_transfers(provider, index.scope(register.provider_files.get(provider.id))))
    toc = [
        TocEntry("controller", f"1. {_('The controller (Art. 30(1)(a))')}", 1),
        TocEntry("activities", f"2. {_('Processing activities (Art. 30(1)(b)-(g))')}", 1),
        *(TocEntry(a.anchor, f"2.{a.number} {a.name}", 2) for a in activities),
    ]
    section = 3
    if processor_record:
        title_2 = _("Processing on behalf of controllers (Art. 30(2))")
        toc.append(TocEntry("processor-record", f"{section}. {title_2}", 1))
        section += 1
    toc += [
        TocEntry("summaries", f"{section}. {_('Summary tables')}", 1),
        TocEntry("summary-recipients", f"{section}.1 {_('Recipients and providers')}", 2),
        TocEntry("summary-transfers", f"{section}.2 {_('Transfers outside the EEA')}", 2),
        TocEntry("summary-retention", f"{section}.3 {_('Retention per data category')}", 2),
        TocEntry("summary-measures", f"{section}.4 {_('Security measures')}", 2),
        TocEntry("data-flow", f"{section + 1}. {_('Data flows: activities, providers, sub-processors, countries')}", 1),
        TocEntry("findings", _("Appendix A. Validation findings"), 1),
    ]
    status = status_of(report)
    cover_status, appendix_status = status_lines(status)
    sections = finding_sections(register, index, activities, scopes, processor_items, processor_scopes)
    headings = {entry.anchor: entry.title for entry in toc}
    return RegisterView(
        meta=DocumentMeta(
            title=f"{title} \u2013 {org.legal_name}",
            author=org.legal_name,
            subject=_("Record of processing activities under Art. 30 GDPR, version {version}").format(
                version=org.record.version
            ),
            language=current(),
            created=created,
            keywords=_("GDPR, Article 30, record of processing activities"),
        ),
        title=title,
        organisation=org.legal_name,
        version=org.record.version,
        date=format_date(org.record.date),
        status=status,
        controller=ControllerView(
            party=party_of_organisation(org),
            roles=joined([_(role) for role in org.roles]),
            dpo_designated=yes_no(org.dpo.designated, "Designated", "Not designated") if org.dpo else None,
            joint_controllers=[
                ", ".join(p for p in (j.name, contact_text(j.contact), j.arrangement_ref) if p)
                for j in org.joint_controllers
            ],
            lead_supervisory_authority=org.lead_supervisory_authority,
            employees=str(org.employees) if org.employees is not None else None,
            public_authority=_("Yes") if org.public_authority else _("No"),
            art30_5_derogation=derogation_summary(register),
        ),
        activities=activities,
        processor_record=processor_record,
        processor_party=party_of_organisation(org),
        processor_activities=processor_items,
        recipients=recipient_rows(register, index),
        transfers=transfers,
        retention=retention_rows(register, index),
        measure_groups=measure_groups(all_measures(register)),
        figure=build_figure(register),
        findings=[
            finding_view(register, f, n, (sections.get(n, ""), headings.get(sections.get(n, ""), "")))
            for n, f in index.numbered
        ],
        waived=[
            WaivedView(finding_view(register, w.finding), w.reason, date_text(w.expires) or "")
            for w in sorted(report.waived, key=lambda w: w.finding.sort_key())
        ],
        toc=toc,
        headings=headings,
        reference_data=[Detail(_(title), date_text(date)) for title, date in dated_titles()],
        overview=build_overview(register, index, scopes),
        vocabulary=[Detail(_(word), _(meaning)) for word, meaning in GAP_VOCABULARY],
        own_processing=own_processing_rows(register),
        cover_status=cover_status,
        appendix_status=appendix_status,
    )


TRANSFER_RULES = ("A44", "A45", "A46", "A47", "A49", "SCC")
"""Rule id prefixes of Chapter V: a provider's finding of these concerns the summary of transfers."""


def finding_sections(
    register: Register,
    index: FindingIndex,
    activities: list[ActivityView],
    scopes: list[Scope],
    processing: list[ProcessorActivityView],
    processing_scopes: list[Scope],
) -> dict[int, str]:
    """The anchor of the section each finding (by number) concerns: its activity, processing, the controller,
    or the summary table that prints the provider's value; findings about nothing printed get none."""
    found: dict[int, str] = {}
    anchored = [(v.anchor, s) for v, s in zip(activities, scopes, strict=True)]
    anchored += [(v.anchor, s) for v, s in zip(processing, processing_scopes, strict=True)]
    for anchor, scope in anchored:
        for number in scope.numbers():
            found.setdefault(number, anchor)
    for number in index.scope(register.organisation_file).numbers():
        found.setdefault(number, "controller")
    for provider in register.providers:
        for item in index.scope(register.provider_files.get(provider.id)).items:
            transfer = item.finding.rule.startswith(TRANSFER_RULES) or item.finding.name.startswith("transfers")
            found.setdefault(item.number, "summary-transfers" if transfer else "summary-recipients")
    return found
