"""Organisations as parties of the record: the controller or processor itself and its providers."""

from __future__ import annotations

from dataclasses import dataclass

from ropa.i18n import gettext as _
from ropa.model.facts import outside_eea
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider
from ropa.render.countries import country_label
from ropa.render.views.wording import contact_text


@dataclass(frozen=True)
class Party:
    """Identity and contact details of an organisation (controller, processor, sub-processor)."""

    name: str
    trading_name: str | None
    registration_number: str | None
    address: str | None
    country: str | None
    outside_eea: bool
    contact: str | None
    dpo: str | None
    representative: str | None


def party_of_organisation(org: Organisation) -> Party:
    """The organisation as a party (controller and/or processor)."""
    rep = org.eu_representative
    representative = None
    if rep is not None:
        representative = ", ".join(
            p for p in (rep.name, country_label(rep.member_state), contact_text(rep.contact)) if p
        )
    elif org.eu_establishment and not org.art3_2_applies:
        representative = _("Not applicable (established in the EU/EEA)")
    elif org.art27_2_exemption:
        representative = _("None designated: exempt under Art. 27(2): {reason}").format(reason=org.art27_2_exemption)
    dpo = contact_text(org.dpo) if org.dpo is not None and org.dpo.designated is not False else None
    if org.dpo is not None and org.dpo.designated is False:
        dpo = _("No DPO designated")
    return Party(
        name=org.legal_name,
        trading_name=org.trading_name,
        registration_number=org.registration_number,
        address=org.address.one_line() if org.address else None,
        country=country_label(org.country),
        outside_eea=outside_eea(org.country),
        contact=contact_text(org.contact),
        dpo=dpo,
        representative=representative,
    )


def party_of_provider(provider: Provider) -> Party:
    """A provider as a party, its contacts joined."""
    contacts = [c for c in (contact_text(c) for c in provider.contacts) if c]
    return Party(
        name=provider.legal_name,
        trading_name=provider.trading_name,
        registration_number=provider.registration_number,
        address=provider.address.one_line() if provider.address else None,
        country=country_label(provider.country),
        outside_eea=outside_eea(provider.country),
        contact="; ".join(contacts) or None,
        dpo=contact_text(provider.dpo),
        representative=provider.eu_representative,
    )


def provider_locations(provider: Provider) -> list[str]:
    """Country codes where the provider is established or keeps data, sorted, no repeats."""
    codes = {str(code) for code in (provider.country, *provider.data_locations) if code}
    return sorted(codes)
