"""Lawful basis (Art. 6-8), special categories (Art. 9), criminal data (Art. 10) and children.

The validator never infers a basis or a condition: a basis in free text
(``stated_basis``) is reported, not mapped to an Art. 6(1) point.
"""

from __future__ import annotations

from collections.abc import Iterator

from ropa.check.rules import lexicons as lx
from ropa.check.rules.base import Context, Hit, Rule, registrar
from ropa.model.activity import BASIS_LABELS, Activity, Art9Condition, DataSubjectCategory, LawfulBasis, age_bounds
from ropa.model.common import Severity
from ropa.model.register import Entry

RULES: list[Rule] = []
define = registrar(RULES)

ChildSite = tuple[Entry, int, DataSubjectCategory, str]
"""An activity whose data subjects include children: its entry, the index of the first such data-subject
category, the category, and why it counts (flag or word)."""


def child_activities(ctx: Context) -> list[ChildSite]:
    """Every activity whose data subjects include children (the flag, or a word of ``CHILD_HINTS`` unless the
    category says ``children: false``), once per activity; listed once per check."""
    return ctx.once("lawfulness.children", _list_children)


def _list_children(ctx: Context) -> list[ChildSite]:
    out: list[ChildSite] = []
    reported: Activity | None = None
    for entry, s_index, subject in ctx.data_subjects():
        activity = entry.activity
        if subject.children is False or activity is reported:
            continue
        hint = None if subject.children else lx.CHILD_HINTS.find(subject.name)
        if subject.children or hint:
            reported = activity
            why = "is flagged as including children" if subject.children else f"mentions {hint!r}"
            out.append((entry, s_index, subject, why))
    return out


@define(
    id="A6-1-basis",
    name="lawfulness.basis",
    severity=Severity.ERROR,
    summary="Every purpose names one Art. 6(1) lawful basis (6.1.a ... 6.1.f), not free text.",
    article="Art. 6(1); Art. 5(1)(a); Art. 5(2)",
    why=(
        "Processing is lawful only if one of the six bases applies, and the controller must be able to show "
        "which; 'GDPR compliance' or a basis that covers several purposes at once shows nothing."
    ),
    fix=(
        "Set 'lawful_basis' to one of 6.1.a consent, 6.1.b contract, 6.1.c legal obligation, 6.1.d vital "
        "interests, 6.1.e public task, 6.1.f legitimate interests; keep the source's words in 'stated_basis'."
    ),
    bad="""
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - description: Deliver one-time login passcodes by SMS
        stated_basis: Contractual necessity and legitimate interests
""",
    good="""
activities:
  - id: otp
    name: One-time passcodes
    purposes:
      - description: Deliver one-time login passcodes by SMS
        stated_basis: Contractual necessity and legitimate interests
        lawful_basis: 6.1.b
""",
)
def basis(ctx: Context) -> Iterator[Hit]:
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is not None:
            continue
        if purpose.stated_basis:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "stated_basis",
                message=(
                    f"purpose {purpose.description!r} gives its basis only as {purpose.stated_basis!r}; set "
                    "lawful_basis to one Art. 6(1) point (6.1.a ... 6.1.f)"
                ),
            )
        else:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} has no lawful basis; set lawful_basis to one Art. 6(1) "
                    "point (6.1.a ... 6.1.f)"
                ),
            )


@define(
    id="A6-1-a-consent-proof",
    name="lawfulness.consent-proof",
    severity=Severity.WARNING,
    summary="A purpose based on consent says how consent is collected and recorded.",
    article="Art. 7(1); Art. 6(1)(a)",
    why=(
        "Where processing rests on consent, the controller must be able to demonstrate that consent was given."
        " The basis is stated; what is missing is the evidence Art. 7(1) asks the controller to be able to show:"
        " a warning."
    ),
    fix="Add consent_mechanism: where and how consent is asked, which notice version, and where it is stored.",
    bad="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
""",
    good="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
        consent_mechanism: Unticked checkbox at checkout; timestamp and notice version stored in the CRM
""",
)
def consent_proof(ctx: Context) -> Iterator[Hit]:
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is LawfulBasis.CONSENT and not purpose.consent_mechanism:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} rests on consent but does not say how it is collected and "
                    "recorded; add consent_mechanism"
                ),
            )


@define(
    id="A6-1-a-consent-withdrawal",
    name="lawfulness.consent-withdrawal",
    severity=Severity.WARNING,
    summary="Consent (Art. 6(1)(a) or explicit consent under Art. 9(2)(a)) comes with a way to withdraw it.",
    article="Art. 7(3)",
    why="Withdrawing consent must be as easy as giving it; the record should show how.",
    fix="Add withdrawal_mechanism to the purpose (e.g. 'reply STOP; unsubscribe link in the account').",
    bad="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
        consent_mechanism: Checkbox at checkout, logged in the CRM
""",
    good="""
activities:
  - id: offers
    name: SMS offers
    purposes:
      - description: Send SMS offers to customers who opted in at checkout
        lawful_basis: 6.1.a
        consent_mechanism: Checkbox at checkout, logged in the CRM
        withdrawal_mechanism: Reply STOP to any message, or untick in the customer account
""",
)
def consent_withdrawal(ctx: Context) -> Iterator[Hit]:
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is LawfulBasis.CONSENT and not purpose.withdrawal_mechanism:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} rests on consent but says no way to withdraw it; add "
                    "withdrawal_mechanism"
                ),
            )
    for entry, c_index, category in ctx.data_categories():
        activity = entry.activity
        if category.art9_condition is Art9Condition.A and not any(p.withdrawal_mechanism for p in activity.purposes):
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "art9_condition",
                message=(
                    f"data category {category.id!r} rests on explicit consent (9.2.a) but no purpose of the "
                    "activity says how to withdraw it; add withdrawal_mechanism"
                ),
            )


@define(
    id="A6-1-f-lia",
    name="lawfulness.legitimate-interests-assessment",
    severity=Severity.WARNING,
    summary="A purpose based on legitimate interests states the interest and references a dated LIA.",
    article="Art. 6(1)(f); Art. 5(2); Art. 13(1)(d); EDPB Guidelines 1/2024",
    why=(
        "Legitimate interests is a balancing test; without the interest and the assessment on record the "
        "controller cannot show that the balance was struck before processing."
    ),
    fix="Add legitimate_interest (the interest pursued) and lia: {ref: ..., date: YYYY-MM-DD}.",
    bad="""
activities:
  - id: fraud
    name: Fraud prevention
    purposes:
      - description: Block SMS pumping fraud on the login endpoint
        lawful_basis: 6.1.f
""",
    good="""
activities:
  - id: fraud
    name: Fraud prevention
    purposes:
      - description: Block SMS pumping fraud on the login endpoint
        lawful_basis: 6.1.f
        legitimate_interest: Preventing fraudulent SMS charges and account takeover
        lia:
          ref: LIA-2026-04 SMS fraud controls
          date: 2026-04-12
""",
)
def legitimate_interests_assessment(ctx: Context) -> Iterator[Hit]:
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is not LawfulBasis.LEGITIMATE_INTERESTS:
            continue
        missing = []
        if not purpose.legitimate_interest:
            missing.append("the interest pursued (legitimate_interest)")
        if purpose.lia is None:
            missing.append("the assessment (lia with ref and date)")
        elif purpose.lia.date is None:
            missing.append("the date of the assessment (lia.date)")
        if missing:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} rests on legitimate interests but is missing "
                    + " and ".join(missing)
                ),
            )


@define(
    id="A6-1-f-public-authority",
    name="lawfulness.public-authority-interests",
    severity=Severity.ERROR,
    summary="A public authority does not rely on legitimate interests.",
    article="Art. 6(1), second subparagraph",
    why="Legitimate interests is not available to public authorities for processing in the performance of their tasks.",
    fix="Use the basis the law gives the task (6.1.e public task or 6.1.c legal obligation), with the law cited.",
    bad="""
# organisation.yaml
public_authority: true
---
# providers/acme.yaml
activities:
  - id: reminders
    name: Appointment reminders
    purposes:
      - description: Remind citizens of their appointments by SMS
        lawful_basis: 6.1.f
""",
    good="""
# organisation.yaml
public_authority: true
---
# providers/acme.yaml
activities:
  - id: reminders
    name: Appointment reminders
    purposes:
      - description: Remind citizens of their appointments by SMS
        lawful_basis: 6.1.e
        legal_provision: Municipal Services Act § 12
""",
)
def public_authority_interests(ctx: Context) -> Iterator[Hit]:
    if not ctx.register.organisation.public_authority:
        return
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS:
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} relies on legitimate interests, which a public authority "
                    "cannot use for its tasks; use the basis its law gives (6.1.e or 6.1.c)"
                ),
            )


@define(
    id="A6-3-legal-ref",
    name="lawfulness.legal-reference",
    severity=Severity.WARNING,
    summary="A purpose based on a legal obligation or a public task cites the law.",
    article="Art. 6(3)",
    why="For 6.1.c and 6.1.e the basis must be laid down by Union or Member State law, which the record should name.",
    fix="Add legal_provision with the statute and section (e.g. 'HGB § 257; AO § 147').",
    bad="""
activities:
  - id: invoices
    name: Invoicing
    purposes:
      - description: Keep invoices for statutory bookkeeping
        lawful_basis: 6.1.c
""",
    good="""
activities:
  - id: invoices
    name: Invoicing
    purposes:
      - description: Keep invoices for statutory bookkeeping
        lawful_basis: 6.1.c
        legal_provision: HGB § 257; AO § 147
""",
)
def legal_reference(ctx: Context) -> Iterator[Hit]:
    needs_law = frozenset({LawfulBasis.LEGAL_OBLIGATION, LawfulBasis.PUBLIC_TASK})
    for entry, p_index, purpose in ctx.purposes():
        if purpose.lawful_basis in needs_law and not purpose.legal_provision:
            assert purpose.lawful_basis is not None
            yield ctx.act(
                entry,
                "purposes",
                p_index,
                "lawful_basis",
                message=(
                    f"purpose {purpose.description!r} rests on {BASIS_LABELS[purpose.lawful_basis]} but cites "
                    "no law; add legal_provision"
                ),
            )


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


@define(
    id="A9-2-condition",
    name="lawfulness.special-category-condition",
    severity=Severity.ERROR,
    summary="Special-category data has an Art. 9(2) condition, in addition to the Art. 6 basis.",
    article="Art. 9(1)-(2); Recital 51",
    why="Processing special-category data is prohibited unless one of the Art. 9(2) conditions applies.",
    fix="Set art9_condition (9.2.a ... 9.2.j) on the data category; keep the purpose's Art. 6 basis too.",
    bad="""
activities:
  - id: pharmacy
    name: Prescription-ready SMS
    data_categories:
      - id: rx
        name: Prescription ready for collection
        special: health
""",
    good="""
activities:
  - id: pharmacy
    name: Prescription-ready SMS
    data_categories:
      - id: rx
        name: Prescription ready for collection
        special: health
        art9_condition: 9.2.a
""",
)
def special_category_condition(ctx: Context) -> Iterator[Hit]:
    for entry, c_index, category in ctx.data_categories():
        if category.special is not None and category.art9_condition is None:
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "special",
                message=(
                    f"data category {category.id!r} is special-category data ({category.special.value}) with no "
                    "Art. 9(2) condition; add art9_condition"
                ),
            )


LAW_CONDITIONS = frozenset({Art9Condition.B, Art9Condition.G, Art9Condition.H, Art9Condition.I, Art9Condition.J})


@define(
    id="A9-2-law-ref",
    name="lawfulness.special-category-law",
    severity=Severity.WARNING,
    summary=(
        "Art. 9(2)(b), (g)-(j) cite their law; 9(2)(h) names who is bound by professional secrecy; 9(2)(a) says "
        "how explicit consent is collected."
    ),
    article="Art. 9(2)(a), (b), (g)-(j); Art. 9(3)",
    why=(
        "These conditions exist only on the basis of Union or Member State law (or a collective agreement); "
        "health and care data under (h) may be processed only by or under people bound by professional secrecy "
        "(Art. 9(3)); explicit consent under (a) must be shown like any consent."
    ),
    fix=(
        "Add art9_law_ref to the data category; for 9.2.h also professional_secrecy; for 9.2.a a consent_mechanism "
        "on a purpose of the activity."
    ),
    bad="""
activities:
  - id: sick-notes
    name: Sick-leave notifications
    data_categories:
      - id: sick
        name: Sick-leave notice
        special: health
        art9_condition: 9.2.b
""",
    good="""
activities:
  - id: sick-notes
    name: Sick-leave notifications
    data_categories:
      - id: sick
        name: Sick-leave notice
        special: health
        art9_condition: 9.2.b
        art9_law_ref: BDSG § 26(3); EntgFG § 5
""",
)
def special_category_law(ctx: Context) -> Iterator[Hit]:
    for entry, c_index, category in ctx.data_categories():
        activity = entry.activity
        condition = category.art9_condition
        if condition is None:
            continue
        problems = []
        if condition is Art9Condition.H and not category.art9_law_ref:
            # Art. 9(2)(h) rests on Union or Member State law "or pursuant to contract with a health professional".
            problems.append(
                "cites neither the law nor the contract with a health professional it rests on (add art9_law_ref)"
            )
        elif condition in LAW_CONDITIONS and not category.art9_law_ref:
            problems.append("cites no law (add art9_law_ref)")
        if condition is Art9Condition.H and not category.professional_secrecy:
            problems.append("names no one bound by professional secrecy, Art. 9(3) (add professional_secrecy)")
        if condition is Art9Condition.A and not any(p.consent_mechanism for p in activity.purposes):
            problems.append(
                "no purpose of the activity says how the explicit consent is collected (add consent_mechanism)"
            )
        if problems:
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "art9_condition",
                message=(
                    f"data category {category.id!r} relies on Art. 9(2) condition {condition.value} but "
                    + " and ".join(problems)
                ),
            )


@define(
    id="A9-1-undeclared",
    name="lawfulness.special-category-undeclared",
    severity=Severity.WARNING,
    summary="A data category whose name suggests health, biometric, criminal ... data is flagged as such.",
    article="Art. 9(1); Art. 10",
    known_problems=(
        "It reads the category's name and description for tell-tale words (health, biometric, criminal ...): a "
        "category named without them passes, and one that mentions a word in another sense ('health of the "
        "service') is reported; waive it with a reason."
    ),
    why=(
        "Special-category and criminal data carry extra conditions; a name like 'health status' or 'background "
        "check' not flagged as such hides them. This is a heuristic: it never flags anything by itself."
    ),
    fix=(
        "Set 'special' (and art9_condition) or 'criminal: true' on the category; if it is not such data, say why "
        "in not_special_reason."
    ),
    bad="""
activities:
  - id: pharmacy
    name: Pharmacy notices
    data_categories:
      - id: rx
        name: Medical prescription status
""",
    good="""
activities:
  - id: pharmacy
    name: Pharmacy notices
    data_categories:
      - id: rx
        name: Medical prescription status
        not_special_reason: Only 'your order is ready' is sent; no medicine or condition is named
""",
)
def special_category_undeclared(ctx: Context) -> Iterator[Hit]:
    for entry, c_index, category in ctx.data_categories():
        if category.not_special_reason:
            continue
        word = None
        kind = ""
        if category.special is None:
            word = lx.SPECIAL_CAT_HINTS.find(category.name)
            kind = "special-category (set 'special' and art9_condition)"
        if word is None and not category.criminal:
            word = lx.CRIMINAL_HINTS.find(category.name)
            kind = "criminal-offence data (set 'criminal: true')"
        if word is not None:
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "name",
                message=(
                    f"data category {category.name!r} mentions {word!r}: if it is {kind}; otherwise say why in "
                    "not_special_reason"
                ),
            )


@define(
    id="A10-authorisation",
    name="lawfulness.criminal-data-authorisation",
    severity=Severity.ERROR,
    summary="Criminal-conviction and offence data names the official authority or the law authorising it.",
    article="Art. 10",
    why="Such data may be processed only under official authority or where Union or Member State law authorises it.",
    fix="Add art10_authority: the authority in control, or the statute authorising the processing.",
    bad="""
activities:
  - id: vetting
    name: Driver vetting
    data_categories:
      - id: record
        name: Criminal record certificate
        criminal: true
""",
    good="""
activities:
  - id: vetting
    name: Driver vetting
    data_categories:
      - id: record
        name: Criminal record certificate
        criminal: true
        art10_authority: PBefG § 13 (passenger transport licensing)
""",
)
def criminal_data_authorisation(ctx: Context) -> Iterator[Hit]:
    for entry, c_index, category in ctx.data_categories():
        if category.criminal and not category.art10_authority:
            yield ctx.act(
                entry,
                "data_categories",
                c_index,
                "criminal",
                message=(
                    f"data category {category.id!r} holds criminal-offence data with no authorising law or "
                    "official authority; add art10_authority"
                ),
            )


@define(
    id="CHILD-safeguards",
    name="lawfulness.children",
    severity=Severity.WARNING,
    summary=(
        "An activity whose data subjects include children records their age range, an age-appropriate notice, a "
        "DPIA or screening, and (for legitimate interests) child-specific balancing."
    ),
    article="Art. 6(1)(f); Art. 8; Art. 12(1); Recital 38; Art. 35 (WP248 criteria)",
    why=(
        "Children merit specific protection: information for them must be in clear and plain language they "
        "understand, legitimate interests weigh a child's interests in particular, and vulnerable data subjects "
        "are a DPIA criterion. Children are detected from the 'children' flag or the category's words."
    ),
    fix=(
        "Add dpia: {ref: ..., date: ...} (the DPIA or its screening) and child_safeguards with age_range, notice "
        "and, where a purpose rests on 6.1.f, lia_reasoning; if the category holds no children, set "
        "children: false."
    ),
    bad="""
activities:
  - id: school
    name: School closure alerts
    data_subjects:
      - name: Pupils and their parents
    dpia:
      ref: DPIA screening 2026-07 school alerts
      date: 2026-07-01
""",
    good="""
activities:
  - id: school
    name: School closure alerts
    data_subjects:
      - name: Pupils and their parents
    dpia:
      ref: DPIA screening 2026-07 school alerts
      date: 2026-07-01
    child_safeguards:
      age_range: 6-18
      notice: School alerts notice for pupils, plain-language version 2026-07
""",
)
def children(ctx: Context) -> Iterator[Hit]:
    for entry, s_index, subject, why in child_activities(ctx):
        activity = entry.activity
        safeguards = activity.child_safeguards
        missing = []
        if activity.dpia is None:
            missing.append("no DPIA or screening (dpia)")
        if safeguards is None or not safeguards.age_range:
            missing.append("no age range (child_safeguards.age_range)")
        if safeguards is None or not safeguards.notice:
            missing.append("no notice written for their age (child_safeguards.notice)")
        if (safeguards is None or not safeguards.lia_reasoning) and any(
            p.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS for p in activity.purposes
        ):
            missing.append(
                "no child-specific reasoning in the legitimate interests balance (child_safeguards.lia_reasoning)"
            )
        if missing:
            yield ctx.act(
                entry,
                "data_subjects",
                s_index,
                message=(
                    f"data subjects {subject.name!r} {why}, but activity {activity.id!r} records "
                    + ", ".join(missing)
                    + "; add them (or set children: false if there are none)"
                ),
            )
