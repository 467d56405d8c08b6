"""Helpers several rule modules share: where a transfer finding points, who a sub-processor belongs to
and whom it passes data on to, whether a contact names a reachable person, and short id lists for
messages. The legal facts themselves (sites, resolution, roles) are in ropa/model/facts.py.
"""

from __future__ import annotations

from ropa.check.rules.base import Context, Hit
from ropa.model.common import Contact, Dpo, Severity
from ropa.model.facts import Site, organisation_role
from ropa.model.provider import Provider, SubProcessor


def at(site: Site, *sub: str | int, message: str, severity: Severity | None = None) -> Hit:
    """A hit at the site's mechanism (or ``sub`` inside it)."""
    return Hit(message, site.file, (*site.path, *sub), site.provider, site.activity, severity)


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


def clause_severity(ctx: Context, site: Site, *, wrong: bool = False) -> Severity:
    """Severity of a clause-level SCC gap: a detail missing from the record is a warning, a detail stated
    and unlawful an error; one step lower for clauses the organisation is not a party to."""
    party = organisation_party(ctx, site)
    if wrong:
        return Severity.ERROR if party else Severity.WARNING
    return Severity.WARNING if party else Severity.INFO
