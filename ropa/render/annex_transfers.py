"""Transfers in a provider's annex: one table of destinations and mechanisms, then the 2021/914 Appendix items.

Every place the record puts this provider's data (the provider's establishment and data locations,
each sub-processor, each transfer an activity declares to it) becomes one row of one table, keyed by
destination, exporter and importer, with every mechanism relied on for it: the two lists that did not
line up are gone. A location the record does not give is a row too ("Location not recorded: a
transfer cannot be excluded"), never "outside the EEA".

Annex I.A-I.C of the transfer clauses (Decision (EU) 2021/914) are printed only for rows that rely on
those clauses, one block per exporter and importer (the Appendix's explanatory note asks that it be
clear which information applies to which transfer); Annex I.C only where Clause 13 exists (Modules
One to Three). Nothing is filled in that the record does not hold: a missing authority reads "Not
recorded", with no other authority beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ropa.i18n import format_date
from ropa.i18n import gettext as _
from ropa.model.facts import annexed, inside, organisation_role, resolve, role_of
from ropa.model.labels import FREQUENCY_LABELS, MODULE_LABELS
from ropa.model.provider import Provider, SubProcessor
from ropa.model.register import Entry, Register
from ropa.model.transfer import Mechanism, MechanismType
from ropa.render.annex_subprocessors import UNKNOWN_LOCATION, SubProcessorView
from ropa.render.annex_texts import Piece, pieces
from ropa.render.text import country_label, period_text
from ropa.render.views.wording import accession_text, contact_text, mechanism_text, retention_text

Importer = Provider | SubProcessor | None

_OWN = "recorded for the provider, not for one country"
"""Where a provider-level mechanism is recorded: the record does not tie it to one destination.

The places and sources of this module are English msgids, translated where the table is printed (:func:`_row`)."""


@dataclass
class _Leg:
    """One destination of the provider's data, while the table is collected."""

    country: str | None
    organisation_dest: str | None
    regime: str
    exporter: Provider | None
    """None: the organisation exports."""
    importer: Importer
    recorded_in: list[str] = field(default_factory=list)
    mechanisms: list[Mechanism] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    """Where each of ``mechanisms`` is recorded, in the same order."""
    entries: list[Entry] = field(default_factory=list)
    frequencies: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    all_categories: bool = False

    @property
    def unknown(self) -> bool:
        return not self.country and not self.organisation_dest

    @property
    def scc(self) -> bool:
        return any(m.type is MechanismType.SCC_2021_914 for m in self.mechanisms)


@dataclass(frozen=True)
class DestinationRow:
    """One row of the destinations table."""

    number: int
    destination: str
    outside_eea: bool
    unknown: bool
    regime: str | None
    """How the export is governed when not by EU law ("Export under UK law")."""
    exporter: str
    importer: str
    mechanisms: list[str]
    recorded_in: list[str]


@dataclass(frozen=True)
class SccParty:
    """One party of 2021/914 Annex I.A."""

    number: int
    name: str
    address: str | None
    contact: list[str]
    activities: list[str]
    signature: str | None
    role: str | None


@dataclass(frozen=True)
class SensitiveRow:
    """A special-category or criminal-offence data category and its safeguards."""

    category: str
    kind: str
    safeguards: str | None


@dataclass(frozen=True)
class SccAppendix:
    """The 2021/914 Appendix items for one exporter and importer."""

    importer: str
    rows: str
    heading: str
    """"Standard contractual clauses (Decision (EU) 2021/914): <importer>"."""
    rows_note: str
    """Which rows of the destinations table the items are for."""
    no_authority: list[Piece]
    """What Annex I.C says when the record names no competent authority (the gap marker, then the rest)."""
    modules: str | None
    clause9: str | None
    exporters: list[SccParty]
    importers: list[SccParty]
    data_subjects: list[str]
    data_categories: list[str]
    sensitive: list[SensitiveRow]
    frequency: str | None
    nature: str | None
    purposes: list[str]
    retention: list[tuple[str, str | None]]
    data_retention: str | None
    processing: str | None
    clause13: bool
    authority: str | None
    measures: str
    sub_processors: str | None


@dataclass(frozen=True)
class TransferSection:
    """What the transfer part of the annex prints."""

    statements: list[str]
    rows: list[DestinationRow]
    appendices: list[SccAppendix]
    no_scc: str | None


def _key(leg: _Leg) -> tuple[str, str, int, int]:
    return (leg.country or leg.organisation_dest or "", leg.regime, id(leg.exporter), id(leg.importer))


class _Table:
    """Collects legs, merging those with the same destination, regime, exporter and importer."""

    def __init__(self) -> None:
        self.legs: dict[tuple[str, str, int, int], _Leg] = {}

    def add(self, leg: _Leg, recorded: str, mechanisms: list[Mechanism], source: str) -> _Leg:
        found = self.legs.setdefault(_key(leg), leg)
        if recorded not in found.recorded_in:
            found.recorded_in.append(recorded)
        for mechanism in mechanisms:
            if (mechanism, source) not in zip(found.mechanisms, found.sources, strict=True):
                found.mechanisms.append(mechanism)
                found.sources.append(source)
        return found


def _outside(country: str | None, organisation_dest: str | None, regime: str) -> bool:
    if organisation_dest and not country:
        return True
    return bool(country) and country not in inside(regime)


def _collect(register: Register, provider: Provider) -> list[_Leg]:
    table = _Table()
    eea = inside("EU")
    provider_outside = provider.country is not None and provider.country not in eea
    if provider_outside:
        table.add(
            _Leg(provider.country, None, "EU", None, provider),
            "establishment of the provider",
            provider.mechanisms,
            _OWN,
        )
    elif provider.country is None and not provider.data_locations:
        table.add(_Leg(None, None, "EU", None, provider), "establishment of the provider", provider.mechanisms, _OWN)
    for code in provider.data_locations:
        if code in eea:
            continue
        if provider_outside:
            leg = _Leg(code, None, "EU", None, provider)
            table.add(leg, "data location of the provider", provider.mechanisms, _OWN)
        else:
            leg = _Leg(code, None, "EU", provider, None)
            table.add(leg, "data location of the provider (its onward transfer)", provider.mechanisms, _OWN)
    for sub in provider.sub_processors:
        if sub.country is None or sub.country not in eea:
            leg = _Leg(sub.country, None, "EU", provider, sub)
            table.add(
                leg, "sub-processor of the provider", [sub.mechanism] if sub.mechanism else [], "for the sub-processor"
            )
    prefix = provider.id + "/"
    for entry in register.activities():
        for transfer in entry.activity.transfers:
            if transfer.recipient != provider.id and not transfer.recipient.startswith(prefix):
                continue
            country, org_dest = transfer.country, transfer.international_organisation
            if (country or org_dest) and not _outside(country, org_dest, transfer.origin_regime):
                continue
            found = resolve(register, transfer.recipient)
            target = found[1] if found is not None else None
            leg = _Leg(country, org_dest, transfer.origin_regime, provider if target else None, target or provider)
            where = f"transfer of activity \u201c{entry.activity.name}\u201d"
            merged = table.add(leg, where, [transfer.mechanism] if transfer.mechanism else [], f"for the {where}")
            if entry not in merged.entries:
                merged.entries.append(entry)
            if transfer.frequency and transfer.frequency not in merged.frequencies:
                merged.frequencies.append(transfer.frequency)
            if transfer.data_categories:
                merged.categories.extend(c for c in transfer.data_categories if c not in merged.categories)
            else:
                merged.all_categories = True
    return list(table.legs.values())


def _mechanism_line(mechanism: Mechanism) -> str:
    text = mechanism_text(mechanism) or ""
    if mechanism.type is MechanismType.SCC_2021_914:
        modules = "; ".join(_(MODULE_LABELS[m]) for m in sorted(set(mechanism.modules)))
        text += f"; {modules}" if modules else "; " + _("module not recorded")
    return text


def _party_name(party: Provider | SubProcessor | None, subs: dict[str, SubProcessorView]) -> str:
    if party is None:
        return _("Not recorded")
    if isinstance(party, Provider):
        return party.legal_name
    view = subs.get(party.id)
    if view is None:
        return party.name or party.id
    return _("sub-processor no. {number} in Annex IV, {name}").format(number=view.number, name=view.label)


def _row(number: int, legs: list[_Leg], organisation: str, subs: dict[str, SubProcessorView]) -> DestinationRow:
    leg = legs[0]
    if leg.unknown:
        destination = _(UNKNOWN_LOCATION)
    elif leg.country:
        destination = country_label(leg.country) or leg.country
    else:
        destination = _("International organisation: {name}").format(name=leg.organisation_dest)
    if len(legs) > 1:
        views = [subs.get(x.importer.id) for x in legs if isinstance(x.importer, SubProcessor)]
        numbers = ", ".join(str(v.number) for v in views if v)
        importer = _("sub-processors no. {numbers} in Annex IV").format(numbers=numbers)
    else:
        importer = _party_name(leg.importer, subs)
    return DestinationRow(
        number=number,
        destination=destination,
        outside_eea=not leg.unknown,
        unknown=leg.unknown,
        regime=None if leg.regime == "EU" else _("Export under {regime} law").format(regime=leg.regime),
        exporter=organisation if leg.exporter is None else leg.exporter.legal_name,
        importer=importer,
        mechanisms=[f"{_mechanism_line(m)} ({_where(w)})" for m, w in zip(leg.mechanisms, leg.sources, strict=True)],
        recorded_in=[_where(w) for w in leg.recorded_in],
    )


def _where(place: str) -> str:
    """Where a destination or mechanism is recorded, in the document's language (the activity's name as written)."""
    for prefix, message in _ACTIVITY_PLACES:
        if place.startswith(prefix):
            return _(message).format(activity=place.removeprefix(prefix).removesuffix("\u201d"))
    return _(place)


_ACTIVITY_PLACES = (
    ("for the transfer of activity \u201c", "for the transfer of activity \u201c{activity}\u201d"),
    ("transfer of activity \u201c", "transfer of activity \u201c{activity}\u201d"),
)
"""The places that name an activity: their message, and the English text before the name."""


def _grouped(legs: list[_Leg]) -> list[list[_Leg]]:
    """Legs to sub-processors that differ only in the sub-processor share one row (the long lists of providers
    named only by category, all without a location, would otherwise fill pages with the same row)."""
    groups: dict[object, list[_Leg]] = {}
    for index, leg in enumerate(legs):
        key: object = index
        if isinstance(leg.importer, SubProcessor) and not leg.scc:
            mechanisms = tuple(_mechanism_line(m) for m in leg.mechanisms)
            key = (_key(leg)[:3], mechanisms, tuple(leg.sources), tuple(leg.recorded_in))
        groups.setdefault(key, []).append(leg)
    return list(groups.values())


def build_transfer_section(
    register: Register, provider: Provider, subs: dict[str, SubProcessorView], sensitive: list[SensitiveRow]
) -> TransferSection | None:
    """The transfer table and 2021/914 items of ``provider``'s annex; None when the record places nothing
    of it outside the EEA and leaves no location open."""
    legs = _collect(register, provider)
    if not legs:
        return None
    org = register.organisation.legal_name
    grouped = _grouped(legs)
    rows = [_row(n, group, org, subs) for n, group in enumerate(grouped, start=1)]
    known = [r for r in rows if not r.unknown]
    unknown = [r for r in rows if r.unknown]
    statements = [
        _(
            "One row per destination, exporter and importer of the data processed by or through this provider, with "
            "every transfer mechanism the record relies on for it and where that mechanism is recorded."
        )
    ]
    if known:
        statements.append(
            _("Destinations outside the EEA named by the record: row(s) {rows}.").format(rows=_numbers(known))
        )
    if unknown:
        statements.append(
            _("No location recorded: row(s) {rows}; a transfer outside the EEA cannot be excluded there.").format(
                rows=_numbers(unknown)
            )
        )
    appendices = []
    groups: dict[tuple[int, int], list[tuple[int, _Leg]]] = {}
    for number, group in enumerate(grouped, start=1):
        for leg in group:
            if leg.scc:
                groups.setdefault((id(leg.exporter), id(leg.importer)), []).append((number, leg))
    for pairs in groups.values():
        appendices.append(_appendix(register, provider, pairs, subs, sensitive))
    no_scc = None
    if not appendices:
        no_scc = _(
            "No transfer in this table relies on the standard contractual clauses of Decision (EU) 2021/914, "
            "so their Annex I is not part of this document."
        )
    return TransferSection(statements, rows, appendices, no_scc)


def _numbers(rows: list[DestinationRow]) -> str:
    return ", ".join(str(r.number) for r in rows)


def _scc(legs: list[_Leg]) -> list[Mechanism]:
    return [m for leg in legs for m in leg.mechanisms if m.type is MechanismType.SCC_2021_914]


def _signature(mechanisms: list[Mechanism], provider: Provider, importer: bool, dpa: bool) -> str | None:
    """Signature and date of one party: an importer's accession, the signed clauses' date, or (``dpa``: the
    organisation's clauses with this provider) the DPA's if it is built on these clauses; None otherwise."""
    if importer:
        for mechanism in mechanisms:
            if accession := accession_text(mechanism):
                return accession
    for mechanism in mechanisms:
        evidence = mechanism.evidence
        if evidence is not None and evidence.date is not None:
            return _("Signed on {date} ({document})").format(date=format_date(evidence.date), document=evidence.ref)
    contract = provider.contract
    if dpa and contract is not None and contract.based_on == "scc_2021_914" and contract.signed is not None:
        return _("Signed on {date} ({document})").format(date=format_date(contract.signed), document=contract.title)
    return None


def _organisation_party(register: Register, activities: list[str], signature: str | None) -> SccParty:
    org = register.organisation
    contact = [c for c in (contact_text(org.contact),) if c]
    if org.dpo is not None and org.dpo.designated is not False and contact_text(org.dpo):
        contact.append(_("Data protection officer: {contact}").format(contact=contact_text(org.dpo)))
    if org.eu_representative is not None:
        contact.append(_("Representative in the Union: {name}").format(name=org.eu_representative.name))
    return SccParty(
        1,
        org.legal_name,
        org.address.one_line() if org.address else None,
        contact,
        activities,
        signature,
        _(organisation_role(register)),
    )


def _provider_party(register: Register, provider: Provider, activities: list[str], signature: str | None) -> SccParty:
    contact = [c for c in (contact_text(c) for c in provider.contacts) if c]
    if provider.dpo is not None and contact_text(provider.dpo):
        contact.append(_("Data protection officer: {contact}").format(contact=contact_text(provider.dpo)))
    if provider.eu_representative:
        contact.append(_("Representative in the Union: {name}").format(name=provider.eu_representative))
    return SccParty(
        1,
        provider.legal_name,
        provider.address.one_line() if provider.address else None,
        contact,
        activities,
        signature,
        _(role) if (role := role_of(register, provider)) else None,
    )


def _sub_party(sub: SubProcessor, view: SubProcessorView | None, signature: str | None) -> SccParty:
    return SccParty(
        1,
        view.label if view else sub.name or sub.id,
        sub.address,
        [c for c in (contact_text(sub.contact),) if c],
        [sub.service] if sub.service else [],
        signature,
        _("processor (sub-processor of the provider)"),
    )


def _appendix(
    register: Register,
    provider: Provider,
    group: list[tuple[int, _Leg]],
    subs: dict[str, SubProcessorView],
    sensitive: list[SensitiveRow],
) -> SccAppendix:
    legs = [leg for _n, leg in group]
    first = legs[0]
    mechanisms = _scc(legs)
    entries = [e for leg in legs for e in leg.entries] or annexed(register, provider)
    entries = list({id(e.activity): e for e in entries}.values())
    activity_names = [e.activity.name for e in entries]
    importer = first.importer
    dpa = first.exporter is None and isinstance(importer, Provider)
    if first.exporter is None:
        exporter = _organisation_party(register, activity_names, _signature(mechanisms, provider, False, dpa))
    else:
        exporter = _provider_party(
            register, first.exporter, activity_names, _signature(mechanisms, provider, False, dpa)
        )
    if isinstance(importer, Provider):
        imp = _provider_party(register, importer, activity_names, _signature(mechanisms, provider, True, dpa))
    elif isinstance(importer, SubProcessor):
        imp = _sub_party(importer, subs.get(importer.id), _signature(mechanisms, provider, True, dpa))
    else:
        imp = SccParty(1, _("Not recorded"), None, [], [], None, None)
    modules = sorted({m for mech in mechanisms for m in mech.modules})
    wanted = {c for leg in legs for c in leg.categories}
    every = any(leg.all_categories for leg in legs) or not wanted
    categories: list[str] = []
    retention: list[tuple[str, str | None]] = []
    for entry in entries:
        for category in entry.activity.data_categories:
            if not every and category.id not in wanted:
                continue
            if category.name not in categories:
                categories.append(category.name)
                text = retention_text(category.retention) or retention_text(entry.activity.retention)
                retention.append((category.name, text))
    names = set(categories)
    frequencies = _unique([_(FREQUENCY_LABELS.get(f, f)) for leg in legs for f in leg.frequencies])
    authorities = _unique([m.competent_authority for m in mechanisms if m.competent_authority])
    contract = provider.contract
    options = _unique([m.clause9_option for m in mechanisms if m.clause9_option])
    clause9 = None
    if options:
        clause9 = "; ".join(
            _(
                "Option 1, specific prior authorisation"
                if o == "specific"
                else "Option 2, general written authorisation"
            )
            for o in options
        )
    rows = ", ".join(str(n) for n, _leg in group)
    return SccAppendix(
        importer=imp.name,
        rows=rows,
        heading=_("Standard contractual clauses (Decision (EU) 2021/914): {importer}").format(importer=imp.name),
        rows_note=_("The items of the Appendix for the transfers in row(s) {rows} of the table above.").format(
            rows=rows
        ),
        no_authority=pieces(_("{marker} for these clauses."), marker=""),
        modules="; ".join(_(MODULE_LABELS[m]) for m in modules) or None,
        clause9=clause9,
        exporters=[exporter],
        importers=[imp],
        data_subjects=_unique([s.name for e in entries for s in e.activity.data_subjects]),
        data_categories=categories,
        sensitive=[s for s in sensitive if s.category in names],
        frequency=", ".join(frequencies) or None,
        nature=contract.nature if contract and isinstance(importer, Provider) else None,
        purposes=_unique([p.description for e in entries for p in e.activity.purposes]),
        retention=retention,
        data_retention=(
            _("The processor keeps the personal data for at most {period}.").format(
                period=period_text(contract.data_retention)
            )
            if contract and contract.data_retention and isinstance(importer, Provider)
            else None
        ),
        processing=_processing(provider, importer),
        clause13=not modules or any(m != 4 for m in modules),
        authority="; ".join(authorities) or None,
        measures=_(
            "Annex II of these clauses (the data importer's technical and organisational measures): the measures in "
            "Annex III of this document."
            if isinstance(importer, Provider)
            else "Annex II of these clauses (the data importer's technical and organisational measures): not "
            "recorded for this importer."
        ),
        sub_processors=(
            _("Annex III of these clauses (list of sub-processors, Modules Two and Three): Annex IV of this document.")
            if isinstance(importer, Provider) and any(m in (2, 3) for m in modules)
            else None
        ),
    )


def _processing(provider: Provider, importer: Importer) -> str | None:
    """Item 8 of Annex I.B: subject matter, nature and duration of the importer's processing, as recorded."""
    if isinstance(importer, SubProcessor):
        if not importer.service:
            return None
        return _("Subject matter and nature: {service}; duration: not recorded.").format(service=importer.service)
    contract = provider.contract
    if importer is None or contract is None:
        return None
    parts = [
        _("Subject matter: {text}").format(text=contract.subject_matter) if contract.subject_matter else None,
        _("nature: {text}").format(text=contract.nature) if contract.nature else None,
        _("duration: {text}").format(text=contract.duration) if contract.duration else None,
    ]
    found = [p for p in parts if p]
    return "; ".join(found) + "." if found else None


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
