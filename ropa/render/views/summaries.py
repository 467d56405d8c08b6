"""The summary tables of the register: recipients and providers, retention per data category."""

from __future__ import annotations

from dataclasses import dataclass

from ropa.model.activity import RecipientRole
from ropa.model.facts import outside_eea
from ropa.model.labels import ROLE_LABELS
from ropa.model.register import Register
from ropa.render.text import country_label, period_text
from ropa.render.views.activity import RecipientView, category_view, recipient_view
from ropa.render.views.parties import provider_locations
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


@dataclass(frozen=True)
class RetentionRow:
    """One line of the retention summary: a data category of an activity."""

    activity: str
    category: str
    retention: str | None
    from_activity: bool


def recipient_rows(register: Register) -> list[RecipientRow]:
    """Providers (by id) then other named recipients (by name), with the activities they serve."""
    rows: list[RecipientRow] = []
    for provider in register.providers:
        contract = None
        if provider.contract is not None:
            c = provider.contract
            kept = c.data_retention and f"personal data kept at most {period_text(c.data_retention)}"
            contract = ", ".join(
                p for p in (c.title, c.version and f"version {c.version}", c.signed and f"signed {c.signed}", kept) if p
            )
        locations = [code for code in provider_locations(provider) if code != provider.country]
        country = country_label(provider.country)
        if locations:
            where = ", ".join(locations)
            country = f"{country}; data also in {where}" if country else f"establishment not stated; data in {where}"
        rows.append(
            RecipientRow(
                name=provider.legal_name + (f" ({provider.trading_name})" if provider.trading_name else ""),
                role=ROLE_LABELS.get(provider.role.value, provider.role.value),
                country=country,
                outside_eea=any(outside_eea(code) for code in provider_locations(provider)),
                service=provider.service,
                contract=contract,
                activities=", ".join(a.name for a in provider.activities) or "No activity recorded",
            )
        )
    others: dict[tuple[str, str], list[str]] = {}
    details: dict[tuple[str, str], RecipientView] = {}
    for _provider, _index, activity in register.activities():
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
        ROLE_LABELS[RecipientRole.PUBLIC_AUTHORITY.value]: "Not applicable (public authority)",
        ROLE_LABELS[RecipientRole.SUB_PROCESSOR.value]: "Through the provider's contract (Art. 28(4))",
        ROLE_LABELS[RecipientRole.INTERNAL.value]: "Not applicable (internal)",
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
            )
        )
    return rows


def retention_rows(register: Register) -> list[RetentionRow]:
    """Every data category of every activity with its retention."""
    rows = []
    for _provider, _index, activity in register.activities():
        if not activity.data_categories:
            fallback = retention_text(activity.retention)
            rows.append(RetentionRow(activity.name, "No data category recorded", fallback, False))
        for category in activity.data_categories:
            view = category_view(category, activity)
            rows.append(RetentionRow(activity.name, category.name, view.retention, view.retention_from_activity))
    return rows
