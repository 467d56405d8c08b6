"""Referential integrity and freshness: what the record points at exists, is used, and is not out of date.

Broken provider and sub-processor references are input errors raised by the
loader (a register whose references dangle cannot be rendered); the rules here
cover what remains: settings naming unknown rules or ids, definitions nobody
uses, reviews that are due, and the age of the bundled adequacy list. The
``WAIVER-*`` entries document findings the checker itself emits.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator

from ropa import refdata
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.common import Severity, duration_days
from ropa.model.facts import parties
from ropa.model.transfer import MechanismType

RULES: list[Rule] = []
define = registrar(RULES)

ADEQUACY_MAX_AGE_DAYS = 90
"""How old the bundled adequacy list may be before adequacy verdicts are provisional."""


def _suggest(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


@define(
    id="REF-undefined",
    name="freshness.undefined-reference",
    severity=Severity.ERROR,
    summary="Severity overrides and waivers name rules, providers and activities that exist.",
    article="Art. 5(2)",
    why=(
        "A waiver or override for a misspelt rule or id silently does nothing: the finding it meant to handle is "
        "still reported, or the rule it meant to switch off still runs."
    ),
    fix="Correct the id (see 'ropa rules' for rule ids, and the providers/ files for provider and activity ids).",
    bad="""
# organisation.yaml
settings:
  severity_overrides:
    A30-1-g-tom: error
""",
    good="""
# organisation.yaml
settings:
  severity_overrides:
    A30-1-g-toms: error
""",
)
def undefined_reference(ctx: Context) -> Iterator[Hit]:
    from ropa.check.rules import RETIRED, catalogue

    rule_ids = list(catalogue())
    settings = ctx.register.organisation.settings

    def rule_problem(rule_id: str) -> str | None:
        if rule_id in RETIRED:
            return f"rule {rule_id!r} is retired ({RETIRED[rule_id]})"
        if rule_id not in catalogue():
            return f"there is no rule {rule_id!r}{_suggest(rule_id, rule_ids)}"
        return None

    for key in settings.severity_overrides:
        problem = rule_problem(key)
        if problem:
            yield ctx.org("settings", "severity_overrides", key, message=f"severity override: {problem}")
    if not settings.waivers:
        return
    provider_ids = [p.id for p in ctx.register.providers]
    activity_ids = [entry.activity.id for entry in ctx.activities()]
    activity_ids += [pa.id for pa in ctx.register.organisation.processor_activities]
    known_activities = set(activity_ids)
    for w_index, waiver in enumerate(settings.waivers):
        problem = rule_problem(waiver.rule)
        if problem:
            yield ctx.org("settings", "waivers", w_index, "rule", message=f"waiver: {problem}")
        if waiver.provider and ctx.register.provider(waiver.provider) is None:
            yield ctx.org(
                "settings",
                "waivers",
                w_index,
                "provider",
                message=f"waiver: there is no provider {waiver.provider!r}{_suggest(waiver.provider, provider_ids)}",
            )
        if waiver.activity and waiver.activity not in known_activities:
            yield ctx.org(
                "settings",
                "waivers",
                w_index,
                "activity",
                message=f"waiver: there is no activity {waiver.activity!r}{_suggest(waiver.activity, activity_ids)}",
            )


@define(
    id="REF-orphan",
    name="freshness.orphan",
    severity=Severity.INFO,
    summary="Providers are used by an activity, and sub-processors outside the EEA appear in a transfer or recipient.",
    article="Art. 30(1)(d)-(e); Art. 5(2)",
    why=(
        "A provider no activity uses, or a sub-processor abroad that no transfer names, is either stale or a "
        "flow the record forgot; either way the record and reality have drifted apart."
    ),
    fix=(
        "Add the activities carried out with the provider (or name it as a recipient), name the sub-processor in "
        "the transfers that reach it ('provider/sub-processor'), or remove what is no longer used."
    ),
    bad="""
activities: []
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
""",
)
def orphan(ctx: Context) -> Iterator[Hit]:
    used_providers: set[str] = set()
    used_subs: set[str] = set()
    for entry in ctx.activities():
        activity = entry.activity
        used_providers.update(party.provider.id for party in parties(ctx.register, entry))
        refs = [r.provider for r in activity.recipients or () if r.provider]
        refs += [t.recipient for t in activity.transfers]
        for ref in refs:
            used_providers.add(ref.partition("/")[0])
            if "/" in ref:
                used_subs.add(ref)
    eea = refdata.eea()
    for provider in ctx.register.providers:
        if provider.id not in used_providers:
            yield ctx.prov(
                provider,
                "id",
                message=(
                    f"provider {provider.id} has no activities and no activity names it as recipient or transfer; "
                    "add its activities or remove the file"
                ),
            )
        for s_index, sub in enumerate(provider.sub_processors):
            if sub.country and sub.country not in eea and f"{provider.id}/{sub.id}" not in used_subs:
                yield ctx.prov(
                    provider,
                    "sub_processors",
                    s_index,
                    "id",
                    message=(
                        f"sub-processor {sub.id!r} of {provider.id} processes in {sub.country} (outside the EEA) but "
                        f"no transfer or recipient names '{provider.id}/{sub.id}'; add it to the activities that "
                        "reach it"
                    ),
                )


@define(
    id="REVIEW-stale",
    name="freshness.review-stale",
    severity=Severity.WARNING,
    summary="Every entry was reviewed within settings.review_interval (default 12 months); a missing date is info.",
    article="Art. 5(2); Art. 24(1)",
    options="settings.review_interval (default P12M).",
    why="The record is a living document: measures are 'reviewed and updated where necessary' (Art. 24(1)).",
    fix="Review the entry and set last_reviewed to the date; change settings.review_interval to adjust the period.",
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    last_reviewed: 2024-05-02
""",
    good="""
# as of 2026-11-23
activities:
  - id: otp
    name: One-time passcodes
    last_reviewed: 2026-05-02
""",
)
def review_stale(ctx: Context) -> Iterator[Hit]:
    interval = ctx.register.organisation.settings.review_interval
    limit = duration_days(interval)

    def verdict(entry_id: str, last: dt.date | None) -> tuple[str, Severity | None] | None:
        if last is None:
            return (
                f"entry {entry_id!r} has no last_reviewed date; review it and record the date",
                Severity.INFO,
            )
        age = (ctx.as_of - last).days
        if age > limit:
            return (
                f"entry {entry_id!r} was last reviewed on {last.isoformat()}, {age} days ago, longer than the "
                f"review interval {interval}; review it and update last_reviewed",
                None,
            )
        return None

    for p_index, pa in enumerate(ctx.register.organisation.processor_activities):
        found = verdict(pa.id, pa.last_reviewed)
        if found:
            yield ctx.org("processor_activities", p_index, "last_reviewed", message=found[0], severity=found[1])
    for entry in ctx.activities():
        activity = entry.activity
        found = verdict(activity.id, activity.last_reviewed)
        if found:
            yield ctx.act(entry, "last_reviewed", message=found[0], severity=found[1])


@define(
    id="DATA-adequacy-dataset-stale",
    name="freshness.adequacy-dataset-stale",
    severity=Severity.WARNING,
    summary="The bundled adequacy list was verified within the last 90 days when a transfer relies on adequacy.",
    article="Art. 45(3), (5)",
    options="None; the limit is ADEQUACY_MAX_AGE_DAYS (90 days) in ropa/check/rules/freshness.py.",
    why=(
        "Adequacy decisions are reviewed, renewed, suspended and annulled; verdicts based on an old copy of the "
        "list are provisional. This finding appears over time by design: it asks for a check."
    ),
    fix=(
        "Update ropa (or ropa/refdata/adequacy.yaml and its last_verified date) after checking the Commission's "
        "adequacy page, then validate again."
    ),
    bad="""
# as of 2099-01-01
country: JP
mechanisms:
  - type: adequacy
""",
    good="""
# as of 2026-12-01
country: JP
mechanisms:
  - type: adequacy
""",
)
def adequacy_dataset_stale(ctx: Context) -> Iterator[Hit]:
    from ropa.check.rules.helpers import at
    from ropa.model.facts import recorded

    relying = [site for site, mech in recorded(ctx.register) if mech.type == MechanismType.ADEQUACY]
    if not relying:
        return
    verified = refdata.load("adequacy")["last_verified"]
    if not isinstance(verified, dt.date):
        verified = dt.date.fromisoformat(str(verified))
    age = (ctx.as_of - verified).days
    if age <= ADEQUACY_MAX_AGE_DAYS:
        return
    yield at(
        relying[0],
        "type",
        message=(
            f"the bundled adequacy list was last verified on {verified.isoformat()}, {age} days ago (more than "
            f"{ADEQUACY_MAX_AGE_DAYS}); the {len(relying)} adequacy-based verdict(s) here are provisional: update "
            "ropa or ropa/refdata/adequacy.yaml and validate again"
        ),
    )


@define(
    id="WAIVER-expired",
    name="waivers.expired",
    severity=Severity.WARNING,
    summary="A waiver's expiry date has passed (emitted by the checker, not by a rule).",
    article="Art. 5(2)",
    why=(
        "A waiver records an accepted risk for a limited time; once it lapses the finding it covered is "
        "reported again, and the decision to accept it must be renewed or the finding fixed."
    ),
    fix="Fix the finding and remove the waiver, or renew it with a new 'expires' date and a current reason.",
    bad="""
# organisation.yaml
settings:
  waivers:
    - rule: A30-1-g-toms
      reason: TOM annex requested from the provider on 2026-01-10
      expires: 2026-01-31
""",
    good="""
# organisation.yaml
settings:
  waivers:
    - rule: A30-1-g-toms
      reason: TOM annex requested from the provider on 2026-11-10
      expires: 2026-12-31
""",
)
def waiver_expired(ctx: Context) -> Iterator[Hit]:
    yield from ()


@define(
    id="WAIVER-unused",
    name="waivers.unused",
    severity=Severity.WARNING,
    summary="A waiver matches no finding (emitted by the checker, not by a rule).",
    article="Art. 5(2)",
    why=(
        "A waiver that silences nothing is stale (the finding was fixed) or mistyped (the finding is still "
        "reported); either way it misleads whoever reads the settings."
    ),
    fix="Remove the waiver, or correct its rule, provider or activity so it matches the finding it is meant for.",
    bad="""
# organisation.yaml
settings:
  waivers:
    - rule: A30-1-g-toms
      activity: otp
      reason: TOM annex requested from the provider
      expires: 2026-12-31
---
# providers/acme.yaml
toms:
  - kind: transmission
    measure: TLS 1.2+ on every API call
activities:
  - id: otp
    name: One-time passcodes
""",
    good="""
# organisation.yaml
settings:
  waivers:
    - rule: A30-1-g-toms
      activity: otp
      reason: TOM annex requested from the provider
      expires: 2026-12-31
---
# providers/acme.yaml
activities:
  - id: otp
    name: One-time passcodes
""",
)
def waiver_unused(ctx: Context) -> Iterator[Hit]:
    yield from ()


_MILESTONES: tuple[tuple[dt.date, str, Severity], ...] = (
    (dt.date(2018, 5, 25), "the GDPR's application (25 May 2018): it describes the law before it", Severity.WARNING),
    (
        dt.date(2020, 7, 16),
        "Schrems II (16 July 2020): its transfer statements may rest on Privacy Shield or need an assessment",
        Severity.INFO,
    ),
    (
        dt.date(2021, 6, 27),
        "the 2021 clauses (27 June 2021): any SCCs it names are the repealed ones",
        Severity.INFO,
    ),
)
"""Dates after which a provider's document may no longer describe the law, oldest first."""


@define(
    id="A28-1-document-predates",
    name="freshness.document-predates",
    severity=Severity.INFO,
    summary=(
        "A provider's document is not older than the GDPR's application (warning), Schrems II or the 2021 "
        "clauses (info)."
    ),
    article="Art. 24(1); Art. 28(1); CJEU C-311/18; Decision (EU) 2021/914 Art. 4",
    why=(
        "The controller relies on a provider's documents for the guarantees of Art. 28(1) and its transfer "
        "facts. A document dated before 25 May 2018 describes the law before the GDPR (a warning); one from "
        "before 16 July 2020 or 27 June 2021 may rely on Privacy Shield or the repealed SCCs (info: check it "
        "against the provider's current version)."
    ),
    fix="Ask for, or find, the provider's current document and record it with its date.",
    bad="""
documents:
  - title: Privacy policy
    date: 2017-03-01
""",
    good="""
documents:
  - title: Privacy policy
    date: 2025-09-01
""",
)
def document_predates(ctx: Context) -> Iterator[Hit]:
    for provider in ctx.register.providers:
        for d_index, document in enumerate(provider.documents):
            if document.date is None:
                continue
            for since, what, severity in _MILESTONES:
                if document.date < since:
                    yield ctx.prov(
                        provider,
                        "documents",
                        d_index,
                        "date",
                        message=(
                            f"{provider.id}'s document {document.title!r} is dated {document.date.isoformat()}, "
                            f"before {what}; record its current version"
                        ),
                        severity=severity,
                    )
                    break
