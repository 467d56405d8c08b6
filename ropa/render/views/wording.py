"""Sentences and labelled values for the PDF views: retention, contacts, documents, mechanisms.

Each helper turns one model value into the text the register and the annexes print, or
None when the register states nothing (the template then shows "Not recorded"). The words are
the document language's (:func:`ropa.i18n.gettext`); user text inside them is printed as written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel

from ropa.i18n import format_date
from ropa.i18n import gettext as _
from ropa.model.activity import Retention
from ropa.model.common import Contact, DocumentRef
from ropa.model.labels import END_ACTION_LABELS, MECHANISM_LABELS, MODULE_LABELS
from ropa.model.provider import SubProcessor
from ropa.model.register import Register
from ropa.model.transfer import ART46_TOOLS, Mechanism, MechanismType
from ropa.render.text import duration_label, period_text


def date_text(value: dt.date | str | None) -> str | None:
    """A date (or an ISO date string) as the document language writes it; other text is kept as it is."""
    if value is None or isinstance(value, dt.date):
        return format_date(value) if value is not None else None
    try:
        return format_date(dt.date.fromisoformat(value))
    except ValueError:
        return value


def retention_text(retention: Retention | None) -> str | None:
    """One readable sentence for a retention rule, or None when it states nothing."""
    if retention is None:
        return None
    parts: list[str] = []
    if retention.duration:
        text = f"{duration_label(retention.duration)} ({retention.duration})"
        if retention.trigger_event:
            text = _("{period} from {event}").format(period=text, event=retention.trigger_event)
        parts.append(text)
    elif retention.trigger_event:
        parts.append(_("until {event}").format(event=retention.trigger_event))
    if retention.criteria:
        parts.append(_("criteria: {criteria}").format(criteria=retention.criteria))
    if retention.legal_basis_for_period:
        parts.append(_("required by {law}").format(law=retention.legal_basis_for_period))
    if retention.statutory_period:
        parts.append(_("statutory period {period}").format(period=period_text(retention.statutory_period)))
    if retention.kind == "unlimited":
        reason = retention.not_possible_reason
        parts.append(_("no time limit ({reason})").format(reason=reason) if reason else _("no time limit"))
    elif retention.not_possible_reason:
        parts.append(_("no limit can be given: {reason}").format(reason=retention.not_possible_reason))
    if retention.end_action:
        parts.append(_("then {action}").format(action=_(END_ACTION_LABELS[retention.end_action])))
    if retention.after_withdrawal:
        period = period_text(retention.after_withdrawal)
        parts.append(_("after consent is withdrawn, kept for {period}").format(period=period))
    if retention.residual_basis:
        parts.append(_("basis for keeping it after withdrawal: {basis}").format(basis=retention.residual_basis))
    if retention.statement:
        parts.append(_("stated as \u201c{statement}\u201d").format(statement=retention.statement))
    return "; ".join(parts) or None


def contact_text(contact: Contact | None) -> str | None:
    """Name, position and channels of a contact on one line."""
    if contact is None:
        return None
    parts = [p for p in (contact.name, contact.position) if p]
    parts.extend(contact.channels())
    return ", ".join(parts) or None


def document_text(doc: DocumentRef | None) -> str | None:
    """A document reference as ``ref (date), location``."""
    if doc is None:
        return None
    text = doc.ref
    if doc.date:
        text += f" ({format_date(doc.date)})"
    if doc.location:
        text += f", {doc.location}"
    return text


def tia_text(mechanism: Mechanism | None) -> str | None:
    """The transfer impact assessment; None (Not recorded) only where an Art. 46 tool needs one."""
    if mechanism is None:
        return None
    if mechanism.tia is not None:
        return document_text(mechanism.tia)
    if mechanism.type in ART46_TOOLS:
        return None
    return _("Not required for this mechanism")


def mechanism_text(mechanism: Mechanism | None) -> str | None:
    """The mechanism's label, with the Art. 49(1) point for derogations."""
    if mechanism is None:
        return None
    label = _(MECHANISM_LABELS[mechanism.type])
    if mechanism.derogation is not None:
        point = mechanism.derogation.value.removeprefix("49.1.")
        if point == "second":
            label = _("{mechanism} second subparagraph").format(mechanism=label)
        else:
            label = _("{mechanism}, point ({point})").format(mechanism=label, point=point)
    accession = accession_text(mechanism)
    if accession:
        label += f"; {accession[0].lower()}{accession[1:]}"
    return label


def accession_text(mechanism: Mechanism | None) -> str | None:
    """How the importer joined SCCs 2021/914 through the Clause 7 docking clause, or None when it did not.

    An accession is the importer's signature of Annex I.A, so its date belongs wherever the signature
    date is shown; a missing date is spelt out because the accession is then unverifiable.
    """
    if mechanism is None or not mechanism.acceded_via_clause7:
        return None
    if mechanism.acceded_on is None:
        return _("Acceded through the Clause 7 docking clause, signing Annex I.A (accession date not stated)")
    return _("Acceded through the Clause 7 docking clause, signing Annex I.A on {date}").format(
        date=format_date(mechanism.acceded_on)
    )


def modules_text(mechanism: Mechanism | None) -> str | None:
    """The SCC 2021/914 module(s); "Not applicable" for other mechanisms, None when SCCs name none."""
    if mechanism is None:
        return None
    if mechanism.type not in (MechanismType.SCC_2021_914, MechanismType.SCC_UNSPECIFIED):
        return _("Not applicable")
    if not mechanism.modules:
        return None
    return "; ".join(_(MODULE_LABELS[m]) for m in sorted(set(mechanism.modules)))


def sub_processor_name(sub: SubProcessor) -> str:
    """The sub-processor's name, or its category in the provider's words, or its id."""
    return sub.name or sub.category or sub.id


def recipient_name(register: Register, ref: str) -> str:
    """Resolve a provider id, ``provider/sub`` reference or free name to a display name."""
    if "/" in ref:
        found = register.sub_processor(ref)
        if found is not None:
            return sub_processor_of(sub_processor_name(found[1]), found[0].legal_name)
        return ref
    provider = register.provider(ref)
    return provider.legal_name if provider is not None else ref


def joined(items: list[str]) -> str:
    """``a, b and c`` in the document language ("" for none)."""
    if len(items) < 2:
        return items[0] if items else ""
    return _("{first} and {last}").format(first=", ".join(items[:-1]), last=items[-1])


def sub_processor_of(name: str, provider: str) -> str:
    """``name (sub-processor of provider)``: a sub-processor named with the provider that engages it."""
    return _("{name} (sub-processor of {provider})").format(name=name, provider=provider)


def yes_no(value: bool | None, yes: str = "Yes", no: str = "No") -> str | None:
    """``Yes``/``No`` (or the words given, English msgids) in the document language, None when unknown."""
    if value is None:
        return None
    return _(yes) if value else _(no)


def sources_of(*models: BaseModel | None) -> list[str]:
    """Every ``source`` stated anywhere inside ``models``, first appearance first, no repeats."""
    seen: dict[str, None] = {}

    def walk(value: object) -> None:
        if isinstance(value, BaseModel):
            source = getattr(value, "source", None)
            if isinstance(source, str) and source:
                seen.setdefault(source, None)
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for model in models:
        walk(model)
    return list(seen)


@dataclass(frozen=True)
class Detail:
    """A labelled value; ``value`` None renders as "Not recorded"."""

    label: str
    value: str | None
