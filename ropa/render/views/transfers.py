"""Transfers outside the EEA: declared ones (Art. 30(1)(e), 30(2)(c)) and where providers keep data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ropa.i18n import format_date
from ropa.i18n import gettext as _
from ropa.model.activity import Activity
from ropa.model.facts import outside_eea, transfer_outside_eea
from ropa.model.provider import Provider
from ropa.model.register import Register
from ropa.model.transfer import Derogation, Mechanism, MechanismType, Transfer
from ropa.render.countries import country_label
from ropa.render.views.marks import EMPTY, Mark, Scope
from ropa.render.views.parties import provider_locations
from ropa.render.views.places import Place, place_of
from ropa.render.views.wording import (
    Detail,
    document_text,
    mechanism_text,
    modules_text,
    recipient_name,
    sub_processor_name,
    sub_processor_of,
    tia_text,
    yes_no,
)


@dataclass(frozen=True)
class TransferView:
    """A transfer outside the EEA (Art. 30(1)(e)) or a place a provider keeps data outside the EEA."""

    destination: str | None
    outside_eea: bool
    recipient: str
    mechanism: str | None
    modules: str | None
    frequency: str | None
    data: str
    tia: str | None
    declared_in: str
    compelling: list[Detail]
    place: Place | None = None
    """The destination with its EEA status (unknown when the record names none)."""
    destination_marks: list[Mark] = field(default_factory=list)
    mechanism_marks: list[Mark] = field(default_factory=list)


ImporterMarks = Callable[[str, MechanismType], list[Mark]]
"""Marks of the findings about the mechanism of one type that an importer (``provider`` or ``provider/sub``)
relies on in its own record."""


def importer_marks(register: Register, scope_of: Callable[[str | None], Scope]) -> ImporterMarks:
    """:data:`ImporterMarks` over ``register``; ``scope_of`` gives the findings of a provider's file."""

    scopes: dict[str, Scope] = {}  # one scope per provider file, however many transfers name it

    def marks(ref: str, mtype: MechanismType) -> list[Mark]:
        provider = register.provider(ref.split("/", 1)[0])
        if provider is None:
            return []
        if provider.id not in scopes:
            scopes[provider.id] = scope_of(register.provider_files.get(provider.id))
        scope = scopes[provider.id]
        if "/" in ref:
            sub_id = ref.split("/", 1)[1]
            return [
                mark
                for j, sub in enumerate(provider.sub_processors)
                if sub.id == sub_id and sub.mechanism is not None and sub.mechanism.type is mtype
                for mark in scope.at("sub_processors", j, "mechanism")
            ]
        return [
            mark for i, m in enumerate(provider.mechanisms) if m.type is mtype for mark in scope.at("mechanisms", i)
        ]

    return marks


def compelling_details(mechanism: Mechanism | None) -> list[Detail]:
    """Art. 49(6): the assessment, safeguards and conditions of a transfer on compelling legitimate interests.

    Empty unless the mechanism is the Art. 49(1) second-subparagraph derogation (or records its conditions):
    only those transfers must carry this documentation in the record itself (Art. 30(1)(e), 30(2)(c)).
    """
    if mechanism is None:
        return []
    conditions = mechanism.compelling_interests
    if mechanism.derogation is not Derogation.SECOND and conditions is None:
        return []
    informed = conditions.sa_informed_on if conditions else None
    return [
        Detail(_("Assessment of all the circumstances"), document_text(mechanism.evidence)),
        Detail(_("Suitable safeguards"), mechanism.justification),
        Detail(
            _("Not repetitive"),
            yes_no(conditions.non_repetitive, "Confirmed", "No: the transfer repeats") if conditions else None,
        ),
        Detail(_("Limited number of data subjects"), conditions.limited_data_subjects if conditions else None),
        Detail(_("Supervisory authority informed on"), format_date(informed) if informed else None),
        Detail(_("Data subjects informed"), conditions.data_subjects_informed if conditions else None),
    ]


def transfer_view(
    register: Register,
    transfer: Transfer,
    activity: Activity | None,
    declared_in: str,
    scope: Scope = EMPTY,
    index: int = 0,
    importer: ImporterMarks | None = None,
) -> TransferView:
    """View of one declared transfer; ``scope`` (the entry's findings) marks its destination and mechanism.

    A mechanism the importer's own record also relies on may be reported once, there (``importer``
    gives those marks), so the transfer's mechanism carries them too.
    """
    if activity is not None and transfer.data_categories:
        names = {c.id: c.name for c in activity.data_categories}
        data = ", ".join(names.get(c, c) for c in transfer.data_categories)
    else:
        data = _("All data categories of the activity")
    destination = country_label(transfer.country) or transfer.international_organisation
    return TransferView(
        destination=destination,
        outside_eea=transfer_outside_eea(transfer) is True,
        recipient=recipient_name(register, transfer.recipient),
        mechanism=mechanism_text(transfer.mechanism),
        modules=modules_text(transfer.mechanism),
        frequency=_(transfer.frequency) if transfer.frequency else None,
        data=data,
        tia=tia_text(transfer.mechanism),
        declared_in=declared_in,
        compelling=compelling_details(transfer.mechanism),
        place=place_of(transfer.country, organisation=transfer.international_organisation),
        destination_marks=scope.at("transfers", index, taken=[("mechanism",)]),
        mechanism_marks=scope.at("transfers", index, "mechanism")
        + (importer(transfer.recipient, transfer.mechanism.type) if importer and transfer.mechanism else []),
    )


def provider_transfers(provider: Provider, scope: Scope = EMPTY) -> list[TransferView]:
    """Places outside the EEA a provider or its sub-processors hold the data, with the mechanism relied on.

    A provider or sub-processor whose location is not recorded is listed too: a transfer cannot be
    excluded for it, so the table of transfers must not pass over it.
    """
    rows: list[TransferView] = []
    dpf = ""
    if provider.dpf is not None:
        dpf = "; " + (_("DPF: certified") if provider.dpf.certified else _("DPF: not certified"))
    codes: list[str | None] = [*provider_locations(provider)] or [None]
    location_marks = scope.at("country") + scope.at("data_locations")
    for code in codes:
        if code is not None and not outside_eea(code):
            continue
        mechanisms: list[Mechanism | None] = list(provider.mechanisms) or [None]
        for m_index, mechanism in enumerate(mechanisms):
            text = mechanism_text(mechanism)
            rows.append(
                TransferView(
                    destination=country_label(code),
                    outside_eea=code is not None,
                    recipient=provider.legal_name,
                    mechanism=(text + dpf) if text and code == "US" else text,
                    modules=modules_text(mechanism),
                    frequency=None,
                    data=_("Data processed for the organisation"),
                    tia=tia_text(mechanism),
                    declared_in=_("Provider location"),
                    compelling=compelling_details(mechanism),
                    place=place_of(code),
                    destination_marks=location_marks,
                    mechanism_marks=scope.at("mechanisms", m_index) if mechanism is not None else [],
                )
            )
    for s_index, sub in enumerate(provider.sub_processors):
        if sub.country is not None and not outside_eea(sub.country):
            continue
        rows.append(
            TransferView(
                destination=country_label(sub.country),
                outside_eea=sub.country is not None,
                recipient=sub_processor_of(sub_processor_name(sub), provider.legal_name),
                mechanism=mechanism_text(sub.mechanism),
                modules=modules_text(sub.mechanism),
                frequency=None,
                data=sub.service or _("Data processed for the provider"),
                tia=tia_text(sub.mechanism),
                declared_in=_("Sub-processor list"),
                compelling=compelling_details(sub.mechanism),
                place=place_of(sub.country),
                destination_marks=scope.at("sub_processors", s_index, "country"),
                mechanism_marks=scope.at("sub_processors", s_index, "mechanism"),
            )
        )
    return rows
