"""Art. 46 safeguards other than the SCCs' own clauses: BCRs, codes, certifications, ad hoc clauses and
public instruments reference the act they rest on, and every Art. 46 tool has a dated transfer impact
assessment (Schrems II) that does not say 'suspend'.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import at, covering, documented, organisation_party, reliances
from ropa.model.common import Severity
from ropa.model.transfer import ART46_TOOLS, MechanismType

RULES: list[Rule] = []
define = registrar(RULES)


TIA_MAX_AGE_DAYS = 730
"""Default maximum age of a transfer impact assessment (24 months)."""


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
    for reliance in reliances(ctx):
        site, covered = reliance
        mech = site.mechanism
        needed = _EVIDENCE.get(site.mtype) if site.mtype else None
        if needed is None or mech is None:
            continue
        evidence = documented(reliance, "evidence")
        if evidence is None or (mech.type is MechanismType.BCR and not documented(reliance, "approving_authority")):
            yield at(
                site,
                "type",
                message=f"{site.label} relies on {mech.type.value} without {needed}; add it{covering(covered)}",
            )


@define(
    id="A46-tia",
    name="transfers.transfer-impact-assessment",
    severity=Severity.WARNING,
    summary="A transfer on an Art. 46 safeguard has a dated transfer impact assessment with its outcome.",
    article="CJEU C-311/18 (Schrems II); EDPB Recommendations 01/2020; 2021/914 Clause 14(b), (d)",
    known_problems=(
        "The 24-month age limit is fixed (TIA_MAX_AGE_DAYS); the rule checks that an assessment is recorded and "
        "dated, not what it concludes beyond 'suspend'."
    ),
    why=(
        "SCCs and other Art. 46 tools work only if the destination's law lets the importer comply; the exporter "
        "must assess that, document it, and repeat it. An assessment older than 24 months is stale. For a "
        "processor's onward transfer the processor is the exporter and makes the assessment (2021/914 Module 3 "
        "Clause 14); the organisation may ask for it, so its absence from the record is info there."
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
    for reliance in reliances(ctx):
        site, covered = reliance
        mech = site.mechanism
        if mech is None or site.mtype not in ART46_TOOLS or not site.outside or site.details_on_importer:
            continue
        tia = mech.tia or next((c.mechanism.tia for c in covered if c.mechanism and c.mechanism.tia), None)
        if tia is None:
            yield at(
                site,
                "type",
                message=f"{site.label} relies on an Art. 46 safeguard ({mech.type.value}) with no transfer impact "
                f"assessment; add tia with ref, date and outcome{covering(covered)}",
                severity=None if any(organisation_party(ctx, s) for s in (site, *covered)) else Severity.INFO,
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
