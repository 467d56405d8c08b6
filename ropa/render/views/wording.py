"""Sentences and labelled values for the PDF views: retention, contacts, documents, mechanisms.

Each helper turns one model value into the text the register and the annexes print, or
None when the register states nothing (the template then shows "Not recorded").
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from ropa.model.activity import Retention
from ropa.model.common import Contact, DocumentRef
from ropa.model.labels import END_ACTION_LABELS, MECHANISM_LABELS, MODULE_LABELS
from ropa.model.provider import SubProcessor
from ropa.model.register import Register
from ropa.model.transfer import ART46_TOOLS, Mechanism, MechanismType
from ropa.render.text import duration_label, period_text


def retention_text(retention: Retention | None) -> str | None:
    """One readable sentence for a retention rule, or None when it states nothing."""
    if retention is None:
        return None
    parts: list[str] = []
    if retention.duration:
        text = f"{duration_label(retention.duration)} ({retention.duration})"
        if retention.trigger_event:
            text += f" from {retention.trigger_event}"
        parts.append(text)
    elif retention.trigger_event:
        parts.append(f"until {retention.trigger_event}")
    if retention.criteria:
        parts.append(f"criteria: {retention.criteria}")
    if retention.legal_basis_for_period:
        parts.append(f"required by {retention.legal_basis_for_period}")
    if retention.statutory_period:
        parts.append(f"statutory period {period_text(retention.statutory_period)}")
    if retention.kind == "unlimited":
        parts.append("no time limit" + (f" ({retention.not_possible_reason})" if retention.not_possible_reason else ""))
    elif retention.not_possible_reason:
        parts.append(f"no limit can be given: {retention.not_possible_reason}")
    if retention.end_action:
        parts.append(f"then {END_ACTION_LABELS[retention.end_action]}")
    if retention.after_withdrawal:
        parts.append(f"after consent is withdrawn, kept for {period_text(retention.after_withdrawal)}")
    if retention.residual_basis:
        parts.append(f"basis for keeping it after withdrawal: {retention.residual_basis}")
    if retention.statement:
        parts.append(f"stated as \u201c{retention.statement}\u201d")
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
        text += f" ({doc.date.isoformat()})"
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
    return "Not required for this mechanism"


def mechanism_text(mechanism: Mechanism | None) -> str | None:
    """The mechanism's label, with the Art. 49(1) point for derogations."""
    if mechanism is None:
        return None
    label = MECHANISM_LABELS[mechanism.type]
    if mechanism.derogation is not None:
        point = mechanism.derogation.value.removeprefix("49.1.")
        label += " second subparagraph" if point == "second" else f", point ({point})"
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
    when = f"on {mechanism.acceded_on.isoformat()}" if mechanism.acceded_on else "(accession date not stated)"
    return f"Acceded through the Clause 7 docking clause, signing Annex I.A {when}"


def modules_text(mechanism: Mechanism | None) -> str | None:
    """The SCC 2021/914 module(s); "Not applicable" for other mechanisms, None when SCCs name none."""
    if mechanism is None:
        return None
    if mechanism.type not in (MechanismType.SCC_2021_914, MechanismType.SCC_UNSPECIFIED):
        return "Not applicable"
    if not mechanism.modules:
        return None
    return "; ".join(MODULE_LABELS[m] for m in sorted(set(mechanism.modules)))


def sub_processor_name(sub: SubProcessor) -> str:
    """The sub-processor's name, or its category in the provider's words, or its id."""
    return sub.name or sub.category or sub.id


def recipient_name(register: Register, ref: str) -> str:
    """Resolve a provider id, ``provider/sub`` reference or free name to a display name."""
    if "/" in ref:
        found = register.sub_processor(ref)
        if found is not None:
            return f"{sub_processor_name(found[1])} (sub-processor of {found[0].legal_name})"
        return ref
    provider = register.provider(ref)
    return provider.legal_name if provider is not None else ref


def yes_no(value: bool | None, yes: str = "Yes", no: str = "No") -> str | None:
    """``Yes``/``No`` for a boolean, None when unknown."""
    if value is None:
        return None
    return yes if value else no


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
