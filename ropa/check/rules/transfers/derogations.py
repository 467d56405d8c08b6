"""Art. 49 derogations: the point is named, used for occasional transfers and justified; the compelling
legitimate interests of the second subparagraph are fully documented; a public authority does not use
the points Art. 49(3) bars.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.helpers import at, covering, documented, reliances
from ropa.model.common import Severity
from ropa.model.facts import recorded
from ropa.model.transfer import Derogation, MechanismType

RULES: list[Rule] = []
define = registrar(RULES)


_NEEDS_NECESSITY = frozenset({Derogation.B, Derogation.C, Derogation.D, Derogation.E, Derogation.F})
"""Art. 49(1) points that hold only when the transfer is necessary, which the record must justify."""


@define(
    id="A49-1-derogation-use",
    name="transfers.derogation-use",
    severity=Severity.WARNING,
    summary="An Art. 49(1) derogation names its point, is not used for regular transfers, and is justified.",
    article="Art. 49(1); EDPB Guidelines 2/2018",
    known_problems=(
        "A transfer is judged systematic from its recorded frequency, or because the derogation is a provider's "
        "or sub-processor's own standing mechanism; a regular flow recorded without a frequency on an activity's "
        "transfer is not seen as one."
    ),
    why=(
        "Derogations are exceptions for occasional transfers and are read restrictively; a regular flow on "
        "'contract necessity' or consent needs an Art. 46 safeguard instead. A derogation used for a regular or "
        "continuous flow, or as a provider's or sub-processor's standing mechanism, is an error (EDPB Guidelines "
        "2/2018 exclude it); a point, justification or evidence missing from an occasional one is a warning."
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
    for reliance in reliances(ctx):
        site, covered = reliance
        mech = site.mechanism
        if mech is None or site.mtype is not MechanismType.DEROGATION or mech.derogation is Derogation.SECOND:
            continue
        frequencies = [s.transfer.frequency for s in (site, *covered) if s.transfer is not None]
        frequency = next((f for f in frequencies if f in ("regular", "continuous")), None)
        problems = []
        systematic = False
        if mech.derogation is None:
            problems.append("it does not name the Art. 49(1) point (derogation: 49.1.a ... 49.1.g)")
        if frequency in ("regular", "continuous"):
            problems.append(f"the transfer is {frequency}, but derogations suit occasional transfers")
            systematic = True
        elif site.kind in ("provider", "sub_processor"):
            # A provider's or sub-processor's own mechanism covers its standing data flow, not one occasion.
            problems.append("it covers a provider's standing data flow, but derogations suit occasional transfers")
            systematic = True
        if mech.derogation in _NEEDS_NECESSITY and not documented(reliance, "justification"):
            problems.append("it does not say why the transfer is necessary (justification)")
        if mech.derogation is Derogation.A and documented(reliance, "evidence") is None:
            problems.append("it references no explicit, informed consent to the transfer (evidence)")
        if problems:
            yield at(
                site,
                "type",
                message=f"{site.label} relies on a derogation, but "
                + "; ".join(problems)
                + "; use SCCs 2021/914 for regular transfers"
                + covering(covered),
                severity=Severity.ERROR if systematic else None,
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
