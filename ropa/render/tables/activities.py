"""The "Activities" sheet (the Art. 30(1) record) and the Art. 30(2) processor sheet."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ropa.check.findings import Report
from ropa.i18n import gettext as _
from ropa.model.activity import Activity, ChildSafeguards, DataCategory, LawfulBasis, ProcessorActivity, Purpose
from ropa.model.facts import Party, derogation_claimed, parties
from ropa.model.labels import FREQUENCY_LABELS, RISK_LABELS, ROLE_LABELS, SPECIAL_LABELS, sentence_case
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider
from ropa.model.register import Entry, Register
from ropa.render.tables.categories import safeguards
from ropa.render.tables.cells import (
    NONE_RECORDED,
    article_point,
    basis,
    country,
    date,
    document,
    lines,
    recipient,
    retention,
    text,
    tom,
    transfer,
    yes_no,
)
from ropa.render.tables.providers import contract_ref
from ropa.render.tables.sources import sources
from ropa.render.tables.table import Column
from ropa.render.text import NOT_STATED, SEVERITY_COUNTS, severity_count


@dataclass(frozen=True)
class ActivityItem:
    """An activity with the providers taking part in it and its count of open findings."""

    entry: Entry
    parties: list[Party]
    findings: str

    @property
    def activity(self) -> Activity:
        """The activity itself."""
        return self.entry.activity

    @property
    def processors(self) -> list[Provider]:
        """The providers that process for the organisation in this activity."""
        return [p.provider for p in self.parties if p.processes and p.sub is None]


def _finding_counts(report: Report) -> dict[tuple[str | None, str | None], Counter[str]]:
    counts: dict[tuple[str | None, str | None], Counter[str]] = {}
    for finding in report.findings:
        counts.setdefault((finding.provider, finding.activity), Counter())[finding.severity.value] += 1
    return counts


def _count_text(counter: Counter[str] | None) -> str:
    if not counter:
        return _("None")
    return ", ".join(severity_count(counter[s], s) for s in SEVERITY_COUNTS if counter[s])


def activity_items(register: Register, report: Report) -> Iterator[ActivityItem]:
    """One row per activity, with its provider and its count of open findings."""
    counts = _finding_counts(report)
    for entry in register.activities():
        found = counts.get((entry.provider_id, entry.activity.id))
        yield ActivityItem(entry, parties(register, entry), _count_text(found))


def _purposes(a: Activity) -> str:
    return lines((p.description for p in a.purposes), numbered=True)


def _bases(a: Activity) -> str:
    return lines((basis(p) for p in a.purposes), numbered=True)


def _per_purpose(a: Activity, get: Callable[[Purpose], str | None], empty: str = "Not applicable") -> str:
    """A per-purpose detail, numbered as in the purposes column, only for purposes that have it."""
    numbered = len(a.purposes) > 1
    out = [f"{n}. {value}" if numbered else value for n, p in enumerate(a.purposes, 1) if (value := get(p))]
    return "\n".join(out) if out else empty


def _legitimate(p: Purpose) -> str | None:
    if p.lawful_basis is not LawfulBasis.LEGITIMATE_INTERESTS:
        return None
    return _("{interest}; LIA: {assessment}").format(interest=text(p.legitimate_interest), assessment=document(p.lia))


def _consent(p: Purpose) -> str | None:
    if p.lawful_basis is not LawfulBasis.CONSENT:
        return None
    given, withdrawn = text(p.consent_mechanism), text(p.withdrawal_mechanism)
    return _("Collected: {given}; withdrawn: {withdrawn}").format(given=given, withdrawn=withdrawn)


def _provision(p: Purpose) -> str | None:
    if p.lawful_basis not in (LawfulBasis.LEGAL_OBLIGATION, LawfulBasis.PUBLIC_TASK):
        return None
    return text(p.legal_provision)


def _subjects(a: Activity) -> str:
    children = _("{name} (includes children)")
    return lines(children.format(name=s.name) if s.children else s.name for s in a.data_subjects)


def _purpose_type(p: Purpose) -> str | None:
    return p.purpose_type


def _special(c: DataCategory) -> str:
    if c.special is None:
        return ""
    if c.art9_condition:
        condition = article_point(c.art9_condition.value, "9")
    else:
        condition = _("Art. 9(2) condition {not_recorded}").format(not_recorded=_(NOT_STATED))
    law = f", {c.art9_law_ref}" if c.art9_law_ref else ""
    label = _(sentence_case(SPECIAL_LABELS[c.special]))
    return _("{category}: {label}; {condition}{law}; safeguards: {safeguards}").format(
        category=c.name, label=label, condition=condition, law=law, safeguards=safeguards(c)
    )


def _criminal(c: DataCategory) -> str:
    if not c.criminal:
        return ""
    return _("{category}: authority {authority}; safeguards: {safeguards}").format(
        category=c.name, authority=text(c.art10_authority), safeguards=safeguards(c)
    )


def children(a: Activity) -> str:
    """How the activity protects the children among its data subjects, one fact a line.

    "Not applicable" when no child is concerned. Age range and notice are expected whenever children
    are; Art. 8 consent ages and parental consent for a service offered to children; the balancing
    under legitimate interests.
    """
    given = a.child_safeguards
    iss = a.iss_offered_to_children
    if not (given is not None or iss or any(s.children for s in a.data_subjects)):
        return _("Not applicable (no children recorded)")
    given = given or ChildSafeguards()
    out = [_("Ages: {text}").format(text=text(given.age_range))]
    if iss is not None:
        out.append(_("Service offered directly to children (Art. 8(1)): {answer}").format(answer=yes_no(iss)))
    if iss or given.consent_ages:
        ages = ", ".join(f"{code} {age}" for code, age in sorted(given.consent_ages.items()))
        out.append(_("Consent ages (Art. 8(1)): {text}").format(text=text(ages)))
    if iss or given.parental_consent:
        out.append(_("Parental consent (Art. 8(2)): {text}").format(text=text(given.parental_consent)))
    out.append(_("Notice for children (Art. 12(1)): {text}").format(text=text(given.notice)))
    if given.lia_reasoning or any(p.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS for p in a.purposes):
        out.append(_("Children in the LIA (Art. 6(1)(f)): {text}").format(text=text(given.lia_reasoning)))
    return "\n".join(out)


def _derogation(org: Organisation, a: Activity) -> str:
    if a.art30_5_derogation is not None:
        return _("Claimed (this activity)") if a.art30_5_derogation else _("Not claimed (recorded in full)")
    return _("Claimed (the organisation's claim)") if org.art30_5_derogation else _("Not claimed")


def _trigger(org: Organisation, a: Activity, value: str | None, labels: dict[str, str]) -> str:
    """Frequency or risk: expected when the Art. 30(5) derogation is claimed, else shown only when recorded."""
    if value:
        return _(labels[value])
    return NOT_STATED if derogation_claimed(org, a) else NONE_RECORDED


def _per_category(a: Activity, get: Callable[[DataCategory], str]) -> str:
    """Lines for the categories that have the detail; "None" only when categories are stated at all."""
    if not a.data_categories:
        return NOT_STATED
    return lines((get(c) for c in a.data_categories), empty="None")


def _retention_lines(a: Activity) -> str:
    if not a.data_categories:
        return retention(a.retention) if a.retention else NOT_STATED
    return "\n".join(f"{c.name}: {retention(c.retention or a.retention)}" for c in a.data_categories)


def _measures(i: ActivityItem) -> str:
    own = [tom(t) for t in i.activity.security_measures]
    many = len(i.processors) > 1
    theirs = [
        (_("Provider {id}: {measure}") if many else _("Provider: {measure}")).format(id=p.id, measure=tom(t))
        for p in i.processors
        for t in p.toms
    ]
    return lines([*own, *theirs])


IN_HOUSE = "In-house"
"""What the provider columns say of an activity no provider takes part in."""


def _party_name(party: Party) -> str:
    if party.sub is not None:
        name = party.sub.name or party.sub.category or party.sub.id
        return _("{name} (sub-processor of {provider})").format(name=name, provider=party.provider.legal_name)
    return party.provider.legal_name


def _party_roles(i: ActivityItem) -> str:
    return lines((_(ROLE_LABELS[p.role.value]) if p.role else _(NOT_STATED) for p in i.parties), empty=IN_HOUSE)


def _dpia_required(a: Activity) -> str:
    return yes_no(a.dpia_required, "Required", "Not required")


def activity_columns(register: Register) -> list[Column[ActivityItem]]:
    """The columns of the Activities sheet, one per Art. 30(1) item and detail."""
    org = register.organisation

    def recipients(i: ActivityItem) -> str:
        if i.activity.recipients is None:
            return NOT_STATED
        return lines((recipient(register, r) for r in i.activity.recipients), empty=_("No recipients (stated)"))

    return [
        Column("Provider id", 16, lambda i: lines((p.ref for p in i.parties), empty=IN_HOUSE)),
        Column("Provider", 24, lambda i: lines((_party_name(p) for p in i.parties), empty=IN_HOUSE)),
        Column("Provider role", 14, _party_roles),
        Column("Activity id", 18, lambda i: i.activity.id),
        Column("Activity", 28, lambda i: i.activity.name),
        Column("Description", 36, lambda i: text(i.activity.description)),
        Column("Purposes of processing (Art. 30(1)(b))", 44, lambda i: _purposes(i.activity)),
        Column("Lawful basis per purpose (Art. 6)", 30, lambda i: _bases(i.activity)),
        Column("Legitimate interests and LIA", 32, lambda i: _per_purpose(i.activity, _legitimate)),
        Column("Consent: how given and withdrawn", 32, lambda i: _per_purpose(i.activity, _consent)),
        Column("Legal provision (Art. 6(3))", 26, lambda i: _per_purpose(i.activity, _provision)),
        Column("Type of purpose", 16, lambda i: _per_purpose(i.activity, _purpose_type, NONE_RECORDED)),
        Column("Categories of data subjects (Art. 30(1)(c))", 30, lambda i: _subjects(i.activity)),
        Column("Children: ages, consent, notice (Art. 8, 12(1))", 36, lambda i: children(i.activity)),
        Column(
            "Categories of personal data (Art. 30(1)(c))",
            34,
            lambda i: lines(c.name for c in i.activity.data_categories),
        ),
        Column("Special categories and Art. 9 condition", 34, lambda i: _per_category(i.activity, _special)),
        Column("Criminal offence data (Art. 10)", 26, lambda i: _per_category(i.activity, _criminal)),
        Column("Source of the data", 24, lambda i: text(i.activity.data_source)),
        Column("Recipients (Art. 30(1)(d))", 36, recipients),
        Column(
            "Contract with processor (Art. 28(3))",
            30,
            lambda i: lines(
                (contract_ref(register, p) for p in i.processors), empty=_("Not applicable (no processor)")
            ),
        ),
        Column(
            "Transfers: country, mechanism, SCC module (Art. 30(1)(e))",
            44,
            lambda i: lines((transfer(register, t) for t in i.activity.transfers), empty=NONE_RECORDED),
        ),
        Column(
            "Location of personal data",
            22,
            lambda i: lines(country(c) for c in dict.fromkeys(c for p in i.processors for c in p.data_locations)),
        ),
        Column("Retention per data category (Art. 30(1)(f))", 44, lambda i: _retention_lines(i.activity)),
        Column("Security measures (Art. 30(1)(g), Art. 32)", 48, _measures),
        Column("DPIA required (Art. 35)", 14, lambda i: _dpia_required(i.activity)),
        Column("DPIA", 28, lambda i: document(i.activity.dpia)),
        Column("Frequency", 14, lambda i: _trigger(org, i.activity, i.activity.frequency, FREQUENCY_LABELS)),
        Column("Risk to data subjects", 20, lambda i: _trigger(org, i.activity, i.activity.risk, RISK_LABELS)),
        Column("Art. 30(5) derogation", 18, lambda i: _derogation(org, i.activity)),
        Column("Owner", 20, lambda i: text(i.activity.owner)),
        Column("Last reviewed", 13, lambda i: date(i.activity.last_reviewed)),
        Column("Sources", 36, lambda i: lines(sources(i.activity))),
        Column("Open findings", 18, lambda i: i.findings),
    ]


def processor_columns(register: Register) -> list[Column[ProcessorActivity | None]]:
    """The columns of the sheet of the Art. 30(2) record (processing done as a processor)."""

    def get(fn: Callable[[ProcessorActivity], str]) -> Callable[[ProcessorActivity | None], str]:
        return lambda p: fn(p) if p is not None else NOT_STATED

    return [
        Column("Activity id", 18, get(lambda p: p.id)),
        Column("Controller (Art. 30(2)(a))", 28, get(lambda p: p.controller)),
        Column("Controller contact", 28, get(lambda p: text(p.controller_contact))),
        Column("Categories of processing (Art. 30(2)(b))", 40, get(lambda p: lines(p.categories_of_processing))),
        Column(
            "Transfers (Art. 30(2)(c))",
            44,
            get(lambda p: lines((transfer(register, t) for t in p.transfers), empty=NONE_RECORDED)),
        ),
        Column("Security measures (Art. 30(2)(d))", 44, get(lambda p: lines(tom(t) for t in p.security_measures))),
        Column("Last reviewed", 13, get(lambda p: date(p.last_reviewed))),
        Column("Sources", 30, get(lambda p: lines(sources(p)))),
    ]
