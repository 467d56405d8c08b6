"""The "Data categories" and "Retention" sheets: one row per activity and category of personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ropa.i18n import gettext as _
from ropa.model.activity import Activity, DataCategory, LawfulBasis, Retention
from ropa.model.labels import END_ACTION_LABELS, SPECIAL_LABELS, sentence_case
from ropa.model.provider import Provider
from ropa.model.register import Register
from ropa.render.tables.cells import article_point, duration, lines, retention, text
from ropa.render.tables.sources import sources
from ropa.render.tables.table import Column
from ropa.render.text import NOT_STATED


@dataclass(frozen=True)
class CategoryItem:
    """One data category of one activity, with the retention that applies to it."""

    provider: Provider | None
    activity: Activity
    category: DataCategory | None
    retention: Retention | None
    retention_from: str


def category_items(register: Register) -> Iterator[CategoryItem]:
    """One row per data category of each activity, with the retention that applies to it."""
    for entry in register.activities():
        provider, activity = entry.host, entry.activity
        if not activity.data_categories:
            yield CategoryItem(provider, activity, None, activity.retention, _origin(None, activity))
        for category in activity.data_categories:
            yield CategoryItem(
                provider, activity, category, category.retention or activity.retention, _origin(category, activity)
            )


def _origin(category: DataCategory | None, activity: Activity) -> str:
    if category is not None and category.retention is not None:
        return _("Data category")
    if activity.retention is not None:
        return _("Activity (applies to categories without their own)")
    return NOT_STATED


def safeguards(c: DataCategory) -> str:
    """Restrictions or safeguards of a special-category or criminal-offence category (with Art. 9(3) secrecy).

    :data:`NOT_STATED` for sensitive data without them, "Not applicable" for other data.
    """
    parts = [x for x in (c.safeguards,) if x]
    if c.professional_secrecy:
        parts.append(_("Professional secrecy (Art. 9(3)): {text}").format(text=c.professional_secrecy))
    if parts:
        return "; ".join(parts)
    return NOT_STATED if c.special is not None or c.criminal else "Not applicable"


def category_columns() -> list[Column[CategoryItem]]:
    """The columns of the Data categories sheet."""

    def cat(get: Callable[[DataCategory], str]) -> Callable[[CategoryItem], str]:
        return lambda i: get(i.category) if i.category is not None else NOT_STATED

    def ret(get: Callable[[Retention], str | None]) -> Callable[[CategoryItem], str]:
        return lambda i: text(get(i.retention)) if i.retention is not None else NOT_STATED

    return [
        Column("Provider id", 16, lambda i: i.provider.id if i.provider else "In-house"),
        Column("Activity id", 18, lambda i: i.activity.id),
        Column("Activity", 28, lambda i: i.activity.name),
        Column("Category id", 18, cat(lambda c: c.id)),
        Column("Data category", 30, cat(lambda c: c.name)),
        Column(
            "Special category (Art. 9(1))",
            22,
            cat(lambda c: _(sentence_case(SPECIAL_LABELS[c.special])) if c.special else "No"),
        ),
        Column(
            "Art. 9(2) condition",
            20,
            cat(
                lambda c: (
                    (article_point(c.art9_condition.value, "9") if c.art9_condition else NOT_STATED)
                    if c.special
                    else "Not applicable"
                )
            ),
        ),
        Column(
            "Art. 9 law or agreement",
            22,
            cat(lambda c: c.art9_law_ref or ("Not applicable" if not c.special else NOT_STATED)),
        ),
        Column("Criminal offence data (Art. 10)", 16, cat(lambda c: "Yes" if c.criminal else "No")),
        Column("Art. 10 authority", 22, cat(lambda c: text(c.art10_authority) if c.criminal else "Not applicable")),
        Column("Restrictions or safeguards (sensitive data)", 30, cat(safeguards)),
        Column("Retention duration", 20, ret(lambda r: duration(r.duration) if r.duration else None)),
        Column("Retention trigger", 24, ret(lambda r: r.trigger_event)),
        Column("Retention criteria", 30, ret(lambda r: r.criteria)),
        Column("Retention statement (source's words)", 36, ret(lambda r: r.statement)),
        Column("Retention (summary)", 40, lambda i: retention(i.retention)),
        Column("Retention set on", 22, lambda i: i.retention_from),
        Column("Sources", 30, lambda i: lines(sources(i.category)) if i.category is not None else NOT_STATED),
    ]


def retention_columns() -> list[Column[CategoryItem]]:
    """The columns of the Retention sheet."""

    def ret(get: Callable[[Retention], str | None]) -> Callable[[CategoryItem], str]:
        return lambda i: text(get(i.retention)) if i.retention is not None else NOT_STATED

    def consent_based(i: CategoryItem) -> bool:
        return any(p.lawful_basis is LawfulBasis.CONSENT for p in i.activity.purposes)

    def statutory(i: CategoryItem) -> str:
        r = i.retention
        if r is not None and r.statutory_period:
            return duration(r.statutory_period)
        return _("As the duration") if r is not None and r.kind == "statutory" else "Not applicable"

    def withdrawal(i: CategoryItem) -> str:
        r = i.retention
        if r is not None and r.after_withdrawal:
            return duration(r.after_withdrawal)
        return NOT_STATED if consent_based(i) else "Not applicable"

    def residual(i: CategoryItem) -> str:
        r = i.retention
        if r is not None and r.residual_basis:
            return r.residual_basis
        return NOT_STATED if r is not None and r.after_withdrawal else "Not applicable"

    return [
        Column("Provider id", 16, lambda i: i.provider.id if i.provider else "In-house"),
        Column("Activity id", 18, lambda i: i.activity.id),
        Column("Activity", 28, lambda i: i.activity.name),
        Column("Data category", 30, lambda i: i.category.name if i.category is not None else NOT_STATED),
        Column("Kind", 14, ret(lambda r: _(r.kind.replace("_", " ")) if r.kind else None)),
        Column("Duration", 20, ret(lambda r: duration(r.duration) if r.duration else None)),
        Column("Runs from", 24, ret(lambda r: r.trigger_event)),
        Column("Criteria", 30, ret(lambda r: r.criteria)),
        Column("Statutory basis for the period", 26, ret(lambda r: r.legal_basis_for_period)),
        Column("Statutory period", 18, statutory),
        Column(
            "At the end",
            18,
            ret(lambda r: _(END_ACTION_LABELS.get(r.end_action, r.end_action)) if r.end_action else None),
        ),
        Column("Why no limit is possible", 26, ret(lambda r: r.not_possible_reason)),
        Column("Kept after consent is withdrawn", 20, withdrawal),
        Column("Basis for keeping after withdrawal", 28, residual),
        Column("Statement (source's words)", 36, ret(lambda r: r.statement)),
        Column("Retention (summary)", 40, lambda i: retention(i.retention)),
        Column("Set on", 22, lambda i: i.retention_from),
        Column("Source", 26, ret(lambda r: r.source)),
    ]
