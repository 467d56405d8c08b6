"""Art. 8: a child's consent to an information society service, by Member State age and parental consent."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.check.rules.lawfulness.helpers import child_activities
from ropa.model.activity import LawfulBasis, age_bounds
from ropa.model.common import Severity

RULES: list[Rule] = []
define = registrar(RULES)


@define(
    id="A8-1-child-consent",
    name="lawfulness.child-consent",
    severity=Severity.WARNING,
    summary=(
        "Consent to an information society service offered to children records the consent age per Member State "
        "(13-16) and how parental consent is obtained and verified."
    ),
    article="Art. 8(1)-(2); Art. 6(1)(a)",
    why=(
        "A child's own consent to an information society service is valid only from 16, or the lower age (not "
        "below 13) a Member State sets; below it the holder of parental responsibility must give or authorise "
        "consent, and the controller must make reasonable efforts to verify that. Where children are detected "
        "but it is not declared whether the service is offered to them, the finding is a warning."
        " The basis is stated; the record lacks the evidence of the age check and parental consent: a warning."
    ),
    fix=(
        "Add child_safeguards with consent_ages per Member State (e.g. {DE: 16, FR: 15}) and parental_consent "
        "(how it is given and verified); parental consent is not needed when age_range starts at or above every "
        "consent age. If the activity is not such a service, set iss_offered_to_children: false."
    ),
    bad="""
activities:
  - id: homework
    name: Homework reminders
    iss_offered_to_children: true
    purposes:
      - description: Send homework reminders to pupils who signed up in the app
        lawful_basis: 6.1.a
""",
    good="""
activities:
  - id: homework
    name: Homework reminders
    iss_offered_to_children: true
    purposes:
      - description: Send homework reminders to pupils who signed up in the app
        lawful_basis: 6.1.a
    child_safeguards:
      age_range: 10-15
      consent_ages: {DE: 16, AT: 14}
      parental_consent: Parent confirms by e-mail link; sign-up stays inactive until confirmed
""",
)
def child_consent(ctx: Context) -> Iterator[Hit]:
    detected = {id(site[0].activity): site for site in child_activities(ctx)}
    for entry in ctx.activities():
        activity = entry.activity
        offered = activity.iss_offered_to_children
        if offered is False or (offered is None and id(activity) not in detected):
            continue
        p_index = next((i for i, p in enumerate(activity.purposes) if p.lawful_basis is LawfulBasis.CONSENT), None)
        if p_index is None:
            continue
        safeguards = activity.child_safeguards
        ages = safeguards.consent_ages if safeguards else {}
        missing = []
        if not ages:
            missing.append(
                "the age from which children may consent in each Member State served "
                "(child_safeguards.consent_ages, 13 to 16)"
            )
        old_enough = bool(
            ages and safeguards and safeguards.age_range and age_bounds(safeguards.age_range)[0] >= max(ages.values())
        )
        if not (safeguards and safeguards.parental_consent) and not old_enough:
            missing.append(
                "how the holder of parental responsibility gives or authorises consent and how that is "
                "verified (child_safeguards.parental_consent)"
            )
        if not missing:
            continue
        if offered:
            yield ctx.act(
                entry,
                "iss_offered_to_children",
                message=(
                    f"activity {activity.id!r} offers an information society service to children on consent but "
                    "does not record " + " or ".join(missing)
                ),
            )
        else:
            _entry, _s, subject, why = detected[id(activity)]
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"data subjects {subject.name!r} {why} and activity {activity.id!r} rests on consent: if it is an "
                    "information society service offered to them, record "
                    + " and ".join(missing)
                    + "; otherwise set iss_offered_to_children: false"
                ),
                severity=Severity.WARNING,
            )
