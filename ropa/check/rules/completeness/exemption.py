"""Art. 30(5): an organisation that claims the exemption from keeping a record is within the headcount
limit of its regime and processes nothing that the exemption excludes.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.activity import Activity
from ropa.model.common import Severity
from ropa.model.facts import derogation_claimed

RULES: list[Rule] = []
define = registrar(RULES)


ART30_5_LIMITS: dict[str, int] = {"gdpr-2016": 250, "omnibus-iv": 750}
"""Headcount from which the Art. 30(5) derogation is unavailable, per settings.art30_5_regime."""


@define(
    id="A30-5-exemption",
    name="completeness.art30-5-derogation",
    severity=Severity.ERROR,
    summary=(
        "An activity claimed under the Art. 30(5) derogation has a headcount under 250 and none of its triggers: "
        "risk, regular processing, Art. 9 or Art. 10 data."
    ),
    article="Art. 30(5); WP29 position paper on Art. 30(5) (19 April 2018)",
    options=(
        "settings.art30_5_regime: gdpr-2016 (the text in force) or omnibus-iv (the proposed amendment), which "
        "changes the headcount and the triggers."
    ),
    why=(
        "The derogation for organisations under 250 does not apply to processing that is likely to result in a "
        "risk, is not occasional, or includes Art. 9 or Art. 10 data; any one of them brings the activity back "
        "into the record, and payroll, customers or marketing are never occasional. With settings.art30_5_regime "
        "'omnibus-iv' the 2025 proposal is applied instead: under 750, and only a high risk (Art. 35) counts."
    ),
    fix=(
        "Record the activity in full (art30_5_derogation: false on the activity, or drop the organisation's "
        "claim). A claim that does not state the activity's frequency and risk is reported as a warning: add them."
    ),
    bad="""
# organisation.yaml
employees: 40
art30_5_derogation: true
---
# providers/acme.yaml
activities:
  - id: offers
    name: SMS offers
    frequency: regular
    risk: unlikely
""",
    good="""
# organisation.yaml
employees: 40
art30_5_derogation: true
---
# providers/acme.yaml
activities:
  - id: open-day
    name: Invitation to the one-off open day
    frequency: one-off
    risk: unlikely
""",
)
def art30_5_derogation(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    regime = org.settings.art30_5_regime
    claimed = [entry for entry in ctx.activities() if derogation_claimed(org, entry.activity)]
    if not claimed:
        return
    limit = ART30_5_LIMITS[regime]
    if org.employees is None:
        yield ctx.org(
            "employees",
            message=(
                f"the Art. 30(5) derogation is claimed for {len(claimed)} activit{'y' if len(claimed) == 1 else 'ies'} "
                f"but the headcount is not recorded; add employees (the derogation needs fewer than {limit})"
            ),
        )
    elif org.employees >= limit:
        yield ctx.org(
            "employees",
            message=(
                f"the Art. 30(5) derogation is claimed, but {org.legal_name} employs {org.employees} people; it is "
                f"only for fewer than {limit} ({regime}), so record every activity in full"
            ),
        )
        return
    for entry in claimed:
        activity = entry.activity
        triggers, unstated = _art30_5_triggers(activity, regime)
        own = activity.art30_5_derogation is not None
        where: tuple[str, ...] = ("art30_5_derogation",) if own else ()
        claim = "is claimed under" if own else "falls under the organisation's claim of"
        if triggers:
            yield ctx.act(
                entry,
                *where,
                message=(
                    f"activity {activity.id!r} {claim} the Art. 30(5) derogation, but "
                    + "; ".join(triggers)
                    + "; record it in full (art30_5_derogation: false)"
                ),
            )
        elif unstated:
            yield ctx.act(
                entry,
                *where,
                message=(
                    f"activity {activity.id!r} {claim} the Art. 30(5) derogation without stating its "
                    + " and ".join(unstated)
                    + ", so the claim cannot be shown; add them"
                ),
                severity=Severity.WARNING,
            )


def _art30_5_triggers(activity: Activity, regime: str) -> tuple[list[str], list[str]]:
    """The Art. 30(5) triggers an activity meets, and the facts needed to rule them out that it does not state."""
    triggers: list[str] = []
    unstated: list[str] = []
    if regime == "omnibus-iv":
        if activity.risk == "high":
            triggers.append("it is likely to result in a high risk (risk: high)")
        elif activity.dpia_required:
            triggers.append("a DPIA is required, so it is likely to result in a high risk")
        elif activity.risk is None and activity.dpia_required is None:
            unstated.append("risk")
        return triggers, unstated
    if activity.risk in ("likely", "high"):
        triggers.append(f"it is likely to result in a risk (risk: {activity.risk})")
    elif activity.dpia_required:
        triggers.append("a DPIA is required, so it is likely to result in a risk")
    elif activity.risk is None:
        unstated.append("risk")
    if activity.frequency in ("regular", "continuous"):
        triggers.append(f"it is {activity.frequency}, not occasional")
    elif activity.frequency is None:
        unstated.append("frequency")
    special = next((c for c in activity.data_categories if c.special is not None), None)
    if special is not None:
        triggers.append(f"it includes Art. 9 data ({special.id!r})")
    criminal = next((c for c in activity.data_categories if c.criminal), None)
    if criminal is not None:
        triggers.append(f"it includes Art. 10 data ({criminal.id!r})")
    return triggers, unstated
