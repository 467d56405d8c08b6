"""Helpers several rule modules share: where a transfer finding points, which sites are one reliance,
who a sub-processor belongs to and whom it passes data on to, whether a contact names a reachable
person, and short id lists for messages. The legal facts themselves (sites, resolution, roles) are in
ropa/model/facts.py.
"""

from __future__ import annotations

from ropa.check.rules.base import Context, Hit
from ropa.model.common import Contact, Dpo, Severity
from ropa.model.facts import Site, organisation_role, sites
from ropa.model.provider import Provider, SubProcessor
from ropa.model.transfer import Mechanism


def at(site: Site, *sub: str | int, message: str, severity: Severity | None = None) -> Hit:
    """A hit at the site's mechanism (or ``sub`` inside it)."""
    return Hit(message, site.file, (*site.path, *sub), site.provider, site.activity, severity)


UK_INSTRUMENTS = (
    "the UK Extension to the EU-US Data Privacy Framework (certified US recipients only), the ICO's International "
    "Data Transfer Agreement (IDTA) or the UK Addendum to SCCs 2021/914"
)
"""What a UK exporter's transfer can rest on instead of the EU instruments (gdpr-reference.md section 4.0)."""


def has_contact_person(contact: Contact | Dpo | None) -> bool:
    """Whether a contact names a person or position and says how to reach them (Annex I.A, Annex III)."""
    return contact is not None and bool(contact.name or contact.position) and bool(contact.channels())


def brief_list(ids: list[str], shown: int = 5) -> str:
    """Category ids for a message: each once, at most ``shown`` of them, then how many more."""
    unique = list(dict.fromkeys(ids))
    text = ", ".join(repr(i) for i in unique[:shown])
    return text + (f" and {len(unique) - shown} more" if len(unique) > shown else "")


def parents(ctx: Context) -> dict[int, Provider]:
    """The provider each sub-processor belongs to, by the sub-processor's identity; built once per check."""
    return {id(sub): p for p in ctx.register.providers for sub in p.sub_processors}


def onward_subs(ctx: Context, importer: Provider | SubProcessor | None) -> list[SubProcessor]:
    """The sub-processors an importer passes the data on to: a provider's own, or a sub-processor's chain."""
    if isinstance(importer, Provider):
        return list(importer.sub_processors)
    if importer is None or not importer.sub_processors:
        return []
    parent = ctx.once("transfers.parents", parents).get(id(importer))
    if parent is None:
        return []
    return [sub for sub in parent.sub_processors if sub.id in importer.sub_processors]


def organisation_party(ctx: Context, site: Site) -> bool:
    """Whether the organisation signs the clauses at ``site`` (it exports, or its own importer receives).

    A processor's clauses with its sub-processors (Module 3, or a provider's onward mechanisms) bind the
    processor, not the organisation: it may ask for their options (Art. 28(3)(h)), but its record need
    not hold them.
    """
    if site.kind == "sub_processor" or isinstance(site.importer, SubProcessor):
        return False
    if site.kind == "provider" and site.importer is None:
        return False
    return site.exporter_role in (None, organisation_role(ctx.register))


CLAUSE_SEVERITY_NOTE = (
    " A detail missing from the record is a warning (info for clauses between a processor and its sub-processor, "
    "to which the organisation is not a party); a detail stated against the clauses is an error."
)
"""The sentence of a clause rule's 'why' that states the severities :func:`clause_severity` gives."""


def clause_severity(ctx: Context, site: Site, *, wrong: bool = False) -> Severity:
    """Severity of a clause-level SCC gap: a detail missing from the record is a warning, a detail stated
    and unlawful an error; one step lower for clauses the organisation is not a party to."""
    party = organisation_party(ctx, site)
    if wrong:
        return Severity.ERROR if party else Severity.WARNING
    return Severity.WARNING if party else Severity.INFO


_IDENTITY = ("type", "modules", "derogation")
"""What makes two records name the same mechanism: its type, its SCC modules, its Art. 49 point. The
rest (evidence, assessment, justification) documents it and is read from any record of the reliance."""


def _identity(mech: Mechanism) -> tuple[object, ...]:
    return (mech.type, tuple(sorted(mech.modules)), mech.derogation)


def _restates(told: Mechanism, record: Mechanism) -> bool:
    """Whether ``told`` (a transfer's mechanism) names the mechanism the importer's ``record`` names."""
    return _identity(told) == _identity(record)


Reliance = tuple[Site, list[Site]]
"""A site where a mechanism is relied on, and the transfer sites that restate it there."""


def reliances(ctx: Context) -> list[Reliance]:
    """Every recorded mechanism once per reliance, with the transfers that restate it.

    A transfer whose mechanism only restates its importer's own record (a provider's ``mechanisms`` or a
    sub-processor's ``mechanism``) is that reliance, reported at the importer's record; transfers of several
    activities to the same importer on the same mechanism are one reliance, reported at the first. Rules
    read the documentation (evidence, assessment, justification) from any record of the reliance
    (:func:`documented`).
    """
    return ctx.once("transfers.reliances", _build_reliances)


def _build_reliances(ctx: Context) -> list[Reliance]:
    recorded = [site for site in sites(ctx.register) if site.mechanism is not None]
    records: dict[int, list[Site]] = {}
    for site in recorded:
        if site.kind == "sub_processor" and site.importer is not None:
            records.setdefault(id(site.importer), []).append(site)
        elif site.kind == "provider" and site.provider is not None:
            # A provider's own mechanisms, whether it imports them (outside the EEA) or they cover its data
            # flow from a place the record does not state: a transfer to it on the same mechanism is one reliance.
            provider = ctx.register.provider(site.provider)
            if provider is not None:
                records.setdefault(id(provider), []).append(site)
    out: dict[int, Reliance] = {}
    firsts: dict[tuple[str, str], int] = {}
    for site in recorded:
        mech = site.mechanism
        assert mech is not None
        if site.kind == "transfer":
            own = next(
                (r for r in records.get(id(site.importer), []) if r.mechanism and _restates(mech, r.mechanism)),
                None,
            )
            if own is not None:
                out.setdefault(id(own), (own, []))[1].append(site)
                continue
            importer = site.transfer.recipient if site.transfer is not None else site.label
            key = (f"{site.regime}:{importer}:{site.country}", repr(_identity(mech)))
            first = firsts.get(key)
            if first is not None:
                out[first][1].append(site)
                continue
            firsts[key] = id(site)
        out.setdefault(id(site), (site, []))
    return list(out.values())


def covering(covered: list[Site]) -> str:
    """The tail of a message naming the transfers a reliance finding also covers."""
    if not covered:
        return ""
    names = [site.activity or site.label for site in covered]
    return f" (also covers the transfer(s) of {brief_list(names)}, which rely on it)"


def documented(reliance: Reliance, field: str) -> object:
    """``field`` of the mechanism (evidence, tia, justification ...) from the first record of the reliance
    that states it."""
    site, covered = reliance
    for one in (site, *covered):
        value = getattr(one.mechanism, field, None) if one.mechanism is not None else None
        if value:
            return value
    return None
