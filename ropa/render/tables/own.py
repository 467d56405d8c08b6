"""The Own processing sheet: what providers do for their own purposes, kept apart from the record."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.i18n import gettext as _
from ropa.model.activity import BASIS_LABELS
from ropa.model.facts import is_processor
from ropa.model.provider import OwnProcessing, Provider
from ropa.model.register import Register
from ropa.render.tables.cells import NONE_RECORDED, lines, retention, text, yes_no
from ropa.render.tables.table import Column
from ropa.render.text import NOT_STATED

OwnItem = tuple[Provider, OwnProcessing]


def own_items(register: Register) -> Iterator[OwnItem]:
    """One row per purpose a provider pursues on its own account, provider by provider."""
    for provider in register.providers:
        for own in provider.own_processing:
            yield provider, own


def _retention(item: OwnItem) -> str:
    kept = item[1].retention
    return retention(kept) if kept is not None else NOT_STATED


def own_columns(register: Register) -> list[Column[OwnItem]]:
    """The columns of the Own processing sheet: the provider's purpose, basis and retention, as its sources say."""

    def basis(item: OwnItem) -> str:
        own = item[1]
        if own.lawful_basis is not None:
            return _(BASIS_LABELS[own.lawful_basis])
        return text(own.stated_basis)

    def touches(item: OwnItem) -> str:
        uses = item[1].uses_organisation_data
        if uses is None:
            return "Not recorded"
        if uses and is_processor(register, item[0]):
            return _("Yes: for this purpose the provider is a controller, not a processor (Art. 28(10))")
        return yes_no(uses, "Yes", "No")

    return [
        Column("Provider id", 16, lambda i: i[0].id),
        Column("Provider", 24, lambda i: i[0].legal_name),
        Column("Purpose of the provider's own processing", 40, lambda i: i[1].purpose),
        Column("The provider's basis", 26, basis),
        Column("Data it uses", 34, lambda i: lines(i[1].data)),
        Column("Uses data it processes for the organisation", 30, touches),
        Column("Shared with", 26, lambda i: lines(i[1].shared_with, empty=NONE_RECORDED)),
        Column(
            "The provider's own retention", 34, lambda i: retention(i[1].retention) if i[1].retention else NOT_STATED
        ),
        Column("Source", 30, lambda i: text(i[1].source)),
    ]
