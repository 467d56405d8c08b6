"""Art. 45 adequacy: the destination has a decision in force, a partial decision's scope is explained,
and a US importer is on the Data Privacy Framework List (EU-US part, checked within a year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ropa import refdata
from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import at
from ropa.model.common import Severity
from ropa.model.facts import Site, recorded, sites
from ropa.model.transfer import DpfCertification, MechanismType

RULES: list[Rule] = []
define = registrar(RULES)


DPF_MAX_AGE_DAYS = 365
"""DPF certification is annual: a check older than this is itself stale."""


def adequacy_entry(site: Site) -> dict[str, Any] | None:
    """The adequacy-list entry for the site's destination (country, or international organisation by id or name)."""
    table = refdata.adequacy()
    if site.country:
        return table.get(site.country)
    if site.organisation_dest:
        wanted = lx.normalise(site.organisation_dest)
        for entry in table.values():
            if entry.get("kind") == "international_org" and wanted in (
                lx.normalise(entry["id"]),
                lx.normalise(entry["name"]),
            ):
                return entry
    return None


def _date_text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@define(
    id="A45-adequacy-unknown",
    name="transfers.adequacy-unknown",
    severity=Severity.ERROR,
    summary="A transfer relying on adequacy goes to a destination with an adequacy decision in force.",
    article="Art. 45(1), (3), (5)",
    why=(
        "Only the Commission's decisions make a destination adequate; a country not on the list, or whose "
        "decision expired or was annulled, gives the transfer no mechanism."
    ),
    fix=(
        "Use an Art. 46 safeguard (SCCs 2021/914 with the module) or an Art. 49 derogation, or correct the "
        "destination. The list is ropa/refdata/adequacy.yaml (see its last_verified date)."
    ),
    bad="""
country: IN
mechanisms:
  - type: adequacy
""",
    good="""
country: IN
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def adequacy_unknown(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        if site.mtype is not MechanismType.ADEQUACY or site.regime != "EU" or not site.outside:
            continue
        entry = adequacy_entry(site)
        where = site.country or site.organisation_dest
        if entry is None:
            yield at(
                site,
                "type",
                message=(
                    f"{site.label} relies on adequacy, but {where} has no EU adequacy decision; use SCCs 2021/914 "
                    "(or another Art. 46 safeguard) or an Art. 49 derogation"
                ),
            )
        elif entry.get("status", "in_force") != "in_force":
            yield at(
                site,
                "type",
                message=(
                    f"{site.label} relies on adequacy, but the decision for {where} ({entry['decision']}) is "
                    f"{entry['status']}; use SCCs 2021/914 or another Art. 46 safeguard"
                ),
            )
        elif entry.get("valid_until") and _date_text(entry["valid_until"]) < ctx.as_of.isoformat():
            yield at(
                site,
                "type",
                message=(
                    f"{site.label} relies on adequacy, but the decision for {where} expired on "
                    f"{_date_text(entry['valid_until'])}; use SCCs 2021/914 or check for a renewal"
                ),
            )


@define(
    id="A45-adequacy-scope",
    name="transfers.adequacy-scope",
    severity=Severity.WARNING,
    summary="A transfer on a partial adequacy decision (CA, IL, JP, KR ...) says why the recipient is in scope.",
    article="Art. 45(1); the decisions listed in ropa/refdata/adequacy.yaml (scope: partial)",
    why=(
        "Some decisions cover only part of a country: Canada only PIPEDA-regulated commercial organisations, "
        "Japan only APPI operators under the Supplementary Rules, Korea with exclusions, Israel framed around "
        "automated processing. A recipient outside that scope is not covered. (US recipients are checked by "
        "A45-us-dpf-certification instead.)"
    ),
    fix="Add scope_note to the mechanism: why this recipient falls within the decision's scope.",
    bad="""
country: CA
mechanisms:
  - type: adequacy
""",
    good="""
country: CA
mechanisms:
  - type: adequacy
    scope_note: Commercial organisation subject to PIPEDA (federally regulated telecom carrier)
""",
)
def adequacy_scope(ctx: Context) -> Iterator[Hit]:
    for site, mech in recorded(ctx.register):
        if site.mtype is not MechanismType.ADEQUACY or site.regime != "EU" or not site.outside:
            continue
        if mech.scope_note or site.country == "US":
            continue
        entry = adequacy_entry(site)
        if entry is None or entry.get("scope") != "partial":
            continue
        note = entry.get("scope_note") or "it covers only part of the destination"
        yield at(
            site,
            "type",
            message=(
                f"{site.label} relies on a partial adequacy decision ({entry['decision']}): {note} Say why "
                f"{site.importer_name} is within its scope in scope_note"
            ),
        )


def _dpf_problems(dpf: DpfCertification | None, as_of: dt.date) -> tuple[list[str], bool]:
    """What is wrong with a DPF record, and whether it is only a staleness warning."""
    if dpf is None:
        return ["no DPF certification is recorded"], False
    problems: list[str] = []
    if not dpf.certified:
        problems.append("it is recorded as not certified, so the adequacy decision does not cover it")
    if dpf.checked_on is None:
        problems.append("the date the DPF List was checked (dpf.checked_on) is missing")
    if dpf.part is None:
        problems.append("the DPF part (dpf.part: EU-US) is missing")
    elif dpf.part != "EU-US":
        problems.append(f"its DPF part is {dpf.part!r}, which does not cover data from the EU (needs 'EU-US')")
    if problems:
        return problems, False
    assert dpf.checked_on is not None
    age = (as_of - dpf.checked_on).days
    if age > DPF_MAX_AGE_DAYS:
        return [f"the DPF List was last checked on {dpf.checked_on.isoformat()} ({age} days ago)"], True
    return [], False


@define(
    id="A45-us-dpf-certification",
    name="transfers.us-dpf-certification",
    severity=Severity.ERROR,
    summary="A US recipient relied on under adequacy is DPF-certified (EU-US part), with the check date.",
    article="Art. 45(1); Implementing Decision (EU) 2023/1795",
    why=(
        "The US adequacy decision covers only organisations on the Data Privacy Framework List, and only under "
        "its EU-US part; certification is annual. Without a recorded, recent check the transfer has no mechanism."
    ),
    fix=(
        "Check the DPF List and record dpf: {certified: true, checked_on: YYYY-MM-DD, part: EU-US} on the "
        "recipient, or rely on SCCs 2021/914 instead. A check older than 12 months is reported as a warning."
    ),
    bad="""
country: US
mechanisms:
  - type: adequacy
""",
    good="""
country: US
mechanisms:
  - type: adequacy
dpf:
  certified: true
  checked_on: 2026-10-01
  part: EU-US
  covers: non-hr
""",
)
def us_dpf_certification(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        if site.mtype is not MechanismType.ADEQUACY or site.country != "US" or site.regime != "EU":
            continue
        dpf = site.importer.dpf if site.importer is not None else None
        problems, stale_only = _dpf_problems(dpf, ctx.as_of)
        if not problems:
            continue
        yield at(
            site,
            "type",
            message=(
                f"{site.label} relies on the US adequacy decision, but for {site.importer_name} "
                + "; ".join(problems)
                + (
                    "; check the DPF List again and update dpf.checked_on"
                    if stale_only
                    else "; record dpf (certified, checked_on, part EU-US) or use SCCs 2021/914"
                )
            ),
            severity=Severity.WARNING if stale_only else None,
        )
