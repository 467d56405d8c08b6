"""The "Recipients", "Providers" and "Sub-processors" sheets, with the Art. 28(3) coverage of contracts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ropa.i18n import format_date
from ropa.i18n import gettext as _
from ropa.model.activity import Activity, Recipient
from ropa.model.facts import involved_in, is_processor, roles_text
from ropa.model.labels import ART28_SHORT, CLAUSE1_LABELS, ROLE_LABELS
from ropa.model.provider import ART28_ITEMS, Provider, SubProcessor
from ropa.model.register import Register
from ropa.render.tables.cells import (
    NONE_RECORDED,
    clause,
    contact,
    country,
    date,
    dpf,
    dpo,
    duration,
    lines,
    mechanism,
    recipient_name,
    text,
    tom,
)
from ropa.render.tables.table import Column
from ropa.render.text import NOT_STATED


@dataclass(frozen=True)
class RecipientItem:
    """One recipient of one activity (None when the activity states none or leaves them out)."""

    provider: Provider | None
    activity: Activity
    recipient: Recipient | None


AUTHORISATION_WORDS = {"specific": "Specific authorisation", "general": "General authorisation"}
"""The provider's sub-processor authorisation (Art. 28(2)) in words (msgids of ``ropa.po``)."""


def _labels(table: dict[str, str]) -> dict[str, str]:
    """``table`` with its labels in the document's language."""
    return {key: _(label) for key, label in table.items()}


def recipient_items(register: Register) -> Iterator[RecipientItem]:
    """One row per recipient of each activity."""
    for entry in register.activities():
        activity = entry.activity
        if not activity.recipients:
            yield RecipientItem(entry.host, activity, None)
        for value in activity.recipients or ():
            yield RecipientItem(entry.host, activity, value)


def sub_processor_items(register: Register) -> Iterator[tuple[Provider, SubProcessor]]:
    """One row per sub-processor of each provider."""
    for provider in register.providers:
        for sub in provider.sub_processors:
            yield provider, sub


def _not_processor(register: Register, provider: Provider) -> str | None:
    """Why no Art. 28 contract is shown: the provider never processes for the organisation."""
    if is_processor(register, provider):
        return None
    roles = roles_text(register, provider, _labels(ROLE_LABELS))
    if not roles:
        return _("Not applicable (no processing activity recorded)")
    # The English text lowers the role labels ("controller"); a catalogue may use {roles} as labelled instead.
    return _("Not applicable ({roles_lower})").format(roles_lower=roles.lower(), roles=roles)


def contract_ref(register: Register, provider: Provider) -> str:
    """The provider's Art. 28 contract in one line (title, version, where kept), or why there is none to show."""
    if (why := _not_processor(register, provider)) is not None:
        return why
    c = provider.contract
    if c is None:
        return _(NOT_STATED)
    out = _("{title} (version {version})").format(title=c.title, version=c.version) if c.version else c.title
    return _("{document}, kept at {place}").format(document=out, place=c.location) if c.location else out


def recipient_columns(register: Register) -> list[Column[RecipientItem]]:
    """The columns of the Recipients sheet."""

    def who(i: RecipientItem) -> str:
        if i.recipient is None:
            return NOT_STATED if i.activity.recipients is None else _("No recipients (stated)")
        if i.recipient.provider:
            return recipient_name(register, i.recipient.provider)
        return text(i.recipient.category)

    def rec(get: Callable[[Recipient], str]) -> Callable[[RecipientItem], str]:
        def value(i: RecipientItem) -> str:
            if i.recipient is None:
                return NOT_STATED if i.activity.recipients is None else "Not applicable"
            return get(i.recipient)

        return value

    return [
        Column("Provider id", 16, lambda i: i.provider.id if i.provider else "In-house"),
        Column("Activity id", 18, lambda i: i.activity.id),
        Column("Activity", 28, lambda i: i.activity.name),
        Column("Recipient", 34, who),
        Column("Register reference", 22, rec(lambda r: r.provider or _("None (named category)"))),
        Column("Role", 16, rec(lambda r: _(ROLE_LABELS[r.role.value]) if r.role else NOT_STATED)),
        Column("Country", 20, rec(lambda r: country(r.country))),
        Column("Data shared", 36, rec(lambda r: lines(r.data_shared))),
        Column("Source", 26, rec(lambda r: text(r.source))),
    ]


def provider_columns(register: Register) -> list[Column[Provider]]:
    """The columns of the Providers sheet."""

    def art28(key: str) -> Callable[[Provider], str]:
        def value(p: Provider) -> str:
            if (why := _not_processor(register, p)) is not None:
                return why
            if p.contract is None:
                return NOT_STATED
            return clause(p.contract.art28.item(key))

        return value

    def contract(get: Callable[[Any], str | None]) -> Callable[[Provider], str]:
        return lambda p: text(get(p.contract)) if p.contract is not None else NOT_STATED

    def authorisation(p: Provider) -> str:
        auth = p.sub_processor_authorisation
        if auth is None:
            return NOT_STATED
        parts = [_(AUTHORISATION_WORDS[auth.type])]
        if auth.notice_period:
            parts.append(_("notice {period}").format(period=duration(auth.notice_period)))
        if auth.objection_channel:
            parts.append(_("objections: {channel}").format(channel=auth.objection_channel))
        return "; ".join(parts)

    def documents(p: Provider) -> str:
        return lines(
            ", ".join(x for x in (d.title, format_date(d.date) if d.date else None, d.url) if x) for d in p.documents
        )

    def title(c: Any) -> str:
        return _("{title} (version {version})").format(title=c.title, version=c.version) if c.version else str(c.title)

    def kept(p: Provider) -> str:
        if p.contract is None:
            return NOT_STATED
        return duration(p.contract.data_retention) if p.contract.data_retention else NONE_RECORDED

    def clause1(p: Provider) -> str:
        c = p.contract
        if c is not None and c.clause1_option:
            return _(CLAUSE1_LABELS[c.clause1_option])
        return NOT_STATED if c is not None and c.based_on == "scc_2021_915" else "Not applicable"

    def assistance(p: Provider) -> str:
        c = p.contract
        if c is not None and c.assistance_measures:
            return c.assistance_measures
        if (why := _not_processor(register, p)) is not None:
            return why
        return NOT_STATED if c is None or c.based_on == "scc_2021_915" else NONE_RECORDED

    short = ART28_SHORT
    items = [Column(f"Art. 28(3)({k}) {v}", 22, art28(k)) for k, v in short.items()]
    assert set(short) | {"notice"} == set(ART28_ITEMS)
    return [
        Column("Provider id", 16, lambda p: p.id),
        Column("Legal name", 26, lambda p: p.legal_name),
        Column("Trading name", 18, lambda p: text(p.trading_name)),
        Column("Registration number", 20, lambda p: text(p.registration_number)),
        Column("Address", 30, lambda p: p.address.one_line() if p.address else NOT_STATED),
        Column("Country", 18, lambda p: country(p.country)),
        Column("Role", 16, lambda p: roles_text(register, p, _labels(ROLE_LABELS)) or NOT_STATED),
        Column("Service", 28, lambda p: p.service),
        Column("Contacts", 28, lambda p: lines(contact(c) for c in p.contacts)),
        Column("DPO", 24, lambda p: dpo(p.dpo)),
        Column("EU representative (Art. 27)", 22, lambda p: text(p.eu_representative)),
        Column("Data locations", 22, lambda p: lines(country(c) for c in p.data_locations)),
        Column("Transfer mechanisms", 34, lambda p: lines((mechanism(m) for m in p.mechanisms), empty=NONE_RECORDED)),
        Column("DPF certification", 22, lambda p: dpf(p.dpf)),
        Column("Contract / DPA (Art. 28(3))", 30, contract(title)),
        Column("Signed", 12, contract(lambda c: c.signed.isoformat() if c.signed else None)),
        Column("Form (Art. 28(9))", 12, contract(lambda c: _(c.form) if c.form else None)),
        Column("Based on", 16, contract(lambda c: c.based_on)),
        Column("Contract kept at", 24, contract(lambda c: c.location)),
        Column("Subject-matter", 24, contract(lambda c: c.subject_matter)),
        Column("Duration", 18, contract(lambda c: c.duration)),
        Column("Nature", 22, contract(lambda c: c.nature)),
        Column("Data kept by the processor at most", 18, kept),
        Column("Clause 1 option (2021/915)", 16, clause1),
        Column("Assistance to the controller (2021/915 Clauses 8, 9)", 30, assistance),
        *items,
        Column("Art. 28(3) notice of infringing instructions", 22, art28("notice")),
        Column("Sub-processor authorisation (Art. 28(2))", 30, authorisation),
        Column("Sub-processors", 12, lambda p: len(p.sub_processors)),
        Column("Security measures (Art. 32)", 44, lambda p: lines(tom(t) for t in p.toms)),
        Column("Documents", 40, documents),
        Column("Activities", 12, lambda p: len(involved_in(register, p))),
        Column("Source", 26, lambda p: text(p.source)),
    ]


def sub_processor_columns(register: Register) -> list[Column[tuple[Provider, SubProcessor]]]:
    """The columns of the Sub-processors sheet."""
    return [
        Column("Provider id", 16, lambda i: i[0].id),
        Column("Provider", 24, lambda i: i[0].legal_name),
        Column("Sub-processor id", 18, lambda i: i[1].id),
        Column(
            "Sub-processor",
            28,
            lambda i: (
                i[1].name or (_("As described: {text}").format(text=i[1].category) if i[1].category else NOT_STATED)
            ),
        ),
        Column("Country", 18, lambda i: country(i[1].country)),
        Column("Address", 28, lambda i: text(i[1].address)),
        Column("Contact person", 26, lambda i: contact(i[1].contact)),
        Column("Service", 28, lambda i: text(i[1].service)),
        Column("Authorisation", 14, lambda i: _(i[1].authorisation) if i[1].authorisation else NOT_STATED),
        Column("Authorised on", 13, lambda i: date(i[1].authorised_on)),
        Column("Flow-down contract (Art. 28(4))", 28, lambda i: text(i[1].flow_down)),
        Column("Transfer mechanism", 34, lambda i: mechanism(i[1].mechanism)),
        Column("DPF certification", 22, lambda i: dpf(i[1].dpf)),
        Column(
            "Passes data on to",
            24,
            lambda i: lines((recipient_name(register, f"{i[0].id}/{s}") for s in i[1].sub_processors), empty="None"),
        ),
        Column("Source", 26, lambda i: text(i[1].source)),
    ]
