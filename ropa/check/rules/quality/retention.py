"""Storage limitation (Art. 5(1)(e)): a retention states a limit that can be applied, and no longer than needed."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.errors import KeyPath
from ropa.model.activity import Activity, DataCategory, LawfulBasis, Retention
from ropa.model.common import Severity, duration_days
from ropa.model.facts import parties
from ropa.model.register import Entry

RULES: list[Rule] = []
define = registrar(RULES)


RetentionSite = tuple[Entry, KeyPath, Retention, DataCategory | None]


def retentions(ctx: Context) -> list[RetentionSite]:
    """Every retention stated in the register: provider, activity index, activity, key path, the retention and
    its data category (None for the activity's own). Listed once per check for all retention rules."""
    return ctx.once("quality.retentions", _list_retentions)


def _list_retentions(ctx: Context) -> list[RetentionSite]:
    out: list[RetentionSite] = []
    for entry in ctx.activities():
        activity = entry.activity
        if activity.retention is not None:
            out.append((entry, ("retention",), activity.retention, None))
        for c_index, category in enumerate(activity.data_categories):
            if category.retention is not None:
                out.append((entry, ("data_categories", c_index, "retention"), category.retention, category))
    return out


def label(activity: Activity, category: DataCategory | None) -> str:
    """What a retention is the retention of, for messages."""
    if category is None:
        return f"activity {activity.id!r}"
    return f"data category {category.id!r} ({category.name})"


@define(
    id="A5-1-e-retention-vague",
    name="quality.retention-vague",
    severity=Severity.WARNING,
    summary="A retention given only in words states an actual limit, not a vague phrase, a range or a minimum.",
    article="Art. 5(1)(e); Art. 30(1)(f); Art. 13(2)(a)",
    known_problems=(
        "It matches the phrases of a word list (ropa/check/rules/lexicons.py, whole words, case-folded), so it is"
        " a heuristic: a specific text that uses a listed phrase is reported (a false positive; waive it with a "
        "reason), and a vague text in words the list lacks, or in a language it does not cover, passes (a false "
        "negative). Ranges and minimums are found by pattern ('6-24 months', '7+ years'); other wordings of an "
        "open limit pass."
    ),
    why=(
        "'As long as necessary', '6–24 months' or '7+ years' cannot be applied or checked: nobody can say "
        "when the data must be erased, which is what storage limitation asks. A limit is stated, only weakly: "
        "a warning, milder than no retention at all (A30-1-f-retention)."
    ),
    fix=(
        "Add a structured 'duration' (ISO 8601, e.g. P24M) with its 'trigger_event', or objective 'criteria'; "
        "keep the source's words in 'statement'. For a range, record the upper bound and what decides it."
    ),
    bad="""
activities:
  - id: logs
    name: API request logs
    data_categories:
      - id: logs
        name: API request logs
        retention:
          statement: 6–24 months
""",
    good="""
activities:
  - id: logs
    name: API request logs
    data_categories:
      - id: logs
        name: API request logs
        retention:
          statement: 6–24 months
          duration: P24M
          trigger_event: request logged
""",
)
def retention_vague(ctx: Context) -> Iterator[Hit]:
    for entry, path, retention, category in retentions(ctx):
        activity = entry.activity
        if retention.statement is None or retention.duration or retention.criteria:
            continue
        if retention.kind == "unlimited":
            continue
        reason = lx.retention_vagueness(retention.statement)
        if reason is None:
            continue
        yield ctx.act(
            entry,
            *path,
            "statement",
            message=(
                f"retention of {label(activity, category)} is only stated as {retention.statement!r}: {reason}; "
                "add a duration (ISO 8601, e.g. P24M) with trigger_event, or objective criteria"
            ),
        )


@define(
    id="A5-1-e-retention-trigger",
    name="quality.retention-trigger",
    severity=Severity.WARNING,
    summary="A retention duration says what it runs from (trigger_event); a bare number has a unit.",
    article="Art. 5(1)(e); Art. 30(1)(f)",
    why="'5 years' from what? Without the starting event the erasure date cannot be worked out.",
    fix="Add trigger_event (e.g. 'end of the customer relationship'); write numbers as ISO 8601 durations.",
    bad="""
activities:
  - id: invoices
    name: Invoicing
    retention:
      kind: statutory
      duration: P10Y
      legal_basis_for_period: HGB § 257
""",
    good="""
activities:
  - id: invoices
    name: Invoicing
    retention:
      kind: statutory
      duration: P10Y
      trigger_event: end of the calendar year in which the invoice was issued
      legal_basis_for_period: HGB § 257
""",
)
def retention_trigger(ctx: Context) -> Iterator[Hit]:
    for entry, path, retention, category in retentions(ctx):
        activity = entry.activity
        if retention.trigger_event:
            continue
        if retention.duration:
            yield ctx.act(
                entry,
                *path,
                "duration",
                message=(
                    f"retention of {label(activity, category)} is {retention.duration} but does not say from when; "
                    "add trigger_event"
                ),
            )
        elif retention.kind == "until_event" and not retention.criteria:
            yield ctx.act(
                entry,
                *path,
                "kind",
                message=(
                    f"retention of {label(activity, category)} runs until an event it does not name; add trigger_event"
                ),
            )
        elif retention.statement and lx.BARE_NUMBER.match(retention.statement) and not retention.criteria:
            yield ctx.act(
                entry,
                *path,
                "statement",
                message=(
                    f"retention of {label(activity, category)} is the bare number {retention.statement!r}; give a "
                    "duration with its unit (ISO 8601, e.g. P30D) and a trigger_event"
                ),
            )


@define(
    id="A5-1-e-retention-unlimited",
    name="quality.retention-unlimited",
    severity=Severity.ERROR,
    summary="Data is kept without limit only for Art. 89(1) archiving, research or statistics purposes.",
    article="Art. 5(1)(e); Art. 89(1)",
    why=(
        "Storage limitation allows keeping data longer than needed only for archiving in the public interest, "
        "research or statistics with Art. 89(1) safeguards; anything else must end."
    ),
    fix=(
        "Set a limit (duration with trigger_event, or criteria); or, if a purpose really is Art. 89(1) archiving, "
        "research or statistics, mark it archiving_research_statistics: true."
    ),
    bad="""
activities:
  - id: logs
    name: Delivery logs
    purposes:
      - description: Prove delivery of each SMS to the customer
        lawful_basis: 6.1.f
    retention:
      statement: Kept indefinitely
""",
    good="""
activities:
  - id: logs
    name: Delivery logs
    purposes:
      - description: Prove delivery of each SMS to the customer
        lawful_basis: 6.1.f
    retention:
      statement: Kept indefinitely
      duration: P13M
      trigger_event: message delivered
""",
)
def retention_unlimited(ctx: Context) -> Iterator[Hit]:
    for entry, path, retention, category in retentions(ctx):
        activity = entry.activity
        if retention.duration or retention.criteria:
            continue
        if retention.kind == "unlimited":
            where: KeyPath = (*path, "kind")
            said = "kind 'unlimited'"
        elif retention.statement and lx.UNLIMITED_RETENTION.contains(retention.statement):
            where = (*path, "statement")
            said = repr(retention.statement)
        else:
            continue
        if any(p.archiving_research_statistics for p in activity.purposes):
            continue
        yield ctx.act(
            entry,
            *where,
            message=(
                f"retention of {label(activity, category)} is unlimited ({said}) but no purpose of activity "
                f"{activity.id!r} is Art. 89(1) archiving, research or statistics; set a limit"
            ),
        )


SLACK_DAYS = 1.0
"""Durations are compared in approximate days (P12M is 365.28, P1Y 365.25): a day of slack keeps equal periods equal."""


def _longer(value: str, limit_days: float) -> bool:
    return duration_days(value) > limit_days + SLACK_DAYS


def _purpose_limit(activity: Activity, maxima: dict[str, str]) -> tuple[str, str] | None:
    """The longest maximum configured for the activity's purposes, as (purpose type, duration); None unless every
    purpose has one (a purpose without a configured maximum could justify any period)."""
    best: tuple[str, str] | None = None
    for purpose in activity.purposes:
        limit = maxima.get(purpose.purpose_type) if purpose.purpose_type else None
        if limit is None:
            return None
        if best is None or duration_days(limit) > duration_days(best[1]):
            best = (purpose.purpose_type or "", limit)
    return best


def _consent_only(activity: Activity) -> bool:
    """Whether consent is the only basis recorded for the activity (no other basis to keep data after withdrawal)."""
    bases = {p.lawful_basis for p in activity.purposes if p.lawful_basis is not None}
    return bases == {LawfulBasis.CONSENT}


@define(
    id="A5-1-e-retention-exceeds-need",
    name="quality.retention-exceeds-need",
    severity=Severity.WARNING,
    summary=(
        "A retention is no longer than the purpose's configured maximum, the statutory period plus grace, consent "
        "withdrawal plus grace, or the controller's period where the processor's contract keeps data longer."
    ),
    article="Art. 5(1)(c), (e); Art. 28(3)(g)",
    options=(
        "settings.max_retention (maximum per purpose type, e.g. {marketing: P2Y}) and settings.retention_grace "
        "(the grace added to statutory periods and to consent withdrawal)."
    ),
    why=(
        "The law sets no number, so the record is held to itself: the maximum the organisation set per purpose "
        "type (settings.max_retention), the period the cited law requires (statutory_period), erasure after "
        "consent is withdrawn, and a processor that may not keep data longer than the controller's retention."
    ),
    fix=(
        "Shorten the duration, or record why longer is needed: the statutory_period, a residual_basis for data "
        "kept after withdrawal, or a purpose_type with a longer maximum. Grace is settings.retention_grace "
        "(default P30D). For a processor, align contract.data_retention with the record."
    ),
    bad="""
# organisation.yaml
settings:
  max_retention: {marketing: P2Y}
---
# providers/acme.yaml
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
        purpose_type: marketing
    retention:
      kind: duration
      duration: P5Y
      trigger_event: opt-in
""",
    good="""
# organisation.yaml
settings:
  max_retention: {marketing: P2Y}
---
# providers/acme.yaml
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
        purpose_type: marketing
    retention:
      kind: duration
      duration: P2Y
      trigger_event: opt-in
""",
)
def retention_exceeds_need(ctx: Context) -> Iterator[Hit]:
    settings = ctx.register.organisation.settings
    grace = duration_days(settings.retention_grace)
    maxima = settings.max_retention
    for entry, path, retention, category in retentions(ctx):
        activity = entry.activity
        what = label(activity, category)
        if retention.duration and retention.kind != "statutory" and maxima and activity.purposes:
            limit = _purpose_limit(activity, maxima)
            if limit is not None and _longer(retention.duration, duration_days(limit[1])):
                yield ctx.act(
                    entry,
                    *path,
                    "duration",
                    message=(
                        f"retention of {what} is {retention.duration}, longer than the {limit[1]} configured for "
                        f"purpose type {limit[0]!r} (settings.max_retention); shorten it or say why it is needed"
                    ),
                )
        if (
            retention.duration
            and retention.statutory_period
            and _longer(retention.duration, duration_days(retention.statutory_period) + grace)
        ):
            yield ctx.act(
                entry,
                *path,
                "duration",
                message=(
                    f"retention of {what} is {retention.duration}, longer than the statutory period "
                    f"{retention.statutory_period} plus {settings.retention_grace} grace; erase at the end of the "
                    "statutory period"
                ),
            )
        after, key = retention.after_withdrawal, "after_withdrawal"
        if (
            after is None
            and retention.duration
            and retention.trigger_event
            and lx.WITHDRAWAL_HINTS.contains(retention.trigger_event)
        ):
            after, key = retention.duration, "duration"
        if after is None or retention.residual_basis or not _consent_only(activity):
            continue
        if _longer(after, grace):
            yield ctx.act(
                entry,
                *path,
                key,
                message=(
                    f"{what} rests on consent alone but is kept {after} after consent is withdrawn, more than the "
                    f"{settings.retention_grace} grace; erase it sooner or record the residual_basis for keeping it"
                ),
            )
    yield from _processor_keeps_longer(ctx)


def _processor_keeps_longer(ctx: Context) -> Iterator[Hit]:
    """Activities whose processor may keep data longer under its contract than the record's retention."""
    for entry in ctx.activities():
        activity = entry.activity
        for party in parties(ctx.register, entry):
            provider, agreement = party.provider, party.provider.contract
            if party.sub is not None or not party.processes or agreement is None or agreement.data_retention is None:
                continue
            kept = duration_days(agreement.data_retention)
            shorter: list[tuple[int, DataCategory, str]] = []
            for c_index, category in enumerate(activity.data_categories):
                own = category.retention if category.retention and category.retention.duration else None
                retention = own or activity.retention
                if retention is None or not retention.duration:
                    continue
                if kept > duration_days(retention.duration) + SLACK_DAYS:
                    shorter.append((c_index, category, retention.duration))
            if not shorter:
                continue
            c_index, _, _ = shorter[0]
            listed = ", ".join(f"{c.id!r} ({d})" for _, c, d in shorter)
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "retention",
                message=(
                    f"contract {agreement.title!r} lets {provider.id} keep the data for {agreement.data_retention}, "
                    f"longer than activity {activity.id!r} keeps {listed}; have the processor erase at the end of "
                    "the record's period, or correct the record"
                ),
            )
