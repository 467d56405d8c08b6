"""What providers do for their own purposes: shown beside the record, never as the organisation's processing."""

from __future__ import annotations

from dataclasses import dataclass

from ropa.i18n import gettext as _
from ropa.model.activity import BASIS_LABELS
from ropa.model.facts import is_processor
from ropa.model.register import Register
from ropa.render.text import NOT_STATED
from ropa.render.views.wording import retention_text


@dataclass(frozen=True)
class OwnRow:
    """One purpose a provider pursues on its own account, as its sources say."""

    provider: str
    purpose: str
    basis: str | None
    data: str | None
    uses_our_data: str
    retention: str | None
    source: str | None


def _uses(uses: bool | None, processor: bool) -> str:
    if uses is None:
        return _(NOT_STATED)
    if not uses:
        return _("No")
    if processor:
        return _("Yes: for this purpose the provider is a controller, not the organisation's processor (Art. 28(10))")
    return _("Yes")


def own_processing_rows(register: Register) -> list[OwnRow]:
    """Every provider's own processing, provider by provider, in the order of its file."""
    rows = []
    for provider in register.providers:
        processor = is_processor(register, provider)
        for own in provider.own_processing:
            basis = _(BASIS_LABELS[own.lawful_basis]) if own.lawful_basis is not None else own.stated_basis
            rows.append(
                OwnRow(
                    provider=provider.legal_name,
                    purpose=own.purpose,
                    basis=basis,
                    data=", ".join(own.data) or None,
                    uses_our_data=_uses(own.uses_organisation_data, processor),
                    retention=retention_text(own.retention),
                    source=own.source,
                )
            )
    return rows
