"""Chapter V transfers: every transfer outside the EEA rests on a valid, well-documented mechanism.

A mechanism can be recorded in three places, and every rule here looks at all
three through :func:`sites`:

- a ``transfer`` of an activity (``activities[i].transfers[j].mechanism``);
- a provider's own ``mechanisms`` (how the provider's data flow is covered);
- a sub-processor's ``mechanism`` (the processor's onward transfer).

Only facts written in the register are used: nothing is inferred, a role or a
module is never filled in. Rules that apply EU law only look at transfers whose
``origin_regime`` is ``EU``, so UK or Swiss exports are not judged by EU rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ropa import refdata
from ropa.errors import KeyPath
from ropa.model.common import Severity
from ropa.model.provider import Provider, ProviderRole, SubProcessor
from ropa.model.transfer import DpfCertification, Mechanism, MechanismType, Transfer
from ropa.rules.base import Context, Hit, Rule, registrar

RULES: list[Rule] = []
define = registrar(RULES)

Role = Literal["controller", "processor"]

MODULES: dict[tuple[Role, Role], int] = {
    ("controller", "controller"): 1,
    ("controller", "processor"): 2,
    ("processor", "processor"): 3,
    ("processor", "controller"): 4,
}
"""SCC 2021/914 module for (exporter role, importer role)."""

MODULE_NAMES = {1: "Module 1 (controller to controller)", 2: "Module 2 (controller to processor)",
                3: "Module 3 (processor to processor)", 4: "Module 4 (processor to controller)"}

ART46_TOOLS = frozenset(
    {
        MechanismType.SCC_2021_914,
        MechanismType.SCC_UNSPECIFIED,
        MechanismType.BCR,
        MechanismType.CODE_OF_CONDUCT,
        MechanismType.CERTIFICATION,
        MechanismType.AD_HOC_CLAUSES,
        MechanismType.ADMINISTRATIVE_ARRANGEMENT,
        MechanismType.PUBLIC_INSTRUMENT,
    }
)
"""Art. 46 appropriate safeguards (the ones a transfer impact assessment is owed for)."""

DPF_MAX_AGE_DAYS = 365
"""DPF certification is annual: a check older than this is itself stale."""
TIA_MAX_AGE_DAYS = 730
"""Default maximum age of a transfer impact assessment (24 months)."""

_INSIDE_BY_REGIME: dict[str, frozenset[str]] = {"UK": frozenset({"GB"}), "CH": frozenset({"CH"})}


def _role_of(provider: Provider) -> Role:
    if provider.role in (ProviderRole.PROCESSOR, ProviderRole.SUB_PROCESSOR):
        return "processor"
    return "controller"


def organisation_role(ctx: Context) -> Role:
    """The organisation's role as exporter of its own activities (controller unless it is processor only)."""
    return "controller" if "controller" in ctx.register.organisation.roles else "processor"


@dataclass(frozen=True)
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

    def hit(self, *sub: str | int, message: str, severity: Severity | None = None) -> Hit:
        """A hit at the mechanism (or ``sub`` inside it)."""
        return Hit(message, self.file, (*self.path, *sub), self.provider, self.activity, severity)

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


def _sub_index(provider: Provider) -> dict[str, tuple[int, SubProcessor]]:
    return {sub.id: (i, sub) for i, sub in enumerate(provider.sub_processors)}


def resolve(ctx: Context, ref: str) -> tuple[Provider, SubProcessor | None] | None:
    """The provider (and sub-processor) a ``provider`` or ``provider/sub`` reference names."""
    provider_id, _, sub_id = ref.partition("/")
    provider = ctx.register.provider(provider_id)
    if provider is None:
        return None
    if not sub_id:
        return provider, None
    found = ctx.register.sub_processor(ref)
    return (provider, found[1]) if found else None


def _name(party: Provider | SubProcessor) -> str:
    if isinstance(party, Provider):
        return f"{party.id} ({party.legal_name})"
    return f"sub-processor {party.id}" + (f" ({party.name})" if party.name else "")


def transfer_site(ctx: Context, provider: Provider, index: int, t_index: int, transfer: Transfer) -> Site:
    """The site of one transfer of one activity."""
    activity = provider.activities[index]
    path: KeyPath = ("activities", index, "transfers", t_index)
    mech_path: KeyPath = (*path, "mechanism") if transfer.mechanism else path
    resolved = resolve(ctx, transfer.recipient)
    importer: Provider | SubProcessor | None = None
    exporter_role: Role | None = organisation_role(ctx)
    importer_role: Role | None = None
    art3_2 = False
    if resolved is not None:
        target, sub = resolved
        if sub is None:
            importer = target
            importer_role = _role_of(target)
            if target.role == ProviderRole.SUB_PROCESSOR:
                exporter_role = "processor"
            art3_2 = bool(target.eu_representative)
        else:
            importer = sub
            exporter_role = _role_of(target)
            importer_role = "processor"
    dest = transfer.country or transfer.international_organisation or "no destination"
    return Site(
        kind="transfer",
        mechanism=transfer.mechanism,
        country=transfer.country,
        organisation_dest=transfer.international_organisation,
        regime=transfer.origin_regime,
        label=f"transfer to {transfer.recipient} ({dest})",
        file=ctx.register.provider_files[provider.id],
        path=mech_path,
        provider=provider.id,
        activity=activity.id,
        importer=importer,
        importer_name=_name(importer) if importer else transfer.recipient,
        exporter_role=exporter_role,
        importer_role=importer_role,
        art3_2=art3_2,
    )


def sites(ctx: Context) -> Iterator[Site]:
    """Every recorded or required mechanism in the register, in file order; one pass over activities."""
    eea = refdata.eea()
    org_role = organisation_role(ctx)
    for provider in ctx.register.providers:
        file = ctx.register.provider_files[provider.id]
        role = _role_of(provider)
        provider_outside = provider.country not in eea
        for m_index, mech in enumerate(provider.mechanisms):
            if provider_outside:
                country: str | None = provider.country
                exporter: Role | None = "processor" if provider.role == ProviderRole.SUB_PROCESSOR else org_role
                importer_role: Role | None = role
                acceptable = None
            else:
                # An EEA provider's own mechanisms cover its onward transfers: it is the exporter.
                country = next((c for c in provider.data_locations if c not in eea), None)
                exporter, importer_role = role, None
                acceptable = frozenset({3, 4}) if role == "processor" else frozenset({1, 2})
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
                importer_name=_name(provider),
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
                regime="EU",
                label=f"sub-processor {provider.id}/{sub.id}" + (f" ({sub.country})" if sub.country else ""),
                file=file,
                path=("sub_processors", s_index, "mechanism"),
                provider=provider.id,
                activity=None,
                importer=sub,
                importer_name=_name(sub),
                exporter_role=role,
                importer_role="processor",
            )
        for index, activity in enumerate(provider.activities):
            for t_index, transfer in enumerate(activity.transfers):
                yield transfer_site(ctx, provider, index, t_index, transfer)


def recorded(ctx: Context) -> Iterator[tuple[Site, Mechanism]]:
    """The sites that record a mechanism, with it."""
    for site in sites(ctx):
        if site.mechanism is not None:
            yield site, site.mechanism


# --------------------------------------------------------------------------------------------- rules


@define(
    id="A44-mechanism",
    name="transfers.mechanism",
    severity=Severity.ERROR,
    summary="Every transfer to a destination outside the EEA names the Chapter V mechanism it relies on.",
    article="Art. 44; Art. 45(1); Art. 46(1); Art. 49(1)",
    why=(
        "A transfer outside the EEA is lawful only under an adequacy decision, an Art. 46 safeguard or an "
        "Art. 49 derogation; a transfer with none recorded is presumed to have none."
    ),
    fix=(
        "Add 'mechanism' to the transfer: type adequacy (destination on the adequacy list), scc_2021_914 with "
        "its module(s), bcr, code_of_conduct, certification, ad_hoc_clauses, or derogation with the Art. 49 point."
    ),
    bad="""
country: US
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - country: US
        recipient: acme
""",
    good="""
country: US
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - country: US
        recipient: acme
        mechanism:
          type: scc_2021_914
          modules: [2]
""",
)
def mechanism(ctx: Context) -> Iterator[Hit]:
    for provider, index, activity in ctx.activities():
        for t_index, transfer in enumerate(activity.transfers):
            if transfer.mechanism is not None:
                continue
            site = transfer_site(ctx, provider, index, t_index, transfer)
            if site.outside:
                yield site.hit(
                    message=(
                        f"{site.label} names no transfer mechanism; add 'mechanism' (adequacy, scc_2021_914 with "
                        "modules, bcr, ... or an Art. 49 derogation) or stop the transfer"
                    )
                )


@define(
    id="A44-invalid-mechanism",
    name="transfers.invalid-mechanism",
    severity=Severity.ERROR,
    summary="No transfer relies on Privacy Shield or on the repealed SCCs of 2001 and 2010.",
    article="Art. 44; CJEU C-311/18 (Schrems II); Decision (EU) 2021/914 Art. 4",
    why=(
        "Privacy Shield was invalidated on 16 July 2020; the 2001/497/EC and 2010/87/EU clauses were repealed "
        "and stopped covering old contracts on 27 December 2022. A transfer on them has no mechanism at all."
    ),
    fix=(
        "Replace the mechanism: SCCs 2021/914 with the right module, or for a US recipient the EU-US Data "
        "Privacy Framework if it is certified (type adequacy plus its 'dpf' record)."
    ),
    bad="""
country: US
mechanisms:
  - type: privacy_shield
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def invalid_mechanism(ctx: Context) -> Iterator[Hit]:
    invalid = refdata.invalid_mechanisms()
    for site, mech in recorded(ctx):
        entry = invalid.get(mech.type.value)
        if entry is None:
            continue
        since = entry["invalid_since"]
        since_text = since.isoformat() if isinstance(since, dt.date) else str(since)
        yield site.hit(
            "type",
            message=(
                f"{site.label} relies on {mech.type.value!r} ({entry['name']}), invalid since {since_text}: "
                f"{entry['reason']} Use {entry['replace_with']} instead"
            ),
        )


@define(
    id="SCC914-version-module",
    name="transfers.scc-version-module",
    severity=Severity.ERROR,
    summary="Standard contractual clauses name Decision 2021/914 and at least one module (1-4).",
    article="Decision (EU) 2021/914 Art. 1, Art. 4",
    why=(
        "'Standard contractual clauses' alone does not say which clauses were signed; only the 2021/914 "
        "clauses are valid, and their module decides which obligations apply to whom."
    ),
    fix=(
        "Record type scc_2021_914 and 'modules': 1 controller to controller, 2 controller to processor, "
        "3 processor to processor, 4 processor to controller."
    ),
    bad="""
country: US
mechanisms:
  - type: scc_unspecified
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def scc_version_module(ctx: Context) -> Iterator[Hit]:
    for site, mech in recorded(ctx):
        if mech.type == MechanismType.SCC_UNSPECIFIED:
            expected = site.expected_module()
            hint = f" ({MODULE_NAMES[expected]} for the roles recorded)" if expected else ""
            yield site.hit(
                "type",
                message=(
                    f"{site.label} relies on standard contractual clauses without naming the decision or module; "
                    f"record type scc_2021_914 and its module(s){hint}"
                ),
            )
        elif mech.type == MechanismType.SCC_2021_914 and not mech.modules:
            expected = site.expected_module()
            hint = f"; the roles recorded call for {MODULE_NAMES[expected]}" if expected else ""
            yield site.hit(
                "type",
                message=f"{site.label} relies on SCCs 2021/914 but declares no module; add 'modules'{hint}",
            )


def _dpf_problems(dpf: DpfCertification | None, as_of: dt.date) -> tuple[list[str], bool]:
    """What is wrong with a DPF record, and whether it is only a staleness warning."""
    if dpf is None:
        return ["no DPF certification is recorded"], False
    problems: list[str] = []
    if not dpf.certified:
        problems.append("it is recorded as not certified, so the adequacy decision does not cover it")
    if dpf.checked_on is None:
        problems.append("the date the DPF List was checked (dpf.checked_on) is missing")
    if dpf.part is None:
        problems.append("the DPF part (dpf.part: EU-US) is missing")
    elif dpf.part != "EU-US":
        problems.append(f"its DPF part is {dpf.part!r}, which does not cover data from the EU (needs 'EU-US')")
    if problems:
        return problems, False
    assert dpf.checked_on is not None
    age = (as_of - dpf.checked_on).days
    if age > DPF_MAX_AGE_DAYS:
        return [f"the DPF List was last checked on {dpf.checked_on.isoformat()} ({age} days ago)"], True
    return [], False


@define(
    id="A45-us-dpf-certification",
    name="transfers.us-dpf-certification",
    severity=Severity.ERROR,
    summary="A US recipient relied on under adequacy is DPF-certified (EU-US part), with the check date.",
    article="Art. 45(1); Implementing Decision (EU) 2023/1795",
    why=(
        "The US adequacy decision covers only organisations on the Data Privacy Framework List, and only under "
        "its EU-US part; certification is annual. Without a recorded, recent check the transfer has no mechanism."
    ),
    fix=(
        "Check the DPF List and record dpf: {certified: true, checked_on: YYYY-MM-DD, part: EU-US} on the "
        "recipient, or rely on SCCs 2021/914 instead. A check older than 12 months is reported as a warning."
    ),
    bad="""
country: US
mechanisms:
  - type: adequacy
""",
    good="""
country: US
mechanisms:
  - type: adequacy
dpf:
  certified: true
  checked_on: 2026-10-01
  part: EU-US
  covers: non-hr
""",
)
def us_dpf_certification(ctx: Context) -> Iterator[Hit]:
    for site, mech in recorded(ctx):
        if mech.type != MechanismType.ADEQUACY or site.country != "US" or site.regime != "EU":
            continue
        dpf = site.importer.dpf if site.importer is not None else None
        problems, stale_only = _dpf_problems(dpf, ctx.as_of)
        if not problems:
            continue
        yield site.hit(
            "type",
            message=(
                f"{site.label} relies on the US adequacy decision, but for {site.importer_name} "
                + "; ".join(problems)
                + ("; check the DPF List again and update dpf.checked_on" if stale_only
                   else "; record dpf (certified, checked_on, part EU-US) or use SCCs 2021/914")
            ),
            severity=Severity.WARNING if stale_only else None,
        )
