"""The annexes of SCCs 2021/914: Annex I.A (the parties) and I.B (the transfer, items 1-8) can be filled
from the record, and Annex II (the importer's measures) is recorded for Modules 1-3.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import CLAUSE_SEVERITY_NOTE, at, brief_list, clause_severity, has_contact_person, parents
from ropa.model.activity import Activity, Retention
from ropa.model.common import Severity
from ropa.model.facts import Site, involved_in, scc_details
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider, SubProcessor
from ropa.model.transfer import MechanismType, Transfer

RULES: list[Rule] = []
define = registrar(RULES)


def _party_gaps(party: Organisation | Provider | SubProcessor, side: str) -> list[str]:
    """What Annex I.A lacks for one party: name, address, contact person, activities."""
    gaps: list[str] = []
    if isinstance(party, SubProcessor):
        if not party.name:
            gaps.append(f"the {side}'s name (name)")
        if not party.address:
            gaps.append(f"the {side}'s address (address)")
        if not has_contact_person(party.contact):
            gaps.append(f"the {side}'s contact person (contact with a name or position and an e-mail, phone or url)")
        if not party.service:
            gaps.append(f"the {side}'s activities (service)")
        return gaps
    if party.address is None:
        gaps.append(f"the {side}'s address (address)")
    contacts = [party.contact] if isinstance(party, Organisation) else list(party.contacts)
    if not any(has_contact_person(c) for c in (*contacts, party.dpo)):
        gaps.append(
            f"the {side}'s contact person ({'contact' if isinstance(party, Organisation) else 'contacts'} or dpo "
            "with a name or position and an e-mail, phone or url)"
        )
    return gaps


@dataclass(slots=True)
class _Scope:
    """What one set of SCCs covers, for its Annex I.B: the activities, the transfers, and who describes the
    processing (the processor's contract, or a sub-processor's service)."""

    activities: list[Activity]
    transfers: list[Transfer]
    categories: set[str] | None
    provider: Provider | None
    sub: SubProcessor | None


def _by_party(ctx: Context) -> dict[str, list[tuple[Activity, Transfer | None]]]:
    """Activities naming each party (``provider`` or ``provider/sub``) as recipient or transfer; built once."""
    out: dict[str, list[tuple[Activity, Transfer | None]]] = {}
    for entry in ctx.activities():
        activity = entry.activity
        for recipient in activity.recipients or ():
            if recipient.provider:
                out.setdefault(recipient.provider, []).append((activity, None))
        for transfer in activity.transfers:
            out.setdefault(transfer.recipient, []).append((activity, transfer))
    return out


def _scope(ctx: Context, site: Site) -> _Scope:
    """The activities and transfers one SCC site covers."""
    parties = ctx.once("transfers.by_party", _by_party)
    if site.kind == "transfer":
        assert site.transfer is not None and site.entry is not None
        activity = site.entry.activity
        sub = site.importer if isinstance(site.importer, SubProcessor) else None
        owner = ctx.once("transfers.parents", parents).get(id(sub)) if sub else None
        described = site.importer if isinstance(site.importer, Provider) else owner
        wanted = set(site.transfer.data_categories) or None
        return _Scope([activity], [site.transfer], wanted, described, sub)
    provider = ctx.register.provider(site.provider or "")
    assert provider is not None
    if site.kind == "sub_processor":
        sub = site.importer if isinstance(site.importer, SubProcessor) else None
        named = parties.get(f"{provider.id}/{sub.id}", []) if sub else []
        activities = list({id(a): a for a, _t in named}.values()) or _processed(ctx, provider)
        return _Scope(activities, [t for _a, t in named if t is not None], None, provider, sub)
    named = parties.get(provider.id, [])
    transfers = [t for _a, t in named if t is not None]
    if site.importer is None:  # an EEA provider's onward transfers
        transfers = [t for a in _processed(ctx, provider) for t in a.transfers]
    return _Scope(_processed(ctx, provider), transfers, None, provider, None)


def _processed(ctx: Context, provider: Provider) -> list[Activity]:
    """The activities whose data the provider receives, in any role (its SCCs cover them all)."""
    return [entry.activity for entry in involved_in(ctx.register, provider)]


def _has_retention(retention: Retention | None) -> bool:
    """Whether a retention states a limit, criteria or why there is none (enough for Annex I.B item 7)."""
    return retention is not None and any(
        (retention.kind, retention.duration, retention.criteria, retention.statement, retention.not_possible_reason)
    )


def _annex_i_b_gaps(scope: _Scope, modules: frozenset[int]) -> list[str]:
    """What Annex I.B lacks (items 1 to 8) for the activities and transfers in ``scope``."""
    gaps: list[str] = []
    activities = scope.activities
    categories = [
        (a, c) for a in activities for c in a.data_categories if scope.categories is None or c.id in scope.categories
    ]
    if not any(a.data_subjects for a in activities):
        gaps.append("1 categories of data subjects (data_subjects)")
    if not categories:
        gaps.append("2 categories of personal data (data_categories)")
    unsafe = [c.id for _a, c in categories if (c.special is not None or c.criminal) and not c.safeguards]
    if unsafe:
        gaps.append(f"3 the safeguards for sensitive data {brief_list(unsafe)} (safeguards)")
    if not any(t.frequency for t in scope.transfers):
        gaps.append("4 the frequency (frequency on the transfers)")
    contract = scope.provider.contract if scope.provider is not None else None
    nature = (scope.sub.service if scope.sub else None) or (contract.nature if contract else None)
    if not nature:
        gaps.append("5 the nature of the processing (" + ("service" if scope.sub else "contract.nature") + ")")
    if not any(a.purposes for a in activities):
        gaps.append("6 the purposes (purposes)")
    unkept = [c.id for a, c in categories if not (_has_retention(c.retention) or _has_retention(a.retention))]
    if unkept:
        gaps.append(f"7 the retention of {brief_list(unkept)} (retention)")
    if modules & {2, 3}:
        subject = (scope.sub.service if scope.sub else None) or (contract.subject_matter if contract else None)
        duration = contract.duration if contract else None
        item8 = [name for name, value in (("subject matter", subject), ("duration", duration)) if not value]
        if item8:
            where = "service; the processor's contract.duration" if scope.sub else "contract.subject_matter, duration"
            gaps.append(f"8 the {' and '.join(item8)} of the processing ({where})")
    return gaps


@define(
    id="SCC914-annex-i",
    name="transfers.scc-annex-i",
    severity=Severity.WARNING,
    summary=(
        "SCCs 2021/914 can fill Annex I.A (each party's name, address, contact person, activities, signature "
        "date) and Annex I.B (items 1-7, and item 8 for Modules 2-3) from the record."
    ),
    article="2021/914 Annex I.A, I.B; Clause 7",
    why=(
        "Annex I describes who transfers what to whom; the clauses apply only to the transfers it describes. "
        "Sensitive data needs its safeguards stated, transfers to processors their subject matter, nature and "
        "duration, and a party joining through the Clause 7 docking clause signs Annex I.A on accession."
        + CLAUSE_SEVERITY_NOTE
    ),
    fix=(
        "Add what the message lists: the parties' address and a contact person; the signature date "
        "(evidence.date, or acceded_on for an accession); frequency on the transfers; safeguards on sensitive "
        "data categories; contract.nature, subject_matter and duration (a sub-processor's service)."
    ),
    bad="""
country: US
address: {street: 1 Main St, city: Austin, country: US}
contacts:
  - {name: Jane Roe, position: Privacy counsel, email: privacy@acme.example}
mechanisms:
  - type: scc_2021_914
    modules: [1]
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - {description: Deliver one-time login passcodes by SMS, lawful_basis: 6.1.b}
    data_subjects: [{name: Customers logging in}]
    data_categories:
      - {id: phone, name: Mobile phone number, retention: {duration: P30D, trigger_event: code sent}}
    transfers:
      - {country: US, recipient: acme, frequency: continuous}
""",
    good="""
country: US
address: {street: 1 Main St, city: Austin, country: US}
contacts:
  - {name: Jane Roe, position: Privacy counsel, email: privacy@acme.example}
contract:
  title: SCCs 2021/914 Module 1 with Acme
  nature: Sending SMS passcodes and keeping delivery receipts
mechanisms:
  - type: scc_2021_914
    modules: [1]
    evidence: {ref: SCCs signed with Acme, date: 2026-03-01}
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - {description: Deliver one-time login passcodes by SMS, lawful_basis: 6.1.b}
    data_subjects: [{name: Customers logging in}]
    data_categories:
      - {id: phone, name: Mobile phone number, retention: {duration: P30D, trigger_event: code sent}}
    transfers:
      - {country: US, recipient: acme, frequency: continuous}
""",
)
def scc_annex_i(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    for site, mech in scc_details(ctx.register):
        if site.mtype is not MechanismType.SCC_2021_914 or not site.modules:
            continue
        scope = _scope(ctx, site)
        exporter: Organisation | Provider | None = org
        if site.kind == "sub_processor" or (site.kind == "provider" and site.importer is None):
            exporter = scope.provider
        elif isinstance(site.importer, SubProcessor):
            exporter = ctx.once("transfers.parents", parents).get(id(site.importer))
        annex_a = _party_gaps(exporter, "exporter") if exporter is not None else []
        if site.importer is not None:
            annex_a += _party_gaps(site.importer, "importer")
        if mech.acceded_via_clause7:
            if mech.acceded_on is None:
                annex_a.append("the date the importer acceded through Clause 7 and signed Annex I.A (acceded_on)")
        elif not (mech.evidence and mech.evidence.date) and not (
            isinstance(site.importer, Provider)
            and site.importer.contract is not None
            and site.importer.contract.based_on == "scc_2021_914"
            and site.importer.contract.signed
        ):
            annex_a.append("the signature date (evidence.date)")
        annex_b = _annex_i_b_gaps(scope, site.modules)
        parts = []
        if annex_a:
            parts.append("Annex I.A lacks " + "; ".join(annex_a))
        if annex_b:
            parts.append("Annex I.B lacks item " + "; item ".join(annex_b))
        if parts:
            yield at(
                site,
                "modules",
                message=f"{site.label}: the SCCs' " + ". ".join(parts) + "; add them to the record",
                severity=clause_severity(ctx, site),
            )


@define(
    id="SCC914-annex-ii",
    name="transfers.scc-annex-ii",
    severity=Severity.WARNING,
    summary="For Module 1-3 SCCs the importer's security measures (Annex II) are recorded.",
    article="2021/914 Annex II; Appendix explanatory note",
    why=(
        "Annex II must describe the importer's technical and organisational measures; the SCCs are incomplete "
        "without them." + CLAUSE_SEVERITY_NOTE
    ),
    fix="Add 'toms' to the importing provider, concretely and per measure type.",
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
toms:
  - kind: encryption
    measure: Message bodies encrypted at rest with AES-256, keys in an HSM
""",
)
def scc_annex_ii(ctx: Context) -> Iterator[Hit]:
    for site, _mech in scc_details(ctx.register):
        if not site.modules & {1, 2, 3}:
            continue
        if isinstance(site.importer, Provider) and not site.importer.toms:
            yield at(
                site,
                "modules",
                message=f"{site.label}: the SCCs need the importer's measures (Annex II), but {site.importer_name} "
                "records no toms; add them",
                severity=clause_severity(ctx, site),
            )
