"""The "Transfers" sheet: one row per transfer to a third country or international organisation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ropa.i18n import gettext as _
from ropa.model.provider import Provider
from ropa.model.register import Register
from ropa.model.transfer import CompellingInterests, Derogation, Mechanism, Transfer
from ropa.render.tables.cells import (
    article_point,
    date,
    destination,
    document,
    lines,
    mechanism,
    modules,
    recipient_name,
    text,
    yes_no,
)
from ropa.render.tables.table import Column
from ropa.render.text import NOT_STATED


@dataclass(frozen=True)
class TransferItem:
    """One transfer, from an Art. 30(1) activity or an Art. 30(2) processor activity."""

    record: str
    provider: Provider | None
    activity_id: str
    activity_name: str
    transfer: Transfer
    categories: str


def transfer_items(register: Register) -> Iterator[TransferItem]:
    """One row per declared transfer: of each activity (Art. 30(1)), then of the processor record (Art. 30(2))."""
    for entry in register.activities():
        provider, activity = entry.host, entry.activity
        names = {c.id: c.name for c in activity.data_categories}
        for value in activity.transfers:
            unknown = _("{id} (unknown category)")
            chosen = [names.get(c, unknown.format(id=c)) for c in value.data_categories]
            every = _("All of the activity")
            yield TransferItem(_("Art. 30(1)"), provider, activity.id, activity.name, value, lines(chosen, empty=every))
    for processing in register.organisation.processor_activities:
        for value in processing.transfers:
            yield TransferItem(
                _("Art. 30(2)"), None, processing.id, processing.controller, value, lines(value.data_categories)
            )


def transfer_columns(register: Register) -> list[Column[TransferItem]]:
    """The columns of the Transfers sheet."""

    def mech(get: Callable[[Mechanism], str | None]) -> Callable[[TransferItem], str]:
        return lambda i: text(get(i.transfer.mechanism)) if i.transfer.mechanism is not None else NOT_STATED

    def tia(m: Mechanism) -> str | None:
        if m.tia is None:
            return None
        parts = [document(m.tia)]
        if m.tia.outcome:
            parts.append(_("outcome: {text}").format(text=m.tia.outcome))
        if m.tia.supplementary_measures:
            parts.append(_("measures: {list}").format(list="; ".join(m.tia.supplementary_measures)))
        return "\n".join(parts)

    def compelling(get: Callable[[CompellingInterests], str]) -> Callable[[TransferItem], str]:
        """A condition of Art. 49(1) second subparagraph: expected only for transfers relying on it."""

        def value(i: TransferItem) -> str:
            m = i.transfer.mechanism
            if m is None or (m.derogation is not Derogation.SECOND and m.compelling_interests is None):
                return "Not applicable"
            return get(m.compelling_interests) if m.compelling_interests is not None else NOT_STATED

        return value

    def recipient_of(i: TransferItem) -> str:
        ref = i.transfer.recipient
        if register.provider(ref.partition("/")[0]) is not None:
            return recipient_name(register, ref)
        return ref

    return [
        Column("Record", 11, lambda i: i.record),
        Column("Provider id", 16, lambda i: i.provider.id if i.provider else "Not applicable"),
        Column("Activity id", 18, lambda i: i.activity_id),
        Column("Activity or controller", 28, lambda i: i.activity_name),
        Column("Recipient", 30, recipient_of),
        Column("Destination", 22, lambda i: destination(i.transfer)),
        Column("Export regime", 10, lambda i: i.transfer.origin_regime),
        Column("Mechanism", 34, lambda i: mechanism(i.transfer.mechanism)),
        Column("SCC module", 24, lambda i: modules(i.transfer.mechanism)),
        Column("Clause 9(a) option", 14, mech(lambda m: m.clause9_option)),
        Column(
            "Art. 49 derogation", 18, mech(lambda m: article_point(m.derogation.value, "49") if m.derogation else None)
        ),
        Column("Justification or safeguards", 30, mech(lambda m: m.justification)),
        Column("Evidence", 28, mech(lambda m: document(m.evidence) if m.evidence else None)),
        Column("Transfer impact assessment", 32, mech(tia)),
        Column("Art. 49(1) 2nd subpara.: not repetitive", 14, compelling(lambda c: yes_no(c.non_repetitive))),
        Column("Art. 49(1) 2nd subpara.: data subjects", 24, compelling(lambda c: text(c.limited_data_subjects))),
        Column("Art. 49(1) 2nd subpara.: SA informed", 14, compelling(lambda c: date(c.sa_informed_on))),
        Column(
            "Art. 49(1) 2nd subpara.: data subjects informed", 26, compelling(lambda c: text(c.data_subjects_informed))
        ),
        Column("Frequency", 12, lambda i: _(i.transfer.frequency) if i.transfer.frequency else NOT_STATED),
        Column("Data categories", 26, lambda i: i.categories),
        Column("Source", 26, lambda i: text(i.transfer.source)),
    ]
