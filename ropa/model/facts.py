"""Derived legal facts, computed once from the models: parties, roles and every transfer leg.

Rules, the PDF register, the annexes and the XLSX used to work these facts out each for itself, and the
copies disagreed (a transfer with no destination was "not outside the EEA" for the rules and "outside"
for the documents). They now read them here. Nothing is inferred that the register does not state: a
role or a module is never filled in, an unknown destination stays unknown.

A transfer mechanism can be recorded in four places, and :func:`sites` yields each:

- a ``transfer`` of an activity (``activities[i].transfers[j].mechanism``);
- a provider's own ``mechanisms`` (how the provider's data flow is covered);
- a sub-processor's ``mechanism`` (the processor's onward transfer);
- a ``transfer`` of one of the organisation's own processor records (Art. 30(2)(c)), exported as processor.

SCCs are signed per importer, so when a transfer relies on ``scc_2021_914`` and its importer's own record
(provider ``mechanisms`` or sub-processor ``mechanism``) holds SCCs too, the clause-level rules check the
importer's record once instead of every transfer repeating it (:attr:`Site.details_on_importer`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ropa import refdata
from ropa.errors import KeyPath
from ropa.model.activity import Activity, Involvement, InvolvementRole
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider, ProviderRole, SubProcessor
from ropa.model.register import Entry, Register
from ropa.model.transfer import Mechanism, MechanismType, Transfer

Role = Literal["controller", "processor"]

MODULES: dict[tuple[Role, Role], int] = {
    ("controller", "controller"): 1,
    ("controller", "processor"): 2,
    ("processor", "processor"): 3,
    ("processor", "controller"): 4,
}
"""SCC 2021/914 module for (exporter role, importer role)."""

_INSIDE_BY_REGIME: dict[str, frozenset[str]] = {"UK": frozenset({"GB"}), "CH": frozenset({"CH"})}


PROCESSING_ROLES = frozenset({InvolvementRole.PROCESSOR, InvolvementRole.SUB_PROCESSOR})
"""Roles that process on the organisation's behalf (Art. 28); the others decide their own purposes."""


@dataclass(frozen=True, slots=True)
class Party:
    """A provider (or one of its sub-processors) taking part in one activity, with its role for that activity.

    Attributes:
        provider: The provider (for a sub-processor: the provider that lists it).
        sub: The sub-processor, when the involvement names ``provider/sub``.
        role: Its role for this activity; None when the record does not state it.
        involvement: The ``providers`` entry that names it; None when it is implied by the file the
            activity is declared in (``providers/<id>.yaml``).
        index: The index of that entry in the activity's ``providers``.
    """

    provider: Provider
    sub: SubProcessor | None
    role: InvolvementRole | None
    involvement: Involvement | None = None
    index: int | None = None

    @property
    def ref(self) -> str:
        """``provider`` or ``provider/sub``, as the register references it."""
        return f"{self.provider.id}/{self.sub.id}" if self.sub is not None else self.provider.id

    @property
    def processes(self) -> bool:
        """Whether it processes on the organisation's behalf in this activity (Art. 28)."""
        return self.role in PROCESSING_ROLES


def _file_role(provider: Provider) -> InvolvementRole | None:
    return InvolvementRole(provider.role.value) if provider.role is not None else None


def parties(register: Register, entry: Entry) -> list[Party]:
    """The providers taking part in one activity: its host (for activities in a provider file), then the
    activity's ``providers`` entries, each once (an entry naming the host replaces the implied role)."""
    table: dict[int, list[Party]] | None = register.__dict__.get("_parties")
    if table is None:
        table = {}
        register.__dict__["_parties"] = table
    key = id(entry.activity)
    found = table.get(key)
    if found is None:
        found = _parties(register, entry)
        table[key] = found
    return found


def _parties(register: Register, entry: Entry) -> list[Party]:
    listed: list[Party] = []
    for index, involvement in enumerate(entry.activity.providers):
        resolved = resolve(register, involvement.provider)
        if resolved is not None:
            listed.append(Party(resolved[0], resolved[1], involvement.role, involvement, index))
    named = {party.ref for party in listed}
    if entry.host is not None and entry.host.id not in named:
        listed.insert(0, Party(entry.host, None, _file_role(entry.host)))
    return listed


def provider_roles(register: Register) -> dict[str, frozenset[InvolvementRole]]:
    """Every role each provider has anywhere in the record: its file's ``role`` and each involvement."""
    cached: dict[str, frozenset[InvolvementRole]] | None = register.__dict__.get("_provider_roles")
    if cached is None:
        roles: dict[str, set[InvolvementRole]] = {p.id: set() for p in register.providers}
        for provider in register.providers:
            if (role := _file_role(provider)) is not None:
                roles[provider.id].add(role)
        for entry in register.activities():
            for party in parties(register, entry):
                if party.sub is None and party.role is not None:
                    roles[party.provider.id].add(party.role)
        cached = {pid: frozenset(found) for pid, found in roles.items()}
        register.__dict__["_provider_roles"] = cached
    return cached


def is_processor(register: Register, provider: Provider) -> bool:
    """Whether the provider processes the organisation's data in at least one activity (Art. 28 applies)."""
    return bool(provider_roles(register).get(provider.id, frozenset()) & PROCESSING_ROLES)


def processed_by(register: Register, provider: Provider) -> list[Entry]:
    """The activities in which the provider itself processes on the organisation's behalf."""
    return _by_provider(register, "_processed_by", True).get(provider.id, [])


def annexed(register: Register, provider: Provider) -> list[Entry]:
    """The activities a provider's annex describes: those it processes in, else (for a provider that is
    never a processor) those it takes part in."""
    return processed_by(register, provider) or involved_in(register, provider)


def involved_in(register: Register, provider: Provider) -> list[Entry]:
    """The activities the provider itself takes part in, in any role."""
    return _by_provider(register, "_involved_in", False).get(provider.id, [])


def _by_provider(register: Register, key: str, processing_only: bool) -> dict[str, list[Entry]]:
    table: dict[str, list[Entry]] | None = register.__dict__.get(key)
    if table is None:
        table = {}
        for entry in register.activities():
            for party in parties(register, entry):
                if party.sub is None and (party.processes or not processing_only):
                    table.setdefault(party.provider.id, []).append(entry)
        register.__dict__[key] = table
    return table


def roles_text(register: Register, provider: Provider, labels: dict[str, str]) -> str | None:
    """Every role the provider has in the record, labelled and joined (None when none is recorded)."""
    roles = sorted(provider_roles(register).get(provider.id, frozenset()), key=lambda r: r.value)
    return "; ".join(labels.get(role.value, role.value) for role in roles) or None


def role_of(register: Register, provider: Provider) -> Role | None:
    """The role a provider plays as importer: processor when it processes for the organisation anywhere,
    controller when it only ever decides its own purposes, None when the record states no role."""
    roles = provider_roles(register).get(provider.id, frozenset())
    if roles & PROCESSING_ROLES:
        return "processor"
    return "controller" if roles else None


def party_role(register: Register, entry: Entry, provider: Provider) -> InvolvementRole | None:
    """The provider's role in this activity, else its file's role (for a recipient not listed as a party)."""
    for party in parties(register, entry):
        if party.provider is provider and party.sub is None:
            return party.role
    return _file_role(provider)


def organisation_role(register: Register) -> Role:
    """The organisation's role as exporter of its own activities (controller unless it is processor only)."""
    return "controller" if "controller" in register.organisation.roles else "processor"


@dataclass(slots=True)
class Site:
    """One place where a transfer mechanism is (or should be) recorded.

    Attributes:
        kind: ``transfer``, ``provider`` or ``sub_processor``.
        mechanism: The mechanism recorded there, if any.
        country: Destination country (ISO code), when known.
        organisation_dest: Destination international organisation, when the transfer names one.
        regime: Law governing the export (``EU``, ``UK``, ``CH``).
        label: How to name the site in a message ("transfer to tecparts (US)").
        file: File of the hit.
        path: Key path of the mechanism (or of the transfer when none is recorded).
        provider: Provider id of the hit.
        activity: Activity id of the hit.
        importer: The provider or sub-processor receiving the data, when the register defines it.
        importer_name: Its display name.
        exporter_role: Role of the exporter, when the register states it.
        importer_role: Role of the importer, when the register states it.
        acceptable: Modules that fit the roles when the importer is not known (provider-level mechanisms).
        art3_2: Whether the importer has an Art. 27 representative (so the GDPR applies to it via Art. 3(2)).
        transfer: The transfer, for sites of kind ``transfer``.
        details_on_importer: A transfer on SCCs whose importer records its own SCCs: clause-level
            rules check those instead.
        mtype: The mechanism's type (None when no mechanism is recorded).
        modules: The 2021/914 modules, for SCCs of that decision (empty otherwise).
        entry: The activity, for transfers of an activity.
    """

    kind: str
    mechanism: Mechanism | None
    country: str | None
    organisation_dest: str | None
    regime: str
    label: str
    file: str
    path: KeyPath
    provider: str | None
    activity: str | None
    importer: Provider | SubProcessor | None
    importer_name: str
    exporter_role: Role | None
    importer_role: Role | None
    acceptable: frozenset[int] | None = None
    art3_2: bool = False
    transfer: Transfer | None = None
    details_on_importer: bool = False
    mtype: MechanismType | None = None
    modules: frozenset[int] = frozenset()
    entry: Entry | None = None

    def __post_init__(self) -> None:
        # Copied from the mechanism once, so the many rules that filter on them do not each fetch it again.
        if self.mechanism is not None:
            self.mtype = self.mechanism.type
            if self.mtype is MechanismType.SCC_2021_914:
                self.modules = frozenset(self.mechanism.modules)

    @property
    def outside(self) -> bool:
        """Whether the destination is known and outside the area the export is free within."""
        if self.organisation_dest and not self.country:
            return True
        if not self.country:
            return False
        return self.country not in inside(self.regime)

    def expected_module(self) -> int | None:
        """The 2021/914 module the recorded roles call for, when both roles are known."""
        if self.exporter_role and self.importer_role:
            return MODULES[(self.exporter_role, self.importer_role)]
        return None


def inside(regime: str) -> frozenset[str]:
    """Countries a ``regime`` export may go to without a Chapter V mechanism."""
    return refdata.eea() | _INSIDE_BY_REGIME.get(regime, frozenset())


def resolve(register: Register, ref: str) -> tuple[Provider, SubProcessor | None] | None:
    """The provider (and sub-processor) a ``provider`` or ``provider/sub`` reference names."""
    provider_id, _slash, sub_id = ref.partition("/")
    if not sub_id:
        provider = register.provider(provider_id)
        return (provider, None) if provider is not None else None
    return register.sub_processor(ref)


def party_name(party: Provider | SubProcessor) -> str:
    """How a message names a provider (id and legal name) or a sub-processor."""
    if isinstance(party, Provider):
        return f"{party.id} ({party.legal_name})"
    return f"sub-processor {party.id}" + (f" ({party.name})" if party.name else "")


def transfer_site(register: Register, entry: Entry, t_index: int, transfer: Transfer) -> Site:
    """The site of one transfer of one activity."""
    activity = entry.activity
    path: KeyPath = (*entry.path, "transfers", t_index)
    mech_path: KeyPath = (*path, "mechanism") if transfer.mechanism else path
    resolved = resolve(register, transfer.recipient)
    importer: Provider | SubProcessor | None = None
    exporter_role: Role | None = organisation_role(register)
    importer_role: Role | None = None
    art3_2 = False
    if resolved is not None:
        target, sub = resolved
        if sub is None:
            importer = target
            role = party_role(register, entry, target)
            importer_role = None if role is None else ("processor" if role in PROCESSING_ROLES else "controller")
            if role is InvolvementRole.SUB_PROCESSOR:
                exporter_role = "processor"
            art3_2 = bool(target.eu_representative)
        else:
            importer = sub
            exporter_role = role_of(register, target)
            importer_role = "processor"
    details_on_importer = False
    if transfer.mechanism is not None and transfer.mechanism.type is MechanismType.SCC_2021_914:
        if isinstance(importer, Provider):
            details_on_importer = any(m.type is MechanismType.SCC_2021_914 for m in importer.mechanisms)
        elif importer is not None and importer.mechanism is not None:
            details_on_importer = importer.mechanism.type is MechanismType.SCC_2021_914
    dest = transfer.country or transfer.international_organisation or "no destination"
    return Site(
        kind="transfer",
        mechanism=transfer.mechanism,
        country=transfer.country,
        organisation_dest=transfer.international_organisation,
        regime=transfer.origin_regime,
        label=f"transfer to {transfer.recipient} ({dest})",
        file=entry.file,
        path=mech_path,
        provider=entry.provider_id,
        activity=activity.id,
        importer=importer,
        importer_name=party_name(importer) if importer else transfer.recipient,
        exporter_role=exporter_role,
        importer_role=importer_role,
        art3_2=art3_2,
        transfer=transfer,
        details_on_importer=details_on_importer,
        entry=entry,
    )


def sites(register: Register) -> list[Site]:
    """Every recorded or required mechanism in the register, in file order; built once per register."""
    cached: list[Site] | None = register.__dict__.get("_sites")
    if cached is None:
        cached = list(_build_sites(register))
        register.__dict__["_sites"] = cached
    return cached


def _build_sites(register: Register) -> Iterator[Site]:
    """One pass over providers and activities yielding every :class:`Site`.

    A provider's onward legs (its sub-processors' mechanisms) are judged under the regime of the provider
    as exporter: a UK processor exports under the UK GDPR, a Swiss one under the FADP, any other under the
    EU law that governs the EEA-origin data it received (2021/914 Clause 8.7/8.8).
    """
    eea = refdata.eea()
    org_role = organisation_role(register)
    regimes = {"GB": "UK", "CH": "CH"}
    for provider in register.providers:
        file = register.provider_files[provider.id]
        role = role_of(register, provider)
        provider_outside = provider.country is not None and provider.country not in eea
        onward_regime = regimes.get(provider.country or "", "EU")
        for m_index, mech in enumerate(provider.mechanisms):
            if provider_outside:
                country: str | None = provider.country
                exporter: Role | None = "processor" if provider.role is ProviderRole.SUB_PROCESSOR else org_role
                importer_role: Role | None = role
                acceptable = None
            else:
                # An EEA provider's own mechanisms cover its onward transfers: it is the exporter.
                country = next((c for c in provider.data_locations if c not in eea), None)
                exporter, importer_role = role, None
                # EEA-origin data a processor passes on is the controller's: Module 3 (processor to processor)
                # fits, Module 4 (to a controller) does not.
                acceptable = frozenset({3}) if role == "processor" else frozenset({1, 2}) if role else None
            yield Site(
                kind="provider",
                mechanism=mech,
                country=country,
                organisation_dest=None,
                regime="EU",
                label=f"provider {provider.id}" + (f" ({country})" if country else ""),
                file=file,
                path=("mechanisms", m_index),
                provider=provider.id,
                activity=None,
                importer=provider if provider_outside else None,
                importer_name=party_name(provider),
                exporter_role=exporter,
                importer_role=importer_role,
                acceptable=acceptable,
                art3_2=provider_outside and bool(provider.eu_representative),
            )
        for s_index, sub in enumerate(provider.sub_processors):
            if sub.mechanism is None:
                continue
            yield Site(
                kind="sub_processor",
                mechanism=sub.mechanism,
                country=sub.country,
                organisation_dest=None,
                regime=onward_regime,
                label=f"sub-processor {provider.id}/{sub.id}" + (f" ({sub.country})" if sub.country else ""),
                file=file,
                path=("sub_processors", s_index, "mechanism"),
                provider=provider.id,
                activity=None,
                importer=sub,
                importer_name=party_name(sub),
                exporter_role=role,
                importer_role="processor",
            )
    for entry in register.activities():
        for t_index, transfer in enumerate(entry.activity.transfers):
            yield transfer_site(register, entry, t_index, transfer)
    yield from _processor_record_sites(register)


def _processor_record_sites(register: Register) -> Iterator[Site]:
    """The transfers of the organisation's Art. 30(2) records: it exports as a processor (Art. 30(2)(c))."""
    for p_index, record in enumerate(register.organisation.processor_activities):
        for t_index, transfer in enumerate(record.transfers):
            path: KeyPath = ("processor_activities", p_index, "transfers", t_index)
            resolved = resolve(register, transfer.recipient)
            importer: Provider | SubProcessor | None = None
            if resolved is not None:
                importer = resolved[1] if resolved[1] is not None else resolved[0]
            dest = transfer.country or transfer.international_organisation or "no destination"
            yield Site(
                kind="transfer",
                mechanism=transfer.mechanism,
                country=transfer.country,
                organisation_dest=transfer.international_organisation,
                regime=transfer.origin_regime,
                label=f"transfer to {transfer.recipient} ({dest}) in processor record {record.id}",
                file=register.organisation_file,
                path=(*path, "mechanism") if transfer.mechanism else path,
                provider=None,
                activity=record.id,
                importer=importer,
                importer_name=party_name(importer) if importer else transfer.recipient,
                exporter_role="processor",
                importer_role="processor" if transfer.recipient.partition("/")[0] in record.sub_processors else None,
                transfer=transfer,
            )


def recorded(register: Register) -> Iterator[tuple[Site, Mechanism]]:
    """The sites that record a mechanism, with it."""
    for site in sites(register):
        if site.mechanism is not None:
            yield site, site.mechanism


def scc_details(register: Register) -> Iterator[tuple[Site, Mechanism]]:
    """The sites whose SCC clauses are checked here (EU regime, not deferred to the importer's record)."""
    for site in sites(register):
        if site.mechanism is not None and site.regime == "EU" and not site.details_on_importer:
            yield site, site.mechanism


def outside_eea(code: str | None) -> bool:
    """Whether ``code`` is a country outside the EEA (no country is not flagged: it is unknown, not outside)."""
    if not code:
        return False
    return code.upper() not in refdata.eea()


def transfer_outside_eea(transfer: Transfer) -> bool | None:
    """Whether a declared transfer goes outside the EEA: None when the record names no destination.

    A transfer to an international organisation is outside the EEA wherever the organisation sits
    (Art. 44); with neither country nor organisation the destination is unknown, and no document may
    say where the data goes (the completeness rules report the gap).
    """
    if transfer.international_organisation and not transfer.country:
        return True
    if not transfer.country:
        return None
    return outside_eea(transfer.country)


def derogation_claimed(org: Organisation, activity: Activity) -> bool:
    """Whether the Art. 30(5) derogation is claimed for ``activity``: its own claim, else the organisation's."""
    return activity.art30_5_derogation if activity.art30_5_derogation is not None else org.art30_5_derogation
