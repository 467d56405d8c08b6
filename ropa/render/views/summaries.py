"""The summary tables of the register: recipients and providers, retention per data category."""

from __future__ import annotations

from dataclasses import dataclass, field

from ropa.i18n import format_date
from ropa.i18n import gettext as _
from ropa.model.activity import RecipientRole
from ropa.model.facts import involved_in, outside_eea, roles_text
from ropa.model.labels import ROLE_LABELS
from ropa.model.register import Register
from ropa.render.countries import country_label
from ropa.render.text import period_text
from ropa.render.views.activity import RecipientView, category_view, recipient_view
from ropa.render.views.marks import EMPTY, FindingIndex, Mark
from ropa.render.views.parties import provider_locations
from ropa.render.views.places import Place, places_of
from ropa.render.views.wording import retention_text


@dataclass(frozen=True)
class RecipientRow:
    """One line of the recipients and providers summary."""

    name: str
    role: str | None
    country: str | None
    outside_eea: bool
    service: str | None
    contract: str | None
    activities: str
    places: list[Place] = field(default_factory=list)
    """The establishment and every other place the data is kept, each with its own EEA status."""
    place_marks: list[Mark] = field(default_factory=list)
    role_marks: list[Mark] = field(default_factory=list)
    contract_marks: list[Mark] = field(default_factory=list)


@dataclass(frozen=True)
class RetentionRow:
    """One line of the retention summary: a data category of an activity."""

    activity: str
    category: str
    retention: str | None
    from_activity: bool
    marks: list[Mark] = field(default_factory=list)


def recipient_rows(register: Register, index: FindingIndex | None = None) -> list[RecipientRow]:
    """Providers (by id) then other named recipients (by name), with the activities they serve."""
    rows: list[RecipientRow] = []
    for provider in register.providers:
        scope = index.scope(register.provider_files.get(provider.id)) if index is not None else EMPTY
        contract = None
        if provider.contract is not None:
            c = provider.contract
            kept = c.data_retention and _("personal data kept at most {period}").format(
                period=period_text(c.data_retention)
            )
            version = c.version and _("version {version}").format(version=c.version)
            signed = c.signed and _("signed {date}").format(date=format_date(c.signed))
            contract = ", ".join(p for p in (c.title, version, signed, kept) if p)
        country = country_label(provider.country)
        rows.append(
            RecipientRow(
                name=provider.legal_name + (f" ({provider.trading_name})" if provider.trading_name else ""),
                role=roles_text(register, provider, {value: _(label) for value, label in ROLE_LABELS.items()}),
                country=country,
                outside_eea=any(outside_eea(code) for code in provider_locations(provider)),
                service=provider.service,
                contract=contract,
                activities=", ".join(e.activity.name for e in involved_in(register, provider))
                or _("No activity recorded"),
                places=places_of(provider.country, provider_locations(provider)),
                place_marks=scope.at("country") + scope.at("data_locations"),
                role_marks=scope.at("role"),
                contract_marks=scope.at("contract"),
            )
        )
    others: dict[tuple[str, str], list[str]] = {}
    details: dict[tuple[str, str], RecipientView] = {}
    for entry in register.activities():
        activity = entry.activity
        for recipient in activity.recipients or []:
            if recipient.provider and "/" not in recipient.provider:
                continue
            view = recipient_view(register, recipient)
            key = (view.name, view.role or "")
            others.setdefault(key, [])
            if activity.name not in others[key]:
                others[key].append(activity.name)
            details.setdefault(key, view)
    no_contract = {
        _(ROLE_LABELS[RecipientRole.PUBLIC_AUTHORITY.value]): _("Not applicable (public authority)"),
        _(ROLE_LABELS[RecipientRole.SUB_PROCESSOR.value]): _("Through the provider's contract (Art. 28(4))"),
        _(ROLE_LABELS[RecipientRole.INTERNAL.value]): _("Not applicable (internal)"),
    }
    for key in sorted(others):
        view = details[key]
        rows.append(
            RecipientRow(
                name=view.name,
                role=view.role,
                country=view.country,
                outside_eea=view.outside_eea,
                service=view.data,
                contract=no_contract.get(view.role or ""),
                activities=", ".join(others[key]),
                places=[view.place] if view.place is not None else [],
            )
        )
    return rows


def retention_rows(register: Register, index: FindingIndex | None = None) -> list[RetentionRow]:
    """Every data category of every activity with its retention, marked where a finding is about it."""
    rows = []
    for entry in register.activities():
        activity = entry.activity
        scope = index.scope(entry.file, entry.path) if index is not None else EMPTY
        if not activity.data_categories:
            fallback = retention_text(activity.retention)
            rows.append(
                RetentionRow(activity.name, _("No data category recorded"), fallback, False, scope.at("retention"))
            )
        for i, category in enumerate(activity.data_categories):
            view = category_view(category, activity, scope, i)
            rows.append(
                RetentionRow(
                    activity.name, category.name, view.retention, view.retention_from_activity, view.retention_marks
                )
            )
    return rows
