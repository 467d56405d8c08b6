"""Annex IV (2021/915): the provider's sub-processors, introduced by what the record says was authorised.

The decision's sentence "The controller has authorised the use of the following sub-processors" is a
statement of fact, so it is printed only over the sub-processors a recorded specific authorisation
covers (Clause 7.7(a), Option 1). Under a recorded general authorisation (Option 2) the list is the
agreed list, with the notice period; with no authorisation recorded the annex says so and lists the
sub-processors as the provider names them. Each sub-processor is listed once per annex: the transfer
table and Annex II refer to these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ropa.i18n import format_date
from ropa.i18n import gettext as _
from ropa.model.facts import outside_eea
from ropa.model.provider import Provider, SubProcessor
from ropa.render.annex_texts import ANNEX_IV_AUTHORISED, CONTACT_LABEL
from ropa.render.text import country_label, duration_label
from ropa.render.views.wording import contact_text, mechanism_text

UNKNOWN_LOCATION = "Location not recorded: a transfer cannot be excluded"
"""What a missing country reads as wherever a location is printed (issue 17: never "outside the EEA"); a msgid."""


AUTHORISATION_WORDS: dict[str, str] = {
    "specific": "specific written authorisation",
    "general": "general written authorisation",
}
"""A sub-processor's own authorisation, by its type (Art. 28(2)), as the entry prints it."""


@dataclass(frozen=True)
class SubProcessorView:
    """One numbered entry of Annex IV."""

    number: int
    sub_id: str
    name: str | None
    category: str | None
    """The sub-processor in the provider's words, when the record names only a category."""
    address: str | None
    contact: str | None
    description: str | None
    location: str
    location_known: bool
    outside_eea: bool
    mechanism: str | None
    needs_mechanism: bool
    """Whether a transfer mechanism belongs here: the location is outside the EEA or not recorded."""
    authorisation: str | None
    flow_down: str | None

    @property
    def missing(self) -> list[str]:
        """The fields of the entry the record leaves empty, named once in one line instead of a row each."""
        fields = [
            ("Name", self.name),
            ("Address", self.address),
            (CONTACT_LABEL, self.contact),
            ("Description of the processing", self.description),
            ("Transfer mechanism", self.mechanism if self.needs_mechanism else "-"),
            ("Same obligations imposed by (Art. 28(4))", self.flow_down),
        ]
        return [_(label) for label, value in fields if not value]

    @property
    def label(self) -> str:
        """How other parts of the annex name it: its name, else its category marked as one."""
        if self.name:
            return self.name
        return _("{category} (category)").format(category=self.category) if self.category else self.sub_id


@dataclass(frozen=True)
class AnnexIV:
    """What Annex IV prints: the authorisation regime in the record's words, then the entries."""

    regime: str
    """``specific``, ``general`` or ``none`` (no authorisation recorded)."""
    statements: list[str]
    lead: str | None
    """The sentence over the main list; the decision's own only under specific authorisation."""
    entries: list[SubProcessorView]
    others_lead: str | None
    others: list[SubProcessorView]
    """Under specific authorisation: sub-processors the provider names that are not recorded as authorised."""


def _authorised(sub: SubProcessor) -> bool:
    return sub.authorisation == "specific" or sub.authorised_on is not None


def _sub_view(number: int, sub: SubProcessor, regime: str | None = None) -> SubProcessorView:
    """One entry; its own authorisation is shown only where it adds to the provider's (a date, another type)."""
    country = sub.country
    outside = outside_eea(country)
    authorisation = None
    if sub.authorisation and (sub.authorisation != regime or sub.authorised_on):
        authorisation = _(AUTHORISATION_WORDS[sub.authorisation])
    if sub.authorised_on:
        authorisation = _("{authorisation} on {date}").format(
            authorisation=authorisation or _("authorised"), date=format_date(sub.authorised_on)
        )
    return SubProcessorView(
        number=number,
        sub_id=sub.id,
        name=sub.name,
        category=sub.category if not sub.name else None,
        address=sub.address,
        contact=contact_text(sub.contact),
        description=sub.service,
        location=(country_label(country) or country) if country else _(UNKNOWN_LOCATION),
        location_known=bool(country),
        outside_eea=outside,
        mechanism=mechanism_text(sub.mechanism),
        needs_mechanism=outside or not country,
        authorisation=authorisation,
        flow_down=sub.flow_down,
    )


def _notice(provider: Provider) -> str | None:
    auth = provider.sub_processor_authorisation
    if auth is None or auth.notice_period is None:
        return None
    return f"{duration_label(auth.notice_period)} ({auth.notice_period})"


def build_annex_iv(provider: Provider) -> AnnexIV:
    """Annex IV of ``provider``: numbering follows the provider's file (authorised ones first when specific)."""
    auth = provider.sub_processor_authorisation
    subs = provider.sub_processors
    notice = _notice(provider)
    if auth is not None and auth.type == "specific":
        chosen = [s for s in subs if _authorised(s)]
        rest = [s for s in subs if not _authorised(s)]
        entries = [_sub_view(n, s, "specific") for n, s in enumerate(chosen, start=1)]
        others = [_sub_view(n, s, "specific") for n, s in enumerate(rest, start=len(chosen) + 1)]
        statements = [
            _("Recorded: prior specific authorisation (Art. 28(2); Clause 7.7(a), Option 1)."),
            _(
                "The processor asks for the controller's authorisation at least {notice} before engaging a "
                "sub-processor."
            ).format(notice=notice)
            if notice
            else _("The processor asks for the controller's authorisation at least [period not recorded] in advance."),
        ]
        lead = _(ANNEX_IV_AUTHORISED if entries else "The record holds no sub-processor with a specific authorisation.")
        others_lead = (
            _("Named by the provider, with no specific authorisation recorded (not part of the list above):")
            if others
            else None
        )
        return AnnexIV("specific", statements, lead, entries, others_lead, others)
    entries = [_sub_view(n, s, auth.type if auth else None) for n, s in enumerate(subs, start=1)]
    if auth is not None:
        period = notice or _("[period not recorded]")
        if auth.objection_channel:
            inform = _(
                "The processor informs the controller in writing of any intended addition or replacement at least "
                "{period} in advance; the controller can object by {channel}."
            ).format(period=period, channel=auth.objection_channel)
        else:
            inform = _(
                "The processor informs the controller in writing of any intended addition or replacement at least "
                "{period} in advance; how the controller objects is not recorded."
            ).format(period=period)
        statements = [
            _(
                "Recorded: general written authorisation (Art. 28(2); Clause 7.7(a), Option 2). This Annex is "
                "completed for specific authorisation; the list below is the agreed list of sub-processors."
            ),
            inform,
        ]
        lead = _(
            "Agreed list of sub-processors:" if entries else "The record names no sub-processor on the agreed list."
        )
        return AnnexIV("general", statements, lead, entries, None, [])
    statements = []
    if entries:
        statements.append(
            _(
                "Not recorded: the record holds no authorisation of sub-processors by the controller, neither "
                "specific (Clause 7.7(a), Option 1) nor general (Option 2)."
            )
        )
    lead = _(
        "Sub-processors the provider names (their authorisation is not recorded):"
        if entries
        else "The record names no sub-processor of this provider."
    )
    return AnnexIV("none", statements, lead, entries, None, [])


def numbered(annex: AnnexIV) -> dict[str, SubProcessorView]:
    """Each sub-processor's entry by its id, so other parts of the annex can point to it by number."""
    return {view.sub_id: view for view in (*annex.entries, *annex.others)}
