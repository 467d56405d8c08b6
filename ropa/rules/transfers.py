"""Chapter V transfers: every transfer outside the EEA rests on a valid, well-documented mechanism.

A mechanism can be recorded in three places, and every rule here looks at all
three through :func:`sites`:

- a ``transfer`` of an activity (``activities[i].transfers[j].mechanism``);
- a provider's own ``mechanisms`` (how the provider's data flow is covered);
- a sub-processor's ``mechanism`` (the processor's onward transfer).

SCCs are signed per importer, so when a transfer relies on ``scc_2021_914``
and its importer's own record (provider ``mechanisms`` or sub-processor
``mechanism``) holds SCCs too, the clause-level rules (module present, Clause
9, 13, 17/18, Annex II, TIA) check the importer's record once instead of every
transfer repeating it (:attr:`Site.details_on_importer`).

Only facts written in the register are used: nothing is inferred, a role or a
module is never filled in. Rules that apply EU law only look at transfers whose
``origin_regime`` is ``EU``, so UK or Swiss exports are not judged by EU rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ropa import refdata
from ropa.model.activity import Activity, Retention
from ropa.model.common import Contact, Dpo, Severity
from ropa.model.facts import (
    Site,
    recorded,
    scc_details,
    sites,
)
from ropa.model.labels import MODULE_LABELS
from ropa.model.organisation import Organisation
from ropa.model.provider import Provider, SubProcessor
from ropa.model.transfer import ART46_TOOLS, Derogation, DpfCertification, MechanismType, Transfer
from ropa.rules import lexicons as lx
from ropa.rules.base import Context, Hit, Rule, registrar

RULES: list[Rule] = []
define = registrar(RULES)


DPF_MAX_AGE_DAYS = 365
"""DPF certification is annual: a check older than this is itself stale."""
TIA_MAX_AGE_DAYS = 730
"""Default maximum age of a transfer impact assessment (24 months)."""


def at(site: Site, *sub: str | int, message: str, severity: Severity | None = None) -> Hit:
    """A hit at the site's mechanism (or ``sub`` inside it)."""
    return Hit(message, site.file, (*site.path, *sub), site.provider, site.activity, severity)


# --------------------------------------------------------------------------------------------- rules


@define(
    id="A44-mechanism",
    name="transfers.mechanism",
    severity=Severity.ERROR,
    summary="Every transfer to a destination outside the EEA names the Chapter V mechanism it relies on.",
    article="Art. 44; Art. 45(1); Art. 46(1); Art. 49(1)",
    why=(
        "A transfer outside the EEA is lawful only under an adequacy decision, an Art. 46 safeguard or an "
        "Art. 49 derogation; a transfer with none recorded is presumed to have none."
    ),
    fix=(
        "Add 'mechanism' to the transfer: type adequacy (destination on the adequacy list), scc_2021_914 with "
        "its module(s), bcr, code_of_conduct, certification, ad_hoc_clauses, or derogation with the Art. 49 point."
    ),
    bad="""
country: US
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - country: US
        recipient: acme
""",
    good="""
country: US
activities:
  - id: otp
    name: One-time passcodes
    transfers:
      - country: US
        recipient: acme
        mechanism:
          type: scc_2021_914
          modules: [2]
""",
)
def mechanism(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        # A recorded transfer with no destination is still a transfer: only a known destination inside the
        # area the export is free within needs no mechanism.
        unknown = not (site.country or site.organisation_dest)
        if site.kind == "transfer" and site.mechanism is None and (site.outside or unknown):
            yield at(
                site,
                message=(
                    f"{site.label} names no transfer mechanism; add 'mechanism' (adequacy, scc_2021_914 with "
                    "modules, bcr, ... or an Art. 49 derogation) or stop the transfer"
                ),
            )


@define(
    id="A44-invalid-mechanism",
    name="transfers.invalid-mechanism",
    severity=Severity.ERROR,
    summary="No transfer relies on Privacy Shield or on the repealed SCCs of 2001 and 2010.",
    article="Art. 44; CJEU C-311/18 (Schrems II); Decision (EU) 2021/914 Art. 4",
    why=(
        "Privacy Shield was invalidated on 16 July 2020; the 2001/497/EC and 2010/87/EU clauses were repealed "
        "and stopped covering old contracts on 27 December 2022. A transfer on them has no mechanism at all."
    ),
    fix=(
        "Replace the mechanism: SCCs 2021/914 with the right module, or for a US recipient the EU-US Data "
        "Privacy Framework if it is certified (type adequacy plus its 'dpf' record)."
    ),
    bad="""
country: US
mechanisms:
  - type: privacy_shield
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def invalid_mechanism(ctx: Context) -> Iterator[Hit]:
    invalid = refdata.invalid_mechanisms()
    for site, mech in recorded(ctx.register):
        entry = invalid.get(site.mtype.value) if site.mtype else None
        if entry is None:
            continue
        since = entry["invalid_since"]
        since_text = since.isoformat() if isinstance(since, dt.date) else str(since)
        yield at(
            site,
            "type",
            message=(
                f"{site.label} relies on {mech.type.value!r} ({entry['name']}), invalid since {since_text}: "
                f"{entry['reason']} Use {entry['replace_with']} instead"
            ),
        )


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
    summary="A transfer on a partial adequacy decision (CA, JP, KR, GB ...) says why the recipient is in scope.",
    article="Art. 45(1); the decisions listed in ropa/refdata/adequacy.yaml (scope: partial)",
    why=(
        "Some decisions cover only part of a country: Canada only PIPEDA-regulated commercial organisations, "
        "Japan only APPI operators under the Supplementary Rules, Korea with exclusions. A recipient outside "
        "that scope is not covered. (US recipients are checked by A45-us-dpf-certification instead.)"
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


_EVIDENCE: dict[MechanismType, str] = {
    MechanismType.BCR: "the BCR approval (evidence) and the approving authority (approving_authority)",
    MechanismType.CODE_OF_CONDUCT: "the approved code and the importer's binding commitment (evidence)",
    MechanismType.CERTIFICATION: "the certificate and the importer's binding commitment (evidence)",
    MechanismType.AD_HOC_CLAUSES: "the supervisory authority's authorisation (evidence)",
    MechanismType.ADMINISTRATIVE_ARRANGEMENT: "the supervisory authority's authorisation (evidence)",
    MechanismType.PUBLIC_INSTRUMENT: "the legally binding instrument between the public bodies (evidence)",
}


@define(
    id="A46-mechanism-evidence",
    name="transfers.mechanism-evidence",
    severity=Severity.ERROR,
    summary="BCRs, codes, certifications, ad hoc clauses and public instruments reference their evidence.",
    article="Art. 46(2)(a), (b), (e), (f); Art. 46(3); Art. 47(1)",
    why=(
        "These safeguards exist only through a specific act: an approval, a certificate plus binding commitment, "
        "or an authorisation. Naming the type without it shows nothing."
    ),
    fix="Add evidence: {ref, date} (and approving_authority for BCRs).",
    bad="""
country: IN
mechanisms:
  - type: bcr
""",
    good="""
country: IN
mechanisms:
  - type: bcr
    approving_authority: Autoriteit Persoonsgegevens
    evidence:
      ref: BCR-P approval z2024-01234
      date: 2024-05-02
""",
)
def mechanism_evidence(ctx: Context) -> Iterator[Hit]:
    for site, mech in recorded(ctx.register):
        needed = _EVIDENCE.get(site.mtype) if site.mtype else None
        if needed is None:
            continue
        if mech.evidence is None or (mech.type is MechanismType.BCR and not mech.approving_authority):
            yield at(
                site,
                "type",
                message=f"{site.label} relies on {mech.type.value} without {needed}; add it",
            )


@define(
    id="A46-tia",
    name="transfers.transfer-impact-assessment",
    severity=Severity.WARNING,
    summary="A transfer on an Art. 46 safeguard has a dated transfer impact assessment with its outcome.",
    article="CJEU C-311/18 (Schrems II); EDPB Recommendations 01/2020; 2021/914 Clause 14(b), (d)",
    why=(
        "SCCs and other Art. 46 tools work only if the destination's law lets the importer comply; the exporter "
        "must assess that, document it, and repeat it. An assessment older than 24 months is stale."
    ),
    fix="Add tia: {ref, date, outcome} to the mechanism (outcome: proceed, proceed-with-measures or suspend).",
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
    good="""
# as of 2026-11-23
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    tia:
      ref: TIA-2026-02 US CPaaS
      date: 2026-02-10
      outcome: proceed-with-measures
      supplementary_measures: [Message content encrypted with keys held in the EU]
""",
)
def transfer_impact_assessment(ctx: Context) -> Iterator[Hit]:
    for site, mech in recorded(ctx.register):
        if site.mtype not in ART46_TOOLS or not site.outside or site.details_on_importer:
            continue
        tia = mech.tia
        if tia is None:
            yield at(
                site,
                "type",
                message=f"{site.label} relies on an Art. 46 safeguard ({mech.type.value}) with no transfer impact "
                "assessment; add tia with ref, date and outcome",
            )
            continue
        if tia.outcome == "suspend":
            yield at(
                site,
                "tia",
                "outcome",
                message=f"the transfer impact assessment {tia.ref!r} concluded 'suspend', yet {site.label} is "
                "still recorded; stop the transfer or record a new assessment",
                severity=Severity.ERROR,
            )
            continue
        missing = [name for name, value in (("date", tia.date), ("outcome", tia.outcome)) if value is None]
        if missing:
            yield at(
                site,
                "tia",
                message=f"the transfer impact assessment {tia.ref!r} for {site.label} has no "
                + " and no ".join(missing)
                + "; add them",
            )
        elif tia.date is not None and (ctx.as_of - tia.date).days > TIA_MAX_AGE_DAYS:
            yield at(
                site,
                "tia",
                "date",
                message=f"the transfer impact assessment {tia.ref!r} for {site.label} dates from "
                f"{tia.date.isoformat()}, over 24 months ago; review it and record the new date",
            )


_NEEDS_NECESSITY = frozenset({Derogation.B, Derogation.C, Derogation.D, Derogation.E, Derogation.F})
"""Art. 49(1) points that hold only when the transfer is necessary, which the record must justify."""


@define(
    id="A49-1-derogation-use",
    name="transfers.derogation-use",
    severity=Severity.WARNING,
    summary="An Art. 49(1) derogation names its point, is not used for regular transfers, and is justified.",
    article="Art. 49(1); EDPB Guidelines 2/2018",
    why=(
        "Derogations are exceptions for occasional transfers and are read restrictively; a regular flow on "
        "'contract necessity' or consent needs an Art. 46 safeguard instead."
    ),
    fix=(
        "Name the point (derogation: 49.1.a ... 49.1.g); for (b)-(f) give the necessity in 'justification'; for "
        "(a) reference the explicit, informed consent in 'evidence'; use SCCs for regular transfers."
    ),
    bad="""
country: IN
activities:
  - id: support
    name: Support tickets
    transfers:
      - country: IN
        recipient: acme
        frequency: continuous
        mechanism:
          type: derogation
          derogation: 49.1.b
""",
    good="""
country: IN
activities:
  - id: support
    name: Support tickets
    transfers:
      - country: IN
        recipient: acme
        frequency: occasional
        mechanism:
          type: derogation
          derogation: 49.1.b
          justification: Only when the customer asks for delivery to an address in India
""",
)
def derogation_use(ctx: Context) -> Iterator[Hit]:
    for site, mech in recorded(ctx.register):
        if site.mtype is not MechanismType.DEROGATION or mech.derogation is Derogation.SECOND:
            continue
        frequency = site.transfer.frequency if site.transfer is not None else None
        problems = []
        if mech.derogation is None:
            problems.append("it does not name the Art. 49(1) point (derogation: 49.1.a ... 49.1.g)")
        if frequency in ("regular", "continuous"):
            problems.append(f"the transfer is {frequency}, but derogations suit occasional transfers")
        if mech.derogation in _NEEDS_NECESSITY and not mech.justification:
            problems.append("it does not say why the transfer is necessary (justification)")
        if mech.derogation is Derogation.A and mech.evidence is None:
            problems.append("it references no explicit, informed consent to the transfer (evidence)")
        if problems:
            yield at(
                site,
                "type",
                message=f"{site.label} relies on a derogation, but "
                + "; ".join(problems)
                + "; use SCCs 2021/914 for regular transfers",
            )


@define(
    id="A49-1-compelling-li",
    name="transfers.compelling-legitimate-interests",
    severity=Severity.ERROR,
    summary=(
        "A transfer on compelling legitimate interests (Art. 49(1) second subparagraph) is documented: "
        "assessment, safeguards, non-repetition, limited data subjects, and who was informed."
    ),
    article="Art. 49(1), second subparagraph; Art. 49(6); Art. 30(1)(e)",
    why=(
        "The last-resort derogation is allowed only for a non-repetitive transfer concerning a limited number of "
        "data subjects, with an assessment and suitable safeguards documented in the record itself; the "
        "controller must inform the supervisory authority and the data subjects."
    ),
    fix=(
        "Reference the assessment in 'evidence', describe the safeguards in 'justification', record the transfer "
        "as one-off or occasional (or compelling_interests.non_repetitive: true), and add compelling_interests "
        "with limited_data_subjects, sa_informed_on and data_subjects_informed."
    ),
    bad="""
country: IN
activities:
  - id: claims
    name: Claims handling
    transfers:
      - country: IN
        recipient: acme
        mechanism:
          type: derogation
          derogation: 49.1.second
""",
    good="""
country: IN
activities:
  - id: claims
    name: Claims handling
    transfers:
      - country: IN
        recipient: acme
        frequency: one-off
        mechanism:
          type: derogation
          derogation: 49.1.second
          justification: Pseudonymised extract; deleted after the expert opinion
          evidence:
            ref: Art. 49 assessment 2026-02
            date: 2026-02-20
          compelling_interests:
            limited_data_subjects: The 4 claimants of claim 2026/17
            sa_informed_on: 2026-03-01
            data_subjects_informed: Letter to each claimant on 2026-03-02 naming the interest pursued
""",
)
def compelling_legitimate_interests(ctx: Context) -> Iterator[Hit]:
    for site, mech in recorded(ctx.register):
        if site.mtype is not MechanismType.DEROGATION or mech.derogation is not Derogation.SECOND:
            continue
        frequency = site.transfer.frequency if site.transfer is not None else None
        conditions = mech.compelling_interests
        missing = []
        if mech.evidence is None:
            missing.append("the assessment (evidence)")
        if not mech.justification:
            missing.append("the suitable safeguards (justification)")
        if frequency in ("regular", "continuous"):
            missing.append(f"a non-repetitive transfer (it is recorded as {frequency})")
        elif conditions is not None and conditions.non_repetitive is False:
            missing.append("a non-repetitive transfer (compelling_interests.non_repetitive is false)")
        elif frequency is None and not (conditions and conditions.non_repetitive):
            missing.append(
                "confirmation that it is not repetitive (frequency one-off or occasional, or "
                "compelling_interests.non_repetitive: true)"
            )
        if not (conditions and conditions.limited_data_subjects):
            missing.append("the limited number of data subjects (compelling_interests.limited_data_subjects)")
        if not (conditions and conditions.sa_informed_on):
            missing.append("when the supervisory authority was informed (compelling_interests.sa_informed_on)")
        if not (conditions and conditions.data_subjects_informed):
            missing.append("how the data subjects were informed (compelling_interests.data_subjects_informed)")
        if missing:
            yield at(
                site,
                "derogation",
                message=f"{site.label} relies on compelling legitimate interests but lacks " + "; ".join(missing),
            )


@define(
    id="A49-3-public-authority",
    name="transfers.public-authority-derogation",
    severity=Severity.ERROR,
    summary="A public authority does not use the consent, contract or compelling-interests derogations.",
    article="Art. 49(3)",
    why="Art. 49(1)(a), (b), (c) and the second subparagraph are not available to public authorities exercising "
    "their public powers.",
    fix="Use an Art. 46 safeguard (e.g. an administrative arrangement or a public instrument), or 49.1.d.",
    bad="""
# organisation.yaml
public_authority: true
---
# providers/acme.yaml
country: IN
mechanisms:
  - type: derogation
    derogation: 49.1.a
""",
    good="""
# organisation.yaml
public_authority: true
---
# providers/acme.yaml
country: IN
mechanisms:
  - type: public_instrument
    evidence:
      ref: Memorandum on data exchange 2025
""",
)
def public_authority_derogation(ctx: Context) -> Iterator[Hit]:
    if not ctx.register.organisation.public_authority:
        return
    barred = {Derogation.A, Derogation.B, Derogation.C, Derogation.SECOND}
    for site, mech in recorded(ctx.register):
        if site.mtype is MechanismType.DEROGATION and mech.derogation in barred:
            assert mech.derogation is not None
            yield at(
                site,
                "derogation",
                message=f"{site.label} relies on derogation {mech.derogation.value}, which a public authority "
                "cannot use (Art. 49(3)); use an Art. 46 safeguard or 49.1.d",
            )


@define(
    id="SCC914-version-module",
    name="transfers.scc-version-module",
    severity=Severity.ERROR,
    summary="Standard contractual clauses name Decision 2021/914 and at least one module (1-4).",
    article="Decision (EU) 2021/914 Art. 1, Art. 4",
    why=(
        "'Standard contractual clauses' alone does not say which clauses were signed; only the 2021/914 "
        "clauses are valid, and their module decides which obligations apply to whom."
    ),
    fix=(
        "Record type scc_2021_914 and 'modules': 1 controller to controller, 2 controller to processor, "
        "3 processor to processor, 4 processor to controller."
    ),
    bad="""
country: US
mechanisms:
  - type: scc_unspecified
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def scc_version_module(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        if site.mtype is MechanismType.SCC_UNSPECIFIED:
            expected = site.expected_module()
            hint = f" ({MODULE_LABELS[expected]} for the roles recorded)" if expected else ""
            yield at(
                site,
                "type",
                message=(
                    f"{site.label} relies on standard contractual clauses without naming the decision or module; "
                    f"record type scc_2021_914 and its module(s){hint}"
                ),
            )
        elif site.mtype is MechanismType.SCC_2021_914 and not site.modules and not site.details_on_importer:
            expected = site.expected_module()
            hint = f"; the roles recorded call for {MODULE_LABELS[expected]}" if expected else ""
            yield at(
                site,
                "type",
                message=f"{site.label} relies on SCCs 2021/914 but declares no module; add 'modules'{hint}",
            )


@define(
    id="SCC914-module-roles",
    name="transfers.scc-module-roles",
    severity=Severity.ERROR,
    summary="The SCC module matches the roles recorded: 1 C→C, 2 C→P, 3 P→P, 4 P→C.",
    article="2021/914 Annex (module headings); Annex I.A 'Role (controller/processor)'",
    why=(
        "Each module carries the obligations of one pair of roles; clauses signed under the wrong module do not "
        "fit the processing and may leave obligations uncovered."
    ),
    fix=(
        "Declare the module the roles call for (the message names it), or correct the provider's role. "
        "A controller using a processor outside the EEA needs Module 2."
    ),
    bad="""
country: US
role: processor
mechanisms:
  - type: scc_2021_914
    modules: [1]
""",
    good="""
country: US
role: processor
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def scc_module_roles(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        modules = site.modules
        if not modules or site.regime != "EU":
            continue
        expected = site.expected_module()
        declared = ", ".join(str(m) for m in sorted(modules))
        if expected is not None and expected not in modules:
            yield at(
                site,
                "modules",
                message=(
                    f"{site.label}: SCC module(s) {declared} do not fit the roles recorded ({site.exporter_role} "
                    f"exporting to {site.importer_role} {site.importer_name}); that is {MODULE_LABELS[expected]}"
                ),
            )
        elif expected is None and site.acceptable is not None and not modules & site.acceptable:
            fits = " or ".join(MODULE_LABELS[m] for m in sorted(site.acceptable))
            yield at(
                site,
                "modules",
                message=(
                    f"{site.label}: SCC module(s) {declared} do not fit a {site.exporter_role} exporting its data "
                    f"onwards; that is {fits}"
                ),
            )


@define(
    id="SCC914-scope-art3-2",
    name="transfers.scc-scope-art3-2",
    severity=Severity.WARNING,
    summary="SCCs 2021/914 are not relied on for an importer that is itself subject to the GDPR (Art. 3(2)).",
    article="2021/914 Art. 1(1), Recital 7; EDPB Guidelines 05/2021",
    why=(
        "The 2021/914 clauses are meant for importers whose processing is not subject to the GDPR; an importer "
        "with an Art. 27 representative is caught by Art. 3(2), and the clauses do not fit it."
    ),
    fix=(
        "Check with counsel which instrument covers the transfer (the Commission announced SCCs for Art. 3(2) "
        "importers); record the outcome, and waive this finding with a reason if the SCCs are kept."
    ),
    bad="""
country: US
eu_representative: Rep Services Ireland Ltd
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
)
def scc_scope_art3_2(ctx: Context) -> Iterator[Hit]:
    for site in sites(ctx.register):
        if site.mtype is MechanismType.SCC_2021_914 and site.art3_2 and site.regime == "EU":
            yield at(
                site,
                "type",
                message=(
                    f"{site.label}: {site.importer_name} has an EU representative, so the GDPR applies to it via "
                    "Art. 3(2), and SCCs 2021/914 are not meant for such importers; review the instrument"
                ),
            )


@define(
    id="SCC914-c9-subprocessors",
    name="transfers.scc-clause-9",
    severity=Severity.ERROR,
    summary=(
        "Module 2/3 SCCs select a Clause 9(a) option; the general option names its notice period; under the "
        "specific option every sub-processor the importer passes data to is on Annex III."
    ),
    article="2021/914 Clause 9(a); Annex III explanatory note",
    why=(
        "Clause 9 must be completed for Modules 2 and 3: either prior specific authorisation of each "
        "sub-processor, listed in Annex III, or general authorisation with a notice period in which the exporter "
        "can object. A sub-processor used without being on Annex III is not authorised."
    ),
    fix=(
        "Set clause9_option (specific or general); for general, clause9_notice_period (e.g. P30D); for specific, "
        "record authorised_on for each of the importer's sub-processors (those are its Annex III), or stop "
        "using the ones not authorised."
    ),
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    clause9_option: general
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    clause9_option: general
    clause9_notice_period: P30D
""",
)
def scc_clause_9(ctx: Context) -> Iterator[Hit]:
    for site, mech in scc_details(ctx.register):
        if not site.modules & {2, 3}:
            continue
        if mech.clause9_option is None:
            yield at(
                site,
                "modules",
                message=f"{site.label}: Module 2/3 SCCs select no Clause 9(a) option; set clause9_option "
                "(specific or general)",
            )
        elif mech.clause9_option == "general" and not mech.clause9_notice_period:
            yield at(
                site,
                "clause9_option",
                message=f"{site.label}: Clause 9(a) general authorisation names no notice period; set "
                "clause9_notice_period (e.g. P30D)",
            )
        elif mech.clause9_option == "specific":
            unlisted = [sub.id for sub in _onward_subs(ctx, site.importer) if sub.authorised_on is None]
            if unlisted:
                yield at(
                    site,
                    "clause9_option",
                    message=(
                        f"{site.label}: under Clause 9(a) Option 1 only the sub-processors on Annex III are "
                        f"authorised, but {site.importer_name} passes the data to "
                        + ", ".join(repr(u) for u in unlisted)
                        + " without an authorisation date; record authorised_on for each, or stop using them"
                    ),
                )


def _parents(ctx: Context) -> dict[int, Provider]:
    """The provider each sub-processor belongs to, by the sub-processor's identity; built once per check."""
    return {id(sub): p for p in ctx.register.providers for sub in p.sub_processors}


def _onward_subs(ctx: Context, importer: Provider | SubProcessor | None) -> list[SubProcessor]:
    """The sub-processors an importer passes the data on to: a provider's own, or a sub-processor's chain."""
    if isinstance(importer, Provider):
        return list(importer.sub_processors)
    if importer is None or not importer.sub_processors:
        return []
    parent = ctx.once("transfers.parents", _parents).get(id(importer))
    if parent is None:
        return []
    return [sub for sub in parent.sub_processors if sub.id in importer.sub_processors]


@define(
    id="SCC914-c13-annex-ic",
    name="transfers.scc-competent-authority",
    severity=Severity.ERROR,
    summary="Module 1-3 SCCs name the competent supervisory authority (Clause 13, Annex I.C).",
    article="2021/914 Clause 13(a); Annex I.C",
    why="Annex I.C must identify the supervisory authority the importer submits to; it is blank otherwise.",
    fix="Set competent_authority: the exporter's authority (or, without an EU establishment, per Clause 13).",
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    competent_authority: Berliner Beauftragte für Datenschutz und Informationsfreiheit
""",
)
def scc_competent_authority(ctx: Context) -> Iterator[Hit]:
    for site, mech in scc_details(ctx.register):
        if site.modules & {1, 2, 3} and not mech.competent_authority:
            yield at(
                site,
                "modules",
                message=f"{site.label}: Module 1-3 SCCs name no competent supervisory authority (Annex I.C); "
                "set competent_authority",
            )


@define(
    id="SCC914-c17-c18-law-forum",
    name="transfers.scc-law-forum",
    severity=Severity.ERROR,
    summary="Module 1-3 SCCs choose the law and courts of an EU Member State; Module 4 names a country for both.",
    article="2021/914 Clauses 17, 18",
    why=(
        "Clauses 17 and 18 must be completed: for Modules 1-3 with an EU Member State whose law allows "
        "third-party beneficiary rights, so data subjects can enforce the clauses."
    ),
    fix="Set governing_law and forum (ISO codes of EU Member States for Modules 1-3, e.g. IE).",
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    governing_law: US
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
    governing_law: IE
    forum: IE
""",
)
def scc_law_forum(ctx: Context) -> Iterator[Hit]:
    eu = frozenset(refdata.load("eea")["eu"])
    clauses = (("governing_law", "Clause 17 governing law"), ("forum", "Clause 18 courts"))
    for site, mech in scc_details(ctx.register):
        modules = site.modules
        if not modules:
            continue
        eu_needed = bool(modules & {1, 2, 3})
        missing = [f"{clause} ({key})" for key, clause in clauses if getattr(mech, key) is None]
        if missing:
            yield at(
                site,
                "modules",
                message=f"{site.label}: the SCCs name no "
                + " and no ".join(missing)
                + ("; set them to an EU Member State" if eu_needed else "; set them"),
            )
        if not eu_needed:
            continue
        for key, clause in clauses:
            value = getattr(mech, key)
            if value is not None and value not in eu:
                yield at(
                    site,
                    key,
                    message=f"{site.label}: {clause} is {value}, which is not an EU Member State, as Modules 1-3 "
                    "require; choose one (e.g. the exporter's)",
                )


def has_contact_person(contact: Contact | Dpo | None) -> bool:
    """Whether a contact names a person or position and says how to reach them (Annex I.A, Annex III)."""
    return contact is not None and bool(contact.name or contact.position) and bool(contact.channels())


def _party_gaps(party: Organisation | Provider | SubProcessor, side: str) -> list[str]:
    """What Annex I.A lacks for one party: name, address, contact person, activities."""
    gaps: list[str] = []
    if isinstance(party, SubProcessor):
        if not party.name:
            gaps.append(f"the {side}'s name (name)")
        if not party.address:
            gaps.append(f"the {side}'s address (address)")
        if not has_contact_person(party.contact):
            gaps.append(f"the {side}'s contact person (contact with a name or position and an e-mail, phone or url)")
        if not party.service:
            gaps.append(f"the {side}'s activities (service)")
        return gaps
    if party.address is None:
        gaps.append(f"the {side}'s address (address)")
    contacts = [party.contact] if isinstance(party, Organisation) else list(party.contacts)
    if not any(has_contact_person(c) for c in (*contacts, party.dpo)):
        gaps.append(
            f"the {side}'s contact person ({'contact' if isinstance(party, Organisation) else 'contacts'} or dpo "
            "with a name or position and an e-mail, phone or url)"
        )
    return gaps


@dataclass(slots=True)
class _Scope:
    """What one set of SCCs covers, for its Annex I.B: the activities, the transfers, and who describes the
    processing (the processor's contract, or a sub-processor's service)."""

    activities: list[Activity]
    transfers: list[Transfer]
    categories: set[str] | None
    provider: Provider | None
    sub: SubProcessor | None


def _by_party(ctx: Context) -> dict[str, list[tuple[Activity, Transfer | None]]]:
    """Activities naming each party (``provider`` or ``provider/sub``) as recipient or transfer; built once."""
    out: dict[str, list[tuple[Activity, Transfer | None]]] = {}
    for _provider, _index, activity in ctx.activities():
        for recipient in activity.recipients or ():
            if recipient.provider:
                out.setdefault(recipient.provider, []).append((activity, None))
        for transfer in activity.transfers:
            out.setdefault(transfer.recipient, []).append((activity, transfer))
    return out


def _scope(ctx: Context, site: Site) -> _Scope:
    """The activities and transfers one SCC site covers."""
    parties = ctx.once("transfers.by_party", _by_party)
    if site.kind == "transfer":
        assert site.transfer is not None and site.provider is not None
        provider = ctx.register.provider(site.provider)
        assert provider is not None
        index = site.path[1]  # ("activities", index, "transfers", ...)
        assert isinstance(index, int)
        activity = provider.activities[index]
        sub = site.importer if isinstance(site.importer, SubProcessor) else None
        owner = ctx.once("transfers.parents", _parents).get(id(sub)) if sub else None
        described = site.importer if isinstance(site.importer, Provider) else owner
        wanted = set(site.transfer.data_categories) or None
        return _Scope([activity], [site.transfer], wanted, described, sub)
    provider = ctx.register.provider(site.provider or "")
    assert provider is not None
    if site.kind == "sub_processor":
        sub = site.importer if isinstance(site.importer, SubProcessor) else None
        named = parties.get(f"{provider.id}/{sub.id}", []) if sub else []
        activities = list({id(a): a for a, _t in named}.values()) or list(provider.activities)
        return _Scope(activities, [t for _a, t in named if t is not None], None, provider, sub)
    named = parties.get(provider.id, [])
    transfers = [t for _a, t in named if t is not None]
    if site.importer is None:  # an EEA provider's onward transfers
        transfers = [t for a in provider.activities for t in a.transfers]
    return _Scope(list(provider.activities), transfers, None, provider, None)


def _has_retention(retention: Retention | None) -> bool:
    """Whether a retention states a limit, criteria or why there is none (enough for Annex I.B item 7)."""
    return retention is not None and any(
        (retention.kind, retention.duration, retention.criteria, retention.statement, retention.not_possible_reason)
    )


def brief_list(ids: list[str], shown: int = 5) -> str:
    """Category ids for a message: each once, at most ``shown`` of them, then how many more."""
    unique = list(dict.fromkeys(ids))
    text = ", ".join(repr(i) for i in unique[:shown])
    return text + (f" and {len(unique) - shown} more" if len(unique) > shown else "")


def _annex_i_b_gaps(scope: _Scope, modules: frozenset[int]) -> list[str]:
    """What Annex I.B lacks (items 1 to 8) for the activities and transfers in ``scope``."""
    gaps: list[str] = []
    activities = scope.activities
    categories = [
        (a, c) for a in activities for c in a.data_categories if scope.categories is None or c.id in scope.categories
    ]
    if not any(a.data_subjects for a in activities):
        gaps.append("1 categories of data subjects (data_subjects)")
    if not categories:
        gaps.append("2 categories of personal data (data_categories)")
    unsafe = [c.id for _a, c in categories if (c.special is not None or c.criminal) and not c.safeguards]
    if unsafe:
        gaps.append(f"3 the safeguards for sensitive data {brief_list(unsafe)} (safeguards)")
    if not any(t.frequency for t in scope.transfers):
        gaps.append("4 the frequency (frequency on the transfers)")
    contract = scope.provider.contract if scope.provider is not None else None
    nature = (scope.sub.service if scope.sub else None) or (contract.nature if contract else None)
    if not nature:
        gaps.append("5 the nature of the processing (" + ("service" if scope.sub else "contract.nature") + ")")
    if not any(a.purposes for a in activities):
        gaps.append("6 the purposes (purposes)")
    unkept = [c.id for a, c in categories if not (_has_retention(c.retention) or _has_retention(a.retention))]
    if unkept:
        gaps.append(f"7 the retention of {brief_list(unkept)} (retention)")
    if modules & {2, 3}:
        subject = (scope.sub.service if scope.sub else None) or (contract.subject_matter if contract else None)
        duration = contract.duration if contract else None
        item8 = [name for name, value in (("subject matter", subject), ("duration", duration)) if not value]
        if item8:
            where = "service; the processor's contract.duration" if scope.sub else "contract.subject_matter, duration"
            gaps.append(f"8 the {' and '.join(item8)} of the processing ({where})")
    return gaps


@define(
    id="SCC914-annex-i",
    name="transfers.scc-annex-i",
    severity=Severity.ERROR,
    summary=(
        "SCCs 2021/914 can fill Annex I.A (each party's name, address, contact person, activities, signature "
        "date) and Annex I.B (items 1-7, and item 8 for Modules 2-3) from the record."
    ),
    article="2021/914 Annex I.A, I.B; Clause 7",
    why=(
        "Annex I describes who transfers what to whom; the clauses apply only to the transfers it describes. "
        "Sensitive data needs its safeguards stated, transfers to processors their subject matter, nature and "
        "duration, and a party joining through the Clause 7 docking clause signs Annex I.A on accession."
    ),
    fix=(
        "Add what the message lists: the parties' address and a contact person; the signature date "
        "(evidence.date, or acceded_on for an accession); frequency on the transfers; safeguards on sensitive "
        "data categories; contract.nature, subject_matter and duration (a sub-processor's service)."
    ),
    bad="""
country: US
address: {street: 1 Main St, city: Austin, country: US}
contacts:
  - {name: Jane Roe, position: Privacy counsel, email: privacy@acme.example}
mechanisms:
  - type: scc_2021_914
    modules: [1]
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - {description: Deliver one-time login passcodes by SMS, lawful_basis: 6.1.b}
    data_subjects: [{name: Customers logging in}]
    data_categories:
      - {id: phone, name: Mobile phone number, retention: {duration: P30D, trigger_event: code sent}}
    transfers:
      - {country: US, recipient: acme, frequency: continuous}
""",
    good="""
country: US
address: {street: 1 Main St, city: Austin, country: US}
contacts:
  - {name: Jane Roe, position: Privacy counsel, email: privacy@acme.example}
contract:
  title: SCCs 2021/914 Module 1 with Acme
  nature: Sending SMS passcodes and keeping delivery receipts
mechanisms:
  - type: scc_2021_914
    modules: [1]
    evidence: {ref: SCCs signed with Acme, date: 2026-03-01}
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - {description: Deliver one-time login passcodes by SMS, lawful_basis: 6.1.b}
    data_subjects: [{name: Customers logging in}]
    data_categories:
      - {id: phone, name: Mobile phone number, retention: {duration: P30D, trigger_event: code sent}}
    transfers:
      - {country: US, recipient: acme, frequency: continuous}
""",
)
def scc_annex_i(ctx: Context) -> Iterator[Hit]:
    org = ctx.register.organisation
    for site, mech in scc_details(ctx.register):
        if site.mtype is not MechanismType.SCC_2021_914 or not site.modules:
            continue
        scope = _scope(ctx, site)
        exporter: Organisation | Provider | None = org
        if site.kind == "sub_processor" or (site.kind == "provider" and site.importer is None):
            exporter = scope.provider
        elif isinstance(site.importer, SubProcessor):
            exporter = ctx.once("transfers.parents", _parents).get(id(site.importer))
        annex_a = _party_gaps(exporter, "exporter") if exporter is not None else []
        if site.importer is not None:
            annex_a += _party_gaps(site.importer, "importer")
        if mech.acceded_via_clause7:
            if mech.acceded_on is None:
                annex_a.append("the date the importer acceded through Clause 7 and signed Annex I.A (acceded_on)")
        elif not (mech.evidence and mech.evidence.date) and not (
            isinstance(site.importer, Provider)
            and site.importer.contract is not None
            and site.importer.contract.based_on == "scc_2021_914"
            and site.importer.contract.signed
        ):
            annex_a.append("the signature date (evidence.date)")
        annex_b = _annex_i_b_gaps(scope, site.modules)
        parts = []
        if annex_a:
            parts.append("Annex I.A lacks " + "; ".join(annex_a))
        if annex_b:
            parts.append("Annex I.B lacks item " + "; item ".join(annex_b))
        if parts:
            yield at(
                site,
                "modules",
                message=f"{site.label}: the SCCs' " + ". ".join(parts) + "; add them to the record",
            )


@define(
    id="SCC914-annex-ii",
    name="transfers.scc-annex-ii",
    severity=Severity.ERROR,
    summary="For Module 1-3 SCCs the importer's security measures (Annex II) are recorded.",
    article="2021/914 Annex II; Appendix explanatory note",
    why="Annex II must describe the importer's technical and organisational measures; the SCCs are incomplete "
    "without them.",
    fix="Add 'toms' to the importing provider, concretely and per measure type.",
    bad="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
""",
    good="""
country: US
mechanisms:
  - type: scc_2021_914
    modules: [2]
toms:
  - kind: encryption
    measure: Message bodies encrypted at rest with AES-256, keys in an HSM
""",
)
def scc_annex_ii(ctx: Context) -> Iterator[Hit]:
    for site, _mech in scc_details(ctx.register):
        if not site.modules & {1, 2, 3}:
            continue
        if isinstance(site.importer, Provider) and not site.importer.toms:
            yield at(
                site,
                "modules",
                message=f"{site.label}: the SCCs need the importer's measures (Annex II), but {site.importer_name} "
                "records no toms; add them",
            )
