"""Single cell values: a model value as the one line (or few lines) of text a cell shows.

A value the register leaves out is :data:`NOT_STATED`; references to providers and
sub-processors are resolved against the register and shown as ``Legal name (ref)``. ropa's own
words in a cell (``dated <date>``, ``Covered``, the parts of a retention sentence) are in the
document's language (:mod:`ropa.i18n`, ``ropa.po``), whole sentences with the values put in; the
register's text is put in as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

from ropa.i18n import current, format_date
from ropa.i18n import gettext as _
from ropa.model.activity import BASIS_LABELS, Purpose, Recipient, Retention
from ropa.model.common import TOM_LABELS, Contact, DocumentRef, Dpo, Tom
from ropa.model.labels import END_ACTION_LABELS, MECHANISM_LABELS, MODULE_LABELS, ROLE_LABELS
from ropa.model.provider import ClauseRef
from ropa.model.register import Register
from ropa.model.transfer import DpfCertification, Mechanism, MechanismType, Transfer
from ropa.render.countries import country_label
from ropa.render.text import NOT_STATED, period_text

NONE_RECORDED = "None recorded"
"""Shown for lists that may legitimately be empty (transfers, sub-processors)."""
CLAUSE9_WORDS = {
    "specific": "Clause 9(a) specific authorisation",
    "general": "Clause 9(a) general authorisation",
}
"""A mechanism's Clause 9(a) option (2021/914) in words (msgids of ``ropa.po``)."""
COVERS_WORDS = {"hr": "covers hr data", "non-hr": "covers non-hr data", "both": "covers both data"}
"""What a DPF certification covers, in words (msgids of ``ropa.po``)."""


def text(value: str | None) -> str:
    """The value, or :data:`NOT_STATED` (in the document's language) when it is missing or blank."""
    return value if value is not None and value.strip() else _(NOT_STATED)


def lines(items: Iterable[str], empty: str = NOT_STATED, numbered: bool = False) -> str:
    """One item per line (numbered when asked and there is more than one), or ``empty``."""
    values = [i for i in items if i]
    if not values:
        return empty
    if numbered and len(values) > 1:
        return "\n".join(f"{n}. {v}" for n, v in enumerate(values, 1))
    return "\n".join(values)


def date(value: dt.date | None) -> str:
    """ISO date (sorts correctly as text), or :data:`NOT_STATED`."""
    return value.isoformat() if value is not None else NOT_STATED


def yes_no(value: bool | None, yes: str = "Yes", no: str = "No") -> str:
    """Yes/No, or :data:`NOT_STATED` when unknown."""
    if value is None:
        return _(NOT_STATED)
    return _(yes) if value else _(no)


def duration(value: str | None) -> str:
    """An ISO 8601 duration in words with the code kept, e.g. ``6 months (P6M)``.

    Cached per language: a register uses a handful of durations, formatted for every category row.
    """
    return _duration(value, current())


@lru_cache(maxsize=1024)
def _duration(value: str | None, lang: str) -> str:
    return period_text(value) or _(NOT_STATED)


def country(code: str | None) -> str:
    """``United States (US)`` (the name in the document's language); the bare code when the name is unknown."""
    return _country(code, current())


@lru_cache(maxsize=1024)
def _country(code: str | None, lang: str) -> str:
    """:func:`country` of ``lang`` (cached, as :func:`duration`)."""
    return country_label(code) or _(NOT_STATED)


def basis(purpose: Purpose) -> str:
    """The Art. 6(1) basis of one purpose, or the source's own words, or :data:`NOT_STATED`."""
    if purpose.lawful_basis is not None:
        return _(BASIS_LABELS[purpose.lawful_basis])
    if purpose.stated_basis:
        return _("As stated: {text}").format(text=purpose.stated_basis)
    return _(NOT_STATED)


def article_point(code: str, article: str) -> str:
    """``9.2.a`` -> ``Art. 9(2)(a)``; ``49.1.second`` -> ``Art. 49(1), second subparagraph``."""
    parts = code.split(".")
    if len(parts) != 3:
        return code
    if parts[2] == "second":
        return _("Art. {article}({paragraph}), second subparagraph").format(article=article, paragraph=parts[1])
    return _("Art. {article}({paragraph})({point})").format(article=article, paragraph=parts[1], point=parts[2])


def mechanism(value: Mechanism | None) -> str:
    """A mechanism with its SCC modules, Clause 9 option or Art. 49 point."""
    if value is None:
        return _(NOT_STATED)
    parts = [_(MECHANISM_LABELS.get(value.type, value.type.value))]
    if value.modules:
        parts.append(", ".join(_module(m) for m in value.modules))
    if value.clause9_option:
        parts.append(_(CLAUSE9_WORDS[value.clause9_option]))
    if value.derogation is not None:
        parts.append(article_point(value.derogation.value, "49"))
    if value.acceded_via_clause7:
        if value.acceded_on:
            acceded = _("importer acceded through Clause 7 (signed Annex I.A) on {date}")
            parts.append(acceded.format(date=format_date(value.acceded_on)))
        else:
            acceded = _("importer acceded through Clause 7 (signed Annex I.A) on a date {not_recorded}")
            parts.append(acceded.format(not_recorded=_(NOT_STATED).lower()))
    return "; ".join(parts)


def _module(number: int) -> str:
    """An SCC module by its label, or ``Module <n>`` for a number without one."""
    label = MODULE_LABELS.get(number)
    return _(label) if label is not None else _("Module {number}").format(number=number)


def modules(value: Mechanism | None) -> str:
    """SCC modules of a mechanism, or :data:`NOT_STATED` for SCCs that name none."""
    if value is None:
        return _(NOT_STATED)
    if value.modules:
        return "\n".join(_module(m) for m in value.modules)
    if value.type in (MechanismType.SCC_2021_914, MechanismType.SCC_UNSPECIFIED):
        return _(NOT_STATED)
    return "Not applicable"


def dpf(value: DpfCertification | None) -> str:
    """DPF certification status in one line."""
    if value is None:
        return _(NOT_STATED)
    parts = [_("Certified") if value.certified else _("Not certified")]
    if value.part:
        parts.append(value.part)
    if value.covers:
        parts.append(_(COVERS_WORDS[value.covers]))
    if value.checked_on:
        parts.append(_("checked {date}").format(date=format_date(value.checked_on)))
    return ", ".join(parts)


def document(value: DocumentRef | None) -> str:
    """A document reference: ref, date, location."""
    if value is None:
        return _(NOT_STATED)
    parts = [value.ref]
    if value.date:
        parts.append(_("dated {date}").format(date=format_date(value.date)))
    if value.location:
        parts.append(_("kept at {place}").format(place=value.location))
    return ", ".join(parts)


def contact(value: Contact | None) -> str:
    """Name, position and channels of a contact, one per line."""
    if value is None:
        return _(NOT_STATED)
    head = ", ".join(p for p in (value.name, value.position) if p)
    return lines([head, *value.channels()])


def dpo(value: Dpo | None) -> str:
    """The DPO, or whether none is designated."""
    if value is None:
        return _(NOT_STATED)
    if value.designated is False:
        return _("Not designated")
    return contact(value)


def retention(value: Retention | None) -> str:
    """A retention period in one sentence, built from its parts; the source's words as a fallback."""
    if value is None:
        return _(NOT_STATED)
    parts: list[str] = []
    if value.duration:
        period = duration(value.duration)
        event = value.trigger_event
        parts.append(_("{period} from {event}").format(period=period, event=event) if event else period)
    elif value.trigger_event:
        parts.append(_("Until {event}").format(event=value.trigger_event))
    if value.criteria:
        parts.append(_("Criteria: {text}").format(text=value.criteria))
    if value.legal_basis_for_period:
        parts.append(_("Required by {text}").format(text=value.legal_basis_for_period))
    if value.statutory_period:
        parts.append(_("Statutory period {period}").format(period=duration(value.statutory_period)))
    if value.kind == "unlimited":
        parts.append(_("No time limit"))
    if value.not_possible_reason:
        parts.append(_("No limit possible: {text}").format(text=value.not_possible_reason))
    if value.end_action:
        action = END_ACTION_LABELS.get(value.end_action, value.end_action)
        parts.append(_("Then {action}").format(action=_(action)))
    if value.after_withdrawal:
        parts.append(_("After consent is withdrawn: kept {period}").format(period=duration(value.after_withdrawal)))
    if value.residual_basis:
        parts.append(_("Basis after withdrawal: {text}").format(text=value.residual_basis))
    if not parts and value.statement:
        parts.append(_("As stated: {text}").format(text=value.statement))
    return "; ".join(parts) if parts else _(NOT_STATED)


def tom(value: Tom) -> str:
    """``Measure type: what is done``."""
    return f"{_(TOM_LABELS.get(value.kind, value.kind.value))}: {value.measure}"


def clause(value: ClauseRef | None) -> str:
    """Whether an Art. 28(3) item is covered, and where."""
    if value is None:
        return _(NOT_STATED)
    out = _("Covered") if value.covered else _("Not covered")
    if value.section:
        out += f" ({value.section})"
    if value.note:
        out += f": {value.note}"
    return out


def recipient_name(register: Register, ref: str | None) -> str:
    """A provider or ``provider/sub-processor`` reference as ``Legal name (ref)``."""
    if not ref:
        return _(NOT_STATED)
    if "/" in ref:
        found = register.sub_processor(ref)
        if found is None:
            return _("{ref} (unknown reference)").format(ref=ref)
        sub = found[1]
        return f"{sub.name or sub.category or sub.id} ({ref})"
    provider = register.provider(ref)
    if provider is None:
        return _("{ref} (unknown reference)").format(ref=ref)
    return f"{provider.legal_name} ({ref})"


def recipient(register: Register, value: Recipient) -> str:
    """A recipient in one line: who, role, where."""
    who = recipient_name(register, value.provider) if value.provider else text(value.category)
    extra = [_(ROLE_LABELS[value.role.value])] if value.role else []
    if value.country:
        extra.append(country(value.country))
    return f"{who} [{', '.join(extra)}]" if extra else who


def destination(value: Transfer) -> str:
    """Country or international organisation a transfer goes to."""
    if value.country:
        return country(value.country)
    if value.international_organisation:
        return value.international_organisation
    return _(NOT_STATED)


def transfer(register: Register, value: Transfer) -> str:
    """A transfer in one line: destination, recipient, mechanism."""
    target = value.recipient
    if register.provider(target.partition("/")[0]) is not None:
        target = recipient_name(register, target)
    where = destination(value)
    where = _("Destination not stated") if where == _(NOT_STATED) else where
    how = mechanism(value.mechanism) if value.mechanism is not None else _("mechanism not stated")
    return _("{destination}, to {recipient}: {mechanism}").format(destination=where, recipient=target, mechanism=how)
